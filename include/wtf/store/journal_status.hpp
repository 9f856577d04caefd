#pragma once
// What /status shows of the journal (store/journal.hpp), apart so the API need not see the rest.

#include <wtf/core/health.hpp>
#include <wtf/core/time.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace wtf::store {

struct journal_status {
    bool enabled = false;                     // storage.journal
    bool healthy = true;                      // false while the file cannot be opened or written
    std::string path;                         // <state_dir>/journal.jsonl
    std::string message;                      // "Journal writing" | "Journal error: <strerror>"
    std::uint64_t events_written = 0;         // lines accepted by the kernel
    std::uint64_t events_lost = 0;            // lines dropped because the retry buffer was full
    std::size_t pending_bytes = 0;            // bytes held for retry while the disk refuses them
    std::optional<core::timestamp> last_sync; // last successful fdatasync
    std::uint64_t compactions = 0;            // rewrites since start() (not counting its own)
};

// The journal's /status block, metrics and STATUS= problem; {"enabled": false} when it is off.
core::health_record health_of(journal_status const& s);

} // namespace wtf::store
