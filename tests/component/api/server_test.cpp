// The API server on a real io_context, driven by Beast clients over loopback.

#include <wtf/core/periodic.hpp>
#include <wtf/api/server.hpp>
#include <wtf/core/time.hpp>
#include <wtf/core/version.hpp>
#include <wtf/detect/detector.hpp>
#include <wtf/ingest/pipeline.hpp>
#include <wtf/store/history.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/system/system_error.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <exception>
#include <optional>
#include <string>

namespace {

using namespace std::chrono_literals;
using namespace wtf;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using reply = http::response<http::string_body>;

constexpr auto test_timeout = 10s; // a deadlock detector, never a wait
using core::use_tuple;

api::settings loopback()
{
    api::settings s;
    s.listen_host = "127.0.0.1";
    s.listen_port = 0;
    return s;
}

// A server over a real detector, history and pipeline, accepting on 127.0.0.1:<free port>.
struct fixture {
    explicit fixture(api::settings s = loopback())
        : server{ioc.get_executor(), s, api::services{pipeline, history, t0}}
    {
        server.listen();
        auto on_run_end = [this](std::exception_ptr e) {
            run_returned = true;
            if (e) failure = e;
        };
        asio::co_spawn(ioc, server.run(), on_run_end);
    }

    // Runs one client task to its end, then stops the server; all of it within test_timeout.
    void drive(asio::awaitable<void> client)
    {
        bool done = false;
        auto on_done = [this, &done](std::exception_ptr e) {
            done = true;
            if (e && !failure) failure = e;
            server.stop();
        };
        asio::co_spawn(ioc, std::move(client), on_done);
        auto const started = std::chrono::steady_clock::now();
        ioc.run_for(test_timeout);
        elapsed = std::chrono::steady_clock::now() - started;
        if (failure) std::rethrow_exception(failure);
        REQUIRE(done);
    }

    asio::io_context ioc;
    core::timestamp t0 = core::now();
    detect::detector detector{detect::settings{}, t0};
    store::history history{store::settings{}};
    ingest::pipeline pipeline{detector, history, ingest::pipeline::limits{}};
    api::server server;
    bool run_returned = false;
    std::exception_ptr failure;
    std::chrono::steady_clock::duration elapsed{};
};

asio::awaitable<beast::tcp_stream> connect(std::uint16_t port)
{
    beast::tcp_stream stream{co_await asio::this_coro::executor};
    co_await stream.async_connect(tcp::endpoint{asio::ip::address_v4::loopback(), port},
                                  asio::use_awaitable);
    co_return stream;
}

asio::awaitable<reply> read_reply(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                  bool head = false)
{
    http::response_parser<http::string_body> parser;
    parser.skip(head); // a HEAD reply has a Content-Length but no body
    co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
    co_return parser.release();
}

http::request<http::string_body> make_request(http::verb verb, std::string target,
                                              std::string body = {})
{
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!body.empty()) {
        req.set(http::field::content_type, "application/json");
        req.body() = std::move(body);
    }
    req.prepare_payload();
    return req;
}

asio::awaitable<reply> exchange(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                http::request<http::string_body> req)
{
    co_await http::async_write(stream, req, asio::use_awaitable);
    co_return co_await read_reply(stream, buffer, req.method() == http::verb::head);
}

asio::awaitable<void> send_raw(beast::tcp_stream& stream, std::string text)
{
    co_await asio::async_write(stream, asio::buffer(text), asio::use_awaitable);
}

// True when the server has closed the connection (end of stream or reset), not sent more.
asio::awaitable<bool> closed_by_server(beast::tcp_stream& stream)
{
    char byte = 0;
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(&byte, 1), use_tuple);
    co_return ec == asio::error::eof || ec == asio::error::connection_reset;
}

std::string detail_of(reply const& r)
{
    return std::string{json::parse(r.body()).at("detail").as_string()};
}

// Catch's assertion macros must not contain co_await: the GCC 12 coroutine transform mishandles
// the temporaries of their expression templates. Await into a named variable, then check it.
// ---------------------------------------------------------------------------------------------

asio::awaitable<void> keep_alive_client(std::uint16_t port)
{
    auto stream = co_await connect(port);
    beast::flat_buffer buffer;
    for (int i = 0; i < 2; ++i) {
        auto const r = co_await exchange(stream, buffer, make_request(http::verb::get, "/status"));
        CHECK(r.result_int() == 200);
        CHECK(r.keep_alive());
        CHECK(r[http::field::content_type] == "application/json");
        CHECK(r[http::field::server] == "wtfd/" + std::string{core::version()});
        auto const body = json::parse(r.body());
        CHECK(body.at("data_stream").at("message") == "No data received yet");
    }
}

asio::awaitable<void> head_client(std::uint16_t port)
{
    auto stream = co_await connect(port);
    beast::flat_buffer buffer;
    auto const get = co_await exchange(stream, buffer, make_request(http::verb::get, "/summary"));
    auto const head = co_await exchange(stream, buffer, make_request(http::verb::head, "/summary"));
    CHECK(head.result_int() == 200);
    CHECK(head.body().empty());
    CHECK(head[http::field::content_length] == std::to_string(get.body().size()));
    // The connection is still in step: the HEAD sent no body bytes.
    auto const again = co_await exchange(stream, buffer, make_request(http::verb::get, "/summary"));
    CHECK(again.body() == get.body());
}

asio::awaitable<void> too_large_client(std::uint16_t port)
{
    auto stream = co_await connect(port);
    beast::flat_buffer buffer;
    co_await send_raw(stream,
                      "POST /readings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      "Content-Length: 2000000\r\n\r\n{\"sensor_id\": ");
    auto const r = co_await read_reply(stream, buffer);
    CHECK(r.result_int() == 413);
    CHECK(detail_of(r) == "request body exceeds 1048576 bytes");
    CHECK_FALSE(r.keep_alive());
    bool const stream_closed = co_await closed_by_server(stream);
    CHECK(stream_closed);
}

asio::awaitable<void> huge_header_client(std::uint16_t port)
{
    auto stream = co_await connect(port);
    beast::flat_buffer buffer;
    auto req = make_request(http::verb::get, "/status");
    req.set("X-Padding", std::string(10'000, 'a'));
    auto const r = co_await exchange(stream, buffer, std::move(req));
    CHECK(r.result_int() == 431);
    CHECK(detail_of(r) == "request header fields too large");
    bool const stream_closed = co_await closed_by_server(stream);
    CHECK(stream_closed);
}

asio::awaitable<void> malformed_client(std::uint16_t port)
{
    auto stream = co_await connect(port);
    beast::flat_buffer buffer;
    co_await send_raw(stream, "GET /status HTTP/1.1\r\nHost x\r\n\r\n");
    auto const r = co_await read_reply(stream, buffer);
    CHECK(r.result_int() == 400);
    CHECK(detail_of(r) == "malformed HTTP request");
    bool const stream_closed = co_await closed_by_server(stream);
    CHECK(stream_closed);
}

asio::awaitable<void> silent_client(std::uint16_t port, std::chrono::steady_clock::duration& waited)
{
    auto stream = co_await connect(port);
    auto const started = std::chrono::steady_clock::now();
    bool const stream_closed = co_await closed_by_server(stream);
    CHECK(stream_closed);
    waited = std::chrono::steady_clock::now() - started;
}

asio::awaitable<void> crowd_client(std::uint16_t port, api::server& server)
{
    auto first = co_await connect(port);
    auto second = co_await connect(port);
    beast::flat_buffer b1;
    beast::flat_buffer b2;
    // Answered requests prove both connections were accepted and counted.
    auto const r1 = co_await exchange(first, b1, make_request(http::verb::get, "/status"));
    auto const r2 = co_await exchange(second, b2, make_request(http::verb::get, "/status"));
    CHECK(r1.result_int() == 200);
    CHECK(r2.result_int() == 200);
    CHECK(server.open_connections() == 2);

    auto third = co_await connect(port);
    bool const third_closed = co_await closed_by_server(third);
    CHECK(third_closed);
    CHECK(server.open_connections() == 2);
    auto const r3 = co_await exchange(first, b1, make_request(http::verb::get, "/summary"));
    CHECK(r3.result_int() == 200);
}

asio::awaitable<void> stopping_client(std::uint16_t port, api::server& server)
{
    auto stream = co_await connect(port);
    beast::flat_buffer buffer;
    auto const r = co_await exchange(stream, buffer, make_request(http::verb::get, "/status"));
    CHECK(r.keep_alive());
    CHECK(server.open_connections() == 1);
    server.stop();
    bool const stream_closed = co_await closed_by_server(stream);
    CHECK(stream_closed);
}

asio::awaitable<void> pipelining_client(std::uint16_t port)
{
    auto stream = co_await connect(port);
    beast::flat_buffer buffer;
    co_await send_raw(stream, "GET /status HTTP/1.1\r\nHost: x\r\n\r\n"
                              "GET /anomalies HTTP/1.1\r\nHost: x\r\n\r\n"
                              "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
    auto const first = co_await read_reply(stream, buffer);
    auto const second = co_await read_reply(stream, buffer);
    auto const third = co_await read_reply(stream, buffer);
    CHECK(first.result_int() == 200);
    CHECK(json::parse(first.body()).as_object().contains("data_stream"));
    CHECK(second.result_int() == 200);
    CHECK(second.body() == "[]");
    CHECK(third.result_int() == 404);
}

asio::awaitable<void> http10_client(std::uint16_t port)
{
    auto stream = co_await connect(port);
    beast::flat_buffer buffer;
    auto req = make_request(http::verb::get, "/status");
    req.version(10);
    auto const r = co_await exchange(stream, buffer, std::move(req));
    CHECK(r.result_int() == 200);
    CHECK(r.version() == 10);
    CHECK_FALSE(r.keep_alive());
    bool const stream_closed = co_await closed_by_server(stream);
    CHECK(stream_closed);
}

asio::awaitable<void> ingest_client(std::uint16_t port, std::string reading)
{
    auto stream = co_await connect(port);
    beast::flat_buffer buffer;

    auto const refused =
        co_await exchange(stream, buffer, make_request(http::verb::post, "/readings", reading));
    CHECK(refused.result_int() == 401);
    CHECK(refused[http::field::www_authenticate] == "Bearer");

    auto wrong_verb = co_await exchange(stream, buffer, make_request(http::verb::put, "/status"));
    CHECK(wrong_verb.result_int() == 405);
    CHECK(wrong_verb[http::field::allow] == "GET, HEAD");

    // curl's way with larger bodies: wait for 100 Continue before sending the body.
    auto req = make_request(http::verb::post, "/readings", reading);
    req.set(http::field::authorization, "Bearer s3cret");
    req.set(http::field::expect, "100-continue");
    http::request_serializer<http::string_body> serializer{req};
    co_await http::async_write_header(stream, serializer, asio::use_awaitable);
    http::response<http::empty_body> interim;
    co_await http::async_read(stream, buffer, interim, asio::use_awaitable);
    CHECK(interim.result() == http::status::continue_);
    co_await http::async_write(stream, serializer, asio::use_awaitable);
    auto const accepted = co_await read_reply(stream, buffer);
    CHECK(accepted.result_int() == 200);
    CHECK(json::parse(accepted.body()) ==
          json::parse(R"({"accepted": 1, "stale": 0, "ignored_fields": 0})"));

    auto const anomalies =
        co_await exchange(stream, buffer, make_request(http::verb::get, "/anomalies"));
    auto const list = json::parse(anomalies.body()).as_array();
    REQUIRE(list.size() == 1);
    CHECK(list[0].at("message") == "Temperature spike detected: 45.2");
}

// Leaves the session mid-request: the first response proves the server has read the second,
// unfinished request too.
asio::awaitable<void> start_second_request(beast::tcp_stream& stream, beast::flat_buffer& buffer)
{
    co_await send_raw(stream, "GET /status HTTP/1.1\r\nHost: x\r\n\r\nGET /summary HTTP/1.1\r\n");
    auto const first = co_await read_reply(stream, buffer);
    CHECK(first.result_int() == 200);
}

asio::awaitable<void> mid_request_stop_client(std::uint16_t port, api::server& server)
{
    auto stream = co_await connect(port);
    beast::flat_buffer buffer;
    co_await start_second_request(stream, buffer);
    server.stop();
    CHECK(server.open_connections() == 1);
    co_await send_raw(stream, "Host: x\r\n\r\n");
    auto const second = co_await read_reply(stream, buffer);
    CHECK(second.result_int() == 200);
    CHECK_FALSE(second.keep_alive());
    bool const stream_closed = co_await closed_by_server(stream);
    CHECK(stream_closed);
}

asio::awaitable<void> abort_client(std::uint16_t port, api::server& server)
{
    auto stream = co_await connect(port);
    beast::flat_buffer buffer;
    co_await start_second_request(stream, buffer);
    server.abort();
    bool const stream_closed = co_await closed_by_server(stream);
    CHECK(stream_closed);
}

asio::awaitable<void> orphaning_client(std::uint16_t port, std::optional<api::server>& server)
{
    auto stream = co_await connect(port);
    beast::flat_buffer buffer;
    auto const r = co_await exchange(stream, buffer, make_request(http::verb::get, "/status"));
    CHECK(r.result_int() == 200);
    server.reset(); // the session and the accept loop are still suspended
    bool const stream_closed = co_await closed_by_server(stream);
    CHECK(stream_closed);
}

} // namespace

TEST_CASE("GET /status twice over one keep-alive connection", "[component][api]")
{
    fixture f;
    CHECK(f.server.port() != 0);
    f.drive(keep_alive_client(f.server.port()));
}

TEST_CASE("HEAD answers the GET's Content-Length without a body", "[component][api]")
{
    fixture f;
    f.drive(head_client(f.server.port()));
}

TEST_CASE("a Content-Length over max_body_bytes gets 413 and the connection closes",
          "[component][api]")
{
    fixture f;
    f.drive(too_large_client(f.server.port()));
}

TEST_CASE("request headers over max_header_bytes get 431", "[component][api]")
{
    fixture f;
    f.drive(huge_header_client(f.server.port()));
}

TEST_CASE("a malformed request gets 400 and the connection closes", "[component][api]")
{
    fixture f;
    f.drive(malformed_client(f.server.port()));
}

TEST_CASE("a silent connection is closed after the idle timeout", "[component][api]")
{
    auto s = loopback();
    s.idle_timeout = 200ms;
    fixture f{s};
    std::chrono::steady_clock::duration waited{};
    f.drive(silent_client(f.server.port(), waited));
    CHECK(waited >= 150ms);
    CHECK(waited < 5s);
}

TEST_CASE("connections beyond max_connections are closed at once", "[component][api]")
{
    auto s = loopback();
    s.max_connections = 2;
    fixture f{s};
    f.drive(crowd_client(f.server.port(), f.server));
}

TEST_CASE("stop() closes idle keep-alive connections and run() returns", "[component][api]")
{
    fixture f;
    f.drive(stopping_client(f.server.port(), f.server));
    CHECK(f.run_returned);
    CHECK(f.server.open_connections() == 0);
    CHECK(f.elapsed < 5s); // nothing was left waiting for test_timeout
}

TEST_CASE("stop() lets a request in flight finish, then closes its connection", "[component][api]")
{
    fixture f;
    f.drive(mid_request_stop_client(f.server.port(), f.server));
    CHECK(f.run_returned);
    CHECK(f.server.open_connections() == 0);
}

TEST_CASE("abort() closes connections mid-request", "[component][api]")
{
    fixture f;
    f.drive(abort_client(f.server.port(), f.server));
    CHECK(f.run_returned);
    CHECK(f.server.open_connections() == 0);
    CHECK(f.elapsed < 5s);
}

TEST_CASE("pipelined requests are answered in order", "[component][api]")
{
    fixture f;
    f.drive(pipelining_client(f.server.port()));
}

TEST_CASE("an HTTP/1.0 request without keep-alive closes after the response", "[component][api]")
{
    fixture f;
    f.drive(http10_client(f.server.port()));
}

TEST_CASE("POST /readings over HTTP needs the token and feeds GET /anomalies", "[component][api]")
{
    auto s = loopback();
    s.ingest_token = "s3cret";
    fixture f{s};
    std::string reading = R"({"timestamp": ")" + core::format_rfc3339(f.t0) +
                          R"(", "sensor_id": "wtf-pipe-1", "temperature": 45.2})";
    f.drive(ingest_client(f.server.port(), std::move(reading)));
}

TEST_CASE("listen() on a taken port throws naming the address", "[component][api]")
{
    fixture f;
    auto s = loopback();
    s.listen_port = f.server.port();
    api::server second{f.ioc.get_executor(), s, api::services{f.pipeline, f.history, f.t0}};
    std::string const where = "127.0.0.1:" + std::to_string(f.server.port());
    CHECK_THROWS_WITH(second.listen(), Catch::Contains(where));
    f.server.stop();
    f.ioc.run_for(test_timeout);
    CHECK(f.run_returned);
}

TEST_CASE("destroying the server with live connections ends them safely", "[component][api]")
{
    asio::io_context ioc;
    auto const t0 = core::now();
    detect::detector detector{detect::settings{}, t0};
    store::history history{store::settings{}};
    ingest::pipeline pipeline{detector, history, ingest::pipeline::limits{}};
    std::optional<api::server> server;
    server.emplace(ioc.get_executor(), loopback(), api::services{pipeline, history, t0});
    server->listen();
    bool run_returned = false;
    auto on_run_end = [&run_returned](std::exception_ptr) { run_returned = true; };
    asio::co_spawn(ioc, server->run(), on_run_end);

    bool done = false;
    std::exception_ptr failure;
    auto on_done = [&done, &failure](std::exception_ptr e) {
        done = true;
        failure = e;
    };
    asio::co_spawn(ioc, orphaning_client(server->port(), server), on_done);
    ioc.run_for(test_timeout);
    if (failure) std::rethrow_exception(failure);
    CHECK(done);
    CHECK(run_returned);
}
