// The statistical rules' episodes: opened, followed and closed, with their evidence.

#include "detect/detail/statistical_rules.hpp"

namespace wtf::detect::detail {

namespace {

double seconds(std::chrono::milliseconds d) noexcept
{
    return std::chrono::duration<double>(d).count();
}

void add_figure(core::anomaly& a, std::string_view name, double value)
{
    a.evidence.figures.push_back({std::string{name}, value});
}

} // namespace

void statistical_rules::close(episode& a, core::timestamp end, episode_reporter& report)
{
    report.close(*a, std::max(end, a->started_at));
    a.reset();
}

void statistical_rules::hand_over(core::timestamp t, episode_reporter& report)
{
    if (jump_) {
        jump_->cause = core::cause::process;
        jump_->evidence.basis = "left_band";
        close(jump_, t, report);
    }
    if (flat_) close(flat_, t, report);
    if (deviation_) close(deviation_, t, report);
    have_last_ = false;
    flat_anchored_ = false;
    held_ = 0;
}

void statistical_rules::switch_off(core::timestamp t, episode_reporter& report)
{
    if (jump_) close(jump_, t, report);
    if (flat_) close(flat_, t, report);
    flat_anchored_ = false;
    if (deviation_) close(deviation_, t, report);
    seen_ = 0;
    held_ = 0;
}

void statistical_rules::follow_jump(parameter_rules const& p, core::timestamp t, double v,
                                    episode_reporter& report)
{
    double const from = jump_from_;
    if (std::abs(v - from) > std::abs(*jump_->peak_value - from)) {
        jump_->peak_value = v;
        report.update(*jump_);
    }
    if (std::abs(v - from) < jump_back_share * jump_size_) {
        jump_->evidence.basis = "returned";
        close(jump_, t, report);
    } else if (t - jump_->started_at > p.jump_return) {
        jump_->cause = core::cause::process;
        jump_->evidence.basis = "stayed";
        close(jump_, t, report);
    }
}

void statistical_rules::open_jump(series_context const& ctx, parameter_rules const& p,
                                  core::timestamp t, double v, double dt_us,
                                  episode_reporter& report)
{
    double const rate = std::abs(v - last_value_) / (dt_us / 1e6);
    jump_ = open_episode(series_anomaly(core::anomaly_type::jump, ctx, t, v));
    jump_->detector = "rate";
    jump_->score = rate;
    jump_->threshold = p.max_rate_per_s;
    jump_->evidence.basis = "rate";
    add_figure(*jump_, "from", last_value_);
    jump_from_ = last_value_;
    jump_size_ = std::abs(v - last_value_);
    report.open(*jump_);
}

void statistical_rules::end_flatline(core::timestamp t, episode_reporter& report)
{
    flat_->score = core::seconds_between(flat_->started_at, t);
    close(flat_, t, report);
}

void statistical_rules::open_flatline(series_context const& ctx, parameter_rules const& p,
                                      core::timestamp t, double v, episode_reporter& report)
{
    flat_ = open_episode(series_anomaly(core::anomaly_type::flatline, ctx, t, v));
    flat_->detector = "flatline";
    flat_->started_at = flat_since_;
    flat_->duration_seconds = core::seconds_between(flat_since_, t);
    flat_->score = *flat_->duration_seconds;
    flat_->threshold = seconds(p.flat_for);
    flat_->evidence.basis = "unchanged";
    add_figure(*flat_, "tolerance", p.flat_tolerance);
    report.open(*flat_);
}

bool statistical_rules::follow_deviation(series_context const& ctx, parameter_rules const& p,
                                         core::timestamp t, double v, double sd, bool high,
                                         episode_reporter& report)
{
    double const z = (v - mean_) / sd;
    std::size_t const hold = std::max<std::size_t>(1, p.deviation_hold);
    if (!deviation_) {
        if (high) {
            if (held_++ == 0) {
                pending_since_ = t;
                pending_peak_ = v;
                pending_z_ = 0.0;
            }
            if (std::abs(z) > pending_z_) {
                pending_z_ = std::abs(z);
                pending_peak_ = v;
            }
        } else {
            held_ = 0;
        }
        if (held_ >= hold) {
            deviation_ = open_episode(series_anomaly(core::anomaly_type::deviation, ctx, t, v));
            deviation_->detector = "deviation";
            deviation_->started_at = pending_since_;
            deviation_->peak_value = pending_peak_;
            deviation_->score = pending_z_;
            deviation_->threshold = p.deviation_z;
            deviation_->evidence.basis = "z_score";
            add_figure(*deviation_, "mean", mean_);
            add_figure(*deviation_, "sd", sd);
            held_ = 0;
            open_readings_ = 0;
            report.open(*deviation_);
        }
        return true;
    }
    ++open_readings_;
    if (std::abs(z) > *deviation_->score) {
        deviation_->score = std::abs(z);
        deviation_->peak_value = v;
        report.update(*deviation_);
    }
    if (std::abs(z) < 0.5 * p.deviation_z) {
        if (held_++ == 0) calm_since_ = t;
    } else {
        held_ = 0;
    }
    if (held_ >= hold) {
        deviation_->evidence.end = "calm";
        close(deviation_, calm_since_, report);
        held_ = 0;
    } else if (open_readings_ >= p.deviation_window) {
        // The series lives at a new level: its mean and spread are learned again from here, a
        // window long, or the way back to the old level would be a deviation that never ends.
        deviation_->evidence.end = "settled";
        close(deviation_, t, report);
        held_ = 0;
        seen_ = 0;
        return false;
    }
    return true;
}

} // namespace wtf::detect::detail
