#include <wtf/core/anomaly.hpp>
#include <wtf/core/json_writer.hpp>
#include <wtf/core/number_text.hpp>

#include <cmath>

namespace wtf::core {

std::string_view to_string(anomaly_type t) noexcept { return kind_of(t).name; }

std::optional<anomaly_type> anomaly_type_from(std::string_view text) noexcept
{
    for (auto const& k : anomaly_kinds)
        if (k.name == text) return k.type;
    return std::nullopt;
}

std::string_view to_string(severity s) noexcept
{
    switch (s) {
    case severity::info: return "info";
    case severity::warning: return "warning";
    case severity::critical: return "critical";
    }
    return "unknown";
}

std::string_view to_string(anomaly_change c) noexcept
{
    switch (c) {
    case anomaly_change::opened: return "opened";
    case anomaly_change::updated: return "updated";
    case anomaly_change::closed: return "closed";
    }
    return "unknown";
}

namespace {

void append_capitalised(std::string& out, std::string_view word)
{
    if (word.empty()) return;
    char const first = word.front();
    out += (first >= 'a' && first <= 'z') ? static_cast<char>(first - 'a' + 'A') : first;
    out.append(word.substr(1));
}

} // namespace

std::string message(anomaly const& a)
{
    auto const& kind = kind_of(a.type);
    std::string out;
    switch (kind.wording) {
    case wording::excursion:
        append_capitalised(out, a.parameter);
        out += ' ';
        out += kind.noun;
        out += " detected: ";
        append_json_number(out, a.value.value_or(0.0));
        break;
    case wording::sustained:
        append_capitalised(out, a.parameter);
        out += ' ';
        out += kind.noun;
        out += " detected for ";
        // "16.0": durations show one decimal, as the seed's f"{d:.1f}s" did.
        append_decimal(out, a.duration_seconds.value_or(0.0), 1);
        out += 's';
        break;
    case wording::silence:
        out = "Sensor ";
        out += kind.noun;
        out += " detected";
        break;
    }
    return out;
}

void append_json(std::string& out, anomaly const& a)
{
    json_writer w{out};
    w.begin_object();
    w.member("id", a.id);
    // The seed system's fields, with their meaning kept.
    w.member("type", to_string(a.type));
    w.member("timestamp", a.detected_at);
    w.member("sensor_id", a.sensor_id);
    if (!a.parameter.empty()) w.member("parameter", a.parameter);
    if (a.value) w.member("value", *a.value);
    if (a.duration_seconds)
        w.member("duration_seconds", std::round(*a.duration_seconds * 1000.0) / 1000.0);
    w.member("message", message(a));
    // Additive fields.
    w.member("severity", to_string(a.severity));
    w.member("active", a.active());
    w.member("started_at", a.started_at);
    w.key("ended_at");
    if (a.ended_at)
        w.value(*a.ended_at);
    else
        w.null();
    if (a.peak_value) w.member("peak_value", *a.peak_value);
    if (!a.unit.empty()) w.member("unit", a.unit);
    if (a.limits) {
        w.key("limits");
        w.begin_object();
        w.member("low", a.limits->low);
        w.member("high", a.limits->high);
        w.end_object();
    }
    w.member("detector", a.detector);
    if (a.never_seen) w.member("never_seen", true);
    if (a.closed_at_restart) w.member("closed_at_restart", true);
    w.end_object();
}

} // namespace wtf::core
