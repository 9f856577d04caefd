#pragma once
// One batch put into words, as the daemon's summaries and `wtfd analyze` both need it: the LLM's
// text when it is usable and passes check_answer() against the batch, otherwise wtfd's
// deterministic summary of the same batch, with the reason.

#include <wtf/summarize/batch.hpp>
#include <wtf/summarize/grounding.hpp>
#include <wtf/summarize/llm_client.hpp>
#include <wtf/summarize/settings.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <span>
#include <string>

namespace wtf::summarize {

enum class llm_outcome {
    used,           // the LLM's text is the summary
    disabled,       // no LLM configured
    no_room,        // not asked: the prompt budget leaves no room for any anomaly
    request_failed, // no usable chat completion (connection, timeout, HTTP status, malformed)
    empty,          // the answer had no text besides reasoning
    cut,            // finish_reason "length": cut at a token limit
    unreliable,     // the server read fewer prompt tokens than were sent: it cut the prompt
    rejected,       // check_answer() found a fault (`fault`)
};

struct wording {
    std::string text;
    llm_outcome outcome = llm_outcome::disabled;
    std::optional<answer_fault> fault; // rejected: which check failed
    std::string fallback_reason;       // empty when the LLM's text is used
    std::string model;                 // of the LLM's text; empty for the fallback
    std::chrono::milliseconds latency{0};
    std::optional<chat_reply> reply; // the chat completion received, used or not
    std::optional<llm_error> error;  // why there was none
    std::string stripped;            // removed from the answer's content (reasoning blocks)
    std::size_t anomalies_sent = 0;  // the LLM was shown this many of the batch
    std::size_t prompt_tokens = 0;   // estimated tokens of the prompt sent (0: none sent)

    bool from_llm() const noexcept { return outcome == llm_outcome::used; }
};

// `client` null: the LLM is disabled. `params` must outlive the call. Never throws for LLM
// failures; they become the fallback and its reason. The prompt is cut to the token budget of
// `llm` (llm.context_tokens, or the server's own context size when "auto").
boost::asio::awaitable<wording> word_batch(batch const& b, std::span<parameter_info const> params,
                                           llm_settings const& llm, llm_client* client);

} // namespace wtf::summarize
