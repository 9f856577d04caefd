#pragma once
// The heart of `wtfd analyze`: readings from any source go through the daemon's detector in the
// data's own time. Every episode transition reaches the summarizer's notes (bounded) and, once
// the episode ends, the JSON Lines output; nothing grows with the number of readings.

#include <wtf/core/anomaly.hpp>
#include <wtf/detect/detector.hpp>
#include <wtf/sources/recorded.hpp>
#include <wtf/summarize/summarizer.hpp>

#include <array>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace wtf::cli::detail {

// Anomalies as JSON Lines, one object per episode in its final state, buffered.
class anomaly_lines {
public:
    // `out` is borrowed (stdout or an opened file).
    explicit anomaly_lines(std::FILE* out) noexcept : out_{out} {}
    void write(core::anomaly const& a);
    // Flushes; false when any write failed (disk full, closed pipe).
    bool finish();

private:
    void flush_if_full();
    std::FILE* out_;
    std::string buffer_;
    bool failed_ = false;
};

// Bad rows: the first few of each source are printed, the rest only counted.
class problem_log {
public:
    static constexpr std::size_t shown_per_source = 20;
    explicit problem_log(std::FILE* out) noexcept : out_{out} {}
    void report(sources::row_problem const& p);
    // "... and 12 more bad rows in data.csv" for each source over the limit.
    void print_remainder();

private:
    std::FILE* out_;
    std::map<std::string, std::uint64_t, std::less<>> per_source_;
};

struct replay_counts {
    std::uint64_t readings = 0;             // accepted by the detector
    std::uint64_t stale = 0;                // not newer than their sensor's previous reading
    std::optional<std::string> first_stale; // "sensor 0 at 2020-03-09T10:14:33Z"
    std::uint64_t problems = 0;             // rows the sources skipped
    std::array<std::uint64_t, core::anomaly_kinds.size()> opened_by_type{}; // by index_of(type)
    std::uint64_t still_open = 0; // episodes open at the end of the data
    std::optional<core::timestamp> first;
    std::optional<core::timestamp> last;
    // Per sensor, the multivariate episodes' contributions summed per parameter.
    std::map<std::string, std::map<std::string, double, std::less<>>, std::less<>> contributions;
    std::map<std::string, std::size_t, std::less<>> multivariate_by_sensor; // episodes

    std::size_t multivariate_episodes(std::string_view sensor) const
    {
        auto const found = multivariate_by_sensor.find(sensor);
        return found == multivariate_by_sensor.end() ? 0 : found->second;
    }
};

class replayer final : public sources::row_sink, private detect::event_sink {
public:
    // `lines` may be null (no --anomalies). All references are borrowed.
    replayer(detect::settings settings, summarize::summarizer& notes, anomaly_lines* lines,
             problem_log& problems);

    void on_reading(core::reading const& r) override;
    void on_problem(sources::row_problem const& p) override;

    // The end of the data: the clock moves to the newest reading (a sensor silent since
    // longer than its gap is a dropout still open), and open episodes are written.
    void finish();

    // Baselines learned elsewhere (--baseline): by sensor id; one alone is used for every
    // sensor whose parameters it models.
    void use_baselines(std::vector<std::pair<std::string, detect::sensor_baseline>> baselines);

    replay_counts const& counts() const noexcept { return counts_; }
    // Null before the first reading.
    detect::detector const* detector() const noexcept { return detector_ ? &*detector_ : nullptr; }

private:
    void on_anomaly(core::anomaly_change change, core::anomaly const& a) override;
    void give_baseline(std::string_view sensor_id);
    void add_contributions(core::anomaly const& a);

    detect::settings settings_;
    summarize::summarizer& notes_;
    anomaly_lines* lines_;
    problem_log& problems_;
    // Made at the first reading: expected sensors count as silent from the data's start.
    std::optional<detect::detector> detector_;
    std::unordered_map<std::uint64_t, core::anomaly> open_; // episodes not ended yet
    std::vector<std::pair<std::string, detect::sensor_baseline>> baselines_;
    core::timestamp next_tick_{};
    replay_counts counts_;
};

} // namespace wtf::cli::detail
