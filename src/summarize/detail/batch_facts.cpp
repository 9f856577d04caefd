#include "batch_facts.hpp"

#include "answer_text.hpp"
#include "batch_text.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

namespace wtf::summarize::detail {

namespace {

using core::anomaly;
using core::timestamp;

void add_time_components(batch_facts& f, timestamp t)
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

std::string unit_of(anomaly const& a, std::span<parameter_info const> params)
{
    if (!a.unit.empty()) return normal_unit(a.unit);
    for (auto const& p : params)
        if (p.name == a.parameter) return normal_unit(p.unit);
    return {};
}

bool has_parameter(std::span<std::string const> sensors, std::string const& parameter,
                   batch const& b)
{
    return std::any_of(b.anomalies.begin(), b.anomalies.end(), [&](anomaly const& a) {
        return a.parameter == parameter &&
               std::find(sensors.begin(), sensors.end(), a.sensor_id) != sensors.end();
    });
}

bool unit_fits(fact const& x, std::string const& unit)
{
    if (unit.empty()) return true;
    switch (x.kind) {
    case fact_kind::value:
    case fact_kind::threshold: return x.unit == unit;
    case fact_kind::duration:
    case fact_kind::window: return x.unit == unit;
    }
    return false;
}

bool sensor_fits(fact const& x, std::span<std::string const> sensors, batch const& b)
{
    if (sensors.empty()) return true;
    if (x.sensor.empty()) return x.parameter.empty() || has_parameter(sensors, x.parameter, b);
    return std::find(sensors.begin(), sensors.end(), x.sensor) != sensors.end();
}

bool time_unit(std::string const& unit)
{
    return unit == "s" || unit == "min" || unit == "h" || unit == "ms";
}

// Whether the time `t` states meets [lo, hi] (one second of slack each side); a time of day
// alone is tried on every day from `first` to `last`.
bool meets(stated_time const& t, timestamp lo, timestamp hi, timestamp first, timestamp last)
{
    using namespace std::chrono;
    constexpr microseconds slack = seconds{1};
    auto overlaps = [&](timestamp from) {
        timestamp const to = from + t.precision - microseconds{1};
        return from <= hi + slack && to >= lo - slack;
    };
    switch (t.what) {
    case stated_time::kind::instant:
    case stated_time::kind::date: return overlaps(t.at);
    case stated_time::kind::clock: {
        auto const end = floor<days>(last + slack);
        for (auto day = floor<days>(first - slack); day <= end; day += days{1})
            if (overlaps(time_point_cast<microseconds>(day) + t.of_day)) return true;
        return false;
    }
    }
    return false;
}

} // namespace

batch_facts collect(batch const& b, std::span<parameter_info const> params)
{
    batch_facts f;
    auto add = [&](std::optional<double> v, fact_kind kind, anomaly const& a, std::string unit) {
        if (v) f.numbers.push_back({*v, kind, a.parameter, std::move(unit), a.sensor_id});
    };
    auto add_duration = [&](std::optional<double> v, anomaly const& a) {
        add(v, fact_kind::duration, a, "s");
        if (v && *v >= 60.0) add(*v / 60.0, fact_kind::duration, a, "min");
    };
    std::map<std::string, std::int64_t> counts;
    for (auto const& a : b.anomalies) {
        auto const unit = unit_of(a, params);
        add(a.value, fact_kind::value, a, unit);
        add(a.peak_value, fact_kind::value, a, unit);
        add_duration(a.duration_seconds, a);
        add_duration(episode_seconds(a), a);
        add_duration(core::seconds_between(a.started_at, a.detected_at), a);
        add_duration(core::seconds_between(a.started_at, b.window_end), a);
        if (a.limits) {
            add(a.limits->low, fact_kind::threshold, a, unit);
            add(a.limits->high, fact_kind::threshold, a, unit);
        }
        // What the statistical detectors report: the score against its threshold, the
        // parameters' shares ("flow (62%)") and the evidence's figures.
        add(a.score, fact_kind::value, a, "");
        add(a.threshold, fact_kind::threshold, a, "");
        for (auto const& c : a.contributions) {
            add(c.share, fact_kind::value, a, "");
            add(c.share * 100.0, fact_kind::value, a, "%");
        }
        for (auto const& figure : a.evidence.figures) add(figure.value, fact_kind::value, a, "");
        add_time_components(f, a.detected_at);
        add_time_components(f, a.started_at);
        if (a.ended_at) add_time_components(f, *a.ended_at);
        std::string const type{core::to_string(a.type)};
        for (auto const& key :
             {"s:" + a.sensor_id, "t:" + type, "p:" + a.parameter, "st:" + a.sensor_id + "/" + type,
              "sp:" + a.sensor_id + "/" + a.parameter, "tp:" + type + "/" + a.parameter,
              "stp:" + a.sensor_id + "/" + type + "/" + a.parameter})
            ++counts[key];
        if (!a.unit.empty()) f.units.push_back(a.unit);
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
            f.numbers.push_back({v, fact_kind::threshold, p.name, normal_unit(p.unit), {}});
        if (!p.unit.empty()) f.units.push_back(p.unit);
    }
    add_time_components(f, b.window_start);
    add_time_components(f, b.window_end);
    double const window_s = core::seconds_between(b.window_start, b.window_end);
    f.numbers.push_back({window_s, fact_kind::window, {}, "s", {}});
    f.numbers.push_back({window_s / 60.0, fact_kind::window, {}, "min", {}});
    std::sort(f.units.begin(), f.units.end());
    f.units.erase(std::unique(f.units.begin(), f.units.end()), f.units.end());
    return f;
}

bool shown_matches(stated_number const& n, double v)
{
    double const tolerance = 0.5 * std::pow(10.0, -n.decimals);
    double const slack = 1e-9 * std::max(1.0, std::abs(v));
    return std::abs(std::abs(n.value) - std::abs(v)) <= tolerance + slack;
}

bool grounded(stated_number const& n, batch_facts const& f)
{
    if (n.decimals == 0 && std::abs(n.value) < 1e15 &&
        f.integers.contains(static_cast<std::int64_t>(std::abs(n.value))))
        return true;
    return std::any_of(f.numbers.begin(), f.numbers.end(),
                       [&](fact const& x) { return shown_matches(n, x.v); });
}

// A stated time stands for [at, at + precision). It is grounded when that span meets the window
// or one of the batch's own time stamps: an episode that began before the window is still a
// fact of the batch.
bool grounded(stated_time const& t, batch const& b, batch_facts const& f)
{
    auto first = b.window_start;
    auto last = b.window_end;
    for (auto const i : f.instants) {
        first = std::min(first, i);
        last = std::max(last, i);
    }
    if (meets(t, b.window_start, b.window_end, first, last)) return true;
    return std::any_of(f.instants.begin(), f.instants.end(),
                       [&](timestamp i) { return meets(t, i, i, first, last); });
}

number_verdict judge_number(stated_number const& n, std::string const& unit,
                            std::span<std::string const> sensors, batch const& b,
                            batch_facts const& f)
{
    number_verdict out;
    for (auto const& x : f.numbers) {
        if (!shown_matches(n, x.v)) continue;
        bool const unit_ok = unit_fits(x, unit);
        bool const sensor_ok = sensor_fits(x, sensors, b);
        if (unit_ok && sensor_ok) return {fit::fits, &x};
        if (unit_ok && out.result != fit::other_sensor) out = {fit::other_sensor, &x};
        if (!unit_ok && out.result == fit::unknown) out = {fit::wrong_unit, &x};
    }
    // Counts and parts of dates and times: of the batch, with no unit or a time unit.
    if (n.decimals == 0 && std::abs(n.value) < 1e15 &&
        f.integers.contains(static_cast<std::int64_t>(std::abs(n.value))) &&
        (unit.empty() || time_unit(unit)))
        return {fit::fits, nullptr};
    return out;
}

bool time_fits(stated_time const& t, std::span<std::string const> sensors, batch const& b)
{
    auto first = b.window_start;
    auto last = b.window_end;
    std::optional<timestamp> lo;
    std::optional<timestamp> hi;
    for (auto const& a : b.anomalies) {
        for (auto const i : {std::optional<timestamp>{a.started_at},
                             std::optional<timestamp>{a.detected_at}, a.ended_at}) {
            if (!i) continue;
            first = std::min(first, *i);
            last = std::max(last, *i);
            if (!sensors.empty() &&
                std::find(sensors.begin(), sensors.end(), a.sensor_id) == sensors.end())
                continue;
            lo = lo ? std::min(*lo, *i) : *i;
            hi = hi ? std::max(*hi, *i) : *i;
        }
    }
    if (meets(t, b.window_start, b.window_start, first, last) ||
        meets(t, b.window_end, b.window_end, first, last))
        return true;
    // An episode's own span: from its sensor's first time stamp to its last.
    return lo && meets(t, *lo, *hi, first, last);
}

} // namespace wtf::summarize::detail
