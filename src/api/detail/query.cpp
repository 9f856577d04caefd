#include "api/detail/query.hpp"

#include <wtf/core/anomaly.hpp>
#include <wtf/core/utf8.hpp>

#include <boost/url/param.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>

namespace wtf::api::detail {
namespace {

// Names echoed in a detail are cut short: the text is for people, and the client sent it.
constexpr std::size_t max_echoed_name = 64;

std::string quoted_name(std::string_view name)
{
    std::string out{"query parameter '"};
    // Percent-decoding gives any bytes ("%FF"): the echo is cut between characters and made
    // valid UTF-8, or the 422 would not be valid JSON text.
    out += core::excerpt(name, max_echoed_name);
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

// A limit: an integer of at least 1; more than `capacity` (the size of the ring it reads) asks
// for everything there is, as the seed's LRANGE did, so it is cut to the capacity.
std::optional<std::string> parse_limit(std::string_view name, std::string_view value,
                                       std::size_t capacity, std::size_t& out)
{
    std::uint64_t n = 0;
    auto const* end = value.data() + value.size();
    auto const [ptr, ec] = std::from_chars(value.data(), end, n);
    bool const huge = ec == std::errc::result_out_of_range && ptr == end;
    if (!huge && (value.empty() || ec != std::errc{} || ptr != end || n < 1))
        return quoted_name(name) + " must be an integer of at least 1";
    out = huge || n > capacity ? capacity : static_cast<std::size_t>(n);
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
        } else {
            return unsupported(name);
        }
    }

    // limit, then each filter with a presence mark, so "no filter" never equals "empty filter".
    key.clear();
    key += std::to_string(out.limit);
    key += out.type ? static_cast<char>('a' + static_cast<int>(*out.type)) : '-';
    key += out.active ? (*out.active ? 't' : 'f') : '-';
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
