#include <wtf/alarm/performance.hpp>

#include "support/alarm_tests.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <catch2/catch.hpp>

using namespace wtf;
using namespace std::chrono_literals;

namespace {

using test::at;

// Midnight: a period boundary.
core::timestamp const day_start = at(0);

struct plant {
    alarm::performance perf;
    alarm::ledger ledger{alarm::ledger_settings{}};
    std::uint64_t next_id = 1;

    explicit plant(alarm::performance_settings s = {}, core::timestamp since = day_start)
        : perf{s, since}
    {}

    // An alarm of the point (sensor, parameter, type) raised at `t`, ended `lasts` later
    // (never when negative). Returns its anomaly as it opened.
    core::anomaly raise(core::timestamp t, std::string sensor = "wtf-pipe-1",
                        std::string parameter = "temperature",
                        core::anomaly_type type = core::anomaly_type::spike,
                        std::chrono::seconds lasts = 5s)
    {
        core::anomaly a;
        a.id = next_id++;
        a.type = type;
        a.sensor_id = std::move(sensor);
        a.parameter = std::move(parameter);
        a.detected_at = t;
        a.started_at = t;
        auto const t_open = ledger.observe(core::anomaly_change::opened, a);
        auto const raised = ledger.find(a.id)->raised_while;
        perf.observe(core::anomaly_change::opened, a, raised);
        if (lasts >= 0s) {
            auto closed = a;
            closed.ended_at = t + lasts;
            ledger.observe(core::anomaly_change::closed, closed);
            perf.observe(core::anomaly_change::closed, closed, raised);
        }
        return a;
    }

    alarm::load_report report(core::timestamp now, std::chrono::minutes window = 24h) const
    {
        return perf.report(now, window, ledger);
    }
};

} // namespace

TEST_CASE("a day without alarms has no load and meets every target", "[unit]")
{
    plant p;
    auto const r = p.report(day_start + 24h);
    CHECK(r.alarms == 0);
    CHECK(r.average_per_period == 0.0);
    CHECK(r.peak == 0);
    CHECK_FALSE(r.peak_period);
    CHECK(r.flood_periods == 0);
    CHECK(r.top.empty());
    CHECK(r.exact);
}

TEST_CASE("one alarm every 10 minutes for a day averages 1 per 10 minutes with a peak of 1",
          "[unit]")
{
    plant p;
    for (int i = 0; i < 144; ++i)
        p.raise(at(i * 600 + 30), "wtf-pipe-" + std::to_string(i % 3 + 1));
    auto const r = p.report(day_start + 24h - 1s);
    CHECK(r.periods == 144);
    CHECK(r.alarms == 144);
    CHECK(r.average_per_period == Approx(1.0).epsilon(0.001));
    CHECK(r.peak == 1);
    CHECK(r.flood_periods == 0);
    CHECK(r.flood_share == 0.0);
}

TEST_CASE("a flood of 15 alarms in one period is one flood period in 144", "[unit]")
{
    plant p;
    for (int i = 0; i < 15; ++i)
        p.raise(at(3 * 3600 + i * 30), "wtf-pipe-" + std::to_string(i % 5 + 1), "flow");
    p.raise(at(5 * 3600), "wtf-pipe-1", "temperature");
    auto const r = p.report(day_start + 24h - 1s);
    CHECK(r.alarms == 16);
    CHECK(r.peak == 15);
    REQUIRE(r.peak_period);
    CHECK(*r.peak_period == at(3 * 3600));
    CHECK(r.flood_periods == 1);
    CHECK(r.flood_share == Approx(1.0 / 144.0));
    CHECK(r.flood_share < alarm::targets::flood_share);
}

TEST_CASE("a period with exactly 10 alarms is not a flood", "[unit]")
{
    plant p;
    for (int i = 0; i < 10; ++i) p.raise(at(i * 50), "s" + std::to_string(i));
    CHECK(p.report(at(599)).flood_periods == 0);
    p.raise(at(590), "s10");
    CHECK(p.report(at(599)).flood_periods == 1);
}

TEST_CASE("a point that opens 3 times within 60 s is chattering", "[unit]")
{
    plant p;
    p.raise(at(100));
    p.raise(at(130));
    p.raise(at(160)); // the third within 60 s of the first
    p.raise(at(1000), "wtf-pipe-2");
    auto const r = p.report(at(3600));
    CHECK(r.chattering_points == 1);
    CHECK(r.chattering_alarms == 1);
    REQUIRE(r.chattering.size() == 1);
    CHECK(r.chattering[0].sensor_id == "wtf-pipe-1");
    CHECK(r.chattering[0].parameter == "temperature");
    CHECK(r.chattering[0].alarms == 3);
    CHECK(r.chattering[0].chattering == 1);
}

TEST_CASE("a point that opens 3 times in just over 60 s is not chattering", "[unit]")
{
    plant p;
    p.raise(at(100));
    p.raise(at(130));
    p.raise(at(161));
    CHECK(p.report(at(3600)).chattering_points == 0);
}

TEST_CASE("openings of different kinds of one parameter do not chatter together", "[unit]")
{
    plant p;
    p.raise(at(100), "wtf-pipe-1", "temperature", core::anomaly_type::spike);
    p.raise(at(110), "wtf-pipe-1", "temperature", core::anomaly_type::drift);
    p.raise(at(120), "wtf-pipe-1", "temperature", core::anomaly_type::spike);
    CHECK(p.report(at(3600)).chattering_points == 0);
}

TEST_CASE("an alarm active for more than 24 hours is stale", "[unit]")
{
    plant p;
    p.raise(at(0), "wtf-pipe-1", "pressure", core::anomaly_type::drift, -1s);
    p.raise(at(600), "wtf-pipe-2", "pressure", core::anomaly_type::drift, -1s);
    p.raise(at(700), "wtf-pipe-3", "pressure", core::anomaly_type::drift, 10s);
    auto const r = p.report(at(600) + 24h); // the second is exactly 24 h old: not yet stale
    CHECK(r.stale == 1);
    REQUIRE(r.stale_alarms.size() == 1);
    CHECK(r.stale_alarms[0].id == 1);
    CHECK(r.stale_alarms[0].sensor_id == "wtf-pipe-1");
    CHECK(r.stale_alarms[0].type == core::anomaly_type::drift);
    CHECK(r.stale_alarms[0].raised_at == at(0));
    CHECK(p.report(at(601) + 24h).stale == 2);
}

TEST_CASE("a shelved alarm is not stale", "[unit]")
{
    plant p;
    p.raise(at(0), "wtf-pipe-1", "pressure", core::anomaly_type::drift, -1s);
    REQUIRE(p.ledger.shelve(1, 1h, {"alice", ""}, at(24 * 3600)));
    CHECK(p.report(at(24 * 3600 + 60)).stale == 0);
}

TEST_CASE("the top 10 contributors are ranked by alarms with their share", "[unit]")
{
    plant p;
    // Point k (1..12) raises k alarms, spread so that none chatters.
    int t = 0;
    for (int k = 1; k <= 12; ++k)
        for (int i = 0; i < k; ++i) p.raise(at(t += 70), "s" + std::to_string(k));
    auto const r = p.report(at(t + 1));
    CHECK(r.alarms == 78);
    REQUIRE(r.top.size() == 10);
    CHECK(r.top[0].sensor_id == "s12");
    CHECK(r.top[0].alarms == 12);
    CHECK(r.top[0].share == Approx(12.0 / 78.0));
    CHECK(r.top[9].sensor_id == "s3");
    CHECK(r.top_share == Approx(75.0 / 78.0));
    CHECK(r.exact);
}

TEST_CASE("shelved and out-of-service openings are counted apart and not as alarms", "[unit]")
{
    plant p;
    p.raise(at(10));
    REQUIRE(p.ledger.shelve(1, 1h, {"alice", ""}, at(20)));
    p.raise(at(30)); // a shelved repeat
    REQUIRE(p.ledger.take_out_of_service("wtf-pipe-2", {"alice", ""}, at(40)));
    p.raise(at(50), "wtf-pipe-2");
    p.raise(at(60), "wtf-pipe-2");
    auto const r = p.report(at(100));
    CHECK(r.alarms == 1);
    CHECK(r.shelved == 1);
    CHECK(r.out_of_service == 2);
    REQUIRE(r.top.size() == 1);
    CHECK(r.top[0].alarms == 1);
}

TEST_CASE("shelved repeats do not make a point chatter", "[unit]")
{
    plant p;
    p.raise(at(100));
    REQUIRE(p.ledger.shelve(1, 1h, {"alice", ""}, at(101)));
    p.raise(at(110));
    p.raise(at(120));
    CHECK(p.report(at(200)).chattering_points == 0);
}

TEST_CASE("counts by state come from the ledger", "[unit]")
{
    plant p;
    p.raise(at(10), "a", "t", core::anomaly_type::spike, -1s);
    p.raise(at(20), "b", "t", core::anomaly_type::spike, 5s);
    REQUIRE(p.ledger.acknowledge(1, {"alice", ""}, at(30)));
    auto const r = p.report(at(40));
    CHECK(r.states.acknowledged == 1);
    CHECK(r.states.returned_unacknowledged == 1);
}

TEST_CASE("a shorter window covers only its own periods", "[unit]")
{
    plant p;
    p.raise(at(100));
    for (int i = 0; i < 3; ++i) p.raise(at(23 * 3600 + i * 100), "s" + std::to_string(i));
    auto const r = p.report(at(24 * 3600 - 1), 60min);
    CHECK(r.window == 60min);
    CHECK(r.periods == 6);
    CHECK(r.from == at(23 * 3600));
    CHECK(r.alarms == 3);
    CHECK(r.average_per_period == Approx(3.0 / 6.0).epsilon(0.001));
}

TEST_CASE("a window is rounded up to whole periods and capped at the configured one", "[unit]")
{
    alarm::performance_settings s;
    s.window = 120min;
    plant p{s};
    CHECK(p.report(at(7200), 15min).window == 20min);
    CHECK(p.report(at(7200), 24h).window == 120min);
}

TEST_CASE("time before the monitor started is not counted as quiet", "[unit]")
{
    plant p{{}, at(3600)};
    p.raise(at(3600 + 60));
    p.raise(at(3600 + 120), "wtf-pipe-2");
    auto const r = p.report(at(3600 + 1199));
    CHECK(r.from == at(3600));
    CHECK(r.periods == 2);
    CHECK(r.covered_seconds == 1199.0);
    CHECK(r.average_per_period == Approx(2.0 / (1199.0 / 600.0)));
    CHECK(p.report(at(3600 + 1200)).periods == 3); // a period that has just begun counts
}

TEST_CASE("the average over less than one period is taken over one period", "[unit]")
{
    plant p;
    p.raise(at(10));
    p.raise(at(20), "wtf-pipe-2");
    auto const r = p.report(at(60));
    CHECK(r.average_per_period == 2.0);
}

TEST_CASE("alarms older than the window are not counted", "[unit]")
{
    plant p;
    p.raise(at(100));
    auto const r = p.report(at(100) + 25h);
    CHECK(r.alarms == 0);
    CHECK(r.periods == 144);
}

TEST_CASE("an opening older than the newest period by a whole window is ignored and counted",
          "[unit]")
{
    plant p;
    p.raise(at(25 * 3600));
    p.raise(at(100), "wtf-pipe-2");
    CHECK(p.perf.too_old() == 1);
    CHECK(p.report(at(25 * 3600 + 10)).alarms == 1);
}

TEST_CASE("a period with more points than its slots keeps its totals and its busiest point",
          "[unit]")
{
    alarm::performance_settings s;
    s.points_per_period = 4;
    plant p{s};
    for (int i = 0; i < 5; ++i) p.raise(at(i * 70), "busy"); // 70 s apart: no chattering
    for (int i = 0; i < 10; ++i) p.raise(at(i + 400), "once-" + std::to_string(i));
    auto const r = p.report(at(599));
    CHECK(r.alarms == 15);
    CHECK(r.peak == 15);
    CHECK_FALSE(r.exact);
    REQUIRE_FALSE(r.top.empty());
    CHECK(r.top[0].sensor_id == "busy");
    CHECK(r.top[0].alarms == 5);
}

TEST_CASE("the point table holds no more than its maximum", "[unit]")
{
    alarm::performance_settings s;
    s.max_points = 50;
    s.points_per_period = 8;
    plant p{s};
    for (int i = 0; i < 500; ++i) p.raise(at(i * 10), "s" + std::to_string(i));
    CHECK(p.perf.points() <= 50);
    auto const r = p.report(at(5000));
    CHECK(r.alarms == 500);
    CHECK_FALSE(r.exact);
}

TEST_CASE("points of periods that left the window are released", "[unit]")
{
    alarm::performance_settings s;
    s.window = 30min;
    plant p{s};
    for (int i = 0; i < 20; ++i) p.raise(at(i), "s" + std::to_string(i));
    CHECK(p.perf.points() == 20);
    p.raise(at(3600), "late");
    CHECK(p.perf.points() == 1);
}

TEST_CASE("active alarms keep their point while their period leaves the window", "[unit]")
{
    alarm::performance_settings s;
    s.window = 30min;
    plant p{s};
    p.raise(at(0), "long", "pressure", core::anomaly_type::drift, -1s);
    p.raise(at(25 * 3600), "later");
    auto const r = p.report(at(25 * 3600));
    CHECK(r.stale == 1);
    REQUIRE(r.stale_alarms.size() == 1);
    CHECK(r.stale_alarms[0].sensor_id == "long");
}

TEST_CASE("restoring the history's anomalies gives the figures live observation gave", "[unit]")
{
    plant live;
    std::vector<core::anomaly> history;
    for (int i = 0; i < 40; ++i) {
        auto a = live.raise(at(i * 45), "s" + std::to_string(i % 4), "temperature",
                            core::anomaly_type::spike, i % 7 == 0 ? -1s : 5s);
        if (i % 7 != 0) a.ended_at = a.detected_at + 5s;
        history.push_back(a);
    }
    alarm::performance restored{{}, at(10'000)};
    for (auto const& a : history) restored.track(a, alarm::suppression::none);
    auto const now = at(2 * 3600);
    auto const a = live.report(now);
    auto const b = restored.report(now, 24h, live.ledger);
    CHECK(b.from == a.from);
    CHECK(b.alarms == a.alarms);
    CHECK(b.peak == a.peak);
    CHECK(b.chattering_points == a.chattering_points);
    CHECK(b.chattering_alarms == a.chattering_alarms);
    CHECK(restored.active() == live.perf.active());
    REQUIRE(b.top.size() == a.top.size());
    for (std::size_t i = 0; i < a.top.size(); ++i) CHECK(b.top[i].alarms == a.top[i].alarms);
}

TEST_CASE("the report's JSON puts each figure beside its target", "[unit]")
{
    plant p;
    for (int i = 0; i < 15; ++i) p.raise(at(i * 10), "s" + std::to_string(i % 2));
    std::string out;
    alarm::append_json(out, p.report(at(599)));
    auto const o = boost::json::parse(out).as_object();
    CHECK(o.at("alarms").as_int64() == 15);
    auto const& rate = o.at("rate").as_object();
    CHECK(rate.at("peak_per_10min").as_int64() == 15);
    CHECK(rate.at("rating").as_string() == "overloaded");
    CHECK(rate.at("target_acceptable").to_number<double>() == 1.0);
    CHECK(rate.at("target_manageable").to_number<double>() == 2.0);
    CHECK(rate.at("meets_target").as_bool() == false);
    auto const& flood = o.at("flood").as_object();
    CHECK(flood.at("periods").as_int64() == 1);
    CHECK(flood.at("target_share").to_number<double>() == 0.01);
    CHECK(flood.at("meets_target").as_bool() == false);
    auto const& chatter = o.at("chattering").as_object();
    CHECK(chatter.at("points").as_int64() == 2);
    CHECK(chatter.at("within_seconds").as_int64() == 60);
    CHECK(o.at("stale").at("target_below").as_int64() == 5);
    CHECK(o.at("top_contributors").at("points").as_array().size() == 2);
    CHECK(o.at("top_contributors").at("target_share").to_number<double>() == 0.05);
    CHECK(o.at("states").at("returned_unacknowledged").as_int64() == 15);
    CHECK(o.at("window").at("seconds").as_int64() == 86400);
    CHECK(o.at("exact").as_bool());
}
