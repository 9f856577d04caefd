#include "detect/detail/mv_detector.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>

namespace wtf::detect::detail {

namespace {

constexpr std::size_t max_d = mv_max_parameters;
// |u| beyond this is clipped: any such value is already an alarm, and clipping keeps T² and Q
// finite (no inf - inf = NaN) for huge or absurd inputs.
constexpr double u_clip = 1e6;
// A parameter whose warm-up spread is below this share of its level (or absolute) is constant.
constexpr double constant_relative = 1e-9;
constexpr double constant_absolute = 1e-12;

double median_of(std::span<double> v) noexcept
{
    if (v.empty()) return 0.0;
    auto const mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    double m = *mid;
    if (v.size() % 2 == 0) m = (m + *std::max_element(v.begin(), mid)) / 2.0;
    return m;
}

// Quantile q in [0,1] by the nearest rank (v is reordered).
double quantile_of(std::span<double> v, double q) noexcept
{
    if (v.empty()) return 0.0;
    auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
    rank = std::clamp<std::size_t>(rank, 1, v.size()) - 1;
    auto const at = v.begin() + static_cast<std::ptrdiff_t>(rank);
    std::nth_element(v.begin(), at, v.end());
    return *at;
}

// Cyclic Jacobi on the symmetric n×n matrix a (row-major, stride max_d): eigenvalues on
// return in `values`, eigenvectors as rows of `vectors`, sorted by decreasing eigenvalue. Run
// once per learned baseline, so simplicity beats speed; it is exact to rounding for n ≤ 16.
void symmetric_eigen(std::array<double, max_d * max_d> a, std::size_t n,
                     std::array<double, max_d>& values,
                     std::array<float, max_d * max_d>& vectors) noexcept
{
    std::array<double, max_d * max_d> v{};
    for (std::size_t i = 0; i < n; ++i) v[i * max_d + i] = 1.0;
    for (int sweep = 0; sweep < 100; ++sweep) {
        double off = 0.0;
        for (std::size_t p = 0; p < n; ++p)
            for (std::size_t q = p + 1; q < n; ++q) off += a[p * max_d + q] * a[p * max_d + q];
        if (off < 1e-30) break;
        for (std::size_t p = 0; p < n; ++p) {
            for (std::size_t q = p + 1; q < n; ++q) {
                double const apq = a[p * max_d + q];
                if (std::abs(apq) < 1e-300) continue;
                double const theta = (a[q * max_d + q] - a[p * max_d + p]) / (2.0 * apq);
                double const t =
                    (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1.0));
                double const c = 1.0 / std::sqrt(t * t + 1.0);
                double const s = t * c;
                for (std::size_t k = 0; k < n; ++k) { // columns p, q
                    double const akp = a[k * max_d + p];
                    double const akq = a[k * max_d + q];
                    a[k * max_d + p] = c * akp - s * akq;
                    a[k * max_d + q] = s * akp + c * akq;
                }
                for (std::size_t k = 0; k < n; ++k) { // rows p, q
                    double const apk = a[p * max_d + k];
                    double const aqk = a[q * max_d + k];
                    a[p * max_d + k] = c * apk - s * aqk;
                    a[q * max_d + k] = s * apk + c * aqk;
                }
                for (std::size_t k = 0; k < n; ++k) { // eigenvectors as columns of v
                    double const vkp = v[k * max_d + p];
                    double const vkq = v[k * max_d + q];
                    v[k * max_d + p] = c * vkp - s * vkq;
                    v[k * max_d + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    std::array<std::size_t, max_d> order{};
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    std::sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n),
              [&](std::size_t x, std::size_t y) { return a[x * max_d + x] > a[y * max_d + y]; });
    for (std::size_t j = 0; j < n; ++j) {
        values[j] = std::max(0.0, a[order[j] * max_d + order[j]]);
        for (std::size_t i = 0; i < n; ++i)
            vectors[j * max_d + i] = static_cast<float>(v[i * max_d + order[j]]);
    }
}

} // namespace

mv_detector::mv_detector(mv_settings const& s, std::size_t parameters)
    : settings_{s}, d_{parameters}
{
    if (auto const why = s.check(); !why.empty()) throw std::invalid_argument{why};
    if (parameters < 1 || parameters > max_d)
        throw std::invalid_argument{"parameters: 1..16 per sensor"};
    retune(s);
    relearn();
}

void mv_detector::retune(mv_settings const& s) noexcept
{
    settings_ = s;
    vote_mask_ =
        settings_.vote_n >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << settings_.vote_n) - 1;
    high_votes_ &= vote_mask_;
    low_votes_ &= vote_mask_;
    log_keep_ = std::log1p(-settings_.lambda);
    weights_.dt_us = -1;
}

mv_detector::interval_weights const& mv_detector::work_out_weights(std::int64_t dt_us) noexcept
{
    double const dt = static_cast<double>(dt_us);
    double const steps = dt / static_cast<double>(base_.cadence_us);
    weights_.dt_us = dt_us;
    weights_.restart = steps > settings_.gap_reset;
    weights_.smoothing = steps <= 1.0 ? settings_.lambda : 1.0 - std::exp(steps * log_keep_);
    // The share of the way to the new value that `dt` covers with time constant `seconds`.
    auto const share = [&](double seconds) {
        return seconds > 0.0 ? std::min(1.0, dt / (seconds * 1e6)) : 0.0;
    };
    weights_.slow_adapt = share(settings_.slow_adapt_s);
    weights_.adapt = share(settings_.adapt_s);
    weights_.drop = share(settings_.drop_s);
    return weights_;
}

void mv_detector::relearn()
{
    learned_ = false;
    open_ = false;
    pending_ = false;
    have_time_ = false;
    warm_count_ = 0;
    warm_times_.assign(settings_.warmup, 0);
    warm_values_.assign(settings_.warmup * d_, 0.0);
    std::vector<double>{}.swap(refine_);
    refine_stage_ = 0;
}

bool mv_detector::load(mv_baseline const& b) noexcept
{
    if (b.parameters != d_ || b.components < 1 || b.components > d_ || b.cadence_us <= 0)
        return false;
    base_ = b;
    learned_ = true;
    open_ = false;
    pending_ = false;
    have_time_ = false; // the first reading restarts smoothing
    std::vector<std::int64_t>{}.swap(warm_times_);
    std::vector<double>{}.swap(warm_values_);
    std::vector<double>{}.swap(refine_); // a loaded baseline is not refit
    refine_stage_ = 0;
    derive();
    reset_runtime();
    return true;
}

// Per-reading constants from base_.
void mv_detector::derive() noexcept
{
    weights_.dt_us = -1; // the cadence may have changed
    for (std::size_t i = 0; i < d_; ++i) {
        double const s = base_.scale[i] * base_.smooth_sd[i];
        inv_scale_[i] = base_.active[i] && s > 0.0 ? 1.0 / s : 0.0;
    }
    for (std::size_t j = 0; j < base_.components; ++j)
        inv_eig_[j] = 1.0 / std::max(base_.eigenvalue[j], 1e-9);
}

void mv_detector::reset_runtime() noexcept
{
    high_votes_ = low_votes_ = 0;
    settle_ = 0;
    learning_state_ = false;
    centres_[0] = base_.centre;
    state_count_ = 1;
    nearest_ = 0;
    next_slot_ = 1;
}

void mv_detector::finish_warmup() noexcept
{
    std::size_t const n = warm_count_;
    auto const at = [&](std::size_t row, std::size_t i) { return warm_values_[row * d_ + i]; };
    mv_baseline b;
    b.parameters = d_;

    // Cadence: the median interval, so one long pause does not set it.
    std::vector<double> column(n);
    for (std::size_t r = 1; r < n; ++r)
        column[r - 1] = static_cast<double>(warm_times_[r] - warm_times_[r - 1]);
    b.cadence_us =
        std::max<std::int64_t>(1, std::llround(median_of(std::span<double>{column.data(), n - 1})));

    // Robust centre and scale; a constant parameter leaves the model (the per-parameter
    // flatline and jump rules still watch it).
    for (std::size_t i = 0; i < d_; ++i) {
        // Spreads are computed on values divided by their largest distance from the first, so
        // squares of huge readings (1e300) do not overflow.
        double unit = 0.0;
        for (std::size_t r = 0; r < n; ++r) unit = std::max(unit, std::abs(at(r, i) - at(0, i)));
        if (!(unit > 0.0) || !std::isfinite(unit)) unit = 1.0;
        auto const x = [&](std::size_t r) { return (at(r, i) - at(0, i)) / unit; };
        double mean = 0.0;
        for (std::size_t r = 0; r < n; ++r) mean += x(r);
        mean /= static_cast<double>(n);
        double var = 0.0, step_var = 0.0;
        for (std::size_t r = 0; r < n; ++r) var += (x(r) - mean) * (x(r) - mean);
        for (std::size_t r = 1; r < n; ++r) step_var += (x(r) - x(r - 1)) * (x(r) - x(r - 1));
        var /= static_cast<double>(n);
        step_var /= static_cast<double>(n - 1);
        for (std::size_t r = 0; r < n; ++r) column[r] = at(r, i);
        double const med = median_of(column);
        for (std::size_t r = 0; r < n; ++r) column[r] = std::abs(at(r, i) - med);
        double const mad = 1.4826 * median_of(column);
        b.centre[i] = med;
        b.scale[i] = std::max(mad, unit * std::sqrt(var));
        b.active[i] = std::isfinite(b.scale[i]) &&
                      b.scale[i] > std::max(constant_absolute, constant_relative * std::abs(med));
        // White noise has var(Δx) = 2·var(x); an integrating or trending parameter far less.
        b.slow[i] = b.active[i] && step_var < settings_.slow_ratio * 2.0 * var;
    }

    // Smoothed deviations in units of each scale, after the EWMA has forgotten its start.
    double const lambda = settings_.lambda;
    std::size_t const burn =
        std::min<std::size_t>(static_cast<std::size_t>(std::ceil(3.0 / lambda)), n / 4);
    std::size_t const m = n - burn;
    std::vector<double> e(m * d_ + 2 * m, 0.0); // deviations, then the limits' scratch
    for (std::size_t i = 0; i < d_; ++i) smoothed_[i] = at(0, i);
    for (std::size_t r = 0; r < n; ++r)
        for (std::size_t i = 0; i < d_; ++i) {
            smoothed_[i] += lambda * (at(r, i) - smoothed_[i]);
            if (r >= burn && b.active[i])
                e[(r - burn) * d_ + i] = (smoothed_[i] - b.centre[i]) / b.scale[i];
        }
    fit_model(std::span<double>{e}.first(m * d_), m, b, false,
              std::span<double>{e}.subspan(m * d_));
    base_ = b;
    derive();
    reset_runtime();
    learned_ = true;
    std::vector<std::int64_t>{}.swap(warm_times_);
    std::vector<double>{}.swap(warm_values_);
    if (settings_.refine_after > 0) {
        // Samples, then the limits' scratch: a refit allocates nothing.
        refine_.assign(settings_.warmup * d_ + 2 * settings_.warmup, 0.0);
        refine_stride_ = std::max<std::size_t>(1, settings_.refine_after / settings_.warmup);
        refine_seen_ = refine_count_ = refine_stage_ = 0;
    }
}

// The smoothed spread, components and limits from m smoothed deviations `e` (rows of d_, in
// units of each parameter's scale; divided in place). A refit never narrows a spread: it
// learns how far normal operation wanders beyond what the warm-up showed.
void mv_detector::fit_model(std::span<double> e, std::size_t m, mv_baseline& b, bool refit,
                            std::span<double> scratch) noexcept
{
    double const white = std::sqrt(settings_.lambda / (2.0 - settings_.lambda));
    std::size_t active = 0;
    for (std::size_t i = 0; i < d_; ++i) {
        if (!b.active[i]) continue;
        ++active;
        double mean = 0.0, var = 0.0;
        for (std::size_t r = 0; r < m; ++r) mean += e[r * d_ + i];
        mean /= static_cast<double>(m);
        for (std::size_t r = 0; r < m; ++r) var += (e[r * d_ + i] - mean) * (e[r * d_ + i] - mean);
        // Never below the spread white noise would have after smoothing: a quiet warm-up must
        // not make the detector hair-triggered.
        double sd = std::max(std::sqrt(var / static_cast<double>(m)), white);
        if (refit) sd = std::clamp(sd, b.smooth_sd[i], settings_.refine_max_widen * b.smooth_sd[i]);
        b.smooth_sd[i] = sd;
        for (std::size_t r = 0; r < m; ++r) e[r * d_ + i] /= sd;
    }

    // Correlation of the standardised smoothed vectors and its principal components.
    std::array<double, max_d * max_d> corr{};
    std::array<double, max_d> mean{};
    for (std::size_t r = 0; r < m; ++r)
        for (std::size_t i = 0; i < d_; ++i) mean[i] += e[r * d_ + i];
    for (std::size_t i = 0; i < d_; ++i) mean[i] /= static_cast<double>(m);
    for (std::size_t r = 0; r < m; ++r)
        for (std::size_t i = 0; i < d_; ++i)
            for (std::size_t j = 0; j <= i; ++j)
                corr[i * max_d + j] += (e[r * d_ + i] - mean[i]) * (e[r * d_ + j] - mean[j]);
    std::array<double, max_d> sd{};
    for (std::size_t i = 0; i < d_; ++i) sd[i] = std::sqrt(corr[i * max_d + i]);
    for (std::size_t i = 0; i < d_; ++i)
        for (std::size_t j = 0; j <= i; ++j) {
            double c = 0.0;
            if (sd[i] > 0.0 && sd[j] > 0.0)
                c = corr[i * max_d + j] / (sd[i] * sd[j]);
            else if (i == j && b.active[i])
                c = 1.0;
            corr[i * max_d + j] = corr[j * max_d + i] = c;
        }
    symmetric_eigen(corr, d_, b.eigenvalue, b.loading);
    std::size_t k = 0;
    double cum = 0.0;
    double const total = static_cast<double>(std::max<std::size_t>(active, 1));
    while (k < d_ && cum < settings_.variance_kept * total - 1e-12) cum += b.eigenvalue[k++];
    k = std::max<std::size_t>(k, 1);
    // Keep a residual space whenever two or more parameters live: Q is what tells an
    // instrument from the process.
    if (active > 1) k = std::min(k, active - 1);
    b.components = k;

    // Limits: the calibration quantile of T² and Q over the same samples.
    std::array<double, max_d> inv_eig{};
    for (std::size_t j = 0; j < k; ++j) inv_eig[j] = 1.0 / std::max(b.eigenvalue[j], 1e-9);
    // `scratch` holds 2·m values: no allocation when a refit runs on the hot path.
    auto const t2 = scratch.subspan(0, m);
    auto const q = scratch.subspan(m, m);
    for (std::size_t r = 0; r < m; ++r) {
        double total_sq = 0.0, t2r = 0.0, tsq = 0.0;
        for (std::size_t i = 0; i < d_; ++i) total_sq += e[r * d_ + i] * e[r * d_ + i];
        for (std::size_t j = 0; j < k; ++j) {
            double t = 0.0;
            for (std::size_t i = 0; i < d_; ++i)
                t += static_cast<double>(b.loading[j * max_d + i]) * e[r * d_ + i];
            t2r += t * t * inv_eig[j];
            tsq += t * t;
        }
        t2[r] = t2r;
        q[r] = std::max(0.0, total_sq - tsq);
    }
    b.t2_limit = std::max(quantile_of(t2, settings_.calibration_q), 1e-6);
    b.q_limit = active > k ? std::max(quantile_of(q, settings_.calibration_q), 1e-6) : 0.0;
}

double mv_detector::score(double& t2_ratio, double& q_ratio) noexcept
{
    double best = score_state(0, t2_ratio, q_ratio);
    nearest_ = 0;
    for (std::size_t s = 1; s < state_count_; ++s) {
        double t2 = 0.0, q = 0.0;
        double const v = score_state(s, t2, q);
        if (v < best) best = v, t2_ratio = t2, q_ratio = q, nearest_ = s;
    }
    // u_ and t_ must describe the nearest state (contributions, moving parameters).
    if (nearest_ != state_count_ - 1) score_state(nearest_, t2_ratio, q_ratio);
    return best;
}

double mv_detector::score_state(std::size_t state, double& t2_ratio, double& q_ratio) noexcept
{
    auto const& centre = centres_[state];
    double total_sq = 0.0;
    for (std::size_t i = 0; i < d_; ++i) {
        double const v = std::clamp((smoothed_[i] - centre[i]) * inv_scale_[i], -u_clip, u_clip);
        u_[i] = v;
        total_sq += v * v;
    }
    double t2 = 0.0, tsq = 0.0;
    for (std::size_t j = 0; j < base_.components; ++j) {
        float const* p = &base_.loading[j * max_d];
        double t = 0.0;
        for (std::size_t i = 0; i < d_; ++i) t += static_cast<double>(p[i]) * u_[i];
        t_[j] = t;
        t2 += t * t * inv_eig_[j];
        tsq += t * t;
    }
    t2_ratio = t2 / base_.t2_limit;
    q_ratio = base_.q_limit > 0.0 ? std::max(0.0, total_sq - tsq) / base_.q_limit : 0.0;
    return std::max(t2_ratio, q_ratio);
}

// Contributions, moving parameters and the cause at a new peak (O(d·k), only at peaks).
void mv_detector::describe_peak(double t2_ratio, double q_ratio) noexcept
{
    // T² part of parameter i: u_i·Σ_j p_ji·t_j/λ_j (the complete decomposition, negative parts
    // dropped); Q part: its residual r_i². Each over its own limit, so the two compare.
    std::array<double, max_d> c{}, residual{};
    double sum = 0.0, residual_sum = 0.0;
    std::uint8_t moving = 0;
    for (std::size_t i = 0; i < d_; ++i) {
        double back = 0.0, weighted = 0.0;
        for (std::size_t j = 0; j < base_.components; ++j) {
            double const p = static_cast<double>(base_.loading[j * max_d + i]);
            back += p * t_[j];
            weighted += p * t_[j] * inv_eig_[j];
        }
        residual[i] = (u_[i] - back) * (u_[i] - back);
        residual_sum += residual[i];
        c[i] = std::max(0.0, u_[i] * weighted) / base_.t2_limit +
               (base_.q_limit > 0.0 ? residual[i] / base_.q_limit : 0.0);
        sum += c[i];
        if (std::abs(u_[i]) > settings_.moving_z) ++moving;
    }
    std::size_t top_residual = 0;
    for (std::size_t i = 0; i < d_; ++i) {
        episode_.contribution[i] = sum > 0.0 ? c[i] / sum : 0.0;
        episode_.order[i] = static_cast<std::uint8_t>(i);
        if (residual[i] > residual[top_residual]) top_residual = i;
    }
    // Insertion sort, largest first, stable: std::stable_sort may allocate a buffer.
    for (std::size_t i = 1; i < d_; ++i) {
        auto const moved = episode_.order[i];
        std::size_t j = i;
        for (; j > 0 && episode_.contribution[episode_.order[j - 1]] < episode_.contribution[moved];
             --j)
            episode_.order[j] = episode_.order[j - 1];
        episode_.order[j] = moved;
    }
    episode_.t2_ratio = t2_ratio;
    episode_.q_ratio = q_ratio;
    episode_.moving = moving;
    episode_.residual_share = residual_sum > 0.0 ? residual[top_residual] / residual_sum : 0.0;
    // Instrument: the residual (a break of the correlation structure) dominates and a single
    // parameter is to blame: the one that moved while its related ones stayed, or, when none
    // moved far, the one carrying most of the residual. (With two correlated parameters the
    // residual alone is shared half and half; only "which one moved" tells them apart.)
    // Anything else is the process: a move the components explain (T²), or several parameters
    // moving together.
    bool const one_to_blame =
        moving == 1 || (moving == 0 && episode_.residual_share >= settings_.instrument_share);
    episode_.cause = q_ratio >= t2_ratio && one_to_blame ? mv_cause::instrument : mv_cause::process;
}

// Stores every refine_stride_-th smoothed deviation from the nearest state; true when a
// stage is complete and the model was refit.
bool mv_detector::refine_sample() noexcept
{
    if (++refine_seen_ % refine_stride_ == 0 && refine_count_ < settings_.warmup) {
        for (std::size_t i = 0; i < d_; ++i)
            refine_[refine_count_ * d_ + i] = u_[i] * base_.smooth_sd[i];
        ++refine_count_;
    }
    if (refine_seen_ < refine_stride_ * settings_.warmup) return false;
    mv_baseline b = base_;
    std::span<double> const all{refine_};
    fit_model(all.first(refine_count_ * d_), refine_count_, b, true,
              all.subspan(settings_.warmup * d_));
    base_ = b;
    derive();
    // The next stage spans twice the readings, until refine_stages are done.
    if (++refine_stage_ < settings_.refine_stages) {
        refine_stride_ *= 2;
        refine_seen_ = refine_count_ = 0;
    } else {
        std::vector<double>{}.swap(refine_);
    }
    return true;
}

// The state the plant settles in is learned over settle_s (votes paused): a slot of its own
// when more than one state is kept, else the warm-up's centre moves.
void mv_detector::start_new_state() noexcept
{
    if (settings_.states <= 1) {
        new_slot_ = 0;
    } else {
        new_slot_ = next_slot_;
        next_slot_ = next_slot_ + 1 < settings_.states ? next_slot_ + 1 : 1;
        state_count_ = std::max(state_count_, new_slot_ + 1);
    }
    learning_state_ = true;
    settle_ =
        std::max<std::size_t>(1, static_cast<std::size_t>(settings_.settle_s * 1e6 /
                                                          static_cast<double>(base_.cadence_us)));
    high_votes_ = low_votes_ = 0;
}

mv_event mv_detector::close(std::int64_t time_us, mv_end how) noexcept
{
    open_ = false;
    episode_.end = how;
    if (how == mv_end::calm) {
        // It ended when the readings above the clear level stopped, not when the vote noticed.
        episode_.ended_at_us = std::max(last_above_clear_, episode_.started_at_us);
    } else {
        episode_.ended_at_us = time_us;
        start_new_state();
    }
    return mv_event::closed;
}

mv_event mv_detector::observe(std::int64_t time_us, std::span<double const> values) noexcept
{
    if (values.size() != d_) return mv_event::skipped;
    for (double v : values)
        if (!std::isfinite(v)) return mv_event::skipped;
    if (have_time_ && time_us <= last_time_) return mv_event::skipped;

    if (!learned_) {
        warm_times_[warm_count_] = time_us;
        std::copy(values.begin(), values.end(),
                  warm_values_.begin() + static_cast<std::ptrdiff_t>(warm_count_ * d_));
        have_time_ = true;
        last_time_ = time_us;
        if (++warm_count_ < settings_.warmup) return mv_event::learning;
        finish_warmup();
        return mv_event::learned;
    }

    // Smoothing in data time: a reading after a short pause weighs as the readings it stands
    // for; after a long silence the smoothed state is stale, so it restarts from this reading
    // and votes wait until it has settled.
    auto const& w = weights_for(have_time_ ? time_us - last_time_ : 0);
    if (!have_time_ || w.restart) {
        std::copy(values.begin(), values.end(), smoothed_.begin());
        settle_ = std::max(settle_, static_cast<std::size_t>(std::ceil(2.0 / settings_.lambda)));
    } else {
        for (std::size_t i = 0; i < d_; ++i)
            smoothed_[i] += w.smoothing * (values[i] - smoothed_[i]);
    }
    have_time_ = true;
    last_time_ = time_us;

    double t2_ratio = 0.0, q_ratio = 0.0;
    double const stat = score(t2_ratio, q_ratio) / settings_.alarm;
    last_stat_ = stat;
    bool const refined = !refine_.empty() && refine_sample();

    bool const settling = settle_ > 0;
    if (settling) {
        --settle_;
        if (learning_state_) {
            centres_[new_slot_] = smoothed_;
            learning_state_ = settle_ > 0;
        }
    }
    bool const high = !settling && stat > 1.0;
    bool const low = !settling && stat > settings_.clear;
    high_votes_ = ((high_votes_ << 1) | (high ? 1u : 0u)) & vote_mask_;
    low_votes_ = ((low_votes_ << 1) | (low ? 1u : 0u)) & vote_mask_;
    if (low) last_above_clear_ = time_us;

    // The centre follows the plant: integrating parameters always (their level alone must not
    // hold an episode open), all parameters slowly while calm (normal operation drifts).
    if (!learning_state_) {
        auto& centre = centres_[nearest_];
        if (settings_.slow_adapt_s > 0.0) {
            for (std::size_t i = 0; i < d_; ++i)
                if (base_.slow[i]) centre[i] += w.slow_adapt * (smoothed_[i] - centre[i]);
        }
        if (settings_.adapt_s > 0.0 && !open_ && stat < settings_.guard) {
            for (std::size_t i = 0; i < d_; ++i) centre[i] += w.adapt * (smoothed_[i] - centre[i]);
        }
    }

    auto const k = settings_.vote_k;
    auto const votes = [](std::uint64_t bits) {
        return static_cast<std::size_t>(std::popcount(bits));
    };
    if (!open_) {
        // An excursion is pending from its first alarming reading until it dies out; it becomes
        // an episode once the alarming readings win the vote and it has lasted min_duration_s.
        if (!pending_ && high) {
            pending_ = true;
            pending_since_ = time_us;
        } else if (pending_ && high_votes_ == 0 && votes(low_votes_) < k) {
            pending_ = false;
        }
        // The excursion must still be going on: the vote remembers readings that are over.
        if (!pending_ || !low || votes(high_votes_) < k ||
            static_cast<double>(time_us - pending_since_) < settings_.min_duration_s * 1e6)
            return refined ? mv_event::refined : mv_event::none;
        pending_ = false;
        open_ = true;
        episode_ = mv_episode{};
        episode_.started_at_us = pending_since_;
        episode_.detected_at_us = time_us;
        episode_.peak = stat;
        recent_stat_ = stat;
        describe_peak(t2_ratio, q_ratio);
        return mv_event::opened;
    }

    if (votes(low_votes_) < k) return close(time_us, mv_end::calm);
    double const age_s = static_cast<double>(time_us - episode_.detected_at_us) / 1e6;
    // A large move back towards normal that stops short of it: the fault ended and left the
    // plant in a new state (an integrator still warm, a flow at a new level).
    if (settings_.drop_ratio > 0.0) {
        bool const dropped =
            age_s >= settings_.drop_s && stat < settings_.drop_ratio * recent_stat_;
        recent_stat_ += w.drop * (stat - recent_stat_);
        if (dropped) return close(time_us, mv_end::settled);
    }
    if (settings_.max_episode_s > 0.0 &&
        static_cast<double>(time_us - episode_.started_at_us) > settings_.max_episode_s * 1e6)
        return close(time_us, mv_end::too_long);
    if (stat > episode_.peak) {
        episode_.peak = stat;
        describe_peak(t2_ratio, q_ratio);
        return mv_event::updated;
    }
    return refined ? mv_event::refined : mv_event::none;
}

} // namespace wtf::detect::detail
