#pragma once

// Talking to a peer within a deadline: name resolution that gives up at it, and how a budget
// is written in the error that says it ran out. Shared by the LLM client, the InfluxDB source
// and the Redis connection.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <string>
#include <utility>

namespace wtf::core {

// Resolves host and port on the calling coroutine's executor. The resolver has no timeout of its
// own: at `deadline` it is cancelled and the error is operation_aborted, as it is when the
// caller is cancelled (ask the caller's cancellation state to tell the two apart).
boost::asio::awaitable<
    std::pair<boost::system::error_code, boost::asio::ip::tcp::resolver::results_type>>
resolve_before(std::string const& host, std::string const& port,
               std::chrono::steady_clock::time_point deadline);

// "250 ms": a budget or a wait in whole milliseconds, for messages.
std::string ms_text(std::chrono::nanoseconds d);

} // namespace wtf::core
