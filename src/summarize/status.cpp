#include <wtf/summarize/status.hpp>

namespace wtf::summarize {

namespace {

std::optional<std::string> unless_empty(std::string const& text)
{
    if (text.empty()) return std::nullopt;
    return text;
}

} // namespace

core::health_record health_of(llm_status const& s)
{
    core::health_record r{.name = "llm"};
    bool const failing = s.last_failure && (!s.last_success || *s.last_success < *s.last_failure);
    r.healthy = !failing;
    if (failing) r.problem = "LLM failing: " + s.last_failure_reason;
    r.add("enabled", s.enabled);
    r.add("endpoint", unless_empty(s.endpoint));
    r.add("last_success", s.last_success);
    r.add("last_failure", s.last_failure);
    r.add("last_failure_reason", unless_empty(s.last_failure_reason));
    constexpr std::string_view summaries_help = "Summaries written, by who wrote the text.";
    r.add("llm", s.llm_summaries,
          {"wtfd_summaries_total", "counter", summaries_help, "source", "llm"}, "summaries");
    r.add("fallback", s.fallback_summaries,
          {"wtfd_summaries_total", "counter", summaries_help, "source", "fallback"}, "summaries");
    return r;
}

} // namespace wtf::summarize
