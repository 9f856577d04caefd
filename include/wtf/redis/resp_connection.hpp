#pragma once
// One connection to Redis, shared by the mirror and the ingest: resolve and connect within
// connect_timeout, AUTH and SELECT, then RESP commands written and replies read with timeouts.
// Coroutine member functions; one read and one write may be outstanding at a time.

#include <wtf/redis/resp.hpp>

#include <wtf/redis/settings.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace wtf::redis {

// How an operation ended. `message` says why it failed, worded for "Redis error: <message>":
// "cannot connect to redis:6379: Connection refused", "WRONGPASS invalid username-password
// pair or user is disabled.". Terminal cancellation ends operations with operation_aborted.
struct outcome {
    boost::system::error_code ec;
    std::string message;

    bool failed() const noexcept { return ec.failed(); }
};

class resp_connection {
public:
    using duration = std::chrono::steady_clock::duration;

    explicit resp_connection(boost::asio::any_io_executor ex);

    // Resolves s.host and connects within s.connect_timeout, then sends `AUTH [username]
    // password` when s.password is set, `SELECT database` when it is not 0, and PING, each
    // answered within s.connect_timeout; an error reply fails the connect with its text.
    // Closes the connection on any failure. Never logs the password.
    boost::asio::awaitable<outcome> connect(settings const& s);

    // Writes `bytes` (one or more encoded commands) within `timeout`.
    boost::asio::awaitable<outcome> write(std::string_view bytes, duration timeout);

    // Reads the next reply into `out` within `timeout` (zero: wait for ever). An error reply is
    // a reply, not a failure.
    boost::asio::awaitable<outcome> read(reply& out, duration timeout);

    // write() then read(): for the handshake and for tests.
    boost::asio::awaitable<outcome> call(std::string_view command, reply& out, duration timeout);

    void close() noexcept;

private:
    boost::asio::any_io_executor ex_;
    boost::beast::tcp_stream stream_;
    reader reader_;
    std::vector<char> buffer_;
    std::string peer_; // "host:port", for messages
};

// settings.password, or the contents of settings.password_file (surrounding whitespace
// ignored) when the password is empty. Throws std::invalid_argument naming the file when it
// cannot be read or is empty (a start-up error).
std::string load_password(settings const& s);

// An error reply that says "not now" rather than "not this command": Redis is loading, busy,
// a replica, or wants authentication. The command is sent again after reconnecting.
bool retry_later(std::string_view error_reply) noexcept;

// At most one log line per period: the caller writes a line when allow() is true and adds
// how many lines were held back since the previous one.
class log_throttle {
public:
    explicit log_throttle(std::chrono::steady_clock::duration period = std::chrono::seconds{10})
        : period_{period}
    {}

    bool allow() noexcept;
    std::uint64_t suppressed() const noexcept { return suppressed_; }

private:
    std::chrono::steady_clock::duration period_;
    std::chrono::steady_clock::time_point next_{};
    std::uint64_t suppressed_ = 0;
    std::uint64_t held_ = 0;
};

// The reconnect loop the mirror and the Redis source share: until cancelled, connect, run
// `session` on the connection, and after each failure (to connect, or of the session) report it
// with the pause before the next attempt, then wait that pause (redis::backoff). The pause
// starts again from its first step after a session that `healthy()` approves, so a Redis that
// accepts and then fails at once is still retried with growing pauses.
struct connection_hooks {
    std::function<boost::asio::awaitable<outcome>(resp_connection&)> session;
    std::function<bool()> healthy;
    std::function<void(std::string const& reason, std::chrono::milliseconds retry_in)> failed;
};
boost::asio::awaitable<void> keep_connected(boost::asio::any_io_executor ex, settings const& cfg,
                                            connection_hooks hooks);

} // namespace wtf::redis
