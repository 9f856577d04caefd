// GET /events end to end: the daemon's alarm desk and event hub behind a real server, clients on
// loopback sockets. HTTP/1.0 clients get the stream's bytes as they are (no chunk framing), so
// the tests read Server-Sent Events text directly.

#include "app/alarm_desk.hpp"

#include <wtf/api/server.hpp>
#include <wtf/core/periodic.hpp>
#include <wtf/core/time.hpp>
#include <wtf/detect/detector.hpp>
#include <wtf/ingest/pipeline.hpp>
#include <wtf/store/history.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <exception>
#include <optional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

// GCC 12 at -O2 (the asan preset) inlines Asio's awaitable frame allocation into the client's
// coroutines and then pairs the frame's class operator delete with the aligned_alloc underneath
// its operator new: a false positive, GCC PR 109224
// (https://gcc.gnu.org/bugzilla/show_bug.cgi?id=109224).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace {

using namespace std::chrono_literals;
using namespace wtf;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using core::use_tuple;

constexpr auto test_timeout = 10s; // a deadlock detector, never a wait

struct fixture {
    explicit fixture(alarm::stream_settings streams = {})
        : alarms{settings_with(streams), 1000, 10'000, history, t0, 1000},
          server{ioc.get_executor(), loopback(), services()}
    {
        pipeline.on_accepted([this](core::reading const& r) { alarms.on_reading(r); });
        server.listen();
        asio::co_spawn(ioc, server.run(), [this](std::exception_ptr e) {
            if (e) failure = e;
        });
    }

    // Each episode is one spike, opened and ended: two events. Fifty sensors reporting in turn
    // would otherwise drop out between their turns.
    static detect::settings spikes_only()
    {
        detect::settings s;
        s.dropout_gap = 24h;
        s.multivariate.enabled = false;
        return s;
    }

    static alarm::settings settings_with(alarm::stream_settings streams)
    {
        alarm::settings s;
        s.streams = streams;
        return s;
    }

    static api::settings loopback()
    {
        api::settings s;
        s.listen_port = 0;
        return s;
    }

    api::services services()
    {
        api::services svc{pipeline, history, t0};
        svc.alarms = &alarms.services();
        return svc;
    }

    void drive(asio::awaitable<void> client)
    {
        bool done = false;
        asio::co_spawn(ioc, std::move(client), [this, &done](std::exception_ptr e) {
            done = true;
            if (e && !failure) failure = e;
            server.stop();
        });
        ioc.run_for(test_timeout);
        if (failure) std::rethrow_exception(failure);
        REQUIRE(done);
    }

    // One spike of `sensor` that opens and ends: two events.
    void episode(std::string const& sensor)
    {
        ++second;
        spike(sensor, 45.0);
        spike(sensor, 22.0);
    }

    void spike(std::string const& sensor, double temperature)
    {
        core::measurement const m{"temperature", temperature};
        core::reading const r{sensor, t0 + std::chrono::milliseconds{second * 1000 + ++tick},
                              std::span{&m, 1}};
        REQUIRE(std::holds_alternative<sources::ingest_result>(
            pipeline.ingest(std::span{&r, 1}, core::source::http, core::now())));
    }

    asio::io_context ioc;
    core::timestamp t0 = core::now() - 1h;
    detect::detector detector{spikes_only(), t0};
    store::history history{store::settings{}};
    app::alarm_desk alarms;
    std::vector<store::subscription> subscriptions = alarms.subscribe();
    ingest::pipeline pipeline{detector, history, ingest::pipeline::limits{}};
    api::server server;
    std::exception_ptr failure;
    int second = 0;
    int tick = 0;
};

asio::awaitable<void> pause(std::chrono::milliseconds d)
{
    asio::steady_timer t{co_await asio::this_coro::executor, d};
    co_await t.async_wait(use_tuple);
}

// A Server-Sent Events client over HTTP/1.0: what it read of the body, as text.
class client {
public:
    // `receive_buffer`: a small kernel buffer for a client that stops reading.
    static asio::awaitable<client> open(std::uint16_t port, std::string_view target,
                                        std::optional<std::uint64_t> last_event_id = {},
                                        int receive_buffer = 0)
    {
        client c{co_await asio::this_coro::executor};
        c.socket_.open(tcp::v4());
        if (receive_buffer > 0)
            c.socket_.set_option(asio::socket_base::receive_buffer_size{receive_buffer});
        co_await c.socket_.async_connect({asio::ip::address_v4::loopback(), port},
                                         asio::use_awaitable);
        std::string req = "GET " + std::string{target} + " HTTP/1.0\r\nHost: 127.0.0.1\r\n";
        if (last_event_id) req += "Last-Event-ID: " + std::to_string(*last_event_id) + "\r\n";
        req += "\r\n";
        co_await asio::async_write(c.socket_, asio::buffer(req), asio::use_awaitable);
        auto const [ec, n] = co_await asio::async_read_until(
            c.socket_, asio::dynamic_buffer(c.text_), "\r\n\r\n", use_tuple);
        if (!ec) {
            c.head_ = c.text_.substr(0, n);
            c.text_.erase(0, n);
        }
        co_return c;
    }

    // Reads until `text` holds `count` occurrences of `needle`, the server closes, or 5 s pass.
    asio::awaitable<bool> read_until_count(std::string_view needle, std::size_t count)
    {
        auto const deadline = std::chrono::steady_clock::now() + 5s;
        while (occurrences(needle) < count) {
            if (closed_ || std::chrono::steady_clock::now() > deadline) co_return false;
            co_await read_some();
        }
        co_return true;
    }

    // Reads until the server closes the connection (or 5 s pass): true when it did.
    asio::awaitable<bool> read_to_end()
    {
        auto const deadline = std::chrono::steady_clock::now() + 5s;
        while (!closed_ && std::chrono::steady_clock::now() < deadline) co_await read_some();
        co_return closed_;
    }

    std::size_t occurrences(std::string_view needle) const
    {
        std::size_t n = 0;
        for (auto at = text_.find(needle); at != std::string::npos;
             at = text_.find(needle, at + needle.size()))
            ++n;
        return n;
    }

    // The ids of the events read, in order.
    std::vector<std::uint64_t> ids() const
    {
        std::vector<std::uint64_t> out;
        std::size_t start = 0;
        while (start < text_.size()) {
            auto end = text_.find('\n', start);
            if (end == std::string::npos) end = text_.size();
            auto const line = std::string_view{text_}.substr(start, end - start);
            if (line.starts_with("id: ")) out.push_back(std::stoull(std::string{line.substr(4)}));
            start = end + 1;
        }
        return out;
    }

    std::string const& head() const { return head_; }
    std::string const& text() const { return text_; }
    void close() { socket_.close(); }

private:
    explicit client(asio::any_io_executor ex) : socket_{std::move(ex)} {}

    asio::awaitable<void> read_some()
    {
        // The timer may have fired, its handler queued, when the read completes; cancel() cannot
        // take that back, and the client may be gone when it runs. So the handler asks first.
        auto const reading = std::make_shared<bool>(true);
        asio::steady_timer timer{socket_.get_executor(), 100ms};
        timer.async_wait([this, reading](boost::system::error_code ec) {
            if (!ec && *reading) socket_.cancel();
        });
        char buf[16 * 1024];
        auto const [ec, n] = co_await socket_.async_read_some(asio::buffer(buf), use_tuple);
        *reading = false;
        timer.cancel();
        text_.append(buf, n);
        if (ec && ec != asio::error::operation_aborted) closed_ = true;
    }

    tcp::socket socket_;
    std::string head_;
    std::string text_;
    bool closed_ = false;
};

asio::awaitable<void> framing_client(fixture& f)
{
    auto c = co_await client::open(f.server.port(), "/events");
    CHECK(c.head().starts_with("HTTP/1.0 200"));
    CHECK(c.head().find("Content-Type: text/event-stream") != std::string::npos);
    CHECK(c.head().find("Cache-Control: no-cache") != std::string::npos);
    f.episode("wtf-pipe-1");
    auto const got = co_await c.read_until_count("\n\n", 2);
    CHECK(got);
    CHECK(c.text().starts_with("id: 1000\nevent: opened\ndata: {\"id\":1,"));
    CHECK(c.text().find("\nid: 1001\nevent: ended\ndata: {\"id\":1,") != std::string::npos);
    // Nothing happens for a while: a heartbeat comment, which clients ignore.
    auto const beat = co_await c.read_until_count(": heartbeat\n\n", 1);
    CHECK(beat);
}

asio::awaitable<void> resuming_client(fixture& f)
{
    std::uint64_t seen = 0;
    {
        auto c = co_await client::open(f.server.port(), "/events");
        f.episode("wtf-pipe-1");
        auto const got = co_await c.read_until_count("\n\n", 2);
        REQUIRE(got);
        seen = c.ids().back();
        c.close();
    }
    // Missed while away: two episodes, four events.
    f.episode("wtf-pipe-2");
    f.episode("wtf-pipe-3");
    auto again = co_await client::open(f.server.port(), "/events", seen);
    auto const got = co_await again.read_until_count("\n\n", 4);
    CHECK(got);
    co_await pause(200ms); // nothing more comes
    CHECK(again.ids() == std::vector<std::uint64_t>{seen + 1, seen + 2, seen + 3, seen + 4});
    CHECK(again.text().find("event: lost") == std::string::npos);
    CHECK(again.text().find("\"sensor_id\":\"wtf-pipe-2\"") != std::string::npos);
    // From before the buffer's oldest event: told what was lost, then what the buffer holds.
    auto old = co_await client::open(f.server.port(), "/events", 5);
    auto const told = co_await old.read_until_count("\n\n", 7);
    CHECK(told);
    CHECK(old.text().starts_with("event: lost\ndata: {\"last_event_id\":5,\"oldest_id\":1000}"));
}

asio::awaitable<void> slow_and_fast_clients(fixture& f)
{
    // The slow one stops reading after its head; the fast one reads everything.
    auto slow = co_await client::open(f.server.port(), "/events", {}, 4096);
    auto fast = co_await client::open(f.server.port(), "/events");
    constexpr std::size_t episodes =
        600; // 1,200 events of ~600 bytes: far more than the socket buffers
    for (std::size_t i = 0; i < episodes; ++i) {
        f.episode("wtf-pipe-" + std::to_string(i % 50));
        if (i % 20 == 0) {
            auto const kept_up = co_await fast.read_until_count("\n\n", 2 * (i + 1));
            REQUIRE(kept_up);
        }
    }
    auto const all = co_await fast.read_until_count("\n\n", 2 * episodes);
    CHECK(all);
    CHECK(fast.occurrences("event: opened") == episodes);
    auto const stats = f.alarms.events().stats();
    CHECK(stats.cut == 1);
    CHECK(stats.streams == 1); // the slow one's place is given back
    CHECK(stats.buffered_events <= 64);
    // The slow client finds its connection closed once it reads on.
    auto const ended = co_await slow.read_to_end();
    CHECK(ended);
    CHECK(slow.occurrences("event: opened") < episodes);
}

} // namespace

TEST_CASE("an event stream sends each event with its id and name, and heartbeats when idle",
          "[component][api][alarm]")
{
    alarm::stream_settings s;
    s.heartbeat = 200ms;
    fixture f{s};
    f.drive(framing_client(f));
}

TEST_CASE("a client reconnecting with Last-Event-ID gets exactly the events it missed",
          "[component][api][alarm]")
{
    fixture f;
    f.drive(resuming_client(f));
}

TEST_CASE("a client that stops reading is cut off while a fast one keeps up, memory bounded",
          "[component][api][alarm]")
{
    alarm::stream_settings s;
    s.buffer_events = 64;
    fixture f{s};
    f.drive(slow_and_fast_clients(f));
}
