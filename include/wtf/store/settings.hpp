#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace wtf::store {

// When journal lines reach the disk. Either way each line is written to the kernel as the event
// happens (a killed process loses nothing); fsync, which may take long, runs on a helper thread.
enum class durability {
    interval, // fsync at most fsync_interval after an event (the default)
    always,   // fsync after every event
};

// [storage]
struct settings {
    std::string state_dir = "/var/lib/wtfd";
    std::size_t anomaly_history = 1000; // anomalies kept in memory and served by /anomalies
    std::size_t summary_history = 100;  // summaries kept
    bool journal = true;                // keep the history in state_dir across restarts
    durability fsync = durability::interval;
    std::chrono::milliseconds fsync_interval{1000};

    bool operator==(settings const&) const = default;
};

} // namespace wtf::store
