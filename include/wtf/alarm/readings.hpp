#pragma once
// The recent readings of each sensor, for GET /sensors/{id}/readings and the last reading of
// GET /sensors. Fixed memory per sensor: a ring of `per_sensor` times and, per parameter the
// sensor has sent (at most `parameters`), a ring of values. With N readings and p parameters a
// sensor holds 8 * N * (1 + p) bytes of samples (N = 128, p = 3: 4 KiB) plus ~200 bytes of
// bookkeeping and its names; nothing grows after its parameters are known.

#include <wtf/alarm/settings.hpp>
#include <wtf/core/reading.hpp>
#include <wtf/core/time.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

namespace wtf::alarm {

class recent_readings {
public:
    explicit recent_readings(readings_settings const& s);
    ~recent_readings();
    recent_readings(recent_readings const&) = delete;
    recent_readings& operator=(recent_readings const&) = delete;

    // Keeps a reading the pipeline accepted (copied out of its views). Not kept, and counted: a
    // new sensor beyond max_sensors, a reading not newer than the sensor's newest, and values of
    // parameters beyond the first `parameters` the sensor sent. Allocates only for a new sensor
    // or a new parameter.
    void record(core::reading const& r);

    struct query {
        std::optional<core::timestamp> since; // readings strictly after; absent: the newest
        std::size_t limit = 100;              // at least 1
    };
    // {"sensor_id": "...", "parameters": ["temperature", ...], "readings": [{"timestamp": ...,
    //  "temperature": 23.4, ...}, ...], "count": n, "truncated": bool, "oldest": time,
    //  "gap": bool}, oldest first. With `since`: the first `limit` readings after it
    // ("truncated": newer ones remain; "gap": readings after `since` were already overwritten).
    // Without: the newest `limit` ("truncated": older ones remain). False, nothing appended,
    // for a sensor with no reading kept.
    bool append_json(std::string& out, std::string_view sensor_id, query const& q) const;
    // {"timestamp": ..., "temperature": 23.4, ...}: the newest reading. False when none.
    bool append_last_json(std::string& out, std::string_view sensor_id) const;

    std::optional<core::timestamp> last_time(std::string_view sensor_id) const noexcept;
    // The sensor's parameters in the order they first appeared; empty for an unknown sensor.
    std::span<std::string const> parameters(std::string_view sensor_id) const noexcept;
    // Drops a sensor's readings (a sensor removed from the plant).
    void forget(std::string_view sensor_id);

    std::size_t sensors() const noexcept { return sensors_.size(); }
    std::size_t capacity() const noexcept { return settings_.per_sensor; } // readings per sensor
    // The bytes of samples a sensor with `parameters` parameters holds.
    std::size_t sample_bytes(std::size_t parameters) const noexcept;
    std::uint64_t sensors_refused() const noexcept { return sensors_refused_; }
    std::uint64_t values_refused() const noexcept { return values_refused_; }
    std::uint64_t out_of_order() const noexcept { return out_of_order_; }

private:
    struct sensor;
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept;
    };
    sensor const* find(std::string_view sensor_id) const noexcept;

    readings_settings settings_;
    std::unordered_map<std::string, std::unique_ptr<sensor>, string_hash, std::equal_to<>> sensors_;
    std::uint64_t sensors_refused_ = 0;
    std::uint64_t values_refused_ = 0;
    std::uint64_t out_of_order_ = 0;
};

} // namespace wtf::alarm
