#pragma once
// What the loop's coroutine tasks share: the completion token for expected failures, and the
// fixed-period schedule of the periodic tasks (detector clock, generator, summarizer).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

namespace wtf::core {

// For operations whose failures are expected (peer closed, refused, timeout):
//   auto [ec, n] = co_await stream.async_read_some(buffer, core::use_tuple);
inline constexpr auto use_tuple = boost::asio::as_tuple(boost::asio::use_awaitable);

// Ticks every `period` on the steady clock. Deadlines are absolute, so the pace does not drift
// with the time each step takes; after an overrun (a slow step, a suspended machine) the
// schedule restarts from now instead of bursting to catch up.
class periodic {
public:
    periodic(boost::asio::any_io_executor ex, std::chrono::steady_clock::duration period);

    // Waits for the next tick. Returns false once the calling task is cancelled (terminal
    // cancellation), which it reports as a value: this turns off throw-if-cancelled for the
    // calling coroutine. Throws boost::system::system_error for any other timer failure.
    boost::asio::awaitable<bool> next();

    // A new period, from the next wait on (a reload); the wait under way keeps its deadline.
    void set_period(std::chrono::steady_clock::duration period) noexcept { period_ = period; }

    // Ends the wait under way at once: next() returns false, as after a cancellation. The
    // caller tells the two apart (a reload sets a flag of its own before calling this).
    void interrupt() noexcept { timer_.cancel(); }

    // The next tick comes a whole period from now (after a step that overran its period, when
    // catching up at once would give the next step too little to do).
    void restart() noexcept { deadline_ = std::chrono::steady_clock::now(); }

private:
    boost::asio::steady_timer timer_;
    std::chrono::steady_clock::duration period_;
    std::chrono::steady_clock::time_point deadline_;
};

} // namespace wtf::core
