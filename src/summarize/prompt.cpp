#include <wtf/summarize/prompt.hpp>

#include "detail/batch_text.hpp"

#include <wtf/core/json_writer.hpp>

#include <algorithm>
#include <chrono>
#include <numeric>

namespace wtf::summarize {

namespace {

using core::anomaly;
using core::anomaly_type;

constexpr std::string_view system_message =
    "You are a water treatment plant's monitoring assistant. You are given the anomalies wtfd "
    "detected in the plant's sensor readings during one period, one per line. Summarise them as "
    "a natural, technical summary with time ranges, critical values and sensor IDs. Group related "
    "anomalies. Name every sensor that has a critical anomaly together with its parameter and "
    "kind of anomaly. Say each anomaly's likely cause as its line gives it: an instrument fault "
    "(a sensor to check) or a process change (the plant itself). Keep each value, time and kind "
    "with its own "
    "sensor. Do not say that readings were normal or that nothing happened, and do not say an "
    "anomaly ended unless it is marked as ended. Use a professional tone. Do not mention JSON. "
    "Use only the numbers, sensor IDs and times given; do not compute new numbers and do not "
    "speculate about causes you are not given. Write plain prose in a few sentences: no lists, "
    "no headings, no markdown.";

// Times as the lines write them: a time of day when the whole batch lies in one UTC day (the
// header names the day), else full RFC 3339.
struct clock_style {
    bool one_day = false;

    std::string operator()(core::timestamp t) const
    {
        return one_day ? detail::clock_text(t) : detail::time_text(t);
    }
};

bool in_one_day(batch const& b)
{
    using std::chrono::days;
    using std::chrono::floor;
    auto const day = floor<days>(b.window_start);
    return floor<days>(b.window_end) == day &&
           std::all_of(b.anomalies.begin(), b.anomalies.end(), [&](anomaly const& a) {
               return floor<days>(a.started_at) == day && floor<days>(a.detected_at) == day &&
                      (!a.ended_at || floor<days>(*a.ended_at) == day);
           });
}

// "- wtf-pipe-1: temperature spike (critical), 45.2°C, peak 47.5°C, from 00:01:23 to 00:01:25,
// ended (2.0 s)". The bands are the header's, once per parameter.
std::string anomaly_line(anomaly const& a, clock_style const& time)
{
    std::string s = "- " + a.sensor_id + ": ";
    if (a.type == anomaly_type::dropout) {
        s += "dropout (" + std::string{core::to_string(a.severity)} + "), ";
        if (a.never_seen) return s + "never reported, expected by " + time(a.detected_at) + "\n";
        s += "no data from " + time(a.started_at);
    } else {
        s += a.parameter + " " + std::string{core::to_string(a.type)} + " (" +
             std::string{core::to_string(a.severity)} + ")";
        if (a.value) s += ", " + detail::with_unit(*a.value, a.unit);
        if (a.peak_value && a.value &&
            detail::value_text(*a.peak_value) != detail::value_text(*a.value)) {
            bool const below = a.limits && *a.peak_value < a.limits->low;
            s += std::string{below ? ", lowest " : ", peak "} +
                 detail::with_unit(*a.peak_value, a.unit);
        }
        s += ", from " + time(a.started_at);
    }
    if (!a.contributions.empty()) {
        // The parameters that carried a joint anomaly, largest first; their shares are left
        // out, as numbers the answer could misattribute.
        s += ", driven by ";
        for (std::size_t k = 0; k < a.contributions.size() && k < 3; ++k) {
            if (k > 0 && a.contributions[k].share < 0.1) break;
            if (k > 0) s += " and ";
            s += a.contributions[k].parameter;
        }
    }
    // The cause of the kinds beyond the seed's; the seed's say theirs by their name.
    if (!core::kind_of(a.type).cause_implied)
        s += a.cause == core::cause::instrument ? ", likely an instrument fault"
                                                : ", likely a process change";
    auto const seconds = detail::episode_seconds(a);
    if (a.active()) {
        s += ", still active";
        if (seconds) s += " after " + detail::seconds_text(*seconds) + " s";
    } else {
        s += " to " + time(*a.ended_at) + ", ended";
        if (seconds) s += " (" + detail::seconds_text(*seconds) + " s)";
    }
    return s + "\n";
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

std::string header(batch const& b, std::span<parameter_info const> params, bool one_day)
{
    std::string head = "Summarise the anomalies detected from " +
                       detail::time_text(b.window_start) + " to " +
                       detail::time_text(b.window_end) + ".";
    if (one_day) {
        auto const text = detail::time_text(b.window_start);
        head += " Times below are UTC on " + text.substr(0, 10) + ".";
    }
    head += "\n";
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
    return head;
}

bool more_important(anomaly const& a, anomaly const& b) noexcept
{
    if (a.severity != b.severity) return a.severity > b.severity;
    return a.detected_at > b.detected_at;
}

} // namespace

std::size_t estimate_tokens(std::string_view text)
{
    std::size_t singles = 0; // digits, punctuation, bytes beyond ASCII
    std::size_t letters = 0; // letters and white space
    for (char c : text) {
        bool const letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == ' ' ||
                            c == '\n' || c == '\t' || c == '\r';
        if (letter)
            ++letters;
        else
            ++singles;
    }
    // 3.5 letters a token, rounded up.
    return singles + (2 * letters + 6) / 7;
}

prompt build_prompt(batch const& b, std::span<parameter_info const> params, prompt_budget budget)
{
    prompt p;
    p.system = system_message;
    bool const one_day = in_one_day(b);
    clock_style const time{one_day};
    auto const head = header(b, params, one_day);

    // Most severe, then newest, first: the order anomalies are given up in is the reverse.
    std::vector<std::size_t> order(b.anomalies.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        return more_important(b.anomalies[x], b.anomalies[y]);
    });
    std::vector<std::string> lines(b.anomalies.size());
    for (std::size_t k = 0; k < b.anomalies.size(); ++k)
        lines[k] = anomaly_line(b.anomalies[k], time);

    auto const total = b.anomalies.size() + b.left_out;
    auto const fixed_tokens = estimate_tokens(p.system) + estimate_tokens(head);
    std::size_t line_bytes = 0;
    std::size_t line_tokens = 0;
    std::size_t n = 0;
    for (; n < order.size(); ++n) {
        auto const& line = lines[order[n]];
        auto const count = count_line(total, n + 1);
        auto const bytes = head.size() + count.size() + line_bytes + line.size();
        auto const tokens =
            fixed_tokens + estimate_tokens(count) + line_tokens + estimate_tokens(line);
        if (bytes > budget.max_bytes) break;
        if (budget.max_tokens != 0 && tokens > budget.max_tokens) break;
        line_bytes += line.size();
        line_tokens += estimate_tokens(line);
    }
    p.sent.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n));
    std::sort(p.sent.begin(), p.sent.end());
    p.user = head + count_line(total, n);
    for (auto const k : p.sent) p.user += lines[k];
    p.anomalies_sent = n;
    p.tokens = estimate_tokens(p.system) + estimate_tokens(p.user);
    return p;
}

prompt build_prompt(batch const& b, std::span<parameter_info const> params, std::size_t max_bytes)
{
    return build_prompt(b, params, prompt_budget{0, max_bytes});
}

batch shown_part(batch const& b, prompt const& p)
{
    if (p.sent.size() == b.anomalies.size()) return b;
    batch part;
    part.window_start = b.window_start;
    part.window_end = b.window_end;
    for (auto const k : p.sent) part.anomalies.push_back(b.anomalies[k]);
    part.left_out = b.left_out + (b.anomalies.size() - p.sent.size());
    return part;
}

} // namespace wtf::summarize
