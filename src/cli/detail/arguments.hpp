#pragma once
// `wtfd analyze` arguments, parsed without touching a file: every mistake is a usage error that
// names the argument.

#include <wtf/sources/csv_source.hpp>
#include <wtf/sources/influx_source.hpp>

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace wtf::cli::detail {

// --dropout-gap: a number of seconds, or "auto".
struct dropout_gap_choice {
    bool automatic = true;
    std::chrono::milliseconds fixed{0};
};

struct analyze_options {
    std::vector<std::string> files;
    std::optional<std::string> config_path;
    std::optional<std::string> anomalies_path; // "-": standard output
    std::optional<std::string> out_dir;
    bool no_llm = false;
    std::optional<dropout_gap_choice> dropout_gap;
    std::optional<std::size_t> warmup;        // --warmup: readings of the multivariate warm-up
    std::optional<std::string> baseline_path; // --baseline: a normal-operation file to learn from
    sources::csv_options csv;
    std::optional<sources::influx_options> influx; // --influx given
    bool help = false;
};

// The options, or the usage error to print ("--map: expected COLUMN=PARAMETER, got 'x'").
// The InfluxDB password comes from `influx_password` (INFLUX_PASSWORD), never from argv.
std::variant<analyze_options, std::string>
parse_arguments(std::span<std::string_view const> args, std::optional<std::string> influx_password);

} // namespace wtf::cli::detail
