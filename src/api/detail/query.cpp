#include "api/detail/query.hpp"

#include <wtf/core/anomaly.hpp>

#include <boost/url/param.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace wtf::api::detail {
namespace {

// Names echoed in a detail are cut short: the text is for people, and the client sent it.
constexpr std::size_t max_echoed_name = 64;

std::string quoted_name(std::string_view name)
{
    std::string out{"query parameter '"};
    out += name.substr(0, max_echoed_name);
    if (name.size() > max_echoed_name) out += "...";
    out += '\'';
    return out;
}

std::string unsupported(std::string_view name) { return quoted_name(name) + " is not supported"; }

bool iequals(std::string_view a, std::string_view b) noexcept
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) noexcept
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::optional<bool> parse_bool(std::string_view text) noexcept
{
    if (iequals(text, "true") || text == "1") return true;
    if (iequals(text, "false") || text == "0") return false;
    return std::nullopt;
}

// A '?' with nothing after it parses as one empty parameter; it asks for nothing.
bool is_empty_param(boost::urls::param const& p) noexcept
{
    return p.key.empty() && (!p.has_value || p.value.empty());
}

// A limit: an integer from 1 to `capacity` (the size of the ring it reads).
std::optional<std::string> parse_limit(std::string_view name, std::string_view value,
                                       std::size_t capacity, std::size_t& out)
{
    std::uint64_t n = 0;
    auto const* end = value.data() + value.size();
    auto const [ptr, ec] = std::from_chars(value.data(), end, n);
    if (value.empty() || ec != std::errc{} || ptr != end || n < 1 || n > capacity)
        return quoted_name(name) + " must be an integer between 1 and " + std::to_string(capacity);
    out = static_cast<std::size_t>(n);
    return std::nullopt;
}

} // namespace

std::optional<std::string> parse_anomaly_query(boost::urls::params_view params,
                                               std::size_t capacity, store::anomaly_query& out,
                                               std::string& key)
{
    capacity = std::max<std::size_t>(capacity, 1);
    out = store::anomaly_query{};
    out.limit = std::min<std::size_t>(100, capacity);
    bool seen_limit = false;
    bool seen_sensor = false;
    bool seen_type = false;
    bool seen_active = false;
    std::optional<bool> acknowledged;
    std::optional<bool> shelved;

    auto repeated = [](std::string_view name) {
        return quoted_name(name) + " is given more than once";
    };

    for (boost::urls::param const p : params) {
        if (is_empty_param(p)) continue;
        std::string_view const name = p.key;
        std::string_view const value = p.value;
        if (name == "limit") {
            if (seen_limit) return repeated(name);
            seen_limit = true;
            if (auto problem = parse_limit(name, value, capacity, out.limit)) return problem;
        } else if (name == "sensor_id") {
            if (seen_sensor) return repeated(name);
            seen_sensor = true;
            if (value.empty()) return quoted_name(name) + " must not be empty";
            out.sensor_id.emplace(value);
        } else if (name == "type") {
            if (seen_type) return repeated(name);
            seen_type = true;
            out.type = core::anomaly_type_from(value);
            if (!out.type) return quoted_name(name) + " must be one of spike, drift, dropout";
        } else if (name == "active") {
            if (seen_active) return repeated(name);
            seen_active = true;
            out.active = parse_bool(value);
            if (!out.active) return quoted_name(name) + " must be true or false";
        } else if (name == "acknowledged" || name == "shelved") {
            auto& flag = name == "acknowledged" ? acknowledged : shelved;
            if (flag) return repeated(name);
            flag = parse_bool(value);
            if (!flag) return quoted_name(name) + " must be true or false";
            auto const tag = name == "acknowledged" ? store::tag_acknowledged : store::tag_shelved;
            (*flag ? out.with : out.without) |= tag;
        } else {
            return unsupported(name);
        }
    }

    // limit, then each filter with a presence mark, so "no filter" never equals "empty filter".
    key.clear();
    key += std::to_string(out.limit);
    key += out.type ? static_cast<char>('a' + static_cast<int>(*out.type)) : '-';
    key += out.active ? (*out.active ? 't' : 'f') : '-';
    key += static_cast<char>('a' + out.with);
    key += static_cast<char>('a' + out.without);
    if (out.sensor_id) {
        key += 's';
        key += *out.sensor_id;
    }
    return std::nullopt;
}

std::optional<std::string> parse_summary_query(boost::urls::params_view params,
                                               std::size_t capacity, bool& detail,
                                               std::size_t& limit)
{
    capacity = std::max<std::size_t>(capacity, 1);
    detail = false;
    limit = capacity;
    bool seen_detail = false;
    bool seen_limit = false;
    auto repeated = [](std::string_view name) {
        return quoted_name(name) + " is given more than once";
    };

    for (boost::urls::param const p : params) {
        if (is_empty_param(p)) continue;
        std::string_view const name = p.key;
        std::string_view const value = p.value;
        if (name == "detail") {
            if (seen_detail) return repeated(name);
            seen_detail = true;
            auto const parsed = parse_bool(value);
            if (!parsed) return quoted_name(name) + " must be true or false";
            detail = *parsed;
        } else if (name == "limit") {
            if (seen_limit) return repeated(name);
            seen_limit = true;
            if (auto problem = parse_limit(name, value, capacity, limit)) return problem;
        } else {
            return unsupported(name);
        }
    }
    // The seed's shape is a list of texts; a limit only makes sense for the records.
    if (seen_limit && !detail) return quoted_name("limit") + " needs detail=true";
    return std::nullopt;
}

namespace {

// Calls `each(name, value)` for every parameter but an empty one, after refusing a repeated one.
template <class Each>
std::optional<std::string> each_param(boost::urls::params_view params, Each each)
{
    std::vector<std::string> seen;
    for (boost::urls::param const p : params) {
        if (is_empty_param(p)) continue;
        std::string_view const name = p.key;
        for (auto const& s : seen)
            if (s == name) return quoted_name(name) + " is given more than once";
        seen.emplace_back(name);
        if (auto problem = each(name, std::string_view{p.value})) return problem;
    }
    return std::nullopt;
}

std::optional<std::string> flag(std::string_view name, std::string_view value,
                                std::optional<bool>& out)
{
    out = parse_bool(value);
    if (!out) return quoted_name(name) + " must be true or false";
    return std::nullopt;
}

// "a,b,c" into its non-empty parts.
std::vector<std::string> split_list(std::string_view text)
{
    std::vector<std::string> out;
    while (!text.empty()) {
        auto const comma = text.find(',');
        auto const part = text.substr(0, comma);
        if (!part.empty()) out.emplace_back(part);
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return out;
}

} // namespace

std::optional<std::string> parse_sensor_query(boost::urls::params_view params, sensor_query& out)
{
    out = sensor_query{};
    return each_param(
        params, [&](std::string_view name, std::string_view value) -> std::optional<std::string> {
            if (name == "limit") return parse_limit(name, value, max_sensor_page, out.limit);
            if (name == "after") {
                out.after.emplace(value);
                return std::nullopt;
            }
            if (name == "active") return flag(name, value, out.active);
            if (name == "out_of_service") return flag(name, value, out.out_of_service);
            return unsupported(name);
        });
}

std::optional<std::string> parse_readings_query(boost::urls::params_view params,
                                                std::size_t capacity,
                                                alarm::recent_readings::query& out)
{
    capacity = std::max<std::size_t>(capacity, 1);
    out = alarm::recent_readings::query{};
    out.limit = std::min<std::size_t>(100, capacity);
    return each_param(
        params, [&](std::string_view name, std::string_view value) -> std::optional<std::string> {
            if (name == "limit") return parse_limit(name, value, capacity, out.limit);
            if (name == "since") {
                auto const since = core::parse_rfc3339(value);
                if (!since)
                    return quoted_name(name) +
                           " must be an RFC 3339 time, e.g. 2025-05-28T00:01:23Z";
                out.since = *since;
                return std::nullopt;
            }
            return unsupported(name);
        });
}

std::optional<std::string> parse_window_query(boost::urls::params_view params,
                                              std::chrono::minutes longest,
                                              std::chrono::minutes& out)
{
    out = longest;
    auto const hours = longest.count() / 60;
    auto const most = longest.count() % 60 == 0 ? std::to_string(hours) + "h"
                                                : std::to_string(longest.count()) + "m";
    return each_param(
        params, [&](std::string_view name, std::string_view value) -> std::optional<std::string> {
            if (name != "window") return unsupported(name);
            auto const wrong = quoted_name(name) +
                               " must be a whole number of minutes, hours or days "
                               "(90m, 24h, 1d) up to " +
                               most;
            if (value.size() < 2) return wrong;
            std::int64_t n = 0;
            auto const digits = value.substr(0, value.size() - 1);
            auto const [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
            if (ec != std::errc{} || ptr != digits.data() + digits.size() || n < 1 || n > 100'000)
                return wrong;
            switch (value.back()) {
            case 'm': out = std::chrono::minutes{n}; break;
            case 'h': out = std::chrono::hours{n}; break;
            case 'd': out = std::chrono::days{n}; break;
            default: return wrong;
            }
            if (out > longest) return wrong + " (alarms.performance_window_s)";
            return std::nullopt;
        });
}

std::optional<std::string> parse_event_query(boost::urls::params_view params,
                                             std::span<std::string_view const> names,
                                             event_query& out)
{
    out = event_query{};
    return each_param(
        params, [&](std::string_view name, std::string_view value) -> std::optional<std::string> {
            if (name == "events") {
                out.events = split_list(value);
                if (out.events.empty()) return quoted_name(name) + " must name at least one event";
                for (auto const& e : out.events) {
                    if (std::find(names.begin(), names.end(), e) != names.end()) continue;
                    std::string known;
                    for (auto n : names) known += (known.empty() ? "" : ", ") + std::string{n};
                    return quoted_name(name) + " names an unknown event '" +
                           e.substr(0, max_echoed_name) + "' (known: " + known + ")";
                }
                return std::nullopt;
            }
            if (name == "readings") {
                out.readings = split_list(value);
                if (out.readings.empty() || out.readings.size() > max_watched_sensors)
                    return quoted_name(name) + " must name 1 to " +
                           std::to_string(max_watched_sensors) + " sensor ids";
                return std::nullopt;
            }
            return unsupported(name);
        });
}

std::optional<std::string> reject_query(boost::urls::params_view params)
{
    for (boost::urls::param const p : params) {
        if (!is_empty_param(p)) return unsupported(p.key);
    }
    return std::nullopt;
}

bool is_ndjson(std::string_view content_type) noexcept
{
    auto const semicolon = content_type.find(';');
    return iequals(trim(content_type.substr(0, semicolon)), "application/x-ndjson");
}

std::optional<std::string_view> bearer_token(std::string_view authorization) noexcept
{
    authorization = trim(authorization);
    constexpr std::string_view scheme = "bearer";
    if (authorization.size() <= scheme.size() ||
        !iequals(authorization.substr(0, scheme.size()), scheme) ||
        (authorization[scheme.size()] != ' ' && authorization[scheme.size()] != '\t')) {
        return std::nullopt;
    }
    auto token = trim(authorization.substr(scheme.size()));
    if (token.empty()) return std::nullopt;
    return token;
}

bool equal_constant_time(std::string_view given, std::string_view expected) noexcept
{
    // Every byte of `expected` is visited whatever `given` holds; no early exit.
    unsigned diff = given.size() == expected.size() ? 0U : 1U;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        unsigned const g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0U;
        unsigned const e = static_cast<unsigned char>(expected[i]);
        diff |= g ^ e;
    }
    return diff == 0;
}

} // namespace wtf::api::detail
