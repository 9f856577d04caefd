#include <wtf/core/reading.hpp>

namespace wtf::core {

std::string_view to_string(source s) noexcept
{
    switch (s) {
    case source::generator: return "generator";
    case source::http: return "http";
    case source::redis: return "redis";
    case source::replay: return "replay";
    }
    return "unknown";
}

} // namespace wtf::core
