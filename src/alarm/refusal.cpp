#include <wtf/alarm/refusal.hpp>

#include <boost/throw_exception.hpp>

#include <stdexcept>

namespace wtf::alarm {

static_assert(static_cast<std::size_t>(refusal_kind::busy) + 1 == refusal_kind_count,
              "refusal_kind_count must follow the last kind");

std::string_view to_string(refusal_kind k) noexcept
{
    switch (k) {
    case refusal_kind::not_found: return "not_found";
    case refusal_kind::conflict: return "conflict";
    case refusal_kind::invalid: return "invalid";
    case refusal_kind::busy: return "busy";
    }
    return "unknown";
}

unsigned http_status(refusal_kind k) noexcept
{
    switch (k) {
    case refusal_kind::not_found: return 404;
    case refusal_kind::conflict: return 409;
    case refusal_kind::invalid: return 422;
    case refusal_kind::busy: return 503;
    }
    return 500;
}

void throw_exception_from_error(refusal const& r, boost::source_location const& loc)
{
    boost::throw_exception(std::invalid_argument(r.reason), loc);
}

} // namespace wtf::alarm
