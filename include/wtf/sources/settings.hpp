#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace wtf::sources {

// [generator]: simulated sensors for demonstrations and tests.
struct generator_settings {
    bool enabled = true;
    std::vector<std::string> sensors{"wtf-pipe-1", "wtf-pipe-2", "wtf-pipe-3"};
    std::chrono::milliseconds interval{2'000};
    std::uint64_t seed = 42;        // same seed, same readings
    double spikes_per_hour = 60.0;  // per sensor: one reading out of the spike band
    double drifts_per_hour = 10.0;  // per sensor: 15-45 s out of the normal band
    double dropouts_per_hour = 4.0; // per sensor: 10-30 s of silence
    // Instrument faults and a process change, inside the bands (issue 14's detectors):
    double stucks_per_hour = 0.5; // per sensor: one value repeated for 6-10 min
    double jumps_per_hour = 2.0;  // per sensor: a transmitter off by half a width for 4-12 s
    double valve_closings_per_hour = 0.5; // per sensor: flow down, pressure up for 4-7 min

    bool operator==(generator_settings const&) const = default;
};

} // namespace wtf::sources
