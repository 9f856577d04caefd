#pragma once
// Takes readings from a Redis channel (the seed generator's `PUBLISH sensor-data <json>`): each
// message is parsed like a POST /readings body and goes to the sink (the pipeline) as source redis.

#include <wtf/core/reload.hpp>
#include <wtf/redis/settings.hpp>
#include <wtf/sources/redis_ingest_status.hpp>
#include <wtf/sources/sink.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>

namespace wtf::sources {

class redis_ingest final : public core::health_reporter {
public:
    // Enabled when settings.enabled and settings.ingest are. Throws std::invalid_argument when
    // settings.password_file cannot be read (a start-up error).
    redis_ingest(boost::asio::any_io_executor ex, redis::settings const& s, sources::sink& sink);
    ~redis_ingest();
    redis_ingest(redis_ingest const&) = delete;
    redis_ingest& operator=(redis_ingest const&) = delete;

    // Until terminal cancellation, after which it returns normally: connects on its own
    // connection, SUBSCRIBEs settings.ingest_channel and feeds every message to the sink.
    // A message that is not a valid reading (or batch) is counted in `rejected` and logged
    // (at most one line per 10 s). PINGs every second; reconnects with the mirror's backoff.
    // Returns at once when disabled.
    boost::asio::awaitable<void> run();

    // [redis] only takes effect at a restart: says so when it changed.
    core::reload_effect apply(redis::settings const& s) const noexcept;

    ingest_status const& status() const noexcept;
    std::uint64_t version() const noexcept; // increases whenever status() changes
    core::health_record health() const override { return health_of(status()); }
    std::uint64_t health_version() const noexcept override { return version(); }

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace wtf::sources
