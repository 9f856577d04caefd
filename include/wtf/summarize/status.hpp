#pragma once
// What /status shows of the LLM; kept apart so the API needs nothing else of the summarizer.

#include <wtf/core/health.hpp>
#include <wtf/core/time.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace wtf::summarize {

struct llm_status {
    bool enabled = false;
    std::string endpoint; // no key, no password
    std::optional<core::timestamp> last_success;
    std::optional<core::timestamp> last_failure;
    std::string last_failure_reason;
    std::uint64_t llm_summaries = 0;
    std::uint64_t fallback_summaries = 0;
};

// The "llm" block of /status and the summaries' metrics. The LLM counts as unhealthy while its
// last request failed.
core::health_record health_of(llm_status const& s);

} // namespace wtf::summarize
