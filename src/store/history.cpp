#include <wtf/core/json_writer.hpp>
#include <wtf/store/history.hpp>

#include <algorithm>
#include <utility>

namespace wtf::store {

history::history(settings const& s) : anomalies_{s.anomaly_history}, summaries_{s.summary_history}
{}

std::optional<std::size_t> history::index_of(std::uint64_t id) const noexcept
{
    // Entries are appended in id order, so the ring is sorted by id: binary search.
    std::size_t lo = 0;
    std::size_t hi = anomalies_.size();
    while (lo < hi) {
        std::size_t const mid = lo + (hi - lo) / 2;
        auto const found = anomalies_[mid].anomaly.id;
        if (found == id) return mid;
        if (found < id) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return std::nullopt;
}

core::anomaly const* history::find(std::uint64_t id) const noexcept
{
    auto const i = index_of(id);
    return i ? &anomalies_[*i].anomaly : nullptr;
}

std::string_view history::json_of(std::uint64_t id) const noexcept
{
    auto const i = index_of(id);
    return i ? std::string_view{anomalies_[*i].json} : std::string_view{};
}

// The anomaly's own members, then the annotation's before the closing brace.
void history::render(entry& e)
{
    e.json.clear();
    core::append_json(e.json, e.anomaly);
    if (!annotation_.append) return;
    e.json.pop_back();
    e.tags = annotation_.append(e.json, e.anomaly);
    e.json += '}';
}

void history::annotate(annotation a) { annotation_ = std::move(a); }

void history::record(core::anomaly_change change, core::anomaly const& a)
{
    if (annotation_.observe) annotation_.observe(change, a);
    std::string const* json = nullptr;
    if (change == core::anomaly_change::opened) {
        ++total_;
        ++active_;
        auto& e = anomalies_.push_back(entry{a, {}});
        render(e);
        json = &e.json;
    } else {
        if (change == core::anomaly_change::closed && active_ > 0) --active_;
        if (auto const i = index_of(a.id)) {
            auto& e = anomalies_[*i];
            e.anomaly = a;
            render(e);
            json = &e.json;
        }
    }
    ++version_;
    if (observers_.empty()) return;
    if (!json) {
        // An episode that outlived its place in the ring: observers still get its JSON.
        entry outlived{a, {}};
        render(outlived);
        scratch_json_ = std::move(outlived.json);
        json = &scratch_json_;
    }
    notify([&](observer_slot const& slot) {
        if (slot.on_anomaly) slot.on_anomaly(change, a, *json);
    });
}

void history::add_summary(summary s)
{
    auto const& stored = summaries_.push_back(std::move(s));
    ++version_;
    notify([&](observer_slot const& slot) {
        if (slot.on_summary) slot.on_summary(stored);
    });
}

void history::restore(std::vector<core::anomaly> anomalies, std::vector<summary> summaries)
{
    std::size_t const skip =
        anomalies.size() > anomalies_.capacity() ? anomalies.size() - anomalies_.capacity() : 0;
    total_ += anomalies.size();
    for (std::size_t i = skip; i < anomalies.size(); ++i) {
        auto& a = anomalies[i];
        if (a.active()) ++active_;
        render(anomalies_.push_back(entry{std::move(a), {}}));
    }
    for (auto& s : summaries) summaries_.push_back(std::move(s));
    ++version_;
}

void history::refresh(std::function<bool(core::anomaly const&)> const& which)
{
    bool changed = false;
    for (std::size_t i = 0; i < anomalies_.size(); ++i) {
        auto& e = anomalies_[i];
        if (!which(e.anomaly)) continue;
        render(e);
        if (!changed) {
            changed = true;
            ++version_;
        }
        // The entry stays put: observers cannot record() (the detector is not reentrant) and
        // the ring only moves on record().
        notify([&](observer_slot const& slot) {
            if (slot.on_refresh) slot.on_refresh(e.anomaly, e.json);
        });
    }
}

// Slots added during the calls are not called this time; removed ones are skipped and erased
// once the outermost call is done.
template <class Call>
void history::notify(Call const& call)
{
    ++notifying_;
    for (std::size_t i = 0, n = observers_.size(); i < n; ++i)
        if (!observers_[i]->removed) call(*observers_[i]);
    if (--notifying_ == 0 && unsubscribed_) {
        std::erase_if(observers_, [](auto const& s) { return s->removed; });
        unsubscribed_ = false;
    }
}

subscription history::add(observer_slot slot)
{
    slot.id = next_subscription_++;
    auto const id = slot.id;
    observers_.push_back(std::make_unique<observer_slot>(std::move(slot)));
    return {this, id};
}

subscription history::subscribe(observer o) { return add({.on_anomaly = std::move(o)}); }

subscription history::subscribe_summaries(summary_observer o)
{
    return add({.on_summary = std::move(o)});
}

subscription history::subscribe_refreshes(refresh_observer o)
{
    return add({.on_refresh = std::move(o)});
}

void history::unsubscribe(std::uint64_t id) noexcept
{
    auto const it = std::find_if(observers_.begin(), observers_.end(),
                                 [id](auto const& s) { return s->id == id; });
    if (it == observers_.end()) return;
    if (notifying_ > 0) { // the slot may be the one being called: erase it afterwards
        (*it)->removed = true;
        unsubscribed_ = true;
        return;
    }
    observers_.erase(it);
}

subscription::subscription(subscription&& o) noexcept
    : history_{std::exchange(o.history_, nullptr)}, id_{o.id_}
{}

subscription& subscription::operator=(subscription&& o) noexcept
{
    if (this != &o) {
        reset();
        history_ = std::exchange(o.history_, nullptr);
        id_ = o.id_;
    }
    return *this;
}

void subscription::reset() noexcept
{
    if (auto* h = std::exchange(history_, nullptr)) h->unsubscribe(id_);
}

void history::for_each_anomaly(
    std::function<void(core::anomaly const&, std::string_view json)> const& visit) const
{
    for (std::size_t i = 0; i < anomalies_.size(); ++i)
        visit(anomalies_[i].anomaly, anomalies_[i].json);
}

void history::for_each_summary(std::function<void(summary const&)> const& visit) const
{
    for (std::size_t i = 0; i < summaries_.size(); ++i) visit(summaries_[i]);
}

namespace {

bool matches(core::anomaly const& a, tags t, anomaly_query const& q) noexcept
{
    return (!q.sensor_id || a.sensor_id == *q.sensor_id) && (!q.type || a.type == *q.type) &&
           (!q.active || a.active() == *q.active) && (t & q.with) == q.with && (t & q.without) == 0;
}

} // namespace

void history::append_anomalies_json(std::string& out, anomaly_query const& q) const
{
    // Walk back from the newest to find where the newest `limit` matches begin, then write
    // them forward: oldest first, as the seed API returned them.
    std::size_t first = anomalies_.size();
    std::size_t taken = 0;
    while (first > 0 && taken < q.limit) {
        auto const& e = anomalies_[first - 1];
        if (matches(e.anomaly, e.tags, q)) ++taken;
        --first;
    }
    out += '[';
    bool comma = false;
    for (std::size_t i = first; i < anomalies_.size(); ++i) {
        auto const& e = anomalies_[i];
        if (!matches(e.anomaly, e.tags, q)) continue;
        if (comma) out += ',';
        out += e.json;
        comma = true;
    }
    out += ']';
}

void history::append_summaries_json(std::string& out) const
{
    core::json_writer w{out};
    w.begin_object();
    w.key("summaries");
    w.begin_array();
    for (std::size_t i = 0; i < summaries_.size(); ++i) w.value(summaries_[i].text);
    w.end_array();
    w.member("count", summaries_.size());
    w.end_object();
}

void append_json(std::string& out, summary const& s)
{
    core::json_writer w{out};
    w.begin_object();
    w.member("text", s.text);
    w.member("created_at", s.created_at);
    w.member("window_start", s.window_start);
    w.member("window_end", s.window_end);
    w.member("anomaly_count", s.anomaly_count);
    w.member("left_out", s.left_out);
    w.member("source", s.source);
    w.key("model");
    if (s.model.empty())
        w.null();
    else
        w.value(s.model);
    w.key("fallback_reason");
    if (s.fallback_reason.empty())
        w.null();
    else
        w.value(s.fallback_reason);
    w.member("latency_ms", static_cast<std::int64_t>(s.latency.count()));
    w.end_object();
}

void history::append_summary_records_json(std::string& out, std::size_t limit) const
{
    std::size_t const first = summaries_.size() > limit ? summaries_.size() - limit : 0;
    out += R"({"summaries":[)";
    for (std::size_t i = first; i < summaries_.size(); ++i) {
        if (i > first) out += ',';
        append_json(out, summaries_[i]);
    }
    out += R"(],"count":)";
    out += std::to_string(summaries_.size() - first);
    out += '}';
}

} // namespace wtf::store
