#include <wtf/core/error.hpp>
#include <wtf/core/time.hpp>

#include <algorithm>
#include <array>

namespace wtf::core {

namespace {

using namespace std::chrono;

// Reads exactly `n` digits at `pos`; false when any is not a digit.
bool read_digits(std::string_view s, std::size_t pos, std::size_t n, int& out) noexcept
{
    if (pos + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        char c = s[pos + i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}

void append_digits(std::string& out, long long v, int width)
{
    std::array<char, 24> buf{};
    int i = static_cast<int>(buf.size());
    for (int w = 0; w < width || v > 0; ++w) {
        buf[static_cast<std::size_t>(--i)] = static_cast<char>('0' + v % 10);
        v /= 10;
    }
    out.append(buf.data() + i, buf.size() - static_cast<std::size_t>(i));
}

// "2025-05-28T08:30:00" of `time`, clamped into the valid range (floor<days> of a time near the
// limits of int64 would overflow); returns its microseconds within the second.
long long append_date_time(std::string& out, timestamp time)
{
    auto const t = std::clamp(time, earliest_time, latest_time);
    auto const day_start = floor<days>(t);
    year_month_day const ymd{day_start};
    hh_mm_ss const hms{t - day_start};
    append_digits(out, static_cast<int>(ymd.year()), 4);
    out += '-';
    append_digits(out, static_cast<unsigned>(ymd.month()), 2);
    out += '-';
    append_digits(out, static_cast<unsigned>(ymd.day()), 2);
    out += 'T';
    append_digits(out, hms.hours().count(), 2);
    out += ':';
    append_digits(out, hms.minutes().count(), 2);
    out += ':';
    append_digits(out, hms.seconds().count(), 2);
    return hms.subseconds().count();
}

} // namespace

timestamp now() noexcept
{
    return std::clamp(floor<microseconds>(clock::now()), earliest_time, latest_time);
}

boost::system::result<timestamp> parse_rfc3339(std::string_view s) noexcept
{
    auto const bad = make_error_code(errc::bad_timestamp);
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    // YYYY-MM-DDThh:mm:ss
    if (s.size() < 20 || !read_digits(s, 0, 4, y) || s[4] != '-' || !read_digits(s, 5, 2, mo) ||
        s[7] != '-' || !read_digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        !read_digits(s, 11, 2, h) || s[13] != ':' || !read_digits(s, 14, 2, mi) || s[16] != ':' ||
        !read_digits(s, 17, 2, sec))
        return bad;

    auto const date = year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)};
    // 60 would be a leap second; system_clock has none, so it is refused rather than shifted.
    if (!date.ok() || h > 23 || mi > 59 || sec > 59) return bad;

    std::size_t pos = 19;
    long long micros = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        std::size_t digits = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (digits < 6) micros = micros * 10 + (s[pos] - '0');
            ++digits;
            ++pos;
        }
        if (digits == 0) return bad;
        for (std::size_t i = digits; i < 6; ++i) micros *= 10;
    }

    minutes offset{0};
    if (pos == s.size()) return bad; // a zone is required: local time would be a guess
    if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
        int oh = 0, om = 0;
        if (!read_digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
            !read_digits(s, pos + 4, 2, om) || oh > 23 || om > 59)
            return bad;
        offset = hours{oh} + minutes{om};
        if (s[pos] == '-') offset = -offset;
        pos += 6;
    } else {
        return bad;
    }
    if (pos != s.size()) return bad;

    auto t = sys_days{date} + hours{h} + minutes{mi} + seconds{sec} + microseconds{micros};
    timestamp const utc{t - offset};
    // "0000-01-01T00:30:00+01:00" is well-formed but lies before year 0.
    if (!in_time_range(utc)) return make_error_code(errc::time_out_of_range);
    return utc;
}

void append_rfc3339(std::string& out, timestamp time)
{
    auto const micros = append_date_time(out, time);
    if (micros != 0) {
        out += '.';
        if (micros % 1000 == 0) {
            append_digits(out, micros / 1000, 3);
        } else {
            append_digits(out, micros, 6);
        }
    }
    out += 'Z';
}

std::string format_rfc3339(timestamp t)
{
    std::string out;
    append_rfc3339(out, t);
    return out;
}

std::string format_isoformat(timestamp time)
{
    std::string out;
    out.reserve(32);
    auto const micros = append_date_time(out, time);
    out += '.';
    append_digits(out, micros, 6);
    out += "+00:00";
    return out;
}

} // namespace wtf::core
