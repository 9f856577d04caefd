#include <wtf/summarize/text.hpp>

#include "detail/text_scan.hpp"

#include <wtf/core/json_writer.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

namespace wtf::summarize {

namespace {

using core::anomaly;
using core::anomaly_type;

// ---- words and numbers as people write them --------------------------------------------------

std::string count_text(std::size_t n)
{
    static constexpr std::array<char const*, 11> words{
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"};
    return n < words.size() ? std::string{words[n]} : std::to_string(n);
}

std::string capitalised(std::string_view s)
{
    std::string out;
    if (s.empty()) return out;
    char const first = s.front();
    out += (first >= 'a' && first <= 'z') ? static_cast<char>(first - 'a' + 'A') : first;
    out.append(s.substr(1));
    return out;
}

// At most three decimals, trailing zeros dropped but one kept: 45.2, 16.0, 0.125.
std::string value_text(double v)
{
    char buf[64];
    int const n = std::snprintf(buf, sizeof buf, "%.3f", v);
    std::string s{buf, n > 0 ? static_cast<std::size_t>(n) : 0};
    if (auto const dot = s.find('.'); dot != std::string::npos) {
        while (s.size() > dot + 2 && s.back() == '0') s.pop_back();
    }
    if (s == "-0.0") s = "0.0";
    return s;
}

// Durations show one decimal, as the seed's f"{d:.1f}" did.
std::string seconds_text(double v)
{
    char buf[64];
    int const n = std::snprintf(buf, sizeof buf, "%.1f", v);
    return {buf, n > 0 ? static_cast<std::size_t>(n) : 0};
}

// "45.2°C" but "0.8 bar": degree signs and percent attach, other units take a space.
std::string with_unit(double v, std::string_view unit)
{
    std::string s = value_text(v);
    if (unit.empty()) return s;
    bool const attached = unit.starts_with("\xC2\xB0") || unit == "%";
    if (!attached) s += ' ';
    s += unit;
    return s;
}

std::string time_text(core::timestamp t) { return core::format_rfc3339(t); }

std::optional<double> episode_seconds(anomaly const& a)
{
    if (a.duration_seconds) return a.duration_seconds;
    if (a.ended_at) return core::seconds_between(a.started_at, *a.ended_at);
    return std::nullopt;
}

// How far a value lies outside the band it left; without a band, its magnitude.
double excess(anomaly const& a, double v)
{
    if (!a.limits) return std::abs(v);
    return std::max({a.limits->low - v, v - a.limits->high, 0.0});
}

bool below_band(anomaly const& a, double v) { return a.limits && v < a.limits->low; }

// ---- deterministic summary --------------------------------------------------------------------

// How much a summary says: each anomaly (sensors with a few), kinds per sensor with full or
// clock times, or only counts per type. The richest that fits summary_budget is used.
enum class detail_level { each, kinds, kinds_clock, types };

struct style {
    detail_level level = detail_level::each;
    bool clock = false; // times of day only: the window and every time lie in one UTC day

    std::string time(core::timestamp t) const
    {
        if (!clock) return time_text(t);
        auto const day = std::chrono::floor<std::chrono::days>(t);
        std::chrono::hh_mm_ss const hms{std::chrono::floor<std::chrono::seconds>(t - day)};
        char buf[16];
        int const n = std::snprintf(
            buf, sizeof buf, "%02d:%02d:%02d", static_cast<int>(hms.hours().count()),
            static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
        return {buf, n > 0 ? static_cast<std::size_t>(n) : 0};
    }
};

constexpr std::size_t summary_budget = 2'000;

std::string dropout_predicate(anomaly const& a, style const& st)
{
    if (a.never_seen) return "had not reported at all by " + st.time(a.detected_at);
    std::string s = "stopped reporting at " + st.time(a.started_at);
    if (a.active()) return s + " and had not reported again by the end of the period";
    if (auto const d = episode_seconds(a)) return s + " for " + seconds_text(*d) + " seconds";
    return s;
}

std::string peak_clause(anomaly const& a)
{
    if (!a.peak_value || !a.value || value_text(*a.peak_value) == value_text(*a.value)) return {};
    return std::string{below_band(a, *a.peak_value) ? ", falling to " : ", peaking at "} +
           with_unit(*a.peak_value, a.unit) + ",";
}

// Whether the summary says the anomaly's cause: always for the kinds beyond the seed's, and for
// the seed's kinds when it is not the one their name implies (a one-reading spike: instrument).
bool cause_worth_saying(anomaly const& a)
{
    auto const& kind = core::kind_of(a.type);
    return !kind.cause_implied || a.cause != kind.default_cause;
}

std::string cause_phrase(core::cause c, bool plural = false)
{
    if (c == core::cause::instrument)
        return plural ? ": likely instrument faults" : ": likely an instrument fault";
    return plural ? ": likely process changes" : ": likely a process change";
}

// "driven by flow (62%) and pressure (25%)": the contributors named in the message.
std::string contributors_text(anomaly const& a)
{
    std::vector<std::string> parts;
    for (auto const& c : a.contributions) {
        if (parts.size() == 3 || (!parts.empty() && c.share < 0.1)) break;
        parts.push_back(c.parameter + " (" + std::to_string(std::lround(c.share * 100.0)) + "%)");
    }
    if (parts.empty()) return a.parameter;
    std::string s;
    for (std::size_t k = 0; k < parts.size(); ++k) {
        if (k > 0) s += k + 1 == parts.size() ? " and " : ", ";
        s += parts[k];
    }
    return s;
}

// How long the episode lasted or has lasted: " for 360.0 seconds starting at ...".
std::string span_text(anomaly const& a, style const& st)
{
    auto const d = episode_seconds(a);
    if (a.active()) {
        std::string s = " began at " + st.time(a.started_at) + " and was still ongoing";
        if (d) s += " after " + seconds_text(*d) + " seconds";
        return s;
    }
    if (d)
        return " persisted for " + seconds_text(*d) + " seconds starting at " +
               st.time(a.started_at);
    return " began at " + st.time(a.started_at);
}

// The kinds beyond the seed's: what each says about the instrument or the process.
std::string further_clause(anomaly const& a, style const& st)
{
    std::string const value = a.value ? with_unit(*a.value, a.unit) : std::string{};
    switch (a.type) {
    case anomaly_type::implausible: {
        std::string s = "an implausible " + a.parameter + " of " + value + peak_clause(a) +
                        " was read at " + st.time(a.detected_at);
        return a.active() ? s + " and was still ongoing" : s;
    }
    case anomaly_type::jump: {
        std::string s =
            "a " + a.parameter + " jump to " + value + " was detected at " + st.time(a.detected_at);
        if (a.active()) return s + " and had not come back yet";
        if (a.evidence.basis == "returned")
            if (auto const d = episode_seconds(a))
                return s + " and came back after " + seconds_text(*d) + " seconds";
        return s + " and stayed";
    }
    case anomaly_type::flatline: {
        auto const d = episode_seconds(a);
        std::string s = "the " + a.parameter + " sensor was stuck at " + value;
        if (a.active()) return s + " from " + st.time(a.started_at) + " and still was";
        if (d) s += " for " + seconds_text(*d) + " seconds";
        return s + " starting at " + st.time(a.started_at);
    }
    case anomaly_type::deviation: {
        auto const peak = peak_clause(a);
        return "a " + a.parameter + " deviation of " + value + (peak.empty() ? "," : peak) +
               " unusual for this sensor though inside its bands," + span_text(a, st);
    }
    case anomaly_type::multivariate:
        return "a multivariate anomaly driven by " + contributors_text(a) + span_text(a, st);
    case anomaly_type::spike:
    case anomaly_type::drift:
    case anomaly_type::dropout: break;
    }
    return {};
}

// What happened, in the words of the anomaly's kind.
std::string kind_clause(anomaly const& a, style const& st)
{
    std::string s;
    switch (a.type) {
    case anomaly_type::spike:
        s = "a " + a.parameter + " spike";
        if (a.value) s += " of " + with_unit(*a.value, a.unit);
        s += peak_clause(a) + " was detected at " + st.time(a.detected_at);
        if (a.active()) s += " and was still ongoing";
        return s;
    case anomaly_type::drift: {
        s = "a " + a.parameter + " drift";
        if (a.value) s += " of " + with_unit(*a.value, a.unit);
        s += peak_clause(a);
        auto const d = episode_seconds(a);
        if (a.active()) {
            s += " began at " + st.time(a.started_at) + " and was still ongoing";
            if (d) s += " after " + seconds_text(*d) + " seconds";
        } else if (d) {
            s += " persisted for " + seconds_text(*d) + " seconds starting at " +
                 st.time(a.started_at);
        } else {
            s += " began at " + st.time(a.started_at);
        }
        return s;
    }
    case anomaly_type::dropout: return "the sensor " + dropout_predicate(a, st);
    case anomaly_type::implausible:
    case anomaly_type::jump:
    case anomaly_type::flatline:
    case anomaly_type::deviation:
    case anomaly_type::multivariate: return further_clause(a, st);
    }
    return s;
}

// One anomaly of a sensor already named: "a temperature spike of 45.2°C was detected at ...",
// with its likely cause when worth saying.
std::string clause(anomaly const& a, style const& st)
{
    auto s = kind_clause(a, st);
    if (cause_worth_saying(a)) s += cause_phrase(a.cause);
    return s;
}

std::string kind_noun(anomaly const& a, std::size_t n)
{
    auto const& kind = core::kind_of(a.type);
    std::string const noun{n == 1 ? kind.noun : kind.plural};
    if (!kind.has_parameter() || kind.wording == core::wording::joint) return noun;
    return a.parameter + " " + noun;
}

// Several anomalies of one kind: "five temperature spikes between ... and ..., peaking at 47.5°C".
std::string kind_summary(std::vector<anomaly const*> const& group, style const& st)
{
    if (group.size() == 1) return clause(*group.front(), st);
    anomaly const& first = *group.front();
    auto const from = std::min_element(
        group.begin(), group.end(), [](auto x, auto y) { return x->started_at < y->started_at; });
    auto const to = std::max_element(
        group.begin(), group.end(), [](auto x, auto y) { return x->detected_at < y->detected_at; });
    std::string s = count_text(group.size()) + " " + kind_noun(first, group.size()) + " between " +
                    st.time((*from)->started_at) + " and " + st.time((*to)->detected_at);

    anomaly const* extreme_of = nullptr;
    double extreme = 0.0;
    std::optional<double> longest;
    std::size_t ongoing = 0;
    for (auto const* a : group) {
        for (auto const& v : {a->value, a->peak_value}) {
            if (!v) continue;
            if (!extreme_of || excess(*a, *v) > excess(*extreme_of, extreme)) {
                extreme_of = a;
                extreme = *v;
            }
        }
        if (auto const d = episode_seconds(*a); d && (!longest || *d > *longest)) longest = d;
        if (a->active()) ++ongoing;
    }
    if (extreme_of) {
        s += below_band(*extreme_of, extreme) ? ", falling to " : ", peaking at ";
        s += with_unit(extreme, extreme_of->unit);
    }
    if (longest && first.type != anomaly_type::spike)
        s += ", the longest lasting " + seconds_text(*longest) + " seconds";
    if (ongoing > 0) s += ", " + count_text(ongoing) + " still ongoing";
    bool const one_cause = std::all_of(group.begin(), group.end(), [&](auto const* a) {
        return a->cause == first.cause && cause_worth_saying(*a);
    });
    if (one_cause) s += cause_phrase(first.cause, true);
    return s;
}

// "six spikes, four drifts and five dropouts between ... and ...".
std::string types_summary(std::vector<anomaly const*> const& list, style const& st)
{
    std::string s = ": ";
    std::vector<std::string> parts;
    for (auto const& kind : core::anomaly_kinds) {
        auto const n = static_cast<std::size_t>(std::count_if(
            list.begin(), list.end(), [&](auto const* a) { return a->type == kind.type; }));
        if (n > 0)
            parts.push_back(count_text(n) + " " + std::string{n == 1 ? kind.noun : kind.plural});
    }
    for (std::size_t k = 0; k < parts.size(); ++k) {
        if (k > 0) s += k + 1 == parts.size() ? " and " : ", ";
        s += parts[k];
    }
    auto const from = std::min_element(
        list.begin(), list.end(), [](auto x, auto y) { return x->started_at < y->started_at; });
    auto const to = std::max_element(
        list.begin(), list.end(), [](auto x, auto y) { return x->detected_at < y->detected_at; });
    return s + " between " + st.time((*from)->started_at) + " and " + st.time((*to)->detected_at);
}

// A sensor's part, starting "sensor <id> ..." and ending with a full stop.
std::string sensor_part(std::string const& id, std::vector<anomaly const*> const& list,
                        style const& st)
{
    std::string s = "sensor " + id;
    if (list.size() == 1 && list.front()->type == anomaly_type::dropout &&
        st.level != detail_level::types)
        return s + " " + dropout_predicate(*list.front(), st) + ".";
    s += " reported " + count_text(list.size()) + (list.size() == 1 ? " anomaly" : " anomalies");
    if (st.level == detail_level::types) return s + types_summary(list, st) + ".";
    if (st.level == detail_level::each && list.size() <= 4) {
        if (list.size() == 2)
            return s + ". " + capitalised(clause(*list[0], st)) + ", and " + clause(*list[1], st) +
                   ".";
        for (auto const* a : list) s += ". " + capitalised(clause(*a, st));
        return s + ".";
    }
    // Per kind (type and parameter), in order of first appearance.
    std::vector<std::vector<anomaly const*>> kinds;
    for (auto const* a : list) {
        auto const same = std::find_if(kinds.begin(), kinds.end(), [a](auto const& k) {
            return k.front()->type == a->type && k.front()->parameter == a->parameter;
        });
        if (same == kinds.end())
            kinds.push_back({a});
        else
            same->push_back(a);
    }
    s += ": ";
    for (std::size_t k = 0; k < kinds.size(); ++k) {
        if (k > 0) s += k + 1 == kinds.size() ? "; and " : "; ";
        s += kind_summary(kinds[k], st);
    }
    return s + ".";
}

std::vector<std::pair<std::string, std::vector<anomaly const*>>> by_sensor(batch const& b)
{
    std::vector<std::pair<std::string, std::vector<anomaly const*>>> sensors;
    for (auto const& a : b.anomalies) {
        auto const it = std::find_if(sensors.begin(), sensors.end(),
                                     [&](auto const& s) { return s.first == a.sensor_id; });
        if (it == sensors.end())
            sensors.push_back({a.sensor_id, {&a}});
        else
            it->second.push_back(&a);
    }
    return sensors;
}

// ---- prompt -----------------------------------------------------------------------------------

constexpr std::string_view system_message =
    "You are a water treatment plant's monitoring assistant. You are given the anomalies wtfd "
    "detected in the plant's sensor readings during one period, as JSON. Summarise them as a "
    "natural, technical summary with time ranges, critical values and sensor IDs. Group related "
    "anomalies. Use a professional tone. Do not mention JSON. Use only the numbers, sensor IDs and "
    "times given; do not compute new numbers and do not speculate about causes you are not given. "
    "Each anomaly has a cause: instrument means a likely faulty sensor, process means a likely "
    "real change in the plant; say which. "
    "Write plain prose in a few sentences: no lists, no headings, no markdown.";

void append_anomaly(std::string& out, anomaly const& a)
{
    core::json_writer w{out};
    w.begin_object();
    w.member("type", core::to_string(a.type));
    w.member("sensor_id", a.sensor_id);
    if (!a.parameter.empty()) w.member("parameter", a.parameter);
    if (a.value) w.member("value", *a.value);
    if (a.peak_value) w.member("peak_value", *a.peak_value);
    if (!a.unit.empty()) w.member("unit", a.unit);
    if (a.limits) {
        w.key("limits");
        w.begin_object();
        w.member("low", a.limits->low);
        w.member("high", a.limits->high);
        w.end_object();
    }
    if (a.duration_seconds)
        w.member("duration_seconds", std::round(*a.duration_seconds * 1000.0) / 1000.0);
    w.member("started_at", a.started_at);
    w.member("detected_at", a.detected_at);
    if (a.ended_at) w.member("ended_at", *a.ended_at);
    w.member("active", a.active());
    w.member("severity", core::to_string(a.severity));
    if (a.never_seen) w.member("never_seen", true);
    w.member("cause", core::to_string(a.cause));
    if (!a.evidence.basis.empty()) w.member("evidence", a.evidence.basis);
    if (a.score) w.member("score", std::round(*a.score * 100.0) / 100.0);
    if (a.threshold) w.member("threshold", *a.threshold);
    if (!a.contributions.empty()) {
        w.key("contributions");
        w.begin_object();
        for (auto const& c : a.contributions)
            if (c.share >= 0.01) w.member(c.parameter, std::round(c.share * 100.0) / 100.0);
        w.end_object();
    }
    w.end_object();
}

std::string count_line(std::size_t total, std::size_t sent)
{
    std::string s = "Anomalies in this period: " + std::to_string(total) + ".";
    std::size_t const more = total - sent;
    if (more == 1)
        s += " 1 more anomaly was left out.";
    else if (more > 1)
        s += " " + std::to_string(more) + " more anomalies were left out.";
    s += sent == 0 ? "\n" : " The " + std::to_string(sent) + " listed:\n";
    return s;
}

// ---- grounding --------------------------------------------------------------------------------

std::string lowered(std::string_view s)
{
    std::string out{s};
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

struct facts {
    std::vector<double> values;      // matched within the rounding the text shows
    std::set<std::int64_t> integers; // counts and date/time components, matched exactly
    std::vector<core::timestamp> instants;
};

void add_time_components(facts& f, core::timestamp t)
{
    using namespace std::chrono;
    auto const day = floor<days>(t);
    year_month_day const ymd{day};
    hh_mm_ss const hms{floor<seconds>(t - day)};
    f.integers.insert({static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                       static_cast<unsigned>(ymd.day()), hms.hours().count(), hms.minutes().count(),
                       hms.seconds().count()});
    f.instants.push_back(t);
}

facts collect(batch const& b, std::span<parameter_info const> params)
{
    facts f;
    auto add = [&](std::optional<double> v) {
        if (v) f.values.push_back(*v);
    };
    std::map<std::string, std::int64_t> counts;
    for (auto const& a : b.anomalies) {
        add(a.value);
        add(a.peak_value);
        add(a.duration_seconds);
        add(episode_seconds(a));
        add(core::seconds_between(a.started_at, a.detected_at));
        add(core::seconds_between(a.started_at, b.window_end));
        add(a.score);
        add(a.threshold);
        for (auto const& c : a.contributions) {
            add(c.share);
            add(c.share * 100.0);
        }
        for (auto const& fig : a.evidence.figures) add(fig.value);
        if (a.limits) {
            add(a.limits->low);
            add(a.limits->high);
        }
        add_time_components(f, a.detected_at);
        add_time_components(f, a.started_at);
        if (a.ended_at) add_time_components(f, *a.ended_at);
        std::string const type{core::to_string(a.type)};
        for (auto const& key :
             {"s:" + a.sensor_id, "t:" + type, "p:" + a.parameter, "st:" + a.sensor_id + "/" + type,
              "sp:" + a.sensor_id + "/" + a.parameter, "tp:" + type + "/" + a.parameter,
              "stp:" + a.sensor_id + "/" + type + "/" + a.parameter})
            ++counts[key];
    }
    for (auto const& [key, n] : counts) f.integers.insert(n);
    auto const total = static_cast<std::int64_t>(b.anomalies.size());
    auto const left_out = static_cast<std::int64_t>(b.left_out);
    f.integers.insert(
        {total, left_out, total + left_out, static_cast<std::int64_t>(by_sensor(b).size())});
    for (auto const& p : params) {
        if (std::none_of(b.anomalies.begin(), b.anomalies.end(),
                         [&](anomaly const& a) { return a.parameter == p.name; }))
            continue;
        for (double v : {p.normal.low, p.normal.high, p.spike.low, p.spike.high})
            f.values.push_back(v);
    }
    add_time_components(f, b.window_start);
    add_time_components(f, b.window_end);
    double const window_s = core::seconds_between(b.window_start, b.window_end);
    f.values.push_back(window_s);
    f.values.push_back(window_s / 60.0);
    return f;
}

// Within half a unit of the last digit shown: 45 matches 45.2, 45.2 matches 45.24 but not 45.3.
// The sign is not compared: "a negative pressure of 2.1 bar" and "1.0 - 3.0" are both faithful.
bool shown_matches(detail::stated_number const& n, double v)
{
    double const tolerance = 0.5 * std::pow(10.0, -n.decimals);
    double const slack = 1e-9 * std::max(1.0, std::abs(v));
    return std::abs(std::abs(n.value) - std::abs(v)) <= tolerance + slack;
}

bool grounded(detail::stated_number const& n, facts const& f)
{
    if (n.decimals == 0 && std::abs(n.value) < 1e15 &&
        f.integers.contains(static_cast<std::int64_t>(std::abs(n.value))))
        return true;
    return std::any_of(f.values.begin(), f.values.end(),
                       [&](double v) { return shown_matches(n, v); });
}

// A stated time stands for [at, at + precision). It is grounded when that span meets the window
// (one second of slack each side) or one of the batch's own time stamps: an episode that began
// before the window is still a fact of the batch.
bool grounded(detail::stated_time const& t, batch const& b, facts const& f)
{
    using namespace std::chrono;
    using core::timestamp;
    constexpr microseconds slack = seconds{1};
    auto meets = [](timestamp from, timestamp to, timestamp lo, timestamp hi) {
        return from <= hi && to >= lo;
    };
    auto meets_batch = [&](timestamp from, timestamp to) {
        if (meets(from, to, b.window_start - slack, b.window_end + slack)) return true;
        return std::any_of(f.instants.begin(), f.instants.end(),
                           [&](timestamp i) { return meets(from, to, i - slack, i + slack); });
    };
    switch (t.what) {
    case detail::stated_time::kind::instant:
    case detail::stated_time::kind::date:
        return meets_batch(t.at, t.at + t.precision - microseconds{1});
    case detail::stated_time::kind::clock: {
        // A time of day alone: try it on every day from the earliest stamp to the latest.
        timestamp lo = b.window_start;
        timestamp hi = b.window_end;
        for (auto const i : f.instants) {
            lo = std::min(lo, i);
            hi = std::max(hi, i);
        }
        auto const last = floor<days>(hi + slack);
        for (auto day = floor<days>(lo - slack); day <= last; day += days{1}) {
            timestamp const at = time_point_cast<microseconds>(day) + t.of_day;
            if (meets_batch(at, at + t.precision - microseconds{1})) return true;
        }
        return false;
    }
    }
    return false;
}

} // namespace

prompt build_prompt(batch const& b, std::span<parameter_info const> params, std::size_t max_bytes)
{
    prompt p;
    p.system = system_message;

    std::string head = "Summarise the anomalies detected from " + time_text(b.window_start) +
                       " to " + time_text(b.window_end) + ".\n";
    bool any_param = false;
    for (auto const& info : params) {
        bool const present =
            std::any_of(b.anomalies.begin(), b.anomalies.end(),
                        [&](anomaly const& a) { return a.parameter == info.name; });
        if (!present) continue;
        if (!any_param) head += "Parameters:\n";
        any_param = true;
        head += info.name;
        if (!info.unit.empty()) head += " (unit " + info.unit + ")";
        std::string band;
        band += ": normal range ";
        core::append_json_number(band, info.normal.low);
        band += " to ";
        core::append_json_number(band, info.normal.high);
        band += " (a drift is a reading outside it for too long); spike range ";
        core::append_json_number(band, info.spike.low);
        band += " to ";
        core::append_json_number(band, info.spike.high);
        band += " (a spike is a reading outside it).\n";
        head += band;
    }

    std::vector<std::string> items;
    items.reserve(b.anomalies.size());
    for (auto const& a : b.anomalies) {
        items.emplace_back();
        append_anomaly(items.back(), a);
    }
    // Bytes of "[a,b,c]" for the first k items.
    std::vector<std::size_t> json_bytes(items.size() + 1, 0);
    for (std::size_t k = 1; k <= items.size(); ++k)
        json_bytes[k] = json_bytes[k - 1] + items[k - 1].size() + (k > 1 ? 1 : 0);
    auto const total = b.anomalies.size() + b.left_out;
    auto size_with = [&](std::size_t k) {
        return head.size() + count_line(total, k).size() + (k > 0 ? json_bytes[k] + 2 : 0);
    };
    std::size_t sent = items.size();
    while (sent > 0 && size_with(sent) > max_bytes) --sent;

    p.user = head + count_line(total, sent);
    if (sent > 0) {
        p.user += '[';
        for (std::size_t k = 0; k < sent; ++k) {
            if (k > 0) p.user += ',';
            p.user += items[k];
        }
        p.user += ']';
    }
    p.anomalies_sent = sent;
    return p;
}

std::string strip_reasoning(std::string_view text)
{
    static constexpr std::array<std::string_view, 3> names{"thinking", "think", "reasoning"};
    std::string const low = lowered(text);
    std::string out;
    std::size_t i = 0;

    // Some templates open the block in the prompt, so the reply starts inside it: a closing tag
    // with no opening one ends reasoning that began at the start.
    for (auto const name : names) {
        std::string const close = "</" + std::string{name} + ">";
        auto const c = low.find(close);
        if (c == std::string::npos) continue;
        auto const open = low.find("<" + std::string{name});
        if (open == std::string::npos || open > c) i = std::max(i, c + close.size());
    }

    while (i < text.size()) {
        auto const lt = low.find('<', i);
        if (lt == std::string::npos) {
            out.append(text.substr(i));
            break;
        }
        std::optional<std::string_view> tag;
        std::size_t tag_end = 0;
        for (auto const name : names) {
            if (low.compare(lt + 1, name.size(), name) != 0) continue;
            auto const after = lt + 1 + name.size();
            if (after < low.size() && (low[after] == '>' || low[after] == ' ')) {
                auto const gt = low.find('>', after);
                if (gt == std::string::npos) continue;
                tag = name;
                tag_end = gt + 1;
                break;
            }
        }
        if (!tag) {
            out.append(text.substr(i, lt + 1 - i));
            i = lt + 1;
            continue;
        }
        out.append(text.substr(i, lt - i));
        std::string const close = "</" + std::string{*tag} + ">";
        auto const c = low.find(close, tag_end);
        // An unclosed block runs to the end: the model stopped while still reasoning.
        if (c == std::string::npos) break;
        i = c + close.size();
    }

    auto const first = out.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    auto const last = out.find_last_not_of(" \t\r\n");
    return out.substr(first, last - first + 1);
}

std::string deterministic_summary(batch const& b)
{
    std::string const from = time_text(b.window_start);
    std::string const to = time_text(b.window_end);
    if (b.anomalies.empty()) {
        std::string s = "No anomalies were detected between " + from + " and " + to + ".";
        if (b.left_out > 0)
            s += " " + capitalised(count_text(b.left_out)) +
                 (b.left_out == 1 ? " further anomaly is" : " further anomalies are") +
                 " not described.";
        return s;
    }
    using std::chrono::days;
    using std::chrono::floor;
    bool const one_day = floor<days>(b.window_start) == floor<days>(b.window_end) &&
                         std::all_of(b.anomalies.begin(), b.anomalies.end(), [&](anomaly const& a) {
                             return floor<days>(a.started_at) == floor<days>(b.window_start) &&
                                    floor<days>(a.detected_at) == floor<days>(b.window_start);
                         });
    auto const sensors = by_sensor(b);
    auto write = [&](style const& st) {
        std::string s = "During the period from " + from + " to " + to + ", ";
        bool first = true;
        for (auto const& [id, list] : sensors) {
            std::string part = sensor_part(id, list, st);
            if (!first) {
                s += ' ';
                part = capitalised(part);
            }
            s += part;
            first = false;
        }
        return s;
    };
    std::string s;
    for (auto const level : {detail_level::each, detail_level::kinds, detail_level::kinds_clock,
                             detail_level::types}) {
        if (level == detail_level::kinds_clock && !one_day) continue;
        s = write(style{level, level == detail_level::kinds_clock ||
                                   (level == detail_level::types && one_day)});
        if (s.size() <= summary_budget) break;
    }
    if (b.left_out > 0)
        s += " " + capitalised(count_text(b.left_out)) +
             (b.left_out == 1 ? " further anomaly is" : " further anomalies are") +
             " not described.";
    return s;
}

std::optional<std::string> check_grounding(std::string_view text, batch const& b,
                                           std::span<parameter_info const> params)
{
    std::vector<std::string> ids;
    for (auto const& a : b.anomalies) ids.push_back(a.sensor_id);
    auto const found = detail::scan(text, ids);
    auto const f = collect(b, params);

    std::vector<std::string> problems;
    auto note = [&](std::string p) {
        if (std::find(problems.begin(), problems.end(), p) == problems.end())
            problems.push_back(std::move(p));
    };
    for (auto const& n : found.numbers)
        if (!grounded(n, f)) note("number " + n.text + " is not in the batch");
    for (auto const& id : found.sensor_ids) {
        auto const low = lowered(id);
        bool const known = std::any_of(ids.begin(), ids.end(),
                                       [&](std::string const& k) { return lowered(k) == low; });
        if (!known) note("sensor " + id + " is not in the batch");
    }
    for (auto const& t : found.times)
        if (!grounded(t, b, f)) note("time " + t.text + " is outside the window");

    if (problems.empty()) return std::nullopt;
    constexpr std::size_t shown = 5;
    std::string reason;
    for (std::size_t k = 0; k < std::min(shown, problems.size()); ++k) {
        if (k > 0) reason += "; ";
        reason += problems[k];
    }
    if (problems.size() > shown)
        reason += "; and " + std::to_string(problems.size() - shown) + " more";
    return reason;
}

} // namespace wtf::summarize
