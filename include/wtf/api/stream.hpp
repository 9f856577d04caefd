#pragma once
// A response body written as it is produced: Server-Sent Events, or any chunked text. The
// handler that returns it keeps a pointer and pushes chunks as they happen; the connection
// writes them in order. Bounded: a client that falls more than `max_queued_bytes` behind is cut
// off rather than let the daemon's memory grow.

#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <string_view>

namespace wtf::api {

class stream {
public:
    explicit stream(std::size_t max_queued_bytes) : max_queued_bytes_{max_queued_bytes} {}
    stream(stream const&) = delete;
    stream& operator=(stream const&) = delete;

    // Queues a chunk for the client. Returns false, queueing nothing, once the stream has ended:
    // finished, closed by the connection, or overflowed (this chunk would pass the bound; the
    // connection is then cut).
    bool push(std::string_view chunk);
    // No more chunks: the response ends once the queued ones are written.
    void finish();
    bool ended() const noexcept { return finished_ || closed_; }
    bool overflowed() const noexcept { return overflowed_; }
    std::size_t queued_bytes() const noexcept { return queued_bytes_; }

    // Called once when the connection is done with the stream (client gone, cut off, server
    // stopping, or finished and written): where the producer unsubscribes.
    void on_close(std::function<void()> f) { on_close_ = std::move(f); }

    // The connection's side.
    void set_writer(std::function<void()> wake) { wake_ = std::move(wake); }
    bool has_chunk() const noexcept { return !queue_.empty(); }
    std::string take_chunk();
    void close(); // idempotent

private:
    void wake()
    {
        if (wake_) wake_();
    }

    std::size_t max_queued_bytes_;
    std::deque<std::string> queue_;
    std::size_t queued_bytes_ = 0;
    bool finished_ = false;
    bool closed_ = false;
    bool overflowed_ = false;
    std::function<void()> wake_;
    std::function<void()> on_close_;
};

} // namespace wtf::api
