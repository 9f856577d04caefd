#pragma once
// What each kind of value accepts, shared by the file reader and the environment so that a key and
// the variable overriding it obey the same rule and fail with the same message.

#include <wtf/log/settings.hpp>
#include <wtf/store/settings.hpp>

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace wtf::config::detail {

inline constexpr std::int64_t no_limit = std::numeric_limits<std::int64_t>::max();

// A whole number within [min, max].
struct integer_rule {
    std::int64_t min = 0;
    std::int64_t max = no_limit;
};

// A finite number within [min, max].
struct number_rule {
    double min = std::numeric_limits<double>::lowest();
    double max = std::numeric_limits<double>::max();
};

inline constexpr number_rule temperature_rule{0.0, 2.0};
inline constexpr integer_rule max_buffer_rule{1, 10'000};

// "an integer between 1 and 10000", "a number >= 0": completes "must be ...".
std::string describe(integer_rule r);
std::string describe(number_rule r);

// Nullopt when the value obeys the rule, otherwise the message for the error.
std::optional<std::string> check(integer_rule r, std::int64_t value);
std::optional<std::string> check(number_rule r, double value);

// Seconds as written in the file or the environment, or the message for the error. Durations are
// positive, at most a year (beyond that the millisecond count would be meaningless) and must not
// round to 0 ms.
std::variant<std::chrono::milliseconds, std::string> to_milliseconds(double seconds);
std::variant<std::chrono::seconds, std::string> to_whole_seconds(double seconds);

// Checks on text values: nullopt when acceptable, otherwise the message.
using text_check = std::optional<std::string> (*)(std::string_view);
std::optional<std::string> any_text(std::string_view text);
std::optional<std::string> non_empty(std::string_view text);
std::optional<std::string> http_url(std::string_view text);

// "127.0.0.1:8000", "[::1]:8000", "localhost:0". The host is kept without brackets.
struct endpoint {
    std::string host;
    std::uint16_t port = 0;
};
std::variant<endpoint, std::string> parse_listen(std::string_view text);
std::string format_listen(std::string_view host, std::uint16_t port);

std::optional<log::level> level_from(std::string_view name);
std::string_view to_string(log::level l);
std::optional<store::durability> durability_from(std::string_view name);
std::string_view to_string(store::durability d);

// Numbers as people write them: 2.0, 0.1, 15.0, never 1E1. Non-finite values print as TOML's
// inf and nan.
std::string format_number(double value);
// For messages, where "between 0 and 2" reads better than "between 0.0 and 2.0".
std::string format_bound(double value);

} // namespace wtf::config::detail
