#include <wtf/store/journal_status.hpp>

namespace wtf::store {

core::health_record health_of(journal_status const& s)
{
    core::health_record r{.name = "journal"};
    r.add("enabled", s.enabled);
    if (!s.enabled) return r;
    r.healthy = s.healthy;
    if (!s.healthy) r.problem = s.message;
    r.add("healthy", s.healthy,
          {"wtfd_journal_healthy", "gauge", "1 while the journal file can be written."});
    r.add("message", s.message);
    r.add("path", s.path);
    r.add(
        "events_written", s.events_written,
        {"wtfd_journal_events_written_total", "counter", "Journal lines accepted by the kernel."});
    r.add("events_lost", s.events_lost,
          {"wtfd_journal_events_lost_total", "counter",
           "Journal lines dropped because the retry buffer was full."});
    r.add("pending_bytes", static_cast<std::uint64_t>(s.pending_bytes));
    r.add("last_sync", s.last_sync);
    r.add("compactions", s.compactions);
    return r;
}

} // namespace wtf::store
