#pragma once
// One batch put into words, as the daemon's summaries and `wtfd analyze` both need it: the LLM's
// text when it is usable and grounded in the batch, otherwise wtfd's deterministic summary of
// the same batch, with the reason.

#include <wtf/summarize/llm_client.hpp>
#include <wtf/summarize/settings.hpp>
#include <wtf/summarize/text.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <span>
#include <string>

namespace wtf::summarize {

enum class llm_outcome {
    used,           // the LLM's text is the summary
    disabled,       // no LLM configured
    request_failed, // no usable chat completion (connection, timeout, HTTP status, malformed)
    empty,          // the answer had no text besides reasoning
    cut,            // finish_reason "length": cut at max_tokens
    not_grounded,   // it states something the batch does not hold
};

struct wording {
    std::string text;
    llm_outcome outcome = llm_outcome::disabled;
    std::string fallback_reason; // empty when the LLM's text is used
    std::string model;           // of the LLM's text; empty for the fallback
    std::chrono::milliseconds latency{0};
    std::optional<chat_reply> reply; // the chat completion received, used or not
    std::optional<llm_error> error;  // why there was none

    bool from_llm() const noexcept { return outcome == llm_outcome::used; }
};

// `client` null: the LLM is disabled. `params` must outlive the call. Never throws for LLM
// failures; they become the fallback and its reason.
boost::asio::awaitable<wording> word_batch(batch const& b, std::span<parameter_info const> params,
                                           llm_settings const& llm, llm_client* client);

} // namespace wtf::summarize
