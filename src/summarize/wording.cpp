#include <wtf/summarize/deterministic.hpp>
#include <wtf/summarize/grounding.hpp>
#include <wtf/summarize/prompt.hpp>
#include <wtf/summarize/wording.hpp>

#include <algorithm>
#include <variant>

namespace wtf::summarize {

namespace asio = boost::asio;

namespace {

// The server's answer needs room too: the prompt gets what the context leaves after
// max_tokens and the chat template, but never less than half the context.
std::size_t prompt_tokens_for(std::size_t context, llm_settings const& llm)
{
    if (llm.max_prompt_tokens != 0) return llm.max_prompt_tokens;
    auto const answer = llm.max_tokens + template_tokens;
    return context > answer ? std::max(context - answer, context / 2) : context / 2;
}

// What reasoning removal took out of the content, for the record.
std::string removed_part(std::string_view content, std::string_view kept)
{
    auto const at = kept.empty() ? std::string_view::npos : content.find(kept);
    std::string out =
        at == std::string_view::npos
            ? std::string{content}
            : std::string{content.substr(0, at)} + std::string{content.substr(at + kept.size())};
    auto const first = out.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    auto const last = out.find_last_not_of(" \t\r\n");
    return out.substr(first, last - first + 1);
}

// "cut at llm.max_tokens = 512", or the server's own limit (llama.cpp's -n, or its context
// filling up) when it stopped before ours.
std::string cut_reason(chat_reply const& reply, llm_settings const& llm)
{
    auto const ours = "llm.max_tokens = " + std::to_string(llm.max_tokens);
    if (!reply.completion_tokens)
        return "LLM answer was cut at a token limit (" + ours +
               ", or the server's own; it did not say how many it wrote)";
    if (*reply.completion_tokens >= llm.max_tokens) return "LLM answer was cut at " + ours;
    return "LLM answer was cut by the server's own limit after " +
           std::to_string(*reply.completion_tokens) + " tokens (its -n or context size; " + ours +
           ")";
}

// The LLM's answer judged: its text when usable, else why not.
void judge(wording& w, chat_reply const& reply, batch const& shown, prompt const& p,
           std::span<parameter_info const> params, llm_settings const& llm)
{
    w.latency = reply.latency;
    w.model = reply.model.empty() ? llm.model : reply.model;
    auto text = strip_reasoning(reply.content);
    w.stripped = removed_part(reply.content, text);
    // The server counts the tokens it read; a count well below what was sent means it cut the
    // prompt to fit its context (llama.cpp drops the start: the instructions).
    auto const fewest = static_cast<std::size_t>(static_cast<double>(p.tokens) / max_overestimate);
    if (reply.prompt_tokens && *reply.prompt_tokens < fewest) {
        w.outcome = llm_outcome::unreliable;
        w.fallback_reason = "LLM answer unreliable: the server read " +
                            std::to_string(*reply.prompt_tokens) + " prompt tokens of about " +
                            std::to_string(p.tokens) +
                            " sent, so it cut the prompt (its context is smaller than "
                            "llm.context_tokens says)";
    } else if (text.empty()) {
        w.outcome = llm_outcome::empty;
        w.fallback_reason = "LLM answer was empty";
    } else if (reply.finish_reason == "length") {
        w.outcome = llm_outcome::cut;
        w.fallback_reason = cut_reason(reply, llm);
    } else if (auto problem = check_answer(text, shown, params)) {
        w.outcome = llm_outcome::rejected;
        w.fault = problem->fault;
        w.fallback_reason =
            "LLM answer " + std::string{to_string(problem->fault)} + ": " + problem->reason;
    } else {
        w.outcome = llm_outcome::used;
        w.text = std::move(text);
    }
}

} // namespace

asio::awaitable<wording> word_batch(batch const& b, std::span<parameter_info const> params,
                                    llm_settings const& llm, llm_client* client)
{
    wording w;
    if (!client) {
        w.outcome = llm_outcome::disabled;
        w.fallback_reason = "LLM disabled";
    } else {
        auto context = llm.context_tokens;
        if (context == 0) {
            auto const told = co_await client->context_size();
            context = told.value_or(default_context_tokens);
        }
        auto const p = build_prompt(
            b, params, prompt_budget{prompt_tokens_for(context, llm), llm.max_prompt_bytes});
        w.anomalies_sent = p.anomalies_sent;
        w.prompt_tokens = p.tokens;
        if (p.anomalies_sent == 0 && !b.anomalies.empty()) {
            // An LLM shown no anomaly can only invent some.
            w.outcome = llm_outcome::no_room;
            w.fallback_reason =
                "LLM not asked: a prompt of " + std::to_string(prompt_tokens_for(context, llm)) +
                " tokens has no room for any anomaly (llm.context_tokens " +
                std::to_string(context) + ", max_tokens " + std::to_string(llm.max_tokens) + ")";
        } else {
            // Named first: GCC 12 mishandles non-trivial temporaries inside a co_await
            // expression.
            chat_request request{p.system, p.user};
            auto outcome = co_await client->complete(std::move(request));
            if (auto* error = std::get_if<llm_error>(&outcome)) {
                w.outcome = llm_outcome::request_failed;
                w.fallback_reason = "LLM request failed: " + error->message;
                w.latency = error->latency;
                w.error = std::move(*error);
            } else {
                w.reply = std::get<chat_reply>(std::move(outcome));
                judge(w, *w.reply, shown_part(b, p), p, params, llm);
            }
        }
    }
    if (!w.from_llm()) {
        w.text = deterministic_summary(b);
        w.model.clear();
    }
    co_return w;
}

} // namespace wtf::summarize
