#pragma once
// The summary wtfd writes itself: stored when the LLM is off, down, slow or its answer fails the
// checks. Pure; unit-tested.

#include <wtf/summarize/batch.hpp>

#include <string>

namespace wtf::summarize {

// wtfd's own summary of the batch, in the seed's style, grouped by sensor, units per parameter,
// small counts in words: "During the period from ... to ..., sensor wtf-pipe-1 reported two
// anomalies. A temperature spike of 45.2°C was detected at ..., and ...".
std::string deterministic_summary(batch const& b);

} // namespace wtf::summarize
