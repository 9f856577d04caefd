#pragma once
// The request that asks an LLM to word a batch, cut to fit the server's context. Pure;
// unit-tested.

#include <wtf/summarize/batch.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wtf::summarize {

struct prompt {
    std::string system;
    std::string user;
    std::vector<std::size_t> sent;  // indices into the batch's anomalies, in time order
    std::size_t anomalies_sent = 0; // sent.size(): fewer than the batch's when it was cut to fit
    std::size_t tokens = 0;         // estimate_tokens() of system and user together
};

struct prompt_budget {
    std::size_t max_tokens = 0;     // estimated tokens of both messages; 0: no limit
    std::size_t max_bytes = 16'384; // bytes of the user message
};

// The seed's guidance plus the batch, one line per anomaly with its sensor, kind, severity,
// values and times, and each parameter's unit and bands. When the batch does not fit the budget
// the most severe (then newest) anomalies are kept and the others counted as left out; the
// instructions are never cut.
prompt build_prompt(batch const& b, std::span<parameter_info const> params, prompt_budget budget);
prompt build_prompt(batch const& b, std::span<parameter_info const> params, std::size_t max_bytes);

// The part of the batch a prompt showed: its anomalies, the rest counted as left out.
batch shown_part(batch const& b, prompt const& p);

// Tokens a text takes at most, for common tokenizers (Llama 2 and 3, Qwen 3, Gemma 3, GPT-4o):
// every digit, ASCII punctuation character and byte beyond ASCII one token, letters and spaces
// 3.5 to a token. On wtfd's prompts it was 1.00 to 1.40 times the real count (docs/decisions.md),
// so a server that reports fewer than estimate / max_overestimate read less than was sent.
std::size_t estimate_tokens(std::string_view text);
inline constexpr double max_overestimate = 1.5;

// What a chat template adds to the two messages, in tokens at most.
inline constexpr std::size_t template_tokens = 32;

} // namespace wtf::summarize
