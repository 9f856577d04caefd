#include <wtf/core/version.hpp>

namespace wtf::core {

std::string_view version() noexcept { return WTF_VERSION; }

} // namespace wtf::core
