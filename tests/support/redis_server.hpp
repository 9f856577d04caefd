#pragma once
// A real redis-server for component tests, never a fake: started on a free loopback port with a
// temporary directory and no persistence, stopped with SIGTERM. start() after stop() comes back
// on the same port, for reconnect tests. The calls block (for a few milliseconds when all is
// well); a test may call them from inside its coroutine.

#include "support/temp_dir.hpp"

#include <cstdint>
#include <string>
#include <sys/types.h>

namespace wtf::test {

class redis_server {
public:
    // Starts at once. `password` non-empty: --requirepass. Throws std::runtime_error when
    // redis-server cannot be found or started, or does not answer PING within 5 s.
    explicit redis_server(std::string password = {});
    ~redis_server(); // stop(), then removes the directory
    redis_server(redis_server const&) = delete;
    redis_server& operator=(redis_server const&) = delete;

    void start();
    // SIGTERM and wait for the process; SIGKILL after 5 s. Nothing when not running.
    void stop() noexcept;

    bool running() const noexcept { return pid_ > 0; }
    std::uint16_t port() const noexcept { return port_; }

private:
    void wait_until_ready();

    std::string password_;
    std::string binary_;
    temp_dir dir_{"wtf-redis"}; // removed once the destructor has stopped the server
    std::uint16_t port_ = 0;
    pid_t pid_ = -1;
};

} // namespace wtf::test
