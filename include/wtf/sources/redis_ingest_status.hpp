#pragma once
// What /status shows of the Redis source, apart from the source itself so that readers of the
// status need not include Asio.

#include <wtf/core/health.hpp>

#include <cstdint>
#include <string>

namespace wtf::sources {

struct ingest_status {
    bool enabled = false;
    bool subscribed = false;
    std::string channel;
    std::uint64_t messages = 0; // messages received on the channel
    std::uint64_t rejected = 0; // messages that were not valid readings
};

// The "ingest" object inside /status's "redis" block, and its metrics.
core::health_record health_of(ingest_status const& s);

} // namespace wtf::sources
