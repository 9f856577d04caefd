#pragma once
// What /status shows of the Redis mirror: its connection and queue.

#include <wtf/core/health.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace wtf::mirror {

struct redis_status {
    bool enabled = false;
    bool connected = false;
    // "Redis connected" or "Redis error: <why>", the seed's wording.
    std::string message = "Redis mirroring disabled";
    std::size_t queued = 0;           // writes waiting for Redis, those in flight included
    std::uint64_t dropped = 0;        // writes dropped because the queue was full (oldest first)
    std::uint64_t written = 0;        // writes Redis acknowledged
    std::uint64_t command_errors = 0; // commands Redis answered with an error reply
};

// The seed's "redis" block of /status with the queue counters, and their metrics; while Redis
// is off, the seed's disabled shape.
core::health_record health_of(redis_status const& s);

} // namespace wtf::mirror
