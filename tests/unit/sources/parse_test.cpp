#include <wtf/core/time.hpp>
#include <wtf/sources/parse.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <string_view>

namespace {

using wtf::errc;
using wtf::sources::batch;
using wtf::sources::parse_limits;
using wtf::sources::parse_readings;
using wtf::sources::problem;

wtf::core::timestamp at(std::string_view text) { return wtf::core::parse_rfc3339(text).value(); }

wtf::core::timestamp const now = at("2025-05-28T12:00:00Z");

// Parses `body` expecting a refusal, and returns it.
problem refusal(std::string_view body, bool ndjson = false, parse_limits const& limits = {})
{
    batch b;
    auto p = parse_readings(body, ndjson, now, limits, b);
    REQUIRE(p.has_value());
    return *p;
}

void require_invalid(std::string_view body, std::string_view detail, bool ndjson = false,
                     parse_limits const& limits = {})
{
    auto const p = refusal(body, ndjson, limits);
    CHECK(p.code == errc::invalid_reading);
    CHECK(p.detail == detail);
}

// Limits with the default [detect.parameters] configured: temperature, pressure and flow.
parse_limits configured()
{
    static auto const rules = wtf::detect::settings::default_parameters();
    parse_limits limits;
    limits.parameters = rules;
    return limits;
}

double value_of(wtf::core::reading const& r, std::string_view parameter)
{
    for (auto const& m : r.values)
        if (m.parameter == parameter) return m.value;
    FAIL("no parameter " << parameter);
    return 0.0;
}

} // namespace

TEST_CASE("One JSON object becomes one reading with its time, sensor and values", "[unit]")
{
    batch b;
    auto const p = parse_readings(
        R"({"timestamp": "2025-05-28T00:01:23Z", "sensor_id": "wtf-pipe-1", "temperature": 23.4, "pressure": 2.1, "flow": 55.0})",
        false, now, {}, b);
    REQUIRE_FALSE(p.has_value());
    REQUIRE(b.readings().size() == 1);
    auto const& r = b.readings()[0];
    CHECK(r.sensor_id == "wtf-pipe-1");
    CHECK(r.time == at("2025-05-28T00:01:23Z"));
    REQUIRE(r.values.size() == 3);
    CHECK(r.values[0].parameter == "temperature");
    CHECK(r.values[0].value == 23.4);
    CHECK(r.values[1].parameter == "pressure");
    CHECK(r.values[1].value == 2.1);
    CHECK(r.values[2].parameter == "flow");
    CHECK(r.values[2].value == 55.0);
}

TEST_CASE("A JSON array gives one reading per object, in order", "[unit]")
{
    batch b;
    auto const p = parse_readings(R"([
        {"sensor_id": "a", "timestamp": "2025-05-28T00:00:01Z", "temperature": 20.5},
        {"sensor_id": "b", "timestamp": "2025-05-28T00:00:02Z", "pressure": 1.5, "flow": 40},
        {"sensor_id": "c", "timestamp": "2025-05-28T00:00:03.250Z", "turbidity_ntu": 0.3}
    ])",
                                  false, now, {}, b);
    REQUIRE_FALSE(p.has_value());
    auto const rs = b.readings();
    REQUIRE(rs.size() == 3);
    CHECK(rs[0].sensor_id == "a");
    CHECK(rs[0].values.size() == 1);
    CHECK(value_of(rs[0], "temperature") == 20.5);
    CHECK(rs[1].sensor_id == "b");
    REQUIRE(rs[1].values.size() == 2);
    CHECK(value_of(rs[1], "pressure") == 1.5);
    CHECK(value_of(rs[1], "flow") == 40.0);
    CHECK(rs[2].sensor_id == "c");
    CHECK(rs[2].time == at("2025-05-28T00:00:03.250Z"));
    CHECK(value_of(rs[2], "turbidity_ntu") == 0.3);
}

TEST_CASE("NDJSON gives one reading per line, skipping blank lines and tolerating CRLF", "[unit]")
{
    batch b;
    auto const p = parse_readings("{\"sensor_id\": \"a\", \"flow\": 1.5}\r\n"
                                  "\r\n"
                                  "   \n"
                                  "{\"sensor_id\": \"b\", \"flow\": 2.5}\r\n"
                                  "{\"sensor_id\": \"c\", \"flow\": 3.5}",
                                  true, now, {}, b);
    REQUIRE_FALSE(p.has_value());
    auto const rs = b.readings();
    REQUIRE(rs.size() == 3);
    CHECK(rs[0].sensor_id == "a");
    CHECK(value_of(rs[0], "flow") == 1.5);
    CHECK(rs[1].sensor_id == "b");
    CHECK(value_of(rs[1], "flow") == 2.5);
    CHECK(rs[2].sensor_id == "c");
    CHECK(value_of(rs[2], "flow") == 3.5);
}

TEST_CASE("A reading without a timestamp is stamped with the time of arrival", "[unit]")
{
    batch b;
    REQUIRE_FALSE(
        parse_readings(
            R"([{"sensor_id": "a", "flow": 1}, {"sensor_id": "b", "timestamp": null, "flow": 2}])",
            false, now, {}, b)
            .has_value());
    REQUIRE(b.readings().size() == 2);
    CHECK(b.readings()[0].time == now);
    CHECK(b.readings()[1].time == now);
    CHECK(b.readings()[1].values.size() == 1);
}

TEST_CASE("A timestamp with a zone offset is converted to UTC", "[unit]")
{
    batch b;
    REQUIRE_FALSE(
        parse_readings(
            R"({"sensor_id": "a", "timestamp": "2025-05-28T02:01:23.5+02:00", "flow": 1})", false,
            now, {}, b)
            .has_value());
    CHECK(b.readings()[0].time == at("2025-05-28T00:01:23.500Z"));
}

TEST_CASE("Integer values, negative and beyond int64, are accepted as numbers", "[unit]")
{
    batch b;
    REQUIRE_FALSE(
        parse_readings(
            R"({"sensor_id": "a", "flow": 55, "level": -3, "count": 18446744073709551615, "big": 1e300})",
            false, now, {}, b)
            .has_value());
    auto const& r = b.readings()[0];
    CHECK(value_of(r, "flow") == 55.0);
    CHECK(value_of(r, "level") == -3.0);
    CHECK(value_of(r, "count") == 18446744073709551615.0);
    CHECK(value_of(r, "big") == 1e300);
}

TEST_CASE("Escaped and non-ASCII names and sensor ids are decoded", "[unit]")
{
    batch b;
    REQUIRE_FALSE(parse_readings(R"({"sensor_id": "pipe \"A\" \u00e9", "temp\u00e9rature": 1.0})",
                                 false, now, {}, b)
                      .has_value());
    auto const& r = b.readings()[0];
    CHECK(r.sensor_id == "pipe \"A\" \xc3\xa9");
    CHECK(r.values[0].parameter == "temp\xc3\xa9rature");
}

TEST_CASE("A batch reused for a second body holds only the second body's readings", "[unit]")
{
    batch b;
    // The first body is large enough to make the batch grow its buffers and merge them later.
    std::string first = "[";
    for (int i = 0; i < 2000; ++i) {
        if (i != 0) first += ',';
        first += R"({"sensor_id": "first-sensor-with-a-long-name-)" + std::to_string(i) +
                 R"(", "temperature": 20.0, "pressure": 2.0, "flow": 50.0})";
    }
    first += "]";
    REQUIRE_FALSE(parse_readings(first, false, now, {}, b).has_value());
    REQUIRE(b.readings().size() == 2000);
    CHECK(b.readings()[1999].sensor_id == "first-sensor-with-a-long-name-1999");

    REQUIRE_FALSE(
        parse_readings("{\"sensor_id\": \"second-sensor-with-a-long-name\", \"flow\": 7.5}\n"
                       "{\"sensor_id\": \"s\", \"pressure\": 1.25, \"a-long-parameter-name\": 3}\n",
                       true, now, {}, b)
            .has_value());
    auto rs = b.readings();
    REQUIRE(rs.size() == 2);
    CHECK(rs[0].sensor_id == "second-sensor-with-a-long-name");
    CHECK(value_of(rs[0], "flow") == 7.5);
    CHECK(rs[1].sensor_id == "s");
    CHECK(value_of(rs[1], "pressure") == 1.25);
    CHECK(value_of(rs[1], "a-long-parameter-name") == 3.0);

    // A failed parse in between leaves nothing behind for the next one.
    REQUIRE(parse_readings(R"([{"sensor_id": "x", "flow": 1}, {"sensor_id": "y", "flow": "high"}])",
                           false, now, {}, b)
                .has_value());
    REQUIRE_FALSE(parse_readings(first, false, now, {}, b).has_value());
    rs = b.readings();
    REQUIRE(rs.size() == 2000);
    CHECK(rs[0].sensor_id == "first-sensor-with-a-long-name-0");
    CHECK(rs[1234].sensor_id == "first-sensor-with-a-long-name-1234");
    CHECK(value_of(rs[1234], "flow") == 50.0);
}

TEST_CASE("Clearing a batch leaves it with no readings", "[unit]")
{
    batch b;
    REQUIRE_FALSE(
        parse_readings(R"({"sensor_id": "a", "flow": 1})", false, now, {}, b).has_value());
    b.clear();
    CHECK(b.readings().empty());
}

TEST_CASE("A moved batch keeps its readings valid", "[unit]")
{
    batch b;
    REQUIRE_FALSE(
        parse_readings(R"({"sensor_id": "a", "flow": 1})", false, now, {}, b).has_value());
    batch moved{std::move(b)};
    REQUIRE(moved.readings().size() == 1);
    CHECK(moved.readings()[0].sensor_id == "a");
    CHECK(b.readings().empty()); // NOLINT(bugprone-use-after-move): moved-from is empty
    REQUIRE_FALSE(
        parse_readings(R"({"sensor_id": "c", "flow": 2})", false, now, {}, b).has_value());
    CHECK(b.readings()[0].sensor_id == "c");
}

TEST_CASE("An empty body is malformed", "[unit]")
{
    for (std::string_view body : {"", "  \r\n\t"}) {
        auto const p = refusal(body);
        CHECK(p.code == errc::malformed_body);
        CHECK(p.detail == "empty body");
    }
    auto const p = refusal("\n\r\n", true);
    CHECK(p.code == errc::malformed_body);
    CHECK(p.detail == "empty body");
}

TEST_CASE("An empty array has no readings", "[unit]")
{
    require_invalid(" [ ] ", "no readings in the body");
}

TEST_CASE("Malformed JSON in an object names the byte and the error", "[unit]")
{
    auto const p = refusal(R"({"sensor_id": "a",, "flow": 1})");
    CHECK(p.code == errc::malformed_body);
    CHECK(p.detail == "malformed JSON at byte 18: syntax error");
}

TEST_CASE("An unterminated array is malformed JSON", "[unit]")
{
    auto const p = refusal(R"([{"sensor_id": "a", "flow": 1})");
    CHECK(p.code == errc::malformed_body);
    CHECK(p.detail == "malformed JSON at byte 30: incomplete JSON");
}

TEST_CASE("Two JSON values outside NDJSON mode are malformed", "[unit]")
{
    auto const p =
        refusal("{\"sensor_id\": \"a\", \"flow\": 1}\n{\"sensor_id\": \"b\", \"flow\": 1}");
    CHECK(p.code == errc::malformed_body);
    CHECK(p.detail == "malformed JSON at byte 30: extra data");
}

TEST_CASE("Malformed JSON in NDJSON names the line", "[unit]")
{
    auto const p = refusal("{\"sensor_id\": \"a\", \"flow\": 1}\n"
                           "\n"
                           "{\"sensor_id\": \"b\" \"flow\": 1}\n",
                           true);
    CHECK(p.code == errc::malformed_body);
    CHECK(p.detail == "line 3: malformed JSON at byte 18: syntax error");
}

TEST_CASE("A body that is not an object or an array names item 0", "[unit]")
{
    require_invalid("42", "item 0: expected a JSON object, got a number");
    require_invalid(R"("wtf-pipe-1")", "item 0: expected a JSON object, got a string");
}

TEST_CASE("An array element that is not an object is named", "[unit]")
{
    require_invalid(R"([{"sensor_id": "a", "flow": 1}, [1, 2]])",
                    "item 1: expected a JSON object, got an array");
}

TEST_CASE("An NDJSON line that is not an object names item and line", "[unit]")
{
    require_invalid("{\"sensor_id\": \"a\", \"flow\": 1}\n\nnull\n",
                    "item 1 (line 3): expected a JSON object, got null", true);
}

TEST_CASE("A reading without sensor_id is refused", "[unit]")
{
    require_invalid(R"({"timestamp": "2025-05-28T00:01:23Z", "flow": 1})",
                    "item 0: field 'sensor_id' is missing");
}

TEST_CASE("An empty sensor_id is refused", "[unit]")
{
    require_invalid(R"([{"sensor_id": "a", "flow": 1}, {"sensor_id": "", "flow": 1}])",
                    "item 1: field 'sensor_id' is empty");
}

TEST_CASE("A sensor_id that is not a string is refused", "[unit]")
{
    require_invalid(R"({"sensor_id": 7, "flow": 1})", "item 0: field 'sensor_id' must be a string");
    require_invalid(R"({"sensor_id": null, "flow": 1})",
                    "item 0: field 'sensor_id' must be a string");
}

TEST_CASE("A sensor_id with a control character is refused", "[unit]")
{
    require_invalid(R"({"sensor_id": "pipe\n1", "flow": 1})",
                    "item 0: field 'sensor_id' contains a control character");
}

TEST_CASE("A sensor_id longer than the limit is refused", "[unit]")
{
    parse_limits limits;
    limits.max_name_length = 8;
    batch b;
    CHECK_FALSE(parse_readings(R"({"sensor_id": "12345678", "flow": 1})", false, now, limits, b)
                    .has_value());
    require_invalid(R"({"sensor_id": "123456789", "flow": 1})",
                    "item 0: field 'sensor_id' is longer than 8 bytes", false, limits);
}

TEST_CASE("A timestamp that is not RFC 3339 is refused, quoting the text", "[unit]")
{
    require_invalid(
        R"([{"sensor_id": "a", "flow": 1}, {"sensor_id": "a", "timestamp": "yesterday", "flow": 1}])",
        R"(item 1: field 'timestamp' is not an RFC 3339 time: "yesterday")");
}

TEST_CASE("A timestamp without a zone is refused", "[unit]")
{
    require_invalid(R"({"sensor_id": "a", "timestamp": "2025-05-28T00:01:23", "flow": 1})",
                    R"(item 0: field 'timestamp' is not an RFC 3339 time: "2025-05-28T00:01:23")");
}

TEST_CASE("A long bad timestamp is quoted only in part", "[unit]")
{
    std::string const long_text(100, 'x');
    require_invalid(R"({"sensor_id": "a", "timestamp": ")" + long_text + R"(", "flow": 1})",
                    "item 0: field 'timestamp' is not an RFC 3339 time: \"" + std::string(40, 'x') +
                        "...\"");
}

TEST_CASE("A timestamp outside the valid time range is refused, naming the range", "[unit]")
{
    require_invalid(
        R"({"sensor_id": "a", "timestamp": "0000-01-01T00:00:00+00:01", "flow": 1})",
        "item 0: field 'timestamp' is outside the supported time range 0000-01-01T00:00:00Z to "
        R"(9999-12-31T23:59:59.999999Z: "0000-01-01T00:00:00+00:01")");
}

TEST_CASE("A timestamp that is not a string is refused", "[unit]")
{
    require_invalid(R"({"sensor_id": "a", "timestamp": 1748390483, "flow": 1})",
                    "item 0: field 'timestamp' must be an RFC 3339 time string");
}

TEST_CASE("A string value of a configured parameter is refused as not a finite number", "[unit]")
{
    require_invalid(R"([{"sensor_id": "a", "flow": 1}, {"sensor_id": "a", "flow": 1},
                        {"sensor_id": "a", "pressure": 2.0, "temperature": "23.4"}])",
                    "item 2: field 'temperature' must be a finite number", false, configured());
}

TEST_CASE("Boolean, null, array and object values of a configured parameter are refused", "[unit]")
{
    require_invalid(R"({"sensor_id": "a", "flow": true})",
                    "item 0: field 'flow' must be a finite number", false, configured());
    require_invalid(R"({"sensor_id": "a", "flow": null})",
                    "item 0: field 'flow' must be a finite number", false, configured());
    require_invalid(R"({"sensor_id": "a", "flow": [1]})",
                    "item 0: field 'flow' must be a finite number", false, configured());
    require_invalid(R"({"sensor_id": "a", "flow": {"v": 1}})",
                    "item 0: field 'flow' must be a finite number", false, configured());
}

TEST_CASE("Fields that are not numbers and not configured parameters are ignored and counted",
          "[unit]")
{
    batch b;
    auto const p = parse_readings(
        R"([{"sensor_id": "a", "flow": 55.0, "status": "ok", "valve_open": true},
            {"sensor_id": "b", "temperature": 23.4, "note": null, "tags": ["x"], "site": {}}])",
        false, now, configured(), b);
    REQUIRE_FALSE(p.has_value());
    REQUIRE(b.readings().size() == 2);
    CHECK(b.readings()[0].values.size() == 1);
    CHECK(value_of(b.readings()[1], "temperature") == 23.4);
    CHECK(b.ignored_fields() == 5);
    b.clear();
    CHECK(b.ignored_fields() == 0);
}

TEST_CASE("A reading whose only fields besides its sensor are text has no parameter values",
          "[unit]")
{
    require_invalid(R"({"sensor_id": "a", "status": "ok"})", "item 0: no parameter values");
}

TEST_CASE("A number too large for a double is refused as not finite", "[unit]")
{
    require_invalid(R"({"sensor_id": "a", "flow": 1e999})",
                    "item 0: field 'flow' must be a finite number");
}

TEST_CASE("A physically absurd but finite value is a reading like any other", "[unit]")
{
    // The detector judges it (a spike); the README says why it is not refused here.
    batch b;
    REQUIRE_FALSE(parse_readings(R"({"sensor_id":"a","temperature":1e300})", false, now, {}, b));
    REQUIRE(b.readings().size() == 1);
    CHECK(b.readings()[0].values[0].value == 1e300);
}

TEST_CASE("A reading without parameter values is refused", "[unit]")
{
    require_invalid(R"({"sensor_id": "a", "timestamp": "2025-05-28T00:01:23Z"})",
                    "item 0: no parameter values");
    require_invalid(R"({"sensor_id": "a"})", "item 0: no parameter values");
}

TEST_CASE("A reading with more parameters than the limit is refused", "[unit]")
{
    parse_limits limits;
    limits.max_parameters = 2;
    batch b;
    CHECK_FALSE(parse_readings(R"({"sensor_id": "a", "timestamp": null, "x": 1, "y": 2})", false,
                               now, limits, b)
                    .has_value());
    require_invalid(R"({"sensor_id": "a", "x": 1, "y": 2, "z": 3})",
                    "item 0: too many parameters: 3 > 2", false, limits);
}

TEST_CASE("A body with more readings than the limit is refused", "[unit]")
{
    parse_limits limits;
    limits.max_readings = 2;
    require_invalid(
        R"([{"sensor_id": "a", "x": 1}, {"sensor_id": "a", "x": 2}, {"sensor_id": "a", "x": 3}])",
        "too many readings: 3 > 2", false, limits);
    require_invalid("{\"sensor_id\": \"a\", \"x\": 1}\n\n{\"sensor_id\": \"a\", \"x\": 2}\n"
                    "{\"sensor_id\": \"a\", \"x\": 3}\n",
                    "too many readings: 3 > 2", true, limits);
}

TEST_CASE("A parameter name longer than the limit is refused, quoted in part", "[unit]")
{
    parse_limits limits;
    limits.max_name_length = 45;
    std::string const name(46, 'n');
    require_invalid(R"({"sensor_id": "a", ")" + name + R"(": 1})",
                    "item 0: field '" + std::string(40, 'n') +
                        "...' has a name longer than 45 bytes",
                    false, limits);
}

TEST_CASE("An empty parameter name is refused", "[unit]")
{
    require_invalid(R"({"sensor_id": "a", "": 1})", "item 0: a field name is empty");
}

TEST_CASE("An NDJSON item's problem names its item and line", "[unit]")
{
    require_invalid("{\"sensor_id\": \"a\", \"flow\": 1}\n"
                    "\n"
                    "{\"sensor_id\": \"b\", \"flow\": 1}\r\n"
                    "\r\n"
                    "{\"sensor_id\": \"c\", \"flow\": \"x\"}\n",
                    "item 2 (line 5): field 'flow' must be a finite number", true, configured());
}

TEST_CASE("The first invalid item fails the batch", "[unit]")
{
    require_invalid(R"([{"sensor_id": "a", "flow": 1}, {"flow": 1}, {"sensor_id": "", "flow": 1}])",
                    "item 1: field 'sensor_id' is missing");
}

TEST_CASE("With duplicate keys the last value counts", "[unit]")
{
    batch b;
    REQUIRE_FALSE(parse_readings(R"({"sensor_id": "a", "flow": 1, "flow": 2})", false, now, {}, b)
                      .has_value());
    auto const& r = b.readings()[0];
    REQUIRE(r.values.size() == 1);
    CHECK(r.values[0].value == 2.0);
}
