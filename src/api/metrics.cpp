#include <wtf/api/metrics.hpp>

#include <wtf/core/version.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

namespace wtf::api {
namespace {

// Seconds. The API answers from memory in well under a millisecond; the LLM takes seconds.
constexpr std::array<double, 9> http_bounds{0.0005, 0.001, 0.0025, 0.005, 0.01,
                                            0.05,   0.1,   0.5,    1.0};
constexpr std::array<double, 9> llm_bounds{0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0};

// Every status the router and the server send; the last slot counts any other.
constexpr std::array<unsigned, 10> known_statuses{200, 400, 401, 404, 405, 413, 422, 431, 500, 503};

std::size_t status_slot(unsigned status) noexcept
{
    auto const it = std::find(known_statuses.begin(), known_statuses.end(), status);
    return static_cast<std::size_t>(it - known_statuses.begin()); // size(): "other"
}

constexpr std::array routes{http_route::anomalies, http_route::summary, http_route::status,
                            http_route::readings,  http_route::metrics, http_route::other};
constexpr std::array sources{core::source::generator, core::source::http, core::source::redis,
                             core::source::replay};
constexpr std::array types{core::anomaly_type::spike, core::anomaly_type::drift,
                           core::anomaly_type::dropout};
constexpr std::array severities{core::severity::info, core::severity::warning,
                                core::severity::critical};

std::size_t index(auto e) noexcept { return static_cast<std::size_t>(e); }

// Integers plain, other values in the shortest form that round-trips, never locale-dependent.
// Fixed notation from 1e-4 on, as Prometheus' Go client prints bucket bounds (0.0005, not 5e-04).
void append_number(std::string& out, double v)
{
    if (std::isnan(v)) {
        out += "NaN";
        return;
    }
    if (std::isinf(v)) {
        out += v > 0 ? "+Inf" : "-Inf";
        return;
    }
    double const magnitude = std::abs(v);
    auto const format = magnitude == 0.0 || (magnitude >= 1e-4 && magnitude < 1e21)
                            ? std::chars_format::fixed
                            : std::chars_format::scientific;
    std::array<char, 32> buf{};
    auto const [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v, format);
    out.append(buf.data(), end);
}

void append_number(std::string& out, std::uint64_t v)
{
    std::array<char, 24> buf{};
    auto const [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    out.append(buf.data(), end);
}

// Label values escape backslash, double quote and newline; # HELP text the first and last.
void append_escaped(std::string& out, std::string_view text, bool quote)
{
    for (char const c : text) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '"':
            if (quote) {
                out += "\\\"";
                break;
            }
            [[fallthrough]];
        default: out += c;
        }
    }
}

} // namespace

histogram::histogram(std::span<double const> bounds) : bounds_{bounds}
{
    if (bounds.size() >= buckets_.size())
        throw std::invalid_argument{"histogram: more than 15 bucket bounds"};
    if (!std::is_sorted(bounds.begin(), bounds.end()) ||
        std::adjacent_find(bounds.begin(), bounds.end()) != bounds.end())
        throw std::invalid_argument{"histogram: bucket bounds must ascend"};
}

void histogram::observe(double v) noexcept
{
    if (std::isnan(v)) return;
    auto const it = std::lower_bound(bounds_.begin(), bounds_.end(), v); // first bound >= v
    ++buckets_[static_cast<std::size_t>(it - bounds_.begin())];
    ++count_;
    sum_ += v;
}

std::uint64_t histogram::cumulative(std::size_t i) const noexcept
{
    std::uint64_t n = 0;
    for (std::size_t b = 0; b <= std::min(i, bounds_.size()); ++b) n += buckets_[b];
    return n;
}

http_route route_of(std::string_view target) noexcept
{
    std::string_view const path = target.substr(0, target.find('?'));
    for (http_route r : routes) {
        if (r != http_route::other && to_string(r) == path) return r;
    }
    return http_route::other;
}

std::string_view to_string(http_route r) noexcept
{
    switch (r) {
    case http_route::anomalies: return "/anomalies";
    case http_route::summary: return "/summary";
    case http_route::status: return "/status";
    case http_route::readings: return "/readings";
    case http_route::metrics: return "/metrics";
    case http_route::other: break;
    }
    return "other";
}

metrics::metrics() : llm_seconds_{llm_bounds}
{
    for (auto& h : request_seconds_) h = histogram{http_bounds};
}

void metrics::record_request(http_route r, unsigned status, std::chrono::nanoseconds took) noexcept
{
    ++requests_[index(r)][status_slot(status)];
    request_seconds_[index(r)].observe(std::chrono::duration<double>(took).count());
}

void metrics::record_refusal(http_route r, unsigned status) noexcept
{
    ++requests_[index(r)][status_slot(status)];
}

void metrics::record(core::anomaly_change change, core::anomaly const& a) noexcept
{
    if (change != core::anomaly_change::opened) return;
    auto const slot = index(a.type) * severities.size() + index(a.severity);
    if (slot < opened_.size()) ++opened_[slot];
}

void metrics::record(store::summary const& s) noexcept
{
    if (s.source == "llm" || s.latency > std::chrono::milliseconds::zero())
        llm_seconds_.observe(std::chrono::duration<double>(s.latency).count());
}

void exposition::family(std::string_view name, std::string_view type, std::string_view help)
{
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    append_escaped(out_, help, false);
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
}

void exposition::series(std::string_view name, std::string_view suffix,
                        std::initializer_list<label> labels, label const* extra)
{
    out_ += name;
    out_ += suffix;
    if (labels.size() == 0 && !extra) {
        out_ += ' ';
        return;
    }
    char separator = '{';
    auto append = [&](label const& l) {
        out_ += separator;
        separator = ',';
        out_ += l.name;
        out_ += "=\"";
        append_escaped(out_, l.value, true);
        out_ += '"';
    };
    for (label const& l : labels) append(l);
    if (extra) append(*extra);
    out_ += "} ";
}

void exposition::sample(std::string_view name, std::initializer_list<label> labels, std::uint64_t v)
{
    series(name, {}, labels, nullptr);
    append_number(out_, v);
    out_ += '\n';
}

void exposition::sample(std::string_view name, std::initializer_list<label> labels, double v)
{
    series(name, {}, labels, nullptr);
    append_number(out_, v);
    out_ += '\n';
}

void exposition::samples(std::string_view name, std::initializer_list<label> labels,
                         histogram const& h)
{
    std::string le;
    auto const bounds = h.bounds();
    for (std::size_t i = 0; i <= bounds.size(); ++i) {
        le.clear();
        append_number(le, i < bounds.size() ? bounds[i] : std::numeric_limits<double>::infinity());
        label const bucket{"le", le};
        series(name, "_bucket", labels, &bucket);
        append_number(out_, h.cumulative(i));
        out_ += '\n';
    }
    series(name, "_sum", labels, nullptr);
    append_number(out_, h.sum());
    out_ += '\n';
    series(name, "_count", labels, nullptr);
    append_number(out_, h.count());
    out_ += '\n';
}

void append_metrics(std::string& out, scrape const& s)
{
    exposition x{out};

    x.family("wtfd_build_info", "gauge", "Always 1; the version label names the build.");
    x.sample("wtfd_build_info", {{"version", core::version()}}, std::uint64_t{1});
    x.family("wtfd_uptime_seconds", "gauge", "Seconds since wtfd started.");
    x.sample("wtfd_uptime_seconds", {}, std::max(0.0, core::seconds_between(s.started_at, s.now)));
    if (s.resident_bytes) {
        x.family("wtfd_resident_memory_bytes", "gauge", "Resident set size of the wtfd process.");
        x.sample("wtfd_resident_memory_bytes", {}, *s.resident_bytes);
    }

    auto const& stats = s.pipeline.stats();
    x.family("wtfd_readings_total", "counter", "Readings accepted, by source.");
    for (core::source src : sources) {
        x.sample("wtfd_readings_total", {{"source", core::to_string(src)}},
                 stats.accepted_by_source[index(src)]);
    }
    x.family("wtfd_sensor_readings_total", "counter", "Readings accepted, by sensor.");
    s.pipeline.detector().for_each_sensor([&x](detect::sensor_info const& info) {
        x.sample("wtfd_sensor_readings_total", {{"sensor", info.sensor_id}}, info.readings);
    });
    x.family("wtfd_rejected_total", "counter",
             "Readings ignored as stale (duplicate or out of order), and batches refused whole, "
             "by reason.");
    x.sample("wtfd_rejected_total", {{"reason", "stale"}}, stats.stale);
    constexpr std::array<std::pair<ingest::rejection, std::string_view>, 4> reasons{{
        {ingest::rejection::malformed, "malformed"},
        {ingest::rejection::invalid, "invalid"},
        {ingest::rejection::clock_skew, "clock_skew"},
        {ingest::rejection::too_many_sensors, "too_many_sensors"},
    }};
    for (auto const& [why, name] : reasons) {
        x.sample("wtfd_rejected_total", {{"reason", name}}, stats.rejected_by_reason[index(why)]);
    }
    x.family("wtfd_reading_fields_ignored_total", "counter",
             "Fields of accepted readings that were not numbers and not configured parameters "
             "(labels such as \"status\": \"ok\"), ignored.");
    x.sample("wtfd_reading_fields_ignored_total", {}, stats.ignored_fields);

    if (auto const* m = s.counters) {
        x.family("wtfd_anomalies_total", "counter",
                 "Anomaly episodes opened since wtfd started, by type and severity.");
        for (auto type : types) {
            for (auto sev : severities) {
                x.sample("wtfd_anomalies_total",
                         {{"type", core::to_string(type)}, {"severity", core::to_string(sev)}},
                         m->opened_[index(type) * severities.size() + index(sev)]);
            }
        }
    }
    x.family("wtfd_active_anomalies", "gauge", "Anomaly episodes open now.");
    x.sample("wtfd_active_anomalies", {}, static_cast<std::uint64_t>(s.history.active_anomalies()));

    if (auto const* llm = s.llm) {
        x.family("wtfd_summaries_total", "counter", "Summaries written, by who wrote the text.");
        x.sample("wtfd_summaries_total", {{"source", "llm"}}, llm->llm_summaries);
        x.sample("wtfd_summaries_total", {{"source", "fallback"}}, llm->fallback_summaries);
    }
    if (auto const* m = s.counters) {
        x.family("wtfd_llm_request_duration_seconds", "histogram",
                 "Duration of LLM requests that returned a reply, used or not; failed "
                 "requests are not timed.");
        x.samples("wtfd_llm_request_duration_seconds", {}, m->llm_seconds_);

        x.family("wtfd_http_requests_total", "counter", "HTTP responses, by route and status.");
        std::array<char, 8> code{};
        for (http_route r : routes) {
            auto const& row = m->requests_[index(r)];
            for (std::size_t i = 0; i < row.size(); ++i) {
                if (row[i] == 0) continue;
                std::string_view status = "other";
                if (i < known_statuses.size()) {
                    auto const [end, ec] =
                        std::to_chars(code.data(), code.data() + code.size(), known_statuses[i]);
                    status = {code.data(), static_cast<std::size_t>(end - code.data())};
                }
                x.sample("wtfd_http_requests_total", {{"route", to_string(r)}, {"status", status}},
                         row[i]);
            }
        }
        x.family("wtfd_http_request_duration_seconds", "histogram",
                 "Time the router took to answer HTTP requests, by route.");
        for (http_route r : routes) {
            x.samples("wtfd_http_request_duration_seconds", {{"route", to_string(r)}},
                      m->request_seconds_[index(r)]);
        }
    }

    if (auto const* redis = s.redis) {
        x.family("wtfd_redis_connected", "gauge", "1 while the Redis mirror is connected.");
        x.sample("wtfd_redis_connected", {}, std::uint64_t{redis->connected ? 1U : 0U});
        x.family("wtfd_redis_queued", "gauge", "Redis writes waiting or in flight.");
        x.sample("wtfd_redis_queued", {}, static_cast<std::uint64_t>(redis->queued));
        x.family("wtfd_redis_dropped_total", "counter",
                 "Redis writes dropped because the queue was full.");
        x.sample("wtfd_redis_dropped_total", {}, redis->dropped);
        x.family("wtfd_redis_written_total", "counter", "Redis writes Redis acknowledged.");
        x.sample("wtfd_redis_written_total", {}, redis->written);
    }
    if (auto const* journal = s.journal) {
        x.family("wtfd_journal_healthy", "gauge", "1 while the journal file can be written.");
        x.sample("wtfd_journal_healthy", {}, std::uint64_t{journal->healthy ? 1U : 0U});
        x.family("wtfd_journal_events_written_total", "counter",
                 "Journal lines accepted by the kernel.");
        x.sample("wtfd_journal_events_written_total", {}, journal->events_written);
        x.family("wtfd_journal_events_lost_total", "counter",
                 "Journal lines dropped because the retry buffer was full.");
        x.sample("wtfd_journal_events_lost_total", {}, journal->events_lost);
    }
}

std::optional<std::uint64_t> resident_memory_bytes() noexcept
{
    // "size resident shared text lib data dt", in pages.
    int const fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::array<char, 128> buf{};
    auto const n = ::read(fd, buf.data(), buf.size());
    ::close(fd);
    if (n <= 0) return std::nullopt;
    char const* const begin = buf.data();
    char const* const end = begin + n;
    char const* const p = std::find(begin, end, ' ');
    if (p == end) return std::nullopt;
    std::uint64_t pages = 0;
    if (std::from_chars(p + 1, end, pages).ec != std::errc{}) return std::nullopt;
    long const page_size = ::sysconf(_SC_PAGESIZE);
    if (page_size <= 0) return std::nullopt;
    return pages * static_cast<std::uint64_t>(page_size);
}

} // namespace wtf::api
