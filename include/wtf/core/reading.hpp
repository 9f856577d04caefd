#pragma once
// A sensor reading as it flows from a source through the pipeline to the detector.

#include <wtf/core/time.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace wtf::core {

// One measured quantity of a reading: any numeric field besides timestamp and sensor_id.
struct measurement {
    std::string_view parameter; // "temperature", "pressure", or any other name
    double value = 0.0;         // finite
};

// A view, not an owner: the source keeps the strings and the measurements alive for the
// duration of the call that receives the reading, so ingest copies nothing per reading.
struct reading {
    std::string_view sensor_id;
    timestamp time;
    std::span<measurement const> values;
};

// Where a reading came from; counted per source in /status and /metrics.
enum class source { generator, http, redis, replay };

// One row per source, in enumerator order; the counters, /status, /metrics and the OpenAPI
// description derive from it, so a new source is one enumerator and one row.
struct source_kind {
    core::source source;
    std::string_view name; // "generator": the /status key and the metric label
};

inline constexpr std::array<source_kind, 4> source_kinds{{
    {source::generator, "generator"},
    {source::http, "http"},
    {source::redis, "redis"},
    {source::replay, "replay"},
}};

// The row of `s`; no default, so a new enumerator without a row does not compile (-Wswitch).
constexpr std::size_t index_of(source s) noexcept
{
    switch (s) {
    case source::generator: return 0;
    case source::http: return 1;
    case source::redis: return 2;
    case source::replay: return 3;
    }
    return source_kinds.size();
}
static_assert(
    [] {
        for (std::size_t i = 0; i < source_kinds.size(); ++i)
            if (index_of(source_kinds[i].source) != i) return false;
        return true;
    }(),
    "source_kinds must list every source once, in enumerator order");

// Counters kept per source, indexed by index_of().
using per_source = std::array<std::uint64_t, source_kinds.size()>;

constexpr std::string_view to_string(source s) noexcept { return source_kinds[index_of(s)].name; }

} // namespace wtf::core
