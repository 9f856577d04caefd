#pragma once

#include <cstdint>
#include <string>

namespace wtf::mirror {

// [redis]
struct settings {
    bool enabled = false;          // REDIS_HOST set: enabled
    std::string host = "127.0.0.1";
    std::uint16_t port = 6379;
};

} // namespace wtf::mirror
