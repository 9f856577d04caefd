#pragma once
// A real InfluxDB 1.x (Debian's influxd) for component tests, never a fake: started with a
// temporary config and directory, its HTTP API and RPC service on free loopback ports, reporting,
// monitoring and continuous queries off; stopped with SIGTERM (SIGKILL after 5 s). The calls
// block; a test may call them from inside its coroutine.

#include "support/temp_dir.hpp"

#include <cstdint>
#include <string>
#include <sys/types.h>

namespace wtf::test {

class influx_server {
public:
    // Starts at once. `auth_enabled`: [http] auth-enabled = true (create an admin user first).
    // Throws std::runtime_error when influxd cannot be found or started, or does not answer
    // GET /ping with 204 within 15 s.
    explicit influx_server(bool auth_enabled = false);
    ~influx_server(); // stop(), then removes the directory
    influx_server(influx_server const&) = delete;
    influx_server& operator=(influx_server const&) = delete;

    // SIGTERM and wait for the process; SIGKILL after 5 s. Nothing when not running.
    void stop() noexcept;

    std::uint16_t port() const noexcept { return http_port_; }
    std::string url() const; // "http://127.0.0.1:PORT"

    struct reply {
        unsigned status = 0;
        std::string body;
    };
    // POST /query with q=statement ("CREATE DATABASE d", "CREATE USER ..."); credentials, when
    // given, go as u= and p=. Throws std::runtime_error when the server cannot be reached.
    reply query(std::string const& statement, std::string const& username = {},
                std::string const& password = {}) const;
    // POST /write?db=...&precision=... with line protocol; 204 when written.
    reply write(std::string const& database, std::string const& lines,
                std::string const& precision = "s", std::string const& username = {},
                std::string const& password = {}) const;

private:
    void start();
    void wait_until_ready();
    std::string log() const;

    bool auth_enabled_ = false;
    std::string binary_;
    temp_dir dir_{"wtf-influx"}; // removed once the destructor has stopped the server
    std::uint16_t http_port_ = 0;
    std::uint16_t rpc_port_ = 0;
    pid_t pid_ = -1;
};

} // namespace wtf::test
