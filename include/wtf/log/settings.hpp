#pragma once

namespace wtf::log {

// syslog priorities, as journald reads them from a "<N>" line prefix.
enum class level { error = 3, warning = 4, notice = 5, info = 6, debug = 7 };

// [log]
struct settings {
    log::level level = log::level::info;
};

} // namespace wtf::log
