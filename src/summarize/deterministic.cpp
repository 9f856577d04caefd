#include <wtf/summarize/deterministic.hpp>

#include "detail/batch_text.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace wtf::summarize {

namespace {

// "a temperature spike", "an Accelerometer1RMS deviation": the article by the first letter,
// which is right for every word but the few that start with a voiced "u" or a silent "h".
std::string a_or_an(std::string_view word)
{
    bool const vowel = !word.empty() &&
                       std::string_view{"aeiouAEIOU"}.find(word.front()) != std::string_view::npos;
    return (vowel ? "an " : "a ") + std::string{word};
}

using core::anomaly;
using core::anomaly_type;
using detail::clock_text;
using detail::episode_seconds;
using detail::seconds_text;
using detail::time_text;
using detail::value_text;
using detail::with_unit;

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

// How far a value lies outside the band it left; without a band, its magnitude.
double excess(anomaly const& a, double v)
{
    if (!a.limits) return std::abs(v);
    return std::max({a.limits->low - v, v - a.limits->high, 0.0});
}

bool below_band(anomaly const& a, double v) { return a.limits && v < a.limits->low; }

// How much a summary says: each anomaly (sensors with a few), kinds per sensor with full or
// clock times, or only counts per type. The richest that fits summary_budget is used.
enum class detail_level { each, kinds, kinds_clock, types };

struct style {
    detail_level level = detail_level::each;
    bool clock = false; // times of day only: the window and every time lie in one UTC day

    std::string time(core::timestamp t) const { return clock ? clock_text(t) : time_text(t); }
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
        std::string s = a_or_an(a.parameter) + " jump to " + value + " was detected at " +
                        st.time(a.detected_at);
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
        return a_or_an(a.parameter) + " deviation of " + value + (peak.empty() ? "," : peak) +
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
        s = a_or_an(a.parameter) + " spike";
        if (a.value) s += " of " + with_unit(*a.value, a.unit);
        s += peak_clause(a) + " was detected at " + st.time(a.detected_at);
        if (a.active()) s += " and was still ongoing";
        return s;
    case anomaly_type::drift: {
        s = a_or_an(a.parameter) + " drift";
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

} // namespace

namespace {

// " Three further anomalies are not described." Appended piece by piece: GCC 12 at -O3 reports
// a false -Wrestrict on " " + std::string (PR 105329), which breaks the release build.
void append_left_out(std::string& s, std::size_t left_out)
{
    if (left_out == 0) return;
    s += ' ';
    s += capitalised(count_text(left_out));
    s += left_out == 1 ? " further anomaly is" : " further anomalies are";
    s += " not described.";
}

} // namespace

std::string deterministic_summary(batch const& b)
{
    std::string const from = time_text(b.window_start);
    std::string const to = time_text(b.window_end);
    if (b.anomalies.empty()) {
        std::string s = "No anomalies were detected between " + from + " and " + to + ".";
        append_left_out(s, b.left_out);
        return s;
    }
    using std::chrono::days;
    using std::chrono::floor;
    bool const one_day = floor<days>(b.window_start) == floor<days>(b.window_end) &&
                         std::all_of(b.anomalies.begin(), b.anomalies.end(), [&](anomaly const& a) {
                             return floor<days>(a.started_at) == floor<days>(b.window_start) &&
                                    floor<days>(a.detected_at) == floor<days>(b.window_start);
                         });
    auto const sensors = detail::by_sensor(b);
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
    append_left_out(s, b.left_out);
    return s;
}

} // namespace wtf::summarize
