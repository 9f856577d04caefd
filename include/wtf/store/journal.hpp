#pragma once
// The journal keeps the history across restarts: <state_dir>/journal.jsonl, one JSON object per
// line. Each event is written to the kernel when it happens (a killed wtfd loses nothing it
// reported); fdatasync and compaction run on a helper thread, so the loop never waits on the disk.

#include <wtf/core/anomaly.hpp>
#include <wtf/store/history.hpp>
#include <wtf/store/journal_status.hpp>
#include <wtf/store/settings.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wtf::store {

namespace detail {
struct compaction_job;
struct sync_job;
} // namespace detail

// What a journal held: the newest state of each anomaly (id order, at most anomaly_history, the
// newest ones), the summaries (oldest first, at most summary_history), and the newest reading
// time the marks recorded (for closing the episodes open at the stop).
struct restored_state {
    std::vector<core::anomaly> anomalies;
    std::vector<summary> summaries;
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

class journal {
public:
    // newest_reading: asked at each sync tick for the time of the newest reading accepted.
    // The io_context behind `ex` must outlive the journal. `h` must outlive it too.
    journal(boost::asio::any_io_executor ex, settings const& s, history const& h,
            std::function<std::optional<core::timestamp>()> newest_reading);
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

    // Every fsync_interval: mark line, fdatasync, retries after errors, compaction when due.
    // Ends on terminal cancellation after a last write and a (blocking) fdatasync. Returns at
    // once when storage.journal is off.
    boost::asio::awaitable<void> run();

    journal_status const& status() const noexcept { return status_; }
    std::uint64_t version() const noexcept { return version_; } // increases on status changes

private:
    void tick();
    void finish();
    void append_line(std::string_view line);
    void hold(std::string_view line);
    void flush_pending();
    void truncate_back();
    void wrote(std::size_t bytes, std::size_t lines);
    void write_mark_if_due();
    void request_sync();
    void finish_sync(detail::sync_job const& job);
    void sync_now();
    std::shared_ptr<detail::compaction_job> make_compaction_job();
    void start_compaction();
    void finish_compaction(detail::compaction_job& job);
    void open_append_only();
    void check_recovered();
    void fail(std::string_view what, int error);
    void changed() noexcept { ++version_; }

    // All of it lives on the loop thread; the helper thread only sees the jobs it is given.
    boost::asio::any_io_executor ex_;
    settings settings_;
    history const& history_;
    std::function<std::optional<core::timestamp>()> newest_reading_;
    std::string dir_, file_, tmp_; // where the file really is (a symlink followed)
    boost::asio::thread_pool helper_{1};
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true); // false once destroyed

    int fd_ = -1;
    bool started_ = false;
    bool closing_ = false;            // in the destructor: nothing more goes to the helper
    bool append_only_ = false;        // a device: appended to, never compacted
    std::uint64_t size_ = 0;          // bytes of whole lines in the file
    std::size_t lines_ = 0;           // lines in the file, for the compaction trigger
    std::deque<std::string> pending_; // lines not yet written, oldest first
    std::size_t subsumed_ = 0;        // leading pending_ lines the rewrite in flight contains
    bool need_compaction_ = true;     // the file is missing or lacks events: rewrite it
    bool dropping_ = false;           // pending_ overflowed since the journal was last whole
    bool dirty_ = false;              // written since the last fdatasync began
    bool sync_in_flight_ = false;
    bool sync_again_ = false;
    std::shared_ptr<detail::compaction_job> compaction_; // in flight
    std::optional<core::timestamp> last_mark_;
    std::string line_;  // reused for each record
    std::string chunk_; // reused to write held lines back
    journal_status status_;
    std::uint64_t version_ = 0;
};

} // namespace wtf::store
