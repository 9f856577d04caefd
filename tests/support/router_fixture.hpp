#pragma once
// A real detector, history, pipeline and alarm desk behind a router, wired as the daemon wires
// them: the desk annotates the history and takes the pipeline's readings, the metrics observe the
// history, and the journal, Redis and the LLM are off. Requests go straight to handle(), with no
// socket; each one is counted in `counters` as the server would.

#include "app/alarm_desk.hpp"

#include <wtf/alarm/settings.hpp>
#include <wtf/api/metrics.hpp>
#include <wtf/api/router.hpp>
#include <wtf/core/health.hpp>
#include <wtf/core/time.hpp>
#include <wtf/detect/detector.hpp>
#include <wtf/ingest/parse.hpp>
#include <wtf/ingest/pipeline.hpp>
#include <wtf/mirror/status.hpp>
#include <wtf/store/history.hpp>
#include <wtf/store/journal_status.hpp>

#include <chrono>
#include <string_view>
#include <vector>

namespace wtf::test {

struct router_options {
    api::settings api = {};
    alarm::settings alarms = {};
    std::size_t anomaly_history = store::settings{}.anomaly_history;
    ingest::pipeline::limits limits = {};
    std::vector<api::route> extra_routes = {};
};

struct router_fixture {
    explicit router_fixture(router_options o = {})
        : history{history_settings(o.anomaly_history)},
          alarms{o.alarms, o.anomaly_history, o.limits.max_sensors, history, t0, 1},
          pipeline{detector, history, o.limits},
          cfg{std::move(o.api)},
          router{cfg, services(), std::move(o.extra_routes)}
    {}

    static store::settings history_settings(std::size_t anomalies)
    {
        store::settings s;
        s.anomaly_history = anomalies;
        return s;
    }

    // What the router gets: the health records of a daemon with journal, Redis and LLM off.
    api::services services()
    {
        api::services svc{pipeline, history, t0};
        svc.metrics = &counters;
        svc.health = {&redis_off, &journal_off, &llm_off};
        svc.alarms = &alarms.services();
        return svc;
    }

    api::response send(api::method m, std::string_view target, core::timestamp now,
                       std::string_view body = {}, std::string_view content_type = {},
                       std::string_view authorization = {})
    {
        api::request req;
        req.method = m;
        req.target = target;
        req.body = body;
        req.content_type = content_type;
        req.authorization = authorization;
        auto r = router.handle(req, now, scratch);
        counters.record_request(api::route_of(target), r.status, std::chrono::milliseconds{1});
        return r;
    }

    // At t0 + 2 s.
    api::response get(std::string_view target, std::string_view authorization = {})
    {
        return send(api::method::get, target, t0 + std::chrono::seconds{2}, {}, {}, authorization);
    }

    // An operator's command: a POST with a JSON body, at t0 + 2 s.
    api::response command(std::string_view target, std::string_view body,
                          std::string_view authorization = {})
    {
        return send(api::method::post, target, t0 + std::chrono::seconds{2}, body,
                    "application/json", authorization);
    }

    api::response post(std::string_view body, std::string_view content_type = "application/json",
                       std::string_view authorization = {})
    {
        return send(api::method::post, "/readings", t0 + std::chrono::seconds{2}, body,
                    content_type, authorization);
    }

    core::timestamp const t0 = core::parse_rfc3339("2025-05-28T00:00:00Z").value();
    detect::detector detector{detect::settings{}, t0};
    store::history history;
    app::alarm_desk alarms;
    ingest::pipeline pipeline;
    api::metrics counters;
    std::vector<store::subscription> alarm_events = alarms.subscribe();
    // As the daemon counts them: every transition observed from the start.
    store::subscription changes =
        history.subscribe([this](core::anomaly_change change, core::anomaly const& a,
                                 std::string_view) { counters.record(change, a); });
    store::subscription summaries =
        history.subscribe_summaries([this](store::summary const& s) { counters.record(s); });
    bool readings_wired = [this] {
        pipeline.on_accepted([this](core::reading const& r) { alarms.on_reading(r); });
        return true;
    }();
    core::fixed_health redis_off{mirror::health_of(mirror::redis_status{})};
    core::fixed_health journal_off{store::health_of(store::journal_status{})};
    core::fixed_health llm_off{core::health_record{.name = "llm"}.add("enabled", false)};
    api::settings cfg;
    api::router router;
    ingest::batch scratch;
};

} // namespace wtf::test
