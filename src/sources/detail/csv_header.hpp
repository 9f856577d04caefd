#pragma once
// What each column of a CSV file is, decided once from the header line.

#include <wtf/sources/csv_source.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace wtf::sources::detail {

inline constexpr std::size_t no_column = static_cast<std::size_t>(-1);

struct csv_plan {
    csv_layout layout;
    std::vector<std::string> names; // the header's column names, as written
    std::size_t time = no_column;   // column indexes
    std::size_t sensor = no_column; // no_column: every row is layout.sensor
    // Wide layouts (seed, generator, wide): column `columns[i]` feeds layout.parameters[i].
    std::vector<std::size_t> columns;
    // The long layout: the column naming the parameter and the column with its value.
    std::size_t parameter = no_column;
    std::size_t value = no_column;
};

// True when a first line starts like data (a digit, or a sign or point before one) rather than
// like column names: "2025-05-28T00:01:23Z,...", "1716854400,22.5".
bool looks_like_data(std::string_view line) noexcept;

// Decides the layout (csv_source.hpp says how) from the header's `names`. `sensor` is the id
// of a file without a sensor column. Fails with why the header is unusable, a message meant to
// follow "path:line: ".
std::variant<csv_plan, std::string> plan_columns(std::span<std::string_view const> names,
                                                 char delimiter, csv_options const& options,
                                                 std::string_view sensor);

} // namespace wtf::sources::detail
