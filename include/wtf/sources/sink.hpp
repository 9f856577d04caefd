#pragma once
// Where every live source delivers its readings: the generator, POST /readings, the Redis
// subscriber, and the next one (MQTT, Modbus). A source parses or produces a batch and hands it
// to the sink; the sink checks it, takes it whole or refuses it whole, and counts. The daemon's
// ingest::pipeline is the sink; tests may put their own in its place.
//
// Recorded data (CSV files, InfluxDB) is delivered row by row to a row_sink instead
// (sources/recorded.hpp): a bad row there is skipped and reported while the rest of the file
// goes on, where a live batch is refused whole so its sender can correct and resend it.

#include <wtf/core/error.hpp>
#include <wtf/core/reading.hpp>
#include <wtf/core/time.hpp>
#include <wtf/sources/parse.hpp>

#include <cstddef>
#include <span>
#include <variant>

namespace wtf::sources {

struct ingest_result {
    std::size_t accepted = 0;
    std::size_t stale = 0;          // duplicates and out-of-order readings, ignored
    std::size_t ignored_fields = 0; // fields that were not numbers, ignored
};

class sink {
public:
    // Checks the whole batch first and applies nothing when one reading fails; the problem
    // names the item. `now` is the wall clock. Returns the counts on success.
    virtual std::variant<ingest_result, problem> ingest(std::span<core::reading const> readings,
                                                        core::source from, core::timestamp now) = 0;
    // A parsed batch: its readings, and the fields the parser ignored counted.
    virtual std::variant<ingest_result, problem> ingest(batch const& parsed, core::source from,
                                                        core::timestamp now) = 0;

    // What the parser needs of the live configuration (the configured parameters, whose values
    // must be numbers), set in the caller's `rules`.
    virtual parse_limits parse_rules(parse_limits rules) const noexcept = 0;

    // Counts a batch the parser refused before it reached the sink.
    virtual void count_rejected_batch(errc parser_code) noexcept = 0;

protected:
    ~sink() = default;
};

} // namespace wtf::sources
