#pragma once
// The operator's side of each alarm (ISA-18.2 / IEC 62682): acknowledgement, shelving, sensors
// out of service and comments, per anomaly id. Pure: no I/O and no clock of its own; every
// command and tick carries its time. Every change returns a transition for the journal and the
// event stream, and apply() of the same transitions on restore rebuilds the same state.
//
// An alarm is an anomaly episode; its point is (sensor, parameter, kind). States (ISA-18.2):
//   active, not acknowledged      -> unacknowledged
//   active, acknowledged          -> acknowledged
//   ended, not acknowledged       -> returned_unacknowledged (stays until acknowledged)
//   ended, acknowledged           -> normal
// Beside that state an alarm may be suppressed, which keeps it out of the active counts:
//   shelved        its point is shelved, by this alarm or an earlier one of the same point
//                  (later repeats of a shelved point are shelved too), until the shelf ends;
//   out_of_service its sensor is out of service (takes precedence over shelved).

#include <wtf/alarm/refusal.hpp>
#include <wtf/alarm/settings.hpp>
#include <wtf/alarm/transition.hpp>
#include <wtf/core/anomaly.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wtf::alarm {

enum class alarm_state { unacknowledged, acknowledged, returned_unacknowledged, normal };
std::string_view to_string(alarm_state s) noexcept;

// Who acts and what they say. `by` is required (1..max_name_bytes); `comment` may be empty.
// Neither may hold control characters other than tab and newline (in comments).
struct note {
    std::string_view by;
    std::string_view comment;
};

struct acknowledgement {
    std::string by;
    core::timestamp at;
    std::string comment;
};

struct comment {
    std::string by;
    core::timestamp at;
    std::string text;
};

// A shelved point: the alarm it was shelved with and when it ends at the latest.
struct shelf {
    std::uint64_t origin_id = 0;
    std::string by;
    core::timestamp at;
    core::timestamp until;     // at + duration, or at + max_shelve for "until normal"
    bool until_normal = false; // also ends when the origin alarm returns to normal
    std::string comment;
};

struct service_record {
    std::string by;
    core::timestamp since;
    std::string comment;
};

// What the ledger keeps of one alarm.
struct alarm_record {
    std::uint64_t id = 0;
    std::string sensor_id;
    std::string parameter;
    core::anomaly_type type = core::anomaly_type::spike;
    core::timestamp raised_at; // the anomaly's detection time
    bool active = true;
    std::optional<acknowledgement> ack;
    std::vector<comment> comments;                // oldest first, at most max_comments
    suppression raised_while = suppression::none; // suppressed when it opened
};

// A successful alarm command: the transition to journal and broadcast, and the state after it.
struct update {
    transition change;
    alarm_state state = alarm_state::unacknowledged;
    suppression suppressed = suppression::none;
};

// Tracked alarms by what an operator sees now; each alarm is in exactly one of the six.
struct state_counts {
    std::size_t unacknowledged = 0; // active, not suppressed
    std::size_t acknowledged = 0;   // active, not suppressed
    std::size_t returned_unacknowledged = 0;
    std::size_t normal = 0;
    std::size_t shelved = 0;
    std::size_t out_of_service = 0;

    std::size_t active_annunciated() const noexcept { return unacknowledged + acknowledged; }
    bool operator==(state_counts const&) const = default;
};

class ledger {
public:
    explicit ledger(ledger_settings const& s);
    ~ledger();
    ledger(ledger const&) = delete;
    ledger& operator=(ledger const&) = delete;

    // --- The detector's side (a history observer) -------------------------------------------
    // opened: tracks the alarm (dropping the oldest beyond `alarms`); returns a `suppressed`
    // transition when its point is shelved or its sensor out of service. closed: the alarm has
    // returned to normal; returns an `unshelved` transition when that ends an "until normal"
    // shelf. updated: nothing. Opened twice or closed unknown: nothing.
    std::optional<transition> observe(core::anomaly_change change, core::anomaly const& a);

    // --- Restore: track() the history's anomalies (in id order), then apply() the journal's
    // transitions in their order. Neither returns transitions: nothing new happened.
    void track(core::anomaly const& a);
    // Sets what `t` says without the commands' checks. False (and nothing changes) when it
    // names an alarm that is not tracked (acknowledged, commented, suppressed).
    bool apply(transition const& t);
    // Transitions that rebuild today's state when applied after track() of the same anomalies
    // (for the journal's compaction): service, shelves, then per alarm suppressed/ack/comments.
    std::vector<transition> snapshot() const;

    // --- Time ---------------------------------------------------------------------------------
    // Ends the shelves due by `now`, each stamped with its own end time (not `now`), oldest
    // first. Cheap when none is due.
    std::vector<transition> advance(core::timestamp now);

    // --- Operator commands ------------------------------------------------------------------
    // Each checks, then changes the state and returns it with its transition; a refusal changes
    // nothing. `at` is the wall clock of the request.
    result<update> acknowledge(std::uint64_t id, note const& n, core::timestamp at);
    result<update> add_comment(std::uint64_t id, note const& n, core::timestamp at);
    // Shelves the alarm's point for `duration` (1 s .. max_shelve), or until the alarm returns to
    // normal when absent (only while active; bounded by max_shelve all the same, as ISA-18.2
    // wants every shelf to end by itself).
    result<update> shelve(std::uint64_t id, std::optional<std::chrono::seconds> duration,
                          note const& n, core::timestamp at);
    result<update> unshelve(std::uint64_t id, note const& n, core::timestamp at);
    // The sensor need not have reported (maintenance may be planned); the API checks it exists.
    result<transition> take_out_of_service(std::string_view sensor_id, note const& n,
                                           core::timestamp at);
    result<transition> return_to_service(std::string_view sensor_id, note const& n,
                                         core::timestamp at);

    // --- Reading ------------------------------------------------------------------------------
    alarm_record const* find(std::uint64_t id) const noexcept;
    alarm_state state_of(alarm_record const& a) const noexcept;
    suppression suppression_of(alarm_record const& a) const;
    shelf const* shelf_of(alarm_record const& a) const; // null unless shelved now
    service_record const* out_of_service(std::string_view sensor_id) const noexcept;
    // The sensors out of service now, in id order (valid until the next change).
    std::vector<std::string_view> out_of_service_sensors() const;
    state_counts counts() const;
    std::size_t size() const noexcept { return alarms_.size(); }
    std::size_t shelves() const noexcept { return shelves_.size(); }
    std::size_t sensors_out_of_service() const noexcept { return service_.size(); }

    // The "alarm" object to show beside an anomaly:
    // {"state":"unacknowledged","suppressed":null|"shelved"|"out_of_service",
    //  "acknowledged":null|{"by","at","comment"},"shelf":null|{"alarm_id","by","at","until",
    //  "until_normal","comment"},"out_of_service":null|{"by","since","comment"},
    //  "raised_while":"none"|..., "comments":[{"by","at","text"}]}
    void append_json(std::string& out, alarm_record const& a) const;
    // {"sensor_id","by","since","comment"} per sensor out of service, as an array.
    void append_service_json(std::string& out) const;

    // Drops the alarms with an id below `id` (they have left the anomaly history).
    void forget_before(std::uint64_t id);

    // Moves on every change of what the reading functions show; lets callers cache.
    std::uint64_t version() const noexcept { return version_; }
    // Transitions made or applied, by action, and commands refused, by kind (for /metrics).
    std::array<std::uint64_t, action_count> const& transitions() const noexcept
    {
        return transitions_;
    }
    std::array<std::uint64_t, refusal_kind_count> const& refusals() const noexcept
    {
        return refusals_;
    }

private:
    using shelf_map = std::map<std::string, shelf, std::less<>>; // by point key
    alarm_record* lookup(std::uint64_t id) noexcept;
    result<alarm_record*> alarm_for(std::uint64_t id);
    std::optional<refusal> check(note const& n, bool comment_required) const;
    refusal refuse(refusal_kind k, std::string reason);
    transition make(action a, alarm_record const& r, note const& n, core::timestamp at) const;
    update accept(transition t, alarm_record const& r);
    void insert(alarm_record r);
    void reschedule() noexcept;
    shelf_map::const_iterator covering_shelf(alarm_record const& a) const;

    ledger_settings settings_;
    std::deque<alarm_record> alarms_; // by id, ascending
    shelf_map shelves_;
    std::map<std::string, service_record, std::less<>> service_;
    std::optional<core::timestamp> next_expiry_;
    std::uint64_t version_ = 0;
    std::array<std::uint64_t, action_count> transitions_{};
    std::array<std::uint64_t, refusal_kind_count> refusals_{};
    mutable std::string key_scratch_;
    // counts() walks every alarm and every GET /status asks for it: kept until the next change
    // (every change raises version_).
    mutable std::uint64_t counted_version_ = 0;
    mutable std::optional<state_counts> counted_;
};

} // namespace wtf::alarm
