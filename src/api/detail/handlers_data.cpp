#include "api/detail/handlers.hpp"
#include "api/detail/query.hpp"

#include <wtf/core/json_writer.hpp>

#include <string>
#include <utility>
#include <variant>

namespace wtf::api::detail {

response get_anomalies(context& ctx)
{
    store::anomaly_query query;
    std::string key;
    auto& history = ctx.svc.history;
    if (auto detail = parse_anomaly_query(ctx.url.params(), history.anomaly_capacity(), query, key))
        return error_response(422, *detail);
    auto& cache = ctx.cache;
    auto const version = history.version();
    if (!cache.body || cache.version != version || cache.key != key) {
        std::string out;
        out.reserve(cache.body ? cache.body->size() + 512 : 4096);
        history.append_anomalies_json(out, query);
        cache.body = share(std::move(out));
        cache.version = version;
        cache.key = std::move(key);
    }
    return json_response(cache.body);
}

response get_summary(context& ctx)
{
    bool detail = false;
    std::size_t limit = 0;
    auto& history = ctx.svc.history;
    if (auto problem =
            parse_summary_query(ctx.url.params(), history.summary_capacity(), detail, limit))
        return error_response(422, *problem);

    auto& cache = ctx.cache;
    auto const version = history.version();
    // Appended, not "d" + to_string(): GCC 12 -O3 reports a false -Wrestrict on the latter
    // (PR 105329).
    std::string key{detail ? "d" : "t"};
    if (detail) key += std::to_string(limit);
    if (!cache.body || cache.version != version || cache.key != key) {
        std::string out;
        out.reserve(cache.body ? cache.body->size() + 512 : 1024);
        if (detail) {
            history.append_summary_records_json(out, limit);
        } else {
            history.append_summaries_json(out);
        }
        cache.body = share(std::move(out));
        cache.version = version;
        cache.key = std::move(key);
    }
    return json_response(cache.body);
}

response post_readings(context& ctx)
{
    auto const& req = ctx.req;
    auto const& cfg = ctx.cfg;
    if (req.body.size() > cfg.max_body_bytes) {
        return error_response(413, "request body exceeds " + std::to_string(cfg.max_body_bytes) +
                                       " bytes");
    }
    auto& pipeline = ctx.svc.pipeline;
    sources::parse_limits limits;
    limits.max_readings = cfg.max_readings_per_request;
    if (auto problem = sources::parse_readings(req.body, is_ndjson(req.content_type), ctx.now,
                                               pipeline.parse_rules(limits), ctx.scratch)) {
        pipeline.count_rejected_batch(problem->code);
        return error_response(status_for(problem->code), problem->detail);
    }
    auto result = pipeline.ingest(ctx.scratch, core::source::http, ctx.now);
    ctx.scratch.clear();
    if (auto const* problem = std::get_if<sources::problem>(&result)) {
        return error_response(status_for(problem->code), problem->detail);
    }
    auto const& counts = std::get<sources::ingest_result>(result);
    std::string out;
    core::json_writer w{out};
    w.begin_object();
    w.member("accepted", static_cast<std::uint64_t>(counts.accepted));
    w.member("stale", static_cast<std::uint64_t>(counts.stale));
    w.member("ignored_fields", static_cast<std::uint64_t>(counts.ignored_fields));
    w.end_object();
    return json_response(share(std::move(out)));
}

} // namespace wtf::api::detail
