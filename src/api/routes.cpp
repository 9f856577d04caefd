// The route table: every path the API serves, its verb and its handler. A new endpoint is one
// row here and a handler in src/api/detail/; /metrics, 404/405 and the read token follow.

#include <wtf/api/router.hpp>

#include "api/detail/handlers.hpp"

#include <array>

namespace wtf::api {

std::span<route const> builtin_routes()
{
    static std::array<route, 20> const table{{
        {"/anomalies", method::get, access::data, detail::get_anomalies},
        {"/anomalies/{id}", method::get, access::data, detail::get_anomaly},
        {"/anomalies/{id}/ack", method::post, access::operate, detail::post_ack},
        {"/anomalies/{id}/comments", method::post, access::operate, detail::post_comment},
        {"/anomalies/{id}/shelve", method::post, access::operate, detail::post_shelve},
        {"/anomalies/{id}/unshelve", method::post, access::operate, detail::post_unshelve},
        {"/summary", method::get, access::data, detail::get_summary},
        {"/status", method::get, access::data, detail::get_status},
        {"/sensors", method::get, access::data, detail::get_sensors},
        {"/sensors/{id}/readings", method::get, access::data, detail::get_sensor_readings},
        {"/sensors/{id}/out-of-service", method::post, access::operate,
         detail::post_out_of_service},
        {"/sensors/{id}/in-service", method::post, access::operate, detail::post_in_service},
        {"/sensors/{id}/baseline", method::get, access::data, detail::get_baseline},
        {"/sensors/{id}/baseline/relearn", method::post, access::data, detail::post_relearn},
        {"/alarm-performance", method::get, access::data, detail::get_alarm_performance},
        {"/events", method::get, access::data, detail::get_events},
        {"/metrics", method::get, access::data, detail::get_metrics},
        {"/readings", method::post, access::data, detail::post_readings},
        {"/openapi.json", method::get, access::open, detail::get_openapi},
        {"/docs", method::get, access::open, detail::get_docs},
    }};
    return table;
}

} // namespace wtf::api
