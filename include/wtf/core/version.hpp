#pragma once

#include <string_view>

namespace wtf::core {

// The project version from CMake ("0.1.0").
std::string_view version() noexcept;

} // namespace wtf::core
