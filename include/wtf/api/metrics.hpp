#pragma once
// GET /metrics in the Prometheus text format 0.0.4: the counters only the API and the history's
// observers can keep (requests, anomalies opened, LLM latency), and the writer that prints them
// with what a scrape reads from the other modules' status. Recording never allocates.

#include <wtf/alarm/samples.hpp>
#include <wtf/core/anomaly.hpp>
#include <wtf/core/health.hpp>
#include <wtf/ingest/pipeline.hpp>
#include <wtf/store/history.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wtf::api {

// Cumulative buckets over fixed upper bounds (ascending; +Inf is implied). `bounds` must
// outlive the histogram. Throws std::invalid_argument for unsorted or more than 15 bounds.
class histogram {
public:
    histogram() = default; // +Inf only
    explicit histogram(std::span<double const> bounds);
    void observe(double v) noexcept; // NaN is ignored
    std::span<double const> bounds() const noexcept { return bounds_; }
    // Observations <= bounds()[i]; i == bounds().size() is the +Inf bucket, equal to count().
    std::uint64_t cumulative(std::size_t i) const noexcept;
    std::uint64_t count() const noexcept { return count_; }
    double sum() const noexcept { return sum_; }

private:
    std::span<double const> bounds_;
    std::array<std::uint64_t, 16> buckets_{}; // per bucket, not cumulative
    std::uint64_t count_ = 0;
    double sum_ = 0.0;
};

struct scrape;

class metrics {
public:
    metrics();
    // A response from the router and the time handle() took. `route` indexes route_labels()
    // (router.hpp): route_of(target).
    void record_request(std::size_t route, unsigned status, std::chrono::nanoseconds took) noexcept;
    // A request refused before it reached the router (413, 431): counted, not timed.
    void record_refusal(std::size_t route, unsigned status) noexcept;
    // History observers: anomalies counted when opened; the LLM latency of each summary made
    // by the LLM or after a request to it (latency > 0).
    void record(core::anomaly_change change, core::anomaly const& a) noexcept;
    void record(store::summary const& s) noexcept;

private:
    friend void append_metrics(std::string& out, scrape const& s);
    static constexpr std::size_t status_slots = 12; // the statuses wtfd sends, then "other"

    // By route label, sized once: recording never allocates.
    std::vector<std::array<std::uint64_t, status_slots>> requests_;
    std::vector<histogram> request_seconds_;
    // By kind, then severity: index_of(type) * severities.size() + severity.
    std::array<std::uint64_t, core::anomaly_kinds.size() * core::severities.size()> opened_{};
    histogram llm_seconds_;
};

// Appends samples and their # HELP / # TYPE lines; names are trusted, label values escaped.
class exposition {
public:
    struct label {
        std::string_view name;
        std::string_view value;
    };
    explicit exposition(std::string& out) noexcept : out_{out} {}
    void family(std::string_view name, std::string_view type, std::string_view help);
    void sample(std::string_view name, std::initializer_list<label> labels, std::uint64_t v);
    void sample(std::string_view name, std::initializer_list<label> labels, double v);
    // name_bucket{labels, le="..."} for every bound and +Inf, then name_sum and name_count.
    void samples(std::string_view name, std::initializer_list<label> labels, histogram const& h);

private:
    void series(std::string_view name, std::string_view suffix, std::initializer_list<label> labels,
                label const* extra);
    std::string& out_;
};

// Everything one scrape shows; null pointers leave their families out.
struct scrape {
    ingest::pipeline const& pipeline;
    store::history const& history;
    core::timestamp started_at;
    core::timestamp now;
    metrics const* counters = nullptr;
    // Each component's health fields that name a metric become samples.
    std::span<core::health_reporter const* const> health = {};
    std::optional<std::uint64_t> resident_bytes; // absent: not measured
    // The alarm module's samples (alarm/samples.hpp), written after everything else.
    std::span<alarm::sample const> alarms = {};
};
void append_metrics(std::string& out, scrape const& s);

// /proc/self/statm's resident pages times the page size; nullopt where it cannot be read.
std::optional<std::uint64_t> resident_memory_bytes() noexcept;

} // namespace wtf::api
