// Measurements run by hand, not tests (hidden by the "[.]" tag): the cost of the alarm-load
// update per anomaly event, the memory a sensor's readings ring takes, and the cost of
// publishing an event to many streams. Build optimised (see docs/architecture.md) and run:
//   wtf_unit_tests "[alarm-bench]"

#include <wtf/alarm/events.hpp>
#include <wtf/alarm/ledger.hpp>
#include <wtf/alarm/performance.hpp>
#include <wtf/alarm/readings.hpp>

#include <catch2/catch.hpp>

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

using namespace wtf;
using namespace std::chrono_literals;

namespace {

core::timestamp const t0{std::chrono::sys_days{std::chrono::year{2025} / 5 / 28}};

double seconds_since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Feeds `n` alarms (an opening and an ending each) of `points` distinct points, one every
// `spacing` of data time; returns nanoseconds per anomaly event, the best of five runs (the
// build machine is shared).
double kpi_cost(std::size_t n, std::size_t points, std::chrono::milliseconds spacing)
{
    std::vector<core::anomaly> kinds(points);
    for (std::size_t i = 0; i < points; ++i) {
        kinds[i].sensor_id = "wtf-pipe-" + std::to_string(i / 3);
        kinds[i].parameter = i % 3 == 0 ? "temperature" : i % 3 == 1 ? "pressure" : "flow";
        kinds[i].type = core::anomaly_type::spike;
    }
    double best = 1e18;
    for (int run = 0; run < 5; ++run) {
        alarm::performance perf{{}, t0};
        auto const start = std::chrono::steady_clock::now();
        for (std::size_t i = 0; i < n; ++i) {
            auto& a = kinds[i % points];
            a.id = i + 1;
            a.detected_at = t0 + spacing * static_cast<std::int64_t>(i);
            a.ended_at.reset();
            perf.observe(core::anomaly_change::opened, a, alarm::suppression::none);
            a.ended_at = a.detected_at + 1s;
            perf.observe(core::anomaly_change::closed, a, alarm::suppression::none);
        }
        best = std::min(best, seconds_since(start) * 1e9 / static_cast<double>(2 * n));
    }
    return best;
}

} // namespace

TEST_CASE("alarm-load update cost per anomaly event", "[.][alarm-bench]")
{
    // Busy but within the period slots: 300 points, an alarm a minute, for 30 days.
    std::printf("kpi usual    (300 points, 1 a minute):  %.0f ns/event\n",
                kpi_cost(43'200, 300, 60'000ms));
    // Heavy: 120 alarms per period over 300 points (Space-Saving replaces slots).
    std::printf("kpi heavy    (300 points, 1 per 5 s):   %.0f ns/event\n",
                kpi_cost(100'000, 300, 5000ms));
    // Flood: 20,000 distinct points, 20 alarms a second (point table churn as well).
    std::printf("kpi flood    (20000 points, 20 per s):  %.0f ns/event\n",
                kpi_cost(400'000, 20'000, 50ms));
    // One chattering point, many times a second.
    std::printf("kpi chatter  (1 point, 10 per s):       %.0f ns/event\n",
                kpi_cost(400'000, 1, 100ms));
}

TEST_CASE("alarm-load report cost", "[.][alarm-bench]")
{
    alarm::performance perf{{}, t0};
    alarm::ledger ledger{{}};
    core::anomaly a;
    for (std::uint64_t i = 0; i < 30'000; ++i) {
        a.id = i + 1;
        a.sensor_id = "s" + std::to_string(i % 500);
        a.parameter = "temperature";
        a.detected_at = t0 + std::chrono::seconds{i * 3};
        perf.observe(core::anomaly_change::opened, a, alarm::suppression::none);
    }
    auto const start = std::chrono::steady_clock::now();
    std::size_t sink = 0;
    for (int i = 0; i < 100; ++i) sink += perf.report(t0 + 25h, 24h, ledger).top.size();
    std::printf("report over 24 h (144 periods full):    %.1f us each (%zu)\n",
                seconds_since(start) * 1e6 / 100.0, sink / 100);
}

TEST_CASE("readings ring memory per sensor", "[.][alarm-bench]")
{
    // glibc's count of bytes in use (not under ASan, whose allocator it does not see).
    auto const in_use = [] { return static_cast<double>(mallinfo2().uordblks); };
    for (std::size_t per_sensor : {32u, 128u, 512u}) {
        auto const before = in_use();
        alarm::readings_settings s;
        s.per_sensor = per_sensor;
        alarm::recent_readings rings{s};
        core::measurement const values[] = {
            {"temperature", 23.4}, {"pressure", 2.1}, {"flow", 55.0}};
        std::string id;
        double after_first = 0.0;
        // Ten rounds over 10,000 sensors: every ring wraps; only the first round may allocate.
        for (int round = 0; round < 10; ++round) {
            for (int i = 0; i < 10'000; ++i) {
                id = "wtf-pipe-" + std::to_string(i);
                auto const t = t0 + std::chrono::seconds{round * 1000 + i % 7};
                for (std::size_t k = 0; k < per_sensor / 8; ++k)
                    rings.record({id, t + std::chrono::milliseconds{k}, values});
            }
            if (round == 0) after_first = in_use();
        }
        std::printf("ring of %zu readings, 3 parameters: %.0f bytes per sensor (samples %zu), "
                    "%.0f bytes more after 9 more rounds\n",
                    per_sensor, (after_first - before) / 10'000.0, rings.sample_bytes(3),
                    in_use() - after_first);
    }
}

TEST_CASE("readings ring cost per reading", "[.][alarm-bench]")
{
    alarm::recent_readings rings{{}};
    std::vector<std::string> ids;
    for (int i = 0; i < 1000; ++i) ids.push_back("wtf-pipe-" + std::to_string(i));
    core::measurement const values[] = {{"temperature", 23.4}, {"pressure", 2.1}, {"flow", 55.0}};
    double best = 1e18;
    for (int run = 0; run < 5; ++run) {
        auto const start = std::chrono::steady_clock::now();
        for (int k = 0; k < 200; ++k)
            for (std::size_t i = 0; i < ids.size(); ++i)
                rings.record({ids[i], t0 + std::chrono::seconds{run * 1000 + k}, values});
        best = std::min(best, seconds_since(start) * 1e9 / 200'000.0);
    }
    std::printf("ring record, 1000 sensors x 3 parameters: %.0f ns per reading\n", best);
}

TEST_CASE("event publish cost with 100 streams", "[.][alarm-bench]")
{
    alarm::stream_settings s;
    s.max_streams = 100;
    alarm::event_hub hub{s};
    std::vector<alarm::stream> streams;
    for (int i = 0; i < 100; ++i) {
        auto r = hub.open(std::nullopt);
        REQUIRE(r.has_value());
        streams.push_back(std::move(*r));
    }
    std::string const data(400, 'x');
    std::size_t delivered = 0;
    auto const start = std::chrono::steady_clock::now();
    for (int i = 0; i < 100'000; ++i) {
        hub.publish("alarm", data);
        for (auto& st : streams)
            while (st.next()) ++delivered;
    }
    std::printf("publish + 100 streams take it: %.0f ns per event (%zu frames)\n",
                seconds_since(start) * 1e9 / 100'000.0, delivered);
}
