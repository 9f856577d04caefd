#pragma once
// The statistical rules of a series, beyond its bands: jump (a rate of change no process of the
// kind has), flatline (stuck) and deviation (a value unusual for this series' own recent
// behaviour while inside its bands). They judge values no earlier rule owns (inside the bands,
// plausible); when one does, their open episodes end there, since the bands' rules take over
// the excursion, and their continuity restarts. One object for the three: they share the last
// value and judge the same values.
//
// observe() is inline and, while no episode is open or pending, costs a few compares and the
// deviation's mean and spread update; opening, following and closing episodes are out of line,
// in statistical_rules.cpp. A few dozen bytes of state, nothing allocated per value.

#include "detect/detail/rules.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>

namespace wtf::detect::detail {

class statistical_rules {
public:
    bool observe(series_context const& ctx, core::timestamp t, double value,
                 episode_reporter& report)
    {
        if (ctx.owned) {
            hand_over(t, report);
            return false;
        }
        if (ctx.rules != nullptr) {
            judge_jump(ctx, *ctx.rules, t, value, report);
            judge_flatline(ctx, *ctx.rules, t, value, report);
            judge_deviation(ctx, *ctx.rules, t, value, report);
        } else {
            // A parameter without a table has no rule here: nothing has a default that fits a
            // quantity of unknown units and behaviour. The multivariate detector judges it.
            switch_off(t, report);
        }
        have_last_ = true;
        last_time_ = t;
        last_value_ = value;
        // A deviation does not own its values: the multivariate detector still judges them, as
        // a process change is often both.
        return jump_ || flat_;
    }

    // A silence longer than the dropout gap: no rate across it, and "keeps reporting" starts
    // again for the flatline.
    void interrupt() noexcept
    {
        have_last_ = false;
        if (!flat_) flat_anchored_ = false;
    }

private:
    static constexpr double jump_back_share = 0.25; // back within this share of the jump: returned
    static constexpr std::size_t flat_min_readings = 3;

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
            follow_jump(p, t, v, report);
            return;
        }
        if (!have_last_) return;
        // |change| / seconds > limit, without a division on the path every value takes.
        double const dt_us =
            std::max(static_cast<double>(core::elapsed(last_time_, t).count()), 1e6);
        if (std::abs(v - last_value_) * 1e6 > p.max_rate_per_s * dt_us)
            open_jump(ctx, p, t, v, dt_us, report);
    }

    // The value stays within flat_tolerance of where it settled for longer than flat_for (and
    // at least three readings) while the sensor keeps reporting; the first change ends it.
    void judge_flatline(series_context const& ctx, parameter_rules const& p, core::timestamp t,
                        double v, episode_reporter& report)
    {
        using namespace std::chrono_literals;
        if (p.flat_for <= 0ms) {
            if (flat_) close(flat_, t, report);
            flat_anchored_ = false;
            return;
        }
        if (!flat_anchored_ || std::abs(v - flat_anchor_) > p.flat_tolerance) {
            if (flat_) end_flatline(t, report);
            flat_anchored_ = true;
            flat_anchor_ = v;
            flat_since_ = t;
            flat_readings_ = 1;
            return;
        }
        ++flat_readings_;
        if (flat_ || t - flat_since_ <= p.flat_for || flat_readings_ < flat_min_readings) return;
        open_flatline(ctx, p, t, v, report);
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
        // |z| > deviation_z compared squared: no square root or division on the path every
        // value takes. A spread of rounding error must not make ordinary values look extreme.
        double const d = v - mean_;
        double const floor = 1e-9 * std::max(1.0, std::abs(mean_));
        double const spread = std::max(variance_, floor * floor);
        bool const high =
            seen_ >= p.deviation_window && d * d > p.deviation_z * p.deviation_z * spread;
        // Unusual values in a row, or an open episode: the episode's part.
        if ((high || held_ != 0 || deviation_) &&
            !follow_deviation(ctx, p, t, v, std::sqrt(spread), high, report))
            return;
        if (!high && !deviation_) {
            double const alpha = 2.0 / (static_cast<double>(p.deviation_window) + 1.0);
            mean_ += alpha * d;
            variance_ = (1.0 - alpha) * (variance_ + alpha * d * d);
        }
        if (seen_ < p.deviation_window) ++seen_;
    }

    void hand_over(core::timestamp t, episode_reporter& report);
    void switch_off(core::timestamp t, episode_reporter& report);
    void close(episode& a, core::timestamp end, episode_reporter& report);
    void follow_jump(parameter_rules const& p, core::timestamp t, double v,
                     episode_reporter& report);
    void open_jump(series_context const& ctx, parameter_rules const& p, core::timestamp t, double v,
                   double dt_us, episode_reporter& report);
    void end_flatline(core::timestamp t, episode_reporter& report);
    void open_flatline(series_context const& ctx, parameter_rules const& p, core::timestamp t,
                       double v, episode_reporter& report);
    // False when the episode ended as settled: mean and spread start again from the next value.
    bool follow_deviation(series_context const& ctx, parameter_rules const& p, core::timestamp t,
                          double v, double sd, bool high, episode_reporter& report);

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

} // namespace wtf::detect::detail
