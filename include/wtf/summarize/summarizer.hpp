#pragma once
// Every summary interval: takes the anomalies opened, updated or closed since the last summary,
// asks the LLM to word them, checks that the words only state facts of the batch, and stores
// the LLM's text or, when the LLM is off, down, slow, cut short or inventive, wtfd's own
// deterministic summary of the same batch. A failure string is never a summary.

#include <wtf/core/anomaly.hpp>
#include <wtf/core/reload.hpp>
#include <wtf/store/history.hpp>
#include <wtf/summarize/llm_client.hpp>
#include <wtf/summarize/settings.hpp>
#include <wtf/summarize/status.hpp>
#include <wtf/summarize/batch.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace wtf::summarize {

class summarizer final : public core::health_reporter {
public:
    // `client` is null when the LLM is disabled; it must outlive the summarizer.
    summarizer(settings s, llm_settings llm, std::vector<parameter_info> params,
               store::history& history, llm_client* client, core::timestamp start);

    // History observer: remembers the newest state of every anomaly that changed.
    void note(core::anomaly_change change, core::anomaly const& a);

    // Summarises every interval until cancelled (terminal cancellation; returns normally).
    // Windows end on whole seconds, before the summary is made. At most one LLM request is in
    // flight; one that overruns the interval is followed by a full interval, never a pile-up.
    boost::asio::awaitable<void> run();

    // One summary of what was noted since the last one, ending the window at `now`; nothing
    // when nothing was noted. run() calls it; tests call it directly.
    boost::asio::awaitable<void> summarize_now(core::timestamp now);

    // The batch the next summary would describe, and forgets the noted anomalies.
    batch take_batch(core::timestamp now);

    // New summary settings and parameter descriptions (SIGHUP); a new interval applies from the
    // next summary on. What was noted is kept.
    core::reload_effect apply(settings const& s, std::vector<parameter_info> params);
    llm_status const& status() const noexcept { return status_; }
    core::health_record health() const override { return health_of(status_); }
    // The status changes only with a stored summary, which one of the two counts records.
    std::uint64_t health_version() const noexcept override
    {
        return status_.llm_summaries + status_.fallback_summaries;
    }
    std::size_t pending() const noexcept { return pending_.size(); }

private:
    boost::asio::awaitable<void> store_summary(batch b);

    settings settings_;
    llm_settings llm_;
    std::vector<parameter_info> params_;
    store::history& history_;
    llm_client* client_;
    core::timestamp window_start_;
    std::vector<core::anomaly> pending_; // newest state, in order first seen
    std::unordered_map<std::uint64_t, std::size_t> pending_index_;
    std::size_t overflow_ = 0; // anomalies beyond the pending limit, counted as left out
    llm_status status_;
    bool llm_failing_ = false; // the last summary fell back although the LLM is on
};

} // namespace wtf::summarize
