#pragma once
// The daemon's command line: wtfd [--config FILE] [--listen HOST:PORT] [--check-config]
// [--relearn].

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace wtf::app {

struct options {
    std::optional<std::string> config_path;
    std::optional<std::string> listen;
    bool check_config = false;
    bool relearn = false; // --relearn: forget the saved baselines, every sensor learns again
};

// Exit codes: 0 success, 1 configuration or start-up failure, 2 usage error.
inline constexpr int exit_config = 1;
inline constexpr int exit_usage = 2;

// The options, or the exit status when there is nothing to run: --help and --version print
// and give 0, a bad argument is named with the usage on stderr and gives exit_usage.
std::variant<options, int> parse_arguments(std::span<std::string_view const> args);

} // namespace wtf::app
