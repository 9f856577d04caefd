#pragma once
// An anomaly episode: one record from its start to its end (an excursion or an outage is one
// anomaly, not one per reading). Serialised with the seed system's fields plus additive ones.

#include <wtf/core/time.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wtf::core {

enum class anomaly_type { spike, drift, dropout };
enum class severity { info, warning, critical };
// What happened to an episode: sinks and observers receive every transition.
enum class anomaly_change { opened, updated, closed };

std::string_view to_string(anomaly_type t) noexcept;
std::string_view to_string(severity s) noexcept;
std::string_view to_string(anomaly_change c) noexcept;
std::optional<anomaly_type> anomaly_type_from(std::string_view text) noexcept;

// The band a value was judged against, for the record and for the LLM prompt.
struct band {
    double low = 0.0;
    double high = 0.0;
    bool contains(double v) const noexcept { return v >= low && v <= high; }
    bool operator==(band const&) const = default;
};

struct anomaly {
    std::uint64_t id = 0; // 1, 2, ... in order of detection, never reused
    anomaly_type type = anomaly_type::spike;
    core::severity severity = core::severity::warning;
    std::string sensor_id;
    std::string parameter;              // empty for sensor-level anomalies (dropout)
    std::string unit;                   // of the parameter, may be empty
    std::string detector = "threshold"; // which detector reported it
    timestamp detected_at;              // seed "timestamp": when the anomaly was confirmed
    timestamp started_at;               // first out-of-band reading / last reading before an outage
    std::optional<timestamp> ended_at;  // set when the episode closed
    std::optional<double> value;        // the value that confirmed it (absent for dropout)
    std::optional<double> peak_value;   // the most extreme value of the episode so far
    std::optional<band> limits;         // the band that was left
    // Seconds the episode had lasted at detection (drift, dropout) and its total once ended.
    std::optional<double> duration_seconds;
    bool never_seen = false; // dropout of an expected sensor that never reported
    // Closed at start-up: wtfd stopped while the episode was open, so it ends at the last
    // reading seen before the stop.
    bool closed_at_restart = false;

    bool active() const noexcept { return !ended_at.has_value(); }
};

// The seed system's message: "Temperature spike detected: 45.2",
// "Pressure drift detected for 16.0s", "Sensor dropout detected".
std::string message(anomaly const& a);

// Appends the anomaly as one JSON object (seed fields first, numbers as people write them).
void append_json(std::string& out, anomaly const& a);

} // namespace wtf::core
