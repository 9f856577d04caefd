// Readings from a Redis channel, as the seed generator publishes them, against a real
// redis-server on a free loopback port. 10 s is a deadlock guard; the tests poll.
#include <wtf/detect/detector.hpp>
#include <wtf/ingest/pipeline.hpp>
#include <wtf/sources/redis_ingest.hpp>
#include <wtf/store/history.hpp>

#include <wtf/redis/resp.hpp>
#include <wtf/redis/resp_connection.hpp>
#include "support/redis_server.hpp"
#include "support/run_beside.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <exception>
#include <string>
#include <vector>

using namespace wtf;
namespace asio = boost::asio;
namespace detail = wtf::redis;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;
using test::pause;
using test::run_beside;
using test::test_timeout;

namespace {

redis::settings settings_for(test::redis_server const& server)
{
    redis::settings s;
    s.enabled = true;
    s.ingest = true;
    s.host = "127.0.0.1";
    s.port = server.port();
    s.connect_timeout = 1000ms;
    s.max_backoff = 100ms; // make the test run faster
    return s;
}

// A reading as the seed generator wrote it: whole seconds with 'Z', Python's separators.
std::string seed_reading(double temperature, core::timestamp at = core::now())
{
    return R"({"timestamp": ")" +
           core::format_rfc3339(std::chrono::floor<std::chrono::seconds>(at)) +
           R"(", "sensor_id": "wtf-pipe-1", "temperature": )" + std::to_string(temperature) +
           R"(, "pressure": 2.1, "flow": 55.0})";
}

struct fixture {
    test::redis_server server;
    asio::io_context ioc;
    detect::detector detector{detect::settings{}, core::now()};
    store::history history{store::settings{}};
    ingest::pipeline pipeline{detector, history, {300s, 100}};
    redis::settings settings = settings_for(server);
};

// Runs ingest beside the test's body; it must run until cancelled and stop promptly.
void run_ingest_beside(asio::io_context& ioc, asio::awaitable<void> service,
                       asio::awaitable<void> body)
{
    auto const r = test::run_beside(ioc, std::move(service), std::move(body));
    CHECK_FALSE(r.service_ended_early);
    CHECK(r.stop_latency < 200ms);
}

// PUBLISHes on a fresh connection; returns how many subscribers received it.
asio::awaitable<long long> publish(redis::settings const& s, std::string const& payload)
{
    detail::resp_connection client{co_await asio::this_coro::executor};
    auto const opened = co_await client.connect(s);
    REQUIRE(opened.message == "");
    auto const command = detail::command({"PUBLISH", s.ingest_channel, payload});
    detail::reply answer;
    auto const r = co_await client.call(command, answer, 2s);
    REQUIRE(r.message == "");
    co_return answer.integer;
}

} // namespace

TEST_CASE("a seed reading published on sensor-data goes through the pipeline and opens a spike",
          "[component][mirror]")
{
    fixture f;
    sources::redis_ingest ingest{f.ioc.get_executor(), f.settings, f.pipeline};
    CHECK(ingest.status().channel == "sensor-data");

    auto body = [&]() -> asio::awaitable<void> {
        while (!ingest.status().subscribed) co_await pause(10ms);
        auto const reading = seed_reading(45.2);
        auto const receivers = co_await publish(f.settings, reading);
        CHECK(receivers == 1);
        while (ingest.status().messages < 1) co_await pause(10ms);
    };
    run_ingest_beside(f.ioc, ingest.run(), body());

    CHECK(ingest.status().messages == 1);
    CHECK(ingest.status().rejected == 0);
    CHECK(f.pipeline.stats().accepted_by_source[static_cast<std::size_t>(core::source::redis)] ==
          1);
    CHECK(f.pipeline.last_received());
    REQUIRE(f.history.anomaly_count() == 1);
    core::anomaly found;
    f.history.for_each_anomaly([&](core::anomaly const& a, std::string_view) { found = a; });
    CHECK(found.type == core::anomaly_type::spike);
    CHECK(found.sensor_id == "wtf-pipe-1");
    CHECK(found.parameter == "temperature");
    CHECK(found.value == 45.2);
    CHECK(core::message(found) == "Temperature spike detected: 45.2");
}

TEST_CASE("a message that is not a reading is counted as rejected and ingest goes on",
          "[component][mirror]")
{
    fixture f;
    sources::redis_ingest ingest{f.ioc.get_executor(), f.settings, f.pipeline};

    auto body = [&]() -> asio::awaitable<void> {
        while (!ingest.status().subscribed) co_await pause(10ms);
        std::string const garbage = "this is not JSON";
        auto const first = co_await publish(f.settings, garbage);
        // Parses, but the pipeline refuses it: an hour in the future.
        auto const future = seed_reading(23.4, core::now() + std::chrono::hours{1});
        auto const second = co_await publish(f.settings, future);
        auto const fine = seed_reading(23.4);
        auto const third = co_await publish(f.settings, fine);
        CHECK(first + second + third == 3);
        while (ingest.status().messages < 3) co_await pause(10ms);
    };
    run_ingest_beside(f.ioc, ingest.run(), body());

    CHECK(ingest.status().messages == 3);
    CHECK(ingest.status().rejected == 2);
    CHECK(f.pipeline.stats().rejected_batches == 2);
    CHECK(f.pipeline.stats().accepted_by_source[static_cast<std::size_t>(core::source::redis)] ==
          1);
    CHECK(f.history.anomaly_count() == 0);
}

TEST_CASE("ingest subscribes again after Redis restarts", "[component][mirror]")
{
    fixture f;
    sources::redis_ingest ingest{f.ioc.get_executor(), f.settings, f.pipeline};

    auto body = [&]() -> asio::awaitable<void> {
        while (!ingest.status().subscribed) co_await pause(10ms);
        f.server.stop();
        while (ingest.status().subscribed) co_await pause(10ms);
        f.server.start();
        while (!ingest.status().subscribed) co_await pause(10ms);
        auto const reading = seed_reading(23.4);
        auto const receivers = co_await publish(f.settings, reading);
        CHECK(receivers == 1);
        while (ingest.status().messages < 1) co_await pause(10ms);
    };
    run_ingest_beside(f.ioc, ingest.run(), body());
    CHECK(f.pipeline.stats().accepted_by_source[static_cast<std::size_t>(core::source::redis)] ==
          1);
}

TEST_CASE("ingest is off unless both redis.enabled and redis.ingest are set", "[component][mirror]")
{
    asio::io_context ioc;
    detect::detector detector{detect::settings{}, core::now()};
    store::history history{store::settings{}};
    ingest::pipeline pipeline{detector, history, {300s, 100}};
    redis::settings settings;
    settings.enabled = true; // mirroring on, ingest off
    sources::redis_ingest ingest{ioc.get_executor(), settings, pipeline};
    CHECK_FALSE(ingest.status().enabled);
    bool done = false;
    asio::co_spawn(ioc, ingest.run(), [&](std::exception_ptr e) {
        done = true;
        if (e) std::rethrow_exception(e);
    });
    ioc.run_for(test_timeout);
    CHECK(done);
}
