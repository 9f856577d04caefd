// The operator's commands on an alarm (ISA-18.2: acknowledge, comment, shelve, unshelve), one
// alarm as the history shows it, and the alarm-load figures.

#include "api/detail/command.hpp"
#include "api/detail/handlers.hpp"
#include "api/detail/query.hpp"

#include <wtf/core/json_writer.hpp>
#include <wtf/core/utf8.hpp>

#include <charconv>
#include <string>
#include <utility>

namespace wtf::api::detail {

namespace {

// An alarm command: the id from the path, the body, the ledger's verdict. A success is recorded
// (journal, history, events) and answered with the alarm as GET /anomalies/{id} shows it.
template <class Command>
response alarm_command(context& ctx, command_fields fields, Command run)
{
    auto* alarms = ctx.svc.alarms;
    if (!alarms) return alarms_unavailable();
    auto const id = parse_id(ctx.params[0]);
    if (!id) return unknown_id(ctx.params[0]);
    // What is not there is 404 whatever the body says: the id is the first thing wrong.
    if (alarms->ledger.find(*id) == nullptr) return missing_id(*id);
    command_body body;
    if (auto problem = parse_command(ctx.req.body, fields, body))
        return error_response(problem->status, problem->detail);
    auto const outcome =
        run(alarms->ledger, *id, alarm::note{body.by, body.comment}, body, ctx.now);
    if (!outcome) return refused(outcome.error());
    alarms->record(outcome->change);
    auto const json = ctx.svc.history.json_of(*id);
    if (json.empty()) { // the ledger keeps it, the history no longer does
        std::string out;
        core::json_writer w{out};
        w.begin_object();
        w.member("id", *id);
        w.member("state", alarm::to_string(outcome->state));
        w.end_object();
        return json_response(share(std::move(out)));
    }
    return json_response(share(std::string{json}));
}

} // namespace

response alarms_unavailable()
{
    return error_response(503, "alarm handling is not available in this process");
}

response refused(alarm::refusal const& r)
{
    return error_response(alarm::http_status(r.kind), r.reason);
}

std::optional<std::uint64_t> parse_id(std::string_view text) noexcept
{
    std::uint64_t id = 0;
    auto const* end = text.data() + text.size();
    auto const [ptr, ec] = std::from_chars(text.data(), end, id);
    if (text.empty() || ec != std::errc{} || ptr != end || id == 0) return std::nullopt;
    return id;
}

response unknown_id(std::string_view text)
{
    std::string detail = "no anomaly with id '";
    auto const shown = core::utf8_prefix(text, 32);
    detail += shown;
    if (shown.size() < text.size()) detail += "...";
    detail += "': ids are whole numbers from 1";
    return error_response(404, detail);
}

response missing_id(std::uint64_t id)
{
    return error_response(404, "no anomaly with id " + std::to_string(id) +
                                   " (unknown, or no longer in the history)");
}

response get_anomaly(context& ctx)
{
    if (auto problem = reject_query(ctx.url.params())) return error_response(422, *problem);
    auto const id = parse_id(ctx.params[0]);
    if (!id) return unknown_id(ctx.params[0]);
    auto const json = ctx.svc.history.json_of(*id);
    if (json.empty()) return missing_id(*id);
    return json_response(share(std::string{json}));
}

response post_ack(context& ctx)
{
    return alarm_command(ctx, command_fields::note,
                         [](alarm::ledger& l, std::uint64_t id, alarm::note const& n,
                            command_body const&,
                            core::timestamp now) { return l.acknowledge(id, n, now); });
}

response post_comment(context& ctx)
{
    return alarm_command(ctx, command_fields::note,
                         [](alarm::ledger& l, std::uint64_t id, alarm::note const& n,
                            command_body const&,
                            core::timestamp now) { return l.add_comment(id, n, now); });
}

response post_shelve(context& ctx)
{
    return alarm_command(ctx, command_fields::shelf,
                         [](alarm::ledger& l, std::uint64_t id, alarm::note const& n,
                            command_body const& body,
                            core::timestamp now) { return l.shelve(id, body.duration, n, now); });
}

response post_unshelve(context& ctx)
{
    return alarm_command(ctx, command_fields::note,
                         [](alarm::ledger& l, std::uint64_t id, alarm::note const& n,
                            command_body const&,
                            core::timestamp now) { return l.unshelve(id, n, now); });
}

response get_alarm_performance(context& ctx)
{
    auto* alarms = ctx.svc.alarms;
    if (!alarms) return alarms_unavailable();
    std::chrono::minutes window{};
    if (auto problem = parse_window_query(ctx.url.params(), alarms->performance.window(), window))
        return error_response(422, *problem);
    auto const report = alarms->performance.report(ctx.now, window, alarms->ledger);
    std::string out;
    out.reserve(4096);
    alarm::append_json(out, report);
    return json_response(share(std::move(out)));
}

} // namespace wtf::api::detail
