#include "sources/detail/random.hpp"

#include <wtf/core/periodic.hpp>
#include <wtf/sources/generator.hpp>

#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <utility>

namespace wtf::sources {

namespace asio = boost::asio;

std::vector<generated_parameter> generated_parameters(detect::settings const& d)
{
    std::vector<generated_parameter> out;
    out.reserve(d.parameters.size());
    for (auto const& p : d.parameters) out.push_back({p.name, p.spike, p.normal});
    return out;
}

namespace {

// Normal operation: an Ornstein-Uhlenbeck walk in step units. Each step closes `reversion` of
// the distance to the middle of the normal band and adds noise of `noise` band widths; the
// stationary spread is then about 0.07 widths, so the clamp below rarely bites. A controlled
// plant's flow and pressure come back to their set point within seconds: the variance of the
// walk's step-to-step change is a fifth of twice its own variance, twice the share below which
// the multivariate detector takes a quantity for integrating (detect.multivariate.slow_ratio,
// 0.1) and lets its centre follow, which would hide a closing valve.
constexpr double reversion = 0.2;
constexpr double noise = 0.04;
// Normal values keep this fraction of the band's width away from its edges, so normal
// operation raises nothing.
constexpr double normal_margin = 0.15;
// A spike lands this far (fractions of the spike band's width) outside the spike band.
constexpr double spike_min = 0.05;
constexpr double spike_max = 0.25;
// A drift sits between the normal and the spike band's edges, at least `drift_margin` of the
// gap away from both, aimed at the middle part of the gap, with a little noise.
constexpr double drift_margin = 0.10;
constexpr double drift_aim = 0.20;
constexpr double drift_noise = 0.03;
// Episode lengths in seconds of model time.
constexpr double drift_min_s = 15.0;
constexpr double drift_max_s = 45.0;
constexpr double dropout_min_s = 10.0;
constexpr double dropout_max_s = 30.0;
// A stuck transmitter repeats its last value for longer than the flatline rule's 300 s.
constexpr double stuck_min_s = 360.0;
constexpr double stuck_max_s = 600.0;
// A jumping transmitter reads this many normal-band widths off, towards the band's farther
// side (a fifth of a width per second is the jump rule's default limit: half a width in one
// 2 s interval exceeds it), then reads right again within a few readings.
constexpr double jump_size = 0.5;
constexpr double jump_min_s = 4.0;
constexpr double jump_max_s = 12.0;
// A closing valve: flow falls and pressure rises by this share of their normal bands' widths
// (about 6 times their normal spread, clamped inside the bands), ramping in and out over
// valve_ramp_s.
constexpr double valve_shift = 0.4;
constexpr double valve_ramp_s = 20.0;
constexpr double valve_min_s = 240.0;
constexpr double valve_max_s = 420.0;
// Valves stay open for the first steps of a run: the multivariate detector learns each sensor's
// normal operation from its first readings (detect.multivariate.warmup, 400 by default), and a
// valve closed then would be learned as normal. Half as many again lets the smoothing settle.
constexpr std::uint64_t valve_quiet_steps = 600;

double round1(double v) noexcept { return std::round(v * 10.0) / 10.0; }
double ceil1(double v) noexcept { return std::ceil(v * 10.0) / 10.0; }
double floor1(double v) noexcept { return std::floor(v * 10.0) / 10.0; }

// `v` (inside [low, high]) rounded to one decimal without leaving [low, high]; unrounded when
// no one-decimal value fits.
double round_within(double v, double low, double high) noexcept
{
    double r = round1(v);
    if (r < low) r = ceil1(low);
    if (r > high) r = floor1(high);
    return r >= low && r <= high ? r : v;
}

std::chrono::milliseconds model_seconds(double s)
{
    return std::chrono::milliseconds{std::llround(s * 1000.0)};
}

enum class episode_kind { none, spike, drift, dropout, stuck, jump, valve };

struct sensor_state {
    explicit sensor_state(detail::xoshiro256 r) noexcept : rng{r} {}

    detail::xoshiro256 rng;
    std::vector<double> level; // the underlying normal value of each parameter
    episode_kind episode = episode_kind::none;
    std::chrono::milliseconds episode_end{0}; // model time
    std::size_t parameter = 0;                // of a spike or drift
    double target = 0.0;                      // spike value, drift's aim, stuck value, jump offset
    std::chrono::milliseconds episode_start{0}; // model time (valve ramps)
    bool holding = false;                       // stuck: target holds the value
    core::band allowed;                         // where the drift's values may fall
};

} // namespace

struct generator_model::impl {
    generator_settings settings;
    std::vector<generated_parameter> params;
    std::vector<sensor_state> sensors;
    std::vector<core::measurement> values; // one reading's, reused every step
    std::uint64_t steps = 0;
    double p_spike = 0.0;
    double p_drift = 0.0;
    double p_dropout = 0.0;
    double p_stuck = 0.0;
    double p_jump = 0.0;
    double p_valve = 0.0;
    std::optional<std::size_t> flow, pressure; // the valve moves these two

    void start_episode(sensor_state& s, std::chrono::milliseconds now);
    void start_spike(sensor_state& s);
    void start_drift(sensor_state& s, std::chrono::milliseconds now);
    void start_jump(sensor_state& s, std::chrono::milliseconds now);
};

void generator_model::impl::start_episode(sensor_state& s, std::chrono::milliseconds now)
{
    double const u = s.rng.uniform();
    if (params.empty()) return; // nothing to spike or drift, and no reading to drop
    if (u < p_spike) {
        start_spike(s);
    } else if (u < p_spike + p_drift) {
        start_drift(s, now);
    } else if (u < p_spike + p_drift + p_dropout) {
        s.episode = episode_kind::dropout;
        s.episode_end = now + model_seconds(s.rng.uniform(dropout_min_s, dropout_max_s));
    } else if (u < p_spike + p_drift + p_dropout + p_stuck) {
        s.parameter = s.rng.index(params.size());
        s.holding = false;
        s.episode = episode_kind::stuck;
        s.episode_end = now + model_seconds(s.rng.uniform(stuck_min_s, stuck_max_s));
    } else if (u < p_spike + p_drift + p_dropout + p_stuck + p_jump) {
        start_jump(s, now);
    } else if (u < p_spike + p_drift + p_dropout + p_stuck + p_jump + p_valve) {
        double const length = s.rng.uniform(valve_min_s, valve_max_s);
        if (!flow || !pressure) return; // no valve to close without both quantities
        if (steps < valve_quiet_steps) return;
        s.episode = episode_kind::valve;
        s.episode_start = now;
        s.episode_end = now + model_seconds(length);
    }
}

void generator_model::impl::start_jump(sensor_state& s, std::chrono::milliseconds now)
{
    s.parameter = s.rng.index(params.size());
    auto const& band = params[s.parameter].normal;
    double const width = band.high - band.low;
    double const middle = (band.low + band.high) / 2.0;
    // Towards the farther side, so the wrong reading stays inside the normal band.
    s.target = (s.level[s.parameter] < middle ? 1.0 : -1.0) * jump_size * width;
    s.episode = episode_kind::jump;
    s.episode_end = now + model_seconds(s.rng.uniform(jump_min_s, jump_max_s));
}

// The closing valve's share of its full shift now: ramps in, holds, ramps out.
double valve_share(std::chrono::milliseconds start, std::chrono::milliseconds end,
                   std::chrono::milliseconds now)
{
    double const since = std::chrono::duration<double>(now - start).count();
    double const until = std::chrono::duration<double>(end - now).count();
    return std::clamp(std::min(since, until) / valve_ramp_s, 0.0, 1.0);
}

void generator_model::impl::start_spike(sensor_state& s)
{
    s.parameter = s.rng.index(params.size());
    auto const& band = params[s.parameter].spike;
    bool up = s.rng.coin();
    double const fraction = s.rng.uniform(spike_min, spike_max);
    double const width = band.high - band.low;
    // Quantities whose spike band starts at or above zero (pressure, flow) never go negative:
    // the seed generator's negative pressures were physically impossible.
    double reach = width;
    if (!up && band.low >= 0.0) {
        reach = std::min(width, band.low);
        if (reach <= 0.0) {
            up = true;
            reach = width;
        }
    }
    double const exact = up ? band.high + fraction * reach : band.low - fraction * reach;
    double const rounded = up ? ceil1(exact) : floor1(exact); // rounding never lands inside
    s.target = band.contains(rounded) ? exact : rounded;
    s.episode = episode_kind::spike;
}

void generator_model::impl::start_drift(sensor_state& s, std::chrono::milliseconds now)
{
    s.parameter = s.rng.index(params.size());
    auto const& p = params[s.parameter];
    double const gap_up = p.spike.high - p.normal.high;
    double const gap_down = p.normal.low - p.spike.low;
    bool up = s.rng.coin();
    if (up && gap_up <= 0.0) up = false;
    if (!up && gap_down <= 0.0) up = gap_up > 0.0;
    if (up ? gap_up <= 0.0 : gap_down <= 0.0) return; // no room between the bands

    double const gap = up ? gap_up : gap_down;
    double const edge = up ? p.normal.high : p.normal.low;
    double const sign = up ? 1.0 : -1.0;
    double const a = edge + sign * drift_margin * gap;
    double const b = edge + sign * (1.0 - drift_margin) * gap;
    s.allowed = {std::min(a, b), std::max(a, b)};
    s.target = edge + sign * s.rng.uniform(drift_aim, 1.0 - drift_aim) * gap;
    s.episode = episode_kind::drift;
    s.episode_end = now + model_seconds(s.rng.uniform(drift_min_s, drift_max_s));
}

generator_model::generator_model(generator_settings const& s,
                                 std::vector<generated_parameter> params)
    : impl_{std::make_unique<impl>()}
{
    if (s.interval <= std::chrono::milliseconds::zero())
        throw std::invalid_argument{"generator interval must be positive"};
    auto& m = *impl_;
    m.settings = s;
    m.params = std::move(params);

    double const interval_hours =
        std::chrono::duration<double, std::ratio<3600>>{s.interval}.count();
    m.p_spike = std::max(0.0, s.spikes_per_hour) * interval_hours;
    m.p_drift = std::max(0.0, s.drifts_per_hour) * interval_hours;
    m.p_dropout = std::max(0.0, s.dropouts_per_hour) * interval_hours;
    m.p_stuck = std::max(0.0, s.stucks_per_hour) * interval_hours;
    m.p_jump = std::max(0.0, s.jumps_per_hour) * interval_hours;
    m.p_valve = std::max(0.0, s.valve_closings_per_hour) * interval_hours;

    m.values.reserve(m.params.size());
    for (auto const& p : m.params) m.values.push_back({p.name, 0.0});
    for (std::size_t k = 0; k < m.params.size(); ++k) {
        if (m.params[k].name == "flow") m.flow = k;
        if (m.params[k].name == "pressure") m.pressure = k;
    }

    // Sensor i draws from the i-th of the seed's non-overlapping xoshiro streams, so adding a
    // sensor leaves the others' readings unchanged.
    detail::xoshiro256 stream{s.seed};
    m.sensors.reserve(m.settings.sensors.size());
    for (std::size_t i = 0; i < m.settings.sensors.size(); ++i) {
        auto& sensor = m.sensors.emplace_back(stream);
        stream.jump();
        sensor.level.reserve(m.params.size());
        for (auto const& p : m.params) {
            double const middle = (p.normal.low + p.normal.high) / 2.0;
            double const width = p.normal.high - p.normal.low;
            sensor.level.push_back(middle + noise * width * sensor.rng.normal());
        }
    }
}

generator_model::~generator_model() = default;
generator_model::generator_model(generator_model&&) noexcept = default;

void generator_model::step(core::timestamp t, std::function<void(core::reading const&)> const& emit)
{
    auto& m = *impl_;
    auto const now = m.settings.interval * static_cast<std::chrono::milliseconds::rep>(m.steps);
    ++m.steps;

    for (std::size_t i = 0; i < m.sensors.size(); ++i) {
        auto& s = m.sensors[i];
        for (std::size_t k = 0; k < m.params.size(); ++k) {
            auto const& band = m.params[k].normal;
            double const middle = (band.low + band.high) / 2.0;
            double const width = band.high - band.low;
            double& x = s.level[k];
            x += reversion * (middle - x) + noise * width * s.rng.normal();
            // min/max rather than std::clamp: a misconfigured, inverted band must not be UB.
            x = std::max(band.low + normal_margin * width,
                         std::min(x, band.high - normal_margin * width));
        }

        // A spike lasts one step; drifts and dropouts until their end in model time. A new
        // episode starts only on a step after the last one ended, so episodes never overlap.
        bool const was_idle = s.episode == episode_kind::none;
        if (s.episode == episode_kind::spike ||
            (s.episode != episode_kind::none && now >= s.episode_end))
            s.episode = episode_kind::none;
        if (was_idle) m.start_episode(s, now);

        if (s.episode == episode_kind::dropout || m.params.empty()) continue;

        for (std::size_t k = 0; k < m.params.size(); ++k) {
            auto const& band = m.params[k].normal;
            m.values[k].value = round_within(s.level[k], band.low, band.high);
        }
        if (s.episode == episode_kind::spike) {
            m.values[s.parameter].value = s.target;
        } else if (s.episode == episode_kind::stuck) {
            if (!s.holding) s.target = m.values[s.parameter].value;
            s.holding = true;
            m.values[s.parameter].value = s.target;
        } else if (s.episode == episode_kind::jump) {
            auto const& band = m.params[s.parameter].normal;
            m.values[s.parameter].value =
                round_within(std::clamp(s.level[s.parameter] + s.target, band.low, band.high),
                             band.low, band.high);
        } else if (s.episode == episode_kind::valve) {
            // Flow down, pressure up, together, inside their normal bands.
            double const share = valve_share(s.episode_start, s.episode_end, now);
            for (auto const& [k, sign] : {std::pair{*m.flow, -1.0}, std::pair{*m.pressure, 1.0}}) {
                auto const& band = m.params[k].normal;
                double const width = band.high - band.low;
                double const v = std::clamp(s.level[k] + sign * share * valve_shift * width,
                                            band.low + 0.05 * width, band.high - 0.05 * width);
                m.values[k].value = round_within(v, band.low, band.high);
            }
        } else if (s.episode == episode_kind::drift) {
            double const gap = s.allowed.high - s.allowed.low;
            double const v = std::clamp(s.target + drift_noise * gap * s.rng.normal(),
                                        s.allowed.low, s.allowed.high);
            m.values[s.parameter].value = round_within(v, s.allowed.low, s.allowed.high);
        }
        emit(core::reading{m.settings.sensors[i], t, m.values});
    }
}

generator::generator(generator_settings s, std::vector<generated_parameter> params,
                     sources::sink& sink)
    : settings_{std::move(s)}, params_{std::move(params)}, sink_{sink}
{}

asio::awaitable<void> generator::run()
{
    // Disabled: nothing to do until a reload interrupts the wait.
    constexpr auto idle_period = std::chrono::hours{24};
    auto const ex = co_await asio::this_coro::executor;
    for (;;) {
        restart_ = false;
        std::optional<generator_model> model;
        if (settings_.enabled) model.emplace(settings_, params_);
        core::periodic schedule{ex, model ? std::chrono::steady_clock::duration{settings_.interval}
                                          : idle_period};
        schedule_ = &schedule;
        // Each reading alone: a generated reading is always valid, and one that is refused
        // (max_sensors reached) must not take its siblings with it.
        auto const deliver = [this](core::reading const& r) {
            sink_.ingest(std::span{&r, 1}, core::source::generator, core::now());
        };
        if (model) model->step(core::now(), deliver);
        for (;;) {
            bool const ticked = co_await schedule.next();
            // A reload may come after the timer fired but before this resumed: check it too.
            if (!ticked || restart_) break;
            if (model) model->step(core::now(), deliver);
        }
        schedule_ = nullptr;
        if (!restart_) co_return; // cancelled
    }
}

core::reload_effect generator::apply(generator_settings const& s,
                                     std::vector<generated_parameter> params)
{
    if (s == settings_ && params == params_) return core::reload_effect::unchanged;
    settings_ = s;
    params_ = std::move(params);
    restart_ = true;
    if (schedule_) schedule_->interrupt();
    return core::reload_effect::applied;
}

} // namespace wtf::sources
