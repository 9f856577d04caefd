#include <wtf/alarm/ledger.hpp>
#include <wtf/core/json_writer.hpp>

#include "alarm/detail/text.hpp"

#include <algorithm>

namespace wtf::alarm {

std::string_view to_string(alarm_state s) noexcept
{
    switch (s) {
    case alarm_state::unacknowledged: return "unacknowledged";
    case alarm_state::acknowledged: return "acknowledged";
    case alarm_state::returned_unacknowledged: return "returned_unacknowledged";
    case alarm_state::normal: return "normal";
    }
    return "unknown";
}

namespace {

auto by_id(alarm_record const& r, std::uint64_t id) noexcept { return r.id < id; }

template <class Deque>
auto position(Deque& alarms, std::uint64_t id) noexcept
{
    return std::lower_bound(alarms.begin(), alarms.end(), id, by_id);
}

std::string quoted_time(core::timestamp t)
{
    std::string s;
    core::append_rfc3339(s, t);
    return s;
}

} // namespace

ledger::ledger(ledger_settings const& s) : settings_{s}
{
    if (settings_.alarms == 0) settings_.alarms = 1;
}

ledger::~ledger() = default;

alarm_record* ledger::lookup(std::uint64_t id) noexcept
{
    auto const it = position(alarms_, id);
    return it != alarms_.end() && it->id == id ? &*it : nullptr;
}

alarm_record const* ledger::find(std::uint64_t id) const noexcept
{
    auto const it = position(alarms_, id);
    return it != alarms_.end() && it->id == id ? &*it : nullptr;
}

void ledger::insert(alarm_record r)
{
    auto const it = position(alarms_, r.id);
    if (it != alarms_.end() && it->id == r.id) return;
    alarms_.insert(it, std::move(r));
    while (alarms_.size() > settings_.alarms) alarms_.pop_front();
    ++version_;
}

ledger::shelf_map::const_iterator ledger::covering_shelf(alarm_record const& a) const
{
    detail::point_key(key_scratch_, a.sensor_id, a.parameter, a.type);
    auto const it = shelves_.find(key_scratch_);
    return it != shelves_.end() && a.id >= it->second.origin_id ? it : shelves_.end();
}

alarm_state ledger::state_of(alarm_record const& a) const noexcept
{
    if (a.active) return a.ack ? alarm_state::acknowledged : alarm_state::unacknowledged;
    return a.ack ? alarm_state::normal : alarm_state::returned_unacknowledged;
}

suppression ledger::suppression_of(alarm_record const& a) const
{
    if (service_.empty() && shelves_.empty()) return suppression::none; // the usual case
    if (service_.find(std::string_view{a.sensor_id}) != service_.end())
        return suppression::out_of_service;
    if (covering_shelf(a) != shelves_.end()) return suppression::shelved;
    return suppression::none;
}

shelf const* ledger::shelf_of(alarm_record const& a) const
{
    auto const it = covering_shelf(a);
    return it == shelves_.end() ? nullptr : &it->second;
}

service_record const* ledger::out_of_service(std::string_view sensor_id) const noexcept
{
    auto const it = service_.find(sensor_id);
    return it == service_.end() ? nullptr : &it->second;
}

std::vector<std::string_view> ledger::out_of_service_sensors() const
{
    std::vector<std::string_view> out;
    out.reserve(service_.size());
    for (auto const& [sensor, record] : service_) out.push_back(sensor);
    return out;
}

state_counts ledger::counts() const
{
    if (counted_ && counted_version_ == version_) return *counted_;
    state_counts c;
    for (auto const& a : alarms_) {
        switch (suppression_of(a)) {
        case suppression::out_of_service: ++c.out_of_service; continue;
        case suppression::shelved: ++c.shelved; continue;
        case suppression::none: break;
        }
        switch (state_of(a)) {
        case alarm_state::unacknowledged: ++c.unacknowledged; break;
        case alarm_state::acknowledged: ++c.acknowledged; break;
        case alarm_state::returned_unacknowledged: ++c.returned_unacknowledged; break;
        case alarm_state::normal: ++c.normal; break;
        }
    }
    counted_ = c;
    counted_version_ = version_;
    return c;
}

// --- The detector's side ----------------------------------------------------------------------

std::optional<transition> ledger::observe(core::anomaly_change change, core::anomaly const& a)
{
    switch (change) {
    case core::anomaly_change::opened: {
        if (lookup(a.id)) return std::nullopt;
        alarm_record r;
        r.id = a.id;
        r.sensor_id = a.sensor_id;
        r.parameter = a.parameter;
        r.type = a.type;
        r.raised_at = a.detected_at;
        r.active = a.active();
        r.raised_while = suppression_of(r);
        auto const raised_while = r.raised_while;
        transition t;
        if (raised_while != suppression::none) {
            t.action = action::suppressed;
            t.id = r.id;
            t.sensor_id = r.sensor_id;
            t.parameter = r.parameter;
            t.type = r.type;
            t.at = r.raised_at;
            t.suppressed_by = raised_while;
        }
        insert(std::move(r));
        if (raised_while == suppression::none) return std::nullopt;
        ++transitions_[static_cast<std::size_t>(action::suppressed)];
        return t;
    }
    case core::anomaly_change::updated: return std::nullopt;
    case core::anomaly_change::closed: break;
    }
    if (auto* r = lookup(a.id); r && r->active) {
        r->active = false;
        ++version_;
    }
    detail::point_key(key_scratch_, a.sensor_id, a.parameter, a.type);
    auto const it = shelves_.find(key_scratch_);
    if (it == shelves_.end() || !it->second.until_normal || it->second.origin_id != a.id)
        return std::nullopt;
    transition t;
    t.action = action::unshelved;
    t.id = a.id;
    t.sensor_id = a.sensor_id;
    t.parameter = a.parameter;
    t.type = a.type;
    t.at = a.ended_at.value_or(a.detected_at);
    t.unshelved_by = unshelve_reason::returned_to_normal;
    apply(t);
    ++transitions_[static_cast<std::size_t>(action::unshelved)];
    return t;
}

void ledger::track(core::anomaly const& a)
{
    if (auto* r = lookup(a.id)) {
        if (r->active != a.active()) {
            r->active = a.active();
            ++version_;
        }
        return;
    }
    alarm_record r;
    r.id = a.id;
    r.sensor_id = a.sensor_id;
    r.parameter = a.parameter;
    r.type = a.type;
    r.raised_at = a.detected_at;
    r.active = a.active();
    insert(std::move(r));
}

bool ledger::apply(transition const& t)
{
    switch (t.action) {
    case action::acknowledged: {
        auto* r = lookup(t.id);
        if (!r) return false;
        r->ack = acknowledgement{t.by, t.at, t.comment};
        break;
    }
    case action::commented: {
        auto* r = lookup(t.id);
        if (!r) return false;
        r->comments.push_back(comment{t.by, t.at, t.comment});
        if (r->comments.size() > settings_.max_comments) r->comments.erase(r->comments.begin());
        break;
    }
    case action::suppressed: {
        auto* r = lookup(t.id);
        if (!r) return false;
        r->raised_while = t.suppressed_by;
        break;
    }
    case action::shelved:
        detail::point_key(key_scratch_, t.sensor_id, t.parameter, t.type);
        shelves_.insert_or_assign(key_scratch_,
                                  shelf{t.id, t.by, t.at, t.until, t.until_normal, t.comment});
        reschedule();
        break;
    case action::unshelved:
        detail::point_key(key_scratch_, t.sensor_id, t.parameter, t.type);
        if (auto const it = shelves_.find(key_scratch_); it != shelves_.end()) shelves_.erase(it);
        reschedule();
        break;
    case action::out_of_service:
        service_.insert_or_assign(t.sensor_id, service_record{t.by, t.at, t.comment});
        break;
    case action::in_service:
        if (auto const it = service_.find(std::string_view{t.sensor_id}); it != service_.end())
            service_.erase(it);
        break;
    }
    ++version_;
    return true;
}

std::vector<transition> ledger::snapshot() const
{
    std::vector<transition> out;
    for (auto const& [sensor, s] : service_) {
        transition t;
        t.action = action::out_of_service;
        t.sensor_id = sensor;
        t.at = s.since;
        t.by = s.by;
        t.comment = s.comment;
        out.push_back(std::move(t));
    }
    for (auto const& [key, s] : shelves_) {
        auto const p = detail::split_point_key(key);
        transition t;
        t.action = action::shelved;
        t.id = s.origin_id;
        t.sensor_id = p.sensor_id;
        t.parameter = p.parameter;
        t.type = p.type;
        t.at = s.at;
        t.by = s.by;
        t.comment = s.comment;
        t.until = s.until;
        t.until_normal = s.until_normal;
        out.push_back(std::move(t));
    }
    for (auto const& a : alarms_) {
        transition t;
        t.id = a.id;
        t.sensor_id = a.sensor_id;
        t.parameter = a.parameter;
        t.type = a.type;
        if (a.raised_while != suppression::none) {
            t.action = action::suppressed;
            t.at = a.raised_at;
            t.suppressed_by = a.raised_while;
            out.push_back(t);
            t.suppressed_by = suppression::none;
        }
        if (a.ack) {
            t.action = action::acknowledged;
            t.at = a.ack->at;
            t.by = a.ack->by;
            t.comment = a.ack->comment;
            out.push_back(t);
        }
        for (auto const& c : a.comments) {
            t.action = action::commented;
            t.at = c.at;
            t.by = c.by;
            t.comment = c.text;
            out.push_back(t);
        }
    }
    return out;
}

// --- Time -------------------------------------------------------------------------------------

void ledger::reschedule() noexcept
{
    next_expiry_.reset();
    for (auto const& [key, s] : shelves_)
        if (!next_expiry_ || s.until < *next_expiry_) next_expiry_ = s.until;
}

std::vector<transition> ledger::advance(core::timestamp now)
{
    std::vector<transition> out;
    if (!next_expiry_ || *next_expiry_ > now) return out;
    for (auto it = shelves_.begin(); it != shelves_.end();) {
        if (it->second.until > now) {
            ++it;
            continue;
        }
        auto const p = detail::split_point_key(it->first);
        transition t;
        t.action = action::unshelved;
        t.id = it->second.origin_id;
        t.sensor_id = p.sensor_id;
        t.parameter = p.parameter;
        t.type = p.type;
        t.at = it->second.until;
        t.unshelved_by = unshelve_reason::expired;
        out.push_back(std::move(t));
        it = shelves_.erase(it);
        ++transitions_[static_cast<std::size_t>(action::unshelved)];
    }
    std::stable_sort(out.begin(), out.end(),
                     [](transition const& a, transition const& b) { return a.at < b.at; });
    reschedule();
    ++version_;
    return out;
}

// --- Operator commands ------------------------------------------------------------------------

refusal ledger::refuse(refusal_kind k, std::string reason)
{
    ++refusals_[static_cast<std::size_t>(k)];
    return refusal{k, std::move(reason)};
}

result<alarm_record*> ledger::alarm_for(std::uint64_t id)
{
    if (auto* r = lookup(id)) return r;
    return refuse(refusal_kind::not_found, "no alarm with id " + std::to_string(id) +
                                               " (unknown, or no longer in the history)");
}

std::optional<refusal> ledger::check(note const& n, bool comment_required) const
{
    auto const invalid = [](std::string reason) {
        return std::optional<refusal>{refusal{refusal_kind::invalid, std::move(reason)}};
    };
    if (n.by.empty()) return invalid("field 'by' is required: the name of who acts");
    if (n.by.size() > settings_.max_name_bytes)
        return invalid("field 'by' is longer than " + std::to_string(settings_.max_name_bytes) +
                       " bytes");
    if (detail::has_control(n.by, false)) return invalid("field 'by' holds a control character");
    if (comment_required && n.comment.empty())
        return invalid("field 'comment' is required and may not be empty");
    if (n.comment.size() > settings_.max_comment_bytes)
        return invalid("field 'comment' is longer than " +
                       std::to_string(settings_.max_comment_bytes) + " bytes");
    if (detail::has_control(n.comment, true))
        return invalid("field 'comment' holds a control character other than tab or newline");
    return std::nullopt;
}

transition ledger::make(action a, alarm_record const& r, note const& n, core::timestamp at) const
{
    transition t;
    t.action = a;
    t.id = r.id;
    t.sensor_id = r.sensor_id;
    t.parameter = r.parameter;
    t.type = r.type;
    t.at = at;
    t.by = n.by;
    t.comment = n.comment;
    return t;
}

update ledger::accept(transition t, alarm_record const& r)
{
    apply(t);
    ++transitions_[static_cast<std::size_t>(t.action)];
    return update{std::move(t), state_of(r), suppression_of(r)};
}

result<update> ledger::acknowledge(std::uint64_t id, note const& n, core::timestamp at)
{
    auto const r = alarm_for(id);
    if (!r) return r.error();
    auto const& a = **r;
    if (auto bad = check(n, false)) return refuse(bad->kind, std::move(bad->reason));
    if (a.ack)
        return refuse(refusal_kind::conflict, "alarm " + std::to_string(id) +
                                                  " is already acknowledged (by " + a.ack->by +
                                                  " at " + quoted_time(a.ack->at) + ")");
    return accept(make(action::acknowledged, a, n, at), a);
}

result<update> ledger::add_comment(std::uint64_t id, note const& n, core::timestamp at)
{
    auto const r = alarm_for(id);
    if (!r) return r.error();
    auto const& a = **r;
    if (auto bad = check(n, true)) return refuse(bad->kind, std::move(bad->reason));
    if (a.comments.size() >= settings_.max_comments)
        return refuse(refusal_kind::conflict, "alarm " + std::to_string(id) + " already has " +
                                                  std::to_string(a.comments.size()) +
                                                  " comments, the most kept per alarm");
    return accept(make(action::commented, a, n, at), a);
}

result<update> ledger::shelve(std::uint64_t id, std::optional<std::chrono::seconds> duration,
                              note const& n, core::timestamp at)
{
    auto const r = alarm_for(id);
    if (!r) return r.error();
    auto const& a = **r;
    if (auto bad = check(n, false)) return refuse(bad->kind, std::move(bad->reason));
    if (duration && *duration < std::chrono::seconds{1})
        return refuse(refusal_kind::invalid, "a shelf lasts at least 1 second");
    if (duration && *duration > settings_.max_shelve) {
        std::string why = "a shelf of ";
        detail::append_duration(why, *duration);
        why += " is longer than the maximum of ";
        detail::append_duration(why, settings_.max_shelve);
        why += " (alarms.max_shelve_s)";
        return refuse(refusal_kind::invalid, std::move(why));
    }
    if (!duration && !a.active)
        return refuse(refusal_kind::conflict,
                      "alarm " + std::to_string(id) +
                          " has returned to normal: shelve it for a duration instead");
    detail::point_key(key_scratch_, a.sensor_id, a.parameter, a.type);
    if (auto const it = shelves_.find(key_scratch_); it != shelves_.end()) {
        std::string why = "the alarm point ";
        detail::append_point(why, a.sensor_id, a.parameter, a.type);
        why += " is already shelved (with alarm " + std::to_string(it->second.origin_id) + ", by " +
               it->second.by + ", until " + quoted_time(it->second.until) + ")";
        return refuse(refusal_kind::conflict, std::move(why));
    }
    if (shelves_.size() >= settings_.max_shelves)
        return refuse(refusal_kind::conflict, std::to_string(shelves_.size()) +
                                                  " alarm points are shelved, the most allowed "
                                                  "at once (alarms.max_shelves)");
    auto t = make(action::shelved, a, n, at);
    t.until = at + duration.value_or(settings_.max_shelve);
    t.until_normal = !duration;
    return accept(std::move(t), a);
}

result<update> ledger::unshelve(std::uint64_t id, note const& n, core::timestamp at)
{
    auto const r = alarm_for(id);
    if (!r) return r.error();
    auto const& a = **r;
    if (auto bad = check(n, false)) return refuse(bad->kind, std::move(bad->reason));
    if (covering_shelf(a) == shelves_.end())
        return refuse(refusal_kind::conflict, "alarm " + std::to_string(id) + " is not shelved");
    auto t = make(action::unshelved, a, n, at);
    t.unshelved_by = unshelve_reason::operator_request;
    return accept(std::move(t), a);
}

namespace {

std::optional<refusal> check_sensor(std::string_view sensor_id, std::size_t max_bytes)
{
    auto const invalid = [](std::string reason) {
        return std::optional<refusal>{refusal{refusal_kind::invalid, std::move(reason)}};
    };
    if (sensor_id.empty()) return invalid("the sensor id is empty");
    if (sensor_id.size() > max_bytes)
        return invalid("the sensor id is longer than " + std::to_string(max_bytes) + " bytes");
    if (detail::has_control(sensor_id, false))
        return invalid("the sensor id holds a control character");
    return std::nullopt;
}

// A sensor's service change, taken out or back, by whom and why.
transition service_change(action a, std::string_view sensor_id, note const& n, core::timestamp at)
{
    transition t;
    t.action = a;
    t.sensor_id = sensor_id;
    t.at = at;
    t.by = n.by;
    t.comment = n.comment;
    return t;
}

} // namespace

result<transition> ledger::take_out_of_service(std::string_view sensor_id, note const& n,
                                               core::timestamp at)
{
    auto bad = check_sensor(sensor_id, settings_.max_sensor_id_bytes);
    if (!bad) bad = check(n, false);
    if (bad) return refuse(bad->kind, std::move(bad->reason));
    if (auto const* s = out_of_service(sensor_id))
        return refuse(refusal_kind::conflict, "sensor " + std::string{sensor_id} +
                                                  " is already out of service (since " +
                                                  quoted_time(s->since) + ", by " + s->by + ")");
    if (service_.size() >= settings_.max_out_of_service)
        return refuse(refusal_kind::conflict,
                      std::to_string(service_.size()) +
                          " sensors are out of service, the most allowed at once "
                          "(alarms.max_out_of_service)");
    auto const t = service_change(action::out_of_service, sensor_id, n, at);
    apply(t);
    ++transitions_[static_cast<std::size_t>(t.action)];
    return t;
}

result<transition> ledger::return_to_service(std::string_view sensor_id, note const& n,
                                             core::timestamp at)
{
    auto bad = check_sensor(sensor_id, settings_.max_sensor_id_bytes);
    if (!bad) bad = check(n, false);
    if (bad) return refuse(bad->kind, std::move(bad->reason));
    if (!out_of_service(sensor_id))
        return refuse(refusal_kind::conflict,
                      "sensor " + std::string{sensor_id} + " is in service");
    auto const t = service_change(action::in_service, sensor_id, n, at);
    apply(t);
    ++transitions_[static_cast<std::size_t>(t.action)];
    return t;
}

// --- JSON and bounds --------------------------------------------------------------------------

void ledger::append_json(std::string& out, alarm_record const& a) const
{
    core::json_writer w{out};
    w.begin_object();
    w.member("state", to_string(state_of(a)));
    w.key("suppressed");
    if (auto const s = suppression_of(a); s != suppression::none)
        w.value(to_string(s));
    else
        w.null();
    w.key("acknowledged");
    if (a.ack) {
        w.begin_object();
        w.member("by", a.ack->by);
        w.member("at", a.ack->at);
        w.member("comment", a.ack->comment);
        w.end_object();
    } else {
        w.null();
    }
    w.key("shelf");
    if (auto const* s = shelf_of(a)) {
        w.begin_object();
        w.member("alarm_id", s->origin_id);
        w.member("by", s->by);
        w.member("at", s->at);
        w.member("until", s->until);
        w.member("until_normal", s->until_normal);
        w.member("comment", s->comment);
        w.end_object();
    } else {
        w.null();
    }
    w.key("out_of_service");
    if (auto const* s = out_of_service(a.sensor_id)) {
        w.begin_object();
        w.member("by", s->by);
        w.member("since", s->since);
        w.member("comment", s->comment);
        w.end_object();
    } else {
        w.null();
    }
    w.member("raised_while", to_string(a.raised_while));
    w.key("comments");
    w.begin_array();
    for (auto const& c : a.comments) {
        w.begin_object();
        w.member("by", c.by);
        w.member("at", c.at);
        w.member("text", c.text);
        w.end_object();
    }
    w.end_array();
    w.end_object();
}

void ledger::append_service_json(std::string& out) const
{
    core::json_writer w{out};
    w.begin_array();
    for (auto const& [sensor, s] : service_) {
        w.begin_object();
        w.member("sensor_id", sensor);
        w.member("by", s.by);
        w.member("since", s.since);
        w.member("comment", s.comment);
        w.end_object();
    }
    w.end_array();
}

void ledger::forget_before(std::uint64_t id)
{
    auto const end = position(alarms_, id);
    if (end == alarms_.begin()) return;
    alarms_.erase(alarms_.begin(), end);
    ++version_;
}

} // namespace wtf::alarm
