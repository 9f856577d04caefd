#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace wtf::redis {

// [redis]
struct settings {
    bool enabled = false;              // REDIS_HOST set: enabled
    std::string host = "127.0.0.1";    // REDIS_HOST
    std::uint16_t port = 6379;         // REDIS_PORT
    unsigned database = 0;             // SELECT
    std::string username;              // ACL user; empty: AUTH with the password alone
    std::string password;              // REDIS_PASSWORD; never logged
    std::string password_file;         // read at start-up when password is empty
    std::size_t anomaly_history = 100; // LTRIM anomaly_history to this many entries
    std::size_t summary_history = 100; // LTRIM summary_history to this many entries
    std::size_t queue_limit = 10'000;  // writes held while Redis is away; older ones dropped
    std::chrono::milliseconds connect_timeout{2000};
    std::chrono::milliseconds max_backoff{30'000}; // reconnect delay doubles up to this
    bool ingest = false;                           // take readings from the ingest channel
    std::string ingest_channel = "sensor-data";

    bool operator==(settings const&) const = default;
};

} // namespace wtf::redis
