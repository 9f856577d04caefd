#include "support/llm_stand_in.hpp"

#include <wtf/core/periodic.hpp>
#include <wtf/core/json_writer.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <list>
#include <stdexcept>
#include <utility>

namespace wtf::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

using core::use_tuple;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;
constexpr unsigned max_requests_per_connection = 100; // llama.cpp's Keep-Alive max
constexpr auto handshake_timeout = std::chrono::seconds{5};

std::string const default_content =
    "Two anomalies were detected: a pH spike of 9.8 on sensor_1 and a turbidity drift on sensor_2.";

struct connection;

} // namespace

struct detail::llm_stand_in_state {
    explicit llm_stand_in_state(asio::any_io_executor ex) : acceptor{std::move(ex)} {}

    tcp::acceptor acceptor;
    std::unique_ptr<ssl::context> tls;
    std::uint16_t port = 0;
    bool stopped = false;

    llm_mode mode = llm_mode::normal;
    bool failed_once = false;
    std::string content = default_content;
    std::string raw_body;
    std::string error_message = "Loading model";
    std::string key;
    std::string log_path;
    std::chrono::milliseconds delay{2'000};
    std::chrono::milliseconds idle_timeout{5'000};
    std::vector<llm_scripted_answer> script;
    std::size_t next_answer = 0;
    std::size_t n_ctx = 0;
    std::size_t n_predict = 0;
    std::size_t props_requests = 0;

    std::vector<llm_request_record> requests;
    std::size_t accepted = 0;
    std::list<connection*> connections;
    std::uint64_t next_id = 1;
};

namespace {

using state = detail::llm_stand_in_state;

struct connection {
    connection(std::shared_ptr<state> s, tcp::socket socket)
        : owner{std::move(s)},
          delay{socket.get_executor()},
          id{++owner->accepted},
          pos{owner->connections.insert(owner->connections.end(), this)}
    {
        if (owner->tls)
            tls = std::make_unique<tls_stream>(std::move(socket), *owner->tls);
        else
            plain = std::make_unique<beast::tcp_stream>(std::move(socket));
    }
    ~connection() { owner->connections.erase(pos); }
    connection(connection const&) = delete;
    connection& operator=(connection const&) = delete;

    beast::tcp_stream& tcp() noexcept { return tls ? tls->next_layer() : *plain; }

    void close() noexcept
    {
        closed = true;
        beast::error_code ignored;
        if (tcp().socket().is_open()) tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
        tcp().close();
        delay.cancel();
    }

    std::shared_ptr<state> owner;
    std::unique_ptr<beast::tcp_stream> plain;
    std::unique_ptr<tls_stream> tls;
    asio::steady_timer delay;
    std::size_t id;
    std::list<connection*>::iterator pos;
    bool idle = false;
    bool closed = false;
};

struct answer {
    http::status status = http::status::ok;
    std::string body;
    bool delayed = false;
};

std::string error_body(unsigned code, std::string_view message, std::string_view type)
{
    std::string out;
    core::json_writer w{out};
    w.begin_object();
    w.key("error");
    w.begin_object();
    w.member("code", static_cast<std::int64_t>(code));
    w.member("message", message);
    w.member("type", type);
    w.end_object();
    w.end_object();
    return out;
}

struct completion {
    std::string content;
    std::string finish_reason = "stop";
    std::size_t prompt_tokens = 100;
    std::size_t completion_tokens = 0;
};

std::string completion_body(std::size_t n, std::string_view model, completion const& c)
{
    // Keys in llama.cpp's order, which differs from OpenAI's.
    std::string out;
    core::json_writer v{out};
    v.begin_object();
    v.key("choices");
    v.begin_array();
    v.begin_object();
    v.member("finish_reason", std::string_view{c.finish_reason});
    v.member("index", 0);
    v.key("message");
    v.begin_object();
    v.member("role", "assistant");
    v.member("content", std::string_view{c.content});
    v.end_object();
    v.end_object();
    v.end_array();
    v.member("created", static_cast<std::int64_t>(std::time(nullptr)));
    v.member("model", model);
    v.member("system_fingerprint", "b0000-stand-in");
    v.member("object", "chat.completion");
    v.key("usage");
    v.begin_object();
    v.member("completion_tokens", static_cast<std::uint64_t>(c.completion_tokens));
    v.member("prompt_tokens", static_cast<std::uint64_t>(c.prompt_tokens));
    v.member("total_tokens", static_cast<std::uint64_t>(c.prompt_tokens + c.completion_tokens));
    v.end_object();
    v.member("id", "chatcmpl-" + std::to_string(n));
    v.end_object();
    return out;
}

// What llama.cpp does with a prompt longer than its context (n_keep 0): whole blocks of half
// the context are dropped from the start until the rest fits.
std::size_t truncated(std::size_t tokens, std::size_t n_ctx)
{
    if (n_ctx < 2 || tokens < n_ctx) return tokens;
    auto const block = n_ctx / 2;
    auto const erased = (tokens - block) / block;
    return tokens - erased * block;
}

std::string props_body(std::size_t n_ctx)
{
    std::string out;
    core::json_writer w{out};
    w.begin_object();
    w.key("default_generation_settings");
    w.begin_object();
    w.member("n_ctx", static_cast<std::uint64_t>(n_ctx));
    w.member("model", "stand-in.gguf");
    w.end_object();
    w.member("total_slots", 1);
    w.member("chat_template", "");
    w.end_object();
    return out;
}

// The content as the server sends it: cut at the request's max_tokens or the server's own
// limit, whichever is lower, with finish_reason "length".
completion limited(state const& st, json::object const& body, completion c)
{
    std::size_t limit = st.n_predict;
    if (auto const* m = body.if_contains("max_tokens"); m && (m->is_int64() || m->is_uint64())) {
        auto const requested =
            m->is_uint64() ? m->get_uint64()
                           : static_cast<std::uint64_t>(std::max<std::int64_t>(m->get_int64(), 0));
        if (limit == 0 || requested < limit) limit = static_cast<std::size_t>(requested);
    }
    c.completion_tokens = llm_stand_in::count_tokens(c.content);
    if (limit == 0 || c.completion_tokens <= limit) return c;
    auto bytes = std::min(c.content.size(), limit * 4);
    while (bytes > 0 && (static_cast<unsigned char>(c.content[bytes]) & 0xC0) == 0x80) --bytes;
    c.content.resize(bytes);
    c.completion_tokens = limit;
    c.finish_reason = "length";
    return c;
}

answer respond(state& st, http::request<http::string_body> const& req,
               llm_request_record const& rec)
{
    auto const path = std::string_view{rec.path};
    constexpr std::string_view suffix = "/chat/completions";
    bool const known =
        path.size() >= suffix.size() && path.substr(path.size() - suffix.size()) == suffix;
    if (!known || req.method() != http::verb::post)
        return {http::status::not_found, error_body(404, "File Not Found", "not_found_error")};
    if (!st.key.empty() && rec.authorization != "Bearer " + st.key)
        return {http::status::unauthorized,
                error_body(401, "Invalid API Key", "authentication_error")};

    auto const* body = rec.json.if_object();
    auto const* messages = body ? body->if_contains("messages") : nullptr;
    if (!messages || !messages->is_array())
        return {http::status::internal_server_error,
                error_body(500, "\"messages\" is required", "server_error")};
    std::string model = "stand-in";
    if (auto const* m = body->if_contains("model"); m && m->is_string())
        model = std::string(m->get_string());
    std::size_t prompt_tokens = 0;
    for (auto const& message : messages->get_array()) {
        auto const* content =
            message.is_object() ? message.get_object().if_contains("content") : nullptr;
        if (content && content->is_string())
            prompt_tokens += llm_stand_in::count_tokens(content->get_string());
    }
    prompt_tokens = truncated(prompt_tokens, st.n_ctx);
    if (st.mode == llm_mode::truncated) prompt_tokens /= 3;

    auto const n = st.requests.size();
    auto reply = [&](std::string content, bool delayed = false) {
        completion c;
        c.content = std::move(content);
        c.prompt_tokens = prompt_tokens;
        return answer{http::status::ok, completion_body(n, model, limited(st, *body, c)), delayed};
    };
    switch (st.mode) {
    case llm_mode::normal:
    case llm_mode::truncated: break;
    case llm_mode::think:
        return reply("<think>The readings look odd; let me list them.</think>\n" + st.content);
    case llm_mode::fail_once:
        if (!st.failed_once) {
            st.failed_once = true;
            return {http::status::internal_server_error,
                    error_body(500, "Internal server error", "server_error")};
        }
        break;
    case llm_mode::error_503:
        return {http::status::service_unavailable,
                error_body(503, st.error_message, "unavailable_error")};
    case llm_mode::malformed:
        return {http::status::ok,
                st.raw_body.empty() ? std::string{R"({"choices": [})"} : st.raw_body};
    case llm_mode::slow: return reply(st.content, true);
    case llm_mode::wrong_number: return reply("A spike of 99.9 was seen on sensor_1.");
    case llm_mode::script: {
        if (st.script.empty()) return reply(st.content);
        auto const& scripted = st.script[st.next_answer++ % st.script.size()];
        completion c;
        c.content = scripted.content;
        c.finish_reason = scripted.finish_reason;
        c.prompt_tokens = prompt_tokens;
        c = limited(st, *body, c);
        c.finish_reason =
            scripted.finish_reason == "stop" ? c.finish_reason : scripted.finish_reason;
        return {http::status::ok, completion_body(n, model, c)};
    }
    }
    return reply(st.content);
}

void append_log(state const& st, llm_request_record const& rec)
{
    if (st.log_path.empty()) return;
    std::string line;
    core::json_writer w{line};
    w.begin_object();
    w.member("path", std::string_view{rec.path});
    w.member("authorization", std::string_view{rec.authorization});
    w.key("body");
    // The body as sent (so 0.1 stays 0.1), unless it would break the one-line format.
    if (rec.json.is_null())
        w.value(std::string_view{rec.body});
    else if (rec.body.find_first_of("\r\n") == std::string::npos)
        w.raw(rec.body);
    else
        w.raw(json::serialize(rec.json));
    w.end_object();
    std::ofstream out{st.log_path, std::ios::app};
    out << line << '\n';
}

template <class Stream>
asio::awaitable<void> serve(connection& c, Stream& stream)
{
    state& st = *c.owner;
    beast::flat_buffer buffer;
    for (unsigned n = 1; !st.stopped && !c.closed; ++n) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(64 * 1024 * 1024);
        c.idle = buffer.size() == 0;
        c.tcp().expires_after(st.idle_timeout);
        auto [ec, bytes] = co_await http::async_read(stream, buffer, parser, use_tuple);
        c.idle = false;
        if (ec || st.stopped || c.closed) break;
        c.tcp().expires_never();

        auto req = parser.release();
        if (req.method() == http::verb::get && req.target().ends_with("/props")) {
            ++st.props_requests;
            http::response<http::string_body> res{
                st.n_ctx > 0 ? http::status::ok : http::status::not_found, req.version()};
            res.set(http::field::server, "llama.cpp stand-in");
            res.set(http::field::content_type, "application/json; charset=utf-8");
            res.keep_alive(req.keep_alive());
            res.body() = st.n_ctx > 0 ? props_body(st.n_ctx)
                                      : error_body(404, "File Not Found", "not_found_error");
            res.prepare_payload();
            c.tcp().expires_after(std::chrono::seconds{10});
            auto [wec, wn] = co_await http::async_write(stream, res, use_tuple);
            if (wec || !req.keep_alive()) break;
            continue;
        }
        llm_request_record rec;
        rec.path = std::string(req.target());
        rec.authorization = std::string(req[http::field::authorization]);
        rec.body = req.body();
        beast::error_code jec;
        rec.json = json::parse(rec.body, jec);
        if (jec) rec.json = nullptr;
        rec.connection = c.id;
        auto const out = respond(st, req, rec);
        append_log(st, rec);
        st.requests.push_back(std::move(rec));

        if (out.delayed) {
            c.delay.expires_after(st.delay);
            [[maybe_unused]] auto [dec] = co_await c.delay.async_wait(use_tuple);
            if (st.stopped || c.closed) break;
        }

        http::response<http::string_body> res{out.status, req.version()};
        res.set(http::field::server, "llama.cpp stand-in");
        res.set(http::field::content_type, "application/json; charset=utf-8");
        bool const keep_alive = req.keep_alive() && n < max_requests_per_connection;
        res.keep_alive(keep_alive);
        if (keep_alive) res.set("Keep-Alive", "timeout=5, max=100");
        res.body() = out.body;
        res.prepare_payload();
        c.tcp().expires_after(std::chrono::seconds{10});
        auto [wec, wn] = co_await http::async_write(stream, res, use_tuple);
        if (wec || !keep_alive) break;
    }
}

asio::awaitable<void> session(std::unique_ptr<connection> c)
{
    if (c->tls) {
        c->tcp().expires_after(handshake_timeout);
        auto [ec] = co_await c->tls->async_handshake(ssl::stream_base::server, use_tuple);
        if (!ec) co_await serve(*c, *c->tls);
    } else {
        co_await serve(*c, *c->plain);
    }
    c->close();
}

asio::awaitable<void> accept_loop(std::shared_ptr<state> st)
{
    while (!st->stopped && st->acceptor.is_open()) {
        auto [ec, socket] = co_await st->acceptor.async_accept(use_tuple);
        if (ec) {
            if (ec == asio::error::operation_aborted || st->stopped) break;
            continue;
        }
        auto c = std::make_unique<connection>(st, std::move(socket));
        asio::co_spawn(st->acceptor.get_executor(), session(std::move(c)), asio::detached);
    }
}

} // namespace

std::optional<llm_mode> llm_mode_from(std::string_view name)
{
    if (name == "normal") return llm_mode::normal;
    if (name == "think") return llm_mode::think;
    if (name == "fail-once") return llm_mode::fail_once;
    if (name == "error-503") return llm_mode::error_503;
    if (name == "malformed") return llm_mode::malformed;
    if (name == "slow") return llm_mode::slow;
    if (name == "wrong-number") return llm_mode::wrong_number;
    if (name == "script") return llm_mode::script;
    if (name == "truncated") return llm_mode::truncated;
    return std::nullopt;
}

std::vector<llm_scripted_answer> read_script(std::string const& path)
{
    std::ifstream in{path};
    if (!in) throw std::runtime_error("cannot read " + path);
    std::vector<llm_scripted_answer> out;
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        beast::error_code ec;
        auto const v = json::parse(line, ec);
        auto const* o = ec ? nullptr : v.if_object();
        auto const* content = o ? o->if_contains("content") : nullptr;
        if (!content || !content->is_string())
            throw std::runtime_error(path + ":" + std::to_string(number) +
                                     ": not an object with a \"content\" string");
        llm_scripted_answer a;
        a.content = std::string(content->get_string());
        if (auto const* f = o->if_contains("finish_reason"); f && f->is_string())
            a.finish_reason = std::string(f->get_string());
        out.push_back(std::move(a));
    }
    return out;
}

std::size_t llm_stand_in::count_tokens(std::string_view text)
{
    std::size_t singles = 0; // digits and punctuation
    std::size_t letters = 0; // letters and spaces
    std::size_t other = 0;   // bytes beyond ASCII
    for (char c : text) {
        bool const letter =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == ' ' || c == '\n';
        if (letter)
            ++letters;
        else if (static_cast<unsigned char>(c) < 0x80)
            ++singles;
        else
            ++other;
    }
    return singles + (letters + 3) / 4 + (other + 1) / 2 + 4;
}

llm_stand_in::llm_stand_in(asio::any_io_executor ex, std::optional<llm_tls_files> tls)
    : state_{std::make_shared<state>(ex)}
{
    if (tls) {
        state_->tls = std::make_unique<ssl::context>(ssl::context::tls_server);
        state_->tls->use_certificate_chain_file(tls->certificate);
        state_->tls->use_private_key_file(tls->private_key, ssl::context::pem);
    }
    tcp::endpoint const at{asio::ip::address_v4::loopback(), 0};
    auto& a = state_->acceptor;
    a.open(at.protocol());
    a.set_option(asio::socket_base::reuse_address(true));
    a.bind(at);
    a.listen();
    state_->port = a.local_endpoint().port();
    asio::co_spawn(ex, accept_loop(state_), asio::detached);
}

llm_stand_in::~llm_stand_in() { stop(); }

std::uint16_t llm_stand_in::port() const noexcept { return state_->port; }

std::string llm_stand_in::base_url(std::string_view prefix) const
{
    return std::string(state_->tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port()) +
           std::string(prefix);
}

void llm_stand_in::set_mode(llm_mode m)
{
    state_->mode = m;
    state_->failed_once = false;
}

void llm_stand_in::set_content(std::string text) { state_->content = std::move(text); }
void llm_stand_in::set_delay(std::chrono::milliseconds d) { state_->delay = d; }
void llm_stand_in::set_raw_body(std::string body) { state_->raw_body = std::move(body); }
void llm_stand_in::set_error_message(std::string text) { state_->error_message = std::move(text); }
void llm_stand_in::set_key(std::string key) { state_->key = std::move(key); }
void llm_stand_in::set_idle_timeout(std::chrono::milliseconds d) { state_->idle_timeout = d; }
void llm_stand_in::set_log(std::string path) { state_->log_path = std::move(path); }
void llm_stand_in::set_script(std::vector<llm_scripted_answer> answers)
{
    state_->script = std::move(answers);
    state_->next_answer = 0;
}
void llm_stand_in::set_context(std::size_t n_ctx) { state_->n_ctx = n_ctx; }
void llm_stand_in::set_predict_limit(std::size_t n_predict) { state_->n_predict = n_predict; }
std::size_t llm_stand_in::props_requests() const noexcept { return state_->props_requests; }

void llm_stand_in::close_idle_connections()
{
    for (auto* c : state_->connections)
        if (c->idle) c->close();
}

void llm_stand_in::stop()
{
    auto& st = *state_;
    st.stopped = true;
    beast::error_code ignored;
    st.acceptor.close(ignored);
    for (auto* c : st.connections) c->close();
}

std::vector<llm_request_record> const& llm_stand_in::requests() const noexcept
{
    return state_->requests;
}

std::size_t llm_stand_in::connections_accepted() const noexcept { return state_->accepted; }

} // namespace wtf::test
