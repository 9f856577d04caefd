#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace wtf::api {

// [api]
struct settings {
    std::string listen_host = "127.0.0.1";
    std::uint16_t listen_port = 8000;
    std::string ingest_token;               // POST needs "Authorization: Bearer <token>" when set
    std::string read_token;                 // GET needs it too when set
    std::string operator_token;             // ack, shelve...; empty: ingest_token instead
    std::size_t max_body_bytes = 1'048'576; // larger bodies get 413
    std::size_t max_header_bytes = 8'192;   // larger request heads get 431
    std::size_t max_connections = 256;      // further connections are closed at once
    std::size_t max_readings_per_request = 10'000;
    std::chrono::milliseconds idle_timeout{30'000};    // keep-alive wait for the next request
    std::chrono::milliseconds request_timeout{10'000}; // to receive one whole request
    std::chrono::seconds max_clock_skew{300};          // readings further in the future get 422

    bool operator==(settings const&) const = default;
};

} // namespace wtf::api
