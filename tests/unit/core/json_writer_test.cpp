#include <wtf/core/json_writer.hpp>
#include <wtf/core/utf8.hpp>

#include <catch2/catch.hpp>

#include <limits>

using wtf::core::append_json_number;
using wtf::core::append_json_string;

namespace {

std::string number(double v)
{
    std::string s;
    append_json_number(s, v);
    return s;
}

} // namespace

TEST_CASE("numbers print the way people write them", "[unit]")
{
    CHECK(number(45.2) == "45.2");
    CHECK(number(16.0) == "16.0");
    CHECK(number(0.1) == "0.1");
    CHECK(number(-3.5) == "-3.5");
    CHECK(number(0.0) == "0.0");
    CHECK(number(1234567.0) == "1234567.0");
    CHECK(number(1e21) == "1e+21");
}

TEST_CASE("non-finite numbers print as null", "[unit]")
{
    CHECK(number(std::numeric_limits<double>::infinity()) == "null");
    CHECK(number(std::numeric_limits<double>::quiet_NaN()) == "null");
}

TEST_CASE("strings are escaped and UTF-8 passes through", "[unit]")
{
    std::string s;
    append_json_string(s, "a\"b\\c\nd\x01 °C");
    CHECK(s == "\"a\\\"b\\\\c\\nd\\u0001 °C\"");
}

TEST_CASE("bytes that are not UTF-8 become \\ufffd, so the document stays valid", "[unit]")
{
    std::string s;
    // Issue 11: the percent-decoded key of GET /anomalies?%FF=1 was echoed as a raw 0xFF.
    append_json_string(s, "query parameter '\xFF' \xE2\x82 \xC0\xAF \xE2\x82\xAC");
    CHECK(s == "\"query parameter '\\ufffd' \\ufffd\\ufffd \\ufffd\\ufffd \xE2\x82\xAC\"");
    CHECK(wtf::core::is_valid_utf8(s));
}

TEST_CASE("the writer places commas between members and elements", "[unit]")
{
    std::string s;
    wtf::core::json_writer w{s};
    w.begin_object();
    w.member("a", 1);
    w.key("list");
    w.begin_array();
    w.value(1.5);
    w.value("x");
    w.null();
    w.begin_object();
    w.end_object();
    w.end_array();
    w.member("ok", true);
    w.end_object();
    CHECK(s == R"({"a":1,"list":[1.5,"x",null,{}],"ok":true})");
}
