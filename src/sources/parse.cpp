#include "sources/detail/arena.hpp"

#include <wtf/core/time.hpp>
#include <wtf/core/utf8.hpp>
#include <wtf/sources/parse.hpp>

#include <boost/json/array.hpp>
#include <boost/json/error.hpp>
#include <boost/json/kind.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace wtf::sources {

namespace json = boost::json;

// Member order matters: the tree and the parser's unfinished values live in the arena, so the
// arena is declared first and destroyed last.
struct batch::impl {
    detail::arena arena;
    json::parser parser;
    json::value root = json::value(json::storage_ptr(&arena));
    std::vector<core::reading> readings;
    std::vector<core::measurement> measurements;
    std::vector<std::size_t> first_measurement; // per reading, into `measurements`
    std::size_t ignored = 0;                    // fields that are not numbers

    // Drops the tree before the arena is reused; keeps every buffer's capacity.
    void clear() noexcept
    {
        root.emplace_null();
        parser.reset();
        readings.clear();
        measurements.clear();
        first_measurement.clear();
        ignored = 0;
    }
};

batch::batch() : impl_{std::make_unique<impl>()} {}
batch::~batch() = default;
batch::batch(batch&&) noexcept = default;
batch& batch::operator=(batch&&) noexcept = default;

std::span<core::reading const> batch::readings() const noexcept
{
    if (!impl_) return {};
    return impl_->readings;
}

std::size_t batch::ignored_fields() const noexcept { return impl_ ? impl_->ignored : 0; }

void batch::clear() noexcept
{
    if (impl_) impl_->clear();
}

namespace {

// Longest excerpt of a bad value or name quoted back in a problem's detail.
constexpr std::size_t max_quoted_bytes = 40;

bool is_blank(std::string_view s) noexcept
{
    return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

bool has_control_character(std::string_view s) noexcept
{
    for (char c : s) {
        auto const u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) return true;
    }
    return false;
}

// At most max_quoted_bytes of `s`, cut between characters, "..." when cut.
std::string excerpt(std::string_view s) { return core::excerpt(s, max_quoted_bytes); }

std::string quoted(std::string_view s) { return '"' + excerpt(s) + '"'; }

char const* kind_name(json::kind k) noexcept
{
    switch (k) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "a number";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
    }
    return "a value";
}

problem malformed(std::string detail) { return {errc::malformed_body, std::move(detail)}; }

problem invalid(std::string detail) { return {errc::invalid_reading, std::move(detail)}; }

std::string malformed_json(std::size_t byte, json::error_code const& ec)
{
    return "malformed JSON at byte " + std::to_string(byte) + ": " + ec.message();
}

std::string too_many_readings(std::size_t n, std::size_t limit)
{
    return "too many readings: " + std::to_string(n) + " > " + std::to_string(limit);
}

// The buffers of a batch that items are read into.
struct item_sink {
    std::vector<core::reading>& readings;
    std::vector<core::measurement>& measurements;
    std::vector<std::size_t>& first_measurement;
    std::size_t& ignored;
};

bool configured(parse_limits const& limits, std::string_view name) noexcept
{
    return std::any_of(limits.parameters.begin(), limits.parameters.end(),
                       [&](detect::parameter_rules const& p) { return p.name == name; });
}

problem invalid_item(std::size_t index, std::size_t line, std::string_view what)
{
    std::string detail = "item " + std::to_string(index);
    if (line != 0) detail += " (line " + std::to_string(line) + ")";
    detail += ": ";
    detail += what;
    return invalid(std::move(detail));
}

std::string field(std::string_view name, std::string_view what)
{
    std::string out = "field '";
    out += excerpt(name);
    out += "' ";
    out += what;
    return out;
}

// Validates one item (index in the body, line in NDJSON or 0) and appends it to `out`.
std::optional<problem> read_item(json::value const& v, std::size_t index, std::size_t line,
                                 core::timestamp now, parse_limits const& limits, item_sink out)
{
    auto const fail = [&](std::string_view what) { return invalid_item(index, line, what); };

    if (!v.is_object())
        return fail(std::string{"expected a JSON object, got "} + kind_name(v.kind()));
    auto const& o = v.get_object();

    auto const* sid = o.if_contains("sensor_id");
    if (sid == nullptr) return fail("field 'sensor_id' is missing");
    if (!sid->is_string()) return fail("field 'sensor_id' must be a string");
    std::string_view const sensor_id = sid->get_string();
    if (sensor_id.empty()) return fail("field 'sensor_id' is empty");
    if (sensor_id.size() > limits.max_name_length)
        return fail("field 'sensor_id' is longer than " + std::to_string(limits.max_name_length) +
                    " bytes");
    if (has_control_character(sensor_id))
        return fail("field 'sensor_id' contains a control character");

    auto time = now;
    auto const* ts = o.if_contains("timestamp");
    if (ts != nullptr && !ts->is_null()) {
        if (!ts->is_string()) return fail("field 'timestamp' must be an RFC 3339 time string");
        std::string_view const text = ts->get_string();
        auto const parsed = core::parse_rfc3339(text);
        if (parsed.has_error() && parsed.error() == errc::time_out_of_range)
            return fail("field 'timestamp' is outside the supported time range " +
                        std::string{core::time_range_text} + ": " + quoted(text));
        if (!parsed) return fail("field 'timestamp' is not an RFC 3339 time: " + quoted(text));
        time = *parsed;
    }

    auto const parameters = o.size() - 1 - (ts != nullptr ? 1 : 0);
    if (parameters == 0) return fail("no parameter values");
    if (parameters > limits.max_parameters)
        return fail("too many parameters: " + std::to_string(parameters) + " > " +
                    std::to_string(limits.max_parameters));

    auto const first = out.measurements.size();
    for (auto const& kv : o) {
        std::string_view const name = kv.key();
        if (name == "sensor_id" || name == "timestamp") continue;
        if (name.empty()) return fail("a field name is empty");
        if (name.size() > limits.max_name_length)
            return fail(field(name, "has a name longer than " +
                                        std::to_string(limits.max_name_length) + " bytes"));
        if (has_control_character(name))
            return fail("field " + quoted(name) + " has a control character in its name");
        double value = 0.0;
        switch (kv.value().kind()) {
        case json::kind::int64: value = static_cast<double>(kv.value().get_int64()); break;
        case json::kind::uint64: value = static_cast<double>(kv.value().get_uint64()); break;
        case json::kind::double_: value = kv.value().get_double(); break;
        default:
            // A label beside the measurements ("status": "ok") is no reason to lose them.
            if (configured(limits, name)) return fail(field(name, "must be a finite number"));
            ++out.ignored;
            continue;
        }
        if (!std::isfinite(value)) return fail(field(name, "must be a finite number"));
        out.measurements.push_back({name, value});
    }
    if (out.measurements.size() == first) return fail("no parameter values");
    out.readings.push_back({sensor_id, time, {}});
    out.first_measurement.push_back(first);
    return std::nullopt;
}

// Points every reading at its measurements. Only once all items are read: until then the
// measurements vector may still reallocate.
void link_measurements(item_sink out) noexcept
{
    auto const n = out.readings.size();
    for (std::size_t i = 0; i < n; ++i) {
        auto const first = out.first_measurement[i];
        auto const last = i + 1 < n ? out.first_measurement[i + 1] : out.measurements.size();
        out.readings[i].values =
            std::span<core::measurement const>{out.measurements.data() + first, last - first};
    }
}

} // namespace

std::optional<problem> parse_readings(std::string_view body, bool ndjson, core::timestamp now,
                                      parse_limits const& limits, batch& out)
{
    if (!out.impl_) out.impl_ = std::make_unique<batch::impl>();
    auto& b = *out.impl_;
    b.clear();
    b.arena.reset();
    item_sink const sink{b.readings, b.measurements, b.first_measurement, b.ignored};

    if (is_blank(body)) return malformed("empty body");

    json::storage_ptr const storage{&b.arena};

    if (!ndjson) {
        json::error_code ec;
        b.parser.reset(storage);
        auto const consumed = b.parser.write(body.data(), body.size(), ec);
        if (ec) return malformed(malformed_json(consumed, ec));
        b.root = b.parser.release();

        if (b.root.is_array()) {
            auto const& items = b.root.get_array();
            if (items.empty()) return invalid("no readings in the body");
            if (items.size() > limits.max_readings)
                return invalid(too_many_readings(items.size(), limits.max_readings));
            b.readings.reserve(items.size());
            b.first_measurement.reserve(items.size());
            for (std::size_t i = 0; i < items.size(); ++i) {
                if (auto p = read_item(items[i], i, 0, now, limits, sink)) return p;
            }
        } else if (auto p = read_item(b.root, 0, 0, now, limits, sink)) {
            return p;
        }
        link_measurements(sink);
        return std::nullopt;
    }

    // NDJSON. Counting the items first lets the array be sized once, so the values read into
    // it never move and the views taken into them stay valid.
    auto const for_each_line = [body](auto&& f) {
        std::size_t line = 0;
        for (std::size_t pos = 0; pos <= body.size();) {
            auto end = body.find('\n', pos);
            if (end == std::string_view::npos) end = body.size();
            ++line;
            auto const text = body.substr(pos, end - pos);
            if (!is_blank(text)) {
                if (auto p = f(text, line)) return p;
            }
            pos = end + 1;
        }
        return std::optional<problem>{};
    };

    std::size_t count = 0;
    for_each_line([&](std::string_view, std::size_t) {
        ++count;
        return std::optional<problem>{};
    });
    if (count > limits.max_readings) return invalid(too_many_readings(count, limits.max_readings));

    auto& items = b.root.emplace_array();
    items.reserve(count);
    b.readings.reserve(count);
    b.first_measurement.reserve(count);
    auto p = for_each_line([&](std::string_view text, std::size_t line) -> std::optional<problem> {
        json::error_code ec;
        b.parser.reset(storage);
        auto const consumed = b.parser.write(text.data(), text.size(), ec);
        if (ec)
            return malformed("line " + std::to_string(line) + ": " + malformed_json(consumed, ec));
        items.push_back(b.parser.release());
        return read_item(items.back(), items.size() - 1, line, now, limits, sink);
    });
    if (p) return p;
    link_measurements(sink);
    return std::nullopt;
}

} // namespace wtf::sources
