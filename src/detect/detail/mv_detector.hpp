#pragma once
// Per-sensor multivariate detector. A baseline of normal operation (robust centre and scale per
// parameter, the spread of the smoothed values, principal components of their correlation and
// two limits) is learned from the sensor's first readings; every later reading updates an EWMA
// of each parameter and scores the standardised smoothed vector with Hotelling's T² on the
// retained components and the residual Q (SPE). A vote over recent readings with hysteresis and
// a minimum duration makes one episode of one anomaly; the episode carries the parameters'
// contributions and a cause (instrument: one parameter broke the correlation structure alone;
// process: the plant moved). Its end is part of the design: an episode ends when the plant comes
// back, when it makes a large move back and settles in a new state, or after max_episode_s; the
// state it settles in is then learned as one more normal operating state.
//
// Pure: no I/O, no clock, no allocation per reading. Scratch for learning (warmup × parameters
// doubles, then as much again for the refits) is allocated when learning starts and at its end,
// and released once the model is final. Fixed-capacity arrays for up to mv_max_parameters
// parameters; O(d·k) work per reading (k retained components).

#include <wtf/detect/baseline.hpp>
#include <wtf/detect/settings.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace wtf::detect::detail {

inline constexpr std::size_t mv_max_parameters = max_joint_parameters;
inline constexpr std::size_t mv_max_vote = 64; // the vote window is one 64-bit word
inline constexpr std::size_t mv_max_states = 4;

using mv_settings = multivariate_settings;
using mv_baseline = baseline_model;
enum class mv_cause : std::uint8_t { process, instrument };

enum class mv_end : std::uint8_t {
    calm,     // the plant came back to a known state
    settled,  // a large move back, then a new state learned (drop_ratio)
    too_long, // max_episode_s, then a new state learned
};

// An episode as the detector knows it; parameters are indices (the caller has the names).
struct mv_episode {
    std::int64_t started_at_us = 0;  // first alarming reading of the excursion
    std::int64_t detected_at_us = 0; // when the vote and the minimum duration were met
    std::int64_t ended_at_us = 0;    // set on close: last calm-vote loss or the closing reading
    double peak = 0.0;               // largest statistic/alarm of the episode
    double t2_ratio = 0.0;           // T²/limit at the peak
    double q_ratio = 0.0;            // Q/limit at the peak
    // Share of the statistic at the peak per parameter (sum 1), and the order largest first.
    std::array<double, mv_max_parameters> contribution{};
    std::array<std::uint8_t, mv_max_parameters> order{};
    double residual_share = 0.0; // largest single parameter's share of Q at the peak
    std::uint8_t moving = 0;     // parameters with |standardised smoothed value| > moving_z
    mv_cause cause = mv_cause::process;
    mv_end end = mv_end::calm;
};

enum class mv_event : std::uint8_t {
    none,     // scored, nothing changed
    learning, // still in the warm-up
    learned,  // this reading completed the warm-up: the baseline is ready
    refined,  // the model was refit on the readings since the warm-up
    opened,
    updated, // new peak of the open episode (contributions and cause may change)
    closed,
    skipped, // wrong size, not finite, or not newer than the last reading: ignored
};

class mv_detector {
public:
    // Allocates the warm-up scratch. Throws std::invalid_argument on settings that fail check()
    // or parameters outside 1..mv_max_parameters.
    mv_detector(mv_settings const& s, std::size_t parameters);

    // New settings that keep the model (same_model()): thresholds, votes and adaptation apply
    // from the next reading. Settings that learn another model need a new detector.
    void retune(mv_settings const& s) noexcept;

    // One reading: exactly `parameters` values in a fixed order, `time_us` its data time.
    mv_event observe(std::int64_t time_us, std::span<double const> values) noexcept;

    // Forgets the baseline and learns again from the next readings (after maintenance).
    // Allocates the warm-up scratch.
    void relearn();
    // Uses a baseline learned elsewhere (a normal-operation file, the journal); false, and
    // nothing changed, when it does not fit this sensor's parameter count.
    bool load(mv_baseline const& b) noexcept;

    mv_settings const& settings() const noexcept { return settings_; }
    bool learned() const noexcept { return learned_; }
    std::size_t warmup_count() const noexcept { return warm_count_; }
    std::size_t refits() const noexcept { return refine_stage_; }
    std::size_t parameters() const noexcept { return d_; }
    mv_baseline const& baseline() const noexcept { return base_; }
    // The open episode, or the one that just closed (valid until the next observe).
    mv_episode const& episode() const noexcept { return episode_; }
    bool in_episode() const noexcept { return open_; }
    // Statistic/alarm of the last reading (1: at the alarm level).
    double last_statistic() const noexcept { return last_stat_; }
    // The last reading's standardised smoothed values against the nearest state.
    std::span<double const> standardised() const noexcept { return {u_.data(), d_}; }

private:
    // What a reading `dt_us` after the last one weighs: in the smoothing, in the centres'
    // adaptation and in the recent level of an episode's statistic. Worked out again only when
    // the interval changes (most sensors report at a fixed cadence) or the settings do.
    struct interval_weights {
        std::int64_t dt_us = -1; // -1: not worked out
        bool restart = false;    // the silence was long: smoothing starts again
        double smoothing = 0.0, slow_adapt = 0.0, adapt = 0.0, drop = 0.0;
    };
    interval_weights const& weights_for(std::int64_t dt_us) noexcept
    {
        return dt_us == weights_.dt_us ? weights_ : work_out_weights(dt_us);
    }
    interval_weights const& work_out_weights(std::int64_t dt_us) noexcept;

    void finish_warmup() noexcept;
    void fit_model(std::span<double> e, std::size_t m, mv_baseline& b, bool refit,
                   std::span<double> scratch) noexcept;
    void derive() noexcept;
    void reset_runtime() noexcept;
    double score(double& t2_ratio, double& q_ratio) noexcept;
    double score_state(std::size_t state, double& t2_ratio, double& q_ratio) noexcept;
    void describe_peak(double t2_ratio, double q_ratio) noexcept;
    bool refine_sample() noexcept;
    void start_new_state() noexcept;
    mv_event close(std::int64_t time_us, mv_end how) noexcept;

    mv_settings settings_;
    std::size_t d_;
    mv_baseline base_;
    bool learned_ = false;

    // Learning scratch (empty once learned): warm-up readings, then every refine_stride_-th
    // smoothed deviation for the refits.
    std::vector<std::int64_t> warm_times_;
    std::vector<double> warm_values_;
    std::size_t warm_count_ = 0;
    std::vector<double> refine_;
    std::size_t refine_stride_ = 1, refine_seen_ = 0, refine_count_ = 0, refine_stage_ = 0;

    // Operating states: centres_[0] starts as the warm-up's centre, later slots are states the
    // plant settled in after an episode; a reading is scored against the nearest.
    std::array<std::array<double, mv_max_parameters>, mv_max_states> centres_{};
    std::size_t state_count_ = 1, nearest_ = 0, next_slot_ = 1, new_slot_ = 0;

    std::array<double, mv_max_parameters> smoothed_{};  // EWMA of the raw values
    std::array<double, mv_max_parameters> inv_scale_{}; // 1/(scale·smooth_sd), 0 if inactive
    std::array<double, mv_max_parameters> u_{};         // standardised smoothed deviation
    std::array<double, mv_max_parameters> t_{};         // scores on the retained components
    std::array<double, mv_max_parameters> inv_eig_{};
    std::uint64_t high_votes_ = 0, low_votes_ = 0, vote_mask_ = 0; // bit 0: this reading
    std::int64_t last_time_ = 0, last_above_clear_ = 0, pending_since_ = 0;
    std::size_t settle_ = 0; // readings before votes count again
    double log_keep_ = 0.0;  // log(1 - lambda)
    interval_weights weights_;
    double last_stat_ = 0.0, recent_stat_ = 0.0;
    bool have_time_ = false, open_ = false, pending_ = false, learning_state_ = false;
    mv_episode episode_;
};

} // namespace wtf::detect::detail
