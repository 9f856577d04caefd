#pragma once
// A response body written as it is produced: Server-Sent Events, or any chunked text. The
// handler that returns it keeps a pointer and pushes chunks as they happen; the connection
// writes them in order. Bounded: a client that falls more than `max_queued_bytes` behind is cut
// off rather than let the daemon's memory grow.
//
// A producer that keeps its data elsewhere (the event hub keeps every event once for all
// streams) pulls instead: set_source() gives the connection a callback it calls whenever it has
// written everything queued, and notify() says there is more. Then nothing waits in this queue
// while the client is slow to read, and the producer decides when it is too slow.

#include <chrono>
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
    // finished, closed by the connection, aborted, or overflowed (this chunk would pass the
    // bound; the connection is then cut).
    bool push(std::string_view chunk) { return push(std::string{chunk}); }
    bool push(std::string&& chunk);
    // No more chunks: the response ends once the queued ones are written.
    void finish();
    // Ends the stream now: queued chunks are dropped and the connection closes, even in the
    // middle of a write. Safe to call from inside another component's callback: on_close runs
    // later, from the connection.
    void abort();
    bool ended() const noexcept { return finished_ || closed_ || aborted_; }
    bool overflowed() const noexcept { return overflowed_; }
    bool aborted() const noexcept { return aborted_; }
    std::size_t queued_bytes() const noexcept { return queued_bytes_; }

    // Called once when the connection is done with the stream (client gone, cut off, server
    // stopping, or finished and written): where the producer unsubscribes.
    void on_close(std::function<void()> f) { on_close_ = std::move(f); }
    // A pulling producer: `f` is called by the connection whenever everything queued has been
    // written, and pushes what the producer has (or nothing). notify() wakes the connection to
    // ask again; it never calls `f` itself, so it is safe inside another component's callback.
    void set_source(std::function<void()> f) { source_ = std::move(f); }
    void notify() { wake(); }
    // `chunk` goes out after `every` without any other (a heartbeat that keeps proxies and
    // clients from giving up on a quiet stream).
    void keep_alive(std::chrono::milliseconds every, std::string chunk)
    {
        keep_alive_every_ = every;
        keep_alive_chunk_ = std::move(chunk);
    }

    // The connection's side.
    void set_writer(std::function<void()> wake) { wake_ = std::move(wake); }
    bool has_chunk() const noexcept { return !queue_.empty(); }
    std::string take_chunk();
    void refill()
    {
        if (source_ && !ended()) source_();
    }
    std::chrono::milliseconds keep_alive_every() const noexcept { return keep_alive_every_; }
    std::string_view keep_alive_chunk() const noexcept { return keep_alive_chunk_; }
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
    bool aborted_ = false;
    bool overflowed_ = false;
    std::function<void()> wake_;
    std::function<void()> on_close_;
    std::function<void()> source_;
    std::chrono::milliseconds keep_alive_every_{0}; // 0: none
    std::string keep_alive_chunk_;
};

} // namespace wtf::api
