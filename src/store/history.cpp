#include <wtf/core/json_writer.hpp>
#include <wtf/store/history.hpp>

#include <algorithm>

namespace wtf::store {

history::history(settings const& s) : anomalies_{s.anomaly_history}, summaries_{s.summary_history}
{
}

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

void history::record(core::anomaly_change change, core::anomaly const& a)
{
    if (change == core::anomaly_change::opened) {
        ++total_;
        ++active_;
        auto& e = anomalies_.push_back(entry{a, {}});
        core::append_json(e.json, e.anomaly);
    } else {
        if (change == core::anomaly_change::closed && active_ > 0) --active_;
        if (auto const i = index_of(a.id)) {
            auto& e = anomalies_[*i];
            e.anomaly = a;
            e.json.clear();
            core::append_json(e.json, e.anomaly);
        }
    }
    ++version_;
    for (auto const& notify : observers_) notify(change, a);
}

void history::add_summary(summary s)
{
    summaries_.push_back(std::move(s));
    ++version_;
}

void history::subscribe(observer o) { observers_.push_back(std::move(o)); }

namespace {

bool matches(core::anomaly const& a, anomaly_query const& q) noexcept
{
    return (!q.sensor_id || a.sensor_id == *q.sensor_id) && (!q.type || a.type == *q.type) &&
           (!q.active || a.active() == *q.active);
}

} // namespace

void history::append_anomalies_json(std::string& out, anomaly_query const& q) const
{
    // Walk back from the newest to find where the newest `limit` matches begin, then write
    // them forward: oldest first, as the seed API returned them.
    std::size_t first = anomalies_.size();
    std::size_t taken = 0;
    while (first > 0 && taken < q.limit) {
        if (matches(anomalies_[first - 1].anomaly, q)) ++taken;
        --first;
    }
    out += '[';
    bool comma = false;
    for (std::size_t i = first; i < anomalies_.size(); ++i) {
        auto const& e = anomalies_[i];
        if (!matches(e.anomaly, q)) continue;
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

void history::append_summary_records_json(std::string& out, std::size_t limit) const
{
    std::size_t const first = summaries_.size() > limit ? summaries_.size() - limit : 0;
    core::json_writer w{out};
    w.begin_object();
    w.key("summaries");
    w.begin_array();
    for (std::size_t i = first; i < summaries_.size(); ++i) {
        auto const& s = summaries_[i];
        w.begin_object();
        w.member("text", s.text);
        w.member("created_at", s.created_at);
        w.member("window_start", s.window_start);
        w.member("window_end", s.window_end);
        w.member("anomaly_count", s.anomaly_count);
        w.member("left_out", s.left_out);
        w.member("source", s.source);
        w.key("model");
        if (s.model.empty()) w.null(); else w.value(s.model);
        w.key("fallback_reason");
        if (s.fallback_reason.empty()) w.null(); else w.value(s.fallback_reason);
        w.member("latency_ms", static_cast<std::int64_t>(s.latency.count()));
        w.end_object();
    }
    w.end_array();
    w.member("count", summaries_.size() - first);
    w.end_object();
}

} // namespace wtf::store
