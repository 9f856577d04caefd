// The band rules' episodes: opened, followed to their most extreme value, and closed.

#include "detect/detail/threshold_rules.hpp"

namespace wtf::detect::detail {

namespace {

core::anomaly make_anomaly(core::anomaly_type type, series_context const& ctx,
                           core::band const& limits, core::timestamp t, double value)
{
    auto a = series_anomaly(type, ctx, t, value);
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

} // namespace

void implausible_rule::follow(series_context const& ctx, core::band const* valid, core::timestamp t,
                              double value, bool out, episode_reporter& report)
{
    if (open_ && !out) {
        report.close(*open_, t);
        open_.reset();
    } else if (open_) {
        track_peak(*open_, value, *valid, report);
    } else {
        open_ = open_episode(make_anomaly(core::anomaly_type::implausible, ctx, *valid, t, value));
        open_->detector = "plausibility";
        open_->evidence.basis = "out_of_range";
        report.open(*open_);
    }
}

bool spike_rule::follow(series_context const& ctx, core::timestamp t, double value,
                        episode_reporter& report)
{
    auto const& band = ctx.rules->spike;
    if (back_inside(value, band, ctx.rules->clear_margin)) {
        // Out for one reading and straight back: a glitch no process makes, the transmitter's
        // (the jump that returns, within the spike band's reach).
        if (outside_readings_ == 1) {
            open_->cause = core::cause::instrument;
            open_->evidence.basis = "one_reading";
        }
        report.close(*open_, t);
        open_.reset();
        return false;
    }
    ++outside_readings_;
    track_peak(*open_, value, band, report);
    return true;
}

void spike_rule::open(series_context const& ctx, core::timestamp t, double value,
                      episode_reporter& report)
{
    open_ = open_episode(make_anomaly(core::anomaly_type::spike, ctx, ctx.rules->spike, t, value));
    outside_readings_ = 1;
    report.open(*open_);
}

void drift_rule::judge(series_context const& ctx, core::timestamp t, double value,
                       episode_reporter& report)
{
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
        open_ = open_episode(make_anomaly(core::anomaly_type::drift, ctx, band, t, value));
        open_->peak_value = pending_peak_;
        open_->started_at = *outside_since_;
        open_->duration_seconds = core::seconds_between(*outside_since_, t);
        report.open(*open_);
    }
}

core::anomaly series_anomaly(core::anomaly_type type, series_context const& ctx, core::timestamp t,
                             double value)
{
    auto const& kind = core::kind_of(type);
    core::anomaly a;
    a.type = type;
    a.severity = kind.default_severity;
    a.cause = kind.default_cause;
    a.sensor_id = ctx.sensor_id;
    a.parameter = ctx.parameter;
    if (ctx.rules != nullptr) a.unit = ctx.rules->unit;
    a.detected_at = t;
    a.started_at = t;
    a.value = value;
    a.peak_value = value;
    return a;
}

} // namespace wtf::detect::detail
