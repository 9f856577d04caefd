#pragma once
// Runs a long-lived service task (a module's run()) beside a test's body on one io_context, the
// way main.cpp runs it: when the body ends, the service gets terminal cancellation. Both must
// end within test_timeout, a deadlock guard, never a wait.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>

namespace wtf::test {

inline constexpr std::chrono::seconds test_timeout{10};

struct run_result {
    bool service_ended_early = false;                   // run() returned before it was cancelled
    std::chrono::steady_clock::duration stop_latency{}; // from the cancellation to its return
};

// REQUIREs that both ended in time and rethrows the first exception of either.
run_result run_beside(boost::asio::io_context& ioc, boost::asio::awaitable<void> service,
                      boost::asio::awaitable<void> body);

// Suspends the calling coroutine for `d` (for polling loops in test bodies).
boost::asio::awaitable<void> pause(std::chrono::milliseconds d);

} // namespace wtf::test
