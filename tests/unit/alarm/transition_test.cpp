#include <wtf/alarm/transition.hpp>

#include "support/alarm_tests.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <catch2/catch.hpp>

#include <vector>

using namespace wtf;

namespace {

using test::at;

alarm::transition alarm_change(alarm::action a)
{
    alarm::transition t;
    t.action = a;
    t.id = 12;
    t.sensor_id = "wtf-pipe-1";
    t.parameter = "temperature";
    t.type = core::anomaly_type::spike;
    t.at = at(83);
    return t;
}

std::vector<alarm::transition> one_of_each()
{
    std::vector<alarm::transition> all;
    auto ack = alarm_change(alarm::action::acknowledged);
    ack.by = "alice";
    ack.comment = "checking the pump";
    all.push_back(ack);
    auto commented = alarm_change(alarm::action::commented);
    commented.by = "bob";
    commented.comment = "valve \"B\" stuck\nsecond line, 5 °C";
    all.push_back(commented);
    auto shelved = alarm_change(alarm::action::shelved);
    shelved.by = "alice";
    shelved.until = at(83 + 3600);
    shelved.until_normal = true;
    all.push_back(shelved);
    auto unshelved = alarm_change(alarm::action::unshelved);
    unshelved.unshelved_by = alarm::unshelve_reason::expired;
    all.push_back(unshelved);
    auto suppressed = alarm_change(alarm::action::suppressed);
    suppressed.type = core::anomaly_type::dropout;
    suppressed.parameter.clear();
    suppressed.suppressed_by = alarm::suppression::out_of_service;
    all.push_back(suppressed);
    alarm::transition out;
    out.action = alarm::action::out_of_service;
    out.sensor_id = "wtf-pipe-2";
    out.at = at(90);
    out.by = "carol";
    out.comment = "pump maintenance";
    all.push_back(out);
    out.action = alarm::action::in_service;
    out.comment.clear();
    all.push_back(out);
    return all;
}

std::string line_of(alarm::transition const& t)
{
    std::string out;
    alarm::append_json(out, t);
    return out;
}

} // namespace

TEST_CASE("every kind of alarm transition survives a round trip through its journal line", "[unit]")
{
    for (auto const& t : one_of_each()) {
        auto const line = line_of(t);
        INFO(line);
        CHECK(line.find('\n') == std::string::npos);
        std::string why;
        auto const back = alarm::decode_transition(line, why);
        REQUIRE(back);
        CHECK(*back == t);
    }
}

TEST_CASE("an acknowledgement's line names the action first and carries who, when and why",
          "[unit]")
{
    auto t = alarm_change(alarm::action::acknowledged);
    t.by = "alice";
    t.comment = "checking the pump";
    auto const line = line_of(t);
    CHECK(line.rfind(R"({"alarm":"acknowledged",)", 0) == 0);
    auto const o = boost::json::parse(line).as_object();
    CHECK(o.at("id").as_int64() == 12);
    CHECK(o.at("sensor_id").as_string() == "wtf-pipe-1");
    CHECK(o.at("parameter").as_string() == "temperature");
    CHECK(o.at("type").as_string() == "spike");
    CHECK(o.at("at").as_string() == "2025-05-28T00:01:23Z");
    CHECK(o.at("by").as_string() == "alice");
    CHECK(o.at("comment").as_string() == "checking the pump");
}

TEST_CASE("a service change's line names the sensor and no alarm", "[unit]")
{
    alarm::transition t;
    t.action = alarm::action::out_of_service;
    t.sensor_id = "wtf-pipe-2";
    t.at = at(0);
    t.by = "carol";
    auto const o = boost::json::parse(line_of(t)).as_object();
    CHECK(o.at("alarm").as_string() == "out_of_service");
    CHECK(o.at("sensor_id").as_string() == "wtf-pipe-2");
    CHECK_FALSE(o.contains("id"));
    CHECK_FALSE(o.contains("type"));
}

TEST_CASE("a journal line that is not an alarm transition is refused with the field at fault",
          "[unit]")
{
    auto const why_of = [](std::string_view text) {
        std::string why;
        CHECK_FALSE(alarm::decode_transition(text, why));
        return why;
    };
    CHECK_THAT(why_of("{\"alarm\":"), Catch::Contains("unparseable JSON"));
    CHECK(why_of("[1]") == "not a JSON object");
    CHECK(why_of(R"({"alarm":"silenced","sensor_id":"s","at":"2025-05-28T00:00:00Z"})") ==
          "field 'alarm' is not a known alarm action");
    CHECK(why_of(R"({"alarm":"acknowledged","sensor_id":"s","type":"spike",)"
                 R"("at":"2025-05-28T00:00:00Z"})") == "missing field 'id'");
    CHECK(why_of(R"({"alarm":"acknowledged","id":0,"sensor_id":"s","type":"spike",)"
                 R"("at":"2025-05-28T00:00:00Z"})") == "field 'id' is not a positive whole number");
    CHECK(why_of(R"({"alarm":"acknowledged","id":3,"sensor_id":"s","type":"flood",)"
                 R"("at":"2025-05-28T00:00:00Z"})") ==
          "field 'type' is not spike, drift or dropout");
    CHECK(why_of(R"({"alarm":"acknowledged","id":3,"sensor_id":"s","type":"spike",)"
                 R"("at":"yesterday"})") == "field 'at' is not an RFC 3339 time");
    CHECK(why_of(R"({"alarm":"shelved","id":3,"sensor_id":"s","type":"spike",)"
                 R"("at":"2025-05-28T00:00:00Z"})") == "missing field 'until'");
    CHECK(why_of(R"({"alarm":"unshelved","id":3,"sensor_id":"s","type":"spike",)"
                 R"("at":"2025-05-28T00:00:00Z","reason":"boredom"})") ==
          "field 'reason' is not operator, expired or returned_to_normal");
    CHECK(why_of(R"({"alarm":"in_service","sensor_id":"","at":"2025-05-28T00:00:00Z"})") ==
          "field 'sensor_id' is not a sensor id");
    CHECK(why_of(R"({"alarm":"in_service","sensor_id":"s","at":"2025-05-28T00:00:00Z","by":7})") ==
          "field 'by' is not a string");
}

TEST_CASE("action names are a closed set that parses back", "[unit]")
{
    for (std::size_t i = 0; i < alarm::action_count; ++i) {
        auto const a = static_cast<alarm::action>(i);
        CHECK(alarm::action_from(alarm::to_string(a)) == a);
    }
    CHECK_FALSE(alarm::action_from("unknown"));
}
