#include <wtf/api/metrics.hpp>
#include <wtf/api/router.hpp>

#include <wtf/core/number_text.hpp>
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
constexpr std::array<unsigned, 11> known_statuses{200, 400, 401, 404, 405, 409,
                                                  413, 422, 431, 500, 503};

std::size_t status_slot(unsigned status) noexcept
{
    auto const it = std::find(known_statuses.begin(), known_statuses.end(), status);
    return static_cast<std::size_t>(it - known_statuses.begin()); // size(): "other"
}

using core::severities;

std::size_t index(auto e) noexcept { return static_cast<std::size_t>(e); }

// Fixed notation from 1e-4 on, as Prometheus' Go client prints bucket bounds (0.0005, not 5e-04).
void append_number(std::string& out, double v)
{
    core::append_number(out, v, core::number_form::bare);
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

// The fields of a health record that name a metric. Fields of one family (same name) follow each
// other in a record, so each family's # HELP and # TYPE come once, before its first sample.
void append_health_metrics(exposition& x, core::health_record const& r)
{
    std::string_view family;
    for (auto const& f : r.fields) {
        auto const& m = f.metric;
        if (m.name.empty()) continue;
        if (m.name != family) x.family(m.name, m.type, m.help);
        family = m.name;
        std::uint64_t value = 0;
        if (auto const* flag = std::get_if<bool>(&f.value)) value = *flag ? 1U : 0U;
        if (auto const* count = std::get_if<std::uint64_t>(&f.value)) value = *count;
        if (m.label_name.empty())
            x.sample(m.name, {}, value);
        else
            x.sample(m.name, {{m.label_name, m.label_value}}, value);
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

metrics::metrics()
    : requests_(route_labels().size()),
      request_seconds_(route_labels().size(), histogram{http_bounds}),
      llm_seconds_{llm_bounds}
{}

void metrics::record_request(std::size_t route, unsigned status,
                             std::chrono::nanoseconds took) noexcept
{
    route = std::min(route, requests_.size() - 1); // out of range: "other"
    ++requests_[route][status_slot(status)];
    request_seconds_[route].observe(std::chrono::duration<double>(took).count());
}

void metrics::record_refusal(std::size_t route, unsigned status) noexcept
{
    route = std::min(route, requests_.size() - 1);
    ++requests_[route][status_slot(status)];
}

void metrics::record(core::anomaly_change change, core::anomaly const& a) noexcept
{
    if (change != core::anomaly_change::opened) return;
    auto const slot = core::index_of(a.type) * severities.size() + index(a.severity);
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
    for (auto const& src : core::source_kinds) {
        x.sample("wtfd_readings_total", {{"source", src.name}},
                 stats.accepted_by_source[core::index_of(src.source)]);
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
    x.family("wtfd_values_untracked_total", "counter",
             "Values of new parameters beyond detect.max_parameters of their sensor: accepted, "
             "judged by no detector.");
    x.sample("wtfd_values_untracked_total", {}, s.pipeline.detector().values_untracked());

    if (auto const* m = s.counters) {
        x.family("wtfd_anomalies_total", "counter",
                 "Anomaly episodes opened since wtfd started, by type and severity.");
        for (auto const& kind : core::anomaly_kinds) {
            for (auto sev : severities) {
                x.sample("wtfd_anomalies_total",
                         {{"type", kind.name}, {"severity", core::to_string(sev)}},
                         m->opened_[core::index_of(kind.type) * severities.size() + index(sev)]);
            }
        }
    }
    x.family("wtfd_active_anomalies", "gauge", "Anomaly episodes open now.");
    x.sample("wtfd_active_anomalies", {}, static_cast<std::uint64_t>(s.history.active_anomalies()));

    if (auto const* m = s.counters) {
        x.family("wtfd_llm_request_duration_seconds", "histogram",
                 "Duration of LLM requests that returned a reply, used or not; failed "
                 "requests are not timed.");
        x.samples("wtfd_llm_request_duration_seconds", {}, m->llm_seconds_);

        x.family("wtfd_http_requests_total", "counter", "HTTP responses, by route and status.");
        std::array<char, 8> code{};
        auto const labels = route_labels();
        for (std::size_t r = 0; r < labels.size(); ++r) {
            auto const& row = m->requests_[r];
            for (std::size_t i = 0; i < row.size(); ++i) {
                if (row[i] == 0) continue;
                std::string_view status = "other";
                if (i < known_statuses.size()) {
                    auto const [end, ec] =
                        std::to_chars(code.data(), code.data() + code.size(), known_statuses[i]);
                    status = {code.data(), static_cast<std::size_t>(end - code.data())};
                }
                x.sample("wtfd_http_requests_total", {{"route", labels[r]}, {"status", status}},
                         row[i]);
            }
        }
        x.family("wtfd_http_request_duration_seconds", "histogram",
                 "Time the router took to answer HTTP requests, by route.");
        for (std::size_t r = 0; r < labels.size(); ++r) {
            x.samples("wtfd_http_request_duration_seconds", {{"route", labels[r]}},
                      m->request_seconds_[r]);
        }
    }

    for (auto const* reporter : s.health) append_health_metrics(x, reporter->health());

    // Samples of one family are next to each other: its # HELP and # TYPE come once.
    std::string_view family;
    for (auto const& a : s.alarms) {
        if (a.name != family) x.family(a.name, a.type, a.help);
        family = a.name;
        if (a.label.empty())
            x.sample(a.name, {}, a.value);
        else
            x.sample(a.name, {{a.label, a.label_value}}, a.value);
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
