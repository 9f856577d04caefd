#include <wtf/ingest/pipeline.hpp>
#include <wtf/log/log.hpp>

#include <string>

namespace wtf::ingest {

pipeline::pipeline(detect::detector& detector, store::history& history, limits l)
    : detector_{detector}, history_{history}, limits_{l}
{
}

namespace {

problem invalid_item(std::size_t index, std::string text)
{
    return {errc::invalid_reading, "item " + std::to_string(index) + ": " + std::move(text)};
}

} // namespace

std::variant<ingest_result, problem>
pipeline::ingest(std::span<core::reading const> readings, core::source from, core::timestamp now)
{
    // Check everything before applying anything: a batch is all-or-nothing.
    new_sensors_.clear();
    auto const latest_allowed = now + limits_.max_clock_skew;
    for (std::size_t i = 0; i < readings.size(); ++i) {
        auto const& r = readings[i];
        if (r.time > latest_allowed) {
            ++stats_.rejected_batches;
            return invalid_item(i, "field 'timestamp' is " +
                                       std::to_string(static_cast<long long>(
                                           core::seconds_between(now, r.time))) +
                                       " s in the future (api.max_clock_skew_s = " +
                                       std::to_string(limits_.max_clock_skew.count()) + ")");
        }
        if (!detector_.knows(r.sensor_id) && new_sensors_.insert(r.sensor_id).second &&
            detector_.sensor_count() + new_sensors_.size() > limits_.max_sensors) {
            ++stats_.rejected_batches;
            return invalid_item(i, "sensor '" + std::string{r.sensor_id} +
                                       "' would exceed detect.max_sensors = " +
                                       std::to_string(limits_.max_sensors));
        }
    }

    ingest_result result;
    for (auto const& r : readings) {
        if (detector_.observe(r, *this) == detect::verdict::accepted) {
            ++result.accepted;
            if (log::enabled(log::level::debug))
                log::debug("ingest") << "reading sensor=" << r.sensor_id
                                     << " time=" << core::format_rfc3339(r.time)
                                     << " source=" << core::to_string(from);
        } else {
            ++result.stale;
        }
    }
    stats_.accepted_by_source[static_cast<std::size_t>(from)] += result.accepted;
    stats_.stale += result.stale;
    if (result.accepted > 0) last_received_ = now;
    ++version_;
    return result;
}

void pipeline::advance(core::timestamp now)
{
    detector_.advance(now, *this);
}

void pipeline::on_anomaly(core::anomaly_change change, core::anomaly const& a)
{
    history_.record(change, a);
    ++version_;
    if (change == core::anomaly_change::updated) return;
    auto line = log::info("detector");
    line << "anomaly " << core::to_string(change) << " id=" << a.id
         << " type=" << core::to_string(a.type) << " sensor=" << a.sensor_id;
    if (!a.parameter.empty()) line << " parameter=" << a.parameter;
    if (a.value) line << " value=" << *a.value;
    if (a.duration_seconds) line << " duration_s=" << *a.duration_seconds;
}

} // namespace wtf::ingest
