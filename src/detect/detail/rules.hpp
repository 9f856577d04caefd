#pragma once
// The detector's plug-in surface. A rule keeps its own state and reports episodes through an
// episode_reporter; the detector owns the rules, routes readings and the clock to them, and
// assigns ids. A series rule is a class with observe() and interrupt() listed in
// series_rules.hpp; a sensor rule implements sensor_rule and is one line in detector.cpp.
//
// One excursion is one anomaly: the rules of a series run in a fixed order (implausible, spike,
// drift, then jump, flatline and deviation) and a value a rule owns (it is outside that rule's
// band, or that rule's episode is open) is left alone by the rules after it and by the
// multivariate detector.

#include <wtf/core/anomaly.hpp>
#include <wtf/core/reading.hpp>
#include <wtf/detect/detector.hpp>
#include <wtf/detect/settings.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

namespace wtf::detect::detail {

// Counts and forwards episode transitions for the rules of one sensor.
class episode_reporter {
public:
    episode_reporter(std::uint64_t& next_id, std::size_t& active_total, std::size_t& active_sensor,
                     std::uint64_t& baselines_version, event_sink& out) noexcept
        : next_id_{next_id},
          active_total_{active_total},
          active_sensor_{active_sensor},
          baselines_version_{baselines_version},
          out_{out}
    {}

    // Gives `a` the next id and reports it opened.
    void open(core::anomaly& a)
    {
        a.id = next_id_++;
        ++active_total_;
        ++active_sensor_;
        out_.on_anomaly(core::anomaly_change::opened, a);
    }

    void update(core::anomaly const& a) { out_.on_anomaly(core::anomaly_change::updated, a); }

    // A sensor's baseline changed (learned, refit, forgotten, loaded).
    void baseline(std::string_view sensor_id, baseline_note const& note)
    {
        ++baselines_version_;
        out_.on_baseline(sensor_id, note);
    }

    // Records the end and the episode's total duration, and reports it closed.
    void close(core::anomaly& a, core::timestamp end)
    {
        a.ended_at = end;
        a.duration_seconds = core::seconds_between(a.started_at, end);
        --active_total_;
        --active_sensor_;
        out_.on_anomaly(core::anomaly_change::closed, a);
    }

private:
    std::uint64_t& next_id_;
    std::size_t& active_total_;
    std::size_t& active_sensor_;
    std::uint64_t& baselines_version_;
    event_sink& out_;
};

// What a series rule knows of its series on each call. `rules` is null when the parameter has
// no configured thresholds (it may gain some on reload).
struct series_context {
    std::string_view sensor_id;
    std::string_view parameter;
    parameter_rules const* rules;
    settings const& config;
    bool owned = false; // a rule before this one owns the value
};

// What the series rules made of one value of a reading, for the multivariate detector: which of
// the sensor's series it is (an index that stays the series' for the sensor's life) and whether
// a series rule owns the value.
struct value_note {
    // A value of a new parameter beyond the sensor's max_parameters: no series, not judged.
    static constexpr std::uint32_t untracked = 0xffffffff;

    std::uint32_t series = 0;
    bool owned = false;
};

// How long this sensor may stay silent: the fixed dropout gap, or its own with "auto" (absent
// while its cadence is not known yet).
using silence_limit = std::optional<std::chrono::microseconds>;

// One instance per sensor; sees each of its readings and every clock tick.
class sensor_rule {
public:
    virtual ~sensor_rule() = default;
    virtual void observe(core::reading const& r, silence_limit gap, episode_reporter& report) = 0;
    virtual void advance(core::timestamp now, std::string_view sensor_id, silence_limit gap,
                         episode_reporter& report) = 0;
};

// A new anomaly of a series rule: type, severity and cause from the kind's row, the series'
// sensor, parameter and unit, detected and started at `t` with `value`.
core::anomaly series_anomaly(core::anomaly_type type, series_context const& ctx, core::timestamp t,
                             double value);

// An open episode of a series rule lives on the heap: a closed one costs a pointer, not a
// whole anomaly, in every series of every sensor.
using episode = std::unique_ptr<core::anomaly>;

inline episode open_episode(core::anomaly a)
{
    return std::make_unique<core::anomaly>(std::move(a));
}

// `silent_since`: when the sensor became expected without having reported (roster sensors).
std::unique_ptr<sensor_rule> make_dropout_rule(std::optional<core::timestamp> silent_since);

// How far `v` lies outside `b` (0 inside): what makes one excursion value "more extreme".
inline double excess(double v, core::band const& b) noexcept
{
    if (v < b.low) return b.low - v;
    if (v > b.high) return v - b.high;
    return 0.0;
}

// Inside the band by at least `margin` on both sides: an open excursion may end.
inline bool back_inside(double v, core::band const& b, double margin) noexcept
{
    return v >= b.low + margin && v <= b.high - margin;
}

} // namespace wtf::detect::detail
