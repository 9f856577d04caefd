#pragma once
// RESP2 for the Redis connections: commands are encoded by hiredis's redisFormatCommandArgv and
// replies parsed by its redisReader; this header keeps hiredis's types out of everything but
// resp.cpp (the reader handle is opaque).

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

struct redisReader; // hiredis

namespace wtf::redis {

// Appends one command, an array of bulk strings. Arguments are binary-safe (CR, LF, NUL).
// Throws std::bad_alloc when hiredis cannot allocate.
void append_command(std::string& out, std::span<std::string_view const> args);
void append_command(std::string& out, std::initializer_list<std::string_view> args);
std::string command(std::initializer_list<std::string_view> args);

enum class reply_type { string, array, integer, nil, status, error };

// One reply, copied out of hiredis's reply object.
struct reply {
    reply_type type = reply_type::nil;
    std::string text;            // string, status and error replies (errors: excerpt of 200 bytes)
    long long integer = 0;       // integer replies
    std::vector<reply> elements; // arrays, among them a subscribed connection's messages

    bool is_error() const noexcept { return type == reply_type::error; }
};

// What one reply may hold. hiredis 0.14 allocates an array reply's element pointers as soon
// as it reads the header, so "*2147483647\r\n" from the peer would have it calloc 16 GiB, and
// it buffers a bulk string of any announced length; wtfd's replies are a few short values
// (a subscribed message carries at most a POST body's worth of readings).
struct reply_limits {
    std::size_t max_elements = 1024;               // array elements, nested ones included
    std::size_t max_bytes = std::size_t{16} << 20; // one reply as sent, headers included
};

// Follows RESP2 framing byte by byte (type, length, payload), without building values, so that
// what a reply announces is checked before hiredis sees it. Stricter than hiredis only where
// Redis never goes: lengths with a '+' sign, negative lengths other than -1.
class reply_framer {
public:
    explicit reply_framer(reply_limits limits = {}) noexcept : limits_{limits} {}

    // Scans `bytes` and returns how many of them may be parsed: all, or after a failure only
    // those up to the end of the last whole reply before it. Once failed, scans nothing more.
    std::size_t scan(std::string_view bytes);
    bool failed() const noexcept { return failure_ != failure::none; }
    bool too_large() const noexcept { return failure_ == failure::too_large; }
    std::string const& why() const noexcept { return why_; }

private:
    enum class state { type, line, length, length_end, payload };
    enum class failure { none, malformed, too_large };

    bool count(std::size_t bytes);
    bool step(char c); // one byte of a type, line or length
    bool end_of_length();
    void end_of_value() noexcept;
    bool fail(failure f, std::string why);

    reply_limits limits_;
    state state_ = state::type;
    char type_ = 0;
    bool negative_ = false;
    std::uint64_t length_ = 0;
    std::size_t digits_ = 0;
    std::uint64_t payload_left_ = 0; // bulk string bytes and their CRLF still to come
    std::uint64_t pending_ = 0;      // values still to come in the reply under way; 0: between
    std::uint64_t elements_ = 0;     // array elements the reply under way announced
    std::uint64_t bytes_ = 0;        // bytes of the reply under way
    failure failure_ = failure::none;
    std::string why_;
};

// Reassembles replies from bytes as they arrive, in any split.
class reader {
public:
    enum class result { reply, incomplete, protocol_error, too_large };

    explicit reader(reply_limits limits = {}); // throws std::bad_alloc
    reader(reader&&) noexcept = default;
    reader& operator=(reader&&) noexcept = default;

    void feed(std::string_view bytes);
    // The next whole reply into `out`; `incomplete` when more bytes are needed. The replies
    // before a protocol error or a reply over the limits are still returned; after it the
    // reader stays failed (error() says why): drop the connection.
    result next(reply& out);
    std::string error() const;

private:
    struct deleter {
        void operator()(redisReader* r) const noexcept;
    };
    std::unique_ptr<redisReader, deleter> r_;
    reply_framer framer_;
};

// Failures of our own at the Redis edge, besides Asio's and Beast's I/O errors.
enum class resp_errc {
    protocol_error = 1, // the bytes are not RESP
    error_reply,        // Redis refused the handshake (WRONGPASS, NOAUTH, DB index out of range)
    resolve_timeout,    // the host name did not resolve within connect_timeout
    reply_too_large,    // a reply went beyond reply_limits
};

boost::system::error_category const& resp_category() noexcept;

inline boost::system::error_code make_error_code(resp_errc e) noexcept
{
    return {static_cast<int>(e), resp_category()};
}

} // namespace wtf::redis

template <>
struct boost::system::is_error_code_enum<wtf::redis::resp_errc> : std::true_type {};
