#pragma once
// What every recorded-data source (CSV files, InfluxDB) shares: the row sink its readings go to
// (the replayer of `wtfd analyze`), the rows it had to skip, and the operator's column rules
// (--map, --ignore). Live sources deliver whole batches to a sources::sink instead (sink.hpp).

#include <wtf/core/reading.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wtf::sources {

// A row (or point) a source could not use, precise enough to find it: "data.csv:17: column
// 'pressure': not a number: 'abc'".
struct row_problem {
    std::string source;   // file path, or "influx"
    std::size_t line = 0; // 1-based line of the file (0 for InfluxDB: no lines)
    std::string message;  // what is wrong, naming the column and the text
};

// "data.csv:17: column 'pressure': not a number: 'abc'"
std::string to_string(row_problem const& p);

// Receives readings in the source's order. A reading's views are valid only during the call.
class row_sink {
public:
    virtual void on_reading(core::reading const& r) = 0;
    // A skipped row; with strict reading the source stops after reporting it.
    virtual void on_problem(row_problem const& p) = 0;

protected:
    ~row_sink() = default;
};

// Which columns (or InfluxDB fields) become which parameters.
struct column_rules {
    std::vector<std::pair<std::string, std::string>> rename; // --map COLUMN=PARAMETER
    std::vector<std::string> ignore;                         // --ignore COLUMN

    // The parameter a value column feeds: its new name, its own name, or nullopt when ignored.
    // Columns named like labels ("anomaly", "changepoint", "label", "labels", "is_anomaly",
    // case-insensitive) are ignored unless mapped: they are answers, not measurements.
    std::optional<std::string> parameter_for(std::string_view column) const;
};

// True for the label column names column_rules ignores on its own.
bool is_label_column(std::string_view column) noexcept;

} // namespace wtf::sources
