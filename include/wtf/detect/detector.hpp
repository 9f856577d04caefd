#pragma once
// The anomaly detector: a pure state machine with no I/O and no clock of its own. Live mode feeds
// it readings and wall-clock ticks; replay feeds it recorded readings and their own timestamps;
// both give the same anomalies. State is per (sensor, parameter); one anomaly per episode.

#include <wtf/core/anomaly.hpp>
#include <wtf/core/reading.hpp>
#include <wtf/core/reload.hpp>
#include <wtf/detect/baseline.hpp>
#include <wtf/detect/settings.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

namespace wtf::detect {

// What happened to a sensor's baseline (multivariate detector).
enum class baseline_event {
    learned,    // the warm-up is complete: scoring starts
    refined,    // refit on the readings since the warm-up
    relearning, // forgotten; the next readings are a new warm-up (`reason` says why)
    loaded,     // a baseline learned elsewhere is in use
};

struct baseline_note {
    baseline_event event = baseline_event::learned;
    std::string_view reason;    // relearning: "asked", "parameters changed", "settings changed"
    std::size_t parameters = 0; // modelled
    std::size_t components = 0; // retained (0 while learning)
};

// "Multivariate baseline relearning sensor=wtf-pipe-1 parameters=3 reason=settings changed",
// for the log.
std::string describe(std::string_view sensor_id, baseline_note const& note);

// Receives every episode transition as it happens (synchronously, inside observe/advance), and
// the baselines' changes, for the log.
class event_sink {
public:
    virtual void on_anomaly(core::anomaly_change change, core::anomaly const& a) = 0;
    virtual void on_baseline(std::string_view /*sensor_id*/, baseline_note const& /*note*/) {}

protected:
    ~event_sink() = default;
};

enum class verdict {
    accepted, // fed to the rules
    stale,    // not newer than the sensor's previous reading: duplicate or out of order, ignored
};

// What /status shows per sensor.
struct sensor_info {
    std::string_view sensor_id;
    std::optional<core::timestamp> last_seen; // of its newest reading (absent: never reported)
    std::uint64_t readings = 0;
    std::size_t active_anomalies = 0;
    // How long it may stay silent now (with "auto", absent until its cadence is known).
    std::optional<std::chrono::microseconds> dropout_gap;
};

// A sensor's multivariate detector, as GET /sensors/{id}/baseline shows it.
struct baseline_status {
    // "off" (disabled), "waiting" (a loaded baseline, no reading yet), "learning", "learned".
    std::string_view state;
    std::size_t warmup_readings = 0; // learned from so far (learning)
    std::size_t warmup = 0;          // needed
    std::optional<sensor_baseline> baseline;
    double statistic = 0.0; // of the last reading, over its limit (learned)
    double threshold = 0.0; // the alarm level the statistic is judged against
    bool in_episode = false;
};

class detector {
public:
    // `start` is when expected sensors begin to count as silent (live: now; replay: first
    // timestamp).
    detector(settings s, core::timestamp start);
    ~detector();
    detector(detector const&) = delete;
    detector& operator=(detector const&) = delete;

    // New thresholds and durations (SIGHUP); sensor state and open episodes are kept.
    core::reload_effect apply(settings const& s);
    settings const& current() const noexcept;

    // Feeds one reading through the rules. Parameters without configured thresholds are tracked
    // (last value) but raise nothing.
    verdict observe(core::reading const& r, event_sink& out);
    // Moves the clock: opens dropouts whose gap has passed. Time never goes backwards; an older
    // `now` is ignored.
    void advance(core::timestamp now, event_sink& out);

    // Ids continue from here (restored history).
    void set_next_id(std::uint64_t id) noexcept;
    std::uint64_t next_id() const noexcept;

    // Baselines. relearn: forget the sensor's baseline and learn again from its next readings
    // (after maintenance); an open multivariate episode ends now. False: no such sensor.
    bool relearn(std::string_view sensor_id, event_sink& out);
    // Every sensor's, as relearn.
    void relearn_all(event_sink& out);
    // Uses a baseline learned elsewhere (a normal-operation file, the state dir). A sensor not
    // seen yet takes it with its first reading, if that reading has the baseline's parameters.
    // Returns the problem when the sensor's parameters are not the baseline's.
    std::optional<std::string> load_baseline(std::string_view sensor_id, sensor_baseline b,
                                             event_sink& out);
    // Nullopt for a sensor neither seen nor given a baseline.
    std::optional<baseline_status> baseline_of(std::string_view sensor_id) const;
    // Every baseline learned or loaded, waiting ones included, for saving them.
    void for_each_baseline(
        std::function<void(std::string_view sensor_id, sensor_baseline const&)> const& visit) const;
    // Increases whenever a baseline is learned, refit, loaded or forgotten.
    std::uint64_t baselines_version() const noexcept;
    // Values of new parameters a sensor had no room for (settings::max_parameters): accepted
    // with their reading, judged by no rule.
    std::uint64_t values_untracked() const noexcept;

    bool knows(std::string_view sensor_id) const noexcept;
    std::size_t sensor_count() const noexcept;
    std::size_t active_count() const noexcept;
    void for_each_sensor(std::function<void(sensor_info const&)> const& visit) const;
    // One sensor's; nothing for a sensor the detector does not know.
    std::optional<sensor_info> sensor(std::string_view sensor_id) const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace wtf::detect
