// The Redis mirror against a real redis-server on a free loopback port. Intervals are shrunk
// through settings; 10 s is a deadlock guard, never a wait: every test polls in coroutines.
#include <wtf/core/anomaly.hpp>
#include <wtf/mirror/redis_mirror.hpp>
#include <wtf/store/history.hpp>

#include <wtf/redis/resp.hpp>
#include <wtf/redis/resp_connection.hpp>
#include "support/anomaly_builder.hpp"
#include "support/redis_server.hpp"
#include "support/run_beside.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// GCC 12 at -O2 (the asan preset) inlines Asio's awaitable frame allocation into some of the
// test lambdas below and then pairs the frame's class operator delete with the aligned_alloc
// underneath its operator new: a false positive, GCC PR 109224
// (https://gcc.gnu.org/bugzilla/show_bug.cgi?id=109224).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

using namespace wtf;
namespace asio = boost::asio;
namespace detail = wtf::redis;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;
using test::pause;
using test::run_beside;
using test::test_timeout;

namespace {

core::timestamp const t0 = *core::parse_rfc3339("2025-05-28T00:01:00Z");

redis::settings settings_for(test::redis_server const& server)
{
    redis::settings s;
    s.enabled = true;
    s.host = "127.0.0.1";
    s.port = server.port();
    s.connect_timeout = 1000ms;
    s.max_backoff = 100ms; // make the test run faster
    return s;
}

core::anomaly spike(std::uint64_t id, double value)
{
    return test::anomaly_builder{id}.value(value).at(t0 + std::chrono::seconds{id});
}

std::string json_of(core::anomaly const& a)
{
    std::string out;
    core::append_json(out, a);
    return out;
}

// Records anomaly `id` as opened and returns the JSON the mirror was given.
std::string open(mirror::redis_mirror& m, std::uint64_t id)
{
    auto const a = spike(id, 40.0 + static_cast<double>(id));
    auto json = json_of(a);
    m.record(core::anomaly_change::opened, a, json);
    return json;
}

// A second connection for reading back what the mirror wrote.
asio::awaitable<void> open_client(detail::resp_connection& c, redis::settings const& s)
{
    auto const r = co_await c.connect(s);
    REQUIRE(r.message == "");
}

asio::awaitable<detail::reply> ask(detail::resp_connection& c, std::string const& command)
{
    detail::reply out;
    auto const r = co_await c.call(command, out, 2s);
    REQUIRE(r.message == "");
    co_return out;
}

std::vector<std::string> texts(detail::reply const& r)
{
    std::vector<std::string> out;
    for (auto const& e : r.elements) out.push_back(e.text);
    return out;
}

std::string const lrange_anomalies = detail::command({"LRANGE", "anomaly_history", "0", "-1"});

} // namespace

TEST_CASE("opened anomalies arrive in anomaly_history newest first with their exact JSON, "
          "trimmed",
          "[component][mirror]")
{
    test::redis_server server;
    asio::io_context ioc;
    auto settings = settings_for(server);
    settings.anomaly_history = 3;
    mirror::redis_mirror m{ioc.get_executor(), settings, {}};

    std::vector<std::string> sent;
    auto body = [&]() -> asio::awaitable<void> {
        for (std::uint64_t id = 1; id <= 5; ++id) sent.push_back(open(m, id));
        while (m.status().written < 5) co_await pause(10ms);
        detail::resp_connection client{co_await asio::this_coro::executor};
        co_await open_client(client, settings);
        auto const list = co_await ask(client, lrange_anomalies);
        CHECK(texts(list) == std::vector<std::string>{sent[4], sent[3], sent[2]});
    };
    auto const r = run_beside(ioc, m.run(), body());
    CHECK_FALSE(r.service_ended_early);
    CHECK(m.status().connected);
    CHECK(m.status().message == "Redis connected");
    CHECK(m.status().queued == 0);
    CHECK(m.status().command_errors == 0);
}

TEST_CASE("a closed anomaly replaces its entry in anomaly_history in place", "[component][mirror]")
{
    test::redis_server server;
    asio::io_context ioc;
    auto settings = settings_for(server);
    mirror::redis_mirror m{ioc.get_executor(), settings, {}};

    auto body = [&]() -> asio::awaitable<void> {
        auto const first = open(m, 1);
        auto const second = open(m, 2);
        auto const third = open(m, 3);
        auto closed = spike(2, 42.0);
        closed.ended_at = closed.detected_at + 5s;
        closed.duration_seconds = 5.0;
        auto const closed_json = json_of(closed);
        REQUIRE(closed_json != second);
        m.record(core::anomaly_change::closed, closed, closed_json);
        while (m.status().written < 4) co_await pause(10ms);

        detail::resp_connection client{co_await asio::this_coro::executor};
        co_await open_client(client, settings);
        auto const list = co_await ask(client, lrange_anomalies);
        CHECK(texts(list) == std::vector<std::string>{third, closed_json, first});
    };
    run_beside(ioc, m.run(), body());
    CHECK(m.status().command_errors == 0);
}

TEST_CASE("an entry pushed before a restart is still found and replaced when it closes",
          "[component][mirror]")
{
    test::redis_server server;
    asio::io_context ioc;
    auto settings = settings_for(server);
    // Two mirrors in turn: the first pushes, the second (wtfd after a restart) knows nothing
    // of what the first wrote and must find the entry by its id.
    mirror::redis_mirror before{ioc.get_executor(), settings, {}};
    mirror::redis_mirror after{ioc.get_executor(), settings, {}};

    auto body = [&]() -> asio::awaitable<void> {
        auto const first = open(before, 1);
        auto const second = open(before, 2);
        while (before.status().written < 2) co_await pause(10ms);
        auto closed = spike(1, 41.0);
        closed.ended_at = closed.detected_at + 5s;
        closed.duration_seconds = 5.0;
        auto const closed_json = json_of(closed);
        after.record(core::anomaly_change::closed, closed, closed_json);
        while (after.status().written < 1) co_await pause(10ms);

        detail::resp_connection client{co_await asio::this_coro::executor};
        co_await open_client(client, settings);
        auto const list = co_await ask(client, lrange_anomalies);
        CHECK(texts(list) == std::vector<std::string>{second, closed_json});
    };
    asio::cancellation_signal stop_before;
    asio::co_spawn(ioc, before.run(),
                   asio::bind_cancellation_slot(stop_before.slot(), asio::detached));
    run_beside(ioc, after.run(), body());
    stop_before.emit(asio::cancellation_type::terminal);
    ioc.run_for(1s);
    CHECK(after.status().command_errors == 0);
}

TEST_CASE("an update for an entry already trimmed away changes nothing and is no error",
          "[component][mirror]")
{
    test::redis_server server;
    asio::io_context ioc;
    auto settings = settings_for(server);
    settings.anomaly_history = 2;
    mirror::redis_mirror m{ioc.get_executor(), settings, {}};

    auto body = [&]() -> asio::awaitable<void> {
        open(m, 1);
        auto const second = open(m, 2);
        auto const third = open(m, 3);
        auto updated = spike(1, 47.5);
        updated.peak_value = 47.5;
        auto const updated_json = json_of(updated);
        m.record(core::anomaly_change::updated, updated, updated_json);
        while (m.status().written < 4) co_await pause(10ms);

        detail::resp_connection client{co_await asio::this_coro::executor};
        co_await open_client(client, settings);
        auto const list = co_await ask(client, lrange_anomalies);
        CHECK(texts(list) == std::vector<std::string>{third, second});
    };
    run_beside(ioc, m.run(), body());
    CHECK(m.status().command_errors == 0);
}

TEST_CASE("opened anomalies are published on the anomalies channel, updates are not",
          "[component][mirror]")
{
    test::redis_server server;
    asio::io_context ioc;
    auto settings = settings_for(server);
    mirror::redis_mirror m{ioc.get_executor(), settings, {}};

    auto body = [&]() -> asio::awaitable<void> {
        detail::resp_connection subscriber{co_await asio::this_coro::executor};
        co_await open_client(subscriber, settings);
        auto const subscribe = detail::command({"SUBSCRIBE", "anomalies"});
        auto const confirmed = co_await ask(subscriber, subscribe);
        CHECK(texts(confirmed) == std::vector<std::string>{"subscribe", "anomalies", ""});

        auto const first = open(m, 1);
        auto updated = spike(1, 48.0);
        auto const updated_json = json_of(updated);
        m.record(core::anomaly_change::updated, updated, updated_json);
        auto const second = open(m, 2);

        detail::reply message;
        auto const r = co_await subscriber.read(message, 5s);
        CHECK(r.message == "");
        CHECK(texts(message) == std::vector<std::string>{"message", "anomalies", first});
        auto const next = co_await subscriber.read(message, 5s);
        CHECK(next.message == "");
        CHECK(texts(message) == std::vector<std::string>{"message", "anomalies", second});
    };
    run_beside(ioc, m.run(), body());
}

TEST_CASE("summaries land in summary_history newest first, trimmed", "[component][mirror]")
{
    test::redis_server server;
    asio::io_context ioc;
    auto settings = settings_for(server);
    settings.summary_history = 2;
    mirror::redis_mirror m{ioc.get_executor(), settings, {}};

    auto body = [&]() -> asio::awaitable<void> {
        for (auto const* text : {"first summary", "second summary", "third summary"}) {
            store::summary s;
            s.text = text;
            m.record(s);
        }
        while (m.status().written < 3) co_await pause(10ms);
        detail::resp_connection client{co_await asio::this_coro::executor};
        co_await open_client(client, settings);
        auto const lrange = detail::command({"LRANGE", "summary_history", "0", "-1"});
        auto const list = co_await ask(client, lrange);
        CHECK(texts(list) == std::vector<std::string>{"third summary", "second summary"});
    };
    run_beside(ioc, m.run(), body());
}

TEST_CASE("last_data_received is SET in the seed's format and follows the newest reading",
          "[component][mirror]")
{
    CHECK(core::format_isoformat(t0) == "2025-05-28T00:01:00.000000+00:00");

    test::redis_server server;
    asio::io_context ioc;
    auto settings = settings_for(server);
    std::optional<core::timestamp> newest;
    auto last_received = [&newest] { return newest; };
    mirror::redis_mirror m{ioc.get_executor(), settings, last_received};

    auto body = [&]() -> asio::awaitable<void> {
        detail::resp_connection client{co_await asio::this_coro::executor};
        co_await open_client(client, settings);
        auto const get = detail::command({"GET", "last_data_received"});

        newest = *core::parse_rfc3339("2025-05-28T00:01:23.456789Z");
        for (;;) {
            auto const value = co_await ask(client, get);
            if (value.text == "2025-05-28T00:01:23.456789+00:00") break;
            co_await pause(20ms);
        }
        newest = *newest + 1500ms;
        for (;;) {
            auto const value = co_await ask(client, get);
            if (value.text == "2025-05-28T00:01:24.956789+00:00") break;
            co_await pause(20ms);
        }
    };
    run_beside(ioc, m.run(), body());
    CHECK(m.status().command_errors == 0);
}

TEST_CASE("writes recorded while Redis is down are queued and arrive in order once it is back",
          "[component][mirror]")
{
    test::redis_server server;
    asio::io_context ioc;
    auto settings = settings_for(server);
    mirror::redis_mirror m{ioc.get_executor(), settings, {}};
    steady::duration noticed{};

    auto body = [&]() -> asio::awaitable<void> {
        while (!m.status().connected) co_await pause(10ms);
        server.stop();
        auto const stopped = steady::now();
        while (m.status().connected) co_await pause(10ms);
        noticed = steady::now() - stopped;
        CHECK(m.status().message.starts_with("Redis error: "));

        std::vector<std::string> sent;
        for (std::uint64_t id = 1; id <= 5; ++id) {
            sent.push_back(open(m, id));
            CHECK(m.status().queued == id);
        }
        co_await pause(150ms); // a reconnect attempt or two fail meanwhile
        CHECK(m.status().queued == 5);

        server.start();
        while (m.status().queued > 0 || !m.status().connected) co_await pause(10ms);
        detail::resp_connection client{co_await asio::this_coro::executor};
        co_await open_client(client, settings);
        auto const list = co_await ask(client, lrange_anomalies);
        CHECK(texts(list) == std::vector<std::string>{sent[4], sent[3], sent[2], sent[1], sent[0]});
    };
    run_beside(ioc, m.run(), body());
    CHECK(noticed < 2500ms);
    CHECK(m.status().written == 5);
    CHECK(m.status().dropped == 0);
    CHECK(m.status().message == "Redis connected");
}

TEST_CASE("updates of an anomaly queued while Redis is down are sent once, newest state",
          "[component][mirror]")
{
    test::redis_server server;
    server.stop();
    asio::io_context ioc;
    auto settings = settings_for(server);
    mirror::redis_mirror m{ioc.get_executor(), settings, {}};

    auto body = [&]() -> asio::awaitable<void> {
        open(m, 1);
        auto a = spike(1, 41.0);
        for (double peak : {42.0, 43.0, 44.0}) {
            a.peak_value = peak;
            auto const json = json_of(a);
            m.record(core::anomaly_change::updated, a, json);
        }
        a.ended_at = a.detected_at + 9s;
        auto const closed = json_of(a);
        m.record(core::anomaly_change::closed, a, closed);
        CHECK(m.status().queued == 2); // the open, and the newest state

        server.start();
        while (m.status().queued > 0) co_await pause(10ms);
        detail::resp_connection client{co_await asio::this_coro::executor};
        co_await open_client(client, settings);
        auto const list = co_await ask(client, lrange_anomalies);
        CHECK(texts(list) == std::vector<std::string>{closed});
    };
    run_beside(ioc, m.run(), body());
    CHECK(m.status().written == 2);
    CHECK(m.status().dropped == 0);
}

TEST_CASE("when the queue is full the oldest writes are dropped and counted, the newest kept",
          "[component][mirror]")
{
    test::redis_server server;
    server.stop();
    asio::io_context ioc;
    auto settings = settings_for(server);
    settings.queue_limit = 3;
    mirror::redis_mirror m{ioc.get_executor(), settings, {}};

    auto body = [&]() -> asio::awaitable<void> {
        std::vector<std::string> sent;
        for (std::uint64_t id = 1; id <= 5; ++id) sent.push_back(open(m, id));
        CHECK(m.status().queued == 3);
        CHECK(m.status().dropped == 2);

        server.start();
        while (m.status().queued > 0) co_await pause(10ms);
        detail::resp_connection client{co_await asio::this_coro::executor};
        co_await open_client(client, settings);
        auto const list = co_await ask(client, lrange_anomalies);
        CHECK(texts(list) == std::vector<std::string>{sent[4], sent[3], sent[2]});
    };
    run_beside(ioc, m.run(), body());
    CHECK(m.status().written == 3);
    CHECK(m.status().dropped == 2);
}

TEST_CASE("an error reply is counted, the write dropped, and the connection kept",
          "[component][mirror]")
{
    test::redis_server server;
    asio::io_context ioc;
    auto settings = settings_for(server);
    mirror::redis_mirror m{ioc.get_executor(), settings, {}};

    auto body = [&]() -> asio::awaitable<void> {
        detail::resp_connection client{co_await asio::this_coro::executor};
        co_await open_client(client, settings);
        auto const set = detail::command({"SET", "anomaly_history", "not a list"});
        auto const set_reply = co_await ask(client, set);
        CHECK_FALSE(set_reply.is_error());

        open(m, 1); // LPUSH and LTRIM: WRONGTYPE; PUBLISH: fine
        while (m.status().queued > 0) co_await pause(10ms);
        CHECK(m.status().command_errors == 2);
        CHECK(m.status().written == 0);

        auto const del = detail::command({"DEL", "anomaly_history"});
        auto const del_reply = co_await ask(client, del);
        CHECK(del_reply.integer == 1);
        auto const second = open(m, 2);
        while (m.status().written < 1) co_await pause(10ms);
        auto const list = co_await ask(client, lrange_anomalies);
        CHECK(texts(list) == std::vector<std::string>{second});
    };
    run_beside(ioc, m.run(), body());
    CHECK(m.status().connected);
    CHECK(m.status().command_errors == 2);
}

TEST_CASE("a wrong password is a Redis error, retried until run() is cancelled",
          "[component][mirror]")
{
    test::redis_server server{"s3cret"};
    asio::io_context ioc;
    auto settings = settings_for(server);
    settings.password = "wrong";
    mirror::redis_mirror m{ioc.get_executor(), settings, {}};

    auto body = [&]() -> asio::awaitable<void> {
        while (!m.status().message.starts_with("Redis error: WRONGPASS")) co_await pause(10ms);
        // The server counts the attempts: run() keeps retrying after its backoff.
        auto admin = settings;
        admin.password = "s3cret";
        detail::resp_connection client{co_await asio::this_coro::executor};
        co_await open_client(client, admin);
        auto const info = detail::command({"INFO", "stats"});
        std::optional<long> first;
        for (;;) {
            auto const stats = co_await ask(client, info);
            constexpr std::string_view field = "total_connections_received:";
            auto const at = stats.text.find(field);
            REQUIRE(at != std::string::npos);
            auto const count = std::stol(stats.text.substr(at + field.size()));
            if (!first) first = count;
            if (count >= *first + 3) break;
            co_await pause(20ms);
        }
    };
    auto const r = run_beside(ioc, m.run(), body());
    CHECK_FALSE(r.service_ended_early);
    CHECK(r.stop_latency < 500ms);
    CHECK_FALSE(m.status().connected);
    CHECK(m.status().message.find("s3cret") == std::string::npos);
    CHECK(m.status().message.find("wrong") == std::string::npos);
}

TEST_CASE("a Redis that wants a password we were not given is an error and writes stay queued",
          "[component][mirror]")
{
    test::redis_server server{"s3cret"};
    asio::io_context ioc;
    mirror::redis_mirror m{ioc.get_executor(), settings_for(server), {}};

    auto body = [&]() -> asio::awaitable<void> {
        while (!m.status().message.starts_with("Redis error: NOAUTH")) co_await pause(10ms);
        open(m, 1);
        co_await pause(250ms); // two more attempts fail meanwhile
    };
    auto const r = run_beside(ioc, m.run(), body());
    CHECK_FALSE(r.service_ended_early);
    CHECK_FALSE(m.status().connected);
    CHECK(m.status().queued == 1);
    CHECK(m.status().command_errors == 0);
    CHECK(m.status().dropped == 0);
}

TEST_CASE("AUTH with a user name and SELECT of a database", "[component][mirror]")
{
    test::redis_server server{"s3cret"};
    asio::io_context ioc;
    auto settings = settings_for(server);
    settings.username = "default";
    settings.password = "s3cret";
    settings.database = 3;
    mirror::redis_mirror m{ioc.get_executor(), settings, {}};

    auto body = [&]() -> asio::awaitable<void> {
        auto const sent = open(m, 1);
        while (m.status().written < 1) co_await pause(10ms);
        auto plain = settings;
        plain.database = 0;
        detail::resp_connection client{co_await asio::this_coro::executor};
        co_await open_client(client, plain);
        auto const in_zero = co_await ask(client, lrange_anomalies);
        CHECK(in_zero.elements.empty());
        auto const select = detail::command({"SELECT", "3"});
        auto const selected = co_await ask(client, select);
        CHECK(selected.text == "OK");
        auto const in_three = co_await ask(client, lrange_anomalies);
        CHECK(texts(in_three) == std::vector<std::string>{sent});
    };
    run_beside(ioc, m.run(), body());
}

TEST_CASE("run() ends promptly on terminal cancellation while connected and idle",
          "[component][mirror]")
{
    test::redis_server server;
    asio::io_context ioc;
    mirror::redis_mirror m{ioc.get_executor(), settings_for(server), {}};
    auto body = [&]() -> asio::awaitable<void> {
        while (!m.status().connected) co_await pause(10ms);
        co_await pause(50ms); // waiting on the doorbell now
    };
    auto const r = run_beside(ioc, m.run(), body());
    CHECK_FALSE(r.service_ended_early);
    CHECK(r.stop_latency < 200ms);
}

TEST_CASE("run() ends promptly on terminal cancellation while backing off", "[component][mirror]")
{
    test::redis_server server;
    server.stop();
    asio::io_context ioc;
    auto settings = settings_for(server);
    settings.max_backoff = 30s;
    mirror::redis_mirror m{ioc.get_executor(), settings, {}};
    auto body = [&]() -> asio::awaitable<void> {
        while (!m.status().message.starts_with("Redis error: cannot connect")) co_await pause(10ms);
    };
    auto const r = run_beside(ioc, m.run(), body());
    CHECK_FALSE(r.service_ended_early);
    CHECK(r.stop_latency < 200ms);
    CHECK_FALSE(m.status().connected);
}

TEST_CASE("a disabled mirror keeps nothing and its run() returns at once", "[component][mirror]")
{
    asio::io_context ioc;
    mirror::redis_mirror m{ioc.get_executor(), redis::settings{}, {}};
    open(m, 1);
    CHECK(m.status().queued == 0);
    CHECK_FALSE(m.status().enabled);
    CHECK(m.status().message == "Redis mirroring disabled");
    bool done = false;
    asio::co_spawn(ioc, m.run(), [&](std::exception_ptr e) {
        done = true;
        if (e) std::rethrow_exception(e);
    });
    ioc.run_for(test_timeout);
    CHECK(done);
}
