#pragma once
// Parsing the parts of a request the router judges: query strings, content types and
// bearer tokens. Pure functions; every refusal is a detail text for a 4xx response.

#include <wtf/alarm/readings.hpp>
#include <wtf/store/history.hpp>

#include <boost/url/params_view.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wtf::api::detail {

// GET /anomalies: limit (>= 1, cut to capacity; default min(100, capacity)), sensor_id, type,
// active, acknowledged, shelved. Fills `out` and a normalised `key` (equal keys select equal
// anomalies). Returns the 422 detail naming the parameter when a parameter is unknown, repeated
// or invalid.
std::optional<std::string> parse_anomaly_query(boost::urls::params_view params,
                                               std::size_t capacity, store::anomaly_query& out,
                                               std::string& key);

// GET /summary: detail (true: full records), limit (>= 1, cut to capacity, default capacity;
// only with detail). Returns the 422 detail naming the parameter when one is unknown, repeated or
// invalid.
std::optional<std::string> parse_summary_query(boost::urls::params_view params,
                                               std::size_t capacity, bool& detail,
                                               std::size_t& limit);

// GET /sensors: limit (1..1000, default 100), after (a sensor id: the page starts after it, in
// byte order of the ids), active (with or without active anomalies), out_of_service.
struct sensor_query {
    std::size_t limit = 100;
    std::optional<std::string> after;
    std::optional<bool> active;
    std::optional<bool> out_of_service;
};
inline constexpr std::size_t max_sensor_page = 1000;
std::optional<std::string> parse_sensor_query(boost::urls::params_view params, sensor_query& out);

// GET /sensors/{id}/readings: since (RFC 3339; readings strictly after it), limit
// (1..capacity, default min(100, capacity)).
std::optional<std::string> parse_readings_query(boost::urls::params_view params,
                                                std::size_t capacity,
                                                alarm::recent_readings::query& out);

// GET /alarm-performance: window, a whole number of minutes, hours or days ("90m", "24h",
// "1d"), at most `longest`; absent: `longest`.
std::optional<std::string> parse_window_query(boost::urls::params_view params,
                                              std::chrono::minutes longest,
                                              std::chrono::minutes& out);

// GET /events: events (comma-separated names, each one of `names`; absent: all) and readings
// (comma-separated sensor ids whose readings to send as well, at most max_watched_sensors).
struct event_query {
    std::vector<std::string> events;
    std::vector<std::string> readings;
};
inline constexpr std::size_t max_watched_sensors = 16;
std::optional<std::string> parse_event_query(boost::urls::params_view params,
                                             std::span<std::string_view const> names,
                                             event_query& out);

// For routes that take no query parameters yet: the detail naming the first one, if any.
std::optional<std::string> reject_query(boost::urls::params_view params);

// "application/x-ndjson", ignoring parameters ("; charset=utf-8"), whitespace and case.
bool is_ndjson(std::string_view content_type) noexcept;

// The token of "Bearer <token>" (scheme case-insensitive); nullopt for any other value.
std::optional<std::string_view> bearer_token(std::string_view authorization) noexcept;

// Compares in time that depends only on expected.size(), not on where the texts differ.
bool equal_constant_time(std::string_view given, std::string_view expected) noexcept;

} // namespace wtf::api::detail
