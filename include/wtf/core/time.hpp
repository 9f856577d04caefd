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

// The wall clock, truncated to microseconds.
timestamp now() noexcept;

// Parses "2025-05-28T00:01:23Z", "2025-05-28 00:01:23.5+02:00", lower-case 't'/'z' too.
// A zone is required (Z or ±hh:mm). Fractions beyond microseconds are truncated.
// Fails with errc::bad_timestamp; never throws.
boost::system::result<timestamp> parse_rfc3339(std::string_view text) noexcept;

// Appends UTC text with a 'Z': whole seconds print without a fraction, otherwise with
// 3 or 6 fraction digits ("2025-05-28T00:01:23Z", "2025-05-28T00:01:23.250Z").
void append_rfc3339(std::string& out, timestamp t);
std::string format_rfc3339(timestamp t);

// "2025-05-28T00:01:23.456789+00:00": Python's datetime.isoformat() of an aware UTC time, as the
// seed system wrote last_data_received (and as Python before 3.11 reads it back); always six
// fraction digits.
std::string format_isoformat(timestamp t);

// Seconds between two time points, as shown in anomalies and status.
inline double seconds_between(timestamp from, timestamp to) noexcept
{
    return std::chrono::duration_cast<seconds_f>(to - from).count();
}

} // namespace wtf::core
