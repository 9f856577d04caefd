#include <wtf/core/periodic.hpp>
#include <wtf/daemon/notify.hpp>
#include <wtf/log/log.hpp>

#include <boost/asio/this_coro.hpp>

#include <systemd/sd-daemon.h>

#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <string>

namespace wtf::daemon {

notifier::notifier()
{
    char const* socket = std::getenv("NOTIFY_SOCKET");
    enabled_ = socket != nullptr && *socket != '\0';
    std::uint64_t usec = 0;
    // > 0 only when WATCHDOG_USEC is set and WATCHDOG_PID, if set, is this process.
    if (enabled_ && sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
        watchdog_period_ = std::chrono::microseconds{static_cast<std::int64_t>(usec / 2)};
}

void notifier::send(std::string const& message)
{
    if (!enabled_) return;
    if (int const r = sd_notify(0, message.c_str()); r < 0)
        log::warning("daemon") << "sd_notify failed error=" << -r;
}

namespace {

// STATUS= is one line: a newline would end the field early.
std::string status_field(std::string_view status)
{
    std::string out{"STATUS="};
    for (char c : status) out += c == '\n' ? ' ' : c;
    return out;
}

} // namespace

void notifier::ready(std::string_view status) { send("READY=1\n" + status_field(status)); }

void notifier::reloading()
{
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    auto const usec = static_cast<std::uint64_t>(now.tv_sec) * 1'000'000u +
                      static_cast<std::uint64_t>(now.tv_nsec) / 1'000u;
    send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec) + "\nSTATUS=reloading");
}

void notifier::status(std::string_view status) { send(status_field(status)); }

void notifier::watchdog() { send("WATCHDOG=1"); }

void notifier::stopping() { send("STOPPING=1\nSTATUS=stopping"); }

boost::asio::awaitable<void> run_notifier(notifier& n, std::chrono::milliseconds status_period,
                                          std::function<std::string()> status_line)
{
    if (!n.enabled()) co_return;
    auto const period =
        n.watchdog_period()
            ? std::chrono::duration_cast<std::chrono::milliseconds>(*n.watchdog_period())
            : status_period;
    core::periodic schedule{co_await boost::asio::this_coro::executor,
                            std::max(period, std::chrono::milliseconds{1})};
    while (co_await schedule.next()) {
        if (n.watchdog_period()) n.watchdog();
        n.status(status_line());
    }
}

} // namespace wtf::daemon
