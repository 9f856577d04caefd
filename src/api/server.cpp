#include <wtf/api/server.hpp>

#include "api/detail/shared_body.hpp"

#include <wtf/core/periodic.hpp>
#include <wtf/core/time.hpp>
#include <wtf/core/utf8.hpp>
#include <wtf/core/version.hpp>
#include <wtf/log/log.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <exception>
#include <limits>
#include <list>
#include <optional>
#include <string>
#include <utility>

namespace wtf::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

using core::use_tuple;
constexpr std::size_t read_chunk = 16 * 1024;
// A connection keeps its buffer between requests; one that grew for a large body gives it back.
constexpr std::size_t idle_buffer_limit = 64 * 1024;
constexpr auto limit_warning_interval = std::chrono::seconds{10};
constexpr auto accept_backoff = std::chrono::milliseconds{100};
// After a stop, how long requests in flight have to finish before their connections are cut.
constexpr auto shutdown_grace = std::chrono::milliseconds{1500};
// After a refusal, unread request bytes would turn our close into a reset that can destroy the
// response before the client reads it; read and drop this much for this long first.
constexpr std::size_t linger_bytes = 1024 * 1024;
constexpr auto linger_time = std::chrono::milliseconds{500};

struct connection;

// Everything the accept loop and the sessions share. Held by shared_ptr so that a session that
// outlives the server object (its frame destroyed later by the io_context) still finds it.
struct state {
    state(asio::any_io_executor ex, settings const& s, services svc, std::vector<route> extra)
        : cfg{s},
          routes{s, std::move(svc), std::move(extra)},
          counters{svc.metrics},
          acceptor{std::move(ex)},
          server_header{"wtfd/" + std::string{core::version()}}
    {}

    settings cfg;
    router routes;
    api::metrics* counters; // null: requests are not counted
    tcp::acceptor acceptor;
    std::string server_header;
    std::list<connection*> connections; // live sessions, for stop() and the connection limit
    std::uint16_t port = 0;
    bool stopping = false;
    bool aborted = false; // abort() or the server's end: no more requests reach the router
    std::optional<std::chrono::steady_clock::time_point> last_limit_warning;
};

struct connection {
    connection(std::shared_ptr<state> s, tcp::socket socket)
        : owner{std::move(s)},
          stream{std::move(socket)},
          pos{owner->connections.insert(owner->connections.end(), this)}
    {}
    ~connection() { owner->connections.erase(pos); }
    connection(connection const&) = delete;
    connection& operator=(connection const&) = delete;

    std::shared_ptr<state> owner;
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    sources::batch scratch;
    std::list<connection*>::iterator pos;
    bool idle = false; // waiting for the first byte of a request: stop() may close it
    api::stream* streaming = nullptr; // the response being streamed: stop() ends it
};

api::method method_of(http::verb v) noexcept
{
    switch (v) {
    case http::verb::get: return method::get;
    case http::verb::head: return method::head;
    case http::verb::post: return method::post;
    case http::verb::put: return method::put;
    case http::verb::patch: return method::patch;
    case http::verb::delete_: return method::del;
    case http::verb::options: return method::options;
    default: return method::other;
    }
}

std::string_view view(beast::string_view s) noexcept { return {s.data(), s.size()}; }

std::string endpoint_text(std::string_view host, std::uint16_t port)
{
    std::string text;
    bool const v6 = host.find(':') != std::string_view::npos;
    if (v6) text += '[';
    text += host;
    if (v6) text += ']';
    text += ':';
    text += std::to_string(port);
    return text;
}

// A refusal the client should hear about before the connection closes; nullopt: close quietly
// (peer gone, timeout, stop()).
std::optional<response> refusal(beast::error_code const& ec, settings const& cfg)
{
    if (ec == http::error::body_limit) {
        return error_response(413, "request body exceeds " + std::to_string(cfg.max_body_bytes) +
                                       " bytes");
    }
    if (ec == http::error::header_limit) {
        return error_response(431, "request header fields too large");
    }
    if (ec == http::error::end_of_stream || ec == http::error::partial_message) return std::nullopt;
    if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
        return error_response(400, "malformed HTTP request");
    }
    return std::nullopt;
}

asio::awaitable<beast::error_code> write_response(connection& c, response const& r,
                                                  unsigned version, bool keep_alive, bool head)
{
    state const& st = *c.owner;
    http::response<detail::shared_body> res;
    res.result(r.status);
    res.version(version);
    res.set(http::field::server, st.server_header);
    res.set(http::field::content_type, r.content_type);
    if (!r.allow.empty()) res.set(http::field::allow, r.allow);
    if (!r.www_authenticate.empty()) res.set(http::field::www_authenticate, r.www_authenticate);
    if (!r.content_security_policy.empty())
        res.set("Content-Security-Policy", r.content_security_policy); // no http::field in 1.81
    res.keep_alive(keep_alive);
    res.content_length(detail::shared_body::size(r.body));
    if (!head) res.body() = r.body; // HEAD: the GET body's length, no body
    c.stream.expires_after(st.cfg.request_timeout);
    auto [ec, n] = co_await http::async_write(c.stream, res, use_tuple);
    co_return ec;
}

// While a response streams, the client has nothing to send: the socket turning readable means
// it closed (or misbehaves), and the stream ends. Shared with the wait's handler, which may run
// after the session is gone.
struct stream_watch {
    explicit stream_watch(asio::any_io_executor ex) : doorbell{std::move(ex)} {}
    asio::steady_timer doorbell; // cancelled to wake the writer
    bool peer_spoke = false;
};

// The kernel's send buffer of a streamed response. Left to autotuning it grows to megabytes,
// which a client that stopped reading would hold; small, the producer sees such a client fall
// behind and its own bound (the event hub's buffer) decides when to cut it off.
constexpr int stream_send_buffer = 64 * 1024;

// Sends a streamed response: the head, then each chunk the producer pushes, until it finishes,
// the client goes, the client falls too far behind or the server stops. HTTP/1.0 clients get
// the bytes as they are and the end of the connection as the end of the body.
// The head of a streamed response. Written by hand, like the chunk framing below: the stream is
// a few header lines and "<hex size>\r\n<bytes>\r\n" frames, and Beast's serializer for it would
// add a template instantiation the size of a small module to every binary.
std::string stream_head(state const& st, response const& r, unsigned version, bool chunked)
{
    std::string head = version >= 11 ? "HTTP/1.1 " : "HTTP/1.0 ";
    head += std::to_string(r.status);
    head += ' ';
    auto const reason = http::obsolete_reason(static_cast<http::status>(r.status));
    head.append(reason.data(), reason.size());
    head += "\r\nServer: " + st.server_header;
    head += "\r\nContent-Type: ";
    head += r.content_type;
    head += "\r\nCache-Control: no-cache\r\nConnection: close\r\n";
    if (chunked) head += "Transfer-Encoding: chunked\r\n";
    head += "\r\n";
    return head;
}

// Sends a streamed response: the head, then each chunk the producer pushes, until it finishes,
// the client goes, the client falls too far behind or the server stops. HTTP/1.0 clients get
// the bytes as they are and the end of the connection as the end of the body.
asio::awaitable<void> write_stream(connection& c, response const& r, unsigned version, bool head)
{
    state const& st = *c.owner;
    auto& out = *r.stream;
    bool const chunked = version >= 11;
    auto const text = stream_head(st, r, version, chunked);
    c.stream.expires_after(st.cfg.request_timeout);
    auto [hec, hn] = co_await asio::async_write(c.stream, asio::buffer(text), use_tuple);
    if (hec || head) {
        out.close();
        co_return;
    }

    boost::system::error_code ignored;
    c.stream.socket().set_option(asio::socket_base::send_buffer_size{stream_send_buffer}, ignored);
    auto const watch = std::make_shared<stream_watch>(c.stream.get_executor());
    // Called while this coroutine runs or waits (set_writer(nullptr) below comes first); an
    // aborted stream also cuts a write in progress.
    out.set_writer([w = std::weak_ptr{watch}, &out, &c] {
        auto const live = w.lock();
        if (!live) return;
        live->doorbell.cancel();
        if (out.aborted()) c.stream.cancel();
    });
    c.streaming = &out;
    c.stream.socket().async_wait(tcp::socket::wait_read, [watch](boost::system::error_code) {
        watch->peer_spoke = true;
        watch->doorbell.cancel();
    });
    constexpr std::string_view crlf = "\r\n";
    std::array<char, 20> size_line{};
    bool failed = false;
    for (;;) {
        while (out.has_chunk() && !failed) {
            auto const chunk = out.take_chunk();
            std::size_t framing = 0;
            if (chunked) {
                auto const [end, ec] =
                    std::to_chars(size_line.data(), size_line.data() + 16, chunk.size(), 16);
                framing = static_cast<std::size_t>(end - size_line.data());
                size_line[framing++] = '\r';
                size_line[framing++] = '\n';
            }
            std::array<asio::const_buffer, 3> const frame{
                asio::buffer(size_line.data(), framing), asio::buffer(chunk),
                asio::buffer(crlf.data(), chunked ? crlf.size() : 0)};
            c.stream.expires_after(st.cfg.request_timeout);
            auto [ec, n] = co_await asio::async_write(c.stream, frame, use_tuple);
            failed = static_cast<bool>(ec);
        }
        if (failed || out.ended() || watch->peer_spoke) break;
        out.refill(); // a pulling producer pushes what it has
        if (out.has_chunk() || out.ended()) continue;
        auto const every = out.keep_alive_every();
        if (every.count() > 0)
            watch->doorbell.expires_after(every);
        else
            watch->doorbell.expires_at(asio::steady_timer::time_point::max());
        auto const [ec] = co_await watch->doorbell.async_wait(use_tuple);
        if (!ec && every.count() > 0 && !watch->peer_spoke) out.push(out.keep_alive_chunk());
    }
    bool const finished =
        out.ended() && !out.overflowed() && !out.aborted() && !failed && !watch->peer_spoke;
    c.streaming = nullptr;
    out.set_writer(nullptr);
    c.stream.socket().cancel(ignored); // the readability wait
    if (finished && chunked) {
        constexpr std::string_view last_chunk = "0\r\n\r\n";
        c.stream.expires_after(st.cfg.request_timeout);
        co_await asio::async_write(c.stream, asio::buffer(last_chunk.data(), last_chunk.size()),
                                   use_tuple);
    }
    out.close();
}

// Half-closes, then drains what the client is still sending so the refusal reaches it.
asio::awaitable<void> linger(connection& c)
{
    beast::error_code ec;
    c.stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) co_return;
    c.buffer.clear();
    c.stream.expires_after(linger_time);
    for (std::size_t dropped = 0; dropped < linger_bytes;) {
        auto [rec, n] = co_await c.stream.async_read_some(c.buffer.prepare(read_chunk), use_tuple);
        if (rec) break;
        dropped += n;
    }
}

void close_connection(connection& c) noexcept
{
    beast::error_code ignored;
    if (c.stream.socket().is_open()) {
        c.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
    c.stream.close();
}

// One connection: requests in order (pipelined ones too) until the peer closes, a limit or
// timeout is hit, or the server stops.
asio::awaitable<void> session(std::unique_ptr<connection> c)
{
    state& st = *c->owner;
    auto& buffer = c->buffer;

    while (!st.stopping && !st.aborted) {
        if (buffer.size() == 0) {
            if (buffer.capacity() > idle_buffer_limit) buffer.shrink_to_fit();
            c->idle = true;
            c->stream.expires_after(st.cfg.idle_timeout);
            auto [ec, n] =
                co_await c->stream.async_read_some(buffer.prepare(read_chunk), use_tuple);
            c->idle = false;
            if (ec) break; // peer closed, idle timeout or stop()
            buffer.commit(n);
        }

        // From its first byte, the whole request must arrive within request_timeout.
        c->stream.expires_after(st.cfg.request_timeout);
        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(
            st.cfg.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
        parser.body_limit(st.cfg.max_body_bytes);

        auto [hec, hn] = co_await http::async_read_header(c->stream, buffer, parser, use_tuple);
        beast::error_code ec = hec;
        if (!ec && !parser.is_done()) {
            auto const& head = parser.get();
            if (head.version() >= 11 && beast::iequals(head[http::field::expect], "100-continue")) {
                http::response<http::empty_body> go_on{http::status::continue_, head.version()};
                auto [cec, cn] = co_await http::async_write(c->stream, go_on, use_tuple);
                ec = cec;
            }
            if (!ec) {
                auto [bec, bn] = co_await http::async_read(c->stream, buffer, parser, use_tuple);
                ec = bec;
            }
        }
        if (ec) {
            if (auto r = refusal(ec, st.cfg); r && !st.aborted) {
                if (st.counters)
                    st.counters->record_refusal(route_of(view(parser.get().target())), r->status);
                if (!co_await write_response(*c, *r, 11, false, false)) co_await linger(*c);
            }
            break;
        }
        if (st.aborted) break;

        auto const& req = parser.get();
        request const in{
            .method = method_of(req.method()),
            .target = view(req.target()),
            .content_type = view(req[http::field::content_type]),
            .authorization = view(req[http::field::authorization]),
            .body = req.body(),
            .last_event_id = view(req["Last-Event-ID"]),
        };
        auto const started = std::chrono::steady_clock::now();
        response const out = st.routes.handle(in, core::now(), c->scratch);
        if (st.counters) {
            st.counters->record_request(route_of(in.target), out.status,
                                        std::chrono::steady_clock::now() - started);
        }
        if (log::enabled(log::level::debug)) {
            log::debug("api") << "request method=" << view(req.method_string())
                              << " target=" << core::utf8_prefix(in.target, 200)
                              << " status=" << out.status;
        }

        if (out.stream) {
            co_await write_stream(*c, out, req.version(), in.method == method::head);
            break;
        }
        bool const keep_alive = req.keep_alive() && !st.stopping;
        auto const wec =
            co_await write_response(*c, out, req.version(), keep_alive, in.method == method::head);
        if (wec || !keep_alive) break;
    }
    close_connection(*c);
}

void stop_accepting(state& st)
{
    st.stopping = true;
    boost::system::error_code ignored;
    if (st.acceptor.is_open()) st.acceptor.close(ignored);
    // Cancel rather than close: a read that has already completed is not lost, its request is
    // answered and the session then sees `stopping`. Sessions mid-request finish the same way.
    for (connection* c : st.connections) {
        if (c->idle) c->stream.cancel();
        if (c->streaming) c->streaming->finish(); // what is queued still goes out
    }
}

void close_all(state& st)
{
    stop_accepting(st);
    st.aborted = true;
    // Each session's pending operation fails now; one already completed finds `aborted` set.
    for (connection* c : st.connections) c->stream.close();
}

void log_failure(std::exception_ptr e) noexcept
{
    if (!e) return;
    try {
        try {
            std::rethrow_exception(e);
        } catch (std::exception const& ex) {
            log::error("api") << "connection task failed error=" << ex.what();
        } catch (...) {
            log::error("api") << "connection task failed error=unknown";
        }
    } catch (...) { // logging itself failed; nothing left to tell
    }
}

} // namespace

struct server::impl {
    std::shared_ptr<state> st;
};

server::server(asio::any_io_executor ex, settings const& s, services svc,
               std::vector<route> extra_routes)
    : impl_{std::make_unique<impl>(
          impl{std::make_shared<state>(std::move(ex), s, std::move(svc), std::move(extra_routes))})}
{}

server::~server() { abort(); }

void server::listen()
{
    state& st = *impl_->st;
    std::string_view host = st.cfg.listen_host;
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    std::string const where = endpoint_text(host, st.cfg.listen_port);

    boost::system::error_code ec;
    asio::ip::address address;
    if (host == "localhost") {
        address = asio::ip::address_v4::loopback();
    } else {
        address = asio::ip::make_address(host, ec);
        if (ec) {
            // Startup only: a blocking lookup is fine here.
            tcp::resolver resolver{st.acceptor.get_executor()};
            auto const results = resolver.resolve(host, std::to_string(st.cfg.listen_port),
                                                  tcp::resolver::passive, ec);
            if (ec || results.empty()) {
                if (!ec) ec = asio::error::host_not_found;
                throw boost::system::system_error{ec, "cannot resolve API listen address " + where};
            }
            address = results.begin()->endpoint().address();
        }
    }

    tcp::endpoint const endpoint{address, st.cfg.listen_port};
    auto fail = [&](char const* what) {
        boost::system::error_code ignored;
        st.acceptor.close(ignored);
        throw boost::system::system_error{ec, std::string{what} + " " + where};
    };
    if (st.acceptor.is_open()) st.acceptor.close(ec);
    st.acceptor.open(endpoint.protocol(), ec);
    if (ec) fail("cannot open API socket for");
    st.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (ec) fail("cannot set SO_REUSEADDR for");
    st.acceptor.bind(endpoint, ec);
    if (ec) fail("cannot listen on");
    st.acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) fail("cannot listen on");
    st.port = st.acceptor.local_endpoint(ec).port();
    if (ec) fail("cannot read the bound port of");
    st.stopping = false;
    st.aborted = false;
}

std::uint16_t server::port() const noexcept { return impl_->st->port; }

asio::awaitable<void> server::run()
{
    // Hold the state, not `this`: the loop may outlive the server object.
    std::shared_ptr<state> const keep = impl_->st;
    state& st = *keep;

    while (!st.stopping && st.acceptor.is_open()) {
        auto [ec, socket] = co_await st.acceptor.async_accept(use_tuple);
        if (ec) {
            if (ec == asio::error::operation_aborted || st.stopping || !st.acceptor.is_open())
                break;
            if (ec == asio::error::connection_aborted) continue;
            log::warning("api") << "accept failed error=" << ec.message();
            if (ec == asio::error::no_descriptors ||
                ec == boost::system::errc::too_many_files_open_in_system ||
                ec == asio::error::no_buffer_space || ec == asio::error::no_memory) {
                // Out of descriptors or memory: retrying at once would spin.
                asio::steady_timer pause{st.acceptor.get_executor(), accept_backoff};
                co_await pause.async_wait(use_tuple);
            }
            continue;
        }
        if (st.connections.size() >= st.cfg.max_connections) {
            boost::system::error_code ignored;
            socket.close(ignored);
            auto const now = std::chrono::steady_clock::now();
            if (!st.last_limit_warning || now - *st.last_limit_warning >= limit_warning_interval) {
                st.last_limit_warning = now;
                log::warning("api") << "connection limit reached, closing new connections limit="
                                    << st.cfg.max_connections;
            }
            continue;
        }
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        auto c = std::make_unique<connection>(keep, std::move(socket));
        asio::co_spawn(st.acceptor.get_executor(), session(std::move(c)), log_failure);
    }

    // Stopped or cancelled: requests in flight get the grace period to finish, then whatever
    // is still open is cut. Only the state is used from here: the server object may be gone.
    stop_accepting(st);
    co_await asio::this_coro::throw_if_cancelled(false);
    auto const deadline = std::chrono::steady_clock::now() + shutdown_grace;
    asio::steady_timer poll{st.acceptor.get_executor()};
    while (!st.connections.empty() && std::chrono::steady_clock::now() < deadline) {
        poll.expires_after(std::chrono::milliseconds{10});
        co_await poll.async_wait(use_tuple);
    }
    if (!st.connections.empty()) {
        log::warning("api") << "closing connections still open after the grace period count="
                            << st.connections.size();
        close_all(st);
    }
}

void server::stop() { stop_accepting(*impl_->st); }

void server::abort() { close_all(*impl_->st); }

std::size_t server::open_connections() const noexcept { return impl_->st->connections.size(); }

core::reload_effect server::apply(settings const& s)
{
    state& st = *impl_->st;
    if (s == st.cfg) return core::reload_effect::unchanged;
    bool const moved = s.listen_host != st.cfg.listen_host || s.listen_port != st.cfg.listen_port;
    st.cfg = s;
    st.routes.apply(s);
    return moved ? core::reload_effect::needs_restart : core::reload_effect::applied;
}

} // namespace wtf::api
