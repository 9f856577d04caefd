#include <wtf/sources/influx_source.hpp>

#include <wtf/core/deadline.hpp>
#include <wtf/core/periodic.hpp>
#include <wtf/core/utf8.hpp>
#include <wtf/core/version.hpp>

#include "sources/detail/influx_chunk.hpp"

#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace wtf::sources {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

namespace {

using clock = std::chrono::steady_clock;
using core::ms_text;
using core::use_tuple;
using outcome = std::variant<influx_summary, std::string>;

constexpr std::size_t read_size = 64 * 1024;
constexpr std::size_t max_error_body = 16 * 1024;
constexpr std::size_t max_error_text = 300;

// Where and what to ask, from the options; nothing here holds the password but `authorization`.
struct request_plan {
    std::string host; // for resolving, IPv6 without brackets
    std::string port;
    std::string host_header;
    std::string target; // "/query?db=...&q=...&chunked=true&chunk_size=N&epoch=u"
    std::string authorization;
};

// Every byte but the unreserved ones is escaped, '+' included: InfluxDB (Go's ParseQuery)
// reads a bare '+' in a query string as a space.
void append_param(std::string& target, std::string_view key, std::string_view value)
{
    target += target.find('?') == std::string::npos ? '?' : '&';
    target.append(key);
    target += '=';
    target += boost::urls::encode(value, boost::urls::unreserved_chars);
}

std::variant<request_plan, std::string> plan(influx_options const& o)
{
    // The URL is echoed in messages only when it cannot hold a password.
    auto const shown = o.url.find('@') == std::string::npos ? ": " + o.url : std::string{};
    auto const parsed = boost::urls::parse_uri(o.url);
    if (!parsed) return "influx: not a URL" + shown;
    auto const& u = *parsed;
    if (u.scheme_id() == boost::urls::scheme::https)
        return std::string{
            "influx: https is not supported for InfluxDB; use an SSH tunnel or a local http "
            "listener"};
    if (u.scheme_id() != boost::urls::scheme::http)
        return "influx: the URL must start with http://" + shown;
    if (u.has_userinfo())
        return std::string{"influx: the URL must not hold credentials; use --influx-user and "
                           "INFLUX_PASSWORD"};
    if (u.has_query() || u.has_fragment())
        return "influx: the URL must not have a query or fragment" + shown;
    if (o.query.empty()) return std::string{"influx: no query"};
    if (o.chunk_size == 0) return std::string{"influx: chunk_size must be positive"};
    if (o.timeout <= std::chrono::milliseconds::zero() ||
        o.connect_timeout <= std::chrono::milliseconds::zero())
        return std::string{"influx: timeouts must be positive"};

    request_plan p;
    p.host = u.host_address();
    if (p.host.empty()) return "influx: the URL has no host" + shown;
    if (u.has_port() && u.port_number() == 0) return "influx: the URL has a bad port" + shown;
    p.port = u.has_port() ? std::string(u.port()) : std::string{"8086"};
    p.host_header = std::string(u.encoded_host_and_port());

    // A path in the URL is a prefix (InfluxDB behind a reverse proxy).
    std::string prefix{u.encoded_path()};
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    p.target = prefix + "/query";
    if (!o.database.empty()) append_param(p.target, "db", o.database);
    append_param(p.target, "q", o.query);
    append_param(p.target, "chunked", "true");
    append_param(p.target, "chunk_size", std::to_string(o.chunk_size));
    append_param(p.target, "epoch", "u");

    // InfluxDB 1.x takes Basic credentials; unlike u= and p= they stay out of URLs and logs.
    if (!o.username.empty()) p.authorization = detail::basic_authorization(o.username, o.password);
    return p;
}

// "HTTP 401: authorization failed", from InfluxDB's {"error":"..."} or its X-Influxdb-Error.
std::string status_message(unsigned status, std::string_view header_error, std::string const& body)
{
    std::string message = "influx: HTTP " + std::to_string(status);
    beast::error_code ec;
    auto const v = json::parse(body, ec);
    if (!ec && v.is_object()) {
        if (auto const* e = v.as_object().if_contains("error"); e && e->is_string())
            return message + ": " + core::excerpt(e->get_string(), max_error_text);
    }
    if (!header_error.empty()) return message + ": " + core::excerpt(header_error, max_error_text);
    if (auto const text = body.substr(0, body.find('\n')); !text.empty())
        return message + ": " + core::excerpt(text, max_error_text);
    return message;
}

asio::awaitable<bool> cancelled()
{
    auto const state = co_await asio::this_coro::cancellation_state;
    co_return state.cancelled() != asio::cancellation_type::none;
}

std::string const cancelled_text = "influx: cancelled";

// Resolves and connects within `connect_deadline`; the stream, or why not.
asio::awaitable<std::string> connect(beast::tcp_stream& stream, request_plan const& p,
                                     clock::time_point connect_deadline)
{
    auto const budget = ms_text(connect_deadline - clock::now());
    auto [rec, endpoints] = co_await core::resolve_before(p.host, p.port, connect_deadline);
    if (co_await cancelled()) co_return cancelled_text;
    if (rec == asio::error::operation_aborted)
        co_return "influx: cannot resolve " + p.host + " within " + budget;
    if (rec) co_return "influx: cannot resolve " + p.host + ": " + rec.message();

    stream.expires_at(connect_deadline);
    auto [cec, ep] = co_await stream.async_connect(endpoints, use_tuple);
    if (co_await cancelled()) co_return cancelled_text;
    if (cec == beast::error::timeout)
        co_return "influx: cannot connect to " + p.host_header + " within " + budget;
    if (cec) co_return "influx: cannot connect to " + p.host_header + ": " + cec.message();
    co_return std::string{};
}

} // namespace

// GCC 12 at -O2 inlines Asio's awaitable frame allocation into this coroutine's ramp and then
// pairs the frame's class operator delete with the aligned_alloc underneath its operator new:
// a false positive, GCC PR 109224 (https://gcc.gnu.org/bugzilla/show_bug.cgi?id=109224).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
asio::awaitable<std::variant<influx_summary, std::string>>
read_influx(influx_options const& options, row_sink& sink)
{
    // Cancellation is reported as a value, never thrown from the next co_await.
    co_await asio::this_coro::throw_if_cancelled(false);
    auto planned = plan(options);
    if (auto* e = std::get_if<std::string>(&planned)) co_return std::move(*e);
    auto const p = std::move(std::get<request_plan>(planned));

    auto const start = clock::now();
    auto const deadline = start + options.timeout;
    auto const ex = co_await asio::this_coro::executor;
    beast::tcp_stream stream{ex};

    auto const connect_deadline = std::min(deadline, start + options.connect_timeout);
    if (auto e = co_await connect(stream, p, connect_deadline); !e.empty()) co_return e;

    auto const timed_out = [&] {
        return "influx: the query did not finish within " + ms_text(options.timeout);
    };
    auto const broken = [&](beast::error_code const& ec) -> std::string {
        if (ec == beast::error::timeout) return timed_out();
        return "influx: connection to " + p.host_header + " failed: " + ec.message();
    };

    http::request<http::empty_body> req{http::verb::get, p.target, 11};
    req.set(http::field::host, p.host_header);
    req.set(http::field::user_agent, "wtfd/" + std::string(core::version()));
    req.set(http::field::accept, "application/json");
    if (!p.authorization.empty()) req.set(http::field::authorization, p.authorization);
    req.keep_alive(false);

    stream.expires_at(deadline);
    auto [wec, wn] = co_await http::async_write(stream, req, use_tuple);
    if (co_await cancelled()) co_return cancelled_text;
    if (wec) co_return broken(wec);

    beast::flat_buffer buffer;
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none); // streamed: the decoder bounds memory, not the parser
    auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
    if (co_await cancelled()) co_return cancelled_text;
    if (hec) co_return broken(hec);

    auto const status = parser.get().result_int();
    bool const ok = status >= 200 && status <= 299;
    std::string error_body; // a failure's body, up to max_error_body
    detail::influx_decoder decoder{options.sensor_tag, options.columns};
    std::vector<char> chunk(read_size);

    while (!parser.is_done()) {
        auto& body = parser.get().body();
        body.data = chunk.data();
        body.size = chunk.size();
        auto [rec, rn] = co_await http::async_read_some(stream, buffer, parser, use_tuple);
        if (co_await cancelled()) co_return cancelled_text;
        if (rec == http::error::need_buffer) rec = {};
        if (rec) co_return broken(rec);
        auto const got = std::string_view{chunk.data(), chunk.size() - parser.get().body().size};
        if (!ok) {
            auto const room = max_error_body - std::min(max_error_body, error_body.size());
            error_body.append(got.substr(0, room));
            continue;
        }
        if (auto e = decoder.write(got, sink)) co_return std::move(*e);
    }
    if (!ok) {
        auto const header = parser.get()["X-Influxdb-Error"];
        co_return status_message(status, std::string_view{header.data(), header.size()},
                                 error_body);
    }
    if (auto e = decoder.finish(sink)) co_return std::move(*e);

    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return decoder.take_summary();
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

} // namespace wtf::sources
