#include <wtf/alarm/readings.hpp>

#include "support/alarm_tests.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <catch2/catch.hpp>

#include <vector>

using namespace wtf;

namespace {

using test::at;

alarm::readings_settings sized(std::size_t per_sensor, std::size_t parameters = 8,
                               std::size_t max_sensors = 100)
{
    alarm::readings_settings s;
    s.per_sensor = per_sensor;
    s.parameters = parameters;
    s.max_sensors = max_sensors;
    return s;
}

// A reading at second `t` whose temperature is t and pressure t / 10.
void record(alarm::recent_readings& r, std::int64_t t, std::string_view sensor = "wtf-pipe-1")
{
    core::measurement const values[] = {{"temperature", static_cast<double>(t)},
                                        {"pressure", static_cast<double>(t) / 10.0}};
    r.record({sensor, at(t), values});
}

boost::json::object query(alarm::recent_readings const& r, std::optional<std::int64_t> since,
                          std::size_t limit, std::string_view sensor = "wtf-pipe-1")
{
    alarm::recent_readings::query q;
    if (since) q.since = at(*since);
    q.limit = limit;
    std::string out;
    REQUIRE(r.append_json(out, sensor, q));
    return boost::json::parse(out).as_object();
}

std::vector<double> temperatures(boost::json::object const& o)
{
    std::vector<double> t;
    for (auto const& row : o.at("readings").as_array())
        t.push_back(row.as_object().at("temperature").to_number<double>());
    return t;
}

} // namespace

TEST_CASE("a sensor's ring keeps its newest readings up to the configured size", "[unit]")
{
    alarm::recent_readings r{sized(4)};
    for (int t = 1; t <= 7; ++t) record(r, t);
    auto const o = query(r, std::nullopt, 100);
    CHECK(temperatures(o) == std::vector<double>{4, 5, 6, 7});
    CHECK(o.at("count").as_int64() == 4);
    CHECK(o.at("oldest").as_string() == "2025-05-28T00:00:04Z");
    CHECK_FALSE(o.at("truncated").as_bool());
}

TEST_CASE("without since the newest readings up to the limit come oldest first", "[unit]")
{
    alarm::recent_readings r{sized(10)};
    for (int t = 1; t <= 6; ++t) record(r, t);
    auto const o = query(r, std::nullopt, 2);
    CHECK(temperatures(o) == std::vector<double>{5, 6});
    CHECK(o.at("truncated").as_bool());
}

TEST_CASE("since gives the readings strictly after it, up to the limit", "[unit]")
{
    alarm::recent_readings r{sized(10)};
    for (int t = 1; t <= 8; ++t) record(r, t);
    auto const page = query(r, 3, 2);
    CHECK(temperatures(page) == std::vector<double>{4, 5});
    CHECK(page.at("truncated").as_bool());
    auto const rest = query(r, 5, 10);
    CHECK(temperatures(rest) == std::vector<double>{6, 7, 8});
    CHECK_FALSE(rest.at("truncated").as_bool());
    CHECK(query(r, 8, 10).at("readings").as_array().empty());
}

TEST_CASE("since before overwritten readings reports a gap", "[unit]")
{
    alarm::recent_readings r{sized(3)};
    for (int t = 1; t <= 6; ++t) record(r, t); // 1..3 overwritten
    CHECK(query(r, 2, 10).at("gap").as_bool());
    CHECK_FALSE(query(r, 3, 10).at("gap").as_bool()); // 4 onwards are all kept
    CHECK_FALSE(query(r, std::nullopt, 10).at("gap").as_bool());
}

TEST_CASE("a reading with fewer parameters leaves the others out of its row", "[unit]")
{
    alarm::recent_readings r{sized(4)};
    record(r, 1);
    core::measurement const only_flow[] = {{"flow", 55.0}};
    r.record({"wtf-pipe-1", at(2), only_flow});
    auto const o = query(r, std::nullopt, 10);
    auto const& rows = o.at("readings").as_array();
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].as_object().contains("temperature"));
    CHECK_FALSE(rows[0].as_object().contains("flow"));
    CHECK(rows[1].as_object().at("flow").to_number<double>() == 55.0);
    CHECK_FALSE(rows[1].as_object().contains("temperature"));
    CHECK(rows[1].as_object().at("timestamp").as_string() == "2025-05-28T00:00:02Z");
    auto const& names = o.at("parameters").as_array();
    REQUIRE(names.size() == 3);
    CHECK(names[2].as_string() == "flow");
}

TEST_CASE("values print as people write them", "[unit]")
{
    alarm::recent_readings r{sized(4)};
    core::measurement const values[] = {{"temperature", 23.4}, {"pressure", 2.0}};
    r.record({"wtf-pipe-1", at(1), values});
    std::string out;
    REQUIRE(r.append_last_json(out, "wtf-pipe-1"));
    CHECK(out == R"({"timestamp":"2025-05-28T00:00:01Z","temperature":23.4,"pressure":2.0})");
}

TEST_CASE("parameters beyond the configured number are not kept and are counted", "[unit]")
{
    alarm::recent_readings r{sized(4, 2)};
    core::measurement const values[] = {{"a", 1.0}, {"b", 2.0}, {"c", 3.0}};
    r.record({"s", at(1), values});
    CHECK(r.parameters("s").size() == 2);
    CHECK(r.values_refused() == 1);
}

TEST_CASE("a reading not newer than the sensor's newest is ignored and counted", "[unit]")
{
    alarm::recent_readings r{sized(4)};
    record(r, 5);
    record(r, 5);
    record(r, 3);
    CHECK(r.out_of_order() == 2);
    CHECK(query(r, std::nullopt, 10).at("count").as_int64() == 1);
}

TEST_CASE("sensors beyond the limit are not kept and are counted", "[unit]")
{
    alarm::recent_readings r{sized(4, 8, 2)};
    record(r, 1, "a");
    record(r, 1, "b");
    record(r, 1, "c");
    CHECK(r.sensors() == 2);
    CHECK(r.sensors_refused() == 1);
    std::string out;
    CHECK_FALSE(r.append_json(out, "c", {}));
    CHECK(out.empty());
}

TEST_CASE("a sensor without readings has none to show", "[unit]")
{
    alarm::recent_readings r{sized(4)};
    std::string out;
    CHECK_FALSE(r.append_json(out, "nobody", {}));
    CHECK_FALSE(r.append_last_json(out, "nobody"));
    CHECK_FALSE(r.last_time("nobody"));
    CHECK(r.parameters("nobody").empty());
}

TEST_CASE("the last reading and its time are the newest kept", "[unit]")
{
    alarm::recent_readings r{sized(2)};
    for (int t = 1; t <= 5; ++t) record(r, t);
    CHECK(r.last_time("wtf-pipe-1") == at(5));
}

TEST_CASE("a forgotten sensor's readings are gone", "[unit]")
{
    alarm::recent_readings r{sized(2)};
    record(r, 1);
    r.forget("wtf-pipe-1");
    CHECK(r.sensors() == 0);
    CHECK_FALSE(r.last_time("wtf-pipe-1"));
}

TEST_CASE("a sensor's samples take 8 bytes per reading and per parameter", "[unit]")
{
    alarm::recent_readings r{sized(128)};
    CHECK(r.sample_bytes(3) == 128 * 8 * 4);
}
