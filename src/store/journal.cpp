#include "store/detail/journal_codec.hpp"

#include <wtf/core/periodic.hpp>
#include <wtf/log/log.hpp>
#include <wtf/store/journal.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json/parse.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <system_error>
#include <utility>

namespace wtf::store {

namespace detail {

class unique_fd {
public:
    unique_fd() = default;
    explicit unique_fd(int fd) noexcept : fd_{fd} {}
    unique_fd(unique_fd&& o) noexcept : fd_{std::exchange(o.fd_, -1)} {}
    unique_fd& operator=(unique_fd&& o) noexcept
    {
        if (this != &o) {
            reset();
            fd_ = std::exchange(o.fd_, -1);
        }
        return *this;
    }
    unique_fd(unique_fd const&) = delete;
    unique_fd& operator=(unique_fd const&) = delete;
    ~unique_fd() { reset(); }

    int get() const noexcept { return fd_; }
    int release() noexcept { return std::exchange(fd_, -1); }
    void reset() noexcept
    {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

// A rewrite of the file. Built on the loop, run on the helper thread, read back on the loop
// (or by the destructor after joining the helper).
struct compaction_job {
    std::string dir, file, tmp;
    std::string text; // header, anomalies, summaries, mark
    std::size_t lines = 0;
    std::optional<core::timestamp> mark;
    bool counted = true; // start()'s own rewrite is not a compaction

    int error = 0;         // errno of the step that failed
    char const* step = ""; // which one
    unique_fd fd;          // the new file, open for appending
};

struct sync_job {
    unique_fd fd; // a dup: the loop may close or replace its descriptor meanwhile
    int error = 0;
};

} // namespace detail

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

// Lines held while the disk refuses them; beyond, the oldest are dropped (and counted).
constexpr std::size_t max_pending_bytes = std::size_t{8} << 20;
// Held lines are written back in writes of about this size.
constexpr std::size_t flush_chunk_bytes = std::size_t{1} << 20;

std::string error_text(int error) { return std::system_category().message(error); }

// 0 or the errno of the failure. A short write is continued; a write that makes no progress
// is the disk being full.
int write_all(int fd, std::string_view data) noexcept
{
    while (!data.empty()) {
        auto const n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        if (n == 0) return ENOSPC;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return 0;
}

int sync_data(int fd) noexcept
{
    while (::fdatasync(fd) != 0) {
        if (errno == EINTR) continue;
        // A device that has nothing to sync (/dev/null and the like) says EINVAL or EROFS.
        return errno == EINVAL || errno == EROFS ? 0 : errno;
    }
    return 0;
}

// Runs on the helper thread (or on the loop in start()): the new file is complete and on disk
// before it replaces the old one, so a crash at any point leaves one whole journal.
void run_compaction(detail::compaction_job& job) noexcept
{
    auto const failed = [&job](char const* step, int error) {
        job.step = step;
        job.error = error;
    };
    std::error_code ec;
    if (fs::create_directories(job.dir, ec))
        fs::permissions(job.dir,
                        fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec, ec);
    if (ec) return failed("create state directory", ec.value());

    // O_NOFOLLOW: a link planted at the temporary name must not redirect the rewrite.
    detail::unique_fd fd{::open(
        job.tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0640)};
    if (fd.get() < 0) return failed("create journal.jsonl.tmp", errno);
    int error = write_all(fd.get(), job.text);
    char const* step = "write journal.jsonl.tmp";
    if (error == 0) {
        error = sync_data(fd.get());
        step = "fdatasync journal.jsonl.tmp";
    }
    if (error == 0 && ::rename(job.tmp.c_str(), job.file.c_str()) != 0) {
        error = errno;
        step = "rename journal.jsonl.tmp";
    }
    if (error != 0) {
        ::unlink(job.tmp.c_str());
        return failed(step, error);
    }
    // The rename is done either way; a directory that cannot be synced only delays it.
    detail::unique_fd dir{::open(job.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (dir.get() >= 0) sync_data(dir.get());
    job.fd = std::move(fd);
}

} // namespace

// All of it lives on the loop thread; the helper thread only sees the jobs it is given.
struct journal::impl {
    impl(asio::any_io_executor ex, settings const& s, history const& h,
         std::function<std::optional<core::timestamp>()> newest_reading, alarm_snapshot alarms);
    impl(impl const&) = delete;
    impl& operator=(impl const&) = delete;
    ~impl();

    void start();
    void record(core::anomaly_change change, std::string_view json);
    void record(summary const& s);
    void record(alarm::transition const& t);
    asio::awaitable<void> run();

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

    boost::asio::any_io_executor ex_;
    settings settings_;
    history const& history_;
    std::function<std::optional<core::timestamp>()> newest_reading_;
    alarm_snapshot alarms_;
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

core::anomaly close_at_restart(core::anomaly a, std::optional<core::timestamp> last_reading)
{
    if (!a.active()) return a;
    auto end = std::max(a.started_at, a.detected_at);
    if (last_reading) end = std::max(end, *last_reading);
    a.ended_at = end;
    a.duration_seconds = core::seconds_between(a.started_at, end);
    a.closed_at_restart = true;
    return a;
}

std::optional<core::anomaly> anomaly_from_json(std::string_view json, std::string& why)
{
    boost::system::error_code ec;
    auto const v = boost::json::parse(json, ec);
    if (ec) {
        why = "unparseable JSON (" + ec.message() + ")";
        return std::nullopt;
    }
    return detail::decode_anomaly(v, why);
}

std::optional<summary> summary_from_json(std::string_view json, std::string& why)
{
    boost::system::error_code ec;
    auto const v = boost::json::parse(json, ec);
    if (ec) {
        why = "unparseable JSON (" + ec.message() + ")";
        return std::nullopt;
    }
    return detail::decode_summary(v, why);
}

restored_state load_journal(settings const& s)
{
    restored_state out;
    auto const path = (fs::path{s.state_dir} / "journal.jsonl").string();
    std::error_code ec;
    auto const st = fs::status(path, ec);
    if (st.type() == fs::file_type::not_found) {
        log::notice("journal") << "no journal to restore, starting with an empty history path="
                               << path;
        return out;
    }
    if (ec || !fs::is_regular_file(st)) {
        // Reading a device such as /dev/full would never end.
        log::error("journal") << "cannot read the journal, starting with an empty history path="
                              << path << " error="
                              << (ec ? ec.message() : std::string{"not a regular file"});
        return out;
    }
    std::ifstream in{path, std::ios::binary};
    if (!in) {
        int const error = errno;
        log::error("journal") << "cannot open the journal, starting with an empty history path="
                              << path << " error=" << error_text(error);
        return out;
    }

    std::map<std::uint64_t, core::anomaly> anomalies; // newest state by id
    std::deque<summary> summaries;
    std::string line;
    std::string why;
    while (std::getline(in, line)) {
        ++out.lines;
        if (in.eof()) { // no '\n': the process stopped in the middle of this write
            log::warning("journal") << "skipping torn last line (wtfd stopped while writing it) "
                                       "file="
                                    << path << " line=" << out.lines;
            ++out.skipped;
            break;
        }
        auto decoded = detail::decode_line(line, why);
        if (!decoded) {
            log::warning("journal") << "skipping corrupt line file=" << path
                                    << " line=" << out.lines << " reason=" << why;
            ++out.skipped;
            continue;
        }
        switch (decoded->kind) {
        case detail::line_kind::header: break;
        case detail::line_kind::change: {
            auto const id = decoded->anomaly.id;
            out.max_id = std::max(out.max_id, id);
            anomalies.insert_or_assign(id, std::move(decoded->anomaly));
            break;
        }
        case detail::line_kind::summary:
            summaries.push_back(std::move(decoded->summary));
            if (summaries.size() > s.summary_history) summaries.pop_front();
            break;
        case detail::line_kind::mark:
            out.last_reading =
                std::max(out.last_reading.value_or(decoded->last_reading), decoded->last_reading);
            break;
        case detail::line_kind::alarm:
            out.transitions.push_back(std::move(decoded->transition));
            break;
        }
    }
    if (in.bad()) {
        int const error = errno;
        log::error("journal") << "journal read failed, restoring what was read path=" << path
                              << " line=" << out.lines << " error=" << error_text(error);
    }

    std::size_t skip =
        anomalies.size() > s.anomaly_history ? anomalies.size() - s.anomaly_history : 0;
    out.anomalies.reserve(anomalies.size() - skip);
    for (auto& [id, a] : anomalies) {
        if (skip > 0) {
            --skip;
            continue;
        }
        out.anomalies.push_back(std::move(a));
    }
    out.summaries.assign(std::make_move_iterator(summaries.begin()),
                         std::make_move_iterator(summaries.end()));
    log::notice("journal") << "restored history anomalies=" << out.anomalies.size()
                           << " summaries=" << out.summaries.size()
                           << " alarm_transitions=" << out.transitions.size()
                           << " skipped=" << out.skipped << " path=" << path;
    return out;
}

journal::impl::impl(asio::any_io_executor ex, settings const& s, history const& h,
                    std::function<std::optional<core::timestamp>()> newest_reading,
                    alarm_snapshot alarms)
    : ex_{std::move(ex)},
      settings_{s},
      history_{h},
      newest_reading_{std::move(newest_reading)},
      alarms_{std::move(alarms)}
{
    auto const file = fs::path{s.state_dir} / "journal.jsonl";
    dir_ = s.state_dir;
    file_ = file.string();
    tmp_ = file_ + ".tmp";
    status_.enabled = s.journal;
    status_.path = file_;
    status_.message = s.journal ? "Journal writing" : "Journal disabled";
}

journal::impl::~impl()
{
    *alive_ = false;
    closing_ = true;
    helper_.join();
    try {
        // A rewrite that finished after the loop stopped: its file is now journal.jsonl.
        if (auto const job = compaction_) finish_compaction(*job);
        finish();
    } catch (std::exception const& e) {
        log::error("journal") << "journal not closed cleanly path=" << status_.path
                              << " error=" << e.what();
    }
    if (fd_ >= 0) ::close(fd_);
}

void journal::impl::start()
{
    if (!settings_.journal || started_) return;
    started_ = true;
    // A link is followed, so the file may live on another disk; a device (/dev/null) is only
    // appended to: there is nothing to compact.
    std::error_code ec;
    auto const link = fs::symlink_status(file_, ec);
    if (!ec && fs::is_symlink(link)) {
        auto const target = fs::status(file_, ec);
        if (!ec && fs::is_character_file(target)) {
            append_only_ = true;
        } else if (!ec && fs::is_regular_file(target)) {
            auto const real = fs::canonical(file_, ec);
            if (!ec) {
                file_ = real.string();
                tmp_ = file_ + ".tmp";
                dir_ = real.parent_path().string();
            }
        }
    } else if (!ec && fs::is_character_file(link)) {
        append_only_ = true;
    }
    if (append_only_) {
        open_append_only();
        return;
    }
    auto const job = make_compaction_job();
    job->counted = false;
    run_compaction(*job);
    finish_compaction(*job);
}

void journal::impl::record(core::anomaly_change change, std::string_view json)
{
    if (!settings_.journal) return;
    line_.clear();
    detail::append_change_line(line_, change, json);
    append_line(line_);
}

void journal::impl::record(summary const& s)
{
    if (!settings_.journal) return;
    line_.clear();
    detail::append_summary_line(line_, s);
    append_line(line_);
}

void journal::impl::record(alarm::transition const& t)
{
    if (!settings_.journal) return;
    line_.clear();
    detail::append_alarm_line(line_, t);
    append_line(line_);
}

asio::awaitable<void> journal::impl::run()
{
    if (!settings_.journal) co_return;
    core::periodic schedule{co_await asio::this_coro::executor, settings_.fsync_interval};
    while (co_await schedule.next()) tick();
    finish();
}

void journal::impl::tick()
{
    if (!started_) return;
    if (!compaction_) {
        if (append_only_ && fd_ < 0) {
            open_append_only();
        } else if (need_compaction_ && !append_only_) {
            start_compaction();
        } else {
            flush_pending();
        }
    }
    write_mark_if_due();
    request_sync();
    auto const limit =
        std::max<std::size_t>(4096, 4 * (settings_.anomaly_history + settings_.summary_history));
    if (!compaction_ && !append_only_ && fd_ >= 0 && pending_.empty() && lines_ > limit)
        start_compaction();
}

void journal::impl::finish()
{
    if (!started_ || compaction_) return; // the destructor completes a rewrite in flight
    write_mark_if_due();
    if (need_compaction_ && !append_only_) {
        // Last chance to leave a whole journal behind: rewrite it here, blocking the loop.
        auto const job = make_compaction_job();
        run_compaction(*job);
        finish_compaction(*job);
    } else {
        flush_pending();
    }
    sync_now();
}

void journal::impl::append_line(std::string_view line)
{
    if (fd_ < 0 || compaction_ || !pending_.empty()) {
        hold(line);
        return;
    }
    if (int const error = write_all(fd_, line)) {
        truncate_back();
        hold(line);
        fail("write", error);
        return;
    }
    wrote(line.size(), 1);
}

void journal::impl::hold(std::string_view line)
{
    pending_.emplace_back(line);
    status_.pending_bytes += line.size();
    bool dropped = false;
    while (status_.pending_bytes > max_pending_bytes && !pending_.empty()) {
        status_.pending_bytes -= pending_.front().size();
        pending_.pop_front();
        if (subsumed_ > 0) --subsumed_;
        ++status_.events_lost;
        dropped = true;
    }
    changed();
    if (!dropped) return;
    // The file now lacks events: only a rewrite from the history makes it whole again.
    need_compaction_ = true;
    if (!dropping_)
        log::error("journal") << "journal retry buffer full, dropping the oldest events path="
                              << status_.path << " limit_bytes=" << max_pending_bytes;
    dropping_ = true;
}

void journal::impl::flush_pending()
{
    if (fd_ < 0 || compaction_) return;
    while (!pending_.empty()) {
        chunk_.clear();
        std::size_t n = 0;
        for (auto const& line : pending_) {
            if (n > 0 && chunk_.size() + line.size() > flush_chunk_bytes) break;
            chunk_ += line;
            ++n;
        }
        if (int const error = write_all(fd_, chunk_)) {
            truncate_back();
            fail("write", error);
            return;
        }
        for (std::size_t i = 0; i < n; ++i) {
            status_.pending_bytes -= pending_.front().size();
            pending_.pop_front();
        }
        wrote(chunk_.size(), n);
    }
    check_recovered();
}

void journal::impl::truncate_back()
{
    // Cut the partial line, so the next write starts a line of its own.
    if (!append_only_ && ::ftruncate(fd_, static_cast<off_t>(size_)) != 0) need_compaction_ = true;
}

void journal::impl::wrote(std::size_t bytes, std::size_t lines)
{
    size_ += bytes;
    lines_ += lines;
    status_.events_written += lines;
    dirty_ = true;
    changed();
    if (settings_.fsync == durability::always) request_sync();
}

void journal::impl::write_mark_if_due()
{
    // An idle plant writes nothing: the mark only matters to close episodes left open.
    if (history_.active_anomalies() == 0 || !newest_reading_) return;
    auto const newest = newest_reading_();
    if (!newest || newest == last_mark_) return;
    last_mark_ = newest;
    line_.clear();
    detail::append_mark_line(line_, *newest);
    append_line(line_);
}

void journal::impl::request_sync()
{
    if (closing_ || fd_ < 0 || !dirty_) return;
    if (sync_in_flight_) {
        sync_again_ = true;
        return;
    }
    int const copy = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
    if (copy < 0) {
        fail("fdatasync", errno);
        return;
    }
    dirty_ = false;
    sync_in_flight_ = true;
    auto job = std::make_shared<detail::sync_job>();
    job->fd = detail::unique_fd{copy};
    auto work = [job, alive = alive_, ex = ex_, this] {
        job->error = sync_data(job->fd.get());
        job->fd.reset();
        asio::post(ex, [job, alive, this] {
            if (*alive) finish_sync(*job);
        });
    };
    asio::post(helper_, std::move(work));
}

void journal::impl::finish_sync(detail::sync_job const& job)
{
    sync_in_flight_ = false;
    if (job.error != 0) {
        dirty_ = true;
        need_compaction_ = !append_only_; // after a failed fsync the page cache cannot be trusted
        fail("fdatasync", job.error);
    } else {
        status_.last_sync = core::now();
        changed();
        check_recovered();
    }
    if (sync_again_) {
        sync_again_ = false;
        request_sync();
    }
}

void journal::impl::sync_now()
{
    if (fd_ < 0 || !dirty_) return;
    dirty_ = false;
    if (int const error = sync_data(fd_)) {
        fail("fdatasync", error);
        return;
    }
    status_.last_sync = core::now();
    changed();
}

std::shared_ptr<detail::compaction_job> journal::impl::make_compaction_job()
{
    auto job = std::make_shared<detail::compaction_job>();
    job->dir = dir_;
    job->file = file_;
    job->tmp = tmp_;
    auto& text = job->text;
    detail::append_header_line(text, core::now());
    std::size_t lines = 1;
    history_.for_each_anomaly([&text, &lines](core::anomaly const& a, std::string_view json) {
        detail::append_change_line(
            text, a.active() ? core::anomaly_change::opened : core::anomaly_change::closed, json);
        ++lines;
    });
    history_.for_each_summary([&text, &lines](summary const& s) {
        detail::append_summary_line(text, s);
        ++lines;
    });
    if (alarms_) {
        for (auto const& t : alarms_()) {
            detail::append_alarm_line(text, t);
            ++lines;
        }
    }
    job->mark = newest_reading_ ? newest_reading_() : std::nullopt;
    if (!job->mark) job->mark = last_mark_;
    if (job->mark) {
        detail::append_mark_line(text, *job->mark);
        ++lines;
    }
    job->lines = lines;
    // The history already holds every event recorded so far: the lines held now are in the
    // snapshot, and written after it they would bring older states back.
    subsumed_ = pending_.size();
    return job;
}

void journal::impl::start_compaction()
{
    auto job = make_compaction_job();
    compaction_ = job;
    auto work = [job, alive = alive_, ex = ex_, this] {
        run_compaction(*job);
        asio::post(ex, [job, alive, this] {
            if (*alive) finish_compaction(*job);
        });
    };
    asio::post(helper_, std::move(work));
}

void journal::impl::finish_compaction(detail::compaction_job& job)
{
    compaction_.reset();
    if (job.error != 0) {
        // The held lines stay: they go to the old file if one is open, or into the next try.
        subsumed_ = 0;
        fail(std::string{"rewrite ("} + job.step + ")", job.error);
        return;
    }
    if (fd_ >= 0) ::close(fd_);
    fd_ = job.fd.release();
    size_ = job.text.size();
    lines_ = job.lines;
    for (; subsumed_ > 0 && !pending_.empty(); --subsumed_) {
        status_.pending_bytes -= pending_.front().size();
        pending_.pop_front();
    }
    subsumed_ = 0;
    need_compaction_ = false;
    dirty_ = false;
    if (job.mark) last_mark_ = job.mark;
    status_.last_sync = core::now(); // the snapshot was synced before the rename
    if (job.counted) ++status_.compactions;
    changed();
    flush_pending();
}

void journal::impl::open_append_only()
{
    int const fd = ::open(file_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        fail("open", errno);
        return;
    }
    fd_ = fd;
    need_compaction_ = false;
    flush_pending();
}

void journal::impl::check_recovered()
{
    if (fd_ < 0 || compaction_ || !pending_.empty() || (need_compaction_ && !append_only_)) return;
    dropping_ = false;
    if (status_.healthy) return;
    status_.healthy = true;
    status_.message = "Journal writing";
    changed();
    log::notice("journal") << "journal writing again path=" << status_.path;
}

void journal::impl::fail(std::string_view what, int error)
{
    auto message = "Journal error: " + error_text(error);
    bool const news = status_.healthy || status_.message != message;
    status_.healthy = false;
    status_.message = std::move(message);
    changed();
    if (news)
        log::error("journal") << "journal " << what << " failed path=" << status_.path
                              << " error=" << error_text(error);
}

journal::journal(asio::any_io_executor ex, settings const& s, history const& h,
                 std::function<std::optional<core::timestamp>()> newest_reading,
                 alarm_snapshot alarms)
    : impl_{
          std::make_unique<impl>(std::move(ex), s, h, std::move(newest_reading), std::move(alarms))}
{}

journal::~journal() = default;

void journal::start() { impl_->start(); }

void journal::record(core::anomaly_change change, core::anomaly const&, std::string_view json)
{
    impl_->record(change, json);
}

void journal::record(summary const& s) { impl_->record(s); }

void journal::record(alarm::transition const& t) { impl_->record(t); }

asio::awaitable<void> journal::run() { return impl_->run(); }

core::reload_effect journal::apply(settings const& s) const noexcept
{
    return s == impl_->settings_ ? core::reload_effect::unchanged
                                 : core::reload_effect::needs_restart;
}

journal_status const& journal::status() const noexcept { return impl_->status_; }

std::uint64_t journal::version() const noexcept { return impl_->version_; }

} // namespace wtf::store
