#include "batch_text.hpp"

#include <algorithm>
#include <cstdio>

namespace wtf::summarize::detail {

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

std::string seconds_text(double v)
{
    char buf[64];
    int const n = std::snprintf(buf, sizeof buf, "%.1f", v);
    return {buf, n > 0 ? static_cast<std::size_t>(n) : 0};
}

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
