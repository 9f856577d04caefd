#include "config/detail/rules.hpp"

#include <wtf/core/number_text.hpp>

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <utility>

namespace wtf::config::detail {

namespace {

// Beyond a year a period is a typo, and the millisecond count stays far from overflowing.
constexpr double max_seconds = 365.0 * 24 * 60 * 60;

std::string const listen_usage =
    R"(must be HOST:PORT, e.g. "127.0.0.1:8000", "[::1]:8000" or "localhost:8000")";

constexpr std::array<std::pair<std::string_view, log::level>, 5> level_names{{
    {"error", log::level::error},
    {"warning", log::level::warning},
    {"notice", log::level::notice},
    {"info", log::level::info},
    {"debug", log::level::debug},
}};

std::string quoted(std::string_view text) { return '"' + std::string(text) + '"'; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool is_label(std::string_view label)
{
    auto const allowed = [](char c) { return is_alnum(c) || c == '-'; };
    return !label.empty() && label.size() <= 63 && label.front() != '-' && label.back() != '-' &&
           std::all_of(label.begin(), label.end(), allowed);
}

// RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens.
bool is_host_name(std::string_view name)
{
    if (name.empty() || name.size() > 253) return false;
    for (std::size_t start = 0;;) {
        auto const dot = name.find('.', start);
        if (!is_label(name.substr(start, dot - start))) return false;
        if (dot == std::string_view::npos) return true;
        start = dot + 1;
    }
}

bool is_address(int family, std::string_view text)
{
    std::array<unsigned char, 16> storage{};
    return inet_pton(family, std::string(text).c_str(), storage.data()) == 1;
}

// Nullopt when the host is an IPv4 address, a bracketed IPv6 address or a host name.
std::optional<std::string> check_host(std::string_view host)
{
    if (host.empty()) return "the host is empty; " + listen_usage;
    if (host.front() == '[') {
        bool const closed = host.size() >= 2 && host.back() == ']';
        if (!closed || !is_address(AF_INET6, host.substr(1, host.size() - 2)))
            return quoted(host) + " is not an IPv6 address in brackets";
        return std::nullopt;
    }
    if (host.find(':') != std::string_view::npos)
        return R"(an IPv6 address needs brackets, e.g. "[::1]:8000")";
    if (std::all_of(host.begin(), host.end(), [](char c) { return is_digit(c) || c == '.'; }))
        return is_address(AF_INET, host) ? std::nullopt
                                         : std::optional{quoted(host) + " is not an IPv4 address"};
    if (!is_host_name(host)) return quoted(host) + " is not a host name";
    return std::nullopt;
}

std::optional<std::uint16_t> parse_port(std::string_view text)
{
    if (text.empty() || !std::all_of(text.begin(), text.end(), is_digit)) return std::nullopt;
    unsigned value = 0;
    auto const parsed = std::from_chars(text.data(), text.data() + text.size(), value);
    if (parsed.ec != std::errc{} || value > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

} // namespace

std::string describe(integer_rule r)
{
    if (r.max == no_limit) return "an integer >= " + std::to_string(r.min);
    return "an integer between " + std::to_string(r.min) + " and " + std::to_string(r.max);
}

std::string describe(number_rule r)
{
    bool const has_min = r.min != number_rule{}.min;
    bool const has_max = r.max != number_rule{}.max;
    if (has_min && has_max)
        return "a number between " + format_bound(r.min) + " and " + format_bound(r.max);
    if (has_min) return "a number >= " + format_bound(r.min);
    if (has_max) return "a number <= " + format_bound(r.max);
    return "a number";
}

std::optional<std::string> check(integer_rule r, std::int64_t value)
{
    if (value < r.min || value > r.max) return "must be " + describe(r);
    return std::nullopt;
}

std::optional<std::string> check(number_rule r, double value)
{
    if (!std::isfinite(value) || value < r.min || value > r.max) return "must be " + describe(r);
    return std::nullopt;
}

std::variant<std::chrono::milliseconds, std::string> to_milliseconds(double seconds)
{
    if (std::isnan(seconds) || seconds <= 0.0) return std::string("must be > 0");
    if (seconds > max_seconds) return "must be at most " + format_bound(max_seconds) + " (a year)";
    auto const ms = std::llround(seconds * 1000.0);
    if (ms == 0) return std::string("must be at least 0.0005 (it rounds to 0 ms)");
    return std::chrono::milliseconds{ms};
}

std::variant<std::chrono::seconds, std::string> to_whole_seconds(double seconds)
{
    if (std::isnan(seconds) || seconds < 0.0 || seconds != std::floor(seconds))
        return std::string("must be a whole number of seconds >= 0");
    if (seconds > max_seconds) return "must be at most " + format_bound(max_seconds) + " (a year)";
    return std::chrono::seconds{static_cast<std::int64_t>(seconds)};
}

std::optional<std::string> any_text(std::string_view) { return std::nullopt; }

std::optional<std::string> non_empty(std::string_view text)
{
    if (text.empty()) return "must not be empty";
    return std::nullopt;
}

std::optional<std::string> http_url(std::string_view text)
{
    for (std::string_view scheme : {"http://", "https://"})
        if (text.size() > scheme.size() && text.substr(0, scheme.size()) == scheme)
            return std::nullopt;
    return "must start with http:// or https://";
}

std::variant<endpoint, std::string> parse_listen(std::string_view text)
{
    auto const colon = text.rfind(':');
    if (colon == std::string_view::npos) return quoted(text) + ' ' + listen_usage;
    auto const host = text.substr(0, colon);
    if (auto problem = check_host(host)) return *std::move(problem);
    auto const port = parse_port(text.substr(colon + 1));
    if (!port) return "the port must be a number between 0 and 65535; " + listen_usage;
    bool const bracketed = host.front() == '[';
    return endpoint{std::string(bracketed ? host.substr(1, host.size() - 2) : host), *port};
}

std::string format_listen(std::string_view host, std::uint16_t port)
{
    bool const ipv6 = host.find(':') != std::string_view::npos;
    std::string out = ipv6 ? '[' + std::string(host) + ']' : std::string(host);
    return out + ':' + std::to_string(port);
}

std::optional<log::level> level_from(std::string_view name)
{
    for (auto const& [text, level] : level_names)
        if (text == name) return level;
    return std::nullopt;
}

std::optional<store::durability> durability_from(std::string_view name)
{
    if (name == "interval") return store::durability::interval;
    if (name == "always") return store::durability::always;
    return std::nullopt;
}

std::string_view to_string(store::durability d)
{
    return d == store::durability::always ? "always" : "interval";
}

std::string_view to_string(log::level l)
{
    for (auto const& [text, level] : level_names)
        if (level == l) return text;
    return "info";
}

std::string format_number(double value)
{
    std::string out;
    core::append_number(out, value, core::number_form::toml);
    return out;
}

std::string format_bound(double value)
{
    std::string out;
    core::append_number(out, value, core::number_form::bare);
    return out;
}

} // namespace wtf::config::detail
