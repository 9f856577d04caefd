#pragma once
// What the mirror's and the ingest's connections share besides the connection itself: their
// timings, the cancellation check, and the pause between connection attempts.

#include <boost/asio/awaitable.hpp>

#include <algorithm>
#include <chrono>

namespace wtf::redis {

inline constexpr std::chrono::milliseconds first_backoff{250};
// Without traffic for this long a connection PINGs (and the mirror checks last_data_received).
inline constexpr std::chrono::milliseconds idle_period{1000};
// A reply slower than this means Redis is gone (a host that vanished sends no RST).
inline constexpr std::chrono::milliseconds reply_timeout{5000};

// Whether the calling coroutine has been cancelled (terminal).
boost::asio::awaitable<bool> cancelled();

// The pause before the next connection attempt: 250 ms, doubling up to `max`; reset() once a
// connection has worked, so a Redis that accepts and then fails at once still backs off.
class backoff {
public:
    explicit backoff(std::chrono::milliseconds max) : max_{max} {}

    std::chrono::milliseconds next() const noexcept { return next_; }
    void reset() noexcept { next_ = std::min(first_backoff, max_); }
    // Waits next(), then doubles it. False when the calling coroutine was cancelled.
    boost::asio::awaitable<bool> wait();

private:
    std::chrono::milliseconds max_;
    std::chrono::milliseconds next_ = std::min(first_backoff, max_);
};

} // namespace wtf::redis
