// The route table: every path the API serves, its verb and its handler. A new endpoint is one
// row here and a handler in src/api/detail/; /metrics, 404/405 and the read token follow.

#include <wtf/api/router.hpp>

#include "api/detail/handlers.hpp"

#include <array>

namespace wtf::api {

std::span<route const> builtin_routes()
{
    static std::array<route, 9> const table{{
        {"/anomalies", method::get, false, detail::get_anomalies},
        {"/summary", method::get, false, detail::get_summary},
        {"/status", method::get, false, detail::get_status},
        {"/metrics", method::get, false, detail::get_metrics},
        {"/readings", method::post, false, detail::post_readings},
        {"/sensors/{id}/baseline", method::get, false, detail::get_baseline},
        {"/sensors/{id}/baseline/relearn", method::post, false, detail::post_relearn},
        {"/openapi.json", method::get, true, detail::get_openapi},
        {"/docs", method::get, true, detail::get_docs},
    }};
    return table;
}

} // namespace wtf::api
