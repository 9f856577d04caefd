#pragma once
// An anomaly episode: one record from its start to its end (an excursion or an outage is one
// anomaly, not one per reading). Serialised with the seed system's fields plus additive ones.

#include <wtf/core/time.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wtf::core {

enum class anomaly_type { spike, drift, dropout };
enum class severity { info, warning, critical };
// What happened to an episode: sinks and observers receive every transition.
enum class anomaly_change { opened, updated, closed };

// How messages and summaries put a kind into words.
enum class wording {
    excursion, // a value at a moment: "Temperature spike detected: 45.2"
    sustained, // a condition that lasted: "Pressure drift detected for 16.0s"
    silence,   // the sensor itself, no parameter: "Sensor dropout detected"
};

// One row per anomaly_type, in enumerator order. Everything that lists the kinds (JSON names
// and parsing, metrics, the OpenAPI enum, messages, summaries, the analyze report) derives from
// this table, so a new kind is one enumerator and one row.
struct anomaly_kind {
    anomaly_type type;
    std::string_view name;   // the JSON "type", a metric label, a query value: "spike"
    std::string_view noun;   // in messages and summaries: "spike"
    std::string_view plural; // in counts: "spikes"
    severity default_severity;
    core::wording wording;

    // False for sensor-level kinds (dropout): no parameter, value or band.
    constexpr bool has_parameter() const noexcept { return wording != wording::silence; }
};

inline constexpr std::array<anomaly_kind, 3> anomaly_kinds{{
    {anomaly_type::spike, "spike", "spike", "spikes", severity::critical, wording::excursion},
    {anomaly_type::drift, "drift", "drift", "drifts", severity::warning, wording::sustained},
    {anomaly_type::dropout, "dropout", "dropout", "dropouts", severity::warning, wording::silence},
}};

// The row of `t`. The switch has no default, so a new enumerator without a row is a
// compile error (-Wswitch, warnings are errors) rather than a silent gap.
constexpr std::size_t index_of(anomaly_type t) noexcept
{
    switch (t) {
    case anomaly_type::spike: return 0;
    case anomaly_type::drift: return 1;
    case anomaly_type::dropout: return 2;
    }
    return anomaly_kinds.size();
}
constexpr anomaly_kind const& kind_of(anomaly_type t) noexcept
{
    return anomaly_kinds[index_of(t)];
}
static_assert(
    [] {
        for (std::size_t i = 0; i < anomaly_kinds.size(); ++i)
            if (index_of(anomaly_kinds[i].type) != i) return false;
        return true;
    }(),
    "anomaly_kinds must list every anomaly_type once, in enumerator order");

inline constexpr std::array<severity, 3> severities{severity::info, severity::warning,
                                                    severity::critical};

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
