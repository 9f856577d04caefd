#pragma once
// Server-Sent Events for GET /events, without sockets: the text framing, and a hub that frames
// each event once into a bounded buffer every stream reads from by its own cursor.
//
// Memory never grows with slow clients: the buffer (`buffer_events`, `buffer_bytes`) is shared,
// and a stream is a cursor into it. A stream whose next wanted event is about to leave the
// buffer cannot keep up: it is cut (its next() returns nothing, cut() is true, it is counted)
// and the server closes its connection. The buffer also serves Last-Event-ID: a client that
// reconnects gets every event after the one it names, as far as the buffer goes, and is told
// with a `lost` event when it goes back further than that.

#include <wtf/alarm/refusal.hpp>
#include <wtf/alarm/settings.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wtf::alarm {

// "id: 7\nevent: alarm\ndata: {...}\n\n". Data is split at CR LF, CR and LF into one data line
// each, so any text arrives intact; an empty text still sends one (empty) data line, which the
// client dispatches. `name` is one of wtfd's event names (no line breaks); empty: no event line.
void append_event(std::string& out, std::uint64_t id, std::string_view name, std::string_view data);
// ": text\n\n": a comment, which clients ignore; a heartbeat keeps proxies from timing out.
void append_comment(std::string& out, std::string_view text);
// The Last-Event-ID header as an id: decimal digits only, else nothing.
std::optional<std::uint64_t> parse_event_id(std::string_view header) noexcept;

class event_hub;

// Whether a stream wants an event: its name and tag (publish()'s arguments). Null: everything.
using event_filter = std::function<bool(std::string_view name, std::string_view tag)>;

// One client's view of the hub. Move-only; closes itself when destroyed. Must not outlive the
// hub.
class stream {
public:
    stream(stream&&) noexcept;
    stream& operator=(stream&&) noexcept;
    ~stream();

    // The next frame to write, or null when there is none yet or the stream was cut. The frame
    // stays valid while the caller holds it, whatever the buffer does meanwhile.
    std::shared_ptr<std::string const> next();
    // Fell behind the buffer: close the connection (after writing what was taken).
    bool cut() const noexcept;
    // Called from publish() when a wanted event arrives for a stream whose next() had returned
    // null, and when the stream is cut. Edge-triggered: take frames until next() returns null
    // before waiting again. Must not call back into the hub.
    void on_ready(std::function<void()> wake);

private:
    friend class event_hub;
    struct state;
    stream(event_hub* hub, std::unique_ptr<state> s) noexcept;
    void close() noexcept;

    event_hub* hub_ = nullptr;
    std::unique_ptr<state> state_;
};

struct hub_stats {
    std::size_t streams = 0;     // open now
    std::uint64_t opened = 0;    // streams opened
    std::uint64_t refused = 0;   // refused at max_streams
    std::uint64_t cut = 0;       // cut for falling behind
    std::uint64_t resumed = 0;   // opened with a Last-Event-ID
    std::uint64_t lost = 0;      // ... that went back beyond the buffer
    std::uint64_t published = 0; // events
    std::size_t buffered_events = 0;
    std::size_t buffered_bytes = 0;
};

class event_hub {
public:
    // Ids start at `first_id` (at least 1). Pick one above any id of an earlier run (the wall
    // clock in milliseconds, say), so that a client resuming from before a restart is told it
    // lost events rather than silently skipping them.
    explicit event_hub(stream_settings const& s, std::uint64_t first_id = 1);
    ~event_hub(); // streams must be closed (destroyed) first
    event_hub(event_hub const&) = delete;
    event_hub& operator=(event_hub const&) = delete;

    // Frames the event once, keeps it in the buffer (dropping the oldest beyond the bounds and
    // cutting streams that still needed them) and wakes the streams that want it. `tag` is what
    // filters look at beside the name (a sensor id for readings). Returns the event's id.
    std::uint64_t publish(std::string_view name, std::string_view data, std::string_view tag = {});

    // A new stream: after `last_event_id` when given (resuming), else from the next event.
    // `watch`: tags the stream asks for (sensors whose readings it wants), counted while it is
    // open so that publishers can skip events nobody wants (watched()). Refused (busy, 503 for
    // the API) when max_streams are open.
    result<stream> open(std::optional<std::uint64_t> last_event_id, event_filter filter = {},
                        std::vector<std::string> watch = {});
    // Whether an open stream asked for `tag` when it opened. Cheap when none did.
    bool watched(std::string_view tag) const noexcept
    {
        return !watched_.empty() && watched_.find(tag) != watched_.end();
    }

    std::uint64_t newest_id() const noexcept { return next_id_ - 1; } // first_id - 1 when none
    hub_stats stats() const noexcept;
    stream_settings const& settings() const noexcept { return settings_; }

private:
    friend class stream;
    struct entry;
    void detach(stream::state* s) noexcept;
    void drop_oldest();
    entry const* at(std::uint64_t id) const noexcept;
    std::shared_ptr<std::string const> take(stream::state& s);

    stream_settings settings_;
    std::vector<entry> ring_; // capacity buffer_events
    std::size_t head_ = 0;    // slot of the oldest entry
    std::size_t size_ = 0;
    std::size_t bytes_ = 0;
    std::uint64_t next_id_;
    std::vector<stream::state*> streams_;
    std::map<std::string, std::size_t, std::less<>> watched_; // tag: streams asking for it
    hub_stats stats_;
};

} // namespace wtf::alarm
