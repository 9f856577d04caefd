#include <wtf/summarize/wording.hpp>

#include <variant>

namespace wtf::summarize {

namespace asio = boost::asio;

namespace {

// What the LLM was shown when the prompt had to be cut: its text is checked against that.
batch sent_part(batch const& b, std::size_t sent)
{
    if (sent >= b.anomalies.size()) return b;
    batch part;
    part.window_start = b.window_start;
    part.window_end = b.window_end;
    part.anomalies.assign(b.anomalies.begin(),
                          b.anomalies.begin() + static_cast<std::ptrdiff_t>(sent));
    part.left_out = b.left_out + (b.anomalies.size() - sent);
    return part;
}

// The LLM's answer judged: its text when usable, else why not.
void judge(wording& w, chat_reply const& reply, batch const& b, std::size_t sent,
           std::span<parameter_info const> params, llm_settings const& llm)
{
    w.latency = reply.latency;
    w.model = reply.model.empty() ? llm.model : reply.model;
    auto text = strip_reasoning(reply.content);
    if (text.empty()) {
        w.outcome = llm_outcome::empty;
        w.fallback_reason = "LLM answer was empty";
    } else if (reply.finish_reason == "length") {
        w.outcome = llm_outcome::cut;
        w.fallback_reason = "LLM answer was cut at max_tokens";
    } else if (auto problem = check_grounding(text, sent_part(b, sent), params)) {
        w.outcome = llm_outcome::not_grounded;
        w.fallback_reason = "LLM answer not grounded: " + *problem;
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
        auto const p = build_prompt(b, params, llm.max_prompt_bytes);
        // Named first: GCC 12 mishandles non-trivial temporaries inside a co_await expression.
        chat_request request{p.system, p.user};
        auto outcome = co_await client->complete(std::move(request));
        if (auto* error = std::get_if<llm_error>(&outcome)) {
            w.outcome = llm_outcome::request_failed;
            w.fallback_reason = "LLM request failed: " + error->message;
            w.error = std::move(*error);
        } else {
            w.reply = std::get<chat_reply>(std::move(outcome));
            judge(w, *w.reply, b, p.anomalies_sent, params, llm);
        }
    }
    if (!w.from_llm()) {
        w.text = deterministic_summary(b);
        w.model.clear();
    }
    co_return w;
}

} // namespace wtf::summarize
