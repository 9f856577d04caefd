#pragma once
// `wtfd analyze`: recorded readings (CSV files or an InfluxDB query) replayed through the
// daemon's detector in the data's own time, with a report, the anomalies as JSON Lines, and the
// grounded summary the "send my CSV to an LLM" script used to save.

#include <span>
#include <string_view>

namespace wtf::cli {

// `args` follow the word "analyze". Returns the process exit code: 0 success, 1 a source could
// not be read or held nothing valid (or an output could not be written), 2 a usage error.
int analyze(std::span<std::string_view const> args);

// The help text, for `wtfd analyze --help` and `wtfd --help`.
std::string_view analyze_usage() noexcept;

} // namespace wtf::cli
