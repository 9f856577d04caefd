#include <wtf/core/error.hpp>
#include <wtf/core/time.hpp>
#include <wtf/sources/time_text.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace {

using namespace std::chrono_literals;
using wtf::sources::epoch_unit;
using wtf::sources::parse_time;

wtf::core::timestamp at(std::string_view rfc3339)
{
    return wtf::core::parse_rfc3339(rfc3339).value();
}

// The time `text` means, printed in RFC 3339 UTC so a failure shows both sides readably.
std::string read(std::string_view text, epoch_unit unit = epoch_unit::automatic)
{
    auto const t = parse_time(text, unit);
    if (!t) return "error: " + t.error().message();
    return wtf::core::format_rfc3339(*t);
}

void require_refused(std::string_view text, epoch_unit unit = epoch_unit::automatic)
{
    INFO("text: '" << text << "'");
    auto const t = parse_time(text, unit);
    REQUIRE_FALSE(t.has_value());
    CHECK(t.error() == wtf::make_error_code(wtf::errc::bad_timestamp));
}

} // namespace

TEST_CASE("RFC 3339 times with a zone are read as core::parse_rfc3339 reads them", "[unit][replay]")
{
    for (std::string_view text :
         {"2025-05-28T00:01:23Z", "2025-05-28t00:01:23z", "2025-05-28 00:01:23Z",
          "2025-05-28T02:01:23+02:00", "2025-05-27T22:31:23-01:30", "2025-05-28T00:01:23.250Z"}) {
        INFO(text);
        CHECK(parse_time(text).value() == wtf::core::parse_rfc3339(text).value());
    }
    CHECK(read("2025-05-28T02:01:23+02:00") == "2025-05-28T00:01:23Z");
    CHECK(read("2025-05-27T22:31:23-01:30") == "2025-05-28T00:01:23Z");
}

TEST_CASE("Times without a zone are UTC, with 'T' or a space", "[unit][replay]")
{
    CHECK(read("2025-05-28T00:01:23") == "2025-05-28T00:01:23Z");
    CHECK(read("2020-03-09 10:14:33") == "2020-03-09T10:14:33Z");
    CHECK(read("2020-03-09 10:14:33.5") == "2020-03-09T10:14:33.500Z");
}

TEST_CASE("Offsets may be written without a colon", "[unit][replay]")
{
    CHECK(read("2025-05-28T02:01:23+0200") == "2025-05-28T00:01:23Z");
    CHECK(read("2025-05-28 00:01:23.25-0030") == "2025-05-28T00:31:23.250Z");
}

TEST_CASE("A date alone is midnight UTC", "[unit][replay]")
{
    CHECK(read("2024-02-29") == "2024-02-29T00:00:00Z");
}

TEST_CASE("Fractions keep microseconds and truncate the rest", "[unit][replay]")
{
    CHECK(parse_time("2025-05-28T00:01:23.1Z").value() == at("2025-05-28T00:01:23Z") + 100ms);
    CHECK(parse_time("2025-05-28T00:01:23.123456789").value() ==
          at("2025-05-28T00:01:23Z") + 123456us);
}

TEST_CASE("Short numbers are epoch seconds, with or without a fraction", "[unit][replay]")
{
    CHECK(read("0") == "1970-01-01T00:00:00Z");
    CHECK(read("1748390483") == "2025-05-28T00:01:23Z");
    CHECK(read("1748390483.25") == "2025-05-28T00:01:23.250Z");
    CHECK(parse_time("1748390483.0000019").value() == at("2025-05-28T00:01:23Z") + 1us);
    CHECK(read("99999999999") == "5138-11-16T09:46:39Z"); // 11 digits: still seconds
}

TEST_CASE("Numbers of 12 or more integer digits are epoch milliseconds", "[unit][replay]")
{
    CHECK(read("1748390483250") == "2025-05-28T00:01:23.250Z");
    CHECK(read("100000000000") == "1973-03-03T09:46:40Z");
    CHECK(parse_time("1748390483250.5").value() == at("2025-05-28T00:01:23.250Z") + 500us);
}

TEST_CASE("An explicit epoch unit overrides the digit count", "[unit][replay]")
{
    CHECK(read("1748390483250", epoch_unit::milliseconds) == "2025-05-28T00:01:23.250Z");
    CHECK(read("1748390483", epoch_unit::milliseconds) == "1970-01-21T05:39:50.483Z");
    CHECK(read("100000000000", epoch_unit::seconds) == "5138-11-16T09:46:40Z");
    CHECK(read("1.5", epoch_unit::seconds) == "1970-01-01T00:00:01.500Z");
}

TEST_CASE("Garbage, signs, exponents and bad fields are refused", "[unit][replay]")
{
    for (std::string_view text : {"",
                                  "yesterday",
                                  " 2025-05-28T00:01:23Z",
                                  "2025-05-28T00:01:23Z ",
                                  "2025-13-01",
                                  "2025-02-30T00:00:00Z",
                                  "2025-05-28T24:00:00Z",
                                  "2025-05-28T00:60:00Z",
                                  "2025-05-28T00:00:60Z",
                                  "2025-05-28T00:01:23.Z",
                                  "2025-05-28T00:01:23+2",
                                  "2025-05-28T00:01:23+02:0",
                                  "2025-05-28T00:01:23+25:00",
                                  "2025-05-28T00:01:23 UTC",
                                  "2025-05-28X00:01:23",
                                  "2025-05-28T00:01",
                                  "25-05-28",
                                  "2025/05/28 00:01:23",
                                  "-1748390483",
                                  "+1748390483",
                                  "1.7e9",
                                  "1748390483.",
                                  ".5",
                                  "17483 90483",
                                  "0x10",
                                  "12345678901234567"}) {
        require_refused(text);
    }
    require_refused(std::string_view{"1748390483\0", 11});
    require_refused(std::string_view{"2025-05-28T00:01:23\0Z", 21});
}

TEST_CASE("Epoch numbers too large for microseconds are refused, not wrapped", "[unit][replay]")
{
    require_refused("1234567890123", epoch_unit::seconds);         // 13 digits of seconds
    require_refused("1234567890123456", epoch_unit::milliseconds); // 16 digits of milliseconds
    require_refused("9999999999999999");
}

TEST_CASE("Epoch numbers beyond the year 9999 are refused as out of range", "[unit][replay]")
{
    // Twelve digits of seconds or fifteen of milliseconds reach the year 33658, which fits in
    // microseconds but not in the valid time range (core::time_range_text).
    for (std::string_view text : {"999999999999999.999", "253402300800000"}) {
        INFO(text);
        auto const t = parse_time(text);
        REQUIRE_FALSE(t.has_value());
        CHECK(t.error() == wtf::make_error_code(wtf::errc::time_out_of_range));
    }
    auto const seconds = parse_time("999999999999.999999", epoch_unit::seconds);
    REQUIRE_FALSE(seconds.has_value());
    CHECK(seconds.error() == wtf::make_error_code(wtf::errc::time_out_of_range));
    CHECK(read("253402300799.999999", epoch_unit::seconds) == "9999-12-31T23:59:59.999999Z");
    CHECK(read("253402300799999") == "9999-12-31T23:59:59.999Z");
    CHECK(read("0000-01-01 00:00:00") == "0000-01-01T00:00:00Z");
    CHECK(parse_time("0000-01-01 00:00:00+00:01").error() ==
          wtf::make_error_code(wtf::errc::time_out_of_range));
}
