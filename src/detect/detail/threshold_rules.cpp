// The seed system's threshold rules, with episodes: spike (a value leaves the spike band) and
// drift (a value stays outside the normal band for longer than the drift duration). An episode
// ends when the value is back inside its band by the parameter's clear margin, so a value
// hovering at a band edge is one episode, not a stream of them. An implausible value belongs to
// the implausible rule, not to these.

#include "detect/detail/rules.hpp"

#include <optional>

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

class spike_rule final : public series_rule {
public:
    bool observe(series_context const& ctx, core::timestamp t, double value,
                 episode_reporter& report) override
    {
        if (ctx.rules == nullptr) return false;
        auto const& band = ctx.rules->spike;
        if (open_) {
            if (back_inside(value, band, ctx.rules->clear_margin)) {
                // Out for one reading and straight back: a glitch no process makes, the
                // transmitter's (the jump that returns, within the spike band's reach).
                if (outside_readings_ == 1) {
                    open_->cause = core::cause::instrument;
                    open_->evidence.basis = "one_reading";
                }
                report.close(*open_, t);
                open_.reset();
            } else {
                ++outside_readings_;
                track_peak(*open_, value, band, report);
            }
            return open_.has_value();
        }
        if (!ctx.owned && !band.contains(value)) {
            open_ = make_anomaly(core::anomaly_type::spike, ctx, band, t, value);
            outside_readings_ = 1;
            report.open(*open_);
        }
        return open_.has_value();
    }

private:
    std::optional<core::anomaly> open_;
    std::size_t outside_readings_ = 0; // of the open episode
};

class drift_rule final : public series_rule {
public:
    bool observe(series_context const& ctx, core::timestamp t, double value,
                 episode_reporter& report) override
    {
        if (ctx.rules == nullptr) return false;
        if (ctx.owned && !open_) return outside_since_.has_value();
        judge(ctx, t, value, report);
        return open_ || outside_since_;
    }

    void interrupt() noexcept override { outside_since_.reset(); }

private:
    void judge(series_context const& ctx, core::timestamp t, double value, episode_reporter& report)
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
            open_ = make_anomaly(core::anomaly_type::drift, ctx, band, t, value);
            open_->peak_value = pending_peak_;
            open_->started_at = *outside_since_;
            open_->duration_seconds = core::seconds_between(*outside_since_, t);
            report.open(*open_);
        }
    }

    std::optional<core::timestamp> outside_since_;
    double pending_peak_ = 0.0; // most extreme value since outside_since_
    std::optional<core::anomaly> open_;
};

} // namespace

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

std::unique_ptr<series_rule> make_spike_rule() { return std::make_unique<spike_rule>(); }
std::unique_ptr<series_rule> make_drift_rule() { return std::make_unique<drift_rule>(); }

} // namespace wtf::detect::detail
