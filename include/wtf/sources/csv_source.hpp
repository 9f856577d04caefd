#pragma once
// Recorded readings from CSV files, streamed: memory does not grow with the file. The layout is
// detected from the header (names compared ignoring case) unless the options say otherwise:
//   seed       timestamp,sensor-value: exactly 2 columns, a time column first and no sensor
//              column; the second column's name (after --map) is the parameter
//   generator  timestamp,sensor_id,temperature,pressure,flow (the seed generator's readings):
//              a time, a sensor and exactly those three value columns, in any order
//   long       timestamp,sensor_id,parameter,value: a parameter column (parameter, field,
//              measurement or quantity) and a `value` column; the sensor column is optional
//              and other columns are ignored. Consecutive rows of one sensor and one time
//              become one reading; a parameter given twice in such a group is a problem
//   wide       anything else, e.g. SKAB's datetime;Accelerometer1RMS;...;anomaly;changepoint:
//              a time column, an optional sensor column, every other column a value column
// The time column is --time-column, else the first of timestamp, time, datetime, date, ts,
// else the first named column; the sensor column is --sensor-column, else the first of
// sensor_id, sensor, sensor-id, device, id. Seed, generator and wide read the same way: the
// name only tells the operator what was recognised.
//
// Text: "\n" or "\r\n" line ends, a UTF-8 byte order mark, a last line without "\n", blank
// lines (skipped, not rows), fields trimmed of spaces, RFC 4180 quotes within one line. The
// delimiter is --delimiter, else the most frequent of ',', ';' and tab in the header.
// Cells: an empty cell is no value for its parameter; numbers are decimal (a leading '+' is
// accepted) and finite. A row is a problem and skipped (summary.rejected) for: a field count
// other than the header's, a bad or empty time or sensor cell, a number that is not one, NUL
// bytes, a quote left open, a line longer than the buffer, and a row with no value at all
// ("no values"). In the long layout a row whose parameter is ignored is read and dropped.
// Problems name the 1-based line of the file (blank lines count) and quote the bad text.
#include <wtf/core/time.hpp>
#include <wtf/sources/recorded.hpp>
#include <wtf/sources/time_text.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace wtf::sources {

enum class csv_format { automatic, seed, generator, long_table, wide };

std::string_view to_string(csv_format f) noexcept; // "seed", "generator", "long", "wide"
std::optional<csv_format> csv_format_from(std::string_view text) noexcept;

struct csv_options {
    csv_format format = csv_format::automatic; // --format
    std::optional<char> delimiter;             // --delimiter; else the header's most frequent
    std::string time_column;   // --time-column; else timestamp/time/datetime/date/ts, or column 1
    std::string sensor_column; // --sensor-column; else sensor_id/sensor/sensor-id/device/id
    std::string sensor;        // --sensor: the id when the file has no sensor column
                               // (else the file's name without directory and extension)
    column_rules columns;      // --map, --ignore
    epoch_unit epoch = epoch_unit::automatic;        // --epoch
    bool strict = false;                             // --strict: the first bad row fails the file
    std::size_t buffer_bytes = std::size_t{1} << 20; // read buffer: the longest line accepted
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
    std::uint64_t rows = 0;               // data rows read (header and blank lines not counted)
    std::uint64_t readings = 0;           // readings handed to the sink
    std::uint64_t rejected = 0;           // rows reported as problems and skipped
    std::optional<core::timestamp> first; // earliest and latest time of the readings
    std::optional<core::timestamp> last;
};

// Why a whole file could not be read: "data.csv: cannot open: No such file or directory",
// "data.csv:1: no header: ...", "data.csv: empty file", or the first bad row with --strict.
struct csv_failure {
    std::string message;
};

// Reads `path` ("-": standard input, named "stdin" in messages and as the default sensor). The
// sink's readings point into the reader's buffers (no allocation per row once they have grown).
// Never throws for bad input; only allocation failures and the sink's own exceptions escape.
std::variant<csv_summary, csv_failure> read_csv(std::string const& path, csv_options const& options,
                                                row_sink& sink);

} // namespace wtf::sources
