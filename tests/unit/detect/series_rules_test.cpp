// The per-series rules beyond the bands (implausible, jump, flatline, deviation), through the
// detector as the daemon drives it.

#include <wtf/detect/detector.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

using namespace wtf;
using namespace std::chrono_literals;

namespace {

core::timestamp const t0 = core::timestamp{} + std::chrono::hours{24 * 20000};

core::timestamp at(double seconds)
{
    return t0 + std::chrono::duration_cast<std::chrono::microseconds>(core::seconds_f{seconds});
}

struct event {
    core::anomaly_change change;
    core::anomaly anomaly;
};

struct recorder final : detect::event_sink {
    std::vector<event> events;
    void on_anomaly(core::anomaly_change c, core::anomaly const& a) override
    {
        events.push_back({c, a});
    }
    std::vector<core::anomaly> opened(core::anomaly_type type) const
    {
        std::vector<core::anomaly> out;
        for (auto const& e : events)
            if (e.change == core::anomaly_change::opened && e.anomaly.type == type)
                out.push_back(e.anomaly);
        return out;
    }
    std::vector<core::anomaly> closed(core::anomaly_type type) const
    {
        std::vector<core::anomaly> out;
        for (auto const& e : events)
            if (e.change == core::anomaly_change::closed && e.anomaly.type == type)
                out.push_back(e.anomaly);
        return out;
    }
};

// The seed's parameters with their default rules; no multivariate detector, no dropouts.
detect::settings rule_settings()
{
    detect::settings s;
    s.dropout_gap = 3600s;
    s.multivariate.enabled = false;
    return s;
}

void feed(detect::detector& d, recorder& out, double seconds, std::string_view param, double value)
{
    core::measurement const m{param, value};
    d.observe(core::reading{"wtf-pipe-1", at(seconds), std::span{&m, 1}}, out);
}

} // namespace

TEST_CASE("A value outside the valid range is implausible at once, an instrument fault, and the "
          "bands do not report it too",
          "[unit]")
{
    detect::detector d{rule_settings(), t0};
    recorder out;
    feed(d, out, 0.0, "pressure", 2.0);
    feed(d, out, 1.0, "pressure", -0.5);
    auto const opened = out.opened(core::anomaly_type::implausible);
    REQUIRE(opened.size() == 1);
    CHECK(opened[0].cause == core::cause::instrument);
    CHECK(opened[0].detected_at == at(1.0));
    CHECK(opened[0].limits == core::band{0.0, 40.0});
    CHECK(out.opened(core::anomaly_type::spike).empty());
    feed(d, out, 2.0, "pressure", 2.0);
    CHECK(out.closed(core::anomaly_type::implausible).size() == 1);
}

TEST_CASE("A jump that comes back is the transmitter's; a step that stays is the process's",
          "[unit]")
{
    detect::detector d{rule_settings(), t0};
    recorder out;
    // Temperature jumps by 10 °C in a second (limit 5 °C/s), inside its bands, and returns.
    feed(d, out, 0.0, "temperature", 20.0);
    feed(d, out, 1.0, "temperature", 30.0);
    feed(d, out, 2.0, "temperature", 30.1);
    feed(d, out, 3.0, "temperature", 20.1);
    auto closed = out.closed(core::anomaly_type::jump);
    REQUIRE(closed.size() == 1);
    CHECK(closed[0].cause == core::cause::instrument);
    CHECK(closed[0].evidence.basis == "returned");
    CHECK(*closed[0].score == Approx(10.0));

    // A step of 10 °C that stays for over a minute.
    for (int i = 0; i < 90; ++i) feed(d, out, 10.0 + i, "temperature", i == 0 ? 20.0 : 30.0);
    closed = out.closed(core::anomaly_type::jump);
    REQUIRE(closed.size() == 2);
    CHECK(closed[1].cause == core::cause::process);
    CHECK(closed[1].evidence.basis == "stayed");
}

TEST_CASE("A value unchanged for longer than flat_for_s while the sensor reports is a flatline "
          "that ends with the first change",
          "[unit]")
{
    detect::detector d{rule_settings(), t0};
    recorder out;
    for (int i = 0; i <= 300; ++i) feed(d, out, i * 2.0, "pressure", 2.1);
    auto const opened = out.opened(core::anomaly_type::flatline);
    REQUIRE(opened.size() == 1);
    CHECK(opened[0].cause == core::cause::instrument);
    CHECK(opened[0].started_at == at(0.0));
    CHECK(opened[0].detected_at > at(300.0));
    CHECK(opened[0].detected_at <= at(302.0));
    CHECK(out.closed(core::anomaly_type::flatline).empty());
    feed(d, out, 700.0, "pressure", 2.2);
    CHECK(out.closed(core::anomaly_type::flatline).size() == 1);
}

TEST_CASE("A deviation needs deviation_hold unusual readings in a row and does not learn the "
          "excursion",
          "[unit]")
{
    auto s = rule_settings();
    s.multivariate.enabled = false;
    detect::detector d{s, t0};
    recorder out;
    double t = 0.0;
    // 300 readings of a quiet series (flow 60 ± 0.5), then 9 unusual ones: not yet.
    for (int i = 0; i < 300; ++i) feed(d, out, t += 1.0, "flow", 60.0 + 0.5 * std::sin(i * 1.7));
    for (int i = 0; i < 9; ++i) feed(d, out, t += 1.0, "flow", 70.0);
    CHECK(out.opened(core::anomaly_type::deviation).empty());
    feed(d, out, t += 1.0, "flow", 60.0);
    // Now a held excursion inside the bands: one deviation, a process cause; it lasts as long
    // as the excursion because the mean does not follow it.
    for (int i = 0; i < 100; ++i) feed(d, out, t += 1.0, "flow", 70.0);
    auto const opened = out.opened(core::anomaly_type::deviation);
    REQUIRE(opened.size() == 1);
    CHECK(opened[0].cause == core::cause::process);
    CHECK(*opened[0].score > 5.0);
    CHECK(out.closed(core::anomaly_type::deviation).empty());
    for (int i = 0; i < 20; ++i) feed(d, out, t += 1.0, "flow", 60.0);
    CHECK(out.closed(core::anomaly_type::deviation).size() == 1);
}

TEST_CASE("A parameter without a table gets no per-series rule; a table turns deviation on",
          "[unit]")
{
    recorder out;
    double t = 0.0;
    auto unusual_conductivity = [&](detect::detector& d) {
        for (int i = 0; i < 300; ++i)
            feed(d, out, t += 1.0, "conductivity", 500.0 + std::sin(i * 1.7));
        for (int i = 0; i < 30; ++i) feed(d, out, t += 1.0, "conductivity", 550.0);
    };
    {
        detect::detector d{rule_settings(), t0};
        for (int i = 0; i < 400; ++i) feed(d, out, t += 1.0, "turbidity", 0.5); // stuck: no rule
        for (int i = 0; i < 5; ++i) feed(d, out, t += 1.0, "conductivity", -100.0); // no range
        unusual_conductivity(d);
        CHECK(out.events.empty());
    }
    // A table with bands only: its bands, no deviation (nothing sensible to assume about it).
    auto s = rule_settings();
    detect::parameter_rules conductivity;
    conductivity.name = "conductivity";
    conductivity.spike = {0.0, 5000.0};
    conductivity.normal = {0.0, 4000.0};
    s.parameters.push_back(conductivity);
    {
        detect::detector d{s, t0};
        unusual_conductivity(d);
        CHECK(out.events.empty());
    }
    s.parameters.back().deviation_z = 5.0;
    detect::detector d{s, t0};
    unusual_conductivity(d);
    CHECK(out.opened(core::anomaly_type::deviation).size() == 1);
}
