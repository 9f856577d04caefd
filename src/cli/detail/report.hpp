#pragma once
// The human report `wtfd analyze` prints: what was read, what was found, and the summary. Pure
// text from plain data, so its wording is unit-tested.

#include <wtf/core/anomaly.hpp>
#include <wtf/core/time.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wtf::cli::detail {

struct source_report {
    std::string name;   // the file, or "influx http://...: SELECT ..."
    std::string layout; // "wide, ';'-separated, time column datetime, sensor '0' ..."
    std::uint64_t rows = 0;
    std::uint64_t rejected = 0;
    std::optional<std::string> failure; // could not be read
};

struct sensor_report {
    std::string id;
    std::uint64_t readings = 0;
    std::optional<std::chrono::microseconds> dropout_gap; // absent: cadence not known
};

// A sensor's multivariate baseline and what drove its episodes.
struct baseline_report {
    std::string sensor;
    std::string state;          // "learned from its first 400 readings", "still learning ..."
    std::size_t parameters = 0; // modelled (0: none yet)
    std::size_t components = 0;
    double t2_limit = 0.0;
    double q_limit = 0.0;
    // Parameters by their summed share of the sensor's multivariate episodes, largest first.
    std::vector<std::pair<std::string, double>> top;
    std::size_t episodes = 0;
};

struct report {
    std::vector<source_report> sources;
    std::uint64_t readings = 0; // accepted
    std::uint64_t stale = 0;    // out of order or repeated, skipped
    std::optional<std::string> first_stale;
    std::uint64_t untracked = 0;    // values of parameters beyond max_parameters, not judged
    std::size_t max_parameters = 0; // detect.max_parameters
    std::optional<core::timestamp> first;
    std::optional<core::timestamp> last;
    std::vector<sensor_report> sensors;
    std::size_t sensor_count = 0;                 // sensors may hold only the first ones
    std::vector<std::string> parameters;          // with thresholds
    std::vector<std::string> unjudged_parameters; // found, but no [detect.parameters] table
    std::vector<baseline_report> baselines;       // multivariate detector on: the listed sensors'
    std::string dropout_gap; // "auto (5 x each sensor's median interval)", "10 s"
    std::array<std::uint64_t, core::anomaly_kinds.size()> anomalies_by_type{}; // by index_of
    std::uint64_t still_open = 0;
    std::string summary;                    // the text
    std::string summary_source;             // "LLM (model), checked against the anomalies" / "..."
    std::vector<std::string> summary_notes; // what was checked, stripped or left out
    std::vector<std::string> saved;         // files written
};

std::string render(report const& r);

// "1 h 2 min 3 s", "59.5 s", "0 s": durations people read.
std::string human_duration(std::chrono::microseconds d);

} // namespace wtf::cli::detail
