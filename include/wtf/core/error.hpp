#pragma once
// wtfd's own error codes, usable as boost::system::error_code.

#include <boost/system/error_code.hpp>

#include <type_traits>

namespace wtf {

enum class errc {
    bad_timestamp = 1,  // text is not an RFC 3339 time with a zone
    malformed_body,     // request body is not valid JSON / NDJSON
    invalid_reading,    // a reading breaks the data contract
    invalid_parameter,  // a query parameter is out of range or unknown
    body_too_large,     // request body exceeds api.max_body_bytes
    unauthorized,       // missing or wrong bearer token
    not_found,          // no such route or resource
    method_not_allowed, // route exists, verb does not
    not_ready,          // the daemon is starting or stopping
    too_many_sensors,   // detect.max_sensors reached
    time_out_of_range,  // a time outside 0000-01-01..9999-12-31 (core::time_range_text)
};

boost::system::error_category const& error_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), error_category()};
}

} // namespace wtf

template <>
struct boost::system::is_error_code_enum<wtf::errc> : std::true_type {};
