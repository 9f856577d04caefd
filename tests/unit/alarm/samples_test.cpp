#include <wtf/alarm/samples.hpp>

#include <catch2/catch.hpp>

#include <set>
#include <string>

using namespace wtf;
using namespace std::chrono_literals;

namespace {

core::timestamp const t0{std::chrono::sys_days{std::chrono::year{2025} / 5 / 28}};

std::vector<alarm::sample> every_sample()
{
    alarm::ledger ledger{{}};
    alarm::performance perf{{}, t0};
    alarm::event_hub hub{{}};
    alarm::recent_readings readings{{}};
    std::vector<alarm::sample> out;
    alarm::append_samples(out, ledger);
    alarm::append_samples(out, perf.report(t0 + 1h, 24h, ledger));
    alarm::append_samples(out, hub.stats());
    alarm::append_samples(out, readings);
    return out;
}

double value_of(std::vector<alarm::sample> const& samples, std::string_view name,
                std::string_view label_value = {})
{
    for (auto const& s : samples)
        if (s.name == name && s.label_value == label_value) return s.value;
    FAIL("no sample " << name << " " << label_value);
    return -1.0;
}

} // namespace

TEST_CASE("samples of one family are next to each other with one help and type", "[unit]")
{
    auto const samples = every_sample();
    std::set<std::string_view> finished;
    for (std::size_t i = 0; i < samples.size(); ++i) {
        auto const& s = samples[i];
        INFO(s.name);
        CHECK(s.name.rfind("wtfd_", 0) == 0);
        CHECK((s.type == "gauge" || s.type == "counter"));
        CHECK_FALSE(s.help.empty());
        if (i > 0 && samples[i - 1].name != s.name) finished.insert(samples[i - 1].name);
        CHECK(finished.count(s.name) == 0);
        if (i > 0 && samples[i - 1].name == s.name) {
            CHECK(samples[i - 1].help == s.help);
            CHECK(samples[i - 1].type == s.type);
            CHECK(samples[i - 1].label == s.label);
        }
        if (s.type == "counter") CHECK(s.name.size() > 6);
        if (s.type == "counter") CHECK(s.name.substr(s.name.size() - 6) == "_total");
    }
}

TEST_CASE("the ledger's samples count alarms by state and commands by outcome", "[unit]")
{
    alarm::ledger ledger{{}};
    core::anomaly a;
    a.id = 1;
    a.sensor_id = "wtf-pipe-1";
    a.parameter = "temperature";
    ledger.observe(core::anomaly_change::opened, a);
    REQUIRE(ledger.acknowledge(1, {"alice", ""}, t0).has_value());
    REQUIRE_FALSE(ledger.acknowledge(2, {"alice", ""}, t0).has_value());
    std::vector<alarm::sample> out;
    alarm::append_samples(out, ledger);
    CHECK(value_of(out, "wtfd_alarms", "acknowledged") == 1.0);
    CHECK(value_of(out, "wtfd_alarms", "unacknowledged") == 0.0);
    CHECK(value_of(out, "wtfd_alarm_transitions_total", "acknowledged") == 1.0);
    CHECK(value_of(out, "wtfd_alarm_commands_refused_total", "not_found") == 1.0);
}

TEST_CASE("the load samples carry the report's figures", "[unit]")
{
    alarm::load_report r;
    r.alarms = 12;
    r.average_per_period = 1.5;
    r.peak = 11;
    r.flood_share = 0.25;
    r.stale = 2;
    std::vector<alarm::sample> out;
    alarm::append_samples(out, r);
    CHECK(value_of(out, "wtfd_alarm_openings", "none") == 12.0);
    CHECK(value_of(out, "wtfd_alarm_rate_per_10min", "average") == 1.5);
    CHECK(value_of(out, "wtfd_alarm_rate_per_10min", "peak") == 11.0);
    CHECK(value_of(out, "wtfd_alarm_flood_period_share") == 0.25);
    CHECK(value_of(out, "wtfd_alarm_stale") == 2.0);
}
