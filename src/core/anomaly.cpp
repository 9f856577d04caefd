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

std::string_view to_string(cause c) noexcept
{
    switch (c) {
    case cause::instrument: return "instrument";
    case cause::process: return "process";
    }
    return "unknown";
}

std::optional<cause> cause_from(std::string_view text) noexcept
{
    for (auto c : {cause::instrument, cause::process})
        if (to_string(c) == text) return c;
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

// A joint anomaly's message names its largest contributors: at most three, each carrying at least
// a tenth of the statistic (the first is always named).
constexpr std::size_t joint_named = 3;
constexpr double joint_share = 0.1;

void append_capitalised(std::string& out, std::string_view word)
{
    if (word.empty()) return;
    char const first = word.front();
    out += (first >= 'a' && first <= 'z') ? static_cast<char>(first - 'a' + 'A') : first;
    out.append(word.substr(1));
}

// Statistics to four significant digits: 3.142, 0.01234, 1234.0; the rest is noise.
double rounded(double v)
{
    if (v == 0.0 || !std::isfinite(v)) return v;
    // Powers of ten are exact doubles up to 1e22; multiplying by 0.01 would not be.
    int const digits = 3 - static_cast<int>(std::floor(std::log10(std::abs(v))));
    if (digits >= 0) {
        double const scale = std::pow(10.0, digits);
        return std::round(v * scale) / scale;
    }
    double const scale = std::pow(10.0, -digits);
    return std::round(v / scale) * scale;
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
    case wording::joint: {
        append_capitalised(out, kind.noun);
        out += " detected: ";
        // The parameters that carried it, as the contributions rank them.
        std::size_t named = 0;
        for (auto const& c : a.contributions) {
            if (named == joint_named || (named > 0 && c.share < joint_share)) break;
            if (named++ > 0) out += ", ";
            out += c.parameter;
        }
        if (named == 0) out += a.parameter;
        break;
    }
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
    w.member("cause", to_string(a.cause));
    if (!a.evidence.basis.empty()) {
        w.key("evidence");
        w.begin_object();
        w.member("basis", a.evidence.basis);
        for (auto const& f : a.evidence.figures) w.member(f.name, rounded(f.value));
        if (!a.evidence.end.empty()) w.member("end", a.evidence.end);
        w.end_object();
    }
    if (a.score) w.member("score", rounded(*a.score));
    if (a.threshold) w.member("threshold", rounded(*a.threshold));
    if (!a.contributions.empty()) {
        w.key("contributions");
        w.begin_array();
        for (auto const& c : a.contributions) {
            w.begin_object();
            w.member("parameter", c.parameter);
            w.member("share", std::round(c.share * 1000.0) / 1000.0);
            w.end_object();
        }
        w.end_array();
    }
    w.end_object();
}

} // namespace wtf::core
