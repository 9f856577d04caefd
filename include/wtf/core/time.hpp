#pragma once
// Time points and RFC 3339 text. All wtfd time is UTC with microsecond resolution.

#include <boost/system/result.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace wtf::core {

using clock = std::chrono::system_clock;
using timestamp = std::chrono::sys_time<std::chrono::microseconds>;
// Seconds as a double, for durations shown to people ("16.0 s").
using seconds_f = std::chrono::duration<double>;

// The times wtfd accepts: every time RFC 3339's four-digit years can write, from
// 0000-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z. Two of them lie at most 3.2e17 µs apart,
// far inside timestamp's int64 (9.2e18), so the difference of two valid times, or a valid time
// plus a duration no longer than max_time_span, cannot overflow. Every entry (HTTP and Redis
// readings, CSV, InfluxDB, the journal) refuses other times with errc::time_out_of_range.
inline constexpr timestamp earliest_time{
    std::chrono::sys_days{std::chrono::year{0} / std::chrono::January / 1}};
inline constexpr timestamp latest_time{
    std::chrono::sys_days{std::chrono::year{9999} / std::chrono::December / 31} +
    std::chrono::days{1} - std::chrono::microseconds{1}};
inline constexpr std::chrono::microseconds max_time_span = latest_time - earliest_time;
inline constexpr std::string_view time_range_text =
    "0000-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z";

constexpr bool in_time_range(timestamp t) noexcept
{
    return t >= earliest_time && t <= latest_time;
}

// The wall clock, truncated to microseconds (and kept inside the valid range).
timestamp now() noexcept;

// Parses "2025-05-28T00:01:23Z", "2025-05-28 00:01:23.5+02:00", lower-case 't'/'z' too.
// A zone is required (Z or ±hh:mm). Fractions beyond microseconds are truncated.
// Fails with errc::bad_timestamp, or errc::time_out_of_range when a zone offset moves the time
// out of the valid range; never throws.
boost::system::result<timestamp> parse_rfc3339(std::string_view text) noexcept;

// Appends UTC text with a 'Z': whole seconds print without a fraction, otherwise with
// 3 or 6 fraction digits ("2025-05-28T00:01:23Z", "2025-05-28T00:01:23.250Z"). A time outside
// the valid range prints as the nearest valid one.
void append_rfc3339(std::string& out, timestamp t);
std::string format_rfc3339(timestamp t);

// "2025-05-28T00:01:23.456789+00:00": Python's datetime.isoformat() of an aware UTC time, as the
// seed system wrote last_data_received (and as Python before 3.11 reads it back); always six
// fraction digits.
std::string format_isoformat(timestamp t);

// `to - from` for any two time points, saturated at the limits of microseconds instead of
// overflowing.
constexpr std::chrono::microseconds elapsed(timestamp from, timestamp to) noexcept
{
    std::chrono::microseconds::rep d = 0;
    if (__builtin_sub_overflow(to.time_since_epoch().count(), from.time_since_epoch().count(), &d))
        return from < to ? std::chrono::microseconds::max() : std::chrono::microseconds::min();
    return std::chrono::microseconds{d};
}

// `t + d`, saturated at the limits of timestamp instead of overflowing.
constexpr timestamp add_saturated(timestamp t, std::chrono::microseconds d) noexcept
{
    std::chrono::microseconds::rep sum = 0;
    if (__builtin_add_overflow(t.time_since_epoch().count(), d.count(), &sum))
        return d.count() > 0 ? timestamp::max() : timestamp::min();
    return timestamp{std::chrono::microseconds{sum}};
}

// Seconds between two time points, as shown in anomalies and status.
constexpr double seconds_between(timestamp from, timestamp to) noexcept
{
    return std::chrono::duration_cast<seconds_f>(elapsed(from, to)).count();
}

} // namespace wtf::core
