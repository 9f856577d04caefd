#include <wtf/mirror/redis_mirror.hpp>

#include <wtf/redis/resp.hpp>
#include <wtf/redis/resp_connection.hpp>
#include <wtf/redis/retry.hpp>

#include <wtf/core/periodic.hpp>
#include <wtf/log/log.hpp>

#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <unordered_map>
#include <utility>

namespace wtf::mirror {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using core::use_tuple;
using steady = std::chrono::steady_clock;

namespace {

using redis::cancelled;
using redis::idle_period;
using redis::reply_timeout;

// One pipelined round trip carries at most this much.
constexpr std::size_t max_batch_writes = 256;
constexpr std::size_t max_batch_bytes = 256 * 1024;
// How far back record() looks for an unsent update of the same anomaly.
constexpr std::size_t coalesce_window = 16;

// Replaces the stored copy of an anomaly so LRANGE shows what GET /anomalies shows. ARGV[1] is
// the entry as wtfd last wrote it ('' when unknown, e.g. after a restart), found with LPOS, in
// C; failing that, the list is scanned for the start every version shares (ARGV[3], `{"id":7,`:
// the id is always first). Returns the index, or -1 when the entry is gone (trimmed away).
constexpr std::string_view replace_script = R"lua(
local i = false
if ARGV[1] ~= '' then i = redis.call('LPOS', KEYS[1], ARGV[1]) end
if not i then
  local prefix = ARGV[3]
  for n, item in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
    if string.sub(item, 1, #prefix) == prefix then i = n - 1 break end
  end
end
if not i then return -1 end
redis.call('LSET', KEYS[1], i, ARGV[2])
return i
)lua";

} // namespace

struct redis_mirror::impl {
    // One queued write: one to three commands that belong together.
    struct write {
        std::string resp;
        std::uint32_t commands = 0;
        std::string_view what;        // for logs: "anomaly opened", ...
        std::uint64_t anomaly_id = 0; // of an update or close, which a newer one supersedes
        std::string replaces;         // of an update: the entry as Redis holds it before
    };

    impl(asio::any_io_executor e, redis::settings const& s,
         std::function<std::optional<core::timestamp>()> last)
        : ex{std::move(e)}, configured{s}, cfg{s}, last_received{std::move(last)}, doorbell{ex}
    {
        status.enabled = cfg.enabled;
        if (cfg.enabled) {
            cfg.password = redis::load_password(s);
            status.message = "Redis error: not connected yet";
        }
        anomaly_trim = std::to_string(std::max<std::size_t>(cfg.anomaly_history, 1) - 1);
        summary_trim = std::to_string(std::max<std::size_t>(cfg.summary_history, 1) - 1);
    }

    void push(write w);
    void push_update(core::anomaly_change change, core::anomaly const& a, std::string_view json);
    void count_drop();
    void sync_queued();
    void trim_to_limit();
    void on_connected();
    void on_failure(std::string const& reason, std::chrono::milliseconds retry_in);
    void on_error_reply(std::string_view what, std::string const& text);
    asio::awaitable<void> run();
    asio::awaitable<redis::outcome> serve(redis::resp_connection& c);
    asio::awaitable<redis::outcome> send_batch(redis::resp_connection& c);

    asio::any_io_executor ex;
    redis::settings const configured; // as given, to compare at a reload
    redis::settings cfg;
    std::function<std::optional<core::timestamp>()> last_received;
    asio::steady_timer doorbell; // record() cancels it to wake run()
    std::string anomaly_trim;
    std::string summary_trim;

    // Oldest first. The first `inflight` writes have been sent and wait for their replies;
    // record() never drops those, so the replies still match the queue's front.
    std::deque<write> queue;
    std::size_t inflight = 0;
    // The JSON last queued for each open anomaly: what its entry in anomaly_history will be.
    std::unordered_map<std::uint64_t, std::string> mirrored;
    std::uint64_t newest_id = 0; // of the anomalies recorded: anomaly_history holds the newest
    std::string wire;            // the batch being sent
    redis::reply answer;         // reused for every reply

    std::optional<core::timestamp> last_set; // last_data_received Redis acknowledged
    std::optional<core::timestamp> set_due;  // a newer one, to be SET
    steady::time_point next_check{};

    redis_status status;
    std::uint64_t version = 0;
    bool answered = false;    // this connection answered a batch
    bool drop_logged = false; // a drop was logged in this outage
    redis::log_throttle drop_log;
    redis::log_throttle reply_log;
};

void redis_mirror::impl::sync_queued()
{
    if (status.queued == queue.size()) return;
    status.queued = queue.size();
    ++version;
}

void redis_mirror::impl::push_update(core::anomaly_change change, core::anomaly const& a,
                                     std::string_view json)
{
    write w;
    w.what = change == core::anomaly_change::closed ? "anomaly closed" : "anomaly updated";
    w.anomaly_id = a.id;
    auto const known = mirrored.find(a.id);
    if (known != mirrored.end()) w.replaces = known->second;
    // A newer state of an anomaly supersedes an unsent update of it (while Redis is away a
    // drift whose peak keeps rising would otherwise fill the queue with versions of itself);
    // Redis still holds what the superseded update would have replaced.
    write* superseded = nullptr;
    for (auto i = queue.size(); i > inflight && queue.size() - i < coalesce_window; --i) {
        if (queue[i - 1].anomaly_id != a.id) continue;
        superseded = &queue[i - 1];
        w.replaces = std::move(superseded->replaces);
        break;
    }
    auto const prefix = "{\"id\":" + std::to_string(a.id) + ",";
    redis::append_command(
        w.resp, {"EVAL", replace_script, "1", "anomaly_history", w.replaces, json, prefix});
    w.commands = 1;
    if (change == core::anomaly_change::closed) {
        if (known != mirrored.end()) mirrored.erase(known);
    } else if (known != mirrored.end()) {
        known->second.assign(json);
    }
    if (superseded) {
        *superseded = std::move(w);
        doorbell.cancel();
    } else {
        push(std::move(w));
    }
}

void redis_mirror::impl::push(write w)
{
    if (queue.size() >= cfg.queue_limit && queue.size() > inflight) {
        queue.erase(queue.begin() + static_cast<std::ptrdiff_t>(inflight));
        count_drop();
    }
    // When every held write is in flight the new one goes over the limit until they are
    // answered; trim_to_limit() restores the bound if they are not.
    queue.push_back(std::move(w));
    sync_queued();
    doorbell.cancel();
}

void redis_mirror::impl::count_drop()
{
    ++status.dropped;
    ++version;
    if (drop_logged || !drop_log.allow()) return;
    drop_logged = true;
    log::warning("mirror") << "Redis write queue full, dropping the oldest writes limit="
                           << cfg.queue_limit << " dropped=" << status.dropped
                           << " suppressed=" << drop_log.suppressed();
}

void redis_mirror::impl::trim_to_limit()
{
    inflight = 0;
    while (queue.size() > cfg.queue_limit) {
        queue.pop_front();
        count_drop();
    }
    sync_queued();
}

void redis_mirror::impl::on_connected()
{
    status.connected = true;
    status.message = "Redis connected";
    ++version;
    drop_logged = false;
    log::notice("mirror") << "connected to Redis host=" << cfg.host << " port=" << cfg.port
                          << " queued=" << queue.size();
}

void redis_mirror::impl::on_failure(std::string const& reason, std::chrono::milliseconds retry_in)
{
    auto message = "Redis error: " + reason;
    if (!status.connected && status.message == message) return;
    status.connected = false;
    status.message = std::move(message);
    ++version;
    log::error("mirror") << "Redis unavailable, writes are queued reason=" << reason
                         << " queued=" << queue.size() << " retry_in=" << retry_in.count() << "ms";
}

void redis_mirror::impl::on_error_reply(std::string_view what, std::string const& text)
{
    ++status.command_errors;
    ++version;
    if (reply_log.allow())
        log::warning("mirror") << "Redis refused a command write=" << what << " reply=" << text
                               << " suppressed=" << reply_log.suppressed();
}

asio::awaitable<void> redis_mirror::impl::run()
{
    co_await asio::this_coro::throw_if_cancelled(false);
    if (!cfg.enabled) co_return;
    co_await redis::keep_connected(
        ex, cfg,
        {[this](redis::resp_connection& c) -> asio::awaitable<redis::outcome> {
             on_connected();
             auto const ended = co_await serve(c);
             // At-least-once: whatever was sent but not answered stays at the front of the
             // queue and goes again on the next connection (a write of three commands may be
             // partly applied twice).
             trim_to_limit();
             co_return ended;
         },
         [this] { return answered; },
         [this](std::string const& reason, std::chrono::milliseconds retry_in) {
             on_failure(reason, retry_in);
         }});
    trim_to_limit();
}

asio::awaitable<redis::outcome> redis_mirror::impl::serve(redis::resp_connection& c)
{
    last_set.reset(); // Redis may have restarted empty: SET it again
    answered = false;
    next_check = steady::now();
    auto last_sent = steady::now();
    for (;;) {
        if (co_await cancelled()) co_return redis::outcome{asio::error::operation_aborted, {}};
        auto const now = steady::now();
        if (now >= next_check) {
            next_check = now + idle_period;
            auto const t = last_received ? last_received() : std::nullopt;
            if (t && t != last_set) set_due = t;
        }
        if (queue.empty() && !set_due && now - last_sent < idle_period) {
            doorbell.expires_at(std::min(last_sent + idle_period, next_check));
            [[maybe_unused]] auto [ec] = co_await doorbell.async_wait(use_tuple);
            continue;
        }
        auto r = co_await send_batch(c);
        if (r.failed()) co_return r;
        last_sent = steady::now();
    }
}

asio::awaitable<redis::outcome> redis_mirror::impl::send_batch(redis::resp_connection& c)
{
    wire.clear();
    std::size_t n = 0;
    while (n < queue.size() && n < max_batch_writes &&
           (n == 0 || wire.size() + queue[n].resp.size() <= max_batch_bytes)) {
        wire += queue[n].resp;
        ++n;
    }
    inflight = n;
    auto const set_value = set_due;
    if (set_value) {
        auto const text = core::format_isoformat(*set_value);
        redis::append_command(wire, {"SET", "last_data_received", text});
    }
    bool const ping = n == 0 && !set_value;
    if (ping) redis::append_command(wire, {"PING"});

    auto const written = co_await c.write(wire, reply_timeout);
    if (written.failed()) co_return written;

    while (inflight > 0) {
        // Copied: record() may erase behind the in-flight writes, which moves deque elements.
        auto const commands = queue.front().commands;
        auto const what = queue.front().what;
        bool refused = false;
        for (std::uint32_t i = 0; i < commands; ++i) {
            auto const got = co_await c.read(answer, reply_timeout);
            if (got.failed()) co_return got;
            if (!answer.is_error()) continue;
            // Loading after a restart, a failover, a password change: not this write's fault.
            if (redis::retry_later(answer.text))
                co_return redis::outcome{redis::resp_errc::error_reply, answer.text};
            refused = true;
            on_error_reply(what, answer.text);
        }
        queue.pop_front();
        --inflight;
        if (!refused) ++status.written;
        ++version;
        sync_queued();
    }
    if (set_value) {
        auto const got = co_await c.read(answer, reply_timeout);
        if (got.failed()) co_return got;
        if (answer.is_error()) {
            on_error_reply("last_data_received", answer.text);
        } else {
            last_set = set_value;
        }
        if (set_due == set_value) set_due.reset();
    }
    if (ping) {
        auto const got = co_await c.read(answer, reply_timeout);
        if (got.failed()) co_return got;
        if (answer.is_error()) on_error_reply("PING", answer.text);
    }
    answered = true;
    co_return redis::outcome{};
}

redis_mirror::redis_mirror(asio::any_io_executor ex, redis::settings const& s,
                           std::function<std::optional<core::timestamp>()> last_received)
    : impl_{std::make_unique<impl>(std::move(ex), s, std::move(last_received))}
{}

redis_mirror::~redis_mirror() = default;

core::reload_effect redis_mirror::apply(redis::settings const& s) const noexcept
{
    return s == impl_->configured ? core::reload_effect::unchanged
                                  : core::reload_effect::needs_restart;
}

void redis_mirror::record(core::anomaly_change change, core::anomaly const& a,
                          std::string_view json)
{
    if (!impl_->cfg.enabled) return;
    impl_->newest_id = std::max(impl_->newest_id, a.id);
    impl::write w;
    if (change == core::anomaly_change::opened) {
        redis::append_command(w.resp, {"LPUSH", "anomaly_history", json});
        redis::append_command(w.resp, {"LTRIM", "anomaly_history", "0", impl_->anomaly_trim});
        redis::append_command(w.resp, {"PUBLISH", "anomalies", json});
        w.commands = 3;
        w.what = "anomaly opened";
        impl_->mirrored.insert_or_assign(a.id, std::string{json});
        impl_->push(std::move(w));
    } else {
        impl_->push_update(change, a, json);
    }
}

void redis_mirror::refresh(core::anomaly const& a, std::string_view json)
{
    auto& m = *impl_;
    if (!m.cfg.enabled) return;
    m.newest_id = std::max(m.newest_id, a.id);
    if (m.newest_id - a.id >= m.cfg.anomaly_history) return;
    // As an update: an ended anomaly is no longer in `mirrored`, so this changes nothing there.
    m.push_update(core::anomaly_change::updated, a, json);
}

void redis_mirror::record(store::summary const& s)
{
    if (!impl_->cfg.enabled) return;
    impl::write w;
    redis::append_command(w.resp, {"LPUSH", "summary_history", s.text});
    redis::append_command(w.resp, {"LTRIM", "summary_history", "0", impl_->summary_trim});
    w.commands = 2;
    w.what = "summary";
    impl_->push(std::move(w));
}

asio::awaitable<void> redis_mirror::run() { return impl_->run(); }

redis_status const& redis_mirror::status() const noexcept { return impl_->status; }

std::uint64_t redis_mirror::version() const noexcept { return impl_->version; }

} // namespace wtf::mirror
