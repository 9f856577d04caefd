#include <wtf/api/router.hpp>

#include "api/detail/docs_page.hpp"
#include "api/detail/openapi.hpp"
#include "api/detail/query.hpp"

#include <wtf/core/json_writer.hpp>
#include <wtf/core/version.hpp>
#include <wtf/log/log.hpp>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <exception>
#include <utility>
#include <variant>

namespace wtf::api {
namespace {

using shared_text = std::shared_ptr<std::string const>;

shared_text share(std::string&& text)
{
    return std::make_shared<std::string const>(std::move(text));
}

response ok(shared_text body) { return {200, std::move(body), {}, {}, "application/json", {}}; }

// The one mapping from wtfd's error codes to HTTP statuses.
unsigned status_for(errc e) noexcept
{
    switch (e) {
    case errc::malformed_body: return 400;
    case errc::unauthorized: return 401;
    case errc::not_found: return 404;
    case errc::method_not_allowed: return 405;
    case errc::body_too_large: return 413;
    case errc::bad_timestamp:
    case errc::invalid_reading:
    case errc::invalid_parameter:
    case errc::too_many_sensors: return 422;
    case errc::not_ready: return 503;
    }
    return 500;
}

response unauthorized()
{
    auto r = error_response(401, "missing or invalid bearer token");
    r.www_authenticate = "Bearer";
    return r;
}

// GETs accept the read token or the ingest token; POSTs only the ingest token.
bool authorized(settings const& s, request const& req, bool write) noexcept
{
    std::string_view const required = write ? s.ingest_token : s.read_token;
    if (required.empty()) return true;
    auto const token = detail::bearer_token(req.authorization);
    if (!token) return false;
    bool const matches_required = detail::equal_constant_time(*token, required);
    bool const matches_ingest =
        !write && !s.ingest_token.empty() && detail::equal_constant_time(*token, s.ingest_token);
    return matches_required || matches_ingest;
}

std::string one_decimal(double v)
{
    std::array<char, 32> buf{};
    auto const [end, ec] =
        std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::fixed, 1);
    return ec == std::errc{} ? std::string(buf.data(), end) : std::string{"0.0"};
}

// Logged targets come from the client: keep them short.
std::string_view for_log(std::string_view text) noexcept { return text.substr(0, 200); }

constexpr std::size_t route_count = 7;

// The docs page's own inline script and style, and fetches back to wtfd; nothing else loads.
constexpr std::string_view docs_policy =
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; "
    "connect-src 'self'";

constexpr auto healthy_within = std::chrono::seconds{60};
constexpr auto status_max_age = std::chrono::seconds{1};
constexpr std::array sources{core::source::generator, core::source::http, core::source::redis,
                             core::source::replay};

} // namespace

response error_response(unsigned status, std::string_view detail)
{
    std::string out;
    out.reserve(detail.size() + 16);
    core::json_writer w{out};
    w.begin_object();
    w.member("detail", detail);
    w.end_object();
    return {status, share(std::move(out)), {}, {}, "application/json", {}};
}

router::router(settings const& s, services svc)
    : settings_{s},
      svc_{svc},
      openapi_{share(std::string{detail::openapi_json()})},
      docs_{share(std::string{detail::docs_page()})}
{}

struct router::route {
    endpoint ep;
    std::string_view allow; // every verb of this path, for 405
    response (*run)(router&, request const&, boost::urls::url_view const&, core::timestamp,
                    ingest::batch&);
};

std::span<router::route const> router::routes() noexcept
{
    static constexpr std::array<route, route_count> table{{
        {{"/anomalies", method::get, false},
         "GET, HEAD",
         [](router& r, request const& q, boost::urls::url_view const&, core::timestamp,
            ingest::batch&) { return r.get_anomalies(q); }},
        {{"/summary", method::get, false},
         "GET, HEAD",
         [](router& r, request const& q, boost::urls::url_view const&, core::timestamp,
            ingest::batch&) { return r.get_summary(q); }},
        {{"/status", method::get, false},
         "GET, HEAD",
         [](router& r, request const&, boost::urls::url_view const&, core::timestamp t,
            ingest::batch&) { return r.get_status(t); }},
        {{"/metrics", method::get, false},
         "GET, HEAD",
         [](router& r, request const&, boost::urls::url_view const&, core::timestamp t,
            ingest::batch&) { return r.get_metrics(t); }},
        {{"/readings", method::post, false},
         "POST",
         [](router& r, request const& q, boost::urls::url_view const&, core::timestamp t,
            ingest::batch& b) { return r.post_readings(q, t, b); }},
        {{"/openapi.json", method::get, true},
         "GET, HEAD",
         [](router& r, request const&, boost::urls::url_view const&, core::timestamp,
            ingest::batch&) { return ok(r.openapi_); }},
        {{"/docs", method::get, true},
         "GET, HEAD",
         [](router& r, request const&, boost::urls::url_view const&, core::timestamp,
            ingest::batch&) {
             return response{200, r.docs_, {}, {}, "text/html; charset=utf-8", docs_policy};
         }},
    }};
    return table;
}

std::span<router::endpoint const> router::endpoints() noexcept
{
    static auto const list = [] {
        std::array<endpoint, route_count> out{};
        auto const table = routes();
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = table[i].ep;
        return out;
    }();
    return list;
}

void router::apply(settings const& s) { settings_ = s; }

response router::handle(request const& req, core::timestamp now, ingest::batch& scratch)
{
    try {
        auto const url = boost::urls::parse_origin_form(req.target);
        if (!url) return error_response(400, "malformed request target");

        std::string_view const path = url->encoded_path();
        api::method const verb = req.method == method::head ? method::get : req.method;
        std::string_view allow;
        for (route const& r : routes()) {
            if (r.ep.path != path) continue;
            allow = r.allow;
            if (r.ep.verb != verb) continue;
            if (!r.ep.open && !authorized(settings_, req, verb != method::get))
                return unauthorized();
            return r.run(*this, req, *url, now, scratch);
        }
        if (allow.empty()) return error_response(404, "Not Found");
        auto r = error_response(405, "Method Not Allowed");
        r.allow = allow;
        return r;
    } catch (std::exception const& e) {
        log::error("api") << "request failed target=" << for_log(req.target)
                          << " error=" << e.what();
    } catch (...) {
        log::error("api") << "request failed target=" << for_log(req.target) << " error=unknown";
    }
    return error_response(500, "internal error");
}

response router::get_anomalies(request const& req)
{
    auto const url = boost::urls::parse_origin_form(req.target); // handle() checked it
    store::anomaly_query query;
    std::string key;
    if (auto detail = detail::parse_anomaly_query(url->params(), svc_.history.anomaly_capacity(),
                                                  query, key)) {
        return error_response(422, *detail);
    }
    auto const version = svc_.history.version();
    if (!anomalies_.body || anomalies_.version != version || anomalies_.key != key) {
        std::string out;
        out.reserve(anomalies_.body ? anomalies_.body->size() + 512 : 4096);
        svc_.history.append_anomalies_json(out, query);
        anomalies_.body = share(std::move(out));
        anomalies_.version = version;
        anomalies_.key = std::move(key);
    }
    return ok(anomalies_.body);
}

response router::get_summary(request const& req)
{
    bool detail = false;
    std::size_t limit = 0;
    auto const url = boost::urls::parse_origin_form(req.target);
    if (auto problem = detail::parse_summary_query(url->params(), svc_.history.summary_capacity(),
                                                   detail, limit))
        return error_response(422, *problem);

    auto const version = svc_.history.version();
    // Appended, not "d" + to_string(): GCC 12 -O3 reports a false -Wrestrict on the latter
    // (PR 105329).
    std::string key{detail ? "d" : "t"};
    if (detail) key += std::to_string(limit);
    if (!summary_.body || summary_.version != version || summary_.key != key) {
        std::string out;
        out.reserve(summary_.body ? summary_.body->size() + 512 : 1024);
        if (detail) {
            svc_.history.append_summary_records_json(out, limit);
        } else {
            svc_.history.append_summaries_json(out);
        }
        summary_.body = share(std::move(out));
        summary_.version = version;
        summary_.key = std::move(key);
    }
    return ok(summary_.body);
}

namespace {

// "redis": the seed's connected and message, then the queue and ingest counters.
void append_redis_status(core::json_writer& w, mirror::redis_status const* redis,
                         mirror::ingest_status const* ingest)
{
    w.key("redis");
    w.begin_object();
    if (!redis) {
        w.member("enabled", false);
        w.member("connected", false);
        w.member("message", "Redis mirroring disabled");
        w.end_object();
        return;
    }
    w.member("enabled", true);
    w.member("connected", redis->connected);
    w.member("message", redis->message);
    w.member("queued", static_cast<std::uint64_t>(redis->queued));
    w.member("dropped", redis->dropped);
    w.member("written", redis->written);
    w.member("command_errors", redis->command_errors);
    w.key("ingest");
    w.begin_object();
    w.member("enabled", ingest != nullptr);
    if (ingest) {
        w.member("subscribed", ingest->subscribed);
        w.member("channel", ingest->channel);
        w.member("messages", ingest->messages);
        w.member("rejected", ingest->rejected);
    }
    w.end_object();
    w.end_object();
}

void append_journal_status(core::json_writer& w, store::journal_status const* journal)
{
    w.key("journal");
    w.begin_object();
    w.member("enabled", journal != nullptr);
    if (journal) {
        w.member("healthy", journal->healthy);
        w.member("message", journal->message);
        w.member("path", journal->path);
        w.member("events_written", journal->events_written);
        w.member("events_lost", journal->events_lost);
        w.member("pending_bytes", static_cast<std::uint64_t>(journal->pending_bytes));
        w.key("last_sync");
        if (journal->last_sync)
            w.value(*journal->last_sync);
        else
            w.null();
        w.member("compactions", journal->compactions);
    }
    w.end_object();
}

} // namespace

response router::get_status(core::timestamp now)
{
    // Every counter only grows, so their sum changes whenever one does.
    auto const version = svc_.pipeline.version() + svc_.history.version() +
                         (svc_.status_version ? svc_.status_version() : 0);
    bool const fresh = status_.body && status_.version == version && now >= status_.built_at &&
                       now - status_.built_at < status_max_age;
    if (fresh) return ok(status_.body);

    std::string out;
    out.reserve(status_.body ? status_.body->size() + 256 : 1024);
    core::json_writer w{out};
    w.begin_object();

    auto const last = svc_.pipeline.last_received();
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
        w.member("last_received", core::format_isoformat(*last));
        if (healthy) {
            w.member("message", "Data flowing normally");
        } else {
            w.member("message", "No data received for " +
                                    one_decimal(core::seconds_between(*last, now)) + " seconds");
        }
    }
    w.end_object();

    append_redis_status(w, svc_.redis, svc_.redis_ingest);
    append_journal_status(w, svc_.journal);

    w.key("llm");
    w.begin_object();
    if (auto const* llm = svc_.llm) {
        w.member("enabled", llm->enabled);
        w.key("endpoint");
        if (llm->endpoint.empty())
            w.null();
        else
            w.value(llm->endpoint);
        w.key("last_success");
        if (llm->last_success)
            w.value(*llm->last_success);
        else
            w.null();
        w.key("last_failure");
        if (llm->last_failure)
            w.value(*llm->last_failure);
        else
            w.null();
        w.key("last_failure_reason");
        if (llm->last_failure_reason.empty())
            w.null();
        else
            w.value(llm->last_failure_reason);
        w.key("summaries");
        w.begin_object();
        w.member("llm", llm->llm_summaries);
        w.member("fallback", llm->fallback_summaries);
        w.end_object();
    } else {
        w.member("enabled", false);
    }
    w.end_object();

    w.member("version", core::version());
    double const uptime = std::max(0.0, core::seconds_between(svc_.started_at, now));
    w.member("uptime_seconds", std::round(uptime * 10.0) / 10.0);

    auto const& stats = svc_.pipeline.stats();
    std::uint64_t accepted = 0;
    for (auto n : stats.accepted_by_source) accepted += n;
    w.key("readings");
    w.begin_object();
    w.member("accepted", accepted);
    w.member("stale", stats.stale);
    w.member("rejected", stats.rejected_batches);
    w.member("ignored_fields", stats.ignored_fields);
    w.key("by_source");
    w.begin_object();
    for (core::source s : sources) {
        w.member(core::to_string(s), stats.accepted_by_source[static_cast<std::size_t>(s)]);
    }
    w.end_object();
    w.end_object();

    auto const& history = svc_.history;
    w.key("anomalies");
    w.begin_object();
    w.member("active", static_cast<std::uint64_t>(history.active_anomalies()));
    w.member("total", history.total_anomalies());
    w.member("stored", static_cast<std::uint64_t>(history.anomaly_count()));
    w.end_object();

    w.key("sensors");
    w.begin_object();
    svc_.pipeline.detector().for_each_sensor([&w](detect::sensor_info const& info) {
        w.key(info.sensor_id);
        w.begin_object();
        w.key("last_seen");
        if (info.last_seen) {
            w.value(*info.last_seen);
        } else {
            w.null();
        }
        w.member("readings", info.readings);
        w.member("active_anomalies", static_cast<std::uint64_t>(info.active_anomalies));
        w.end_object();
    });
    w.end_object();

    w.end_object();

    status_.body = share(std::move(out));
    status_.version = version;
    status_.built_at = now;
    return ok(status_.body);
}

response router::get_metrics(core::timestamp now)
{
    std::string out;
    out.reserve(metrics_size_ + 512);
    append_metrics(out, {
                            .pipeline = svc_.pipeline,
                            .history = svc_.history,
                            .started_at = svc_.started_at,
                            .now = now,
                            .counters = svc_.metrics,
                            .llm = svc_.llm,
                            .journal = svc_.journal,
                            .redis = svc_.redis,
                            .resident_bytes = resident_memory_bytes(),
                        });
    metrics_size_ = out.size();
    return {200, share(std::move(out)), {}, {}, "text/plain; version=0.0.4; charset=utf-8", {}};
}

response router::post_readings(request const& req, core::timestamp now, ingest::batch& scratch)
{
    if (req.body.size() > settings_.max_body_bytes) {
        return error_response(413, "request body exceeds " +
                                       std::to_string(settings_.max_body_bytes) + " bytes");
    }
    ingest::parse_limits limits;
    limits.max_readings = settings_.max_readings_per_request;
    if (auto problem = ingest::parse_readings(req.body, detail::is_ndjson(req.content_type), now,
                                              svc_.pipeline.parse_rules(limits), scratch)) {
        svc_.pipeline.count_rejected_batch(problem->code);
        return error_response(status_for(problem->code), problem->detail);
    }
    auto result = svc_.pipeline.ingest(scratch, core::source::http, now);
    scratch.clear();
    if (auto const* problem = std::get_if<ingest::problem>(&result)) {
        return error_response(status_for(problem->code), problem->detail);
    }
    auto const& counts = std::get<ingest::ingest_result>(result);
    std::string out;
    core::json_writer w{out};
    w.begin_object();
    w.member("accepted", static_cast<std::uint64_t>(counts.accepted));
    w.member("stale", static_cast<std::uint64_t>(counts.stale));
    w.member("ignored_fields", static_cast<std::uint64_t>(counts.ignored_fields));
    w.end_object();
    return ok(share(std::move(out)));
}

} // namespace wtf::api
