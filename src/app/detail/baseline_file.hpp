#pragma once
// The detector's learned baselines in the state dir (baselines.json), so a restart does not
// make every sensor learn again: written whole (a temporary file renamed over the old one) when
// a baseline was learned, refit, loaded or forgotten; read back at start-up.

#include <wtf/detect/detector.hpp>

#include <string>
#include <vector>

namespace wtf::app::detail {

// Writes every baseline of `d` to `state_dir`/baselines.json. The problem, or empty.
std::string save_baselines(detect::detector const& d, std::string const& state_dir);

// Gives `d` the baselines saved in `state_dir` (each sensor takes its own with its first
// reading). Returns the problems met, one per line for the log: a missing file is none, a
// malformed sensor entry is skipped and named.
std::vector<std::string> load_baselines(detect::detector& d, std::string const& state_dir,
                                        detect::event_sink& out);

} // namespace wtf::app::detail
