#pragma once
// Detection thresholds: the operator's [detect] table.

#include <wtf/core/anomaly.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace wtf::detect {

// [detect.parameters.<name>]: thresholds for one measured quantity.
struct parameter_rules {
    std::string name;          // "temperature"
    std::string unit;          // "°C", shown in messages and summaries
    core::band spike;          // outside: spike
    core::band normal;         // outside for longer than drift_duration: drift
    double clear_margin = 0.5; // back inside a band by this much before an episode ends

    bool operator==(parameter_rules const&) const = default;
};

struct settings {
    std::chrono::milliseconds drift_duration{15'000};
    std::chrono::milliseconds dropout_gap{10'000}; // fixed gap, unless dropout_gap_auto
    // dropout_gap_s = "auto": each sensor's gap is dropout_gap_multiple times the median of its
    // recent intervals, for recorded data with its own cadence (one row a minute, a second...).
    // A sensor's cadence is known from its 4th reading; before that it cannot drop out.
    bool dropout_gap_auto = false;
    double dropout_gap_multiple = 5.0;
    std::vector<std::string> expected_sensors; // dropouts from start-up if they never send
    std::vector<parameter_rules> parameters = default_parameters();
    std::size_t max_sensors = 10'000; // more distinct sensor ids are rejected

    // The seed system's thresholds: temperature, pressure and flow.
    static std::vector<parameter_rules> default_parameters();

    bool operator==(settings const&) const = default;
};

} // namespace wtf::detect
