#include "api/detail/handlers.hpp"
#include "api/detail/health_json.hpp"

#include <wtf/core/json_writer.hpp>
#include <wtf/core/version.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace wtf::api::detail {
namespace {

constexpr auto healthy_within = std::chrono::seconds{60};
constexpr auto status_max_age = std::chrono::seconds{1};

std::string one_decimal(double v)
{
    std::array<char, 32> buf{};
    auto const [end, ec] =
        std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::fixed, 1);
    return ec == std::errc{} ? std::string(buf.data(), end) : std::string{"0.0"};
}

} // namespace

response get_status(context& ctx)
{
    auto& cache = ctx.cache;
    auto const now = ctx.now;
    // Every counter only grows, so their sum changes whenever one does.
    auto version = ctx.svc.pipeline.version() + ctx.svc.history.version();
    for (auto const* h : ctx.svc.health) version += h->health_version();
    if (ctx.svc.alarms) version += ctx.svc.alarms->ledger.version();
    bool const fresh = cache.body && cache.version == version && now >= cache.built_at &&
                       now - cache.built_at < status_max_age;
    if (fresh) return json_response(cache.body);

    std::string out;
    out.reserve(cache.body ? cache.body->size() + 256 : 1024);
    core::json_writer w{out};
    w.begin_object();

    auto const last = ctx.svc.pipeline.last_received();
    w.key("data_stream");
    w.begin_object();
    if (!last) {
        w.member("healthy", false);
        w.key("last_received");
        w.null();
        w.member("message", "No data received yet");
    } else {
        auto const age = now - *last;
        bool const healthy = age < healthy_within;
        w.member("healthy", healthy);
        w.member("last_received", *last);
        if (healthy) {
            w.member("message", "Data flowing normally");
        } else {
            w.member("message", "No data received for " +
                                    one_decimal(core::seconds_between(*last, now)) + " seconds");
        }
    }
    w.end_object();

    std::vector<core::health_record> records;
    records.reserve(ctx.svc.health.size());
    for (auto const* h : ctx.svc.health) records.push_back(h->health());
    append_health_members(w, records);

    w.member("version", core::version());
    double const uptime = std::max(0.0, core::seconds_between(ctx.svc.started_at, now));
    w.member("uptime_seconds", std::round(uptime * 10.0) / 10.0);

    auto const& stats = ctx.svc.pipeline.stats();
    std::uint64_t accepted = 0;
    for (auto n : stats.accepted_by_source) accepted += n;
    w.key("readings");
    w.begin_object();
    w.member("accepted", accepted);
    w.member("stale", stats.stale);
    w.member("rejected", stats.rejected_batches);
    w.key("by_source");
    w.begin_object();
    for (auto const& src : core::source_kinds) {
        w.member(src.name, stats.accepted_by_source[core::index_of(src.source)]);
    }
    w.end_object();
    w.end_object();

    auto const& history = ctx.svc.history;
    w.key("anomalies");
    w.begin_object();
    w.member("active", static_cast<std::uint64_t>(history.active_anomalies()));
    w.member("total", history.total_anomalies());
    w.member("stored", static_cast<std::uint64_t>(history.anomaly_count()));
    w.end_object();

    // Counts only: the list, which grew with the plant, is GET /sensors.
    std::uint64_t sensors = 0;
    std::uint64_t never_reported = 0;
    std::uint64_t with_active = 0;
    ctx.svc.pipeline.detector().for_each_sensor([&](detect::sensor_info const& info) {
        ++sensors;
        if (!info.last_seen) ++never_reported;
        if (info.active_anomalies > 0) ++with_active;
    });
    w.key("sensors");
    w.begin_object();
    w.member("count", sensors);
    w.member("never_reported", never_reported);
    w.member("with_active_anomalies", with_active);
    if (auto const* alarms = ctx.svc.alarms) {
        w.member("out_of_service",
                 static_cast<std::uint64_t>(alarms->ledger.sensors_out_of_service()));
    }
    w.end_object();

    if (auto const* alarms = ctx.svc.alarms) {
        auto const c = alarms->ledger.counts();
        w.key("alarms");
        w.begin_object();
        w.member("active", static_cast<std::uint64_t>(c.active_annunciated()));
        w.member("unacknowledged", static_cast<std::uint64_t>(c.unacknowledged));
        w.member("acknowledged", static_cast<std::uint64_t>(c.acknowledged));
        w.member("returned_unacknowledged", static_cast<std::uint64_t>(c.returned_unacknowledged));
        w.member("shelved", static_cast<std::uint64_t>(c.shelved));
        w.member("out_of_service", static_cast<std::uint64_t>(c.out_of_service));
        w.member("shelved_points", static_cast<std::uint64_t>(alarms->ledger.shelves()));
        w.end_object();
    }

    w.end_object();

    cache.body = share(std::move(out));
    cache.version = version;
    cache.built_at = now;
    return json_response(cache.body);
}

response get_metrics(context& ctx)
{
    auto const now = ctx.now;
    std::string out;
    auto& cache = ctx.cache; // keeps the last page, to reserve as much for the next
    out.reserve((cache.body ? cache.body->size() : 0) + 512);
    std::vector<alarm::sample> alarm_samples;
    if (auto const* alarms = ctx.svc.alarms) {
        alarm::append_samples(alarm_samples, alarms->ledger);
        auto const report =
            alarms->performance.report(now, alarms->performance.window(), alarms->ledger);
        alarm::append_samples(alarm_samples, report);
        alarm::append_samples(alarm_samples, alarms->events.stats());
        alarm::append_samples(alarm_samples, alarms->readings);
    }
    append_metrics(out, {
                            .pipeline = ctx.svc.pipeline,
                            .history = ctx.svc.history,
                            .started_at = ctx.svc.started_at,
                            .now = now,
                            .counters = ctx.svc.metrics,
                            .health = ctx.svc.health,
                            .resident_bytes = resident_memory_bytes(),
                            .alarms = alarm_samples,
                        });
    cache.body = share(std::move(out));
    response r = json_response(cache.body);
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return r;
}

} // namespace wtf::api::detail
