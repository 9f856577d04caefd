#pragma once
// Small text helpers of the alarm module: point keys, operator text checks, durations in words.

#include <wtf/core/anomaly.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace wtf::alarm::detail {

// An unambiguous map key for the point (sensor, parameter, kind): the sensor's length in four
// bytes, the sensor, the parameter, the kind. Written into `out` (cleared first).
void point_key(std::string& out, std::string_view sensor, std::string_view parameter,
               core::anomaly_type type);

// The parts of a key point_key() wrote.
struct point_parts {
    std::string_view sensor_id;
    std::string_view parameter;
    core::anomaly_type type = core::anomaly_type::spike;
};
point_parts split_point_key(std::string_view key) noexcept;

// True when `s` holds a control character (below 0x20, or DEL); tab and newline are allowed
// when `multiline`.
bool has_control(std::string_view s, bool multiline) noexcept;

// "9h", "1h30m", "45s", "2h0m5s": exact, for refusal messages.
void append_duration(std::string& out, std::chrono::seconds d);

// "(wtf-pipe-1, temperature, spike)", or "(wtf-pipe-1, dropout)" without a parameter.
void append_point(std::string& out, std::string_view sensor, std::string_view parameter,
                  core::anomaly_type type);

} // namespace wtf::alarm::detail
