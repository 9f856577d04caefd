#include "cli/detail/arguments.hpp"

#include <charconv>
#include <cmath>

namespace wtf::cli::detail {

namespace {

// Appended, not "'" + text + "'": GCC 12 -O3 reports a false -Wrestrict on that (PR 105329).
std::string quoted(std::string_view text)
{
    std::string out;
    out.reserve(text.size() + 2);
    out += '\'';
    out += text;
    out += '\'';
    return out;
}

std::optional<double> seconds_of(std::string_view text)
{
    double v = 0;
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(v) || v <= 0)
        return std::nullopt;
    return v;
}

std::optional<char> delimiter_of(std::string_view text)
{
    if (text == "tab" || text == "\\t" || text == "\t") return '\t';
    if (text == "," || text == ";" || text == "|") return text[0];
    return std::nullopt;
}

} // namespace

std::variant<analyze_options, std::string>
parse_arguments(std::span<std::string_view const> args, std::optional<std::string> influx_password)
{
    analyze_options o;
    std::optional<std::string> influx_url, database, query, influx_user, sensor_tag;
    for (std::size_t i = 0; i < args.size(); ++i) {
        auto const arg = args[i];
        std::string_view value;
        // Options that take a value read the next argument; a missing one is a usage error.
        auto take = [&]() -> bool {
            if (i + 1 >= args.size()) return false;
            value = args[++i];
            return true;
        };
        auto const needs_value = arg.size() > 2 && arg.starts_with("--") && arg != "--no-llm" &&
                                 arg != "--strict" && arg != "--help";
        if (needs_value && !take()) return std::string{arg} + ": needs a value";

        if (arg == "--help" || arg == "-h") {
            o.help = true;
        } else if (arg == "--no-llm") {
            o.no_llm = true;
        } else if (arg == "--strict") {
            o.csv.strict = true;
        } else if (arg == "--config") {
            o.config_path = std::string{value};
        } else if (arg == "--anomalies") {
            o.anomalies_path = std::string{value};
        } else if (arg == "--out") {
            o.out_dir = std::string{value};
        } else if (arg == "--dropout-gap") {
            dropout_gap_choice gap;
            if (value != "auto") {
                auto const seconds = seconds_of(value);
                if (!seconds)
                    return "--dropout-gap: expected a number of seconds > 0 or \"auto\", got " +
                           quoted(value);
                gap.automatic = false;
                gap.fixed = std::chrono::milliseconds{std::llround(*seconds * 1000.0)};
                if (gap.fixed.count() == 0) return "--dropout-gap: must be at least 0.001 s";
            }
            o.dropout_gap = gap;
        } else if (arg == "--warmup") {
            auto const n = seconds_of(value);
            if (!n || *n < 20.0 || *n > 1e7 || *n != std::floor(*n))
                return "--warmup: expected a whole number of readings from 20 to 10000000, got " +
                       quoted(value);
            o.warmup = static_cast<std::size_t>(*n);
        } else if (arg == "--baseline") {
            if (value.empty()) return std::string{"--baseline: the file name must not be empty"};
            o.baseline_path = std::string{value};
        } else if (arg == "--format") {
            auto const f = sources::csv_format_from(value);
            if (!f) return "--format: expected seed, generator, long or wide, got " + quoted(value);
            o.csv.format = *f;
        } else if (arg == "--delimiter") {
            auto const d = delimiter_of(value);
            if (!d) return "--delimiter: expected ',', ';', '|' or tab, got " + quoted(value);
            o.csv.delimiter = *d;
        } else if (arg == "--time-column") {
            o.csv.time_column = std::string{value};
        } else if (arg == "--sensor-column") {
            o.csv.sensor_column = std::string{value};
        } else if (arg == "--sensor") {
            if (value.empty()) return "--sensor: the sensor id must not be empty";
            o.csv.sensor = std::string{value};
        } else if (arg == "--map") {
            auto const eq = value.find('=');
            if (eq == std::string_view::npos || eq == 0 || eq + 1 == value.size())
                return "--map: expected COLUMN=PARAMETER, got " + quoted(value);
            o.csv.columns.rename.emplace_back(value.substr(0, eq), value.substr(eq + 1));
        } else if (arg == "--ignore") {
            o.csv.columns.ignore.emplace_back(value);
        } else if (arg == "--epoch") {
            if (value == "s")
                o.csv.epoch = sources::epoch_unit::seconds;
            else if (value == "ms")
                o.csv.epoch = sources::epoch_unit::milliseconds;
            else
                return "--epoch: expected s or ms, got " + quoted(value);
        } else if (arg == "--influx") {
            influx_url = std::string{value};
        } else if (arg == "--db") {
            database = std::string{value};
        } else if (arg == "--query") {
            query = std::string{value};
        } else if (arg == "--influx-user") {
            influx_user = std::string{value};
        } else if (arg == "--sensor-tag") {
            sensor_tag = std::string{value};
        } else if (arg.starts_with("-") && arg != "-") {
            return "unknown option " + quoted(arg);
        } else {
            o.files.emplace_back(arg);
        }
    }
    if (o.help) return o;

    bool const influx_asked = influx_url || database || query || influx_user || sensor_tag;
    if (influx_asked) {
        if (!influx_url || !database || !query)
            return std::string{"--influx, --db and --query go together: all three are needed"};
        if (!o.files.empty())
            return "files and --influx cannot be analysed together (got " + quoted(o.files[0]) +
                   ")";
        sources::influx_options influx;
        influx.url = *influx_url;
        influx.database = *database;
        influx.query = *query;
        if (influx_user) influx.username = *influx_user;
        if (influx_password) influx.password = std::move(*influx_password);
        if (sensor_tag) influx.sensor_tag = *sensor_tag;
        influx.columns = o.csv.columns;
        o.influx = std::move(influx);
    } else if (o.files.empty()) {
        return std::string{"nothing to analyse: give one or more CSV files (\"-\" for standard "
                           "input) or --influx URL --db NAME --query \"SELECT ...\""};
    }
    return o;
}

} // namespace wtf::cli::detail
