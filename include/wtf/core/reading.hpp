#pragma once
// A sensor reading as it flows from a source through the pipeline to the detector.

#include <wtf/core/time.hpp>

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

// Where a reading came from; counted per source in /status.
enum class source { generator, http, redis, replay };

std::string_view to_string(source s) noexcept;

} // namespace wtf::core
