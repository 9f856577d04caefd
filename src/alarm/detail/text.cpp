#include "alarm/detail/text.hpp"

#include <cstdint>
#include <cstring>

namespace wtf::alarm::detail {

void point_key(std::string& out, std::string_view sensor, std::string_view parameter,
               core::anomaly_type type)
{
    auto const length = static_cast<std::uint32_t>(sensor.size());
    out.clear();
    char prefix[sizeof length];
    std::memcpy(prefix, &length, sizeof length);
    out.append(prefix, sizeof prefix);
    out += sensor;
    out += parameter;
    out += static_cast<char>(type);
}

point_parts split_point_key(std::string_view key) noexcept
{
    point_parts p;
    std::uint32_t length = 0;
    if (key.size() < sizeof length + 1) return p;
    std::memcpy(&length, key.data(), sizeof length);
    auto const rest = key.substr(sizeof length);
    if (length > rest.size() - 1) return p;
    p.sensor_id = rest.substr(0, length);
    p.parameter = rest.substr(length, rest.size() - 1 - length);
    p.type = static_cast<core::anomaly_type>(rest.back());
    return p;
}

bool has_control(std::string_view s, bool multiline) noexcept
{
    for (char const c : s) {
        auto const u = static_cast<unsigned char>(c);
        if (multiline && (c == '\n' || c == '\t')) continue;
        if (u < 0x20 || u == 0x7F) return true;
    }
    return false;
}

void append_duration(std::string& out, std::chrono::seconds d)
{
    auto s = d.count();
    if (s < 0) {
        out += '-';
        s = -s;
    }
    auto const h = s / 3600, m = s % 3600 / 60, sec = s % 60;
    if (h > 0) out += std::to_string(h) + 'h';
    if (m > 0 || (h > 0 && sec > 0)) out += std::to_string(m) + 'm';
    if (sec > 0 || s == 0) out += std::to_string(sec) + 's';
}

void append_point(std::string& out, std::string_view sensor, std::string_view parameter,
                  core::anomaly_type type)
{
    out += '(';
    out += sensor;
    out += ", ";
    if (!parameter.empty()) {
        out += parameter;
        out += ", ";
    }
    out += core::to_string(type);
    out += ')';
}

} // namespace wtf::alarm::detail
