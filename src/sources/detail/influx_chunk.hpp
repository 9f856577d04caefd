#pragma once
// The body of InfluxDB 1.x's chunked /query answer (chunked=true, epoch=u) turned into readings,
// with no I/O: JSON objects, one a line, each holding up to chunk_size points per series:
//   {"results":[{"statement_id":0,"series":[{"name":"m","tags":{"sensor_id":"s1"},
//     "columns":["time","temp"],"values":[[1700000000000000,1.5]],"partial":true}]}]}
// One line is parsed at a time, so memory is bounded by the chunk, not by the result.

#include <wtf/sources/influx_source.hpp>
#include <wtf/sources/recorded.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/stream_parser.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace wtf::sources::detail {

// Sensor ids, looked up by string_view without building a string.
struct text_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept
    {
        return std::hash<std::string_view>{}(s);
    }
};

class influx_decoder {
public:
    // `sensor_tag` names the tag (or, without GROUP BY, the column) that holds the sensor id.
    influx_decoder(std::string sensor_tag, column_rules columns);

    // Bytes of the body, in fragments of any size. The rows of every line completed by these
    // bytes go to `sink` before it returns. Returns the first failure ("influx: ..."): an
    // error object, a result's error, or a line that is not JSON; the decoder is then spent.
    std::optional<std::string> write(std::string_view bytes, row_sink& sink);

    // The end of the body: decodes a last line that had no '\n'.
    std::optional<std::string> finish(row_sink& sink);

    // One parsed line (write() calls it; tests may call it directly).
    std::optional<std::string> decode(boost::json::value const& chunk, row_sink& sink);

    // Counts so far; `first` and `last` are the earliest and latest time handed to the sink.
    influx_summary const& summary() const noexcept { return summary_; }
    influx_summary take_summary() noexcept { return std::move(summary_); }

private:
    enum class role : unsigned char { skip, time, sensor, value };

    std::optional<std::string> end_line(row_sink& sink);
    std::optional<std::string> decode_series(boost::json::object const& series, row_sink& sink);
    void prepare_columns(boost::json::array const& columns);
    std::string_view row_sensor(boost::json::array const& row);
    void problem(row_sink& sink, std::string message);
    void note_sensor(std::string_view sensor);
    void note_parameter(std::size_t column);

    std::string sensor_tag_;
    column_rules columns_;

    // One per line, made afresh: Boost.JSON 1.81's release() keeps doubling the next block
    // size, so a reused resource would ask for gigabytes after a few dozen chunks.
    std::optional<boost::json::monotonic_resource> memory_;
    boost::json::stream_parser parser_;
    bool line_has_text_ = false; // something besides whitespace since the last '\n'
    bool spent_ = false;

    // The series being decoded; the vectors are indexed by column and reused.
    std::string series_key_;    // "m,sensor_id=s1,site=a", for problems and series counting
    std::string series_sensor_; // the sensor tag, else the tags "k=v,k=v", else the name
    bool sensor_from_tag_ = false;
    bool previous_partial_ = false; // the previous series chunk said more of it follows
    std::string previous_key_;
    std::vector<role> roles_;
    std::vector<std::string> parameters_;
    std::vector<char> parameter_noted_;
    std::size_t time_column_ = 0;
    std::size_t sensor_column_ = 0;
    std::vector<core::measurement> values_;
    std::string number_text_; // a numeric sensor column's value as text

    influx_summary summary_;
    std::unordered_set<std::string, text_hash, std::equal_to<>> sensors_seen_;
};

// "Basic dXNlcjpwYXNz" for RFC 7617 authentication.
std::string basic_authorization(std::string_view username, std::string_view password);

} // namespace wtf::sources::detail
