#include <wtf/core/error.hpp>
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

TEST_CASE("the valid range is every time RFC 3339's four-digit years can write", "[unit]")
{
    CHECK(format_rfc3339(earliest_time) == "0000-01-01T00:00:00Z");
    CHECK(format_rfc3339(latest_time) == "9999-12-31T23:59:59.999999Z");
    CHECK(*parse_rfc3339("0000-01-01T00:00:00Z") == earliest_time);
    CHECK(*parse_rfc3339("9999-12-31T23:59:59.999999Z") == latest_time);
    CHECK(in_time_range(earliest_time));
    CHECK_FALSE(in_time_range(earliest_time - std::chrono::microseconds{1}));
    CHECK_FALSE(in_time_range(latest_time + std::chrono::microseconds{1}));
}

TEST_CASE("a zone offset that moves a time out of the range is refused", "[unit]")
{
    auto const early = parse_rfc3339("0000-01-01T00:30:00+01:00");
    REQUIRE(early.has_error());
    CHECK(early.error() == wtf::errc::time_out_of_range);
    auto const late = parse_rfc3339("9999-12-31T23:30:00-01:00");
    REQUIRE(late.has_error());
    CHECK(late.error() == wtf::errc::time_out_of_range);
    CHECK(late.error().message().find("0000-01-01T00:00:00Z to 9999-12-31") != std::string::npos);
}

TEST_CASE("times at the limits of the representation format as the nearest valid time", "[unit]")
{
    // Issue 11: floor<days> of these overflowed (UBSan) when formatting an InfluxDB time.
    CHECK(format_rfc3339(timestamp::min()) == "0000-01-01T00:00:00Z");
    CHECK(format_rfc3339(timestamp::max()) == "9999-12-31T23:59:59.999999Z");
}

TEST_CASE("differences and sums of time points saturate instead of overflowing", "[unit]")
{
    using std::chrono::microseconds;
    CHECK(elapsed(timestamp::min(), timestamp::max()) == microseconds::max());
    CHECK(elapsed(timestamp::max(), timestamp::min()) == microseconds::min());
    CHECK(elapsed(earliest_time, latest_time) == max_time_span);
    CHECK(add_saturated(timestamp::max(), microseconds{1}) == timestamp::max());
    CHECK(add_saturated(timestamp::min(), microseconds{-1}) == timestamp::min());
    CHECK(add_saturated(latest_time, max_time_span) > latest_time);
    CHECK(seconds_between(timestamp::min(), timestamp::max()) > 9e12);
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
