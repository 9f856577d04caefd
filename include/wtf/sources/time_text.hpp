#pragma once
// The timestamps recorded data comes with: RFC 3339 with or without a zone, "YYYY-MM-DD
// hh:mm:ss[.fff]", epoch seconds or epoch milliseconds. A time without a zone is taken as UTC.
//   2025-05-28T00:01:23Z   2025-05-28t00:01:23.25+02:00   2025-05-28 00:01:23-0130
//   2025-05-28 00:01:23    2025-05-28 (midnight UTC)      1748390483   1748390483.5
//   1748390483250 (ms)
// The separator is 'T', 't' or one space; the zone 'Z', 'z', ±hh:mm or ±hhmm. Epoch numbers
// are unsigned decimal digits with an optional fraction (no sign, no exponent). Nothing is
// trimmed: the caller passes the cell's text.

#include <wtf/core/time.hpp>

#include <boost/system/result.hpp>

#include <string_view>

namespace wtf::sources {

// How a plain number is read. `automatic`: an integer part of 12 or more digits is
// milliseconds (1e11 s is the year 5138; 1e11 ms is 1973), anything shorter is seconds.
// At most 12 integer digits of seconds and 15 of milliseconds are accepted.
enum class epoch_unit { automatic, seconds, milliseconds };

// Fails with errc::bad_timestamp, or errc::time_out_of_range for a time outside
// core::time_range_text (epoch seconds of 12 digits, say); never throws. Fractions beyond
// microseconds are truncated.
// Cheap enough to run once per CSV row (no allocation, one pass).
boost::system::result<core::timestamp> parse_time(std::string_view text,
                                                  epoch_unit unit = epoch_unit::automatic) noexcept;

} // namespace wtf::sources
