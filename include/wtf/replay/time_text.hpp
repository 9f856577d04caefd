#pragma once
// The timestamps recorded data comes with: RFC 3339 with or without a zone, "YYYY-MM-DD
// hh:mm:ss[.fff]", epoch seconds or epoch milliseconds. A time without a zone is taken as UTC.

#include <wtf/core/time.hpp>

#include <boost/system/result.hpp>

#include <string_view>

namespace wtf::replay {

// How a plain number is read. `automatic`: an integer part of 12 or more digits is
// milliseconds (1e11 s is the year 5138; 1e11 ms is 1973), anything shorter is seconds.
enum class epoch_unit { automatic, seconds, milliseconds };

// Fails with errc::bad_timestamp; never throws. Fractions beyond microseconds are truncated.
boost::system::result<core::timestamp> parse_time(std::string_view text,
                                                  epoch_unit unit = epoch_unit::automatic) noexcept;

} // namespace wtf::replay
