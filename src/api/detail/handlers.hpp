#pragma once
// The built-in routes' handlers, one per route of the table in routes.cpp.

#include <wtf/api/router.hpp>
#include <wtf/core/error.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace wtf::api::detail {

// Data (handlers_data.cpp).
response get_anomalies(context& ctx);
response get_summary(context& ctx);
response post_readings(context& ctx);
// Sensors' multivariate baselines (handlers_baseline.cpp).
response get_baseline(context& ctx);
response post_relearn(context& ctx);
// One alarm and the operator's commands on it; the alarm-load figures (handlers_alarms.cpp).
response get_anomaly(context& ctx);
response post_ack(context& ctx);
response post_comment(context& ctx);
response post_shelve(context& ctx);
response post_unshelve(context& ctx);
response get_alarm_performance(context& ctx);
// Sensors (handlers_sensors.cpp).
response get_sensors(context& ctx);
response get_sensor_readings(context& ctx);
response post_out_of_service(context& ctx);
response post_in_service(context& ctx);
// GET /events (handlers_events.cpp).
response get_events(context& ctx);
// Operations (handlers_operations.cpp).
response get_status(context& ctx);
response get_metrics(context& ctx);
// The API's own description (handlers_meta.cpp).
response get_openapi(context& ctx);
response get_docs(context& ctx);

// The one mapping from wtfd's error codes to HTTP statuses.
unsigned status_for(errc e) noexcept;

// The alarm routes' shared answers (handlers_alarms.cpp): 503 when the process has no alarm
// services, a refused command with the status its kind maps to, and the 404s of an id that is
// not a number and of one nothing is held under.
response alarms_unavailable();
response refused(alarm::refusal const& r);
std::optional<std::uint64_t> parse_id(std::string_view text) noexcept;
response unknown_id(std::string_view text);
response missing_id(std::uint64_t id);

inline std::shared_ptr<std::string const> share(std::string&& text)
{
    return std::make_shared<std::string const>(std::move(text));
}

} // namespace wtf::api::detail
