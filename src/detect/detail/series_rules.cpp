// Per-series rules beyond the bands: implausible (outside the physically possible range),
// jump (a rate of change no process of the kind has), flatline (stuck) and deviation (a value
// unusual for this series' own recent behaviour while inside its bands). Each keeps a few dozen
// bytes of state, allocates nothing per value, and opens at most one episode of its kind.

#include "detect/detail/rules.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

namespace wtf::detect::detail {

namespace {

using namespace std::chrono_literals;

double seconds(std::chrono::milliseconds d) noexcept
{
    return std::chrono::duration<double>(d).count();
}

// An open episode lives on the heap: a closed one costs a pointer, not a whole anomaly, in every
// series of every sensor.
using episode = std::unique_ptr<core::anomaly>;

episode open_episode(core::anomaly a) { return std::make_unique<core::anomaly>(std::move(a)); }

void add_figure(core::anomaly& a, std::string_view name, double value)
{
    a.evidence.figures.push_back({std::string{name}, value});
}

// Implausible: physically impossible (negative flow or pressure), so an instrument fault,
// reported with the first such value. Owns the value: a spike or drift is not reported for it.
class implausible_rule final : public series_rule {
public:
    bool observe(series_context const& ctx, core::timestamp t, double value,
                 episode_reporter& report) override
    {
        auto const* valid = ctx.rules && ctx.rules->valid ? &*ctx.rules->valid : nullptr;
        bool const out = valid != nullptr && !valid->contains(value);
        if (open_ && !out) {
            report.close(*open_, t);
            open_.reset();
        } else if (open_) {
            if (excess(value, *valid) > excess(*open_->peak_value, *valid)) {
                open_->peak_value = value;
                report.update(*open_);
            }
        } else if (out) {
            open_ = open_episode(series_anomaly(core::anomaly_type::implausible, ctx, t, value));
            open_->limits = *valid;
            open_->detector = "plausibility";
            open_->evidence.basis = "out_of_range";
            report.open(*open_);
        }
        return out;
    }

private:
    episode open_;
};

// Jump, flatline and deviation of one series. They judge values no earlier rule owns (inside
// the bands, plausible); when one does, their open episodes end there, since the bands' rules
// take over the excursion, and their continuity restarts.
class statistical_rules final : public series_rule {
public:
    bool observe(series_context const& ctx, core::timestamp t, double value,
                 episode_reporter& report) override
    {
        if (ctx.owned) {
            hand_over(t, report);
            return false;
        }
        // A parameter without a table has no rule here: nothing has a default that fits a
        // quantity of unknown units and behaviour. The multivariate detector judges it.
        static parameter_rules const unknown_parameter;
        auto const& p = ctx.rules != nullptr ? *ctx.rules : unknown_parameter;
        judge_jump(ctx, p, t, value, report);
        judge_flatline(ctx, p, t, value, report);
        judge_deviation(ctx, p, t, value, report);
        have_last_ = true;
        last_time_ = t;
        last_value_ = value;
        // A deviation does not own its values: the multivariate detector still judges them, as
        // a process change is often both.
        return jump_ || flat_;
    }

    // A silence longer than the dropout gap: no rate across it, and "keeps reporting" starts
    // again for the flatline.
    void interrupt() noexcept override
    {
        have_last_ = false;
        if (!flat_) flat_anchored_ = false;
    }

private:
    static constexpr double jump_back_share = 0.25; // back within this share of the jump: returned
    static constexpr std::size_t flat_min_readings = 3;

    void close(episode& a, core::timestamp end, episode_reporter& report)
    {
        report.close(*a, std::max(end, a->started_at));
        a.reset();
    }

    void hand_over(core::timestamp t, episode_reporter& report)
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

    // A change faster than max_rate_per_s. If the value comes back (to within a quarter of the
    // jump) the transmitter jumped; if it stays jump_return_s, the process stepped.
    void judge_jump(series_context const& ctx, parameter_rules const& p, core::timestamp t,
                    double v, episode_reporter& report)
    {
        if (p.max_rate_per_s <= 0.0) {
            if (jump_) close(jump_, t, report);
            return;
        }
        if (jump_) {
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
            return;
        }
        if (!have_last_) return;
        double const dt = std::max(core::seconds_between(last_time_, t), 1.0);
        double const rate = std::abs(v - last_value_) / dt;
        if (!(rate > p.max_rate_per_s)) return;
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

    // The value stays within flat_tolerance of where it settled for longer than flat_for (and
    // at least three readings) while the sensor keeps reporting; the first change ends it.
    void judge_flatline(series_context const& ctx, parameter_rules const& p, core::timestamp t,
                        double v, episode_reporter& report)
    {
        if (p.flat_for <= 0ms) {
            if (flat_) close(flat_, t, report);
            flat_anchored_ = false;
            return;
        }
        if (!flat_anchored_ || std::abs(v - flat_anchor_) > p.flat_tolerance) {
            if (flat_) {
                flat_->score = core::seconds_between(flat_->started_at, t);
                close(flat_, t, report);
            }
            flat_anchored_ = true;
            flat_anchor_ = v;
            flat_since_ = t;
            flat_readings_ = 1;
            return;
        }
        ++flat_readings_;
        if (flat_ || t - flat_since_ <= p.flat_for || flat_readings_ < flat_min_readings) return;
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

    // |z| against an EWMA mean and spread of the series, over deviation_hold readings in a row.
    // The mean and spread do not learn from unusual values or during an episode, so a lasting
    // excursion is not learned as normal; an episode that lasts deviation_window readings ends
    // as settled (the series lives at a new level) and mean and spread are learned again.
    void judge_deviation(series_context const& ctx, parameter_rules const& p, core::timestamp t,
                         double v, episode_reporter& report)
    {
        if (p.deviation_z <= 0.0) {
            if (deviation_) close(deviation_, t, report);
            seen_ = 0;
            held_ = 0;
            return;
        }
        if (seen_ == 0) {
            mean_ = v;
            variance_ = 0.0;
        }
        double const window = static_cast<double>(p.deviation_window);
        double const alpha = 2.0 / (window + 1.0);
        // A spread of rounding error must not make ordinary values look extreme.
        double const sd = std::max(std::sqrt(variance_), 1e-9 * std::max(1.0, std::abs(mean_)));
        double const z = (v - mean_) / sd;
        bool const warm = seen_ >= p.deviation_window;
        bool const high = warm && std::abs(z) > p.deviation_z;
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
        } else {
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
                // The series lives at a new level: its mean and spread are learned again from
                // here, a window long, or the way back to the old level would be a deviation
                // that never ends.
                deviation_->evidence.end = "settled";
                close(deviation_, t, report);
                held_ = 0;
                seen_ = 0;
                return;
            }
        }
        if (!high && !deviation_) {
            double const d = v - mean_;
            mean_ += alpha * d;
            variance_ = (1.0 - alpha) * (variance_ + alpha * d * d);
        }
        if (seen_ < p.deviation_window) ++seen_;
    }

    // Jump.
    episode jump_;
    bool have_last_ = false;
    core::timestamp last_time_{};
    double last_value_ = 0.0;
    double jump_from_ = 0.0;
    double jump_size_ = 0.0;
    // Flatline.
    episode flat_;
    bool flat_anchored_ = false;
    double flat_anchor_ = 0.0;
    core::timestamp flat_since_{};
    std::size_t flat_readings_ = 0;
    // Deviation.
    episode deviation_;
    double mean_ = 0.0;
    double variance_ = 0.0;
    std::size_t seen_ = 0; // values learned from, up to the window
    std::size_t held_ = 0; // unusual (or, while open, calm) values in a row
    std::size_t open_readings_ = 0;
    core::timestamp pending_since_{};
    core::timestamp calm_since_{};
    double pending_peak_ = 0.0;
    double pending_z_ = 0.0;
};

} // namespace

std::unique_ptr<series_rule> make_implausible_rule()
{
    return std::make_unique<implausible_rule>();
}

std::unique_ptr<series_rule> make_statistical_rules()
{
    return std::make_unique<statistical_rules>();
}

} // namespace wtf::detect::detail
