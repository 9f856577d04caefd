#pragma once
// Turns a POST /readings body into readings: one JSON object, a JSON array of them, or NDJSON.
// A batch is all-or-nothing: the first invalid item fails the whole batch and names its index
// and field, so the caller applies nothing of it. As the seed system did, fields that are not
// numbers are ignored (and counted), unless they are configured parameters.

#include <wtf/core/error.hpp>
#include <wtf/core/reading.hpp>
#include <wtf/detect/settings.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace wtf::sources {

// Why a body was refused: errc::malformed_body (HTTP 400) or errc::invalid_reading (422).
struct problem {
    errc code;
    std::string detail; // "item 2: field 'temperature' must be a finite number"
};

struct parse_limits {
    std::size_t max_readings = 10'000;
    std::size_t max_parameters = 64;   // fields per reading besides sensor_id and timestamp
    std::size_t max_name_length = 128; // bytes of a sensor id or parameter name
    // The configured parameters ([detect.parameters]): a value of one of these that is not a
    // finite number is an invalid reading; any other field that is not a number is ignored.
    std::span<detect::parameter_rules const> parameters;
};

// Parsed readings and the storage their views point into. Reuse one batch per connection:
// its buffers keep their capacity, so steady-state ingest does not allocate per reading.
class batch {
public:
    batch();
    ~batch();
    batch(batch&&) noexcept;
    batch& operator=(batch&&) noexcept;

    std::span<core::reading const> readings() const noexcept;
    // Fields ignored because they are not numbers (a "status": "ok" label, say).
    std::size_t ignored_fields() const noexcept;
    void clear() noexcept;

private:
    friend std::optional<problem> parse_readings(std::string_view, bool, core::timestamp,
                                                 parse_limits const&, batch&);
    struct impl;
    std::unique_ptr<impl> impl_;
};

// Parses `body` into `out` (cleared first). `ndjson` selects one JSON object per line (blank
// lines skipped); otherwise the body is one object or an array of objects. A missing
// "timestamp" means `now`. Returns the problem on failure, leaving `out` unspecified.
std::optional<problem> parse_readings(std::string_view body, bool ndjson, core::timestamp now,
                                      parse_limits const& limits, batch& out);

} // namespace wtf::sources
