// A CSV cell as a number: the fast path for plain decimals must give exactly what
// std::from_chars gives, bit for bit, and leave everything else to it.

#include "sources/detail/csv_number.hpp"
#include "sources/detail/csv_text.hpp"

#include <catch2/catch.hpp>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>

using wtf::sources::detail::number_status;
using wtf::sources::detail::parse_number;

namespace {

// std::from_chars's verdict on `text` (after an optional '+'), as parse_number reports it.
struct verdict {
    number_status status;
    std::uint64_t bits;
    bool operator==(verdict const&) const = default;
};

verdict reference(std::string const& text)
{
    std::string_view s = text;
    if (!s.empty() && s.front() == '+') {
        s.remove_prefix(1);
        if (!s.empty() && s.front() == '-') return {number_status::not_a_number, 0};
    }
    double value = 0.0;
    auto const [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec == std::errc::invalid_argument || end != s.data() + s.size())
        return {number_status::not_a_number, 0};
    if (ec == std::errc::result_out_of_range) return {number_status::out_of_range, 0};
    if (!std::isfinite(value)) return {number_status::not_finite, 0};
    return {number_status::ok, std::bit_cast<std::uint64_t>(value)};
}

verdict parsed(std::string const& text)
{
    double value = 0.0;
    auto const status = parse_number(text, value);
    return {status, status == number_status::ok ? std::bit_cast<std::uint64_t>(value) : 0};
}

} // namespace

TEST_CASE("Plain decimals read exactly as std::from_chars reads them, bit for bit", "[unit]")
{
    std::mt19937_64 random{20261203};
    std::uniform_int_distribution<int> length{1, 19};
    std::uniform_int_distribution<int> digit{0, 9};
    std::uniform_int_distribution<int> coin{0, 3};
    for (int n = 0; n < 200'000; ++n) {
        // Up to 19 digits, so both sides of the 15-digit fast path are tried, with or without a
        // sign and a point anywhere (leading, trailing, inside).
        std::string text;
        if (coin(random) == 0) text += '-';
        int const digits = length(random);
        int const point =
            coin(random) == 0 ? -1 : std::uniform_int_distribution<int>{0, digits}(random);
        for (int i = 0; i < digits; ++i) {
            if (i == point) text += '.';
            text += static_cast<char>('0' + digit(random));
        }
        if (point == digits) text += '.';
        INFO(text);
        REQUIRE(parsed(text) == reference(text));
    }
}

TEST_CASE(
    "Numbers off the fast path (exponents, long digit runs, specials, bad cells) are from_chars's",
    "[unit]")
{
    // clang-format off
    for (std::string const text :
         {"0", "-0", "+0", "0.", ".5", "-.5", "+.5", "1.", "000123.4500", "20.0", "-273.15",
          "999999999999999", "9999999999999999", "12345678901234567890", "0.1", "0.3",
          "123456.789012345", "1234567.89012345678", "1e5", "1E-5", "-2.5e+3", "1e308", "1e309",
          "-1e309", "4.9e-324", "1e-400", "nan", "inf", "-inf", "infinity", "", "-", "+", ".",
          "-.", "1.2.3", "1..2", "+-1", "--1", "1-", " 1", "1 ", "0x10", "1,5", "\u0661"}) {
        // clang-format on
        INFO(text);
        CHECK(parsed(text) == reference(text));
    }
    CHECK(parsed("20.5").status == number_status::ok);
    CHECK(parsed("1e309").status == number_status::out_of_range);
    CHECK(parsed("nan").status == number_status::not_finite);
    CHECK(parsed("+-1").status == number_status::not_a_number);
}

TEST_CASE("Text checks take ASCII eight bytes at a time and still find every bad byte", "[unit]")
{
    using wtf::sources::detail::is_text;
    std::string const ascii = "wtf-pipe-0123456789-abcdefghij"; // 30 bytes: words and a tail
    CHECK(is_text(ascii));
    CHECK(is_text(""));
    CHECK(is_text("plant/étage-2/débit")); // UTF-8 after a run of ASCII
    for (std::size_t at = 0; at < ascii.size(); ++at) {
        INFO(at);
        auto with = [&](std::string_view bytes) {
            auto s = ascii;
            s.replace(at, bytes.size(), bytes);
            return s;
        };
        CHECK_FALSE(is_text(with(std::string_view{"\0", 1})));
        CHECK_FALSE(is_text(with("\xff")));
        CHECK_FALSE(is_text(with("\xc3")));     // a lead byte without its continuation
        CHECK_FALSE(is_text(with("\xc0\xaf"))); // overlong
        CHECK(is_text(with("\xc3\xa9")));       // é
        CHECK(is_text(with("\x7f")));           // DEL is ASCII text
    }
}
