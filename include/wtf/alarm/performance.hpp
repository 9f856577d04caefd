#pragma once
// Alarm-load figures (EEMUA 191, ISA-18.2 / IEC 62682 section 16) kept incrementally in fixed
// memory, and the standards' targets beside them.
//
// What counts: an *alarm* is an anomaly that opened (anomaly_change::opened) while annunciated,
// at its detection time. Updates and endings are not alarms. An opening that was suppressed
// (its point shelved, its sensor out of service) is not an alarm either: it is counted apart, as
// `shelved` or `out_of_service`, and takes no part in rates, floods, chattering or the top 10.
//
// Memory: one bucket per 10-minute period of the configured window (144 for 24 h), each with
// `points_per_period` (point, count) slots; a table of at most `max_points` alarm points; at
// most `max_active` active alarms. A period with more distinct points than its slots keeps the
// most frequent by the Space-Saving rule (counts of points may then be over by the smallest
// count replaced); totals per period stay exact. `exact` in the report says whether any of that
// happened within the window.

#include <wtf/alarm/ledger.hpp>
#include <wtf/alarm/settings.hpp>
#include <wtf/alarm/transition.hpp>
#include <wtf/core/anomaly.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace wtf::alarm {

// The standards' definitions.
inline constexpr std::chrono::minutes period{10};
inline constexpr std::uint64_t flood_above = 10;          // alarms in one period: a flood
inline constexpr std::uint64_t chatter_repeats = 3;       // openings of one point ...
inline constexpr std::chrono::seconds chatter_within{60}; // ... within this time: chattering
inline constexpr std::chrono::hours stale_after{24};      // active longer: a stale alarm
inline constexpr std::size_t top_count = 10;

// Their targets (EEMUA 191 table 35, ISA-18.2 table 5).
struct targets {
    static constexpr double acceptable_per_period = 1.0; // ~150 a day: very likely acceptable
    static constexpr double manageable_per_period = 2.0; // ~300 a day: the manageable maximum
    static constexpr std::uint64_t peak_per_period = 10; // at most 10 in any 10 minutes
    static constexpr double flood_share = 0.01;          // under ~1 % of periods in flood
    static constexpr double top_share = 0.05;            // top 10 points: at most ~5 % of alarms
    static constexpr std::size_t chattering_points = 0;  // none
    static constexpr std::size_t stale_below = 5;        // fewer than 5 present
};

// An alarm point and its alarms in the window.
struct point_load {
    std::string sensor_id;
    std::string parameter;
    core::anomaly_type type = core::anomaly_type::spike;
    std::uint64_t alarms = 0;
    std::uint64_t chattering = 0; // of those, openings that were a 3rd (or later) within 60 s
    double share = 0.0;           // alarms / all alarms of the window
};

struct stale_alarm {
    std::uint64_t id = 0;
    std::string sensor_id;
    std::string parameter;
    core::anomaly_type type = core::anomaly_type::spike;
    core::timestamp raised_at;
};

struct load_report {
    core::timestamp now;
    core::timestamp from;             // window start, not before the monitor's start
    std::chrono::minutes window{};    // as served: whole periods, at most the configured one
    std::size_t periods = 0;          // 10-minute periods begun within [from, now]
    double covered_seconds = 0.0;     // now - from
    std::uint64_t alarms = 0;         // annunciated openings
    std::uint64_t shelved = 0;        // openings suppressed by a shelf
    std::uint64_t out_of_service = 0; // openings of sensors out of service
    double average_per_period = 0.0;  // alarms / max(covered time, one period) in periods
    std::uint64_t peak = 0;           // most alarms in one period
    std::optional<core::timestamp> peak_period; // start of the (first) busiest period
    std::uint64_t current_period = 0;           // alarms so far in the period `now` falls in
    std::size_t flood_periods = 0;              // periods with more than 10 alarms
    double flood_share = 0.0;                   // flood_periods / periods
    std::size_t chattering_points = 0;          // points with a chattering opening in the window
    std::uint64_t chattering_alarms = 0;
    std::vector<point_load> chattering;    // most chattering openings first, at most 10
    std::size_t stale = 0;                 // active > 24 h and not suppressed now
    std::vector<stale_alarm> stale_alarms; // oldest first, at most 10
    std::vector<point_load> top;           // most alarms first, at most 10
    double top_share = 0.0;                // of all alarms, by the top 10
    state_counts states;                   // the ledger's alarms by state now
    bool exact = true;
};

// {"window": {...}, "alarms": ..., "rate": {...}, "flood": {...}, "chattering": {...},
//  "stale": {...}, "top_contributors": {...}, "states": {...}, "exact": ...}; every figure
// with its target and whether it meets it (README: GET /alarm-performance).
void append_json(std::string& out, load_report const& r);

class performance {
public:
    // `since`: when monitoring began; periods before it are not counted as quiet ones.
    performance(performance_settings const& s, core::timestamp since);
    ~performance();
    performance(performance const&) = delete;
    performance& operator=(performance const&) = delete;

    // A history observer, after the ledger's observe(): opened counts an alarm (or a suppressed
    // opening, as `raised` says) in its period; closed ends the alarm's activity. Openings older
    // than the window (behind the newest seen) are ignored and counted.
    void observe(core::anomaly_change change, core::anomaly const& a, suppression raised);
    // Restore: the history's anomalies in id order, each counted as it opened and followed while
    // still active; an older one moves `since` back to its time.
    void track(core::anomaly const& a, suppression raised);

    // The figures over the last `window` (rounded up to whole periods; at most the configured
    // window) at `now`. States and the suppression of stale alarms come from `l`. Allocates.
    load_report report(core::timestamp now, std::chrono::minutes window, ledger const& l) const;

    std::chrono::minutes window() const noexcept;
    std::size_t points() const noexcept { return index_.size(); } // alarm points with state
    std::size_t active() const noexcept;                          // active alarms followed
    std::uint64_t too_old() const noexcept { return too_old_; }

private:
    struct bucket;
    struct slot;
    struct point_state;
    struct active_alarm;
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept;
    };
    static constexpr std::uint32_t no_point = ~std::uint32_t{0};

    std::uint32_t acquire(core::anomaly const& a);
    void release(std::uint32_t point);
    bucket* bucket_for(std::int64_t p);
    void count(bucket& b, std::size_t b_index, std::uint32_t point, bool chattering);
    void open(core::anomaly const& a, suppression raised);
    void close(std::uint64_t id);

    performance_settings settings_;
    core::timestamp since_;
    std::vector<bucket> buckets_;
    std::vector<slot> slots_; // buckets_.size() * points_per_period
    std::vector<point_state> points_;
    std::vector<std::uint32_t> free_points_;
    std::unordered_map<std::string, std::uint32_t, string_hash, std::equal_to<>> index_;
    std::vector<active_alarm> active_; // by id, ascending
    std::optional<std::int64_t> newest_;
    std::uint64_t too_old_ = 0;
    std::uint64_t untracked_points_ = 0; // openings whose point found no room
    std::uint64_t untracked_active_ = 0;
    std::string key_;
};

} // namespace wtf::alarm
