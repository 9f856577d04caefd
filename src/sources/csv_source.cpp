#include "sources/detail/csv_fields.hpp"
#include "sources/detail/csv_header.hpp"
#include "sources/detail/csv_lines.hpp"
#include "sources/detail/csv_number.hpp"
#include "sources/detail/csv_text.hpp"

#include <wtf/core/error.hpp>
#include <wtf/sources/csv_source.hpp>

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

namespace wtf::sources {

std::string_view to_string(csv_format f) noexcept
{
    switch (f) {
    case csv_format::automatic: return "auto";
    case csv_format::seed: return "seed";
    case csv_format::generator: return "generator";
    case csv_format::long_table: return "long";
    case csv_format::wide: return "wide";
    }
    return "wide";
}

std::optional<csv_format> csv_format_from(std::string_view text) noexcept
{
    for (auto f : {csv_format::automatic, csv_format::seed, csv_format::generator,
                   csv_format::long_table, csv_format::wide})
        if (text == to_string(f)) return f;
    return std::nullopt;
}

namespace {

using detail::csv_plan;
using detail::no_column;
using detail::quote;

// The descriptor read_csv opened; standard input is borrowed, not closed.
class input_file {
public:
    explicit input_file(std::string const& path)
        : fd_{path == "-" ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC)},
          owned_{path != "-"}
    {}
    ~input_file()
    {
        if (owned_ && fd_ >= 0) ::close(fd_);
    }
    input_file(input_file const&) = delete;
    input_file& operator=(input_file const&) = delete;

    int fd() const noexcept { return fd_; }

private:
    int fd_;
    bool owned_;
};

bool is_blank(std::span<char const> line) noexcept
{
    return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t'; });
}

std::string sensor_from_path(std::string const& path)
{
    if (path == "-") return "stdin";
    auto stem = std::filesystem::path{path}.stem().string();
    return stem.empty() ? path : stem;
}

// The data rows after the header: splits, checks and converts each, hands readings to the sink.
class csv_reader {
public:
    csv_reader(std::string source, csv_plan plan, csv_options const& options, row_sink& sink)
        : source_{std::move(source)}, plan_{std::move(plan)}, options_{options}, sink_{sink}
    {
        fields_.reserve(plan_.names.size());
        wide_values_.resize(plan_.columns.size());
        values_.reserve(8);
        parameters_.reserve(max_cached_parameters);
    }

    // Reads to the end of input; fails on a read error or, with --strict, on the first problem.
    std::optional<csv_failure> read(detail::csv_lines& lines)
    {
        std::span<char> line;
        for (;;) {
            auto const status = lines.next(line);
            if (status == detail::csv_lines::status::end) break;
            if (status == detail::csv_lines::status::error) {
                flush();
                return csv_failure{source_ + ": read error: " + std::strerror(lines.error())};
            }
            if (status == detail::csv_lines::status::too_long) {
                ++summary_.rows;
                if (auto f =
                        reject(lines.number(), "the line is longer than the read buffer (" +
                                                   std::to_string(lines.capacity()) + " bytes)"))
                    return f;
                continue;
            }
            if (is_blank(line)) continue;
            ++summary_.rows;
            if (auto problem = row(line))
                if (auto f = reject(lines.number(), std::move(*problem))) return f;
        }
        flush();
        return std::nullopt;
    }

    csv_summary summary() &&
    {
        summary_.layout = std::move(plan_.layout);
        return std::move(summary_);
    }

private:
    // Long layouts: distinct parameter cells remembered, so that a row costs no allocation
    // and no call of column_rules. Reserved once and never grown, so the views readings hold
    // into `parameter` stay valid; when full, the pending reading is sent and it starts over.
    static constexpr std::size_t max_cached_parameters = 256;
    // The most parameter names a long layout lists in csv_layout::parameters.
    static constexpr std::size_t max_listed_parameters = 1000;
    struct parameter_entry {
        std::string cell;      // as in the file
        std::string parameter; // after column_rules; empty when ignored
        bool text = true;      // false: not UTF-8, a problem
        bool listed = false;   // in csv_layout::parameters
    };

    std::string column(std::size_t index) const { return "column " + quote(plan_.names[index]); }

    std::optional<csv_failure> reject(std::size_t line, std::string message)
    {
        ++summary_.rejected;
        row_problem const problem{source_, line, std::move(message)};
        sink_.on_problem(problem);
        if (!options_.strict) return std::nullopt;
        flush();
        return csv_failure{to_string(problem)};
    }

    // One non-blank data line: nothing when it was used, else why it was skipped.
    std::optional<std::string> row(std::span<char> line)
    {
        if (std::memchr(line.data(), '\0', line.size()) != nullptr)
            return "NUL bytes in the line: binary data, not CSV text";
        if (auto const what = detail::split_fields(line, plan_.layout.delimiter, fields_);
            !what.empty())
            return "field " + std::to_string(fields_.size() + 1) + ": " + std::string{what};
        if (fields_.size() != plan_.names.size())
            return std::to_string(fields_.size()) + (fields_.size() == 1 ? " field" : " fields") +
                   ", the header has " + std::to_string(plan_.names.size());

        core::timestamp time;
        if (auto problem = read_time(fields_[plan_.time], time)) return problem;
        std::string_view sensor = plan_.layout.sensor;
        if (plan_.sensor != no_column)
            if (auto problem = read_sensor(fields_[plan_.sensor], sensor)) return problem;

        if (plan_.layout.format == csv_format::long_table) return long_row(sensor, time);

        // Written by index into storage sized once: no capacity check per value.
        std::size_t count = 0;
        for (std::size_t k = 0; k < plan_.columns.size(); ++k) {
            auto const index = plan_.columns[k];
            if (fields_[index].empty()) continue;
            double value = 0.0;
            if (auto const status = detail::parse_number(fields_[index], value);
                status != detail::number_status::ok)
                return number_problem(index, status);
            wide_values_[count++] = core::measurement{plan_.layout.parameters[k], value};
        }
        if (count == 0) return "no values";
        emit(core::reading{sensor, time, {wide_values_.data(), count}});
        return std::nullopt;
    }

    // One row of the long layout, added to the pending reading or starting the next one.
    std::optional<std::string> long_row(std::string_view sensor, core::timestamp time)
    {
        auto const cell = fields_[plan_.parameter];
        if (cell.empty()) return column(plan_.parameter) + ": no parameter name";
        auto& entry = lookup_parameter(cell);
        if (!entry.text) return column(plan_.parameter) + ": not UTF-8 text: " + quote(cell);
        if (entry.parameter.empty()) return std::nullopt; // ignored (--ignore, a label)
        if (fields_[plan_.value].empty()) return "no values";
        double value = 0.0;
        if (auto const status = detail::parse_number(fields_[plan_.value], value);
            status != detail::number_status::ok)
            return number_problem(plan_.value, status);

        if (pending_ && (time != pending_time_ || sensor != pending_sensor_)) flush();
        if (!pending_) {
            pending_ = true;
            pending_time_ = time;
            pending_sensor_.assign(sensor);
            values_.clear();
        }
        for (auto const& m : values_)
            if (m.parameter == entry.parameter)
                return "parameter " + quote(entry.parameter) + " given twice for sensor " +
                       quote(sensor) + " at " + quote(fields_[plan_.time]);
        values_.push_back({entry.parameter, value});
        if (!entry.listed) list_parameter(entry);
        return std::nullopt;
    }

    std::optional<std::string> read_time(std::string_view text, core::timestamp& out)
    {
        // Rows often share their time (several sensors per tick, the rows of one long-layout
        // reading): the last text and its time are kept.
        if (text.size() == last_time_size_ &&
            std::memcmp(text.data(), last_time_text_.data(), text.size()) == 0) {
            out = last_time_;
            return std::nullopt;
        }
        if (text.empty()) return column(plan_.time) + ": no time";
        auto const parsed = parse_time(text, options_.epoch);
        if (parsed.has_error() && parsed.error() == errc::time_out_of_range)
            return column(plan_.time) + ": time outside the supported range " +
                   std::string{core::time_range_text} + ": " + quote(text);
        if (!parsed) return column(plan_.time) + ": not a time: " + quote(text);
        out = *parsed;
        if (text.size() <= last_time_text_.size()) {
            std::memcpy(last_time_text_.data(), text.data(), text.size());
            last_time_size_ = text.size();
            last_time_ = out;
        }
        return std::nullopt;
    }

    std::optional<std::string> read_sensor(std::string_view text, std::string_view& out)
    {
        if (text.empty()) return column(plan_.sensor) + ": no sensor id";
        // Ids reach JSON, logs and Redis. Checked on every row: sensors' rows interleave, and
        // an ASCII id is checked eight bytes at a time.
        if (!detail::is_text(text))
            return column(plan_.sensor) + ": not UTF-8 text: " + quote(text);
        out = text;
        return std::nullopt;
    }

    // Why the cell of column `index` is not a number (parse_number said `status`); built only
    // for a bad cell, so a good one costs the parse alone.
    std::string number_problem(std::size_t index, detail::number_status status) const
    {
        auto const text = fields_[index];
        switch (status) {
        case detail::number_status::not_finite:
            return column(index) + ": not a finite number: " + quote(text);
        case detail::number_status::out_of_range:
            return column(index) + ": out of range: " + quote(text);
        case detail::number_status::ok: // not asked for a good cell
        case detail::number_status::not_a_number: break;
        }
        return column(index) + ": not a number: " + quote(text);
    }

    // Lists a long layout's parameter the first time a value of it is read.
    void list_parameter(parameter_entry& entry)
    {
        entry.listed = true;
        auto& listed = plan_.layout.parameters;
        if (listed.size() < max_listed_parameters &&
            std::find(listed.begin(), listed.end(), entry.parameter) == listed.end())
            listed.push_back(entry.parameter);
    }

    parameter_entry& lookup_parameter(std::string_view cell)
    {
        if (last_parameter_ < parameters_.size() && parameters_[last_parameter_].cell == cell)
            return parameters_[last_parameter_];
        for (std::size_t i = 0; i < parameters_.size(); ++i) {
            if (parameters_[i].cell == cell) {
                last_parameter_ = i;
                return parameters_[i];
            }
        }
        if (parameters_.size() == max_cached_parameters) {
            flush();
            parameters_.clear();
        }
        parameter_entry entry{std::string{cell}, {}, detail::is_text(cell), false};
        if (entry.text)
            entry.parameter = options_.columns.parameter_for(cell).value_or(std::string{});
        last_parameter_ = parameters_.size();
        parameters_.push_back(std::move(entry));
        return parameters_.back();
    }

    void flush()
    {
        if (!pending_) return;
        pending_ = false;
        emit(core::reading{pending_sensor_, pending_time_, values_});
    }

    void emit(core::reading const& r)
    {
        sink_.on_reading(r);
        ++summary_.readings;
        if (!summary_.first || r.time < *summary_.first) summary_.first = r.time;
        if (!summary_.last || r.time > *summary_.last) summary_.last = r.time;
    }

    std::string source_;
    csv_plan plan_;
    csv_options const& options_;
    row_sink& sink_;
    csv_summary summary_;

    std::vector<std::string_view> fields_;
    std::vector<core::measurement> wide_values_; // one per value column
    std::vector<core::measurement> values_;      // the pending long-layout reading
    std::array<char, 64> last_time_text_{};
    std::size_t last_time_size_ = static_cast<std::size_t>(-1);
    core::timestamp last_time_{};

    std::vector<parameter_entry> parameters_;
    std::size_t last_parameter_ = 0;
    bool pending_ = false;
    std::string pending_sensor_;
    core::timestamp pending_time_{};
};

// Reads up to the header and decides the layout; the failure names the line when there is one.
std::variant<csv_plan, csv_failure> read_header(detail::csv_lines& lines, std::string const& source,
                                                std::string_view sensor, csv_options const& options)
{
    auto const at = [&](std::string message) {
        return csv_failure{source + ":" + std::to_string(lines.number()) + ": " + message};
    };
    std::span<char> line;
    for (;;) {
        switch (lines.next(line)) {
        case detail::csv_lines::status::line:
            if (is_blank(line)) continue;
            break;
        case detail::csv_lines::status::too_long:
            return at("the header is longer than the read buffer (" +
                      std::to_string(lines.capacity()) + " bytes)");
        case detail::csv_lines::status::end:
            if (lines.number() == 0) return csv_failure{source + ": empty file"};
            return csv_failure{source + ": no header: the file has only blank lines"};
        case detail::csv_lines::status::error:
            return csv_failure{source + ": read error: " + std::strerror(lines.error())};
        }
        break;
    }

    std::string_view const text{line.data(), line.size()};
    if (!detail::is_text(text))
        return at("not CSV text: the header has NUL bytes or bytes that are not UTF-8 (a binary "
                  "file?): " +
                  quote(text));
    if (detail::looks_like_data(text))
        return at("no header: expected column names such as timestamp,sensor_id,temperature; "
                  "found " +
                  quote(text));

    auto const delimiter = options.delimiter.value_or(detail::guess_delimiter(text));
    std::vector<std::string_view> names;
    if (auto const what = detail::split_fields(line, delimiter, names); !what.empty())
        return at("header column " + std::to_string(names.size() + 1) + ": " + std::string{what});

    auto plan = detail::plan_columns(names, delimiter, options, sensor);
    if (auto* message = std::get_if<std::string>(&plan)) return at(std::move(*message));
    return std::get<csv_plan>(std::move(plan));
}

} // namespace

std::variant<csv_summary, csv_failure> read_csv(std::string const& path, csv_options const& options,
                                                row_sink& sink)
{
    auto const source = path == "-" ? std::string{"stdin"} : path;
    input_file const file{path};
    if (file.fd() < 0) return csv_failure{source + ": cannot open: " + std::strerror(errno)};

    // A floor keeps a mistaken --buffer of a few bytes from making every line "too long".
    detail::csv_lines lines{file.fd(), std::max<std::size_t>(options.buffer_bytes, 64)};
    auto const sensor = options.sensor.empty() ? sensor_from_path(path) : options.sensor;
    auto header = read_header(lines, source, sensor, options);
    if (auto* failure = std::get_if<csv_failure>(&header)) return std::move(*failure);

    csv_reader reader{source, std::get<csv_plan>(std::move(header)), options, sink};
    if (auto failure = reader.read(lines)) return std::move(*failure);
    return std::move(reader).summary();
}

} // namespace wtf::sources
