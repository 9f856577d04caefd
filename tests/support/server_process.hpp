#pragma once
// Starting and stopping a real server process (redis-server, influxd) for tests: find the
// binary, pick a free loopback port, spawn it, notice an early exit, stop it. Each server helper
// keeps its own readiness check. Blocking POSIX calls; one thread.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>
#include <sys/types.h>

namespace wtf::test {

// The first executable `name` on PATH, else in /usr/bin. Throws std::runtime_error naming the
// Debian package to install when there is none.
std::string find_executable(std::string_view name, std::string_view debian_package);

// A loopback port nothing listens on at the moment of the call. Throws std::runtime_error
// (with strerror) when no socket can be bound.
std::uint16_t free_loopback_port();

// Starts argv[0] (a path, as find_executable returns) with argv and the caller's environment:
// stdin from /dev/null, stdout and stderr appended to `log_path` (created 0600), or to /dev/null
// when it is empty. Returns the child's pid; throws std::runtime_error (with strerror) when it
// cannot be spawned. `argv` must not be empty.
pid_t spawn_process(std::vector<std::string> const& argv, std::string const& log_path);

// True, and pid = -1, when the child has exited (it is reaped); false while it runs.
// Never blocks.
bool exited(pid_t& pid) noexcept;

// SIGTERM, then waits up to `grace` for the child to exit; SIGKILL after that. Reaps it and sets
// pid = -1. Nothing when pid <= 0.
void stop_process(pid_t& pid, std::chrono::milliseconds grace) noexcept;

} // namespace wtf::test
