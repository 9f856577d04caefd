#include "app/alarm_desk.hpp"

#include <wtf/core/json_writer.hpp>

#include <utility>

namespace wtf::app {

namespace {

alarm::ledger_settings ledger_settings(alarm::settings const& s, std::size_t history_size)
{
    auto l = s.ledger;
    l.alarms = history_size;
    return l;
}

alarm::readings_settings readings_settings(alarm::settings const& s, std::size_t max_sensors)
{
    auto r = s.readings;
    r.max_sensors = max_sensors;
    return r;
}

std::string_view event_name(core::anomaly_change change) noexcept
{
    switch (change) {
    case core::anomaly_change::opened: return event_names::opened;
    case core::anomaly_change::updated: return event_names::updated;
    case core::anomaly_change::closed: return event_names::ended;
    }
    return event_names::updated;
}

// Which stored anomalies show something else after `t`: the alarm itself, every alarm of its
// point (a shelf covers the point's later alarms), or every alarm of its sensor. None for a
// suppressed opening: the ledger knew before the anomaly's JSON was first built.
std::function<bool(core::anomaly const&)> affected_by(alarm::transition const& t)
{
    switch (t.action) {
    case alarm::action::acknowledged:
    case alarm::action::commented:
        return [id = t.id](core::anomaly const& a) { return a.id == id; };
    case alarm::action::shelved:
    case alarm::action::unshelved:
        return [&t](core::anomaly const& a) {
            return a.type == t.type && a.sensor_id == t.sensor_id && a.parameter == t.parameter;
        };
    case alarm::action::out_of_service:
    case alarm::action::in_service:
        return [&t](core::anomaly const& a) { return a.sensor_id == t.sensor_id; };
    case alarm::action::suppressed: break;
    }
    return {};
}

} // namespace

alarm_desk::alarm_desk(alarm::settings s, std::size_t history_size, std::size_t max_sensors,
                       store::history& h, core::timestamp started, std::uint64_t first_event_id)
    : history_{h},
      ledger_{ledger_settings(s, history_size)},
      performance_{s.performance, started},
      readings_{readings_settings(s, max_sensors)},
      hub_{s.streams, first_event_id},
      services_{.ledger = ledger_,
                .performance = performance_,
                .readings = readings_,
                .events = hub_,
                .record = [this](alarm::transition const& t) { record(t); },
                .heartbeat = s.streams.heartbeat}
{
    history_.annotate({
        .observe = [this](core::anomaly_change change,
                          core::anomaly const& a) { observe(change, a); },
        .append = [this](std::string& out, core::anomaly const& a) { return annotate(out, a); },
    });
}

alarm_desk::~alarm_desk() { history_.annotate({}); }

void alarm_desk::restore(std::span<core::anomaly const> anomalies,
                         std::span<alarm::transition const> transitions)
{
    for (auto const& a : anomalies) ledger_.track(a);
    for (auto const& t : transitions) ledger_.apply(t);
    // The load figures need to know which openings were suppressed, which the transitions say.
    for (auto const& a : anomalies) {
        auto const* r = ledger_.find(a.id);
        performance_.track(a, r ? r->raised_while : alarm::suppression::none);
    }
}

std::vector<store::subscription> alarm_desk::subscribe()
{
    std::vector<store::subscription> out;
    out.push_back(
        history_.subscribe([this](core::anomaly_change change, core::anomaly const& a,
                                  std::string_view json) { on_change(change, a, json); }));
    out.push_back(history_.subscribe_summaries([this](store::summary const& s) {
        scratch_.clear();
        store::append_json(scratch_, s);
        hub_.publish(event_names::summary, scratch_);
    }));
    return out;
}

// Inside history.record(), before the anomaly's JSON is built: the ledger and the load figures
// learn of the change first, so the JSON shows the alarm as it now is.
void alarm_desk::observe(core::anomaly_change change, core::anomaly const& a)
{
    if (auto t = ledger_.observe(change, a)) pending_.push_back(std::move(*t));
    auto const* r = ledger_.find(a.id);
    performance_.observe(change, a, r ? r->raised_while : alarm::suppression::none);
}

store::tags alarm_desk::annotate(std::string& out, core::anomaly const& a) const
{
    out += ",\"alarm\":";
    auto const* r = ledger_.find(a.id);
    if (!r) { // older than the alarms the ledger keeps
        out += "null";
        return 0;
    }
    ledger_.append_json(out, *r);
    store::tags tags = 0;
    if (r->ack) tags |= store::tag_acknowledged;
    if (ledger_.suppression_of(*r) == alarm::suppression::shelved) tags |= store::tag_shelved;
    return tags;
}

void alarm_desk::on_change(core::anomaly_change change, core::anomaly const& a,
                           std::string_view json)
{
    hub_.publish(event_name(change), json, a.sensor_id);
    // `json` may be rebuilt by record() below: it is not used after this point.
    auto made = std::exchange(pending_, {});
    for (auto const& t : made) record(t);
}

void alarm_desk::record(alarm::transition const& t)
{
    if (journal_) journal_->record(t);
    if (auto const which = affected_by(t)) history_.refresh(which);
    publish(t);
}

void alarm_desk::publish(alarm::transition const& t)
{
    line_.clear();
    alarm::append_json(line_, t);
    scratch_.clear();
    core::json_writer w{scratch_};
    w.begin_object();
    w.key("transition");
    w.raw(line_);
    w.key("anomaly");
    auto const json = t.id != 0 ? history_.json_of(t.id) : std::string_view{};
    if (json.empty())
        w.null();
    else
        w.raw(json);
    w.end_object();
    hub_.publish(alarm::to_string(t.action), scratch_, t.sensor_id);
}

void alarm_desk::on_reading(core::reading const& r)
{
    readings_.record(r);
    if (!hub_.watched(r.sensor_id)) return;
    scratch_.clear();
    core::json_writer w{scratch_};
    w.begin_object();
    w.member("timestamp", r.time);
    w.member("sensor_id", r.sensor_id);
    for (auto const& m : r.values) w.member(m.parameter, m.value);
    w.end_object();
    hub_.publish(event_names::reading, scratch_, r.sensor_id);
}

void alarm_desk::advance(core::timestamp now)
{
    for (auto const& t : ledger_.advance(now)) record(t);
}

bool alarm_desk::suppressed(std::uint64_t id) const
{
    auto const* r = ledger_.find(id);
    return r && ledger_.suppression_of(*r) != alarm::suppression::none;
}

} // namespace wtf::app
