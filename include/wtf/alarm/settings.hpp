#pragma once
// [alarms]: bounds of the operator's alarm state, the alarm-load figures, the readings kept per
// sensor and the live event streams. Every container of the module is bounded by one of these.

#include <chrono>
#include <cstddef>

namespace wtf::alarm {

// The alarm ledger: acknowledgement, shelving, out of service and comments.
struct ledger_settings {
    std::size_t alarms = 1000; // alarms with state kept (the anomaly history's size)
    std::chrono::seconds max_shelve{8 * 3600}; // longest shelf, "until normal" ones included
    std::size_t max_shelves = 1000;            // alarm points shelved at once
    std::size_t max_out_of_service = 1000;     // sensors out of service at once
    std::size_t max_comments = 32;             // comments per alarm
    std::size_t max_comment_bytes = 1000;      // per comment
    std::size_t max_name_bytes = 64;           // of the operator's name ("by")
    std::size_t max_sensor_id_bytes = 256;

    bool operator==(ledger_settings const&) const = default;
};

// The alarm-load figures (EEMUA 191 / ISA-18.2). The standards' definitions (10-minute periods,
// flood above 10, chattering 3 in 60 s, stale after 24 h) are constants in performance.hpp.
struct performance_settings {
    std::chrono::minutes window{24 * 60}; // longest window a report covers; whole 10-minute periods
    std::size_t points_per_period = 32;   // alarm points counted exactly per period
    std::size_t max_points = 8192;        // alarm points (sensor, parameter, kind) with state
    std::size_t max_active = 4096;        // active alarms followed for the stale figure

    bool operator==(performance_settings const&) const = default;
};

// The ring of recent readings each sensor keeps for GET /sensors/{id}/readings.
struct readings_settings {
    std::size_t per_sensor = 128;     // readings kept per sensor
    std::size_t parameters = 8;       // parameters kept per sensor; later new ones are not kept
    std::size_t max_sensors = 10'000; // as detect.max_sensors

    bool operator==(readings_settings const&) const = default;
};

// GET /events: the buffer every stream reads from, how many streams may be open, and how often
// an idle stream hears a heartbeat.
struct stream_settings {
    std::size_t buffer_events = 4096;           // events kept for streams and for resuming
    std::size_t buffer_bytes = 4 * 1024 * 1024; // their framed text, at most
    std::size_t max_streams = 100;
    std::chrono::milliseconds heartbeat{15'000}; // a comment line after this long without events

    bool operator==(stream_settings const&) const = default;
};

struct settings {
    ledger_settings ledger;
    performance_settings performance;
    readings_settings readings;
    stream_settings streams;

    bool operator==(settings const&) const = default;
};

} // namespace wtf::alarm
