#pragma once
// Recorded readings from CSV files, streamed: memory does not grow with the file. The layout is
// detected from the header unless the options say otherwise:
//   seed       timestamp,sensor-value                      (the seed script's data.csv)
//   generator  timestamp,sensor_id,temperature,pressure,flow (the seed generator's readings)
//   long       timestamp,sensor_id,parameter,value          (one measurement per row)
//   wide       a time column, an optional sensor column, any value columns, any delimiter
//              (",", ";" or tab), e.g. SKAB's datetime;Accelerometer1RMS;...;anomaly;changepoint

#include <wtf/core/time.hpp>
#include <wtf/replay/source.hpp>
#include <wtf/replay/time_text.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace wtf::replay {

enum class csv_format { automatic, seed, generator, long_table, wide };

std::string_view to_string(csv_format f) noexcept; // "seed", "generator", "long", "wide"
std::optional<csv_format> csv_format_from(std::string_view text) noexcept;

struct csv_options {
    csv_format format = csv_format::automatic;   // --format
    std::optional<char> delimiter;               // --delimiter; else the header's most frequent
    std::string time_column;   // --time-column; else timestamp/time/datetime/date/ts, or column 1
    std::string sensor_column; // --sensor-column; else sensor_id/sensor/sensor-id/device/id
    std::string sensor;        // --sensor: the id when the file has no sensor column
                               // (else the file's name without directory and extension)
    column_rules columns;      // --map, --ignore
    epoch_unit epoch = epoch_unit::automatic;    // --epoch
    bool strict = false;       // --strict: the first bad row fails the file
};

// What the header said, for the report.
struct csv_layout {
    csv_format format = csv_format::wide;
    char delimiter = ',';
    std::string time_column;
    std::string sensor_column;           // empty: none, every row is `sensor`
    std::string sensor;                  // the fixed sensor id when there is no sensor column
    std::vector<std::string> parameters; // value columns, after --map (wide layouts)
    std::vector<std::string> ignored;    // columns ignored (--ignore, labels)
};

struct csv_summary {
    csv_layout layout;
    std::uint64_t rows = 0;     // data rows read (header and blank lines not counted)
    std::uint64_t readings = 0; // readings handed to the sink
    std::uint64_t rejected = 0; // rows reported as problems and skipped
    std::optional<core::timestamp> first; // earliest and latest time of the readings
    std::optional<core::timestamp> last;
};

// Why a whole file could not be read: "data.csv: cannot open: No such file or directory",
// "data.csv:1: no header: ...", "data.csv: empty file", or the first bad row with --strict.
struct csv_failure {
    std::string message;
};

// Reads `path` ("-": standard input). Long layouts group consecutive rows of one sensor and
// one time into one reading.
std::variant<csv_summary, csv_failure> read_csv(std::string const& path, csv_options const& options,
                                                reading_sink& sink);

} // namespace wtf::replay
