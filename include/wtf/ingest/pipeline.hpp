#pragma once
// Where every source's readings meet: validates a batch against live-mode rules, feeds the
// detector, records anomalies in the history and keeps the counters /status reports.
// Plain synchronous calls on the loop's thread: no copy, lock or allocation per reading.

#include <wtf/core/reading.hpp>
#include <wtf/core/reload.hpp>
#include <wtf/detect/detector.hpp>
#include <wtf/sources/parse.hpp>
#include <wtf/sources/sink.hpp>
#include <wtf/store/history.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_set>
#include <variant>

namespace wtf::ingest {

// Why a batch was refused whole: the body was not JSON/NDJSON, an item broke the data contract,
// a timestamp lay beyond max_clock_skew, or the batch would exceed max_sensors.
enum class rejection { malformed, invalid, clock_skew, too_many_sensors };

struct pipeline_stats {
    core::per_source accepted_by_source{}; // indexed by core::index_of(source)
    std::uint64_t stale = 0;
    std::uint64_t ignored_fields = 0; // of accepted batches: labels and other non-numbers
    std::array<std::uint64_t, 4> rejected_by_reason{}; // indexed by rejection
    std::uint64_t rejected_batches = 0;                // the sum of rejected_by_reason
};

class pipeline final : public sources::sink, private detect::event_sink {
public:
    struct limits {
        std::chrono::seconds max_clock_skew{300}; // readings further in the future are invalid
        std::size_t max_sensors = 10'000;         // distinct sensor ids the detector will track

        bool operator==(limits const&) const = default;
    };

    pipeline(detect::detector& detector, store::history& history, limits l);

    // Checks the whole batch first (future timestamps, too many new sensors) and applies
    // nothing when one reading fails; the problem names the item. `now` is the wall clock.
    // Returns the counts on success.
    std::variant<sources::ingest_result, sources::problem>
    ingest(std::span<core::reading const> readings, core::source from,
           core::timestamp now) override;
    // A parsed batch: its readings, and the fields the parser ignored counted.
    std::variant<sources::ingest_result, sources::problem>
    ingest(sources::batch const& parsed, core::source from, core::timestamp now) override;

    // What the parser needs of the live configuration: the configured parameters, whose values
    // must be numbers. `rules` is the caller's, with this set.
    sources::parse_limits parse_rules(sources::parse_limits rules) const noexcept override
    {
        rules.parameters = detector_.current().parameters;
        return rules;
    }

    // Counts a batch the parser refused before it reached the pipeline: errc::malformed_body
    // counts as malformed, any other code as invalid.
    void count_rejected_batch(errc parser_code) noexcept override
    {
        count(parser_code == errc::malformed_body ? rejection::malformed : rejection::invalid);
    }

    // A clock tick: lets the detector open dropouts.
    void advance(core::timestamp now);

    // Called with each reading the detector accepted, after it (the recent readings each sensor
    // keeps, the live event stream). One at most; it must not ingest.
    void on_accepted(std::function<void(core::reading const&)> f) { accepted_ = std::move(f); }

    // New limits (SIGHUP), from the next batch on.
    core::reload_effect apply(limits l) noexcept
    {
        if (l == limits_) return core::reload_effect::unchanged;
        limits_ = l;
        return core::reload_effect::applied;
    }

    // Wall-clock time the newest reading was accepted (the seed's last_data_received).
    std::optional<core::timestamp> last_received() const noexcept { return last_received_; }
    // Timestamp of the newest reading accepted (data time, not wall-clock time).
    std::optional<core::timestamp> newest_reading() const noexcept { return newest_reading_; }
    pipeline_stats const& stats() const noexcept { return stats_; }
    // Increases whenever anything /status shows changes.
    std::uint64_t version() const noexcept { return version_; }

    detect::detector const& detector() const noexcept { return detector_; }

    // Forgets the sensor's multivariate baseline: it learns again from its next readings (an
    // open multivariate episode ends). False: no such sensor.
    bool relearn(std::string_view sensor_id);
    // Where the detector reports anomalies and baseline changes outside ingest (loading saved
    // baselines at start-up): into the history and the log, as during ingest.
    detect::event_sink& baseline_sink() noexcept { return *this; }
    store::history const& history() const noexcept { return history_; }

private:
    void count(rejection why) noexcept
    {
        ++stats_.rejected_by_reason[static_cast<std::size_t>(why)];
        ++stats_.rejected_batches;
        ++version_;
    }
    void on_anomaly(core::anomaly_change change, core::anomaly const& a) override;
    void on_baseline(std::string_view sensor_id, detect::baseline_note const& note) override;

    detect::detector& detector_;
    store::history& history_;
    limits limits_;
    pipeline_stats stats_;
    std::optional<core::timestamp> last_received_;
    std::optional<core::timestamp> newest_reading_;
    std::uint64_t version_ = 0;
    std::function<void(core::reading const&)> accepted_;
    std::unordered_set<std::string_view> new_sensors_; // scratch for ingest(), keeps its buckets
};

} // namespace wtf::ingest
