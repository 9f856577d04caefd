#pragma once
// Mirrors the record into Redis under the seed system's keys, so its consumers keep working:
// `anomaly_history` (LPUSH, LTRIM; an update or close replaces the stored entry in place),
// `anomalies` (PUBLISH, once per anomaly, when it opens), `summary_history` (LPUSH, LTRIM) and
// `last_data_received` (SET). record() only queues; run() owns the connection.

#include <wtf/core/anomaly.hpp>
#include <wtf/core/reload.hpp>
#include <wtf/core/time.hpp>
#include <wtf/redis/settings.hpp>
#include <wtf/mirror/status.hpp>
#include <wtf/store/history.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace wtf::mirror {

class redis_mirror final : public core::health_reporter {
public:
    // `last_received` is the wall-clock time of the newest accepted reading
    // (pipeline.last_received()), polled once a second. Throws std::invalid_argument when
    // settings.password_file cannot be read (a start-up error).
    redis_mirror(boost::asio::any_io_executor ex, redis::settings const& s,
                 std::function<std::optional<core::timestamp>()> last_received);
    ~redis_mirror();
    redis_mirror(redis_mirror const&) = delete;
    redis_mirror& operator=(redis_mirror const&) = delete;

    // History observers: queue one write and wake run(). Never block and never throw on a full
    // queue: the oldest waiting write is dropped and counted. Nothing happens when disabled.
    void record(core::anomaly_change change, core::anomaly const& a, std::string_view json);
    void record(store::summary const& s);
    // A refresh observer: what the history shows beside the anomaly changed (its alarm state),
    // so its entry in anomaly_history is replaced in place, as for an update. Anomalies whose id
    // lies anomaly_history or more below the newest id recorded are skipped: ids are given in
    // order and each is pushed once, so Redis no longer holds them.
    void refresh(core::anomaly const& a, std::string_view json);

    // Until terminal cancellation, after which it returns normally: connects, sends the queue
    // pipelined, PINGs after 1 s without traffic (a closed connection shows within about 1 s,
    // a silent one after 5 s more), and reconnects with backoff (250 ms doubling up to
    // max_backoff). Delivery is at-least-once: writes not acknowledged when a connection fails
    // are sent again, in order. A write Redis refuses (WRONGTYPE, ...) is counted in
    // command_errors and dropped; LOADING, BUSY, READONLY, MASTERDOWN and NOAUTH are treated as
    // a lost connection instead. Returns at once when disabled. Throws only for broken
    // invariants.
    boost::asio::awaitable<void> run();

    // [redis] only takes effect at a restart: says so when it changed.
    core::reload_effect apply(redis::settings const& s) const noexcept;

    redis_status const& status() const noexcept;
    std::uint64_t version() const noexcept; // increases whenever status() changes
    core::health_record health() const override { return health_of(status()); }
    std::uint64_t health_version() const noexcept override { return version(); }

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace wtf::mirror
