#include <wtf/alarm/events.hpp>

#include <algorithm>
#include <charconv>
#include <utility>

namespace wtf::alarm {

namespace {

void append_id(std::string& out, std::uint64_t id)
{
    char buf[24];
    auto const [end, ec] = std::to_chars(buf, buf + sizeof buf, id);
    out += "id: ";
    out.append(buf, static_cast<std::size_t>(end - buf));
    out += '\n';
}

// The event line, leaving out line breaks, which would end the field early.
void append_name(std::string& out, std::string_view name)
{
    if (name.empty()) return;
    out += "event: ";
    for (char const c : name)
        if (c != '\n' && c != '\r') out += c;
    out += '\n';
}

void append_data(std::string& out, std::string_view data)
{
    std::size_t start = 0;
    for (std::size_t i = 0; i < data.size(); ++i) {
        if (data[i] != '\n' && data[i] != '\r') continue;
        out += "data: ";
        out.append(data.substr(start, i - start));
        out += '\n';
        if (data[i] == '\r' && i + 1 < data.size() && data[i + 1] == '\n') ++i;
        start = i + 1;
    }
    out += "data: ";
    out.append(data.substr(start));
    out += "\n\n";
}

} // namespace

void append_event(std::string& out, std::uint64_t id, std::string_view name, std::string_view data)
{
    append_id(out, id);
    append_name(out, name);
    append_data(out, data);
}

void append_comment(std::string& out, std::string_view text)
{
    out += ':';
    if (!text.empty()) out += ' ';
    for (char const c : text) out += (c == '\n' || c == '\r') ? ' ' : c;
    out += "\n\n";
}

std::optional<std::uint64_t> parse_event_id(std::string_view header) noexcept
{
    if (header.empty()) return std::nullopt;
    std::uint64_t id = 0;
    auto const [end, ec] = std::from_chars(header.data(), header.data() + header.size(), id);
    if (ec != std::errc{} || end != header.data() + header.size()) return std::nullopt;
    return id;
}

// --- Streams ----------------------------------------------------------------------------------

struct stream::state {
    std::uint64_t cursor = 0; // id of the next event to look at
    event_filter filter;
    std::vector<std::string> watch; // tags counted in the hub's watched_
    std::function<void()> wake;
    std::shared_ptr<std::string const> notice; // the `lost` event, sent first
    bool waiting = true;                       // next() returned null since the last wake
    bool cut = false;
    bool orphaned = false; // the hub was destroyed first

    bool wants(std::string_view name, std::string_view tag) const
    {
        return !filter || filter(name, tag);
    }
};

stream::stream(event_hub* hub, std::unique_ptr<state> s) noexcept : hub_{hub}, state_{std::move(s)}
{}

stream::stream(stream&& other) noexcept
    : hub_{std::exchange(other.hub_, nullptr)}, state_{std::move(other.state_)}
{}

stream& stream::operator=(stream&& other) noexcept
{
    if (this != &other) {
        close();
        hub_ = std::exchange(other.hub_, nullptr);
        state_ = std::move(other.state_);
    }
    return *this;
}

stream::~stream() { close(); }

void stream::close() noexcept
{
    if (hub_ && state_ && !state_->orphaned) hub_->detach(state_.get());
    hub_ = nullptr;
    state_.reset();
}

std::shared_ptr<std::string const> stream::next()
{
    if (!hub_ || !state_ || state_->cut) return nullptr;
    return hub_->take(*state_);
}

bool stream::cut() const noexcept { return !state_ || state_->cut; }

void stream::on_ready(std::function<void()> wake)
{
    if (state_) state_->wake = std::move(wake);
}

// --- The hub ----------------------------------------------------------------------------------

struct event_hub::entry {
    std::uint64_t id = 0;
    std::shared_ptr<std::string const> frame;
    std::uint32_t name_at = 0; // the event name within the frame
    std::uint32_t name_size = 0;
    std::string tag;

    std::string_view name() const noexcept
    {
        return std::string_view{*frame}.substr(name_at, name_size);
    }
};

event_hub::event_hub(stream_settings const& s, std::uint64_t first_id)
    : settings_{s}, next_id_{std::max<std::uint64_t>(first_id, 1)}
{
    if (settings_.buffer_events == 0) settings_.buffer_events = 1;
    ring_.resize(settings_.buffer_events);
}

event_hub::~event_hub()
{
    // A stream left open would point at a dead hub; make its calls harmless instead.
    for (auto* s : streams_) {
        s->cut = true;
        s->orphaned = true;
    }
}

event_hub::entry const* event_hub::at(std::uint64_t id) const noexcept
{
    auto const oldest = next_id_ - size_;
    if (id < oldest || id >= next_id_) return nullptr;
    return &ring_[(head_ + static_cast<std::size_t>(id - oldest)) % ring_.size()];
}

void event_hub::drop_oldest()
{
    auto& e = ring_[head_];
    for (auto* s : streams_) {
        if (s->cut || s->cursor != e.id) continue;
        if (!s->wants(e.name(), e.tag)) {
            ++s->cursor;
            continue;
        }
        s->cut = true;
        s->notice.reset();
        ++stats_.cut;
        if (s->wake) s->wake();
    }
    bytes_ -= e.frame->size();
    e.frame.reset();
    head_ = (head_ + 1) % ring_.size();
    --size_;
}

std::uint64_t event_hub::publish(std::string_view name, std::string_view data, std::string_view tag)
{
    auto const id = next_id_;
    std::string text;
    text.reserve(data.size() + name.size() + 40);
    append_id(text, id);
    auto const name_at = text.size() + (name.empty() ? 0 : 7); // after "event: "
    append_name(text, name);
    auto const name_size = name.empty() ? 0 : text.size() - 1 - name_at;
    append_data(text, data);

    if (size_ == ring_.size()) drop_oldest();
    while (size_ > 0 && bytes_ + text.size() > settings_.buffer_bytes) drop_oldest();

    auto& e = ring_[(head_ + size_) % ring_.size()];
    e.id = id;
    e.name_at = static_cast<std::uint32_t>(name_at);
    e.name_size = static_cast<std::uint32_t>(name_size);
    e.tag.assign(tag);
    bytes_ += text.size();
    e.frame = std::make_shared<std::string const>(std::move(text));
    ++size_;
    ++next_id_;
    ++stats_.published;

    auto const event_name = e.name();
    for (auto* s : streams_) {
        if (s->cut || s->cursor != id) continue; // cut, or still reading older events
        if (!s->wants(event_name, tag)) {
            s->cursor = id + 1; // stays caught up without being woken
            continue;
        }
        if (s->waiting) {
            s->waiting = false;
            if (s->wake) s->wake();
        }
    }
    return id;
}

std::shared_ptr<std::string const> event_hub::take(stream::state& s)
{
    if (s.cut) return nullptr;
    if (s.notice) return std::exchange(s.notice, nullptr);
    while (s.cursor < next_id_) {
        auto const* e = at(s.cursor);
        ++s.cursor;
        if (e && s.wants(e->name(), e->tag)) return e->frame;
    }
    s.waiting = true;
    return nullptr;
}

result<stream> event_hub::open(std::optional<std::uint64_t> last_event_id, event_filter filter,
                               std::vector<std::string> watch)
{
    if (streams_.size() >= settings_.max_streams) {
        ++stats_.refused;
        return refusal{refusal_kind::busy, std::to_string(streams_.size()) +
                                               " event streams are open, the most allowed "
                                               "(events.max_streams)"};
    }
    auto s = std::make_unique<stream::state>();
    s->filter = std::move(filter);
    s->cursor = next_id_;
    if (last_event_id) {
        ++stats_.resumed;
        auto const oldest = next_id_ - size_;
        if (*last_event_id + 1 >= oldest && *last_event_id < next_id_) {
            s->cursor = *last_event_id + 1;
        } else {
            // Events after the client's are gone (or the id is not one of ours): say so, then
            // send what the buffer holds.
            ++stats_.lost;
            s->cursor = oldest;
            std::string data =
                "{\"last_event_id\":" + std::to_string(*last_event_id) + ",\"oldest_id\":";
            data += size_ > 0 ? std::to_string(oldest) : "null";
            data += '}';
            std::string text;
            append_name(text, "lost");
            append_data(text, data);
            s->notice = std::make_shared<std::string const>(std::move(text));
        }
    }
    for (auto const& tag : watch) ++watched_[tag];
    s->watch = std::move(watch);
    streams_.push_back(s.get());
    ++stats_.opened;
    return stream{this, std::move(s)};
}

void event_hub::detach(stream::state* s) noexcept
{
    auto const it = std::find(streams_.begin(), streams_.end(), s);
    if (it != streams_.end()) streams_.erase(it);
    for (auto const& tag : s->watch) {
        auto const w = watched_.find(tag);
        if (w != watched_.end() && --w->second == 0) watched_.erase(w);
    }
    s->watch.clear();
}

hub_stats event_hub::stats() const noexcept
{
    auto s = stats_;
    s.streams = streams_.size();
    s.buffered_events = size_;
    s.buffered_bytes = bytes_;
    return s;
}

} // namespace wtf::alarm
