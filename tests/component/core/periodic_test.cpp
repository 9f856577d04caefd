#include <wtf/core/periodic.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <exception>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

TEST_CASE("a periodic schedule ticks at its period", "[component]")
{
    asio::io_context ioc;
    std::vector<steady::time_point> ticks;
    auto task = [&]() -> asio::awaitable<void> {
        wtf::core::periodic schedule{co_await asio::this_coro::executor, 50ms};
        while (ticks.size() < 4 && co_await schedule.next()) ticks.push_back(steady::now());
    };
    auto const started = steady::now();
    asio::co_spawn(ioc, task(), [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
    });
    ioc.run_for(10s);
    REQUIRE(ticks.size() == 4);
    CHECK(ticks.back() - started >= 200ms);
    CHECK(ticks.back() - started < 1s);
}

TEST_CASE("after an overrun the schedule restarts from now instead of bursting", "[component]")
{
    asio::io_context ioc;
    std::vector<steady::time_point> ticks;
    auto task = [&]() -> asio::awaitable<void> {
        wtf::core::periodic schedule{co_await asio::this_coro::executor, 50ms};
        while (ticks.size() < 3 && co_await schedule.next()) {
            ticks.push_back(steady::now());
            if (ticks.size() == 1) std::this_thread::sleep_for(300ms); // a step that overruns
        }
    };
    asio::co_spawn(ioc, task(), [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
    });
    ioc.run_for(10s);
    REQUIRE(ticks.size() == 3);
    // Catching up would fire ticks 2 and 3 back to back; restarting keeps them a period apart.
    CHECK(ticks[2] - ticks[1] >= 45ms);
}

TEST_CASE("after restart() the next tick is a whole period away", "[component]")
{
    asio::io_context ioc;
    std::vector<steady::time_point> ticks;
    auto task = [&]() -> asio::awaitable<void> {
        wtf::core::periodic schedule{co_await asio::this_coro::executor, 200ms};
        while (ticks.size() < 2 && co_await schedule.next()) {
            ticks.push_back(steady::now());
            std::this_thread::sleep_for(300ms); // overruns the period
            schedule.restart();
        }
    };
    asio::co_spawn(ioc, task(), [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
    });
    ioc.run_for(10s);
    REQUIRE(ticks.size() == 2);
    // Without restart() the second tick would come at once after the overrun (300 ms).
    CHECK(ticks[1] - ticks[0] >= 490ms);
}

TEST_CASE("a cancelled periodic task ends with false, not an exception", "[component]")
{
    asio::io_context ioc;
    asio::cancellation_signal stop;
    int ticks = 0;
    bool ended = false;
    auto task = [&]() -> asio::awaitable<void> {
        wtf::core::periodic schedule{co_await asio::this_coro::executor, 20ms};
        while (co_await schedule.next()) {
            if (++ticks == 2) stop.emit(asio::cancellation_type::terminal);
        }
        ended = true;
    };
    std::exception_ptr failure;
    asio::co_spawn(
        ioc, task(),
        asio::bind_cancellation_slot(stop.slot(), [&](std::exception_ptr e) { failure = e; }));
    ioc.run_for(10s);
    CHECK(ended);
    CHECK_FALSE(failure);
    CHECK(ticks == 2);
}
