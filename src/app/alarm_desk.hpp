#pragma once
// The operator's side of the alarms, wired into the daemon. The alarm module is pure; this is
// where it meets the rest: the history tells it of every episode change first (so the anomaly's
// JSON carries its alarm state), the pipeline hands it each accepted reading, the ticker ends
// due shelves, and the API's commands come back here as transitions. Every transition, whoever
// made it, takes one path: the journal, the history's JSON of the alarms it touches (and so
// GET /anomalies and the Redis entries), and the event stream.

#include <wtf/alarm/events.hpp>
#include <wtf/alarm/ledger.hpp>
#include <wtf/alarm/performance.hpp>
#include <wtf/alarm/readings.hpp>
#include <wtf/alarm/settings.hpp>
#include <wtf/api/router.hpp>
#include <wtf/core/anomaly.hpp>
#include <wtf/core/reading.hpp>
#include <wtf/store/history.hpp>
#include <wtf/store/journal.hpp>

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wtf::app {

// The names of the events GET /events sends, beside the hub's own "lost".
namespace event_names {
inline constexpr std::string_view opened = "opened";   // data: the anomaly, with its "alarm"
inline constexpr std::string_view updated = "updated"; // ...
inline constexpr std::string_view ended = "ended";     // ...
inline constexpr std::string_view summary = "summary"; // data: the summary record
inline constexpr std::string_view reading = "reading"; // data: the reading; tag: its sensor
// Each alarm::action by its name ("acknowledged", ..., "in_service"); data:
// {"transition": {...}, "anomaly": {...} or null}.
} // namespace event_names

class alarm_desk {
public:
    // `s` as configured; the ledger keeps as many alarms as the history keeps anomalies
    // (`history_size`) and the readings rings at most `max_sensors` sensors. Event ids start at
    // `first_event_id`, which should lie above any id of an earlier run (the wall clock in
    // microseconds). Annotates `h` from now on; `h` must outlive the desk.
    alarm_desk(alarm::settings s, std::size_t history_size, std::size_t max_sensors,
               store::history& h, core::timestamp started, std::uint64_t first_event_id);
    ~alarm_desk();
    alarm_desk(alarm_desk const&) = delete;
    alarm_desk& operator=(alarm_desk const&) = delete;

    // Start-up, before history.restore(): the anomalies a journal kept (in id order) and its
    // transitions (in file order). Nothing is recorded again.
    void restore(std::span<core::anomaly const> anomalies,
                 std::span<alarm::transition const> transitions);
    // Journals every transition from now on (null: none). `j` must outlive the desk.
    void journal_to(store::journal* j) noexcept { journal_ = j; }
    // The history observers: each episode change and summary goes out as an event, and the
    // transitions a change caused (an opening suppressed, a shelf ended by the alarm's return to
    // normal) are recorded.
    [[nodiscard]] std::vector<store::subscription> subscribe();

    // A reading the pipeline accepted: kept in its sensor's ring, and published to the streams
    // that asked for that sensor.
    void on_reading(core::reading const& r);
    // The ticker: ends the shelves due by `now`.
    void advance(core::timestamp now);
    // A transition an operator's command made, or one of the desk's own: journaled, shown in the
    // JSON of the alarms it touches, published.
    void record(alarm::transition const& t);

    // Whether alarm `id` is suppressed now (shelved, or its sensor out of service): summaries
    // leave it out.
    bool suppressed(std::uint64_t id) const;

    api::alarm_services& services() noexcept { return services_; }
    alarm::ledger const& ledger() const noexcept { return ledger_; }
    alarm::event_hub const& events() const noexcept { return hub_; }
    alarm::recent_readings const& readings() const noexcept { return readings_; }

private:
    void observe(core::anomaly_change change, core::anomaly const& a);
    store::tags annotate(std::string& out, core::anomaly const& a) const;
    void on_change(core::anomaly_change change, core::anomaly const& a, std::string_view json);
    void publish(alarm::transition const& t);

    store::history& history_;
    alarm::ledger ledger_;
    alarm::performance performance_;
    alarm::recent_readings readings_;
    alarm::event_hub hub_;
    store::journal* journal_ = nullptr;
    api::alarm_services services_;
    // Transitions made inside history.record() (before the anomaly's JSON was built), recorded
    // once the history calls its observers.
    std::vector<alarm::transition> pending_;
    std::string scratch_; // an event's data
    std::string line_;    // a transition's JSON within it
};

} // namespace wtf::app
