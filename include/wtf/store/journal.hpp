#pragma once
// The journal keeps the history across restarts: <state_dir>/journal.jsonl, one JSON object per
// line. Each event is written to the kernel when it happens (a killed wtfd loses nothing it
// reported); fdatasync and compaction run on a helper thread, so the loop never waits on the disk.

#include <wtf/alarm/transition.hpp>
#include <wtf/core/anomaly.hpp>
#include <wtf/core/reload.hpp>
#include <wtf/store/history.hpp>
#include <wtf/store/journal_status.hpp>
#include <wtf/store/settings.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wtf::store {

// What a journal held: the newest state of each anomaly (id order, at most anomaly_history, the
// newest ones), the summaries (oldest first, at most summary_history), the alarm transitions
// (in file order, for alarm::ledger::apply() after track() of the anomalies), and the newest
// reading time the marks recorded (for closing the episodes open at the stop).
struct restored_state {
    std::vector<core::anomaly> anomalies;
    std::vector<summary> summaries;
    std::vector<alarm::transition> transitions;
    std::optional<core::timestamp> last_reading;
    std::uint64_t max_id = 0; // highest anomaly id in the file, trimmed ones included
    std::size_t lines = 0;    // lines read
    std::size_t skipped = 0;  // torn or corrupt lines, each logged as a warning
};

// Reads <state_dir>/journal.jsonl. A missing file or state dir is an empty state; an unreadable
// one (or one that is not a regular file) is logged as an error and gives an empty state too.
// Never throws for bad content: bad lines are skipped with a warning naming file and line.
restored_state load_journal(settings const& s);

// The episode as it ends at start-up: ended_at = the latest of last_reading, started_at and
// detected_at; duration_seconds = ended_at - started_at; closed_at_restart = true. An episode
// that had already ended is returned unchanged.
core::anomaly close_at_restart(core::anomaly a, std::optional<core::timestamp> last_reading);

// Read back what core::append_json / store::append_json wrote. Empty, with `why` set, when JSON
// is malformed, a required field is missing or a field has the wrong type. Never throw.
std::optional<core::anomaly> anomaly_from_json(std::string_view json, std::string& why);
std::optional<summary> summary_from_json(std::string_view json, std::string& why);

// The transitions that rebuild today's alarm state (alarm::ledger::snapshot()), written by each
// rewrite beside the history's anomalies.
using alarm_snapshot = std::function<std::vector<alarm::transition>()>;

class journal final : public core::health_reporter {
public:
    // newest_reading: asked at each sync tick for the time of the newest reading accepted.
    // alarms: asked at each rewrite; may be empty (no alarm state to keep).
    // The io_context behind `ex` must outlive the journal. `h` must outlive it too.
    journal(boost::asio::any_io_executor ex, settings const& s, history const& h,
            std::function<std::optional<core::timestamp>()> newest_reading,
            alarm_snapshot alarms = {});
    journal(journal const&) = delete;
    journal& operator=(journal const&) = delete;
    // Writes what is pending, fdatasyncs (blocking), joins the helper thread.
    ~journal();

    // Creates state_dir if missing and writes a fresh compacted file from the history, then
    // keeps it open for appending. Synchronous: call once, after history.restore(), before the
    // loop runs. Failures go to status() and are retried at every sync tick; never throws for
    // I/O errors. A journal.jsonl that is (a link to) a character device is only appended to.
    void start();

    // History observers: append one line now (held in memory while the file is failing or
    // being compacted). No-ops when storage.journal is off.
    void record(core::anomaly_change change, core::anomaly const& a, std::string_view json);
    void record(summary const& s);
    // A change of an alarm's operator state (one line, `{"alarm":"acknowledged",...}`).
    void record(alarm::transition const& t);

    // Every fsync_interval: mark line, fdatasync, retries after errors, compaction when due.
    // Ends on terminal cancellation after a last write and a (blocking) fdatasync. Returns at
    // once when storage.journal is off.
    boost::asio::awaitable<void> run();

    // [storage] only takes effect at a restart: says so when it changed.
    core::reload_effect apply(settings const& s) const noexcept;

    journal_status const& status() const noexcept;
    std::uint64_t version() const noexcept; // increases on status changes
    core::health_record health() const override { return health_of(status()); }
    std::uint64_t health_version() const noexcept override { return version(); }

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace wtf::store
