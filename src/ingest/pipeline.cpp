#include <wtf/core/json_writer.hpp>
#include <wtf/core/number_text.hpp>
#include <wtf/ingest/pipeline.hpp>
#include <wtf/log/log.hpp>

#include <string>

namespace wtf::ingest {

using sources::batch;
using sources::ingest_result;
using sources::problem;

pipeline::pipeline(detect::detector& detector, store::history& history, limits l)
    : detector_{detector}, history_{history}, limits_{l}
{}

namespace {

problem invalid_item(std::size_t index, std::string text)
{
    return {errc::invalid_reading, "item " + std::to_string(index) + ": " + std::move(text)};
}

} // namespace

std::variant<ingest_result, problem> pipeline::ingest(std::span<core::reading const> readings,
                                                      core::source from, core::timestamp now)
{
    // Check everything before applying anything: a batch is all-or-nothing.
    // clear() zeroes every bucket even when empty; after one batch of many new sensors that
    // would cost every later request.
    if (!new_sensors_.empty()) new_sensors_.clear();
    auto const latest_allowed = now + limits_.max_clock_skew;
    for (std::size_t i = 0; i < readings.size(); ++i) {
        auto const& r = readings[i];
        if (r.time > latest_allowed) {
            count(rejection::clock_skew);
            return invalid_item(
                i, "field 'timestamp' is " +
                       std::to_string(static_cast<long long>(core::seconds_between(now, r.time))) +
                       " s in the future (api.max_clock_skew_s = " +
                       std::to_string(limits_.max_clock_skew.count()) + ")");
        }
        if (!detector_.knows(r.sensor_id) && new_sensors_.insert(r.sensor_id).second &&
            detector_.sensor_count() + new_sensors_.size() > limits_.max_sensors) {
            count(rejection::too_many_sensors);
            return invalid_item(i, "sensor '" + std::string{r.sensor_id} +
                                       "' would exceed detect.max_sensors = " +
                                       std::to_string(limits_.max_sensors));
        }
    }

    ingest_result result;
    for (auto const& r : readings) {
        if (detector_.observe(r, *this) == detect::verdict::accepted) {
            ++result.accepted;
            if (!newest_reading_ || r.time > *newest_reading_) newest_reading_ = r.time;
            if (accepted_) accepted_(r);
            if (log::enabled(log::level::debug))
                log::debug("ingest")
                    << "reading sensor=" << r.sensor_id << " time=" << core::format_rfc3339(r.time)
                    << " source=" << core::to_string(from);
        } else {
            ++result.stale;
        }
    }
    stats_.accepted_by_source[core::index_of(from)] += result.accepted;
    stats_.stale += result.stale;
    if (result.accepted > 0) last_received_ = now;
    ++version_;
    return result;
}

std::variant<ingest_result, problem> pipeline::ingest(batch const& parsed, core::source from,
                                                      core::timestamp now)
{
    auto result = ingest(parsed.readings(), from, now);
    if (auto* counts = std::get_if<ingest_result>(&result)) {
        counts->ignored_fields = parsed.ignored_fields();
        stats_.ignored_fields += counts->ignored_fields;
    }
    return result;
}

void pipeline::advance(core::timestamp now) { detector_.advance(now, *this); }

bool pipeline::relearn(std::string_view sensor_id)
{
    ++version_;
    return detector_.relearn(sensor_id, *this);
}

// Learned, refit, relearning (asked, parameters changed, settings changed by a reload), loaded.
void pipeline::on_baseline(std::string_view sensor_id, detect::baseline_note const& note)
{
    ++version_;
    auto const level =
        note.event == detect::baseline_event::relearning ? log::level::notice : log::level::info;
    if (log::enabled(level)) log::write(level, "detector", detect::describe(sensor_id, note));
}

void pipeline::on_anomaly(core::anomaly_change change, core::anomaly const& a)
{
    history_.record(change, a);
    ++version_;
    if (change == core::anomaly_change::updated || !log::enabled(log::level::info)) return;

    // "Temperature spike detected: 45.2 id=4 sensor=wtf-pipe-1 parameter=temperature" when an
    // episode opens; "Spike ended id=4 ... duration_s=2.0 peak=47.5" when it closes.
    std::string line;
    if (change == core::anomaly_change::opened) {
        line = core::message(a);
    } else {
        auto const type = core::to_string(a.type);
        line += static_cast<char>(type.front() - 'a' + 'A');
        line += type.substr(1);
        line += " ended";
    }
    line += " id=" + std::to_string(a.id) + " sensor=" + a.sensor_id;
    if (!a.parameter.empty()) line += " parameter=" + a.parameter;
    if (change == core::anomaly_change::closed) {
        line += " duration_s=";
        core::append_decimal(line, a.duration_seconds.value_or(0.0), 1);
        if (a.peak_value) {
            line += " peak=";
            core::append_json_number(line, *a.peak_value);
        }
    }
    log::write(log::level::info, "detector", line);
}

} // namespace wtf::ingest
