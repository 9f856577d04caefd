// Dropout: a sensor sends nothing for longer than the gap. It runs on the clock, so a sensor that
// stops for good is reported one gap after its last reading, not when (if ever) it returns. The
// anomaly's time is last reading + gap whatever the tick granularity, so live and replay agree.

#include "detect/detail/rules.hpp"

#include <optional>

namespace wtf::detect::detail {

namespace {

class dropout_rule final : public sensor_rule {
public:
    explicit dropout_rule(std::optional<core::timestamp> silent_since)
        : silent_since_{silent_since}, never_seen_{silent_since.has_value()}
    {}

    void observe(core::reading const& r, silence_limit gap, episode_reporter& report) override
    {
        // Replay may skip ticks: an outage between two readings is still one dropout.
        advance(r.time, r.sensor_id, gap, report);
        if (open_) {
            report.close(*open_, r.time);
            open_.reset();
        }
        silent_since_ = r.time;
        never_seen_ = false;
    }

    void advance(core::timestamp now, std::string_view sensor_id, silence_limit gap,
                 episode_reporter& report) override
    {
        if (open_ || !gap || !silent_since_ || core::elapsed(*silent_since_, now) <= *gap) return;
        core::anomaly a;
        a.type = core::anomaly_type::dropout;
        a.severity = core::kind_of(a.type).default_severity;
        a.cause = core::kind_of(a.type).default_cause;
        a.sensor_id = sensor_id;
        a.started_at = *silent_since_;
        a.detected_at = core::add_saturated(*silent_since_, *gap);
        a.duration_seconds = core::seconds_between(a.started_at, a.detected_at);
        a.never_seen = never_seen_;
        open_ = open_episode(std::move(a));
        report.open(*open_);
    }

private:
    std::optional<core::timestamp> silent_since_; // last reading, or when expected from
    bool never_seen_;
    episode open_;
};

} // namespace

std::unique_ptr<sensor_rule> make_dropout_rule(std::optional<core::timestamp> silent_since)
{
    return std::make_unique<dropout_rule>(silent_since);
}

} // namespace wtf::detect::detail
