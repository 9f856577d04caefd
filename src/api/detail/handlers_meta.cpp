#include "api/detail/docs_page.hpp"
#include "api/detail/handlers.hpp"
#include "api/detail/openapi.hpp"

#include <string>

namespace wtf::api::detail {

namespace {

// The docs page's own inline script and style, and fetches back to wtfd; nothing else loads.
constexpr std::string_view docs_policy =
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; "
    "connect-src 'self'";

} // namespace

// Both texts are fixed for the life of the process: built once, then shared by every response.
response get_openapi(context&)
{
    static auto const text = share(std::string{openapi_json()});
    return json_response(text);
}

response get_docs(context&)
{
    static auto const text = share(std::string{docs_page()});
    response r = json_response(text);
    r.content_type = "text/html; charset=utf-8";
    r.content_security_policy = docs_policy;
    return r;
}

} // namespace wtf::api::detail
