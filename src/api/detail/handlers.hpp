#pragma once
// The built-in routes' handlers, one per route of the table in routes.cpp.

#include <wtf/api/router.hpp>
#include <wtf/core/error.hpp>

#include <memory>
#include <string>

namespace wtf::api::detail {

// Data (handlers_data.cpp).
response get_anomalies(context& ctx);
response get_summary(context& ctx);
response post_readings(context& ctx);
// Sensors' multivariate baselines (handlers_baseline.cpp).
response get_baseline(context& ctx);
response post_relearn(context& ctx);
// Operations (handlers_operations.cpp).
response get_status(context& ctx);
response get_metrics(context& ctx);
// The API's own description (handlers_meta.cpp).
response get_openapi(context& ctx);
response get_docs(context& ctx);

// The one mapping from wtfd's error codes to HTTP statuses.
unsigned status_for(errc e) noexcept;

inline std::shared_ptr<std::string const> share(std::string&& text)
{
    return std::make_shared<std::string const>(std::move(text));
}

} // namespace wtf::api::detail
