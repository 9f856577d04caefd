#include "cli/detail/report.hpp"

#include <wtf/core/json_writer.hpp>

#include <cmath>
#include <array>
#include <charconv>

namespace wtf::cli::detail {

namespace {

std::string plural(std::uint64_t n, std::string_view one, std::string_view many)
{
    return std::to_string(n) + ' ' + std::string{n == 1 ? one : many};
}

// Four significant digits: limits are statistics, not measurements.
std::string rounded(double v)
{
    // "%.4g" without the C library: at most 11 characters ("-1.235e+300"), checked.
    std::array<char, 32> buf{};
    auto const [end, ec] =
        std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::general, 4);
    return ec == std::errc{} ? std::string(buf.data(), end) : std::string{"nan"};
}

std::string joined(std::vector<std::string> const& items)
{
    std::string out;
    for (auto const& item : items) {
        if (!out.empty()) out += ", ";
        out += item;
    }
    return out;
}

// Wraps `text` at `width` columns, each line indented by two spaces.
std::string indented(std::string_view text, std::size_t width = 98)
{
    std::string out;
    std::size_t line = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto end = text.find(' ', pos);
        if (end == std::string_view::npos) end = text.size();
        auto const word = text.substr(pos, end - pos);
        if (line > 0 && line + 1 + word.size() > width) {
            out += '\n';
            line = 0;
        }
        if (line == 0) {
            out += "  ";
            line = 2;
        } else {
            out += ' ';
            ++line;
        }
        out += word;
        line += word.size();
        pos = end + 1;
    }
    return out + '\n';
}

} // namespace

std::string human_duration(std::chrono::microseconds d)
{
    using namespace std::chrono;
    if (d < minutes{1}) {
        std::string s;
        core::append_json_number(s, std::round(duration<double>(d).count() * 10.0) / 10.0);
        if (s.ends_with(".0")) s.resize(s.size() - 2);
        return s + " s";
    }
    auto const total = duration_cast<seconds>(d);
    auto const day = duration_cast<days>(total);
    auto const h = duration_cast<hours>(total - day);
    auto const m = duration_cast<minutes>(total - day - h);
    auto const s = total - day - h - m;
    std::string out;
    // Appended piece by piece: GCC 12 -O3 reports a false -Wrestrict on `"" + string` (PR 105329).
    auto part = [&out](long long n, std::string_view unit) {
        if (n == 0) return;
        if (!out.empty()) out += ' ';
        out += std::to_string(n);
        out += unit;
    };
    part(day.count(), " d");
    part(h.count(), " h");
    part(m.count(), " min");
    part(s.count(), " s");
    return out;
}

std::string render(report const& r)
{
    std::string out = "Sources\n";
    for (auto const& s : r.sources) {
        out += "  " + s.name + ": ";
        if (s.failure) {
            out += "NOT READ: " + *s.failure + '\n';
            continue;
        }
        out += plural(s.rows, "row", "rows") + ", " + std::to_string(s.rejected) + " rejected";
        if (!s.layout.empty()) out += " (" + s.layout + ")";
        out += '\n';
    }
    out += "Readings: " + std::to_string(r.readings) + " accepted";
    if (r.stale > 0) {
        out += ", " + std::to_string(r.stale) +
               " skipped as not newer than their sensor's previous reading (out of order or "
               "repeated; the first: " +
               r.first_stale.value_or("?") + ")";
    }
    if (r.untracked > 0) {
        out += ", " + std::to_string(r.untracked) + " values not judged: their sensor had " +
               std::to_string(r.max_parameters) + " parameters already (detect.max_parameters)";
    }
    out += '\n';
    if (r.readings == 0) return out; // nothing else to say; the caller says why
    if (r.first && r.last) {
        out += "Time span: " + core::format_rfc3339(*r.first) + " to " +
               core::format_rfc3339(*r.last) + " (" + human_duration(*r.last - *r.first) + ")\n";
    }
    out += "Sensors (" + std::to_string(r.sensor_count) + "):";
    std::string list;
    for (auto const& s : r.sensors) {
        list += list.empty() ? " " : "; ";
        list += s.id + " (" + plural(s.readings, "reading", "readings") + ", dropout gap " +
                (s.dropout_gap ? human_duration(*s.dropout_gap) : std::string{"not known yet"}) +
                ")";
    }
    out += list;
    if (r.sensor_count > r.sensors.size())
        out += "; and " + std::to_string(r.sensor_count - r.sensors.size()) + " more";
    out += '\n';
    out += "Dropout gap: " + r.dropout_gap + '\n';
    out += "Parameters judged (" + std::to_string(r.parameters.size()) +
           "): " + (r.parameters.empty() ? std::string{"none"} : joined(r.parameters)) + '\n';
    if (!r.unjudged_parameters.empty()) {
        out += "Parameters without thresholds, judged only by the multivariate detector (" +
               std::to_string(r.unjudged_parameters.size()) +
               "): " + joined(r.unjudged_parameters) +
               "\n  (give each a [detect.parameters.NAME] table in --config, or --map "
               "COLUMN=PARAMETER onto one that has)\n";
    }

    if (!r.baselines.empty()) out += "Multivariate baselines:\n";
    for (auto const& b : r.baselines) {
        out += "  " + b.sensor + ": " + b.state;
        if (b.parameters > 0) {
            out += " (" + plural(b.parameters, "parameter", "parameters") + ", " +
                   plural(b.components, "component", "components") + ", T² limit " +
                   rounded(b.t2_limit) + ", Q limit " + rounded(b.q_limit) + ")";
        }
        if (!b.top.empty()) {
            out += "; top contributors over " + plural(b.episodes, "episode", "episodes") + ":";
            for (std::size_t i = 0; i < b.top.size(); ++i)
                out += (i == 0 ? " " : ", ") + b.top[i].first + " " +
                       std::to_string(std::lround(b.top[i].second * 100.0)) + "%";
        }
        out += '\n';
    }

    auto const& by_type = r.anomalies_by_type;
    std::uint64_t total = 0;
    for (auto n : by_type) total += n;
    if (total == 0) {
        out += "Anomalies: none. No value left its band or broke a rule, no sensor left its "
               "learned normal operation, and no sensor was silent for longer than its dropout "
               "gap.\n";
    } else {
        out += "Anomalies: " + std::to_string(total) + " (";
        // The seed's three kinds always (scripts read "0 drifts"), the others when found.
        bool first = true;
        for (auto const& kind : core::anomaly_kinds) {
            auto const n = by_type[core::index_of(kind.type)];
            if (n == 0 && !kind.cause_implied) continue;
            out += first ? "" : ", ";
            first = false;
            out += plural(n, kind.noun, kind.plural);
        }
        out += ')';
        if (r.still_open > 0)
            out += "; " + std::to_string(r.still_open) + " still open at the end of the data";
        out += '\n';
    }
    out += "Summary (" + r.summary_source + "):\n" + indented(r.summary);
    for (auto const& note : r.summary_notes) out += indented("(" + note + ")");
    for (auto const& file : r.saved) out += "Saved: " + file + '\n';
    return out;
}

} // namespace wtf::cli::detail
