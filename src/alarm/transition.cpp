#include <wtf/alarm/transition.hpp>
#include <wtf/core/json_writer.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cmath>

namespace wtf::alarm {

namespace json = boost::json;

static_assert(static_cast<std::size_t>(action::in_service) + 1 == action_count,
              "action_count must follow the last action");

std::string_view to_string(action a) noexcept
{
    switch (a) {
    case action::acknowledged: return "acknowledged";
    case action::commented: return "commented";
    case action::shelved: return "shelved";
    case action::unshelved: return "unshelved";
    case action::suppressed: return "suppressed";
    case action::out_of_service: return "out_of_service";
    case action::in_service: return "in_service";
    }
    return "unknown";
}

std::string_view to_string(suppression s) noexcept
{
    switch (s) {
    case suppression::none: return "none";
    case suppression::shelved: return "shelved";
    case suppression::out_of_service: return "out_of_service";
    }
    return "unknown";
}

std::string_view to_string(unshelve_reason r) noexcept
{
    switch (r) {
    case unshelve_reason::operator_request: return "operator";
    case unshelve_reason::expired: return "expired";
    case unshelve_reason::returned_to_normal: return "returned_to_normal";
    }
    return "unknown";
}

std::optional<action> action_from(std::string_view text) noexcept
{
    for (std::size_t i = 0; i < action_count; ++i) {
        auto const a = static_cast<action>(i);
        if (to_string(a) == text) return a;
    }
    return std::nullopt;
}

namespace {

bool is_service(action a) noexcept
{
    return a == action::out_of_service || a == action::in_service;
}

std::optional<unshelve_reason> unshelve_reason_from(std::string_view text) noexcept
{
    for (auto r : {unshelve_reason::operator_request, unshelve_reason::expired,
                   unshelve_reason::returned_to_normal})
        if (to_string(r) == text) return r;
    return std::nullopt;
}

std::optional<suppression> suppression_from(std::string_view text) noexcept
{
    for (auto s : {suppression::shelved, suppression::out_of_service})
        if (to_string(s) == text) return s;
    return std::nullopt;
}

// Each reader fails with `why` naming the key when the member is absent (if required) or has
// the wrong type, and leaves `out` alone when an optional member is absent or null.
class reader {
public:
    reader(json::object const& o, std::string& why) : o_{o}, why_{why} {}

    bool text(std::string_view key, std::string& out, bool required)
    {
        auto const* v = o_.if_contains(key);
        if (!v || v->is_null()) return !required || missing(key);
        if (!v->is_string()) return wrong(key, "a string");
        out.assign(v->get_string().data(), v->get_string().size());
        return true;
    }

    bool time(std::string_view key, std::optional<core::timestamp>& out, bool required)
    {
        auto const* v = o_.if_contains(key);
        if (!v || v->is_null()) return !required || missing(key);
        if (!v->is_string()) return wrong(key, "an RFC 3339 time");
        auto const t = core::parse_rfc3339(std::string_view{v->get_string()});
        if (!t) return wrong(key, "an RFC 3339 time");
        out = *t;
        return true;
    }

    bool id(std::string_view key, std::uint64_t& out)
    {
        auto const* v = o_.if_contains(key);
        if (!v || v->is_null()) return missing(key);
        if (v->is_uint64() && v->get_uint64() > 0) {
            out = v->get_uint64();
        } else if (v->is_int64() && v->get_int64() > 0) {
            out = static_cast<std::uint64_t>(v->get_int64());
        } else if (v->is_double() && v->get_double() >= 1.0 && v->get_double() < 0x1p64 &&
                   std::floor(v->get_double()) == v->get_double()) {
            out = static_cast<std::uint64_t>(v->get_double());
        } else {
            return wrong(key, "a positive whole number");
        }
        return true;
    }

    bool flag(std::string_view key, bool& out)
    {
        auto const* v = o_.if_contains(key);
        if (!v || v->is_null()) return true;
        if (!v->is_bool()) return wrong(key, "true or false");
        out = v->get_bool();
        return true;
    }

    bool wrong(std::string_view key, std::string_view expected)
    {
        why_ = "field '";
        why_ += key;
        why_ += "' is not ";
        why_ += expected;
        return false;
    }

private:
    bool missing(std::string_view key)
    {
        why_ = "missing field '";
        why_ += key;
        why_ += '\'';
        return false;
    }

    json::object const& o_;
    std::string& why_;
};

} // namespace

void append_json(std::string& out, transition const& t)
{
    core::json_writer w{out};
    w.begin_object();
    w.member("alarm", to_string(t.action));
    if (!is_service(t.action)) w.member("id", t.id);
    w.member("sensor_id", t.sensor_id);
    if (!is_service(t.action)) {
        if (!t.parameter.empty()) w.member("parameter", t.parameter);
        w.member("type", core::to_string(t.type));
    }
    w.member("at", t.at);
    if (!t.by.empty()) w.member("by", t.by);
    if (!t.comment.empty()) w.member("comment", t.comment);
    switch (t.action) {
    case action::shelved:
        w.member("until", t.until);
        w.member("until_normal", t.until_normal);
        break;
    case action::unshelved: w.member("reason", to_string(t.unshelved_by)); break;
    case action::suppressed: w.member("reason", to_string(t.suppressed_by)); break;
    default: break;
    }
    w.end_object();
}

std::optional<transition> decode_transition(std::string_view text, std::string& why)
{
    boost::system::error_code ec;
    auto const v = json::parse(text, ec);
    if (ec) {
        why = "unparseable JSON (" + ec.message() + ")";
        return std::nullopt;
    }
    if (!v.is_object()) {
        why = "not a JSON object";
        return std::nullopt;
    }
    auto const& o = v.get_object();
    reader r{o, why};
    transition t;
    std::string name, type, reason;
    std::optional<core::timestamp> at;
    if (!r.text("alarm", name, true)) return std::nullopt;
    auto const a = action_from(name);
    if (!a) {
        r.wrong("alarm", "a known alarm action");
        return std::nullopt;
    }
    t.action = *a;
    if (!r.text("sensor_id", t.sensor_id, true) || !r.time("at", at, true) ||
        !r.text("by", t.by, false) || !r.text("comment", t.comment, false))
        return std::nullopt;
    if (t.sensor_id.empty()) {
        r.wrong("sensor_id", "a sensor id");
        return std::nullopt;
    }
    t.at = *at;
    if (!is_service(t.action)) {
        if (!r.id("id", t.id) || !r.text("parameter", t.parameter, false) ||
            !r.text("type", type, true))
            return std::nullopt;
        auto const kind = core::anomaly_type_from(type);
        if (!kind) {
            r.wrong("type", "spike, drift or dropout");
            return std::nullopt;
        }
        t.type = *kind;
    }
    switch (t.action) {
    case action::shelved: {
        std::optional<core::timestamp> until;
        if (!r.time("until", until, true) || !r.flag("until_normal", t.until_normal))
            return std::nullopt;
        t.until = *until;
        break;
    }
    case action::unshelved: {
        if (!r.text("reason", reason, true)) return std::nullopt;
        auto const u = unshelve_reason_from(reason);
        if (!u) {
            r.wrong("reason", "operator, expired or returned_to_normal");
            return std::nullopt;
        }
        t.unshelved_by = *u;
        break;
    }
    case action::suppressed: {
        if (!r.text("reason", reason, true)) return std::nullopt;
        auto const s = suppression_from(reason);
        if (!s) {
            r.wrong("reason", "shelved or out_of_service");
            return std::nullopt;
        }
        t.suppressed_by = *s;
        break;
    }
    default: break;
    }
    return t;
}

} // namespace wtf::alarm
