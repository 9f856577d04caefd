#include <wtf/core/periodic.hpp>
#include <wtf/log/log.hpp>
#include <wtf/summarize/summarizer.hpp>
#include <wtf/summarize/wording.hpp>

#include <boost/asio/steady_timer.hpp>
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

} // namespace

summarizer::summarizer(settings s, llm_settings llm, std::vector<parameter_info> params,
                       store::history& history, llm_client* client, core::timestamp start)
    : settings_{s},
      llm_{std::move(llm)},
      params_{std::move(params)},
      history_{history},
      client_{client},
      window_start_{start}
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
    auto const ex = co_await asio::this_coro::executor;
    core::periodic schedule{ex, settings_.interval};
    asio::steady_timer align{ex};
    while (co_await schedule.next()) {
        auto const started = std::chrono::steady_clock::now();
        // Windows end on a whole second (as the seed wrote them), and a summary is made once
        // its window has ended: wait for that second rather than claim it.
        auto const end = std::chrono::ceil<std::chrono::seconds>(core::now());
        for (auto now = core::now(); now < end; now = core::now()) {
            align.expires_after(end - now);
            auto [ec] = co_await align.async_wait(core::use_tuple);
            if (ec) co_return;
        }
        co_await summarize_now(end);
        schedule.set_period(settings_.interval);
        // A summary that overran its interval (a slow LLM) is followed by a full interval, not
        // by one at once: at most one LLM request is ever in flight, and batches keep their
        // length.
        if (std::chrono::steady_clock::now() - started >= settings_.interval) schedule.restart();
    }
}

core::reload_effect summarizer::apply(settings const& s, std::vector<parameter_info> params)
{
    settings_ = s;
    params_ = std::move(params);
    return core::reload_effect::applied;
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

    auto w = co_await word_batch(b, params_, llm_, client_);
    s.latency = w.latency;
    s.model = w.model;
    s.fallback_reason = w.fallback_reason;
    s.text = std::move(w.text);

    auto const stored_at = core::now();
    if (w.from_llm()) {
        s.source = "llm";
        status_.last_success = stored_at;
        ++status_.llm_summaries;
        // Recovered means an answer was used, not merely that a request went through.
        if (llm_failing_) log::notice("summarizer") << "LLM answers are used again";
        llm_failing_ = false;
    } else {
        s.source = "fallback";
        ++status_.fallback_summaries;
        if (client_) {
            status_.last_failure = stored_at;
            status_.last_failure_reason = s.fallback_reason;
            // Every fallback says why; the first of a run says that a run began.
            log::warning("summarizer")
                << (llm_failing_ ? "LLM answer not used again" : "LLM answer not used")
                << ", storing the deterministic summary reason=" << s.fallback_reason
                << " latency_ms=" << s.latency.count();
            llm_failing_ = true;
        }
    }
    s.created_at = stored_at;
    log::info("summarizer") << "summary stored source=" << s.source
                            << " anomalies=" << s.anomaly_count << " left_out=" << s.left_out
                            << " latency_ms=" << s.latency.count()
                            << (s.fallback_reason.empty() ? "" : " reason=") << s.fallback_reason
                            << " text=" << s.text;
    history_.add_summary(std::move(s));
}

} // namespace wtf::summarize
