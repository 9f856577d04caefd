// The journal's line kinds, alarm transitions among them.

#include "store/detail/journal_codec.hpp"

#include <wtf/alarm/transition.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace wtf;

TEST_CASE("an alarm transition is one journal line that reads back as it was", "[unit][journal]")
{
    alarm::transition t;
    t.action = alarm::action::shelved;
    t.id = 12;
    t.sensor_id = "wtf-pipe-1";
    t.parameter = "temperature";
    t.type = core::anomaly_type::drift;
    t.at = core::parse_rfc3339("2025-05-28T00:01:23Z").value();
    t.until = t.at + std::chrono::hours{1};
    t.by = "alice";
    t.comment = "backwash\nknown";
    std::string line;
    store::detail::append_alarm_line(line, t);
    REQUIRE(line.ends_with('\n'));
    CHECK(line.find('\n') == line.size() - 1); // one line, whatever the comment holds
    line.pop_back();
    std::string why;
    auto const back = store::detail::decode_line(line, why);
    INFO(why);
    REQUIRE(back);
    CHECK(back->kind == store::detail::line_kind::alarm);
    CHECK(back->transition == t);
}

TEST_CASE("a bad alarm line is refused naming what is wrong", "[unit][journal]")
{
    std::string why;
    CHECK_FALSE(store::detail::decode_line(R"({"alarm":"acknowledged","id":12})", why));
    CHECK(why.starts_with("bad alarm transition: "));
    CHECK_FALSE(store::detail::decode_line(R"({"something":"else"})", why));
    CHECK(why == "no known key (change, summary, alarm, mark or journal)");
}
