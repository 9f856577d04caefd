#pragma once
// The anomaly detector: a pure state machine with no I/O and no clock of its own. Live mode feeds
// it readings and wall-clock ticks; replay feeds it recorded readings and their own timestamps;
// both give the same anomalies. State is per (sensor, parameter); one anomaly per episode.

#include <wtf/core/anomaly.hpp>
#include <wtf/core/reading.hpp>
#include <wtf/core/reload.hpp>
#include <wtf/detect/settings.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

namespace wtf::detect {

// Receives every episode transition as it happens (synchronously, inside observe/advance).
class event_sink {
public:
    virtual void on_anomaly(core::anomaly_change change, core::anomaly const& a) = 0;

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
