#pragma once
// What one summary describes: the anomalies of a window, and what the prompt and the checks know
// of each parameter. Plain data shared by the prompt, the deterministic summary and the checks.

#include <wtf/core/anomaly.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace wtf::summarize {

// What the prompt and the check know of a parameter: its unit and bands.
struct parameter_info {
    std::string name;
    std::string unit;
    core::band normal;
    core::band spike;
};

// The anomalies one summary describes, most severe and newest first when cut to max_buffer.
struct batch {
    core::timestamp window_start;
    core::timestamp window_end;
    std::vector<core::anomaly> anomalies; // in time order (detected_at)
    std::size_t left_out = 0;             // anomalies in the window not included
};

} // namespace wtf::summarize
