#include "batch_text.hpp"

#include <wtf/core/number_text.hpp>

#include <algorithm>

namespace wtf::summarize::detail {

// Through the core formatter: a value of 1e300 must not overrun a buffer (issue 11).
std::string value_text(double v) { return core::decimal_text(v, 3); }

std::string seconds_text(double v) { return core::decimal_text(v, 1); }

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

std::string clock_text(core::timestamp t)
{
    // "2025-05-28T14:03:27[.250]Z": the clock is the eight characters after the 'T'.
    return core::format_rfc3339(t).substr(11, 8);
}

std::string lowered(std::string_view s)
{
    std::string out{s};
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::optional<double> episode_seconds(core::anomaly const& a)
{
    if (a.duration_seconds) return a.duration_seconds;
    if (a.ended_at) return core::seconds_between(a.started_at, *a.ended_at);
    return std::nullopt;
}

std::vector<sensor_group> by_sensor(batch const& b)
{
    std::vector<sensor_group> sensors;
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

} // namespace wtf::summarize::detail
