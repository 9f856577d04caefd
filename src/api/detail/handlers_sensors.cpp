// The plant's sensors: the list with each one's last reading, parameters, active alarms and
// service state, its recent readings, and the operator's commands that take it out of service
// (maintenance) and back.

#include "api/detail/command.hpp"
#include "api/detail/handlers.hpp"
#include "api/detail/query.hpp"

#include <wtf/core/json_writer.hpp>

#include <boost/url/pct_string_view.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace wtf::api::detail {

namespace {

// What the detector knows of a sensor; the sensors out of service it has not seen (since a
// restart, say) have only their id.
struct sensor_row {
    std::string_view id;
    std::optional<core::timestamp> last_seen = {};
    std::uint64_t readings = 0;
    std::size_t active_anomalies = 0;
};

sensor_row row_of(detect::sensor_info const& info)
{
    return {info.sensor_id, info.last_seen, info.readings, info.active_anomalies};
}

// The active anomalies of the history by sensor: each one's id, kind and alarm state.
class active_alarms {
public:
    active_alarms(store::history const& h, alarm::ledger const& l)
    {
        h.for_each_anomaly([&](core::anomaly const& a, std::string_view) {
            if (a.active()) by_sensor_[a.sensor_id].push_back(&a);
        });
        ledger_ = &l;
    }

    void append(core::json_writer& w, std::string_view sensor) const
    {
        w.begin_array();
        if (auto const it = by_sensor_.find(sensor); it != by_sensor_.end()) {
            for (auto const* a : it->second) {
                w.begin_object();
                w.member("id", a->id);
                w.member("type", core::to_string(a->type));
                if (!a->parameter.empty()) w.member("parameter", a->parameter);
                if (auto const* r = ledger_->find(a->id)) {
                    w.member("state", alarm::to_string(ledger_->state_of(*r)));
                    w.key("suppressed");
                    if (auto const s = ledger_->suppression_of(*r); s != alarm::suppression::none)
                        w.value(alarm::to_string(s));
                    else
                        w.null();
                }
                w.end_object();
            }
        }
        w.end_array();
    }

private:
    std::map<std::string_view, std::vector<core::anomaly const*>, std::less<>> by_sensor_;
    alarm::ledger const* ledger_ = nullptr;
};

void append_sensor(core::json_writer& w, sensor_row const& s, alarm_services const& alarms,
                   active_alarms const& active, std::string& scratch)
{
    w.begin_object();
    w.member("sensor_id", s.id);
    w.key("last_seen");
    if (s.last_seen)
        w.value(*s.last_seen);
    else
        w.null();
    w.member("readings", s.readings);
    w.key("parameters");
    w.begin_array();
    for (auto const& p : alarms.readings.parameters(s.id)) w.value(p);
    w.end_array();
    w.key("last_reading");
    scratch.clear();
    if (alarms.readings.append_last_json(scratch, s.id))
        w.raw(scratch);
    else
        w.null();
    w.member("active_anomalies", static_cast<std::uint64_t>(s.active_anomalies));
    w.key("active_alarms");
    active.append(w, s.id);
    w.key("out_of_service");
    if (auto const* oos = alarms.ledger.out_of_service(s.id)) {
        w.begin_object();
        w.member("by", oos->by);
        w.member("since", oos->since);
        w.member("comment", oos->comment);
        w.end_object();
    } else {
        w.null();
    }
    w.end_object();
}

// The path's sensor id, %-decoded.
std::string sensor_id_of(std::string_view segment)
{
    auto const decoded = boost::urls::make_pct_string_view(segment);
    if (!decoded) return std::string{segment};
    return decoded->decode();
}

response unknown_sensor(std::string_view id)
{
    return error_response(404, "no sensor '" + std::string{id.substr(0, 128)} +
                                   "': it has never reported and is not in "
                                   "detect.expected_sensors");
}

// A sensor the detector knows (it reported, or is expected), or one the ledger holds out of
// service, or one with readings kept.
std::optional<sensor_row> find_sensor(context const& ctx, std::string_view id)
{
    if (auto const info = ctx.svc.pipeline.detector().sensor(id)) return row_of(*info);
    auto const& alarms = *ctx.svc.alarms;
    if (alarms.ledger.out_of_service(id) || alarms.readings.last_time(id))
        return sensor_row{.id = id};
    return std::nullopt;
}

response sensor_response(context const& ctx, sensor_row const& row)
{
    active_alarms const active{ctx.svc.history, ctx.svc.alarms->ledger};
    std::string out;
    std::string scratch;
    core::json_writer w{out};
    append_sensor(w, row, *ctx.svc.alarms, active, scratch);
    return json_response(share(std::move(out)));
}

template <class Command>
response service_command(context& ctx, Command run)
{
    auto* alarms = ctx.svc.alarms;
    if (!alarms) return alarms_unavailable();
    auto const id = sensor_id_of(ctx.params[0]);
    auto row = find_sensor(ctx, id);
    if (!row) return unknown_sensor(id);
    command_body body;
    if (auto problem = parse_command(ctx.req.body, command_fields::note, body))
        return error_response(problem->status, problem->detail);
    auto const outcome = run(alarms->ledger, id, alarm::note{body.by, body.comment}, ctx.now);
    if (!outcome) return refused(outcome.error());
    alarms->record(*outcome);
    return sensor_response(ctx, *row);
}

} // namespace

response get_sensors(context& ctx)
{
    auto* alarms = ctx.svc.alarms;
    if (!alarms) return alarms_unavailable();
    sensor_query q;
    if (auto problem = parse_sensor_query(ctx.url.params(), q))
        return error_response(422, *problem);

    auto const& detector = ctx.svc.pipeline.detector();
    std::vector<sensor_row> rows;
    rows.reserve(detector.sensor_count());
    detector.for_each_sensor([&](detect::sensor_info const& info) {
        if (!q.after || info.sensor_id > *q.after) rows.push_back(row_of(info));
    });
    for (auto const id : alarms->ledger.out_of_service_sensors())
        if (!detector.knows(id) && (!q.after || id > *q.after)) rows.push_back({.id = id});
    std::erase_if(rows, [&](sensor_row const& r) {
        return (q.active && (r.active_anomalies > 0) != *q.active) ||
               (q.out_of_service &&
                (alarms->ledger.out_of_service(r.id) != nullptr) != *q.out_of_service);
    });
    auto const page = std::min(rows.size(), q.limit);
    std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(page), rows.end(),
                      [](sensor_row const& a, sensor_row const& b) { return a.id < b.id; });

    active_alarms const active{ctx.svc.history, alarms->ledger};
    std::string out;
    out.reserve(256 + page * 400);
    std::string scratch;
    core::json_writer w{out};
    w.begin_object();
    w.key("sensors");
    w.begin_array();
    for (std::size_t i = 0; i < page; ++i) append_sensor(w, rows[i], *alarms, active, scratch);
    w.end_array();
    w.member("count", static_cast<std::uint64_t>(page));
    w.member("matching", static_cast<std::uint64_t>(rows.size()));
    // The cursor for the next page: pass it as `after`.
    w.key("next");
    if (page < rows.size())
        w.value(rows[page - 1].id);
    else
        w.null();
    w.end_object();
    return json_response(share(std::move(out)));
}

response get_sensor_readings(context& ctx)
{
    auto* alarms = ctx.svc.alarms;
    if (!alarms) return alarms_unavailable();
    auto const id = sensor_id_of(ctx.params[0]);
    if (!find_sensor(ctx, id)) return unknown_sensor(id);
    alarm::recent_readings::query q;
    if (auto problem = parse_readings_query(ctx.url.params(), alarms->readings.capacity(), q))
        return error_response(422, *problem);
    std::string out;
    if (!alarms->readings.append_json(out, id, q)) {
        core::json_writer w{out};
        w.begin_object();
        w.member("sensor_id", id);
        w.key("parameters");
        w.begin_array();
        w.end_array();
        w.key("readings");
        w.begin_array();
        w.end_array();
        w.member("count", std::uint64_t{0});
        w.member("truncated", false);
        w.key("oldest");
        w.null();
        w.member("gap", false);
        w.end_object();
    }
    return json_response(share(std::move(out)));
}

response post_out_of_service(context& ctx)
{
    return service_command(ctx,
                           [](alarm::ledger& l, std::string_view id, alarm::note const& n,
                              core::timestamp now) { return l.take_out_of_service(id, n, now); });
}

response post_in_service(context& ctx)
{
    return service_command(ctx,
                           [](alarm::ledger& l, std::string_view id, alarm::note const& n,
                              core::timestamp now) { return l.return_to_service(id, n, now); });
}

} // namespace wtf::api::detail
