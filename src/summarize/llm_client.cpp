#include <wtf/summarize/llm_client.hpp>

#include <wtf/core/deadline.hpp>
#include <wtf/core/periodic.hpp>
#include <wtf/core/json_writer.hpp>
#include <wtf/core/utf8.hpp>
#include <wtf/core/version.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/verify_mode.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <utility>

namespace wtf::summarize {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

using clock = std::chrono::steady_clock;
using result_type = std::variant<chat_reply, llm_error>;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

using core::ms_text;
using core::use_tuple;
constexpr auto retry_backoff = std::chrono::milliseconds{500};
constexpr std::size_t max_error_text = 200;

// One connection to the server, plain or TLS, with the bytes read past the last response.
struct connection {
    std::unique_ptr<beast::tcp_stream> plain;
    std::unique_ptr<tls_stream> tls;
    beast::flat_buffer buffer;

    beast::tcp_stream& tcp() noexcept { return tls ? tls->next_layer() : *plain; }
};

struct exchange_result {
    beast::error_code ec;
    bool got_some = false; // a byte of the response arrived
    http::response<http::string_body> response;
};

// One try on one connection: the response, or why there was none. `retryable` (a connection
// error) and `stale` (a reused connection the server had closed) tell complete() whether to go
// again.
struct attempt {
    std::variant<http::response<http::string_body>, llm_error> result;
    bool retryable = false;
    bool stale = false;
};

std::optional<std::size_t> count_of(json::object const& o, std::string_view key)
{
    auto const* v = o.if_contains(key);
    if (!v) return std::nullopt;
    if (v->is_uint64()) return static_cast<std::size_t>(v->get_uint64());
    if (v->is_int64() && v->get_int64() >= 0) return static_cast<std::size_t>(v->get_int64());
    return std::nullopt;
}

llm_error failure(llm_failure kind, std::string message, unsigned status = 0)
{
    return llm_error{kind, std::move(message), status};
}

std::string trim(std::string s)
{
    auto const space = [](unsigned char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    };
    auto const first = std::find_if_not(s.begin(), s.end(), space);
    auto const last = std::find_if_not(s.rbegin(), s.rend(), space).base();
    return first < last ? std::string(first, last) : std::string{};
}

std::string read_key_file(std::string const& path)
{
    std::ifstream in{path, std::ios::binary};
    if (!in) throw std::invalid_argument("llm.api_key_file: cannot read " + path);
    std::string text{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
    if (in.bad()) throw std::invalid_argument("llm.api_key_file: cannot read " + path);
    auto key = trim(std::move(text));
    if (key.empty()) throw std::invalid_argument("llm.api_key_file: " + path + " is empty");
    return key;
}

bool is_ip_address(std::string const& host)
{
    beast::error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

// "HTTP 503: Loading model" from llama.cpp's {"error":{"code":503,"message":...}} or Ollama's
// {"error":"..."}; "HTTP 404" when the body says nothing usable.
std::string status_message(unsigned status, std::string const& body)
{
    std::string message = "HTTP " + std::to_string(status);
    beast::error_code ec;
    auto const v = json::parse(body, ec);
    if (ec || !v.is_object()) return message;
    auto const* error = v.as_object().if_contains("error");
    if (!error) return message;
    if (error->is_string())
        return message + ": " + core::excerpt(error->get_string(), max_error_text);
    if (!error->is_object()) return message;
    auto const* text = error->as_object().if_contains("message");
    if (text && text->is_string())
        return message + ": " + core::excerpt(text->get_string(), max_error_text);
    return message;
}

// choices[0].message.content, or what was missing.
result_type parse_reply(std::string body)
{
    beast::error_code ec;
    auto const v = json::parse(body, ec);
    if (ec) return failure(llm_failure::malformed, "response is not JSON: " + ec.message());
    auto const* root = v.if_object();
    if (!root) return failure(llm_failure::malformed, "response is not a JSON object");
    auto const* choices = root->if_contains("choices");
    if (!choices || !choices->is_array() || choices->get_array().empty())
        return failure(llm_failure::malformed, "response has no choices");
    auto const* choice = choices->get_array()[0].if_object();
    if (!choice) return failure(llm_failure::malformed, "choices[0] is not an object");
    auto const* message = choice->if_contains("message");
    if (!message || !message->is_object())
        return failure(llm_failure::malformed, "choices[0] has no message");
    auto const* content = message->get_object().if_contains("content");
    if (!content || !content->is_string())
        return failure(llm_failure::malformed, "choices[0].message.content is not a string");

    chat_reply reply;
    reply.content = std::string(content->get_string());
    if (auto const* f = choice->if_contains("finish_reason"); f && f->is_string())
        reply.finish_reason = std::string(f->get_string());
    if (auto const* m = root->if_contains("model"); m && m->is_string())
        reply.model = std::string(m->get_string());
    if (auto const* usage = root->if_contains("usage"); usage && usage->is_object()) {
        reply.prompt_tokens = count_of(usage->get_object(), "prompt_tokens");
        reply.completion_tokens = count_of(usage->get_object(), "completion_tokens");
    }
    reply.raw = std::move(body);
    return reply;
}

asio::awaitable<bool> cancelled()
{
    auto const state = co_await asio::this_coro::cancellation_state;
    co_return state.cancelled() != asio::cancellation_type::none;
}

llm_error cancelled_error() { return failure(llm_failure::timeout, "request cancelled"); }

} // namespace

struct llm_client::impl {
    impl(asio::any_io_executor e, llm_settings s);

    asio::awaitable<result_type> complete(chat_request req);
    asio::awaitable<result_type> complete_within(http::request<http::string_body> const& request,
                                                 clock::time_point deadline);
    asio::awaitable<std::optional<std::size_t>> context_size();
    asio::awaitable<attempt> try_once(http::request<http::string_body> const& req,
                                      clock::time_point deadline);
    asio::awaitable<std::variant<std::unique_ptr<connection>, llm_error>>
    open(clock::time_point deadline);
    template <class Stream>
    asio::awaitable<exchange_result> exchange(Stream& stream, connection& c,
                                              http::request<http::string_body> const& req,
                                              clock::time_point deadline);
    http::request<http::string_body> make_request(chat_request const& req) const;

    asio::any_io_executor ex;
    llm_settings const configured; // as given, to compare at a reload
    llm_settings cfg;
    bool https = false;
    std::string host; // for resolving and certificate checks, IPv6 without brackets
    std::string port;
    std::string host_header;   // as in the URL, with the port when it is not the default
    std::string target;        // "/v1/chat/completions"
    std::string props_target;  // "/props": llama.cpp's, at the server's root
    bool props_absent = false; // the server answered 404 (or 405) to GET /props
    std::string endpoint;
    std::string authorization;
    std::string user_agent;
    std::unique_ptr<ssl::context> tls_ctx;
    // Kept after a keep-alive answer; the next request tries it first.
    std::unique_ptr<connection> idle;
};

llm_client::impl::impl(asio::any_io_executor e, llm_settings s)
    : ex{std::move(e)}, configured{s}, cfg{std::move(s)}
{
    auto const parsed = boost::urls::parse_uri(cfg.base_url);
    if (!parsed) throw std::invalid_argument("llm.base_url is not a URL: " + cfg.base_url);
    auto const& u = *parsed;
    if (u.scheme_id() == boost::urls::scheme::https)
        https = true;
    else if (u.scheme_id() != boost::urls::scheme::http)
        throw std::invalid_argument("llm.base_url must start with http:// or https://");
    if (u.has_userinfo())
        throw std::invalid_argument("llm.base_url must not hold credentials; use llm.api_key");
    if (u.has_query() || u.has_fragment())
        throw std::invalid_argument("llm.base_url must not have a query or fragment");
    host = u.host_address();
    if (host.empty()) throw std::invalid_argument("llm.base_url has no host: " + cfg.base_url);
    if (u.has_port() && u.port_number() == 0)
        throw std::invalid_argument("llm.base_url has an invalid port: " + cfg.base_url);
    port = u.has_port() ? std::string(u.port()) : std::string(https ? "443" : "80");
    host_header = std::string(u.encoded_host_and_port());

    std::string prefix{u.encoded_path()};
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    target = prefix + "/chat/completions";
    auto props_prefix = prefix;
    if (props_prefix.ends_with("/v1")) props_prefix.resize(props_prefix.size() - 3);
    props_target = props_prefix + "/props";
    endpoint = std::string(u.scheme()) + "://" + host_header + target;

    if (cfg.timeout <= std::chrono::milliseconds::zero())
        throw std::invalid_argument("llm.timeout must be positive");

    auto key = cfg.api_key.empty() && !cfg.api_key_file.empty() ? read_key_file(cfg.api_key_file)
                                                                : trim(cfg.api_key);
    if (!key.empty()) authorization = "Bearer " + key;
    cfg.api_key.clear();

    user_agent = "wtfd/" + std::string(core::version());

    if (https) {
        tls_ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
        beast::error_code ec;
        tls_ctx->set_default_verify_paths(ec);
        if (!cfg.ca_file.empty()) {
            tls_ctx->load_verify_file(cfg.ca_file, ec);
            if (ec)
                throw std::invalid_argument("llm.ca_file: cannot load " + cfg.ca_file + ": " +
                                            ec.message());
        }
        tls_ctx->set_verify_mode(ssl::verify_peer);
    }
}

http::request<http::string_body> llm_client::impl::make_request(chat_request const& req) const
{
    std::string body;
    core::json_writer w{body};
    w.begin_object();
    w.member("model", std::string_view{cfg.model});
    w.key("messages");
    w.begin_array();
    w.begin_object();
    w.member("role", "system");
    w.member("content", std::string_view{req.system});
    w.end_object();
    w.begin_object();
    w.member("role", "user");
    w.member("content", std::string_view{req.user});
    w.end_object();
    w.end_array();
    w.member("temperature", cfg.temperature);
    w.member("max_tokens", static_cast<std::uint64_t>(cfg.max_tokens));
    w.member("stream", false);
    w.end_object();

    http::request<http::string_body> r{http::verb::post, target, 11};
    r.set(http::field::host, host_header);
    r.set(http::field::user_agent, user_agent);
    r.set(http::field::content_type, "application/json");
    r.set(http::field::accept, "application/json");
    if (!authorization.empty()) r.set(http::field::authorization, authorization);
    r.body() = std::move(body);
    r.prepare_payload();
    return r;
}

asio::awaitable<std::variant<std::unique_ptr<connection>, llm_error>>
llm_client::impl::open(clock::time_point deadline)
{
    auto const where = host_header;
    auto const connect_deadline = std::min(deadline, clock::now() + cfg.connect_timeout);
    auto const connect_budget = ms_text(connect_deadline - clock::now());

    auto [rec, endpoints] = co_await core::resolve_before(host, port, connect_deadline);
    if (co_await cancelled()) co_return cancelled_error();
    if (rec == asio::error::operation_aborted)
        co_return failure(llm_failure::timeout,
                          "cannot resolve " + host + " within " + connect_budget);
    if (rec)
        co_return failure(llm_failure::connect, "cannot resolve " + host + ": " + rec.message());

    auto c = std::make_unique<connection>();
    if (https)
        c->tls = std::make_unique<tls_stream>(ex, *tls_ctx);
    else
        c->plain = std::make_unique<beast::tcp_stream>(ex);

    c->tcp().expires_at(connect_deadline);
    auto [cec, ep] = co_await c->tcp().async_connect(endpoints, use_tuple);
    if (co_await cancelled()) co_return cancelled_error();
    if (cec == beast::error::timeout)
        co_return failure(llm_failure::timeout,
                          "cannot connect to " + where + " within " + connect_budget);
    if (cec)
        co_return failure(llm_failure::connect,
                          "cannot connect to " + where + ": " + cec.message());

    if (https) {
        auto* const native = c->tls->native_handle();
        // SNI carries names only (RFC 6066 section 3). SSL_set_tlsext_host_name is a macro
        // with a C cast, so call what it expands to.
        if (!is_ip_address(host)) {
            SSL_ctrl(native, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                     const_cast<char*>(host.c_str()));
        }
        c->tls->set_verify_mode(ssl::verify_peer);
        c->tls->set_verify_callback(ssl::host_name_verification(host));
        c->tcp().expires_at(deadline);
        auto [hec] = co_await c->tls->async_handshake(ssl::stream_base::client, use_tuple);
        if (co_await cancelled()) co_return cancelled_error();
        if (hec == beast::error::timeout)
            co_return failure(llm_failure::timeout, "TLS handshake with " + where + " timed out");
        if (hec) {
            auto const verify = SSL_get_verify_result(native);
            if (verify != X509_V_OK)
                co_return failure(llm_failure::connect,
                                  "TLS handshake with " + where +
                                      " failed: certificate verification failed: " +
                                      X509_verify_cert_error_string(verify));
            co_return failure(llm_failure::connect,
                              "TLS handshake with " + where + " failed: " + hec.message());
        }
    }
    co_return std::move(c);
}

template <class Stream>
asio::awaitable<exchange_result>
llm_client::impl::exchange(Stream& stream, connection& c,
                           http::request<http::string_body> const& req, clock::time_point deadline)
{
    exchange_result out;
    c.tcp().expires_at(deadline);
    auto [wec, wn] = co_await http::async_write(stream, req, use_tuple);
    if (wec) {
        out.ec = wec;
        co_return out;
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(cfg.max_response_bytes);
    auto [rec, rn] = co_await http::async_read(stream, c.buffer, parser, use_tuple);
    out.got_some = parser.got_some();
    out.ec = rec;
    if (!rec) out.response = parser.release();
    co_return out;
}

asio::awaitable<attempt> llm_client::impl::try_once(http::request<http::string_body> const& req,
                                                    clock::time_point deadline)
{
    auto c = std::move(idle);
    bool const reused = c != nullptr;
    if (!c) {
        auto opened = co_await open(deadline);
        if (auto* e = std::get_if<llm_error>(&opened)) {
            bool const retryable = e->kind == llm_failure::connect;
            co_return attempt{std::move(*e), retryable, false};
        }
        c = std::move(std::get<std::unique_ptr<connection>>(opened));
    }

    exchange_result x;
    if (c->tls)
        x = co_await exchange(*c->tls, *c, req, deadline);
    else
        x = co_await exchange(*c->plain, *c, req, deadline);

    if (x.ec) {
        if (co_await cancelled()) co_return attempt{cancelled_error()};
        if (x.ec == beast::error::timeout || clock::now() >= deadline)
            co_return attempt{failure(llm_failure::timeout, "no answer from " + host_header +
                                                                " within " + ms_text(cfg.timeout))};
        if (x.ec == http::error::body_limit)
            co_return attempt{failure(llm_failure::too_large,
                                      "response larger than " +
                                          std::to_string(cfg.max_response_bytes) + " bytes")};
        if (reused && !x.got_some)
            co_return attempt{failure(llm_failure::connect, "connection to " + host_header +
                                                                " closed: " + x.ec.message()),
                              true, true};
        co_return attempt{failure(llm_failure::connect,
                                  "connection to " + host_header + " failed: " + x.ec.message()),
                          true, false};
    }

    auto& res = x.response;
    // No pipelining, so anything left in the buffer is garbage: never reuse such a connection.
    if (res.keep_alive() && c->buffer.size() == 0) idle = std::move(c);

    co_return attempt{std::move(res)};
}

asio::awaitable<result_type> llm_client::impl::complete(chat_request req)
{
    // Cancellation is reported as a value, never thrown from the next co_await.
    co_await asio::this_coro::throw_if_cancelled(false);
    auto const start = clock::now();
    // One deadline for the whole call, the retry and its backoff included: the caller waits
    // for `timeout` at most.
    // Named first: GCC 12 mishandles non-trivial temporaries inside a co_await expression.
    auto const request = make_request(req);
    auto result = co_await complete_within(request, start + cfg.timeout);
    auto const latency =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start);
    if (auto* reply = std::get_if<chat_reply>(&result))
        reply->latency = latency;
    else
        std::get<llm_error>(result).latency = latency;
    co_return result;
}

asio::awaitable<result_type>
llm_client::impl::complete_within(http::request<http::string_body> const& request,
                                  clock::time_point deadline)
{
    bool stale_retried = false;
    bool retried = false;
    for (;;) {
        auto a = co_await try_once(request, deadline);
        std::optional<llm_error> error;
        if (auto* res = std::get_if<http::response<http::string_body>>(&a.result)) {
            auto const status = res->result_int();
            if (status >= 200 && status <= 299) co_return parse_reply(std::move(res->body()));
            error = failure(llm_failure::http_status, status_message(status, res->body()), status);
            a.retryable = status >= 500;
        } else {
            error = std::get<llm_error>(std::move(a.result));
        }
        // llama.cpp closes idle connections after ~5 s: a reused one that died before
        // answering is retried at once on a fresh connection, without using up the retry.
        if (a.stale && !stale_retried) {
            stale_retried = true;
            continue;
        }
        if (!a.retryable || retried) co_return std::move(*error);
        retried = true;
        auto const left = deadline - clock::now();
        if (left <= retry_backoff) co_return std::move(*error);

        asio::steady_timer backoff{ex};
        backoff.expires_after(retry_backoff);
        [[maybe_unused]] auto [ec] = co_await backoff.async_wait(use_tuple);
        if (co_await cancelled()) co_return cancelled_error();
    }
}

asio::awaitable<std::optional<std::size_t>> llm_client::impl::context_size()
{
    co_await asio::this_coro::throw_if_cancelled(false);
    if (props_absent) co_return std::nullopt;
    http::request<http::string_body> r{http::verb::get, props_target, 11};
    r.set(http::field::host, host_header);
    r.set(http::field::user_agent, user_agent);
    r.set(http::field::accept, "application/json");
    if (!authorization.empty()) r.set(http::field::authorization, authorization);
    r.prepare_payload();
    auto const deadline = clock::now() + std::min(cfg.timeout, cfg.connect_timeout);
    auto a = co_await try_once(r, deadline);
    auto* res = std::get_if<http::response<http::string_body>>(&a.result);
    if (!res && a.stale) {
        a = co_await try_once(r, deadline);
        res = std::get_if<http::response<http::string_body>>(&a.result);
    }
    if (!res) co_return std::nullopt;
    auto const status = res->result_int();
    if (status == 404 || status == 405) props_absent = true;
    if (status != 200) co_return std::nullopt;
    beast::error_code ec;
    auto const v = json::parse(res->body(), ec);
    if (ec || !v.is_object()) co_return std::nullopt;
    auto const& root = v.get_object();
    std::optional<std::size_t> n;
    if (auto const* d = root.if_contains("default_generation_settings"); d && d->is_object())
        n = count_of(d->get_object(), "n_ctx");
    if (!n) n = count_of(root, "n_ctx");
    if (n && *n == 0) n.reset();
    co_return n;
}

llm_client::llm_client(asio::any_io_executor ex, llm_settings s)
    : impl_{std::make_unique<impl>(std::move(ex), std::move(s))}
{}

llm_client::~llm_client() = default;

asio::awaitable<std::variant<chat_reply, llm_error>> llm_client::complete(chat_request req)
{
    return impl_->complete(std::move(req));
}

asio::awaitable<std::optional<std::size_t>> llm_client::context_size()
{
    return impl_->context_size();
}

std::string const& llm_client::endpoint() const noexcept { return impl_->endpoint; }

core::reload_effect llm_client::apply(llm_settings const& s) const noexcept
{
    return s == impl_->configured ? core::reload_effect::unchanged
                                  : core::reload_effect::needs_restart;
}

} // namespace wtf::summarize
