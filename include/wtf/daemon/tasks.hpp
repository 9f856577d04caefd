#pragma once
// The daemon's own long-running tasks: the clock that drives the detector, and the signals that
// stop or reload it.

#include <wtf/core/time.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>

namespace wtf::daemon {

// Calls `tick(now)` every `period()` (wall clock) until cancelled; returns normally when
// cancelled. The period is asked again after each tick, so a reload can change it.
boost::asio::awaitable<void> run_ticker(std::function<std::chrono::milliseconds()> period,
                                        std::function<void(core::timestamp)> tick);

// The detector's tick: a tenth of the dropout gap, so a dropout is reported within 10 % of the
// gap, between 20 ms (tests) and 500 ms (idle CPU stays near zero).
std::chrono::milliseconds tick_period(std::chrono::milliseconds dropout_gap) noexcept;

enum class signal_action { stop, reload };

// Waits for SIGTERM/SIGINT (stop) and SIGHUP (reload) and calls `on_signal` for each, until a
// stop signal arrives or the task is cancelled.
boost::asio::awaitable<void> run_signals(std::function<void(signal_action)> on_signal);

} // namespace wtf::daemon
