#include <wtf/core/error.hpp>
#include <wtf/sources/time_text.hpp>

#include <chrono>
#include <cstdint>

namespace wtf::sources {

namespace {

using namespace std::chrono;

// Hand-written rather than core::parse_rfc3339 plus a fallback: this runs once per CSV row,
// and one pass that makes the zone optional costs no more than the strict parse alone.

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at `pos`; false when any is missing or not a digit.
bool read_digits(std::string_view s, std::size_t pos, std::size_t n, int& out) noexcept
{
    if (pos + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        char const c = s[pos + i];
        if (!is_digit(c)) return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}

// "YYYY-MM-DD", then optionally a 'T', 't' or ' ' and "hh:mm:ss[.f...]", then optionally
// 'Z', 'z', "±hh:mm" or "±hhmm". No zone means UTC.
boost::system::result<core::timestamp> parse_date_time(std::string_view s) noexcept
{
    auto const bad = make_error_code(errc::bad_timestamp);
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (!read_digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !read_digits(s, 5, 2, mo) ||
        s[7] != '-' || !read_digits(s, 8, 2, d))
        return bad;
    auto const date = year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)};
    if (!date.ok()) return bad;
    if (s.size() == 10) return core::timestamp{sys_days{date}};

    if (s.size() < 19 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        !read_digits(s, 11, 2, h) || s[13] != ':' || !read_digits(s, 14, 2, mi) || s[16] != ':' ||
        !read_digits(s, 17, 2, sec))
        return bad;
    // 60 would be a leap second; system_clock has none, so it is refused rather than shifted.
    if (h > 23 || mi > 59 || sec > 59) return bad;

    std::size_t pos = 19;
    std::int64_t micros = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        std::size_t digits = 0;
        while (pos < s.size() && is_digit(s[pos])) {
            if (digits < 6) micros = micros * 10 + (s[pos] - '0');
            ++digits;
            ++pos;
        }
        if (digits == 0) return bad;
        for (std::size_t i = digits; i < 6; ++i) micros *= 10;
    }

    minutes offset{0};
    if (pos < s.size()) {
        char const z = s[pos];
        if (z == 'Z' || z == 'z') {
            ++pos;
        } else if (z == '+' || z == '-') {
            int oh = 0, om = 0;
            if (!read_digits(s, pos + 1, 2, oh)) return bad;
            pos += 3;
            if (pos < s.size() && s[pos] == ':') ++pos;
            if (!read_digits(s, pos, 2, om) || oh > 23 || om > 59) return bad;
            pos += 2;
            offset = hours{oh} + minutes{om};
            if (z == '-') offset = -offset;
        } else {
            return bad;
        }
    }
    if (pos != s.size()) return bad;

    auto const t = sys_days{date} + hours{h} + minutes{mi} + seconds{sec} + microseconds{micros};
    return core::timestamp{t - offset};
}

// Digits with an optional fraction: "1716854400", "1716854400.25", "1716854400123".
boost::system::result<core::timestamp> parse_epoch(std::string_view s, epoch_unit unit) noexcept
{
    auto const bad = make_error_code(errc::bad_timestamp);
    std::size_t pos = 0;
    std::int64_t whole = 0;
    while (pos < s.size() && is_digit(s[pos])) {
        // Longer numbers are refused rather than overflowed (see the limits below).
        if (pos == 16) return bad;
        whole = whole * 10 + (s[pos] - '0');
        ++pos;
    }
    std::size_t const int_digits = pos;
    if (int_digits == 0) return bad;

    if (unit == epoch_unit::automatic)
        unit = int_digits >= 12 ? epoch_unit::milliseconds : epoch_unit::seconds;
    // At most 12 digits of seconds or 15 of milliseconds (both about the year 33658): far
    // beyond any recording, and inside int64 microseconds (9.2e18).
    if (int_digits > (unit == epoch_unit::seconds ? 12U : 15U)) return bad;
    std::size_t const fraction_digits = unit == epoch_unit::seconds ? 6 : 3;

    std::int64_t fraction = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        std::size_t digits = 0;
        while (pos < s.size() && is_digit(s[pos])) {
            if (digits < fraction_digits) fraction = fraction * 10 + (s[pos] - '0');
            ++digits;
            ++pos;
        }
        if (digits == 0) return bad;
        for (std::size_t i = digits; i < fraction_digits; ++i) fraction *= 10;
    }
    if (pos != s.size()) return bad;

    auto const micros =
        unit == epoch_unit::seconds ? whole * 1'000'000 + fraction : whole * 1'000 + fraction;
    return core::timestamp{microseconds{micros}};
}

} // namespace

boost::system::result<core::timestamp> parse_time(std::string_view text, epoch_unit unit) noexcept
{
    // A date has its first '-' at index 4; a plain number has none.
    auto const t =
        text.size() >= 10 && text[4] == '-' ? parse_date_time(text) : parse_epoch(text, unit);
    // Twelve digits of epoch seconds reach the year 33658; a zone can push 0000-01-01 back.
    if (t && !core::in_time_range(*t)) return make_error_code(errc::time_out_of_range);
    return t;
}

} // namespace wtf::sources
