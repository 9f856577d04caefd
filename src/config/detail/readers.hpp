#pragma once
// The two layers of the configuration over the embedded defaults: the file, then the environment.

#include "config/detail/table_reader.hpp"

#include <wtf/config/config.hpp>

#include <toml++/toml.h>

#include <vector>

namespace wtf::config::detail {

// Reads every known table of a parsed document over `c`; unknown keys and wrong values go to
// `diag`, and the fields they name keep their previous values.
void read_document(toml::table const& document, daemon_config& c, diagnostics& diag);

// Applies the seed system's variables and ours over `c`; a variable that is unset or empty
// changes nothing, a wrong one is appended to `errors` (source "environment", line 0).
void apply_environment(environment const& env, daemon_config& c, std::vector<error>& errors);

} // namespace wtf::config::detail
