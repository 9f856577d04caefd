// The LLM client on a real io_context against the llama.cpp stand-in on loopback.

#include "support/llm_stand_in.hpp"
#include "support/temp_dir.hpp"

#include <wtf/core/utf8.hpp>
#include <wtf/summarize/llm_client.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/value.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>

namespace {

using namespace std::chrono_literals;
using namespace wtf;
namespace asio = boost::asio;
using outcome = std::variant<summarize::chat_reply, summarize::llm_error>;
using clock_type = std::chrono::steady_clock;

constexpr auto test_timeout = 10s; // a deadlock detector, never a wait
std::string const grounded = "One pH spike of 9.8 was detected on sensor_1.";

summarize::llm_settings settings_for(std::string base_url)
{
    summarize::llm_settings s;
    s.base_url = std::move(base_url);
    s.model = "test-model";
    s.timeout = 5s;
    s.connect_timeout = 2s;
    return s;
}

summarize::chat_request question()
{
    return {"You summarise water-treatment anomalies.", "Anomalies: pH spike 9.8 on sensor_1."};
}

asio::awaitable<void> ask_into(summarize::llm_client& client, summarize::chat_request req,
                               std::optional<outcome>& out)
{
    out = co_await client.complete(std::move(req));
}

// One complete() on the test's io_context; stops it as soon as the answer is in.
outcome ask(asio::io_context& ioc, summarize::llm_client& client, asio::cancellation_slot slot = {})
{
    std::optional<outcome> out;
    auto const done = [&ioc](std::exception_ptr e) {
        ioc.stop();
        if (e) std::rethrow_exception(e);
    };
    ioc.restart();
    asio::co_spawn(ioc, ask_into(client, question(), out),
                   asio::bind_cancellation_slot(slot, done));
    ioc.run_for(test_timeout);
    REQUIRE(out.has_value());
    return std::move(*out);
}

summarize::chat_reply reply_of(outcome o)
{
    if (auto const* e = std::get_if<summarize::llm_error>(&o)) FAIL("llm_error: " << e->message);
    return std::get<summarize::chat_reply>(std::move(o));
}

summarize::llm_error error_of(outcome o)
{
    if (auto const* r = std::get_if<summarize::chat_reply>(&o)) FAIL("reply: " << r->content);
    return std::get<summarize::llm_error>(std::move(o));
}

} // namespace

TEST_CASE("The client posts the chat request and returns the answer", "[component]")
{
    asio::io_context ioc;
    test::llm_stand_in server{ioc.get_executor()};
    server.set_content(grounded);
    auto s = settings_for(server.base_url("/v1"));
    s.api_key = "sk-test";
    summarize::llm_client client{ioc.get_executor(), s};
    CHECK(client.endpoint() == server.base_url("/v1") + "/chat/completions");

    auto const r = reply_of(ask(ioc, client));
    CHECK(r.content == grounded);
    CHECK(r.finish_reason == "stop");
    CHECK(r.model == "test-model");
    CHECK(r.raw.find(grounded) != std::string::npos);

    REQUIRE(server.requests().size() == 1);
    auto const& req = server.requests()[0];
    CHECK(req.path == "/v1/chat/completions");
    CHECK(req.authorization == "Bearer sk-test");
    CHECK(req.body.find(R"("temperature":0.1)") != std::string::npos);
    auto const& body = req.json.as_object();
    CHECK(body.at("model").as_string() == "test-model");
    CHECK(body.at("temperature").as_double() == 0.1);
    CHECK(body.at("max_tokens").to_number<std::int64_t>() == 512);
    CHECK(body.at("stream").as_bool() == false);
    auto const& messages = body.at("messages").as_array();
    REQUIRE(messages.size() == 2);
    CHECK(messages[0].at("role").as_string() == "system");
    CHECK(messages[0].at("content").as_string() == question().system);
    CHECK(messages[1].at("role").as_string() == "user");
    CHECK(messages[1].at("content").as_string() == question().user);
}

TEST_CASE("A base URL's path prefix is kept and no key means no Authorization header",
          "[component]")
{
    asio::io_context ioc;
    test::llm_stand_in server{ioc.get_executor()};
    summarize::llm_client client{ioc.get_executor(), settings_for(server.base_url("/engines/v1/"))};
    CHECK(client.endpoint() == server.base_url("/engines/v1") + "/chat/completions");

    reply_of(ask(ioc, client));
    REQUIRE(server.requests().size() == 1);
    CHECK(server.requests()[0].path == "/engines/v1/chat/completions");
    CHECK(server.requests()[0].authorization.empty());
}

TEST_CASE("A reasoning block is passed through as content", "[component]")
{
    asio::io_context ioc;
    test::llm_stand_in server{ioc.get_executor()};
    server.set_content(grounded);
    server.set_mode(test::llm_mode::think);
    summarize::llm_client client{ioc.get_executor(), settings_for(server.base_url())};

    auto const r = reply_of(ask(ioc, client));
    CHECK(r.content.rfind("<think>", 0) == 0);
    CHECK(r.content.find(grounded) != std::string::npos);
}

TEST_CASE("A 500 is retried once and the second answer is returned", "[component]")
{
    asio::io_context ioc;
    test::llm_stand_in server{ioc.get_executor()};
    server.set_content(grounded);
    server.set_mode(test::llm_mode::fail_once);
    summarize::llm_client client{ioc.get_executor(), settings_for(server.base_url())};

    CHECK(reply_of(ask(ioc, client)).content == grounded);
    CHECK(server.requests().size() == 2);
}

TEST_CASE("A 503 twice is an http_status error with the server's message", "[component]")
{
    asio::io_context ioc;
    test::llm_stand_in server{ioc.get_executor()};
    server.set_mode(test::llm_mode::error_503);
    summarize::llm_client client{ioc.get_executor(), settings_for(server.base_url())};

    auto const e = error_of(ask(ioc, client));
    CHECK(e.kind == summarize::llm_failure::http_status);
    CHECK(e.http_status == 503);
    CHECK(e.message == "HTTP 503: Loading model");
    CHECK(server.requests().size() == 2);
}

TEST_CASE("A long error text is cut between characters and stays valid UTF-8", "[component]")
{
    // Issue 11: the text was cut at 200 bytes inside a character and shown in /status.
    asio::io_context ioc;
    test::llm_stand_in server{ioc.get_executor()};
    server.set_mode(test::llm_mode::error_503);
    server.set_error_message(std::string(199, 'x') + "\xC2\xB0"
                                                     "C is too hot\nfor the model");
    summarize::llm_client client{ioc.get_executor(), settings_for(server.base_url())};

    auto const e = error_of(ask(ioc, client));
    CHECK(e.message == "HTTP 503: " + std::string(199, 'x') + "...");
    CHECK(core::is_valid_utf8(e.message));
}

TEST_CASE("A 4xx is not retried and the key never shows in the error", "[component]")
{
    asio::io_context ioc;
    test::llm_stand_in server{ioc.get_executor()};
    server.set_key("right-key");
    auto s = settings_for(server.base_url());
    s.api_key = "wrong-secret";
    summarize::llm_client client{ioc.get_executor(), s};

    auto const e = error_of(ask(ioc, client));
    CHECK(e.kind == summarize::llm_failure::http_status);
    CHECK(e.http_status == 401);
    CHECK(e.message == "HTTP 401: Invalid API Key");
    CHECK(e.message.find("wrong-secret") == std::string::npos);
    CHECK(client.endpoint().find("wrong-secret") == std::string::npos);
    CHECK(server.requests().size() == 1);
}

TEST_CASE("A response that is not a chat completion is malformed", "[component]")
{
    asio::io_context ioc;
    test::llm_stand_in server{ioc.get_executor()};
    server.set_mode(test::llm_mode::malformed);
    summarize::llm_client client{ioc.get_executor(), settings_for(server.base_url())};

    auto const broken = error_of(ask(ioc, client));
    CHECK(broken.kind == summarize::llm_failure::malformed);

    server.set_raw_body(R"({"choices":[{"index":0,"message":{"role":"assistant"}}]})");
    auto const no_content = error_of(ask(ioc, client));
    CHECK(no_content.kind == summarize::llm_failure::malformed);
    CHECK(no_content.message.find("content") != std::string::npos);
    CHECK(server.requests().size() == 2);
}

TEST_CASE("A slow server times out within the request timeout", "[component]")
{
    asio::io_context ioc;
    test::llm_stand_in server{ioc.get_executor()};
    server.set_mode(test::llm_mode::slow);
    server.set_delay(2s);
    auto s = settings_for(server.base_url());
    s.timeout = 300ms;
    summarize::llm_client client{ioc.get_executor(), s};

    auto const start = clock_type::now();
    auto const e = error_of(ask(ioc, client));
    auto const elapsed = clock_type::now() - start;
    CHECK(e.kind == summarize::llm_failure::timeout);
    CHECK(elapsed >= 250ms);
    CHECK(elapsed < 800ms);
}

TEST_CASE("Terminal cancellation ends a request promptly", "[component]")
{
    asio::io_context ioc;
    test::llm_stand_in server{ioc.get_executor()};
    server.set_mode(test::llm_mode::slow);
    server.set_delay(5s);
    summarize::llm_client client{ioc.get_executor(), settings_for(server.base_url())};

    asio::cancellation_signal stop;
    asio::steady_timer timer{ioc, 100ms};
    auto const emit = [&stop](boost::system::error_code const& ec) {
        if (!ec) stop.emit(asio::cancellation_type::terminal);
    };
    timer.async_wait(emit);
    auto const start = clock_type::now();
    auto const e = error_of(ask(ioc, client, stop.slot()));
    CHECK(e.kind == summarize::llm_failure::timeout);
    CHECK(clock_type::now() - start < 1s);
}

TEST_CASE("A refused connection is a connect error", "[component]")
{
    asio::io_context ioc;
    std::uint16_t port = 0;
    {
        asio::ip::tcp::acceptor probe{ioc, {asio::ip::address_v4::loopback(), 0}};
        port = probe.local_endpoint().port();
    }
    summarize::llm_client client{ioc.get_executor(),
                                 settings_for("http://127.0.0.1:" + std::to_string(port) + "/v1")};

    auto const e = error_of(ask(ioc, client));
    CHECK(e.kind == summarize::llm_failure::connect);
    CHECK(e.message.find("refused") != std::string::npos);
}

TEST_CASE("A response beyond max_response_bytes is too_large", "[component]")
{
    asio::io_context ioc;
    test::llm_stand_in server{ioc.get_executor()};
    server.set_content(std::string(4096, 'x'));
    auto s = settings_for(server.base_url());
    s.max_response_bytes = 1024;
    summarize::llm_client client{ioc.get_executor(), s};

    CHECK(error_of(ask(ioc, client)).kind == summarize::llm_failure::too_large);
}

TEST_CASE("Requests reuse one kept-alive connection", "[component]")
{
    asio::io_context ioc;
    test::llm_stand_in server{ioc.get_executor()};
    summarize::llm_client client{ioc.get_executor(), settings_for(server.base_url())};

    reply_of(ask(ioc, client));
    reply_of(ask(ioc, client));
    CHECK(server.requests().size() == 2);
    CHECK(server.connections_accepted() == 1);
}

TEST_CASE("A kept-alive connection the server closed is replaced at once", "[component]")
{
    asio::io_context ioc;
    test::llm_stand_in server{ioc.get_executor()};
    summarize::llm_client client{ioc.get_executor(), settings_for(server.base_url())};

    reply_of(ask(ioc, client));
    server.close_idle_connections();
    auto const start = clock_type::now();
    reply_of(ask(ioc, client));
    CHECK(clock_type::now() - start < 400ms); // no backoff
    CHECK(server.requests().size() == 2);
    CHECK(server.connections_accepted() == 2);
}

TEST_CASE("The key is read from api_key_file", "[component]")
{
    test::temp_dir dir{"wtf-llm"};
    auto const key_file = dir.file("key");
    std::ofstream{key_file} << "  sk-from-file\n";

    asio::io_context ioc;
    test::llm_stand_in server{ioc.get_executor()};
    server.set_key("sk-from-file");
    auto s = settings_for(server.base_url());
    s.api_key_file = key_file;
    summarize::llm_client client{ioc.get_executor(), s};

    reply_of(ask(ioc, client));
    REQUIRE(server.requests().size() == 1);
    CHECK(server.requests()[0].authorization == "Bearer sk-from-file");
}

TEST_CASE("An unreadable api_key_file or a bad base_url throws at construction", "[component]")
{
    asio::io_context ioc;
    auto s = settings_for("http://127.0.0.1:8008/v1");
    s.api_key_file = "/nonexistent/wtf-key";
    try {
        summarize::llm_client client{ioc.get_executor(), s};
        FAIL("no exception");
    } catch (std::invalid_argument const& e) {
        CHECK(std::string(e.what()).find("/nonexistent/wtf-key") != std::string::npos);
    }
    for (auto const* url : {"ftp://host/v1", "localhost:8008/v1", "http:///v1", "not a url",
                            "http://user:secret@host/v1", "http://host:0/v1"}) {
        CAPTURE(url);
        CHECK_THROWS_AS((summarize::llm_client{ioc.get_executor(), settings_for(url)}),
                        std::invalid_argument);
    }
}

TEST_CASE("https verifies the server's certificate against ca_file", "[component]")
{
    test::temp_dir dir{"wtf-llm"};
    auto const cert = dir.file("c.pem");
    auto const key = dir.file("k.pem");
    std::string const command =
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout '" + key + "' -out '" + cert +
        "' -days 1 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1"
        " >/dev/null 2>&1";
    REQUIRE(std::system(command.c_str()) == 0);

    asio::io_context ioc;
    test::llm_stand_in server{ioc.get_executor(), test::llm_tls_files{cert, key}};
    server.set_content(grounded);
    auto s = settings_for(server.base_url());
    REQUIRE(s.base_url.rfind("https://", 0) == 0);

    SECTION("without ca_file the self-signed certificate is refused")
    {
        summarize::llm_client client{ioc.get_executor(), s};
        auto const e = error_of(ask(ioc, client));
        CHECK(e.kind == summarize::llm_failure::connect);
        CHECK(e.message.find("certificate verification") != std::string::npos);
        CHECK(server.requests().empty());
    }
    SECTION("with ca_file it is accepted")
    {
        s.ca_file = cert;
        summarize::llm_client client{ioc.get_executor(), s};
        CHECK(reply_of(ask(ioc, client)).content == grounded);
        CHECK(server.requests().size() == 1);
    }
    SECTION("a missing ca_file throws at construction")
    {
        s.ca_file = dir.file("missing.pem");
        CHECK_THROWS_AS((summarize::llm_client{ioc.get_executor(), s}), std::invalid_argument);
    }
}

TEST_CASE("usage.prompt_tokens and completion_tokens are read from the answer", "[component]")
{
    asio::io_context ioc;
    test::llm_stand_in server{ioc.get_executor()};
    server.set_content(grounded);
    summarize::llm_client client{ioc.get_executor(), settings_for(server.base_url())};
    auto const reply = reply_of(ask(ioc, client));
    REQUIRE(reply.prompt_tokens);
    REQUIRE(reply.completion_tokens);
    auto const q = question();
    CHECK(*reply.prompt_tokens ==
          test::llm_stand_in::count_tokens(q.system) + test::llm_stand_in::count_tokens(q.user));
    CHECK(*reply.completion_tokens == test::llm_stand_in::count_tokens(grounded));
}

namespace {

std::optional<std::size_t> context_of(asio::io_context& ioc, summarize::llm_client& client)
{
    std::optional<std::optional<std::size_t>> out;
    auto task = [&]() -> asio::awaitable<void> { out = co_await client.context_size(); };
    ioc.restart();
    asio::co_spawn(ioc, task(), [&ioc](std::exception_ptr e) {
        ioc.stop();
        if (e) std::rethrow_exception(e);
    });
    ioc.run_for(test_timeout);
    REQUIRE(out.has_value());
    return *out;
}

} // namespace

TEST_CASE("the context size comes from llama.cpp's /props beside /v1", "[component]")
{
    asio::io_context ioc;
    test::llm_stand_in server{ioc.get_executor()};
    server.set_context(4'096);
    summarize::llm_client client{ioc.get_executor(), settings_for(server.base_url())};
    CHECK(context_of(ioc, client) == std::optional<std::size_t>{4'096});
    CHECK(server.props_requests() == 1);
    CHECK(server.requests().empty()); // /props is not a chat request
}

TEST_CASE("a server without /props is not asked again", "[component]")
{
    asio::io_context ioc;
    test::llm_stand_in server{ioc.get_executor()};
    summarize::llm_client client{ioc.get_executor(), settings_for(server.base_url())};
    CHECK_FALSE(context_of(ioc, client));
    CHECK_FALSE(context_of(ioc, client));
    CHECK(server.props_requests() == 1);
}

TEST_CASE("a failed request says how long it took", "[component]")
{
    asio::io_context ioc;
    test::llm_stand_in server{ioc.get_executor()};
    server.set_mode(test::llm_mode::error_503);
    summarize::llm_client client{ioc.get_executor(), settings_for(server.base_url())};
    auto const o = ask(ioc, client);
    REQUIRE(std::holds_alternative<summarize::llm_error>(o));
    // One retry after 500 ms of backoff.
    CHECK(std::get<summarize::llm_error>(o).latency >= 450ms);
}
