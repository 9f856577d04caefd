#pragma once
// How a batch's numbers, times and sensors are written and grouped, shared by the deterministic
// summary, the prompt and the checks, so each writes a fact the way the others read it.

#include <wtf/summarize/batch.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wtf::summarize::detail {

// At most three decimals, trailing zeros dropped but one kept: 45.2, 16.0, 0.125.
std::string value_text(double v);

// Durations show one decimal, as the seed's f"{d:.1f}" did.
std::string seconds_text(double v);

// "45.2°C" but "0.8 bar": degree signs and percent attach, other units take a space.
std::string with_unit(double v, std::string_view unit);

std::string time_text(core::timestamp t);

// The time of day, "14:03:27" (whole seconds), for texts whose times all lie in one UTC day.
std::string clock_text(core::timestamp t);

// ASCII letters in lower case; other bytes as they are.
std::string lowered(std::string_view s);

// How long an episode lasted (or had lasted when last seen), if known.
std::optional<double> episode_seconds(core::anomaly const& a);

// The batch's anomalies per sensor, sensors in order of first appearance.
using sensor_group = std::pair<std::string, std::vector<core::anomaly const*>>;
std::vector<sensor_group> by_sensor(batch const& b);

} // namespace wtf::summarize::detail
