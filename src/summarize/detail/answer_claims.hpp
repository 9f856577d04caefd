#pragma once
// What an answer claims of each sensor, judged against the batch: attribution (each number,
// time, kind and parameter belongs to the sensor it is written next to), contradictions
// (nothing happened, all normal, resolved while active, a critical alarm called minor) and
// completeness (critical alarms, or every anomaly of a small batch, named with their kind).

#include "batch_facts.hpp"

#include <wtf/summarize/grounding.hpp>

#include <optional>
#include <span>
#include <string_view>

namespace wtf::summarize::detail {

// For an answer that is readable and grounded; the first problem found, in the order
// contradicted, misattributed, incomplete.
std::optional<answer_problem> judge_claims(std::string_view text, batch const& b,
                                           std::span<parameter_info const> params,
                                           batch_facts const& f);

// A batch this small must have every anomaly named with its kind, not only the critical ones.
constexpr std::size_t small_batch = 6;

} // namespace wtf::summarize::detail
