#include <wtf/core/periodic.hpp>
#include <wtf/daemon/tasks.hpp>
#include <wtf/log/log.hpp>

#include <boost/asio/signal_set.hpp>
#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <csignal>

namespace wtf::daemon {

namespace asio = boost::asio;

std::chrono::milliseconds tick_period(std::chrono::milliseconds dropout_gap) noexcept
{
    using std::chrono::milliseconds;
    return std::clamp(dropout_gap / 10, milliseconds{20}, milliseconds{500});
}

asio::awaitable<void> run_ticker(std::function<std::chrono::milliseconds()> period,
                                 std::function<void(core::timestamp)> tick)
{
    core::periodic schedule{co_await asio::this_coro::executor, period()};
    while (co_await schedule.next()) {
        tick(core::now());
        schedule.set_period(period());
    }
}

asio::awaitable<void> run_signals(std::function<void(signal_action)> on_signal)
{
    asio::signal_set signals{co_await asio::this_coro::executor, SIGTERM, SIGINT, SIGHUP};
    for (;;) {
        auto [ec, number] = co_await signals.async_wait(core::use_tuple);
        if (ec) co_return;
        if (number == SIGHUP) {
            on_signal(signal_action::reload);
            continue;
        }
        log::notice("daemon") << "received " << (number == SIGTERM ? "SIGTERM" : "SIGINT");
        on_signal(signal_action::stop);
        co_return;
    }
}

} // namespace wtf::daemon
