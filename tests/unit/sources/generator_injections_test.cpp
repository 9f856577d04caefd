// The generator's injections beyond the seed's, fed through the detector as the daemon does:
// each is reported, with the cause it stands for, and reproducibly from the seed.

#include <wtf/core/time.hpp>
#include <wtf/detect/detector.hpp>
#include <wtf/sources/generator.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using namespace wtf;

core::timestamp const start = core::parse_rfc3339("2025-05-28T00:00:00Z").value();

struct recorder final : detect::event_sink {
    std::vector<core::anomaly> closed;
    std::vector<core::anomaly> opened;
    void on_anomaly(core::anomaly_change c, core::anomaly const& a) override
    {
        if (c == core::anomaly_change::opened) opened.push_back(a);
        if (c == core::anomaly_change::closed) closed.push_back(a);
    }
    std::vector<core::anomaly> of(core::anomaly_type t) const
    {
        std::vector<core::anomaly> out;
        for (auto const& a : closed)
            if (a.type == t) out.push_back(a);
        return out;
    }
};

sources::generator_settings only(double stucks, double jumps, double valves)
{
    sources::generator_settings s;
    s.sensors = {"wtf-pipe-1"};
    s.spikes_per_hour = 0.0;
    s.drifts_per_hour = 0.0;
    s.dropouts_per_hour = 0.0;
    s.stucks_per_hour = stucks;
    s.jumps_per_hour = jumps;
    s.valve_closings_per_hour = valves;
    return s;
}

// `hours` of the generator through a detector with the default settings.
recorder run(sources::generator_settings const& s, double hours)
{
    detect::settings d;
    // The generator's walk reverts a tenth of the way each step, so var(Δx)/2var(x) is about
    // 0.1, right at the default slow_ratio: flow and pressure would count as integrating and
    // their centres follow a closing valve within slow_adapt_s (120 s), hiding it. The
    // generator's plant is not an integrating one; a plant like it sets slow_ratio = 0.
    d.multivariate.slow_ratio = 0.0;
    detect::detector det{d, start};
    sources::generator_model model{s, sources::generated_parameters(d)};
    recorder out;
    auto const steps = static_cast<long>(hours * 3600.0 / 2.0);
    for (long i = 0; i < steps; ++i) {
        auto const t = start + s.interval * i;
        model.step(t, [&](core::reading const& r) { det.observe(r, out); });
        det.advance(t, out);
    }
    return out;
}

} // namespace

TEST_CASE("A stuck transmitter in the generator is one flatline each, an instrument fault",
          "[unit]")
{
    auto const out = run(only(3.0, 0.0, 0.0), 4.0);
    auto const flat = out.of(core::anomaly_type::flatline);
    REQUIRE(flat.size() >= 4);
    for (auto const& a : flat) {
        CHECK(a.cause == core::cause::instrument);
        CHECK(*a.duration_seconds >= 300.0);
    }
    CHECK(out.of(core::anomaly_type::jump).empty());
    CHECK(out.of(core::anomaly_type::spike).empty());
    CHECK(out.of(core::anomaly_type::drift).empty());
}

TEST_CASE("A jumping transmitter in the generator is a jump that returns, an instrument fault",
          "[unit]")
{
    auto const out = run(only(0.0, 20.0, 0.0), 2.0);
    auto const jumps = out.of(core::anomaly_type::jump);
    REQUIRE(jumps.size() >= 20);
    std::size_t returned = 0;
    for (auto const& a : jumps)
        if (a.cause == core::cause::instrument && a.evidence.basis == "returned") ++returned;
    CHECK(returned >= jumps.size() * 9 / 10);
    CHECK(out.of(core::anomaly_type::drift).empty());
    CHECK(out.of(core::anomaly_type::spike).empty());
    CHECK(out.of(core::anomaly_type::flatline).empty());
}

TEST_CASE("A closing valve in the generator is a multivariate process anomaly driven by flow "
          "and pressure",
          "[unit]")
{
    auto const out = run(only(0.0, 0.0, 2.0), 6.0);
    auto const joint = out.of(core::anomaly_type::multivariate);
    REQUIRE_FALSE(joint.empty());
    std::size_t valve_like = 0;
    for (auto const& a : joint) {
        REQUIRE(a.contributions.size() >= 1);
        auto const top = a.contributions[0].parameter;
        if (a.cause == core::cause::process && (top == "flow" || top == "pressure")) ++valve_like;
    }
    CHECK(valve_like >= 1);
    CHECK(out.of(core::anomaly_type::drift).empty());
    CHECK(out.of(core::anomaly_type::jump).empty());
}

TEST_CASE("Normal operation of the generator raises nothing from the new detectors", "[unit]")
{
    auto const out = run(only(0.0, 0.0, 0.0), 24.0);
    CHECK(out.opened.empty());
}
