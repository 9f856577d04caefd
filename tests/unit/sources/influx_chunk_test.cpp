// InfluxDB's chunked /query body turned into readings, with no server: the JSON below is what
// influxd 1.6.7 sends for chunked=true&epoch=u.
#include "sources/detail/influx_chunk.hpp"

#include <wtf/core/time.hpp>

#include "support/reading_recorder.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

using namespace wtf;
using sources::detail::influx_decoder;

namespace {

using recorder = test::reading_recorder;

using values = std::vector<std::pair<std::string, double>>;

std::optional<std::string> feed(influx_decoder& d, std::string_view body, recorder& sink)
{
    if (auto e = d.write(body, sink)) return e;
    return d.finish(sink);
}

influx_decoder decoder(std::string sensor_tag = "sensor_id", sources::column_rules rules = {})
{
    return influx_decoder{std::move(sensor_tag), std::move(rules)};
}

// Two chunks of series s1 (the first partial) and one of s2, as GROUP BY * with chunk_size=1.
std::string const grouped_body =
    R"({"results":[{"statement_id":0,"series":[{"name":"m","tags":{"sensor_id":"s1","site":"a"},)"
    R"("columns":["time","flag","note","press","temp"],)"
    R"("values":[[1700000000000000,null,"x",2,1.5]],"partial":true}],"partial":true}]})"
    "\n"
    R"({"results":[{"statement_id":0,"series":[{"name":"m","tags":{"sensor_id":"s1","site":"a"},)"
    R"("columns":["time","flag","note","press","temp"],)"
    R"("values":[[1700000002000000,true,null,3,null]]}],"partial":true}]})"
    "\n"
    R"({"results":[{"statement_id":0,"series":[{"name":"m","tags":{"sensor_id":"s2","site":"a"},)"
    R"("columns":["time","flag","note","press","temp"],)"
    R"("values":[[1700000001000000,null,null,null,2.5]]}]}]})"
    "\n";

} // namespace

TEST_CASE("The sensor tag names each series' readings and numeric fields become parameters",
          "[unit][replay]")
{
    recorder sink;
    auto d = decoder();
    REQUIRE(feed(d, grouped_body, sink) == std::nullopt);

    REQUIRE(sink.readings.size() == 3);
    CHECK(sink.readings[0].sensor == "s1");
    CHECK(sink.readings[0].time_us() == 1700000000000000);
    CHECK(sink.readings[0].values == values{{"press", 2.0}, {"temp", 1.5}});
    CHECK(sink.readings[1].sensor == "s1");
    CHECK(sink.readings[1].values == values{{"press", 3.0}});
    CHECK(sink.readings[2].sensor == "s2");
    CHECK(sink.readings[2].values == values{{"temp", 2.5}});
    CHECK(sink.problems.empty());

    auto const& s = d.summary();
    CHECK(s.points == 3);
    CHECK(s.readings == 3);
    CHECK(s.rejected == 0);
    CHECK(s.series == 2); // s1's two chunks are one series
    CHECK(s.parameters == std::vector<std::string>{"press", "temp"});
    CHECK(s.sensors == std::vector<std::string>{"s1", "s2"});
    REQUIRE(s.first.has_value());
    REQUIRE(s.last.has_value());
    CHECK(s.first->time_since_epoch().count() == 1700000000000000); // earliest, not first sent
    CHECK(s.last->time_since_epoch().count() == 1700000002000000);
}

TEST_CASE("Bytes split anywhere give the same readings as whole lines", "[unit][replay]")
{
    recorder whole;
    auto d1 = decoder();
    REQUIRE(feed(d1, grouped_body, whole) == std::nullopt);

    for (std::size_t step : {1U, 7U, 64U}) {
        recorder split;
        auto d2 = decoder();
        for (std::size_t i = 0; i < grouped_body.size(); i += step)
            REQUIRE(d2.write(std::string_view{grouped_body}.substr(i, step), split) ==
                    std::nullopt);
        REQUIRE(d2.finish(split) == std::nullopt);
        REQUIRE(split.readings.size() == whole.readings.size());
        for (std::size_t i = 0; i < whole.readings.size(); ++i) {
            CHECK(split.readings[i].sensor == whole.readings[i].sensor);
            CHECK(split.readings[i].time_us() == whole.readings[i].time_us());
            CHECK(split.readings[i].values == whole.readings[i].values);
        }
        CHECK(d2.summary().series == 2);
    }
}

TEST_CASE("A last line without a newline and blank lines are read", "[unit][replay]")
{
    recorder sink;
    auto d = decoder();
    std::string const body =
        "\n  \r\n"
        R"({"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","v"],)"
        R"("values":[[5,1]]}]}]})";
    REQUIRE(feed(d, body, sink) == std::nullopt);
    REQUIRE(sink.readings.size() == 1);
    CHECK(sink.readings[0].sensor == "m");
    CHECK(sink.readings[0].time_us() == 5);
}

TEST_CASE("Without the sensor tag a series is named by its other tags, else its measurement",
          "[unit][replay]")
{
    recorder sink;
    auto d = decoder();
    std::string const body =
        R"({"results":[{"statement_id":0,"series":[)"
        R"({"name":"tank","tags":{"sensor_id":"","site":"a","zone":"1"},)"
        R"("columns":["time","level"],"values":[[1,1.0]]},)"
        R"({"name":"flow","columns":["time","value"],"values":[[2,2.0]]},)"
        R"({"name":"flow","tags":{},"columns":["time","value"],"values":[[3,3.0]]}]}]})"
        "\n";
    REQUIRE(feed(d, body, sink) == std::nullopt);
    REQUIRE(sink.readings.size() == 3);
    CHECK(sink.readings[0].sensor == "site=a,zone=1"); // GROUP BY gives "" for an unset tag
    CHECK(sink.readings[1].sensor == "flow");
    CHECK(sink.readings[2].sensor == "flow");
    CHECK(d.summary().series == 3);
}

TEST_CASE("Without GROUP BY the sensor column names each row's sensor", "[unit][replay]")
{
    recorder sink;
    auto d = decoder();
    std::string const body =
        R"({"results":[{"statement_id":0,"series":[{"name":"m",)"
        R"("columns":["time","press","sensor_id","site","temp"],"values":[)"
        R"([1,2,"s1","a",1.5],[2,null,"s2","a",2.5],[3,4,null,null,null],[4,5,7,null,null]]}]}]})"
        "\n";
    REQUIRE(feed(d, body, sink) == std::nullopt);
    REQUIRE(sink.readings.size() == 4);
    CHECK(sink.readings[0].sensor == "s1");
    CHECK(sink.readings[0].values == values{{"press", 2.0}, {"temp", 1.5}});
    CHECK(sink.readings[1].sensor == "s2");
    CHECK(sink.readings[1].values == values{{"temp", 2.5}});
    CHECK(sink.readings[2].sensor == "m"); // no sensor in the row: the measurement
    CHECK(sink.readings[3].sensor == "7"); // a numeric sensor field, as text
    CHECK(d.summary().sensors == std::vector<std::string>{"s1", "s2", "m", "7"});
    CHECK(d.summary().parameters == std::vector<std::string>{"press", "temp"});
}

TEST_CASE("Another sensor tag name is honoured", "[unit][replay]")
{
    recorder sink;
    auto d = decoder("device");
    std::string const body =
        R"({"results":[{"statement_id":0,"series":[{"name":"m","tags":{"device":"d9","site":"a"},)"
        R"("columns":["time","v"],"values":[[1,1]]}]}]})"
        "\n";
    REQUIRE(feed(d, body, sink) == std::nullopt);
    REQUIRE(sink.readings.size() == 1);
    CHECK(sink.readings[0].sensor == "d9");
}

TEST_CASE("Column rules rename and ignore fields; label fields are ignored", "[unit][replay]")
{
    sources::column_rules rules;
    rules.rename = {{"temp", "temperature"}};
    rules.ignore = {"press"};
    recorder sink;
    auto d = decoder("sensor_id", rules);
    std::string const body =
        R"({"results":[{"statement_id":0,"series":[{"name":"m","tags":{"sensor_id":"s1"},)"
        R"("columns":["time","anomaly","press","temp"],"values":[[1,1,2,3]]}]}]})"
        "\n";
    REQUIRE(feed(d, body, sink) == std::nullopt);
    REQUIRE(sink.readings.size() == 1);
    CHECK(sink.readings[0].values == values{{"temperature", 3.0}});
    CHECK(d.summary().parameters == std::vector<std::string>{"temperature"});
}

TEST_CASE("A row with no numeric value or a bad time is a problem and is skipped", "[unit][replay]")
{
    recorder sink;
    auto d = decoder();
    std::string const body =
        R"({"results":[{"statement_id":0,"series":[{"name":"m","tags":{"sensor_id":"s1"},)"
        R"("columns":["time","note","v"],"values":[)"
        R"([1700000000000000,"x",null],[null,null,1],["soon",null,2],)"
        R"([1700000003000000,null,3]]}]}]})"
        "\n";
    REQUIRE(feed(d, body, sink) == std::nullopt);
    REQUIRE(sink.readings.size() == 1);
    CHECK(sink.readings[0].time_us() == 1700000003000000);
    REQUIRE(sink.problems.size() == 3);
    CHECK(sink.problems[0].source == "influx");
    CHECK(sink.problems[0].line == 0);
    CHECK(sink.problems[0].message ==
          "series m,sensor_id=s1 at 2023-11-14T22:13:20Z: no numeric value");
    CHECK(sink.problems[1].message == "series m,sensor_id=s1: bad time: null");
    CHECK(sink.problems[2].message == "series m,sensor_id=s1: bad time: \"soon\"");
    auto const& s = d.summary();
    CHECK(s.points == 4);
    CHECK(s.readings == 1);
    CHECK(s.rejected == 3);
}

TEST_CASE("A time outside the valid range is a problem naming the range and is skipped",
          "[unit][replay]")
{
    // Issue 11: -9223372036854775808 us reached append_rfc3339, whose day arithmetic overflowed.
    recorder sink;
    auto d = decoder();
    std::string const body =
        R"({"results":[{"statement_id":0,"series":[{"name":"m","tags":{"sensor_id":"s1"},)"
        R"("columns":["time","v"],"values":[)"
        R"([-9223372036854775808,1],[9223372036854775807,2],[18446744073709551615,3],)"
        R"([253402300800000000,4],[-62167219200000001,5],[1700000003000000,6]]}]}]})"
        "\n";
    REQUIRE(feed(d, body, sink) == std::nullopt);
    REQUIRE(sink.readings.size() == 1);
    CHECK(sink.readings[0].time_us() == 1700000003000000);
    REQUIRE(sink.problems.size() == 5);
    CHECK(sink.problems[0].message ==
          "series m,sensor_id=s1: time -9223372036854775808 is outside the supported range "
          "0000-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z");
    for (auto const& p : sink.problems)
        CHECK(p.message.find("outside the supported range") != std::string::npos);
}

TEST_CASE("An error object fails with InfluxDB's text", "[unit][replay]")
{
    recorder sink;
    auto d = decoder();
    CHECK(feed(d,
               R"({"error":"timeout"})"
               "\n",
               sink) == "influx: timeout");
}

TEST_CASE("A result's error fails after the rows before it were handed over", "[unit][replay]")
{
    recorder sink;
    auto d = decoder();
    std::string const body =
        R"({"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","v"],)"
        R"("values":[[1,1]],"partial":true}],"partial":true}]})"
        "\n"
        R"x({"results":[{"statement_id":0,"error":"max-select-point limit exceeded: (1/0)"}]})x"
        "\n";
    CHECK(feed(d, body, sink) == "influx: max-select-point limit exceeded: (1/0)");
    CHECK(sink.readings.size() == 1);
}

TEST_CASE("A database that does not exist fails with its name", "[unit][replay]")
{
    recorder sink;
    auto d = decoder();
    CHECK(feed(d,
               R"({"results":[{"statement_id":0,"error":"database not found: nope"}]})"
               "\n",
               sink) == "influx: database not found: nope");
}

TEST_CASE("A body that is not JSON fails", "[unit][replay]")
{
    recorder sink;
    auto d = decoder();
    auto const e = feed(d, "<html>Bad gateway</html>\n", sink);
    REQUIRE(e.has_value());
    CHECK(e->rfind("influx: response is not JSON: ", 0) == 0);
    auto d2 = decoder();
    CHECK(feed(d2, "[1,2]\n", sink) == "influx: unexpected response: not a JSON object");
    auto d3 = decoder();
    CHECK(feed(d3, R"({"results":[{"statement_id":0,"series":[{"name":"m","columns":["time")", sink)
              .has_value());
}

TEST_CASE("A statement without points gives no readings", "[unit][replay]")
{
    recorder sink;
    auto d = decoder();
    REQUIRE(feed(d,
                 R"({"results":[{"statement_id":0}]})"
                 "\n",
                 sink) == std::nullopt);
    CHECK(sink.readings.empty());
    CHECK(d.summary().series == 0);
    CHECK_FALSE(d.summary().first.has_value());
}

TEST_CASE("At most 1000 sensors are kept in the summary", "[unit][replay]")
{
    std::string body = R"({"results":[{"statement_id":0,"series":[{"name":"m",)"
                       R"("columns":["time","sensor_id","v"],"values":[)";
    for (int i = 0; i < 1200; ++i) {
        if (i > 0) body += ',';
        body += "[" + std::to_string(i) + ",\"s" + std::to_string(i % 1100) + "\",1]";
    }
    body += "]}]}]}\n";
    recorder sink;
    auto d = decoder();
    REQUIRE(feed(d, body, sink) == std::nullopt);
    CHECK(sink.readings.size() == 1200);
    REQUIRE(d.summary().sensors.size() == 1000);
    CHECK(d.summary().sensors.front() == "s0");
    CHECK(d.summary().sensors.back() == "s999");
}

TEST_CASE("Basic authorization encodes user:password in base64", "[unit][replay]")
{
    using sources::detail::basic_authorization;
    CHECK(basic_authorization("Aladdin", "open sesame") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    CHECK(basic_authorization("a", "") == "Basic YTo=");
    CHECK(basic_authorization("ab", "c") == "Basic YWI6Yw==");
    CHECK(basic_authorization("ab", "cd") == "Basic YWI6Y2Q=");
}
