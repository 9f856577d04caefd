// The seed system's threshold rules, with episodes: spike (a value leaves the spike band) and
// drift (a value stays outside the normal band for longer than the drift duration). An episode
// ends when the value is back inside its band by the parameter's clear margin, so a value
// hovering at a band edge is one episode, not a stream of them.

#include "detect/detail/rules.hpp"

#include <optional>

namespace wtf::detect::detail {

namespace {

core::anomaly make_anomaly(core::anomaly_type type, series_context const& ctx,
                           core::band const& limits, core::timestamp t, double value)
{
    core::anomaly a;
    a.type = type;
    a.severity = core::kind_of(type).default_severity;
    a.sensor_id = ctx.sensor_id;
    a.parameter = ctx.parameter;
    a.unit = ctx.rules->unit;
    a.detected_at = t;
    a.started_at = t;
    a.value = value;
    a.peak_value = value;
    a.limits = limits;
    return a;
}

// Raises the episode's peak when `value` lies further outside than any before it.
void track_peak(core::anomaly& open, double value, core::band const& b, episode_reporter& report)
{
    if (excess(value, b) > excess(*open.peak_value, b)) {
        open.peak_value = value;
        report.update(open);
    }
}

class spike_rule final : public series_rule {
public:
    void observe(series_context const& ctx, core::timestamp t, double value,
                 episode_reporter& report) override
    {
        if (ctx.rules == nullptr) return;
        auto const& band = ctx.rules->spike;
        if (open_) {
            if (back_inside(value, band, ctx.rules->clear_margin)) {
                report.close(*open_, t);
                open_.reset();
            } else {
                track_peak(*open_, value, band, report);
            }
            return;
        }
        if (!band.contains(value)) {
            open_ = make_anomaly(core::anomaly_type::spike, ctx, band, t, value);
            report.open(*open_);
        }
    }

private:
    std::optional<core::anomaly> open_;
};

class drift_rule final : public series_rule {
public:
    void observe(series_context const& ctx, core::timestamp t, double value,
                 episode_reporter& report) override
    {
        if (ctx.rules == nullptr) return;
        auto const& band = ctx.rules->normal;
        bool const cleared = back_inside(value, band, ctx.rules->clear_margin);
        if (open_) {
            if (cleared) {
                report.close(*open_, t);
                open_.reset();
                outside_since_.reset();
            } else {
                track_peak(*open_, value, band, report);
            }
            return;
        }
        if (cleared) {
            outside_since_.reset();
            return;
        }
        // Outside, or inside but not yet by the margin: the excursion goes on.
        if (!outside_since_) {
            if (band.contains(value)) return; // never left the band: nothing started
            outside_since_ = t;
            pending_peak_ = value;
        } else if (excess(value, band) > excess(pending_peak_, band)) {
            pending_peak_ = value;
        }
        auto const lasted = core::elapsed(*outside_since_, t);
        if (lasted > ctx.config.drift_duration) {
            open_ = make_anomaly(core::anomaly_type::drift, ctx, band, t, value);
            open_->peak_value = pending_peak_;
            open_->started_at = *outside_since_;
            open_->duration_seconds = core::seconds_between(*outside_since_, t);
            report.open(*open_);
        }
    }

    void interrupt() noexcept override { outside_since_.reset(); }

private:
    std::optional<core::timestamp> outside_since_;
    double pending_peak_ = 0.0; // most extreme value since outside_since_
    std::optional<core::anomaly> open_;
};

} // namespace

std::unique_ptr<series_rule> make_spike_rule() { return std::make_unique<spike_rule>(); }
std::unique_ptr<series_rule> make_drift_rule() { return std::make_unique<drift_rule>(); }

} // namespace wtf::detect::detail
