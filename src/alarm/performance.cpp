#include <wtf/alarm/performance.hpp>
#include <wtf/core/json_writer.hpp>

#include "alarm/detail/text.hpp"

#include <algorithm>
#include <limits>

namespace wtf::alarm {

namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;

constexpr auto period_us = duration_cast<microseconds>(period).count();

// The 10-minute period a time falls in, counted from the epoch (floor, also before 1970).
std::int64_t period_of(core::timestamp t) noexcept
{
    auto const us = t.time_since_epoch().count();
    return us >= 0 ? us / period_us : -((-us - 1) / period_us) - 1;
}

core::timestamp start_of(std::int64_t p) noexcept
{
    return core::timestamp{microseconds{p * period_us}};
}

std::size_t periods_in(std::chrono::minutes window) noexcept
{
    auto const n = (window.count() + period.count() - 1) / period.count();
    return static_cast<std::size_t>(std::max<std::int64_t>(n, 1));
}

} // namespace

struct performance::bucket {
    std::int64_t period = std::numeric_limits<std::int64_t>::min(); // none yet
    std::uint32_t alarms = 0;
    std::uint32_t shelved = 0;
    std::uint32_t out_of_service = 0;
    std::uint32_t chattering = 0;
    std::uint32_t untracked = 0; // alarms whose point found no room in the point table
    std::uint32_t used = 0;      // slots in use
    bool overflowed = false;     // a point was replaced (Space-Saving)
};

struct performance::slot {
    std::uint32_t point = no_point;
    std::uint32_t alarms = 0;
    std::uint32_t chattering = 0;
};

struct performance::point_state {
    std::string key;                         // detail::point_key; empty when free
    std::array<core::timestamp, 2> recent{}; // the last two annunciated openings, newest first
    std::uint8_t seen = 0;                   // how many of `recent` are set
    std::uint32_t refs = 0;                  // slots and active alarms naming the point
};

struct performance::active_alarm {
    std::uint64_t id = 0;
    core::timestamp raised_at;
    std::uint32_t point = no_point;
};

std::size_t performance::string_hash::operator()(std::string_view s) const noexcept
{
    return std::hash<std::string_view>{}(s);
}

performance::performance(performance_settings const& s, core::timestamp since)
    : settings_{s}, since_{since}
{
    if (settings_.points_per_period == 0) settings_.points_per_period = 1;
    if (settings_.window < period) settings_.window = period;
    buckets_.resize(periods_in(settings_.window));
    slots_.resize(buckets_.size() * settings_.points_per_period);
    points_.reserve(std::min<std::size_t>(settings_.max_points, 1024));
    index_.reserve(std::min<std::size_t>(settings_.max_points, 1024));
}

performance::~performance() = default;

std::chrono::minutes performance::window() const noexcept
{
    return period * static_cast<std::int64_t>(buckets_.size());
}

std::size_t performance::active() const noexcept { return active_.size(); }

// --- Points -----------------------------------------------------------------------------------

std::uint32_t performance::acquire(core::anomaly const& a)
{
    detail::point_key(key_, a.sensor_id, a.parameter, a.type);
    if (auto const it = index_.find(std::string_view{key_}); it != index_.end()) {
        ++points_[it->second].refs;
        return it->second;
    }
    std::uint32_t p;
    if (!free_points_.empty()) {
        p = free_points_.back();
        free_points_.pop_back();
    } else if (points_.size() < settings_.max_points) {
        p = static_cast<std::uint32_t>(points_.size());
        points_.emplace_back();
    } else {
        return no_point;
    }
    auto& ps = points_[p];
    ps.key = key_;
    ps.seen = 0;
    ps.refs = 1;
    index_.emplace(key_, p);
    return p;
}

void performance::release(std::uint32_t point)
{
    if (point == no_point) return;
    auto& ps = points_[point];
    if (--ps.refs > 0) return;
    index_.erase(ps.key);
    ps.key.clear();
    free_points_.push_back(point);
}

// --- Periods ----------------------------------------------------------------------------------

performance::bucket* performance::bucket_for(std::int64_t p)
{
    auto const n = static_cast<std::int64_t>(buckets_.size());
    if (newest_ && p <= *newest_ - n) return nullptr; // before the window
    if (!newest_ || p > *newest_) {
        // Periods that leave the window release their points now, so the point table holds only
        // what the window (and the active alarms) name.
        auto const first = newest_ ? std::max(*newest_ + 1, p - n + 1) : p - n + 1;
        for (auto q = first; q <= p; ++q) {
            auto const i = static_cast<std::size_t>(((q % n) + n) % n);
            auto& b = buckets_[i];
            for (std::size_t k = 0; k < b.used; ++k) {
                auto& s = slots_[i * settings_.points_per_period + k];
                release(s.point);
                s = slot{};
            }
            b = bucket{};
            b.period = q;
        }
        newest_ = p;
    }
    auto const i = static_cast<std::size_t>(((p % n) + n) % n);
    return buckets_[i].period == p ? &buckets_[i] : nullptr;
}

void performance::count(bucket& b, std::size_t b_index, std::uint32_t point, bool chattering)
{
    ++b.alarms;
    if (chattering) ++b.chattering;
    if (point == no_point) {
        ++b.untracked;
        return;
    }
    auto* const first = slots_.data() + b_index * settings_.points_per_period;
    auto* const last = first + b.used;
    auto* s = std::find_if(first, last, [&](slot const& x) { return x.point == point; });
    if (s == last) {
        if (b.used < settings_.points_per_period) {
            ++b.used;
        } else {
            // Space-Saving: the least counted point gives up its slot; the newcomer inherits
            // its count, so no point's count is ever under its true value.
            s = std::min_element(first, last,
                                 [](slot const& x, slot const& y) { return x.alarms < y.alarms; });
            release(s->point);
            b.overflowed = true;
        }
        s->point = point;
        ++points_[point].refs;
    }
    ++s->alarms;
    if (chattering) ++s->chattering;
}

void performance::open(core::anomaly const& a, suppression raised)
{
    auto const p = period_of(a.detected_at);
    auto* const b = bucket_for(p);
    auto const point = acquire(a);
    if (b) {
        auto const i = static_cast<std::size_t>(b - buckets_.data());
        switch (raised) {
        case suppression::shelved: ++b->shelved; break;
        case suppression::out_of_service: ++b->out_of_service; break;
        case suppression::none: {
            bool chattering = false;
            if (point != no_point) {
                auto& ps = points_[point];
                chattering = ps.seen == 2 && a.detected_at - ps.recent[1] <= chatter_within &&
                             a.detected_at >= ps.recent[1];
                ps.recent[1] = ps.recent[0];
                ps.recent[0] = a.detected_at;
                if (ps.seen < 2) ++ps.seen;
            }
            count(*b, i, point, chattering);
            break;
        }
        }
    } else {
        ++too_old_;
    }
    if (!a.active()) {
        release(point);
        return;
    }
    if (active_.size() >= settings_.max_active) {
        ++untracked_active_;
        release(point);
        return;
    }
    auto const it =
        std::lower_bound(active_.begin(), active_.end(), a.id,
                         [](active_alarm const& x, std::uint64_t id) { return x.id < id; });
    if (it != active_.end() && it->id == a.id) {
        release(point);
        return;
    }
    active_.insert(it, active_alarm{a.id, a.detected_at, point});
}

void performance::close(std::uint64_t id)
{
    auto const it =
        std::lower_bound(active_.begin(), active_.end(), id,
                         [](active_alarm const& x, std::uint64_t v) { return x.id < v; });
    if (it == active_.end() || it->id != id) return;
    release(it->point);
    active_.erase(it);
}

void performance::observe(core::anomaly_change change, core::anomaly const& a, suppression raised)
{
    switch (change) {
    case core::anomaly_change::opened: open(a, raised); break;
    case core::anomaly_change::updated: break;
    case core::anomaly_change::closed: close(a.id); break;
    }
}

void performance::track(core::anomaly const& a, suppression raised)
{
    if (a.detected_at < since_) since_ = a.detected_at;
    open(a, raised);
}

// --- The report -------------------------------------------------------------------------------

load_report performance::report(core::timestamp now, std::chrono::minutes window,
                                ledger const& l) const
{
    load_report r;
    auto const n = std::min(periods_in(window), buckets_.size());
    r.now = now;
    r.window = period * static_cast<std::int64_t>(n);
    auto const p_now = period_of(now);
    r.from = std::max(start_of(p_now - static_cast<std::int64_t>(n) + 1), since_);
    if (r.from > now) r.from = now;
    auto const p_from = period_of(r.from);
    r.periods = static_cast<std::size_t>(p_now - p_from + 1);
    r.covered_seconds = core::seconds_between(r.from, now);

    struct tally {
        std::uint32_t point;
        std::uint64_t alarms;
        std::uint64_t chattering;
    };
    std::vector<tally> tallies;
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        auto const& b = buckets_[i];
        if (b.period < p_from || b.period > p_now) continue;
        r.alarms += b.alarms;
        r.shelved += b.shelved;
        r.out_of_service += b.out_of_service;
        r.chattering_alarms += b.chattering;
        if (b.alarms > r.peak || (b.alarms == r.peak && r.peak_period && b.alarms > 0 &&
                                  start_of(b.period) < *r.peak_period)) {
            r.peak = b.alarms;
            r.peak_period = start_of(b.period);
        }
        if (b.alarms > flood_above) ++r.flood_periods;
        if (b.period == p_now) r.current_period = b.alarms;
        if (b.overflowed || b.untracked > 0) r.exact = false;
        for (std::size_t k = 0; k < b.used; ++k) {
            auto const& s = slots_[i * settings_.points_per_period + k];
            tallies.push_back({s.point, s.alarms, s.chattering});
        }
    }
    if (untracked_active_ > 0) r.exact = false;
    auto const periods_covered = std::max(r.covered_seconds / 600.0, 1.0);
    r.average_per_period = static_cast<double>(r.alarms) / periods_covered;
    r.flood_share = r.periods == 0
                        ? 0.0
                        : static_cast<double>(r.flood_periods) / static_cast<double>(r.periods);

    // One tally per point, then the top ten by alarms and by chattering openings.
    std::sort(tallies.begin(), tallies.end(),
              [](tally const& a, tally const& b) { return a.point < b.point; });
    std::vector<tally> merged;
    for (auto const& t : tallies) {
        if (!merged.empty() && merged.back().point == t.point) {
            merged.back().alarms += t.alarms;
            merged.back().chattering += t.chattering;
        } else {
            merged.push_back(t);
        }
    }
    auto const load_of = [&](tally const& t) {
        auto const parts = detail::split_point_key(points_[t.point].key);
        point_load pl;
        pl.sensor_id = parts.sensor_id;
        pl.parameter = parts.parameter;
        pl.type = parts.type;
        pl.alarms = t.alarms;
        pl.chattering = t.chattering;
        pl.share =
            r.alarms == 0 ? 0.0 : static_cast<double>(t.alarms) / static_cast<double>(r.alarms);
        return pl;
    };
    // Ties go to the point named first in key order, so equal inputs give equal reports.
    auto const by = [&](auto field) {
        return [&, field](tally const& a, tally const& b) {
            if (a.*field != b.*field) return a.*field > b.*field;
            return points_[a.point].key < points_[b.point].key;
        };
    };
    auto const top = std::min(merged.size(), top_count);
    std::partial_sort(merged.begin(), merged.begin() + static_cast<std::ptrdiff_t>(top),
                      merged.end(), by(&tally::alarms));
    std::uint64_t top_alarms = 0;
    for (std::size_t i = 0; i < top; ++i) {
        r.top.push_back(load_of(merged[i]));
        top_alarms += merged[i].alarms;
    }
    r.top_share =
        r.alarms == 0
            ? 0.0
            : std::min(1.0, static_cast<double>(top_alarms) / static_cast<double>(r.alarms));
    auto const chattering_end = std::partition(merged.begin(), merged.end(),
                                               [](tally const& t) { return t.chattering > 0; });
    r.chattering_points = static_cast<std::size_t>(chattering_end - merged.begin());
    auto const chatter_top = std::min(r.chattering_points, top_count);
    std::partial_sort(merged.begin(), merged.begin() + static_cast<std::ptrdiff_t>(chatter_top),
                      chattering_end, by(&tally::chattering));
    for (std::size_t i = 0; i < chatter_top; ++i) r.chattering.push_back(load_of(merged[i]));

    // Stale: active for longer than 24 h and not suppressed now.
    std::vector<active_alarm const*> stale;
    for (auto const& a : active_) {
        if (now - a.raised_at <= stale_after) continue;
        if (auto const* rec = l.find(a.id); rec && l.suppression_of(*rec) != suppression::none)
            continue;
        stale.push_back(&a);
    }
    r.stale = stale.size();
    auto const stale_top = std::min(stale.size(), top_count);
    std::partial_sort(stale.begin(), stale.begin() + static_cast<std::ptrdiff_t>(stale_top),
                      stale.end(), [](active_alarm const* a, active_alarm const* b) {
                          return a->raised_at != b->raised_at ? a->raised_at < b->raised_at
                                                              : a->id < b->id;
                      });
    for (std::size_t i = 0; i < stale_top; ++i) {
        stale_alarm s;
        s.id = stale[i]->id;
        s.raised_at = stale[i]->raised_at;
        if (stale[i]->point != no_point) {
            auto const parts = detail::split_point_key(points_[stale[i]->point].key);
            s.sensor_id = parts.sensor_id;
            s.parameter = parts.parameter;
            s.type = parts.type;
        }
        r.stale_alarms.push_back(std::move(s));
    }
    r.states = l.counts();
    return r;
}

// --- JSON -------------------------------------------------------------------------------------

namespace {

void append_point(core::json_writer& w, point_load const& p)
{
    w.begin_object();
    w.member("sensor_id", p.sensor_id);
    if (!p.parameter.empty()) w.member("parameter", p.parameter);
    w.member("type", core::to_string(p.type));
    w.member("alarms", p.alarms);
    w.member("chattering", p.chattering);
    w.member("share", p.share);
    w.end_object();
}

std::string_view rating(double average) noexcept
{
    if (average <= targets::acceptable_per_period) return "acceptable";
    if (average <= targets::manageable_per_period) return "manageable";
    return "overloaded";
}

} // namespace

void append_json(std::string& out, load_report const& r)
{
    core::json_writer w{out};
    w.begin_object();
    w.key("window");
    w.begin_object();
    w.member("seconds", static_cast<std::int64_t>(
                            std::chrono::duration_cast<std::chrono::seconds>(r.window).count()));
    w.member("from", r.from);
    w.member("until", r.now);
    w.member("periods", r.periods);
    w.member("covered_seconds", r.covered_seconds);
    w.member("period_seconds", static_cast<std::int64_t>(600));
    w.end_object();

    w.member("alarms", r.alarms);
    w.key("suppressed");
    w.begin_object();
    w.member("shelved", r.shelved);
    w.member("out_of_service", r.out_of_service);
    w.end_object();

    w.key("rate");
    w.begin_object();
    w.member("average_per_10min", r.average_per_period);
    w.member("peak_per_10min", r.peak);
    w.key("peak_period_start");
    if (r.peak_period)
        w.value(*r.peak_period);
    else
        w.null();
    w.member("current_period", r.current_period);
    w.member("rating", rating(r.average_per_period));
    w.member("target_acceptable", targets::acceptable_per_period);
    w.member("target_manageable", targets::manageable_per_period);
    w.member("target_peak", targets::peak_per_period);
    w.member("meets_target", r.average_per_period <= targets::acceptable_per_period &&
                                 r.peak <= targets::peak_per_period);
    w.end_object();

    w.key("flood");
    w.begin_object();
    w.member("periods", r.flood_periods);
    w.member("share", r.flood_share);
    w.member("above", flood_above);
    w.member("target_share", targets::flood_share);
    w.member("meets_target", r.flood_share < targets::flood_share);
    w.end_object();

    w.key("chattering");
    w.begin_object();
    w.member("points", r.chattering_points);
    w.member("alarms", r.chattering_alarms);
    w.member("repeats", chatter_repeats);
    w.member("within_seconds", static_cast<std::int64_t>(chatter_within.count()));
    w.member("target", targets::chattering_points);
    w.member("meets_target", r.chattering_points <= targets::chattering_points);
    w.key("top");
    w.begin_array();
    for (auto const& p : r.chattering) append_point(w, p);
    w.end_array();
    w.end_object();

    w.key("stale");
    w.begin_object();
    w.member("alarms", r.stale);
    w.member("after_seconds",
             static_cast<std::int64_t>(
                 std::chrono::duration_cast<std::chrono::seconds>(stale_after).count()));
    w.member("target_below", targets::stale_below);
    w.member("meets_target", r.stale < targets::stale_below);
    w.key("oldest");
    w.begin_array();
    for (auto const& s : r.stale_alarms) {
        w.begin_object();
        w.member("id", s.id);
        w.member("sensor_id", s.sensor_id);
        if (!s.parameter.empty()) w.member("parameter", s.parameter);
        w.member("type", core::to_string(s.type));
        w.member("raised_at", s.raised_at);
        w.member("active_seconds", core::seconds_between(s.raised_at, r.now));
        w.end_object();
    }
    w.end_array();
    w.end_object();

    w.key("top_contributors");
    w.begin_object();
    w.member("share", r.top_share);
    w.member("target_share", targets::top_share);
    w.member("meets_target", r.top_share <= targets::top_share);
    w.key("points");
    w.begin_array();
    for (auto const& p : r.top) append_point(w, p);
    w.end_array();
    w.end_object();

    w.key("states");
    w.begin_object();
    w.member("unacknowledged", r.states.unacknowledged);
    w.member("acknowledged", r.states.acknowledged);
    w.member("returned_unacknowledged", r.states.returned_unacknowledged);
    w.member("normal", r.states.normal);
    w.member("shelved", r.states.shelved);
    w.member("out_of_service", r.states.out_of_service);
    w.member("active_annunciated", r.states.active_annunciated());
    w.end_object();

    w.member("exact", r.exact);
    w.end_object();
}

} // namespace wtf::alarm
