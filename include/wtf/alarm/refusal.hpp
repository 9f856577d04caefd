#pragma once
// Why an operator command was refused, in words for the operator and a category for the HTTP
// status. Commands return boost::system::result<T, refusal>.

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace wtf::alarm {

enum class refusal_kind {
    not_found, // no such alarm (unknown id, or no longer in the history): 404
    conflict,  // not possible in the present state (double ack, not shelved, full): 409
    invalid,   // an argument is out of range (shelve beyond the maximum, text too long): 422
    busy,      // a limit of the daemon is reached for now (event streams): 503
};
inline constexpr std::size_t refusal_kind_count = 4;

struct refusal {
    refusal_kind kind = refusal_kind::invalid;
    std::string reason; // one sentence naming the alarm, sensor or field

    bool operator==(refusal const&) const = default;
};

std::string_view to_string(refusal_kind k) noexcept; // "not_found", "conflict", "invalid", "busy"
unsigned http_status(refusal_kind k) noexcept;       // 404, 409, 422, 503

template <class T>
using result = boost::system::result<T, refusal>;

// What result<T, refusal>::value() throws on a refusal (std::invalid_argument with the reason).
// Callers test the result instead; this exists because Boost.System requires it.
[[noreturn]] void throw_exception_from_error(refusal const& r, boost::source_location const& loc);

} // namespace wtf::alarm
