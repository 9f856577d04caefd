// Streamed responses end to end with Beast: a test route whose handler keeps the stream and
// pushes chunks later, as a Server-Sent Events endpoint does.

#include <wtf/api/server.hpp>
#include <wtf/api/stream.hpp>
#include <wtf/core/periodic.hpp>
#include <wtf/core/time.hpp>
#include <wtf/detect/detector.hpp>
#include <wtf/ingest/pipeline.hpp>
#include <wtf/store/history.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <exception>
#include <memory>
#include <string>

namespace {

using namespace std::chrono_literals;
using namespace wtf;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using core::use_tuple;

constexpr auto test_timeout = 10s; // a deadlock detector, never a wait

// The test route keeps each stream it hands out, for the test to push into.
struct stream_producer {
    std::shared_ptr<api::stream> stream;
    bool closed = false;
    std::size_t max_queued = 64 * 1024;
};

struct fixture {
    fixture()
        : server{ioc.get_executor(),
                 loopback(),
                 api::services{pipeline, history, t0},
                 {api::route{
                     "/test/stream", api::method::get, api::access::data, [this](api::context&) {
                         producer.stream = std::make_shared<api::stream>(producer.max_queued);
                         producer.stream->on_close([this] { producer.closed = true; });
                         api::response r;
                         r.content_type = "text/event-stream";
                         r.stream = producer.stream;
                         return r;
                     }}}}
    {
        server.listen();
        asio::co_spawn(ioc, server.run(), [this](std::exception_ptr e) {
            run_returned = true;
            if (e) failure = e;
        });
    }

    static api::settings loopback()
    {
        api::settings s;
        s.listen_port = 0;
        return s;
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

    asio::io_context ioc;
    core::timestamp t0 = core::now();
    detect::detector detector{detect::settings{}, t0};
    store::history history{store::settings{}};
    ingest::pipeline pipeline{detector, history, ingest::pipeline::limits{}};
    stream_producer producer;
    api::server server;
    bool run_returned = false;
    std::exception_ptr failure;
};

asio::awaitable<beast::tcp_stream> open_stream(std::uint16_t port)
{
    beast::tcp_stream stream{co_await asio::this_coro::executor};
    co_await stream.async_connect(tcp::endpoint{asio::ip::address_v4::loopback(), port},
                                  asio::use_awaitable);
    http::request<http::string_body> req{http::verb::get, "/test/stream", 11};
    req.set(http::field::host, "127.0.0.1");
    co_await http::async_write(stream, req, asio::use_awaitable);
    co_return stream;
}

asio::awaitable<void> pause(std::chrono::milliseconds d)
{
    asio::steady_timer t{co_await asio::this_coro::executor, d};
    co_await t.async_wait(use_tuple);
}

// Catch's assertion macros must not contain co_await (GCC 12): await into variables first.

asio::awaitable<void> chunks_client(fixture& f)
{
    auto stream = co_await open_stream(f.server.port());
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    co_await http::async_read_header(stream, buffer, parser, asio::use_awaitable);
    CHECK(parser.get().result_int() == 200);
    CHECK(parser.get().chunked());
    CHECK(parser.get()[http::field::content_type] == "text/event-stream");
    REQUIRE(f.producer.stream);
    // Pushed after the head went out, one at a time, as events happen.
    CHECK(f.producer.stream->push(std::string{"data: one\n\n"}));
    co_await pause(20ms);
    CHECK(f.producer.stream->push(std::string{"data: two\n\n"}));
    f.producer.stream->finish();
    CHECK_FALSE(f.producer.stream->push(std::string{"data: late\n\n"}));
    co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
    CHECK(parser.get().body() == "data: one\n\ndata: two\n\n");
    for (int i = 0; i < 100 && !f.producer.closed; ++i) co_await pause(10ms);
    CHECK(f.producer.closed);
}

asio::awaitable<void> endless_client(fixture& f)
{
    auto stream = co_await open_stream(f.server.port());
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    co_await http::async_read_header(stream, buffer, parser, asio::use_awaitable);
    REQUIRE(f.producer.stream);
    f.producer.stream->push(std::string{"data: one\n\n"});
    f.server.stop(); // the stream never finishes on its own
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
    CHECK_FALSE(ec); // a whole chunked body: the stop ended it properly
    CHECK(parser.get().body() == "data: one\n\n");
    for (int i = 0; i < 100 && !f.producer.closed; ++i) co_await pause(10ms);
    CHECK(f.producer.closed);
}

asio::awaitable<void> slow_client(fixture& f)
{
    auto stream = co_await open_stream(f.server.port());
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    co_await http::async_read_header(stream, buffer, parser, asio::use_awaitable);
    REQUIRE(f.producer.stream);
    // The client reads nothing more; the producer keeps pushing.
    std::string const chunk(1000, 'x');
    int pushed = 0;
    while (f.producer.stream->push(chunk) && pushed < 100'000) ++pushed;
    CHECK(f.producer.stream->overflowed());
    CHECK(f.producer.closed);
    CHECK(f.producer.stream->queued_bytes() == 0); // what was held is given back
    // The connection is cut: reading on gives an error, not a whole body.
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
    CHECK(ec);
}

asio::awaitable<void> leaving_client(fixture& f)
{
    {
        auto stream = co_await open_stream(f.server.port());
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        co_await http::async_read_header(stream, buffer, parser, asio::use_awaitable);
    } // the client closes its end without a word
    for (int i = 0; i < 100 && !f.producer.closed; ++i) co_await pause(10ms);
    CHECK(f.producer.closed); // noticed without anything being pushed
    CHECK(f.server.open_connections() == 0);
}

} // namespace

TEST_CASE("a streamed response sends each chunk as the handler pushes it, then ends",
          "[component][api]")
{
    fixture f;
    f.drive(chunks_client(f));
    CHECK(f.run_returned);
}

TEST_CASE("stopping the server ends a stream that would never end on its own", "[component][api]")
{
    fixture f;
    f.drive(endless_client(f));
    CHECK(f.run_returned);
    CHECK(f.server.open_connections() == 0);
}

TEST_CASE("a client that falls too far behind is cut off and its queue given back",
          "[component][api]")
{
    fixture f;
    f.producer.max_queued = 16 * 1024;
    f.drive(slow_client(f));
}

TEST_CASE("a client that goes away ends its stream at once", "[component][api]")
{
    fixture f;
    f.drive(leaving_client(f));
}
