// GET /events: Server-Sent Events from the event hub, through the connection's stream. The hub
// keeps every event once; each client is a cursor into it, pulled whenever its connection has
// written what it had, so a slow client costs a cursor, not a copy. One that falls behind the
// hub's buffer is cut off: it gets what it had taken, then the end of the stream, and may
// resume with Last-Event-ID.

#include "api/detail/handlers.hpp"
#include "api/detail/query.hpp"

#include <wtf/alarm/transition.hpp>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wtf::api::detail {

namespace {

// Frames taken from the hub per pull, at most (about): the connection writes them as one chunk.
constexpr std::size_t pull_bytes = 64 * 1024;

// What a client may ask for by name (?events=): the hub's names and "lost".
constexpr std::array<std::string_view, 12> event_names{
    "opened",    "updated",    "ended",   "acknowledged",   "commented",  "shelved",
    "unshelved", "suppressed", "summary", "out_of_service", "in_service", "reading"};
static_assert(alarm::action_count == 7, "every alarm::action is an event name above");

// One client: its cursor into the hub and the connection's stream it feeds. Kept alive by the
// stream's callbacks; gives its place in the hub back when the connection is done.
class session {
public:
    explicit session(alarm::stream events) : events_{std::move(events)} {}

    void attach(std::shared_ptr<stream> const& connection)
    {
        out_ = connection;
        // Inside the hub's publish(): only wake the connection, which pulls when it can. A cut
        // stream also ends a write that is stuck on a client that stopped reading.
        events_->on_ready([this] {
            auto const out = out_.lock();
            if (!out) return;
            if (events_ && events_->cut())
                out->abort();
            else
                out->notify();
        });
    }

    // The connection wrote everything: take what the hub has for this client.
    void pull()
    {
        auto const out = out_.lock();
        if (!out || !events_) return;
        std::string chunk;
        while (chunk.size() < pull_bytes) {
            auto const frame = events_->next();
            if (!frame) break;
            chunk += *frame;
        }
        if (!chunk.empty()) out->push(std::move(chunk));
        if (events_->cut()) out->finish(); // fell behind: what it took goes out, then the end
    }

    // The connection is done: the hub's slot (and the readings it asked for) are given back.
    void close() { events_.reset(); }

private:
    std::optional<alarm::stream> events_;
    std::weak_ptr<stream> out_;
};

} // namespace

response get_events(context& ctx)
{
    auto* alarms = ctx.svc.alarms;
    if (!alarms) return alarms_unavailable();
    event_query q;
    if (auto problem = parse_event_query(ctx.url.params(), event_names, q))
        return error_response(422, *problem);
    std::optional<std::uint64_t> last_id;
    if (!ctx.req.last_event_id.empty()) {
        last_id = alarm::parse_event_id(ctx.req.last_event_id);
        if (!last_id)
            return error_response(422, "header Last-Event-ID must be the id of an event: digits");
    }

    alarm::event_filter filter;
    if (!q.events.empty() || !q.readings.empty()) {
        filter = [events = q.events, readings = q.readings](std::string_view name,
                                                            std::string_view tag) {
            if (name == "reading")
                return std::find(readings.begin(), readings.end(), tag) != readings.end();
            return events.empty() || std::find(events.begin(), events.end(), name) != events.end();
        };
    } else {
        filter = [](std::string_view name, std::string_view) { return name != "reading"; };
    }
    auto opened = alarms->events.open(last_id, std::move(filter), q.readings);
    if (!opened) return refused(opened.error());

    auto const client = std::make_shared<session>(std::move(*opened));
    auto const out = std::make_shared<stream>(pull_bytes + alarms->events.settings().buffer_bytes);
    client->attach(out);
    out->set_source([client] { client->pull(); });
    out->on_close([client] { client->close(); });
    out->keep_alive(alarms->heartbeat, ": heartbeat\n\n");
    response r;
    r.content_type = "text/event-stream";
    r.stream = out;
    return r;
}

} // namespace wtf::api::detail
