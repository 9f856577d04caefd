#pragma once
// RESP2 for the Redis connections: commands are encoded by hiredis's redisFormatCommandArgv and
// replies parsed by its redisReader; this header keeps hiredis's types out of everything but
// resp.cpp (the reader handle is opaque).

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

struct redisReader; // hiredis

namespace wtf::mirror::detail {

// Appends one command, an array of bulk strings. Arguments are binary-safe (CR, LF, NUL).
// Throws std::bad_alloc when hiredis cannot allocate.
void append_command(std::string& out, std::span<std::string_view const> args);
void append_command(std::string& out, std::initializer_list<std::string_view> args);
std::string command(std::initializer_list<std::string_view> args);

enum class reply_type { string, array, integer, nil, status, error };

// One reply, copied out of hiredis's reply object.
struct reply {
    reply_type type = reply_type::nil;
    std::string text;            // string, status and error replies
    long long integer = 0;       // integer replies
    std::vector<reply> elements; // arrays, among them a subscribed connection's messages

    bool is_error() const noexcept { return type == reply_type::error; }
};

// Reassembles replies from bytes as they arrive, in any split.
class reader {
public:
    enum class result { reply, incomplete, protocol_error };

    reader(); // throws std::bad_alloc
    reader(reader&&) noexcept = default;
    reader& operator=(reader&&) noexcept = default;

    void feed(std::string_view bytes);
    // The next whole reply into `out`; `incomplete` when more bytes are needed. After a
    // protocol error the reader stays failed (error() says why): drop the connection.
    result next(reply& out);
    std::string error() const;

private:
    struct deleter {
        void operator()(redisReader* r) const noexcept;
    };
    std::unique_ptr<redisReader, deleter> r_;
};

// Failures of our own at the Redis edge, besides Asio's and Beast's I/O errors.
enum class resp_errc {
    protocol_error = 1, // the bytes are not RESP
    error_reply,        // Redis refused the handshake (WRONGPASS, NOAUTH, DB index out of range)
    resolve_timeout,    // the host name did not resolve within connect_timeout
};

boost::system::error_category const& resp_category() noexcept;

inline boost::system::error_code make_error_code(resp_errc e) noexcept
{
    return {static_cast<int>(e), resp_category()};
}

} // namespace wtf::mirror::detail

template <>
struct boost::system::is_error_code_enum<wtf::mirror::detail::resp_errc> : std::true_type {};
