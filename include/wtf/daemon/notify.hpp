#pragma once
// Tells systemd how wtfd is doing, through sd_notify: READY=1 once the API listens, a one-line
// STATUS=, WATCHDOG=1 keep-alives sent from the event loop itself, STOPPING=1. Outside systemd
// (no NOTIFY_SOCKET) every call does nothing.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace wtf::daemon {

class notifier {
public:
    // Reads NOTIFY_SOCKET and WATCHDOG_USEC (for this process) once.
    notifier();

    bool enabled() const noexcept { return enabled_; }
    // Half the interval systemd's WatchdogSec= asks for; nullopt without a watchdog.
    std::optional<std::chrono::microseconds> watchdog_period() const noexcept
    {
        return watchdog_period_;
    }

    void ready(std::string_view status);
    // RELOADING=1 with MONOTONIC_USEC, as systemd expects; ready() again when done.
    void reloading();
    void status(std::string_view status);
    void watchdog();
    void stopping();

private:
    void send(std::string const& message);

    bool enabled_ = false;
    std::optional<std::chrono::microseconds> watchdog_period_;
};

// Until cancelled: every watchdog period (or `status_period` without a watchdog) sends
// WATCHDOG=1 (when systemd watches) and STATUS=<status_line()>. Being a timer on the loop, it
// stops pinging when the loop is stuck, and systemd restarts the service. Returns at once when
// the notifier is disabled.
boost::asio::awaitable<void> run_notifier(notifier& n, std::chrono::milliseconds status_period,
                                          std::function<std::string()> status_line);

} // namespace wtf::daemon
