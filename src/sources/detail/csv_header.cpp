#include "sources/detail/csv_header.hpp"

#include "sources/detail/csv_text.hpp"

#include <algorithm>
#include <array>

namespace wtf::sources::detail {

namespace {

constexpr std::array<std::string_view, 5> time_names{"timestamp", "time", "datetime", "date", "ts"};
constexpr std::array<std::string_view, 5> sensor_names{"sensor_id", "sensor", "sensor-id", "device",
                                                       "id"};
constexpr std::array<std::string_view, 4> parameter_names{"parameter", "field", "measurement",
                                                          "quantity"};
constexpr std::array<std::string_view, 3> generator_values{"temperature", "pressure", "flow"};

std::size_t find(std::span<std::string_view const> names, std::string_view name) noexcept
{
    for (std::size_t i = 0; i < names.size(); ++i)
        if (equal_ignoring_case(names[i], name)) return i;
    return no_column;
}

// The column of the first of `candidates` the header has, in the candidates' order.
template <std::size_t N>
std::size_t find_any(std::span<std::string_view const> names,
                     std::array<std::string_view, N> const& candidates) noexcept
{
    for (auto const candidate : candidates)
        if (auto const i = find(names, candidate); i != no_column) return i;
    return no_column;
}

// How a column is named in lists: its quoted name, or its position when it has none.
std::string column_label(std::span<std::string_view const> names, std::size_t i)
{
    if (names[i].empty()) return "(column " + std::to_string(i + 1) + ")";
    return std::string{names[i]};
}

std::string quoted_list(std::span<std::string const> items)
{
    std::string out;
    for (auto const& item : items) {
        if (!out.empty()) out += ", ";
        out += quote(item);
    }
    return out;
}

std::string quoted_list(std::span<std::string_view const> names)
{
    std::vector<std::string> items;
    for (std::size_t i = 0; i < names.size(); ++i) items.push_back(column_label(names, i));
    return quoted_list(items);
}

// timestamp,sensor_id and exactly temperature, pressure and flow, in any order.
bool has_generator_columns(std::span<std::string_view const> names, std::size_t time,
                           std::size_t sensor) noexcept
{
    if (names.size() != 2 + generator_values.size()) return false;
    for (auto const value : generator_values) {
        auto const i = find(names, value);
        if (i == no_column || i == time || i == sensor) return false;
    }
    return true;
}

} // namespace

bool looks_like_data(std::string_view line) noexcept
{
    auto const digit = [](char c) { return c >= '0' && c <= '9'; };
    auto const start = line.find_first_not_of(" \t\"");
    if (start == std::string_view::npos) return false;
    if (digit(line[start])) return true;
    return (line[start] == '-' || line[start] == '+' || line[start] == '.') &&
           start + 1 < line.size() && digit(line[start + 1]);
}

std::variant<csv_plan, std::string> plan_columns(std::span<std::string_view const> names,
                                                 char delimiter, csv_options const& options,
                                                 std::string_view sensor)
{
    if (names.size() < 2)
        return "the header has one column, " + quote(names.empty() ? "" : names[0]) +
               "; expected a time column and value columns separated by ',', ';' or tab";

    csv_plan plan;
    plan.names.assign(names.begin(), names.end());
    plan.layout.delimiter = delimiter;

    if (!options.time_column.empty()) {
        plan.time = find(names, options.time_column);
        if (plan.time == no_column)
            return "no column " + quote(options.time_column) +
                   " (--time-column); the columns are " + quoted_list(names);
    } else {
        plan.time = find_any(names, time_names);
    }
    bool const time_named = plan.time != no_column;

    if (!options.sensor_column.empty()) {
        plan.sensor = find(names, options.sensor_column);
        if (plan.sensor == no_column)
            return "no column " + quote(options.sensor_column) +
                   " (--sensor-column); the columns are " + quoted_list(names);
        if (plan.sensor == plan.time)
            return "column " + quote(names[plan.sensor]) + " cannot be both time and sensor";
    } else {
        plan.sensor = find_any(names, sensor_names);
        if (plan.sensor == plan.time) plan.sensor = no_column;
    }
    plan.parameter = find_any(names, parameter_names);
    plan.value = find(names, "value");

    auto format = options.format;
    if (format == csv_format::automatic) {
        if (names.size() == 2 && plan.time == 0 && plan.sensor == no_column)
            format = csv_format::seed;
        else if (plan.parameter != no_column && plan.value != no_column)
            format = csv_format::long_table;
        else if (time_named && plan.sensor != no_column &&
                 has_generator_columns(names, plan.time, plan.sensor))
            format = csv_format::generator;
        else
            format = csv_format::wide;
    }
    plan.layout.format = format;

    if (plan.time == no_column) {
        // No column is named like a time: the first named one that is not the sensor's (a
        // nameless first column is usually a row index written by pandas).
        for (std::size_t i = 0; i < names.size() && plan.time == no_column; ++i)
            if (!names[i].empty() && i != plan.sensor) plan.time = i;
        if (plan.time == no_column) return "no column can be the time: the columns have no names";
    }

    switch (format) {
    case csv_format::seed:
        if (names.size() != 2)
            return "the seed format has 2 columns (time, value); the header has " +
                   std::to_string(names.size());
        plan.sensor = no_column;
        break;
    case csv_format::generator:
        if (plan.sensor == no_column)
            return "the generator format needs a sensor column (sensor_id, sensor, sensor-id, "
                   "device or id, or --sensor-column); the columns are " +
                   quoted_list(names);
        break;
    case csv_format::long_table:
        if (plan.parameter == no_column || plan.value == no_column)
            return "the long format needs a parameter column (parameter, field, measurement or "
                   "quantity) and a value column; the columns are " +
                   quoted_list(names);
        if (plan.parameter == plan.time || plan.value == plan.time ||
            plan.parameter == plan.sensor || plan.value == plan.sensor)
            return "the long format needs distinct time, sensor, parameter and value columns";
        break;
    case csv_format::wide:
    case csv_format::automatic: break;
    }

    auto& layout = plan.layout;
    layout.time_column = names[plan.time];
    if (plan.sensor != no_column) {
        layout.sensor_column = names[plan.sensor];
    } else {
        layout.sensor = sensor;
    }

    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i == plan.time || i == plan.sensor) continue;
        if (format == csv_format::long_table) {
            if (i != plan.parameter && i != plan.value)
                layout.ignored.push_back(column_label(names, i));
            continue;
        }
        auto parameter = names[i].empty() ? std::nullopt : options.columns.parameter_for(names[i]);
        if (!parameter || parameter->empty()) {
            layout.ignored.push_back(column_label(names, i));
            continue;
        }
        for (std::size_t k = 0; k < layout.parameters.size(); ++k)
            if (layout.parameters[k] == *parameter)
                return "columns " + quote(names[plan.columns[k]]) + " and " + quote(names[i]) +
                       " both feed parameter " + quote(*parameter);
        layout.parameters.push_back(std::move(*parameter));
        plan.columns.push_back(i);
    }

    if (format != csv_format::long_table && layout.parameters.empty()) {
        if (layout.ignored.empty())
            return "no value columns: the columns are " + quoted_list(names);
        return "no value columns: the columns besides time and sensor are ignored (" +
               quoted_list(layout.ignored) + ")";
    }
    return plan;
}

} // namespace wtf::sources::detail
