#include <wtf/core/periodic.hpp>
#include <wtf/daemon/task_group.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using wtf::daemon::stage;
using wtf::daemon::task_group;

namespace {

// Waits until cancelled, then records its name: the order in which a stop reached the tasks.
asio::awaitable<void> wait_for_stop(std::string name, std::vector<std::string>& ended,
                                    std::chrono::milliseconds cleanup = 0ms)
{
    wtf::core::periodic schedule{co_await asio::this_coro::executor, 1h};
    while (co_await schedule.next()) {}
    if (cleanup > 0ms) { // like the journal's last write: I/O after the cancellation
        co_await asio::this_coro::throw_if_cancelled(false);
        asio::steady_timer t{co_await asio::this_coro::executor, cleanup};
        co_await t.async_wait(wtf::core::use_tuple);
    }
    ended.push_back(std::move(name));
}

// Ignores cancellation: sleeps in slices and checks nothing.
asio::awaitable<void> stubborn(bool& finished)
{
    co_await asio::this_coro::throw_if_cancelled(false);
    asio::steady_timer t{co_await asio::this_coro::executor};
    for (int i = 0; i < 100; ++i) {
        t.expires_after(100ms);
        co_await t.async_wait(wtf::core::use_tuple);
    }
    finished = true;
}

} // namespace

TEST_CASE("a stop ends the stages in order, each after the one before has ended", "[component]")
{
    asio::io_context ioc;
    task_group group{ioc};
    std::vector<std::string> ended;
    // Spawned in the opposite order, and the source takes a while to finish.
    group.spawn("journal", stage::writers, wait_for_stop("journal", ended));
    group.spawn("summarizer", stage::processing, wait_for_stop("summarizer", ended));
    group.spawn("api", stage::sources, wait_for_stop("api", ended, 100ms));
    group.spawn("notifier", stage::control, wait_for_stop("notifier", ended));
    CHECK(group.running() == 4);

    asio::steady_timer later{ioc, 20ms};
    later.async_wait([&](auto) { group.stop(5s); });
    auto const started = std::chrono::steady_clock::now();
    ioc.run_for(10s);

    CHECK(ended == std::vector<std::string>{"notifier", "api", "summarizer", "journal"});
    CHECK(group.running() == 0);
    CHECK_FALSE(group.failed());
    CHECK(std::chrono::steady_clock::now() - started < 2s);
}

TEST_CASE("a task that ignores cancellation cannot keep the loop running past the grace period",
          "[component]")
{
    asio::io_context ioc;
    task_group group{ioc};
    std::vector<std::string> ended;
    bool finished = false;
    group.spawn("stuck", stage::processing, stubborn(finished));
    group.spawn("journal", stage::writers, wait_for_stop("journal", ended));
    group.stop(300ms);
    auto const started = std::chrono::steady_clock::now();
    ioc.run_for(10s);

    auto const took = std::chrono::steady_clock::now() - started;
    CHECK(took >= 250ms);
    CHECK(took < 2s);
    CHECK_FALSE(finished);
    CHECK(group.running_names() == std::vector<std::string>{"stuck", "journal"});
}

TEST_CASE("an exception escaping a task stops the loop and marks the group failed", "[component]")
{
    asio::io_context ioc;
    task_group group{ioc};
    std::vector<std::string> ended;
    group.spawn("journal", stage::writers, wait_for_stop("journal", ended));
    auto broken = []() -> asio::awaitable<void> {
        asio::steady_timer t{co_await asio::this_coro::executor, 10ms};
        co_await t.async_wait(wtf::core::use_tuple);
        throw std::logic_error{"broken invariant"};
    };
    group.spawn("broken", stage::processing, broken());
    auto const started = std::chrono::steady_clock::now();
    ioc.run_for(10s);

    CHECK(group.failed());
    CHECK(std::chrono::steady_clock::now() - started < 2s);
    CHECK(ended.empty()); // the loop stopped; the journal task was not asked to end
}

TEST_CASE("one task can be cancelled alone, as a reload replaces the generator", "[component]")
{
    asio::io_context ioc;
    task_group group{ioc};
    std::vector<std::string> ended;
    auto const first = group.spawn("generator", stage::sources, wait_for_stop("first", ended));
    group.spawn("journal", stage::writers, wait_for_stop("journal", ended));
    group.cancel(first);
    group.spawn("generator", stage::sources, wait_for_stop("second", ended));
    ioc.run_for(100ms);
    CHECK(ended == std::vector<std::string>{"first"});
    CHECK(group.running(stage::sources) == 1);

    group.cancel(first); // already ended: nothing happens
    group.stop(5s);
    ioc.restart();
    ioc.run_for(10s);
    CHECK(ended == std::vector<std::string>{"first", "second", "journal"});
}

TEST_CASE("a task spawned into a stage that is already stopping is cancelled at once",
          "[component]")
{
    asio::io_context ioc;
    task_group group{ioc};
    std::vector<std::string> ended;
    group.spawn("api", stage::sources, wait_for_stop("api", ended, 200ms));
    group.stop(5s);
    group.spawn("late generator", stage::sources, wait_for_stop("late", ended));
    ioc.run_for(10s);
    CHECK(ended == std::vector<std::string>{"late", "api"});
    CHECK(group.running() == 0);
}
