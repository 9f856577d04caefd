#include <wtf/core/time.hpp>

#include <catch2/catch.hpp>

using namespace wtf::core;

TEST_CASE("RFC 3339 times parse with Z, offsets and fractions", "[unit]")
{
    auto const base = parse_rfc3339("2025-05-28T00:01:23Z");
    REQUIRE(base.has_value());
    CHECK(format_rfc3339(*base) == "2025-05-28T00:01:23Z");
    CHECK(*parse_rfc3339("2025-05-28T02:01:23+02:00") == *base);
    CHECK(*parse_rfc3339("2025-05-27T23:31:23-00:30") == *base);
    CHECK(*parse_rfc3339("2025-05-28 00:01:23z") == *base);
    CHECK(format_rfc3339(*parse_rfc3339("2025-05-28T00:01:23.25Z")) == "2025-05-28T00:01:23.250Z");
    CHECK(format_rfc3339(*parse_rfc3339("2025-05-28T00:01:23.1234567Z")) ==
          "2025-05-28T00:01:23.123456Z");
}

TEST_CASE("malformed times are refused", "[unit]")
{
    for (auto text : {"", "yesterday", "2025-05-28T00:01:23", "2025-05-28T00:01:23+0200",
                      "2025-02-30T00:00:00Z", "2025-05-28T24:00:00Z", "2025-05-28T00:01:60Z",
                      "2025-05-28T00:01:23.Z", "2025-05-28T00:01:23Zjunk", "2025-5-28T00:01:23Z"}) {
        INFO(text);
        CHECK_FALSE(parse_rfc3339(text).has_value());
    }
}

TEST_CASE("times before 1970 and far ahead format correctly", "[unit]")
{
    CHECK(format_rfc3339(*parse_rfc3339("1969-12-31T23:59:59Z")) == "1969-12-31T23:59:59Z");
    CHECK(format_rfc3339(*parse_rfc3339("2199-01-01T00:00:00.000001Z")) ==
          "2199-01-01T00:00:00.000001Z");
}

TEST_CASE("the seed's isoformat has microseconds and +00:00 always", "[unit]")
{
    using wtf::core::format_isoformat;
    CHECK(format_isoformat(wtf::core::parse_rfc3339("2025-05-28T00:01:23.456789Z").value()) ==
          "2025-05-28T00:01:23.456789+00:00");
    CHECK(format_isoformat(wtf::core::parse_rfc3339("2025-05-28T00:01:23Z").value()) ==
          "2025-05-28T00:01:23.000000+00:00");
    CHECK(format_isoformat(wtf::core::parse_rfc3339("2025-05-28T02:01:23.5+02:00").value()) ==
          "2025-05-28T00:01:23.500000+00:00");
}
