#pragma once
// GET /openapi.json: the OpenAPI 3.1 description of every route the router serves.

#include <string_view>

namespace wtf::api::detail {

// The document with info.version set to core::version(); built on first call, then the same
// text for the life of the process.
std::string_view openapi_json();

} // namespace wtf::api::detail
