#pragma once
// Recorded readings from InfluxDB 1.x over its HTTP query API (GET /query, chunked=true,
// epoch=u), streamed chunk by chunk: memory is bounded by the chunk size, not the result.
// Each series' sensor is its `sensor_tag` tag (else its tags "k=v,k=v", else the measurement);
// a `sensor_tag` column (a query without GROUP BY) names the sensor per row. Numeric fields are
// parameters (after --map and --ignore); nulls are skipped; strings are ignored.

#include <wtf/core/time.hpp>
#include <wtf/sources/recorded.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace wtf::sources {

struct influx_options {
    std::string url = "http://127.0.0.1:8086"; // --influx (http only)
    std::string database;                      // --db
    std::string query;                         // --query "SELECT ..."
    std::string username;                      // --influx-user (or INFLUX_USERNAME)
    std::string password;                      // INFLUX_PASSWORD; never logged
    std::string sensor_tag = "sensor_id";      // --sensor-tag
    column_rules columns;
    std::size_t chunk_size = 10'000; // points per chunk InfluxDB sends
    std::chrono::milliseconds connect_timeout{5'000};
    std::chrono::milliseconds timeout{300'000}; // whole query
};

struct influx_summary {
    std::uint64_t points = 0;   // rows received
    std::uint64_t readings = 0; // readings handed to the sink
    std::uint64_t rejected = 0; // rows skipped (bad time, no numeric field)
    std::uint64_t series = 0;
    std::vector<std::string> parameters;  // in order first seen
    std::vector<std::string> sensors;     // in order first seen, at most 1000 kept
    std::optional<core::timestamp> first; // earliest and latest time of the readings
    std::optional<core::timestamp> last;
};

// Fails with a message naming the problem: the URL, the connection, an HTTP status with
// InfluxDB's "error" text, or an "error" inside a result ("influx: error parsing query: ...").
boost::asio::awaitable<std::variant<influx_summary, std::string>>
read_influx(influx_options const& options, row_sink& sink);

} // namespace wtf::sources
