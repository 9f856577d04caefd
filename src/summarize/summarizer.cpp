#include <wtf/core/periodic.hpp>
#include <wtf/log/log.hpp>
#include <wtf/summarize/summarizer.hpp>

#include <boost/asio/this_coro.hpp>

#include <algorithm>

namespace wtf::summarize {

namespace asio = boost::asio;

namespace {

// Anomalies remembered between two summaries at most; further ones are only counted (as left
// out). Bounds memory when anomalies pour in: a flapping sensor, a misconfigured band.
std::size_t pending_limit(std::size_t max_buffer) noexcept
{
    return std::max<std::size_t>(1'000, 4 * max_buffer);
}

bool more_important(core::anomaly const& a, core::anomaly const& b) noexcept
{
    if (a.severity != b.severity) return a.severity > b.severity;
    return a.detected_at > b.detected_at;
}

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

} // namespace

summarizer::summarizer(settings s, llm_settings llm, std::vector<parameter_info> params,
                       store::history& history, llm_client* client, core::timestamp start)
    : settings_{s}, llm_{std::move(llm)}, params_{std::move(params)}, history_{history},
      client_{client}, window_start_{start}
{
    status_.enabled = client_ != nullptr;
    if (client_) status_.endpoint = client_->endpoint();
}

void summarizer::note(core::anomaly_change, core::anomaly const& a)
{
    if (auto found = pending_index_.find(a.id); found != pending_index_.end()) {
        pending_[found->second] = a;
        return;
    }
    if (pending_.size() >= pending_limit(settings_.max_buffer)) {
        ++overflow_;
        return;
    }
    pending_index_.emplace(a.id, pending_.size());
    pending_.push_back(a);
}

batch summarizer::take_batch(core::timestamp now)
{
    batch b;
    b.window_start = window_start_;
    b.window_end = now;
    b.anomalies = std::move(pending_);
    b.left_out = overflow_;
    pending_.clear();
    pending_index_.clear();
    overflow_ = 0;
    window_start_ = now;

    // Over max_buffer: keep the most severe, then the newest; describe them in time order.
    if (b.anomalies.size() > settings_.max_buffer) {
        std::stable_sort(b.anomalies.begin(), b.anomalies.end(), more_important);
        b.left_out += b.anomalies.size() - settings_.max_buffer;
        b.anomalies.resize(settings_.max_buffer);
    }
    std::stable_sort(b.anomalies.begin(), b.anomalies.end(),
                     [](core::anomaly const& x, core::anomaly const& y) {
                         return x.detected_at < y.detected_at;
                     });

    // The window people read: whole seconds, as the seed wrote it, and wide enough for
    // anomalies stamped before it began (readings posted late, drifts that started earlier).
    for (auto const& a : b.anomalies) b.window_start = std::min(b.window_start, a.started_at);
    b.window_start = std::chrono::floor<std::chrono::seconds>(b.window_start);
    b.window_end = std::chrono::ceil<std::chrono::seconds>(b.window_end);
    return b;
}

asio::awaitable<void> summarizer::run()
{
    // A summary that overruns its interval delays the next one (the schedule restarts from
    // now): at most one LLM request is ever in flight.
    core::periodic schedule{co_await asio::this_coro::executor, settings_.interval};
    while (co_await schedule.next()) {
        co_await summarize_now(core::now());
        schedule.set_period(settings_.interval);
    }
}

void summarizer::apply(settings const& s, std::vector<parameter_info> params)
{
    settings_ = s;
    params_ = std::move(params);
}

asio::awaitable<void> summarizer::summarize_now(core::timestamp now)
{
    if (pending_.empty() && overflow_ == 0) {
        window_start_ = now;
        co_return;
    }
    // Named first: GCC 12 mishandles non-trivial temporaries inside a co_await expression and
    // frees them twice (the same family as PR 107288, cited in STYLE.md).
    auto b = take_batch(now);
    co_await store_summary(std::move(b));
}

asio::awaitable<void> summarizer::store_summary(batch b)
{
    store::summary s;
    s.window_start = b.window_start;
    s.window_end = b.window_end;
    s.anomaly_count = b.anomalies.size();
    s.left_out = b.left_out;

    std::optional<std::string> llm_text;
    bool request_failed = false; // no usable chat completion, as opposed to an unusable text
    if (!client_) {
        s.fallback_reason = "LLM disabled";
    } else {
        auto const p = build_prompt(b, params_, llm_.max_prompt_bytes);
        chat_request request{p.system, p.user};
        auto outcome = co_await client_->complete(std::move(request));
        if (auto* error = std::get_if<llm_error>(&outcome)) {
            s.fallback_reason = "LLM request failed: " + error->message;
            request_failed = true;
        } else {
            auto& reply = std::get<chat_reply>(outcome);
            s.latency = reply.latency;
            s.model = reply.model.empty() ? llm_.model : reply.model;
            auto text = strip_reasoning(reply.content);
            if (text.empty()) {
                s.fallback_reason = "LLM answer was empty";
            } else if (reply.finish_reason == "length") {
                s.fallback_reason = "LLM answer was cut at max_tokens";
            } else if (auto problem = check_grounding(text, sent_part(b, p.anomalies_sent),
                                                      params_)) {
                s.fallback_reason = "LLM answer not grounded: " + *problem;
                log::warning("summarizer") << "LLM answer rejected, storing the deterministic "
                                              "summary instead reason="
                                           << *problem;
            } else {
                llm_text = std::move(text);
            }
        }
    }

    auto const stored_at = core::now();
    if (llm_text) {
        s.text = std::move(*llm_text);
        s.source = "llm";
        status_.last_success = stored_at;
        ++status_.llm_summaries;
        if (llm_failing_) log::notice("summarizer") << "LLM requests succeed again";
        llm_failing_ = false;
    } else {
        s.text = deterministic_summary(b);
        s.source = "fallback";
        s.model.clear();
        ++status_.fallback_summaries;
        if (client_) {
            status_.last_failure = stored_at;
            status_.last_failure_reason = s.fallback_reason;
        }
        // A failing LLM is logged when it starts failing, not at every interval after.
        if (request_failed && !llm_failing_)
            log::warning("summarizer") << "LLM requests failing, storing deterministic "
                                          "summaries reason="
                                       << s.fallback_reason;
        if (request_failed) llm_failing_ = true;
    }
    s.created_at = stored_at;
    log::info("summarizer") << "summary stored source=" << s.source
                            << " anomalies=" << s.anomaly_count << " left_out=" << s.left_out
                            << " latency_ms=" << s.latency.count() << " text=" << s.text;
    history_.add_summary(std::move(s));
}

} // namespace wtf::summarize
