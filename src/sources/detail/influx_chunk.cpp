#include "sources/detail/influx_chunk.hpp"

#include <wtf/core/error.hpp>
#include <wtf/core/time.hpp>
#include <wtf/core/utf8.hpp>

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <limits>
#include <utility>

namespace wtf::sources::detail {

namespace json = boost::json;

namespace {

constexpr std::size_t max_sensors_kept = 1000;
constexpr std::size_t max_error_text = 300;
constexpr std::size_t max_value_text = 60;

// Server text in our messages: one line, bounded.
std::string failure(std::string_view text)
{
    return "influx: " + core::excerpt(text, max_error_text);
}

std::string value_text(json::value const& v)
{
    return core::excerpt(json::serialize(v), max_value_text);
}

// A JSON number as a double; nullopt for null, strings, booleans and the rest.
std::optional<double> number_of(json::value const& v) noexcept
{
    switch (v.kind()) {
    case json::kind::double_: return v.get_double();
    case json::kind::int64: return static_cast<double>(v.get_int64());
    case json::kind::uint64: return static_cast<double>(v.get_uint64());
    default: return std::nullopt;
    }
}

// epoch=u gives integer microseconds; RFC 3339 text is accepted too, should a proxy drop epoch.
// Fails with errc::bad_timestamp, or errc::time_out_of_range outside core::time_range_text.
boost::system::result<core::timestamp> time_of(json::value const& v) noexcept
{
    using us = std::chrono::microseconds;
    auto const in_range = [](core::timestamp t) -> boost::system::result<core::timestamp> {
        if (!core::in_time_range(t)) return make_error_code(errc::time_out_of_range);
        return t;
    };
    switch (v.kind()) {
    case json::kind::int64: return in_range(core::timestamp{us{v.get_int64()}});
    case json::kind::uint64:
        if (v.get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            return make_error_code(errc::time_out_of_range);
        return in_range(core::timestamp{us{static_cast<std::int64_t>(v.get_uint64())}});
    case json::kind::string: return core::parse_rfc3339(v.get_string());
    default: return make_error_code(errc::bad_timestamp);
    }
}

// The "error" text of an object, if it has one.
json::string const* error_of(json::object const& o) noexcept
{
    auto const* e = o.if_contains("error");
    return e ? e->if_string() : nullptr;
}

} // namespace

influx_decoder::influx_decoder(std::string sensor_tag, column_rules columns)
    : sensor_tag_{std::move(sensor_tag)}, columns_{std::move(columns)}
{
    parser_.reset(&memory_.emplace());
}

std::optional<std::string> influx_decoder::write(std::string_view bytes, row_sink& sink)
{
    if (spent_) return failure("response after an error");
    while (!bytes.empty()) {
        auto const newline = bytes.find('\n');
        auto const part = bytes.substr(0, newline);
        if (!line_has_text_)
            line_has_text_ = part.find_first_not_of(" \t\r") != std::string_view::npos;
        if (!part.empty()) {
            json::error_code ec;
            parser_.write(part.data(), part.size(), ec);
            if (ec) {
                spent_ = true;
                return failure("response is not JSON: " + ec.message());
            }
        }
        if (newline == std::string_view::npos) break;
        if (auto e = end_line(sink)) return e;
        bytes.remove_prefix(newline + 1);
    }
    return std::nullopt;
}

std::optional<std::string> influx_decoder::finish(row_sink& sink)
{
    if (spent_) return failure("response after an error");
    return end_line(sink);
}

std::optional<std::string> influx_decoder::end_line(row_sink& sink)
{
    if (!line_has_text_) {
        // Only whitespace: nothing to parse, but the parser may have seen some of it.
        parser_.reset(&*memory_);
        return std::nullopt;
    }
    line_has_text_ = false;
    json::error_code ec;
    parser_.finish(ec);
    if (ec) {
        spent_ = true;
        return failure("response is not JSON: " + ec.message());
    }
    std::optional<std::string> result;
    {
        auto const chunk = parser_.release();
        result = decode(chunk, sink);
    }
    // The chunk's values are gone: so is their memory. The parser lets go of it first.
    parser_.reset();
    parser_.reset(&memory_.emplace());
    if (result) spent_ = true;
    return result;
}

std::optional<std::string> influx_decoder::decode(json::value const& chunk, row_sink& sink)
{
    auto const* root = chunk.if_object();
    if (!root) return failure("unexpected response: not a JSON object");
    if (auto const* e = error_of(*root)) return failure(*e);
    auto const* results_value = root->if_contains("results");
    auto const* results = results_value ? results_value->if_array() : nullptr;
    if (!results) return failure("unexpected response: no \"results\"");
    for (auto const& r : *results) {
        auto const* result = r.if_object();
        if (!result) return failure("unexpected response: a result is not an object");
        if (auto const* e = error_of(*result)) return failure(*e);
        auto const* series_value = result->if_contains("series");
        if (!series_value) continue; // a statement with no points
        auto const* series = series_value->if_array();
        if (!series) return failure("unexpected response: \"series\" is not an array");
        for (auto const& s : *series) {
            auto const* one = s.if_object();
            if (!one) return failure("unexpected response: a series is not an object");
            if (auto e = decode_series(*one, sink)) return e;
        }
    }
    return std::nullopt;
}

std::optional<std::string> influx_decoder::decode_series(json::object const& series, row_sink& sink)
{
    std::string_view name;
    if (auto const* n = series.if_contains("name"); n && n->is_string()) name = n->get_string();
    json::object const* tags = nullptr;
    if (auto const* t = series.if_contains("tags")) tags = t->if_object();

    // The series key names the series in problems and tells a continued series from a new one.
    series_key_.assign(name);
    series_sensor_.clear();
    sensor_from_tag_ = false;
    if (tags) {
        for (auto const& [key, value] : *tags) {
            auto const text =
                value.is_string() ? std::string_view{value.get_string()} : std::string_view{};
            series_key_ += ',';
            series_key_.append(key.data(), key.size());
            series_key_ += '=';
            series_key_.append(text);
            if (sensor_from_tag_ || text.empty()) continue; // GROUP BY gives "" where unset
            if (!sensor_tag_.empty() && key == sensor_tag_) {
                series_sensor_.assign(text);
                sensor_from_tag_ = true;
                continue;
            }
            if (!series_sensor_.empty()) series_sensor_ += ',';
            series_sensor_.append(key.data(), key.size());
            series_sensor_ += '=';
            series_sensor_.append(text);
        }
    }
    if (series_sensor_.empty()) series_sensor_.assign(name);

    if (!(previous_partial_ && previous_key_ == series_key_)) ++summary_.series;
    auto const* partial = series.if_contains("partial");
    previous_partial_ = partial && partial->is_bool() && partial->get_bool();
    previous_key_.assign(series_key_);

    auto const* columns_value = series.if_contains("columns");
    auto const* columns = columns_value ? columns_value->if_array() : nullptr;
    if (!columns) return failure("unexpected response: series " + series_key_ + " has no columns");
    prepare_columns(*columns);

    auto const* values_value = series.if_contains("values");
    if (!values_value) return std::nullopt;
    auto const* rows = values_value->if_array();
    if (!rows) return failure("unexpected response: series " + series_key_ + " has no values");

    static json::value const null_value;
    for (auto const& r : *rows) {
        ++summary_.points;
        auto const* row = r.if_array();
        if (!row) {
            problem(sink, "series " + series_key_ + ": a row is not an array: " + value_text(r));
            continue;
        }
        auto const& time_value = time_column_ < row->size() ? (*row)[time_column_] : null_value;
        auto const time = time_of(time_value);
        if (time.has_error() && time.error() == errc::time_out_of_range) {
            problem(sink, "series " + series_key_ + ": time " + value_text(time_value) +
                              " is outside the supported range " +
                              std::string{core::time_range_text});
            continue;
        }
        if (!time) {
            problem(sink, "series " + series_key_ + ": bad time: " + value_text(time_value));
            continue;
        }
        values_.clear();
        auto const n = std::min(row->size(), roles_.size());
        for (std::size_t i = 0; i < n; ++i) {
            if (roles_[i] != role::value) continue;
            if (auto const v = number_of((*row)[i])) {
                values_.push_back({parameters_[i], *v});
                if (!parameter_noted_[i]) note_parameter(i);
            }
        }
        if (values_.empty()) {
            problem(sink, "series " + series_key_ + " at " + core::format_rfc3339(*time) +
                              ": no numeric value");
            continue;
        }
        auto const sensor = row_sensor(*row);
        note_sensor(sensor);
        sink.on_reading(core::reading{sensor, *time, values_});
        ++summary_.readings;
        if (!summary_.first || *time < *summary_.first) summary_.first = *time;
        if (!summary_.last || *time > *summary_.last) summary_.last = *time;
    }
    return std::nullopt;
}

void influx_decoder::prepare_columns(json::array const& columns)
{
    auto const n = columns.size();
    roles_.assign(n, role::skip);
    parameters_.resize(n);
    parameter_noted_.assign(n, 0);
    time_column_ = n; // none: every row has a bad time
    sensor_column_ = n;
    for (std::size_t i = 0; i < n; ++i) {
        auto const* name = columns[i].if_string();
        if (!name) continue;
        if (*name == "time" && time_column_ == n) {
            roles_[i] = role::time;
            time_column_ = i;
        } else if (!sensor_from_tag_ && !sensor_tag_.empty() && *name == sensor_tag_) {
            roles_[i] = role::sensor;
            sensor_column_ = i;
        } else if (auto parameter = columns_.parameter_for(*name)) {
            roles_[i] = role::value;
            parameters_[i] = std::move(*parameter);
        }
    }
}

// The sensor column's value where the row has one, else the series' sensor.
std::string_view influx_decoder::row_sensor(json::array const& row)
{
    if (sensor_column_ >= row.size()) return series_sensor_;
    auto const& v = row[sensor_column_];
    if (auto const* s = v.if_string(); s && !s->empty()) return *s;
    if (v.is_int64() || v.is_uint64()) {
        std::array<char, 24> digits{};
        auto const end =
            v.is_int64()
                ? std::to_chars(digits.data(), digits.data() + digits.size(), v.get_int64()).ptr
                : std::to_chars(digits.data(), digits.data() + digits.size(), v.get_uint64()).ptr;
        number_text_.assign(digits.data(), end);
        return number_text_;
    }
    return series_sensor_;
}

void influx_decoder::problem(row_sink& sink, std::string message)
{
    ++summary_.rejected;
    sink.on_problem(row_problem{"influx", 0, std::move(message)});
}

void influx_decoder::note_sensor(std::string_view sensor)
{
    if (summary_.sensors.size() >= max_sensors_kept) return;
    if (sensors_seen_.find(sensor) != sensors_seen_.end()) return;
    sensors_seen_.emplace(sensor);
    summary_.sensors.emplace_back(sensor);
}

void influx_decoder::note_parameter(std::size_t column)
{
    parameter_noted_[column] = 1;
    auto& seen = summary_.parameters;
    if (std::find(seen.begin(), seen.end(), parameters_[column]) == seen.end())
        seen.push_back(parameters_[column]);
}

std::string basic_authorization(std::string_view username, std::string_view password)
{
    static constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string plain;
    plain.reserve(username.size() + 1 + password.size());
    plain.append(username);
    plain += ':';
    plain.append(password);

    std::string out = "Basic ";
    out.reserve(out.size() + (plain.size() + 2) / 3 * 4);
    std::size_t i = 0;
    auto const byte = [&](std::size_t k) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(plain[k]));
    };
    for (; i + 3 <= plain.size(); i += 3) {
        auto const v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
        out += alphabet[v >> 18 & 63];
        out += alphabet[v >> 12 & 63];
        out += alphabet[v >> 6 & 63];
        out += alphabet[v & 63];
    }
    if (auto const left = plain.size() - i; left > 0) {
        auto v = byte(i) << 16;
        if (left == 2) v |= byte(i + 1) << 8;
        out += alphabet[v >> 18 & 63];
        out += alphabet[v >> 12 & 63];
        out += left == 2 ? alphabet[v >> 6 & 63] : '=';
        out += '=';
    }
    // The password is in `plain`: wipe it rather than leave it in freed memory.
    std::fill(plain.begin(), plain.end(), '\0');
    return out;
}

} // namespace wtf::sources::detail
