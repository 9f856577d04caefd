#pragma once
// GET /docs: one self-contained HTML page (inline style and script, nothing fetched but
// /openapi.json from the same origin) that renders the API description and lets an operator
// try each endpoint.

#include <string_view>

namespace wtf::api::detail {

std::string_view docs_page() noexcept;

} // namespace wtf::api::detail
