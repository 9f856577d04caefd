#pragma once
// Logging to stderr for journald: "<4>detector: message key=value" under systemd (JOURNAL_STREAM
// set), "2026-11-21T10:00:00.123Z warning detector: ..." otherwise. One record is one line:
// newlines inside a message are escaped so journald does not split it.

#include <wtf/log/settings.hpp>

#include <sstream>
#include <string>
#include <string_view>

namespace wtf::log {

// Sets up the stderr sink once, at start-up. `journal` selects the "<N>" format;
// by default it is chosen from the JOURNAL_STREAM environment variable.
void init(level threshold);
void init(level threshold, bool journal);
void set_level(level threshold) noexcept;
bool enabled(level l) noexcept;

// Appends `text` as a record shows it: line feed, carriage return and tab as \n, \r, \t;
// other control characters, DEL, C1 controls, direction and zero-width marks (each byte) and
// bytes of invalid UTF-8 as \xNN. Printable UTF-8 is kept as it is.
void append_escaped(std::string& out, std::string_view text);

// Writes one finished record.
void write(level l, std::string_view channel, std::string_view text);

// Builds a record with <<; writes it when destroyed. Formatting is skipped when the level is off:
//   log::warning("api") << "connection limit reached limit=" << n;
class record {
public:
    record(level l, std::string_view channel) noexcept
        : level_{l}, channel_{channel}, on_{enabled(l)}
    {}
    record(record const&) = delete;
    record& operator=(record const&) = delete;
    ~record();

    template <class T>
    record& operator<<(T const& v)
    {
        if (on_) stream_ << v;
        return *this;
    }

private:
    level level_;
    std::string_view channel_;
    bool on_;
    std::ostringstream stream_;
};

inline record error(std::string_view channel) { return {level::error, channel}; }
inline record warning(std::string_view channel) { return {level::warning, channel}; }
inline record notice(std::string_view channel) { return {level::notice, channel}; }
inline record info(std::string_view channel) { return {level::info, channel}; }
inline record debug(std::string_view channel) { return {level::debug, channel}; }

std::string_view to_string(level l) noexcept;
bool level_from(std::string_view text, level& out) noexcept;

} // namespace wtf::log
