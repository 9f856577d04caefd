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
#include <vector>

namespace wtf::core {

enum class anomaly_type {
    spike,
    drift,
    dropout,
    implausible,  // outside the physically possible range
    jump,         // a rate of change no process of the kind has
    flatline,     // stuck: no change while the sensor keeps reporting
    deviation,    // unusual for this series while inside its bands
    multivariate, // the parameters of one sensor, together, left their learned normal operation
};
enum class severity { info, warning, critical };
// What happened to an episode: sinks and observers receive every transition.
enum class anomaly_change { opened, updated, closed };
// Whom to send: a technician with a calibrator (a failing instrument) or an operator (the plant
// itself changed).
enum class cause { instrument, process };

// How messages and summaries put a kind into words.
enum class wording {
    excursion, // a value at a moment: "Temperature spike detected: 45.2"
    sustained, // a condition that lasted: "Pressure drift detected for 16.0s"
    silence,   // the sensor itself, no parameter: "Sensor dropout detected"
    joint,     // several parameters at once: "Multivariate anomaly detected: flow, pressure"
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
    // The cause an anomaly of this kind has unless its detector finds otherwise.
    core::cause default_cause;
    // The seed's kinds: their names already say what they are, so summaries word their cause
    // only when it is not the default one.
    bool cause_implied;

    // False for sensor-level kinds (dropout): no parameter, value or band.
    constexpr bool has_parameter() const noexcept { return wording != wording::silence; }
};

inline constexpr std::array<anomaly_kind, 8> anomaly_kinds{{
    {anomaly_type::spike, "spike", "spike", "spikes", severity::critical, wording::excursion,
     cause::process, true},
    {anomaly_type::drift, "drift", "drift", "drifts", severity::warning, wording::sustained,
     cause::process, true},
    {anomaly_type::dropout, "dropout", "dropout", "dropouts", severity::warning, wording::silence,
     cause::instrument, true},
    {anomaly_type::implausible, "implausible", "implausible value", "implausible values",
     severity::warning, wording::excursion, cause::instrument, false},
    {anomaly_type::jump, "jump", "jump", "jumps", severity::warning, wording::excursion,
     cause::instrument, false},
    {anomaly_type::flatline, "flatline", "flatline", "flatlines", severity::warning,
     wording::sustained, cause::instrument, false},
    {anomaly_type::deviation, "deviation", "deviation", "deviations", severity::warning,
     wording::excursion, cause::process, false},
    {anomaly_type::multivariate, "multivariate", "multivariate anomaly", "multivariate anomalies",
     severity::warning, wording::joint, cause::process, false},
}};

// The row of `t`. The switch has no default, so a new enumerator without a row is a
// compile error (-Wswitch, warnings are errors) rather than a silent gap.
constexpr std::size_t index_of(anomaly_type t) noexcept
{
    switch (t) {
    case anomaly_type::spike: return 0;
    case anomaly_type::drift: return 1;
    case anomaly_type::dropout: return 2;
    case anomaly_type::implausible: return 3;
    case anomaly_type::jump: return 4;
    case anomaly_type::flatline: return 5;
    case anomaly_type::deviation: return 6;
    case anomaly_type::multivariate: return 7;
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
std::string_view to_string(cause c) noexcept;
std::optional<anomaly_type> anomaly_type_from(std::string_view text) noexcept;
std::optional<cause> cause_from(std::string_view text) noexcept;

// The band a value was judged against, for the record and for the LLM prompt.
struct band {
    double low = 0.0;
    double high = 0.0;
    bool contains(double v) const noexcept { return v >= low && v <= high; }
    bool operator==(band const&) const = default;
};

// Why a detector gave its cause, for machines: a short basis ("one_reading", "returned",
// "residual", "together", ...), the figures it rests on ("q_ratio": 3.1, "moving": 1) and, for
// detectors that end episodes in more than one way, how it ended ("calm", "settled").
struct evidence {
    struct figure {
        std::string name;
        double value = 0.0;
        bool operator==(figure const&) const = default;
    };
    std::string basis; // empty: none given
    std::vector<figure> figures;
    std::string end;

    bool operator==(evidence const&) const = default;
};

// A parameter's share of a multivariate statistic (shares of one anomaly sum to at most 1).
struct contribution {
    std::string parameter;
    double share = 0.0;
    bool operator==(contribution const&) const = default;
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
    // Instrument or process, and why (the detectors beyond the seed's fill in the evidence).
    core::cause cause = core::cause::process;
    core::evidence evidence;
    // The statistic that tripped the detector at its peak and the limit it was judged against
    // (deviation: |z|; jump: change per second; flatline: seconds unchanged; multivariate: its
    // statistic over the calibrated limit). Absent for band and dropout anomalies.
    std::optional<double> score;
    std::optional<double> threshold;
    // Multivariate: which parameters drove it, largest share first.
    std::vector<contribution> contributions;

    bool active() const noexcept { return !ended_at.has_value(); }
};

// The seed system's message: "Temperature spike detected: 45.2",
// "Pressure drift detected for 16.0s", "Sensor dropout detected".
std::string message(anomaly const& a);

// Appends the anomaly as one JSON object (seed fields first, numbers as people write them).
void append_json(std::string& out, anomaly const& a);

} // namespace wtf::core
