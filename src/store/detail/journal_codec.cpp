#include "store/detail/journal_codec.hpp"

#include <wtf/core/error.hpp>
#include <wtf/core/number_text.hpp>
#include <wtf/core/time.hpp>

#include <boost/json/parse.hpp>

#include <cmath>
#include <cstdint>
#include <limits>

namespace wtf::store::detail {

namespace json = boost::json;

void append_header_line(std::string& out, core::timestamp created_at)
{
    out += R"({"journal":"wtfd","version":1,"created_at":")";
    core::append_rfc3339(out, created_at);
    out += "\"}\n";
}

void append_change_line(std::string& out, core::anomaly_change change,
                        std::string_view anomaly_json)
{
    out += R"({"change":")";
    out += core::to_string(change);
    out += R"(","anomaly":)";
    out += anomaly_json;
    out += "}\n";
}

void append_summary_line(std::string& out, summary const& s)
{
    out += R"({"summary":)";
    append_json(out, s);
    out += "}\n";
}

void append_mark_line(std::string& out, core::timestamp last_reading)
{
    out += R"({"mark":{"last_reading":")";
    core::append_rfc3339(out, last_reading);
    out += "\"}}\n";
}

void append_alarm_line(std::string& out, alarm::transition const& t)
{
    alarm::append_json(out, t);
    out += '\n';
}

namespace {

constexpr double max_duration_seconds =
    core::seconds_between(core::earliest_time, core::latest_time);

bool wrong(std::string& why, std::string_view key, std::string_view expected)
{
    why = "field '";
    why += key;
    why += "' is not ";
    why += expected;
    return false;
}

// Each reader leaves `out` empty when the key is absent or null, and fails (with `why`) when
// the value has the wrong type.
bool read(json::object const& o, std::string_view key, std::optional<std::string>& out,
          std::string& why)
{
    auto const* v = o.if_contains(key);
    if (!v || v->is_null()) return true;
    if (!v->is_string()) return wrong(why, key, "a string");
    out.emplace(v->get_string().data(), v->get_string().size());
    return true;
}

bool read(json::object const& o, std::string_view key, std::optional<core::timestamp>& out,
          std::string& why)
{
    auto const* v = o.if_contains(key);
    if (!v || v->is_null()) return true;
    if (!v->is_string()) return wrong(why, key, "an RFC 3339 time");
    auto const t = core::parse_rfc3339(std::string_view{v->get_string()});
    if (t.has_error() && t.error() == errc::time_out_of_range)
        return wrong(why, key, "a time from " + std::string{core::time_range_text});
    if (!t) return wrong(why, key, "an RFC 3339 time");
    out = *t;
    return true;
}

bool read(json::object const& o, std::string_view key, std::optional<double>& out, std::string& why)
{
    auto const* v = o.if_contains(key);
    if (!v || v->is_null()) return true;
    if (!v->is_number()) return wrong(why, key, "a number");
    out = v->to_number<double>();
    return true;
}

bool read(json::object const& o, std::string_view key, std::optional<bool>& out, std::string& why)
{
    auto const* v = o.if_contains(key);
    if (!v || v->is_null()) return true;
    if (!v->is_bool()) return wrong(why, key, "true or false");
    out = v->get_bool();
    return true;
}

// A count or an id: a non-negative whole number, written as an integer or a double.
bool read(json::object const& o, std::string_view key, std::optional<std::uint64_t>& out,
          std::string& why)
{
    auto const* v = o.if_contains(key);
    if (!v || v->is_null()) return true;
    if (v->is_uint64()) {
        out = v->get_uint64();
    } else if (v->is_int64() && v->get_int64() >= 0) {
        out = static_cast<std::uint64_t>(v->get_int64());
    } else if (v->is_double() && v->get_double() >= 0.0 && v->get_double() < 0x1p64 &&
               std::floor(v->get_double()) == v->get_double()) {
        out = static_cast<std::uint64_t>(v->get_double());
    } else {
        return wrong(why, key, "a non-negative whole number");
    }
    return true;
}

template <class T>
bool need(json::object const& o, std::string_view key, std::optional<T>& out, std::string& why)
{
    if (!read(o, key, out, why)) return false;
    if (out) return true;
    why = "missing field '";
    why += key;
    why += '\'';
    return false;
}

std::optional<core::severity> severity_from(std::string_view text) noexcept
{
    for (auto s : core::severities)
        if (core::to_string(s) == text) return s;
    return std::nullopt;
}

std::optional<core::anomaly_change> change_from(std::string_view text) noexcept
{
    for (auto c : {core::anomaly_change::opened, core::anomaly_change::updated,
                   core::anomaly_change::closed})
        if (core::to_string(c) == text) return c;
    return std::nullopt;
}

bool read_limits(json::object const& o, std::optional<core::band>& out, std::string& why)
{
    auto const* v = o.if_contains("limits");
    if (!v || v->is_null()) return true;
    if (!v->is_object()) return wrong(why, "limits", "an object");
    std::optional<double> low, high;
    if (!need(v->get_object(), "low", low, why) || !need(v->get_object(), "high", high, why)) {
        why.insert(0, "field 'limits': ");
        return false;
    }
    out = core::band{*low, *high};
    return true;
}

// {"basis": "returned", "rate_per_s": 0.7, ...}: a basis and named numbers.
bool read_evidence(json::object const& o, core::evidence& out, std::string& why)
{
    auto const* v = o.if_contains("evidence");
    if (!v || v->is_null()) return true;
    if (!v->is_object()) return wrong(why, "evidence", "an object");
    for (auto const& [key, item] : v->get_object()) {
        if (key == "basis" || key == "end") {
            if (!item.is_string()) return wrong(why, "evidence." + std::string{key}, "a string");
            (key == "basis" ? out.basis : out.end)
                .assign(item.get_string().data(), item.get_string().size());
        } else if (item.is_number()) {
            out.figures.push_back({std::string{key}, item.to_number<double>()});
        } else {
            return wrong(why, "evidence." + std::string{key}, "a number");
        }
    }
    return true;
}

// [{"parameter": "flow", "share": 0.61}, ...]
bool read_contributions(json::object const& o, std::vector<core::contribution>& out,
                        std::string& why)
{
    auto const* v = o.if_contains("contributions");
    if (!v || v->is_null()) return true;
    if (!v->is_array()) return wrong(why, "contributions", "an array");
    for (auto const& item : v->get_array()) {
        std::optional<std::string> parameter;
        std::optional<double> share;
        if (!item.is_object() || !need(item.get_object(), "parameter", parameter, why) ||
            !need(item.get_object(), "share", share, why)) {
            if (!item.is_object()) why = "an item is not an object";
            why.insert(0, "field 'contributions': ");
            return false;
        }
        out.push_back({std::move(*parameter), *share});
    }
    return true;
}

} // namespace

std::optional<core::anomaly> decode_anomaly(json::value const& v, std::string& why)
{
    if (!v.is_object()) {
        why = "anomaly is not an object";
        return std::nullopt;
    }
    auto const& o = v.get_object();
    std::optional<std::uint64_t> id;
    std::optional<std::string> type, sensor_id, parameter, severity, unit, detector, cause;
    std::optional<core::timestamp> detected_at, started_at, ended_at;
    std::optional<double> value, duration, peak, score, threshold;
    std::optional<core::band> limits;
    std::optional<bool> never_seen, closed_at_restart;
    if (!need(o, "id", id, why) || !need(o, "type", type, why) ||
        !need(o, "timestamp", detected_at, why) || !need(o, "sensor_id", sensor_id, why) ||
        !need(o, "started_at", started_at, why) || !read(o, "ended_at", ended_at, why) ||
        !read(o, "parameter", parameter, why) || !read(o, "value", value, why) ||
        !read(o, "duration_seconds", duration, why) || !read(o, "severity", severity, why) ||
        !read(o, "peak_value", peak, why) || !read(o, "unit", unit, why) ||
        !read_limits(o, limits, why) || !read(o, "detector", detector, why) ||
        !read(o, "never_seen", never_seen, why) ||
        !read(o, "closed_at_restart", closed_at_restart, why) || !read(o, "cause", cause, why) ||
        !read(o, "score", score, why) || !read(o, "threshold", threshold, why))
        return std::nullopt;
    // No episode lasts longer than the valid time range; anything else is a corrupt line, and
    // would otherwise reach messages and arithmetic as an absurd number.
    if (duration && !(*duration >= 0.0 && *duration <= max_duration_seconds)) {
        wrong(why, "duration_seconds",
              "a number of seconds from 0 to " + core::decimal_text(max_duration_seconds, 0));
        return std::nullopt;
    }

    core::anomaly a;
    if (!read_evidence(o, a.evidence, why) || !read_contributions(o, a.contributions, why))
        return std::nullopt;
    a.id = *id;
    auto const t = core::anomaly_type_from(*type);
    if (!t) {
        why = "field 'type' is not one of";
        for (auto const& k : core::anomaly_kinds) {
            why += ' ';
            why += k.name;
        }
        return std::nullopt;
    }
    a.type = *t;
    // Journals written before causes existed: the kind's own.
    a.cause = core::kind_of(a.type).default_cause;
    if (cause) {
        auto const c = core::cause_from(*cause);
        if (!c) {
            why = "field 'cause' is not instrument or process";
            return std::nullopt;
        }
        a.cause = *c;
    }
    if (severity) {
        auto const s = severity_from(*severity);
        if (!s) {
            why = "field 'severity' is not info, warning or critical";
            return std::nullopt;
        }
        a.severity = *s;
    }
    a.sensor_id = std::move(*sensor_id);
    if (parameter) a.parameter = std::move(*parameter);
    if (unit) a.unit = std::move(*unit);
    if (detector) a.detector = std::move(*detector);
    a.detected_at = *detected_at;
    a.started_at = *started_at;
    a.ended_at = ended_at;
    a.value = value;
    a.peak_value = peak;
    a.limits = limits;
    a.duration_seconds = duration;
    a.never_seen = never_seen.value_or(false);
    a.closed_at_restart = closed_at_restart.value_or(false);
    a.score = score;
    a.threshold = threshold;
    return a;
}

std::optional<summary> decode_summary(json::value const& v, std::string& why)
{
    if (!v.is_object()) {
        why = "summary is not an object";
        return std::nullopt;
    }
    auto const& o = v.get_object();
    std::optional<std::string> text, source, model, reason;
    std::optional<core::timestamp> created_at, window_start, window_end;
    std::optional<std::uint64_t> count, left_out, latency_ms;
    if (!need(o, "text", text, why) || !need(o, "created_at", created_at, why) ||
        !need(o, "window_start", window_start, why) || !need(o, "window_end", window_end, why) ||
        !read(o, "anomaly_count", count, why) || !read(o, "left_out", left_out, why) ||
        !read(o, "source", source, why) || !read(o, "model", model, why) ||
        !read(o, "fallback_reason", reason, why) || !read(o, "latency_ms", latency_ms, why))
        return std::nullopt;
    if (latency_ms &&
        *latency_ms > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        wrong(why, "latency_ms", "a duration in milliseconds");
        return std::nullopt;
    }

    summary s;
    s.text = std::move(*text);
    s.created_at = *created_at;
    s.window_start = *window_start;
    s.window_end = *window_end;
    s.anomaly_count = static_cast<std::size_t>(count.value_or(0));
    s.left_out = static_cast<std::size_t>(left_out.value_or(0));
    if (source) s.source = std::move(*source);
    if (model) s.model = std::move(*model);
    if (reason) s.fallback_reason = std::move(*reason);
    s.latency = std::chrono::milliseconds{static_cast<std::int64_t>(latency_ms.value_or(0))};
    return s;
}

std::optional<journal_line> decode_line(std::string_view text, std::string& why)
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
    journal_line line;
    if (auto const* change = o.if_contains("change")) {
        std::optional<core::anomaly_change> c;
        if (change->is_string()) c = change_from(std::string_view{change->get_string()});
        if (!c) {
            wrong(why, "change", "opened, updated or closed");
            return std::nullopt;
        }
        auto const* a = o.if_contains("anomaly");
        auto anomaly = a ? decode_anomaly(*a, why) : std::nullopt;
        if (!a) why = "missing field 'anomaly'";
        if (!anomaly) {
            why.insert(0, "bad anomaly: ");
            return std::nullopt;
        }
        line.kind = line_kind::change;
        line.change = *c;
        line.anomaly = std::move(*anomaly);
    } else if (auto const* s = o.if_contains("summary")) {
        auto sum = decode_summary(*s, why);
        if (!sum) {
            why.insert(0, "bad summary: ");
            return std::nullopt;
        }
        line.kind = line_kind::summary;
        line.summary = std::move(*sum);
    } else if (auto const* m = o.if_contains("mark")) {
        std::optional<core::timestamp> t;
        if (!m->is_object() || !need(m->get_object(), "last_reading", t, why)) {
            if (!m->is_object()) why = "field 'mark' is not an object";
            why.insert(0, "bad mark: ");
            return std::nullopt;
        }
        line.kind = line_kind::mark;
        line.last_reading = *t;
    } else if (o.contains("alarm")) {
        auto t = alarm::decode_transition(text, why);
        if (!t) {
            why.insert(0, "bad alarm transition: ");
            return std::nullopt;
        }
        line.kind = line_kind::alarm;
        line.transition = std::move(*t);
    } else if (auto const* h = o.if_contains("journal")) {
        auto const* version = o.if_contains("version");
        if (!h->is_string() || h->get_string() != "wtfd" || !version || !version->is_number() ||
            version->to_number<double>() != 1.0) {
            why = "not a version 1 wtfd journal header";
            return std::nullopt;
        }
        line.kind = line_kind::header;
    } else {
        why = "no known key (change, summary, alarm, mark or journal)";
        return std::nullopt;
    }
    return line;
}

} // namespace wtf::store::detail
