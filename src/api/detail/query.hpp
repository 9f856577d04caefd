#pragma once
// Parsing the parts of a request the router judges: query strings, content types and
// bearer tokens. Pure functions; every refusal is a detail text for a 4xx response.

#include <wtf/store/history.hpp>

#include <boost/url/params_view.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace wtf::api::detail {

// GET /anomalies: limit (>= 1, cut to capacity; default min(100, capacity)), sensor_id, type,
// active.
// Fills `out` and a normalised `key` (equal keys select equal anomalies). Returns the 422
// detail naming the parameter when a parameter is unknown, repeated or invalid.
std::optional<std::string> parse_anomaly_query(boost::urls::params_view params,
                                               std::size_t capacity, store::anomaly_query& out,
                                               std::string& key);

// GET /summary: detail (true: full records), limit (>= 1, cut to capacity, default capacity;
// only with detail). Returns the 422 detail naming the parameter when one is unknown, repeated or
// invalid.
std::optional<std::string> parse_summary_query(boost::urls::params_view params,
                                               std::size_t capacity, bool& detail,
                                               std::size_t& limit);

// For routes that take no query parameters yet: the detail naming the first one, if any.
std::optional<std::string> reject_query(boost::urls::params_view params);

// "application/x-ndjson", ignoring parameters ("; charset=utf-8"), whitespace and case.
bool is_ndjson(std::string_view content_type) noexcept;

// The token of "Bearer <token>" (scheme case-insensitive); nullopt for any other value.
std::optional<std::string_view> bearer_token(std::string_view authorization) noexcept;

// Compares in time that depends only on expected.size(), not on where the texts differ.
bool equal_constant_time(std::string_view given, std::string_view expected) noexcept;

} // namespace wtf::api::detail
