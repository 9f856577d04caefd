#include <wtf/core/error.hpp>
#include <wtf/core/time.hpp>

#include <string>

namespace wtf {

namespace {

// boost::system::error_category's destructor is protected and non-virtual by design: categories
// are never deleted through a base pointer. GCC warns regardless.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class category final : public boost::system::error_category {
public:
    char const* name() const noexcept override { return "wtf"; }

    std::string message(int ev) const override
    {
        switch (static_cast<errc>(ev)) {
        case errc::bad_timestamp: return "not an RFC 3339 time with a zone";
        case errc::malformed_body: return "malformed request body";
        case errc::invalid_reading: return "invalid reading";
        case errc::invalid_parameter: return "invalid query parameter";
        case errc::body_too_large: return "request body too large";
        case errc::unauthorized: return "missing or invalid bearer token";
        case errc::not_found: return "not found";
        case errc::method_not_allowed: return "method not allowed";
        case errc::not_ready: return "not ready";
        case errc::too_many_sensors: return "too many sensors";
        case errc::time_out_of_range:
            return "outside the supported time range " + std::string{core::time_range_text};
        }
        return "unknown wtf error";
    }
};
#pragma GCC diagnostic pop

} // namespace

boost::system::error_category const& error_category() noexcept
{
    static category const instance;
    return instance;
}

} // namespace wtf
