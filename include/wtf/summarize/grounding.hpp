#pragma once
// What an LLM answered, cleaned and checked against the batch it was asked about. Pure;
// unit-tested.

#include <wtf/summarize/batch.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace wtf::summarize {

// Removes reasoning blocks (<think>...</think>, <reasoning>...</reasoning>, an unclosed
// leading <think>) and surrounding whitespace.
std::string strip_reasoning(std::string_view text);

// Every number in `text` must match (within the rounding it shows) a value, peak, duration,
// count, threshold, date/time component or window bound of the batch; every sensor id it names
// must be in the batch; every time it states must fall inside the window. Returns nullopt when
// grounded, else what did not match ("number 47.3 is not in the batch; sensor wtf-pipe-9 ...").
std::optional<std::string> check_grounding(std::string_view text, batch const& b,
                                           std::span<parameter_info const> params);

// Why an answer is not used as the summary.
enum class answer_fault {
    unreadable,    // control characters, too short or long, not words, repeats itself, data
    not_grounded,  // a number, sensor or time the batch does not hold (check_grounding)
    contradicted,  // says nothing happened, things were normal, an active alarm resolved, or
                   // a critical one was minor
    misattributed, // a number, kind, parameter, unit or time given to the wrong sensor
    incomplete,    // a sensor with a critical anomaly (any sensor, for a small batch) is not
                   // named with its kind of problem
};
std::string_view to_string(answer_fault f) noexcept; // "unreadable", "not grounded", ...

struct answer_problem {
    answer_fault fault;
    std::string reason; // "the critical temperature spike on wtf-pipe-1 is not mentioned"
};

// What check_answer checks, in order, for reports: "readable, grounded (numbers, sensors,
// times), not contradicted, attributed, complete".
std::string_view answer_checks() noexcept;

// The whole check of a (reasoning-stripped) answer against the batch the LLM was shown: the
// first fault found, or nullopt when the answer may be stored as the summary. Sentences and
// list items are read separately; within one, each number, time, kind and parameter belongs to
// the sensor named next to it (before it, or after it when introduced by "on", "at", "for"...).
std::optional<answer_problem> check_answer(std::string_view text, batch const& b,
                                           std::span<parameter_info const> params);

} // namespace wtf::summarize
