#include <wtf/redis/resp_connection.hpp>

#include <wtf/core/deadline.hpp>
#include <wtf/core/periodic.hpp>
#include <wtf/redis/retry.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>

#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <utility>

namespace wtf::redis {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using core::ms_text;
using core::use_tuple;

namespace {

constexpr std::size_t read_chunk = 16 * 1024;

outcome aborted() { return {asio::error::operation_aborted, "cancelled"}; }

// The resolver has no per-operation cancellation and getaddrinfo cannot be interrupted, so
// the lookup runs on its own and the coroutine waits on a timer that the lookup, the deadline
// or a cancellation ends. The state lives until the lookup's handler has run.
struct lookup {
    explicit lookup(asio::any_io_executor const& ex) : resolver{ex}, wake{ex} {}
    tcp::resolver resolver;
    asio::steady_timer wake;
    bool done = false;
    error_code ec;
    tcp::resolver::results_type results;
};

} // namespace

resp_connection::resp_connection(asio::any_io_executor ex)
    : ex_{ex}, stream_{ex}, buffer_(read_chunk)
{}

void resp_connection::close() noexcept
{
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
}

asio::awaitable<outcome> resp_connection::connect(settings const& s)
{
    close();
    reader_ = reader{};
    peer_ = s.host + ":" + std::to_string(s.port);
    auto const deadline = std::chrono::steady_clock::now() + s.connect_timeout;

    auto const state = std::make_shared<lookup>(ex_);
    auto on_resolved = [state](error_code ec, tcp::resolver::results_type results) {
        state->done = true;
        state->ec = ec;
        state->results = std::move(results);
        state->wake.cancel();
    };
    state->wake.expires_at(deadline);
    state->resolver.async_resolve(s.host, std::to_string(s.port), std::move(on_resolved));
    [[maybe_unused]] auto [wec] = co_await state->wake.async_wait(use_tuple);
    if (!state->done) state->resolver.cancel();
    if (co_await cancelled()) co_return aborted();
    if (!state->done)
        co_return outcome{resp_errc::resolve_timeout,
                          "cannot resolve " + s.host + " within " + ms_text(s.connect_timeout)};
    if (state->ec)
        co_return outcome{state->ec, "cannot resolve " + s.host + ": " + state->ec.message()};

    stream_.expires_at(deadline);
    auto [cec, endpoint] = co_await stream_.async_connect(state->results, use_tuple);
    if (co_await cancelled()) {
        close();
        co_return aborted();
    }
    if (cec == beast::error::timeout)
        co_return outcome{cec,
                          "cannot connect to " + peer_ + " within " + ms_text(s.connect_timeout)};
    if (cec) {
        close();
        co_return outcome{cec, "cannot connect to " + peer_ + ": " + cec.message()};
    }
    error_code ignored;
    stream_.socket().set_option(tcp::no_delay{true}, ignored);

    reply answer;
    if (!s.password.empty()) {
        auto const auth = s.username.empty() ? command({"AUTH", s.password})
                                             : command({"AUTH", s.username, s.password});
        auto r = co_await call(auth, answer, s.connect_timeout);
        if (r.failed()) co_return r;
        if (answer.is_error()) {
            close();
            co_return outcome{resp_errc::error_reply, answer.text};
        }
    }
    if (s.database != 0) {
        auto const db = std::to_string(s.database);
        auto const select = command({"SELECT", db});
        auto r = co_await call(select, answer, s.connect_timeout);
        if (r.failed()) co_return r;
        if (answer.is_error()) {
            close();
            co_return outcome{resp_errc::error_reply, "SELECT " + db + ": " + answer.text};
        }
    }
    // Proves the server answers commands: without a password, a server that wants one fails
    // here (NOAUTH) rather than on every write.
    auto const ping = command({"PING"});
    auto const pong = co_await call(ping, answer, s.connect_timeout);
    if (pong.failed()) co_return pong;
    if (answer.is_error()) {
        close();
        co_return outcome{resp_errc::error_reply, answer.text};
    }
    co_return outcome{};
}

asio::awaitable<outcome> resp_connection::write(std::string_view bytes, duration timeout)
{
    stream_.expires_after(timeout);
    auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(bytes), use_tuple);
    if (co_await cancelled()) {
        close();
        co_return aborted();
    }
    if (ec == beast::error::timeout)
        co_return outcome{ec, "no progress writing to " + peer_ + " within " + ms_text(timeout)};
    if (ec) {
        close();
        co_return outcome{ec, "connection to " + peer_ + " lost: " + ec.message()};
    }
    co_return outcome{};
}

asio::awaitable<outcome> resp_connection::read(reply& out, duration timeout)
{
    for (;;) {
        switch (reader_.next(out)) {
        case reader::result::reply: co_return outcome{};
        case reader::result::protocol_error:
            close();
            co_return outcome{resp_errc::protocol_error,
                              "protocol error from " + peer_ + ": " + reader_.error()};
        case reader::result::too_large:
            close();
            co_return outcome{resp_errc::reply_too_large,
                              "reply from " + peer_ + " refused: " + reader_.error()};
        case reader::result::incomplete: break;
        }
        if (timeout > duration::zero())
            stream_.expires_after(timeout);
        else
            stream_.expires_never();
        auto [ec, n] = co_await stream_.async_read_some(asio::buffer(buffer_), use_tuple);
        if (co_await cancelled()) {
            close();
            co_return aborted();
        }
        if (ec == beast::error::timeout)
            co_return outcome{ec, "no reply from " + peer_ + " within " + ms_text(timeout)};
        if (ec == asio::error::eof) {
            close();
            co_return outcome{ec, "connection closed by " + peer_};
        }
        if (ec) {
            close();
            co_return outcome{ec, "connection to " + peer_ + " lost: " + ec.message()};
        }
        reader_.feed(std::string_view{buffer_.data(), n});
    }
}

asio::awaitable<outcome> resp_connection::call(std::string_view command, reply& out,
                                               duration timeout)
{
    auto w = co_await write(command, timeout);
    if (w.failed()) co_return w;
    auto r = co_await read(out, timeout);
    co_return r;
}

std::string load_password(settings const& s)
{
    if (!s.password.empty() || s.password_file.empty()) return s.password;
    std::ifstream in{s.password_file, std::ios::binary};
    if (!in) throw std::invalid_argument("redis.password_file: cannot read " + s.password_file);
    std::string text{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
    if (in.bad())
        throw std::invalid_argument("redis.password_file: cannot read " + s.password_file);
    constexpr std::string_view space = " \t\r\n";
    auto const first = text.find_first_not_of(space);
    if (first == std::string::npos)
        throw std::invalid_argument("redis.password_file: " + s.password_file + " is empty");
    auto const last = text.find_last_not_of(space);
    return text.substr(first, last - first + 1);
}

bool retry_later(std::string_view error_reply) noexcept
{
    for (std::string_view const code : {"LOADING", "BUSY", "MASTERDOWN", "READONLY", "NOAUTH"})
        if (error_reply.starts_with(code) && error_reply.substr(code.size()).starts_with(' '))
            return true;
    return false;
}

bool log_throttle::allow() noexcept
{
    auto const now = std::chrono::steady_clock::now();
    if (now < next_) {
        ++held_;
        return false;
    }
    next_ = now + period_;
    suppressed_ = held_;
    held_ = 0;
    return true;
}

asio::awaitable<void> keep_connected(asio::any_io_executor ex, settings const& cfg,
                                     connection_hooks hooks)
{
    backoff pause{cfg.max_backoff};
    for (;;) {
        resp_connection c{ex};
        auto const opened = co_await c.connect(cfg);
        if (co_await cancelled()) co_return;
        auto reason = opened.message;
        if (!opened.failed()) {
            auto const ended = co_await hooks.session(c);
            c.close();
            if (co_await cancelled()) co_return;
            reason = ended.message;
            if (hooks.healthy()) pause.reset();
        }
        hooks.failed(reason, pause.next());
        if (!co_await pause.wait()) co_return;
    }
}

} // namespace wtf::redis
