#include <wtf/alarm/readings.hpp>
#include <wtf/core/json_writer.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace wtf::alarm {

namespace {

constexpr double missing = std::numeric_limits<double>::quiet_NaN();

} // namespace

// Column-major rings: times[slot], and values[k * capacity + slot] for parameter k. Slot i of
// the ring (oldest first) is (head + i) % capacity. A parameter absent from a reading is NaN
// (readings hold finite values only).
struct recent_readings::sensor {
    std::vector<core::timestamp> times;
    std::vector<double> values;
    std::vector<std::string> names;
    std::size_t head = 0;
    std::size_t size = 0;
    std::optional<core::timestamp> newest_dropped; // of the readings overwritten

    std::size_t capacity() const noexcept { return times.size(); }
    std::size_t slot(std::size_t i) const noexcept { return (head + i) % capacity(); }
    core::timestamp time(std::size_t i) const noexcept { return times[slot(i)]; }
};

std::size_t recent_readings::string_hash::operator()(std::string_view s) const noexcept
{
    return std::hash<std::string_view>{}(s);
}

recent_readings::recent_readings(readings_settings const& s) : settings_{s}
{
    if (settings_.per_sensor == 0) settings_.per_sensor = 1;
}

recent_readings::~recent_readings() = default;

std::size_t recent_readings::sample_bytes(std::size_t parameters) const noexcept
{
    return settings_.per_sensor * (sizeof(core::timestamp) + parameters * sizeof(double));
}

recent_readings::sensor const* recent_readings::find(std::string_view sensor_id) const noexcept
{
    auto const it = sensors_.find(sensor_id);
    return it == sensors_.end() ? nullptr : it->second.get();
}

void recent_readings::record(core::reading const& r)
{
    auto it = sensors_.find(r.sensor_id);
    if (it == sensors_.end()) {
        if (sensors_.size() >= settings_.max_sensors) {
            ++sensors_refused_;
            return;
        }
        auto s = std::make_unique<sensor>();
        s->times.resize(settings_.per_sensor);
        it = sensors_.emplace(std::string{r.sensor_id}, std::move(s)).first;
    }
    auto& s = *it->second;
    if (s.size > 0 && r.time <= s.time(s.size - 1)) {
        ++out_of_order_;
        return;
    }
    auto const n = s.capacity();
    std::size_t slot;
    if (s.size < n) {
        slot = s.slot(s.size);
        ++s.size;
    } else {
        slot = s.head;
        s.newest_dropped = s.times[slot];
        s.head = (s.head + 1) % n;
    }
    s.times[slot] = r.time;
    for (std::size_t k = 0; k < s.names.size(); ++k) s.values[k * n + slot] = missing;
    for (auto const& m : r.values) {
        auto const name = std::find(s.names.begin(), s.names.end(), m.parameter);
        std::size_t k = static_cast<std::size_t>(name - s.names.begin());
        if (name == s.names.end()) {
            if (s.names.size() >= settings_.parameters) {
                ++values_refused_;
                continue;
            }
            s.names.emplace_back(m.parameter);
            s.values.reserve(s.names.size() * n); // exactly: resize alone would double
            s.values.resize(s.names.size() * n, missing);
        }
        s.values[k * n + slot] = m.value;
    }
}

namespace {

template <class Sensor>
void append_row(core::json_writer& w, Sensor const& s, std::size_t i)
{
    auto const slot = s.slot(i);
    auto const n = s.capacity();
    w.begin_object();
    w.member("timestamp", s.times[slot]);
    for (std::size_t k = 0; k < s.names.size(); ++k) {
        auto const v = s.values[k * n + slot];
        if (!std::isnan(v)) w.member(s.names[k], v);
    }
    w.end_object();
}

} // namespace

bool recent_readings::append_json(std::string& out, std::string_view sensor_id,
                                  query const& q) const
{
    auto const* s = find(sensor_id);
    if (!s || s->size == 0) return false;
    auto const limit = std::max<std::size_t>(q.limit, 1);
    std::size_t first = 0, last = s->size;
    if (q.since) {
        // The ring is in time order: the first reading after `since`, by bisection.
        std::size_t lo = 0, hi = s->size;
        while (lo < hi) {
            auto const mid = lo + (hi - lo) / 2;
            if (s->time(mid) <= *q.since)
                lo = mid + 1;
            else
                hi = mid;
        }
        first = lo;
        last = std::min(s->size, first + limit);
    } else if (s->size > limit) {
        first = s->size - limit;
    }
    core::json_writer w{out};
    w.begin_object();
    w.member("sensor_id", sensor_id);
    w.key("parameters");
    w.begin_array();
    for (auto const& name : s->names) w.value(name);
    w.end_array();
    w.key("readings");
    w.begin_array();
    for (auto i = first; i < last; ++i) append_row(w, *s, i);
    w.end_array();
    w.member("count", last - first);
    w.member("truncated", q.since ? last < s->size : first > 0);
    w.member("oldest", s->time(0));
    w.member("gap", q.since && s->newest_dropped && *q.since < *s->newest_dropped);
    w.end_object();
    return true;
}

bool recent_readings::append_last_json(std::string& out, std::string_view sensor_id) const
{
    auto const* s = find(sensor_id);
    if (!s || s->size == 0) return false;
    core::json_writer w{out};
    append_row(w, *s, s->size - 1);
    return true;
}

std::optional<core::timestamp> recent_readings::last_time(std::string_view sensor_id) const noexcept
{
    auto const* s = find(sensor_id);
    if (!s || s->size == 0) return std::nullopt;
    return s->time(s->size - 1);
}

std::span<std::string const> recent_readings::parameters(std::string_view sensor_id) const noexcept
{
    auto const* s = find(sensor_id);
    if (!s) return {};
    return s->names;
}

void recent_readings::forget(std::string_view sensor_id)
{
    if (auto const it = sensors_.find(sensor_id); it != sensors_.end()) sensors_.erase(it);
}

} // namespace wtf::alarm
