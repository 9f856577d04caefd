#include <wtf/detect/detector.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <optional>
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
    std::vector<event> of(core::anomaly_change c) const
    {
        std::vector<event> out;
        for (auto const& e : events)
            if (e.change == c) out.push_back(e);
        return out;
    }
};

detect::settings test_settings()
{
    detect::settings s;
    s.drift_duration = 1500ms;
    s.dropout_gap = 1000ms;
    return s;
}

// Feeds one parameter value of one sensor.
detect::verdict feed(detect::detector& d, recorder& out, double seconds, std::string_view param,
                     double value, std::string_view sensor = "wtf-pipe-1")
{
    core::measurement const m{param, value};
    return d.observe(core::reading{sensor, at(seconds), std::span{&m, 1}}, out);
}

} // namespace

TEST_CASE("a value outside the spike band opens one spike with the seed's message", "[unit]")
{
    detect::detector d{test_settings(), t0};
    recorder out;
    feed(d, out, 0.0, "temperature", 22.0);
    feed(d, out, 0.5, "temperature", 45.2);

    REQUIRE(out.events.size() == 1);
    auto const& a = out.events[0].anomaly;
    CHECK(out.events[0].change == core::anomaly_change::opened);
    CHECK(a.id == 1);
    CHECK(a.type == core::anomaly_type::spike);
    CHECK(a.severity == core::severity::critical);
    CHECK(a.sensor_id == "wtf-pipe-1");
    CHECK(a.parameter == "temperature");
    CHECK(a.unit == "°C");
    CHECK(*a.value == 45.2);
    CHECK(a.detected_at == at(0.5));
    CHECK(a.active());
    CHECK(core::message(a) == "Temperature spike detected: 45.2");
}

TEST_CASE("a value exactly on a band edge is inside the band", "[unit]")
{
    detect::detector d{test_settings(), t0};
    recorder out;
    feed(d, out, 0.0, "temperature", 40.0);
    feed(d, out, 0.5, "pressure", 0.5);
    CHECK(out.events.empty());
}

TEST_CASE("a spike lasting several readings is one episode with its end and duration", "[unit]")
{
    detect::detector d{test_settings(), t0};
    recorder out;
    feed(d, out, 0.0, "temperature", 45.0);
    feed(d, out, 0.2, "temperature", 47.5); // more extreme: peak update
    feed(d, out, 0.4, "temperature", 46.0);
    feed(d, out, 0.6, "temperature", 22.0); // back inside: closed

    auto const opened = out.of(core::anomaly_change::opened);
    auto const closed = out.of(core::anomaly_change::closed);
    REQUIRE(opened.size() == 1);
    REQUIRE(closed.size() == 1);
    CHECK(out.of(core::anomaly_change::updated).size() == 1);
    auto const& a = closed[0].anomaly;
    CHECK(a.id == opened[0].anomaly.id);
    CHECK(*a.value == 45.0);
    CHECK(*a.peak_value == 47.5);
    CHECK(*a.ended_at == at(0.6));
    CHECK(a.duration_seconds.value() == Approx(0.6));
    CHECK_FALSE(a.active());
}

TEST_CASE("a value outside the normal band just under the drift duration raises nothing", "[unit]")
{
    detect::detector d{test_settings(), t0};
    recorder out;
    feed(d, out, 0.0, "pressure", 0.8);
    feed(d, out, 0.75, "pressure", 0.8);
    feed(d, out, 1.5, "pressure", 0.8); // exactly the duration: not longer than it
    CHECK(out.events.empty());
}

TEST_CASE("a value outside the normal band just over the drift duration is one drift", "[unit]")
{
    detect::detector d{test_settings(), t0};
    recorder out;
    feed(d, out, 0.0, "pressure", 0.8);
    feed(d, out, 0.75, "pressure", 0.8);
    feed(d, out, 1.6, "pressure", 0.7);
    feed(d, out, 1.9, "pressure", 0.8);
    feed(d, out, 2.4, "pressure", 0.9);

    REQUIRE(out.of(core::anomaly_change::opened).size() == 1);
    auto const& a = out.events[0].anomaly;
    CHECK(a.type == core::anomaly_type::drift);
    CHECK(a.severity == core::severity::warning);
    CHECK(a.parameter == "pressure");
    CHECK(*a.value == 0.7);
    CHECK(*a.peak_value == 0.7);
    CHECK(a.started_at == at(0.0));
    CHECK(a.detected_at == at(1.6));
    CHECK(a.duration_seconds.value() == Approx(1.6));
    CHECK(core::message(a) == "Pressure drift detected for 1.6s");
}

TEST_CASE("a drift's peak includes values from before it was confirmed", "[unit]")
{
    detect::detector d{test_settings(), t0};
    recorder out;
    feed(d, out, 0.0, "pressure", 0.8);
    feed(d, out, 0.8, "pressure", 0.6);
    feed(d, out, 1.6, "pressure", 0.9);
    REQUIRE(out.events.size() == 1);
    CHECK(*out.events[0].anomaly.value == 0.9);
    CHECK(*out.events[0].anomaly.peak_value == 0.6);
}

TEST_CASE("a drift ends when the value is back inside by the clear margin", "[unit]")
{
    detect::detector d{test_settings(), t0}; // pressure normal band [1.0, 3.0], margin 0.1
    recorder out;
    for (double t = 0.0; t <= 2.0; t += 0.5) feed(d, out, t, "pressure", 0.8);
    feed(d, out, 2.5, "pressure", 1.05); // inside, but not by the margin
    CHECK(out.of(core::anomaly_change::closed).empty());
    feed(d, out, 3.0, "pressure", 1.2);
    auto const closed = out.of(core::anomaly_change::closed);
    REQUIRE(closed.size() == 1);
    CHECK(*closed[0].anomaly.ended_at == at(3.0));
    CHECK(closed[0].anomaly.duration_seconds.value() == Approx(3.0));
}

TEST_CASE("a value bouncing around the spike edge chatters without a clear margin", "[unit]")
{
    auto s = test_settings();
    s.parameters[0].clear_margin = 0.0; // temperature
    detect::detector d{s, t0};
    recorder out;
    double t = 0.0;
    for (int i = 0; i < 4; ++i) {
        feed(d, out, t += 0.1, "temperature", 40.2);
        feed(d, out, t += 0.1, "temperature", 39.8);
    }
    CHECK(out.of(core::anomaly_change::opened).size() == 4);
}

TEST_CASE("a value bouncing around the spike edge is one episode with a clear margin", "[unit]")
{
    detect::detector d{test_settings(), t0}; // temperature margin 0.5
    recorder out;
    double t = 0.0;
    for (int i = 0; i < 4; ++i) {
        feed(d, out, t += 0.1, "temperature", 40.2);
        feed(d, out, t += 0.1, "temperature", 39.8);
    }
    CHECK(out.of(core::anomaly_change::opened).size() == 1);
    CHECK(out.of(core::anomaly_change::closed).empty());
    feed(d, out, t += 0.1, "temperature", 39.4);
    CHECK(out.of(core::anomaly_change::closed).size() == 1);
}

TEST_CASE("a value bouncing around the normal edge for longer than the duration is a drift",
          "[unit]")
{
    detect::detector d{test_settings(), t0}; // temperature normal [10, 35], margin 0.5
    recorder out;
    double t = 0.0;
    for (int i = 0; i < 5; ++i) {
        feed(d, out, t += 0.2, "temperature", 35.2);
        feed(d, out, t += 0.2, "temperature", 34.8);
    }
    auto const opened = out.of(core::anomaly_change::opened);
    REQUIRE(opened.size() == 1);
    CHECK(opened[0].anomaly.type == core::anomaly_type::drift);
}

TEST_CASE("an outage is one dropout on the clock, closed by the next reading", "[unit]")
{
    detect::detector d{test_settings(), t0};
    recorder out;
    feed(d, out, 0.0, "flow", 55.0);
    d.advance(at(1.0), out); // exactly the gap: not longer
    CHECK(out.events.empty());
    for (double t = 1.1; t < 5.0; t += 0.1) d.advance(at(t), out);

    auto opened = out.of(core::anomaly_change::opened);
    REQUIRE(opened.size() == 1);
    auto const& a = opened[0].anomaly;
    CHECK(a.type == core::anomaly_type::dropout);
    CHECK(a.parameter.empty());
    CHECK_FALSE(a.value);
    CHECK(a.started_at == at(0.0));
    CHECK(a.detected_at == at(1.0)); // last reading + gap, whatever the tick
    CHECK(core::message(a) == "Sensor dropout detected");

    feed(d, out, 5.0, "flow", 55.0);
    auto const closed = out.of(core::anomaly_change::closed);
    REQUIRE(closed.size() == 1);
    CHECK(closed[0].anomaly.duration_seconds.value() == Approx(5.0));

    // The sensor is back: a new outage is a new dropout.
    d.advance(at(6.5), out);
    CHECK(out.of(core::anomaly_change::opened).size() == 2);
}

TEST_CASE("a dropout between two readings is found without ticks, as in replay", "[unit]")
{
    detect::detector d{test_settings(), t0};
    recorder out;
    feed(d, out, 0.0, "flow", 55.0);
    feed(d, out, 3.0, "flow", 55.0);
    REQUIRE(out.events.size() == 2);
    CHECK(out.events[0].change == core::anomaly_change::opened);
    CHECK(out.events[0].anomaly.detected_at == at(1.0));
    CHECK(out.events[1].change == core::anomaly_change::closed);
    CHECK(out.events[1].anomaly.duration_seconds.value() == Approx(3.0));
}

TEST_CASE("a tick at the time of the last one still finds a dropout a late reading made due",
          "[unit]")
{
    // Replay ticks once per reading, so ticks repeat a time; a repeated tick may skip the
    // sensors only while nothing could have become due at that time.
    detect::detector d{test_settings(), t0};
    recorder out;
    feed(d, out, 10.0, "flow", 55.0, "wtf-pipe-1");
    d.advance(at(10.0), out);
    feed(d, out, 5.0, "flow", 55.0, "wtf-pipe-2"); // a first reading behind the clock
    d.advance(at(10.0), out);
    auto const opened = out.of(core::anomaly_change::opened);
    REQUIRE(opened.size() == 1);
    CHECK(opened[0].anomaly.sensor_id == "wtf-pipe-2");
    CHECK(opened[0].anomaly.detected_at == at(6.0));
}

TEST_CASE("a tick at the time of the last one applies a shorter gap from new settings", "[unit]")
{
    auto s = test_settings();
    detect::detector d{s, t0};
    recorder out;
    feed(d, out, 0.0, "flow", 55.0);
    d.advance(at(0.5), out);
    CHECK(out.events.empty());
    s.dropout_gap = 200ms;
    d.apply(s);
    d.advance(at(0.5), out);
    auto const opened = out.of(core::anomaly_change::opened);
    REQUIRE(opened.size() == 1);
    CHECK(opened[0].anomaly.detected_at == at(0.2));
}

TEST_CASE("auto gaps: a one-row-a-minute sensor is not a dropout, a missing hour is", "[unit]")
{
    auto s = test_settings();
    s.dropout_gap_auto = true; // 5 x the median interval
    detect::detector d{s, t0};
    recorder out;
    double t = 0.0;
    // Values that change: a value repeated for minutes would be a flatline.
    for (int i = 0; i < 10; ++i, t += 60.0) feed(d, out, t, "flow", 55.0 + (i % 2) * 0.1);
    d.advance(at(t - 60.0 + 299.0), out); // 4.98 intervals after the last reading
    CHECK(out.events.empty());

    std::optional<std::chrono::microseconds> gap;
    d.for_each_sensor([&](detect::sensor_info const& info) { gap = info.dropout_gap; });
    CHECK(gap == std::chrono::microseconds{300'000'000});

    feed(d, out, t - 60.0 + 3600.0, "flow", 55.0);
    REQUIRE(out.events.size() == 2);
    auto const& dropout = out.events[1].anomaly;
    CHECK(dropout.type == core::anomaly_type::dropout);
    CHECK(dropout.started_at == at(540.0));
    CHECK(dropout.detected_at == at(840.0)); // last reading + 5 minutes
    CHECK(dropout.ended_at == at(4140.0));
    CHECK(dropout.duration_seconds.value() == Approx(3600.0));
}

TEST_CASE("auto gaps follow each sensor's own cadence and the median, not the outliers", "[unit]")
{
    auto s = test_settings();
    s.dropout_gap_auto = true;
    s.dropout_gap_multiple = 4.0;
    detect::detector d{s, t0};
    recorder out;
    // A fast sensor every 0.5 s with one 10 s hole early on; a slow one every 10 s.
    for (double t = 0.0; t <= 120.0; t += 0.5)
        if (t < 5.0 || t > 15.0) feed(d, out, t, "flow", 55.0, "fast");
    for (double t = 0.0; t <= 120.0; t += 10.0) feed(d, out, t, "flow", 55.0, "slow");
    auto const dropouts = out.of(core::anomaly_change::opened);
    REQUIRE(dropouts.size() == 1);
    CHECK(dropouts[0].anomaly.sensor_id == "fast");
    CHECK(dropouts[0].anomaly.detected_at == at(4.5 + 2.0));

    std::map<std::string, std::optional<std::chrono::microseconds>> gaps;
    d.for_each_sensor([&](detect::sensor_info const& info) {
        gaps[std::string{info.sensor_id}] = info.dropout_gap;
    });
    CHECK(gaps["fast"] == std::chrono::microseconds{2'000'000});
    CHECK(gaps["slow"] == std::chrono::microseconds{40'000'000});

    d.advance(at(120.0 + 39.0), out);
    CHECK(out.of(core::anomaly_change::opened).size() == 2); // fast only
    d.advance(at(120.0 + 41.0), out);
    CHECK(out.of(core::anomaly_change::opened).size() == 3); // slow, 40 s after its last
}

TEST_CASE("auto gaps: no dropout before a sensor's cadence is known", "[unit]")
{
    auto s = test_settings();
    s.dropout_gap_auto = true;
    detect::detector d{s, t0};
    recorder out;
    feed(d, out, 0.0, "flow", 55.0);
    feed(d, out, 1.0, "flow", 55.1);
    feed(d, out, 2.0, "flow", 55.0); // two intervals: not yet a cadence
    d.advance(at(500.0), out);
    CHECK(out.events.empty());
    feed(d, out, 501.0, "flow", 55.1);
    feed(d, out, 502.0, "flow", 55.0); // intervals 1, 1, 499, 1: median 1 s
    d.advance(at(506.0), out);
    CHECK(out.events.empty());
    d.advance(at(507.5), out);
    CHECK(out.of(core::anomaly_change::opened).size() == 1);
}

TEST_CASE("auto gaps of readings years apart times a large multiple stay within the time range",
          "[unit]")
{
    // Issue 11: 2000 years times 1000 is beyond int64 microseconds; rounding it to microseconds
    // overflowed (UBSan), and without UBSan the gap became 1 us and every sensor dropped out.
    auto s = test_settings();
    s.dropout_gap_auto = true;
    s.dropout_gap_multiple = 1000.0;
    detect::detector d{s, core::earliest_time};
    recorder out;
    auto const year = [](int y) {
        return core::timestamp{std::chrono::sys_days{std::chrono::year{y} / 1 / 1}};
    };
    for (int y : {1, 2001, 4001, 6001}) {
        // Values that move, or a value unchanged for millennia would be a flatline.
        core::measurement const m{"flow", 55.0 + y / 2000};
        d.observe(core::reading{"archive", year(y), std::span{&m, 1}}, out);
    }
    std::optional<std::chrono::microseconds> gap;
    d.for_each_sensor([&](detect::sensor_info const& info) { gap = info.dropout_gap; });
    CHECK(gap == core::max_time_span);
    d.advance(core::latest_time, out);
    CHECK(out.events.empty());
}

TEST_CASE("readings at the two ends of the time range make one dropout of the whole range",
          "[unit]")
{
    // Issue 11: the detector took r.time - last_time of such readings.
    detect::detector d{test_settings(), core::earliest_time};
    recorder out;
    core::measurement const m{"flow", 55.0};
    d.observe(core::reading{"wtf-pipe-1", core::earliest_time, std::span{&m, 1}}, out);
    d.observe(core::reading{"wtf-pipe-1", core::latest_time, std::span{&m, 1}}, out);
    auto const closed = out.of(core::anomaly_change::closed);
    REQUIRE(closed.size() == 1);
    CHECK(closed[0].anomaly.detected_at == core::earliest_time + 1s);
    CHECK(closed[0].anomaly.duration_seconds.value() ==
          Approx(core::seconds_between(core::earliest_time, core::latest_time)));
}

TEST_CASE("an expected sensor that never reports is a dropout from start-up", "[unit]")
{
    auto s = test_settings();
    s.expected_sensors = {"wtf-pipe-9"};
    detect::detector d{s, t0};
    recorder out;
    CHECK(d.knows("wtf-pipe-9"));
    d.advance(at(0.9), out);
    CHECK(out.events.empty());
    d.advance(at(1.2), out);
    REQUIRE(out.events.size() == 1);
    auto const& a = out.events[0].anomaly;
    CHECK(a.sensor_id == "wtf-pipe-9");
    CHECK(a.never_seen);
    CHECK(a.started_at == t0);

    bool seen = false;
    d.for_each_sensor([&](detect::sensor_info const& info) {
        if (info.sensor_id != "wtf-pipe-9") return;
        seen = true;
        CHECK_FALSE(info.last_seen);
        CHECK(info.active_anomalies == 1);
    });
    CHECK(seen);
}

TEST_CASE("duplicate and out-of-order readings are stale and change nothing", "[unit]")
{
    detect::detector d{test_settings(), t0};
    recorder out;
    CHECK(feed(d, out, 1.0, "temperature", 22.0) == detect::verdict::accepted);
    CHECK(feed(d, out, 1.0, "temperature", 45.0) == detect::verdict::stale);
    CHECK(feed(d, out, 0.5, "temperature", 45.0) == detect::verdict::stale);
    CHECK(out.events.empty());
    d.for_each_sensor([](detect::sensor_info const& info) { CHECK(info.readings == 1); });
}

TEST_CASE("state is per sensor and parameter", "[unit]")
{
    detect::detector d{test_settings(), t0};
    recorder out;
    feed(d, out, 0.0, "pressure", 0.8, "a");
    feed(d, out, 1.0, "pressure", 0.8, "b");
    feed(d, out, 1.0, "flow", 15.0, "a");
    feed(d, out, 1.4, "pressure", 0.8, "b");
    feed(d, out, 1.6, "pressure", 0.8, "a"); // a's pressure: 1.6 s outside
    auto const opened = out.of(core::anomaly_change::opened);
    REQUIRE(opened.size() == 1);
    CHECK(opened[0].anomaly.sensor_id == "a");
    CHECK(opened[0].anomaly.parameter == "pressure");
}

TEST_CASE("a sensor's new parameters beyond max_parameters are counted, not judged", "[unit]")
{
    auto s = test_settings();
    s.max_parameters = 2;
    detect::detector d{s, t0};
    recorder out;
    core::measurement const first[]{{"flow", 55.0}, {"pressure", 2.0}};
    d.observe(core::reading{"wtf-pipe-1", at(0.0), first}, out);
    // A spike of a third parameter, and of a fourth: no room for either.
    core::measurement const more[]{
        {"flow", 55.0}, {"temperature", 45.0}, {"pressure", 2.0}, {"x-1", 1.0}};
    d.observe(core::reading{"wtf-pipe-1", at(0.5), more}, out);
    CHECK(out.events.empty());
    CHECK(d.values_untracked() == 2);
    // The parameters it has are judged as before; another sensor has its own room.
    feed(d, out, 0.7, "flow", 150.0);
    feed(d, out, 0.7, "temperature", 45.0, "wtf-pipe-2");
    auto const opened = out.of(core::anomaly_change::opened);
    REQUIRE(opened.size() == 2);
    CHECK(opened[0].anomaly.parameter == "flow");
    CHECK(opened[1].anomaly.sensor_id == "wtf-pipe-2");
    CHECK(d.values_untracked() == 2);
}

TEST_CASE("a parameter without thresholds is tracked but raises nothing", "[unit]")
{
    detect::detector d{test_settings(), t0};
    recorder out;
    feed(d, out, 0.0, "turbidity", 1e9);
    CHECK(out.events.empty());
    CHECK(d.knows("wtf-pipe-1"));
}

TEST_CASE("a silence longer than the gap breaks a drift's continuity", "[unit]")
{
    detect::detector d{test_settings(), t0};
    recorder out;
    feed(d, out, 0.0, "pressure", 0.8);
    feed(d, out, 0.7, "pressure", 0.8);
    feed(d, out, 1.4, "pressure", 0.8);
    feed(d, out, 2.6, "pressure", 0.8); // 1.2 s gap: a dropout, not 2.6 s of drift
    for (auto const& e : out.events) CHECK(e.anomaly.type == core::anomaly_type::dropout);
    feed(d, out, 3.0, "pressure", 0.8);
    feed(d, out, 3.8, "pressure", 0.8);
    CHECK(out.of(core::anomaly_change::opened).size() == 1); // 1.2 s since the silence ended
    feed(d, out, 4.6, "pressure", 0.8);
    CHECK(out.of(core::anomaly_change::opened).back().anomaly.type == core::anomaly_type::drift);
}

TEST_CASE("new thresholds apply to the next reading and open episodes survive", "[unit]")
{
    detect::detector d{test_settings(), t0};
    recorder out;
    feed(d, out, 0.0, "temperature", 45.0);
    auto s = test_settings();
    s.parameters[0].spike = {0.0, 50.0};
    d.apply(s);
    CHECK(d.active_count() == 1);
    feed(d, out, 0.1, "temperature", 46.0);
    CHECK(out.of(core::anomaly_change::closed).size() == 1); // inside the new band
    feed(d, out, 0.2, "temperature", 48.0);
    CHECK(out.of(core::anomaly_change::opened).size() == 1);
}

TEST_CASE("ids continue from a restored history", "[unit]")
{
    detect::detector d{test_settings(), t0};
    d.set_next_id(42);
    recorder out;
    feed(d, out, 0.0, "temperature", 45.0);
    REQUIRE(out.events.size() == 1);
    CHECK(out.events[0].anomaly.id == 42);
    CHECK(d.next_id() == 43);
}

TEST_CASE("replay with coarse or fine ticks gives the same anomalies", "[unit]")
{
    auto run = [](double tick) {
        detect::detector d{test_settings(), t0};
        recorder out;
        double next_tick = 0.0;
        std::vector<std::pair<double, double>> const series{
            {0.0, 0.8}, {0.5, 0.8}, {1.0, 0.8}, {1.7, 0.8}, {2.0, 2.0}, {4.5, 2.0}, {5.0, 45.0}};
        for (auto const& [t, v] : series) {
            for (; next_tick < t; next_tick += tick) d.advance(at(next_tick), out);
            feed(d, out, t, "pressure", v);
        }
        d.advance(at(10.0), out);
        std::vector<std::string> text;
        for (auto const& e : out.events) {
            std::string s{core::to_string(e.change)};
            core::append_json(s, e.anomaly);
            text.push_back(s);
        }
        return text;
    };
    CHECK(run(0.05) == run(0.7));
}
