#pragma once
// What /status shows of Redis: the mirror's connection and queue, the ingest subscription.

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

struct ingest_status {
    bool enabled = false;
    bool subscribed = false;
    std::string channel;
    std::uint64_t messages = 0; // messages received on the channel
    std::uint64_t rejected = 0; // messages that were not valid readings
};

} // namespace wtf::mirror
