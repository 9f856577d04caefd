#pragma once
// The pure half of summarising: the batch a summary describes, the prompt sent to the LLM, the
// deterministic summary wtfd writes itself, and the check that an LLM's text only states facts
// of its batch. No I/O; every function is unit-tested.

#include <wtf/core/anomaly.hpp>

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wtf::summarize {

// What the prompt and the check know of a parameter: its unit and bands.
struct parameter_info {
    std::string name;
    std::string unit;
    core::band normal;
    core::band spike;
};

// The anomalies one summary describes, most severe and newest first when cut to max_buffer.
struct batch {
    core::timestamp window_start;
    core::timestamp window_end;
    std::vector<core::anomaly> anomalies; // in time order (detected_at)
    std::size_t left_out = 0;             // anomalies in the window not included
};

struct prompt {
    std::string system;
    std::string user;
    std::size_t anomalies_sent = 0; // fewer than the batch's when it was cut to fit
};

// The seed's guidance plus the batch as compact JSON and each parameter's unit and bands,
// at most `max_bytes` of user message: anomalies beyond that are cut (and said to be).
prompt build_prompt(batch const& b, std::span<parameter_info const> params, std::size_t max_bytes);

// Removes reasoning blocks (<think>...</think>, <reasoning>...</reasoning>, an unclosed
// leading <think>) and surrounding whitespace.
std::string strip_reasoning(std::string_view text);

// wtfd's own summary of the batch, in the seed's style, grouped by sensor, units per parameter,
// small counts in words: "During the period from ... to ..., sensor wtf-pipe-1 reported two
// anomalies. A temperature spike of 45.2°C was detected at ..., and ...".
std::string deterministic_summary(batch const& b);

// Every number in `text` must match (within the rounding it shows) a value, peak, duration,
// count, threshold, date/time component or window bound of the batch; every sensor id it names
// must be in the batch; every time it states must fall inside the window. Returns nullopt when
// grounded, else what did not match ("number 47.3 is not in the batch; sensor wtf-pipe-9 ...").
std::optional<std::string> check_grounding(std::string_view text, batch const& b,
                                           std::span<parameter_info const> params);

} // namespace wtf::summarize
