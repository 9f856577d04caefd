#include <wtf/detect/settings.hpp>

namespace wtf::detect {

namespace {

// The per-series rules for the seed generator's plant. None of them fired in 100 simulated
// sensor-days of its normal operation (the "[.measure]" unit test): a jump of more than a fifth
// of the normal band's width per second, 300 s without a change (pressure is read to 0.1 bar),
// |z| over 5 for 10 readings. The valid ranges are what the physics allows.
parameter_rules seed_parameter(std::string name, std::string unit, core::band spike,
                               core::band normal, double clear_margin, core::band valid)
{
    parameter_rules p;
    p.name = std::move(name);
    p.unit = std::move(unit);
    p.spike = spike;
    p.normal = normal;
    p.clear_margin = clear_margin;
    p.valid = valid;
    p.max_rate_per_s = 0.2 * (normal.high - normal.low);
    p.flat_for = std::chrono::seconds{300};
    p.deviation_z = 5.0;
    return p;
}

} // namespace

std::vector<parameter_rules> settings::default_parameters()
{
    // The seed system's thresholds. The clear margins are about 5 % of each normal band's
    // width: enough to stop a noisy value at a band edge from opening episode after episode.
    return {
        seed_parameter("temperature", "°C", {5.0, 40.0}, {10.0, 35.0}, 0.5, {-20.0, 120.0}),
        seed_parameter("pressure", "bar", {0.5, 4.0}, {1.0, 3.0}, 0.1, {0.0, 40.0}),
        seed_parameter("flow", "L/min", {10.0, 120.0}, {20.0, 100.0}, 1.0, {0.0, 1e6}),
    };
}

std::string multivariate_settings::check() const
{
    if (warmup < 20) return "warmup: at least 20 readings";
    if (!(lambda > 0.0 && lambda < 1.0)) return "lambda: in (0, 1)";
    if (!(variance_kept > 0.0 && variance_kept <= 1.0)) return "variance_kept: in (0, 1]";
    if (!(calibration_q > 0.5 && calibration_q < 1.0)) return "calibration_q: in (0.5, 1)";
    if (!(slow_ratio >= 0.0 && slow_ratio < 1.0)) return "slow_ratio: in [0, 1)";
    if (!(alarm > 0.0)) return "alarm: > 0";
    if (!(clear > 0.0 && clear <= 1.0)) return "clear: in (0, 1]";
    if (vote_n < 1 || vote_n > 64) return "vote_n: 1..64";
    if (vote_k < 1 || vote_k > vote_n) return "vote_k: 1..vote_n";
    if (!(min_duration_s >= 0.0)) return "min_duration_s: >= 0";
    if (!(adapt_s >= 0.0)) return "adapt_s: >= 0 (0: off)";
    if (!(slow_adapt_s >= 0.0)) return "slow_adapt_s: >= 0 (0: off)";
    if (!(settle_s > 0.0)) return "settle_s: > 0";
    if (!(max_episode_s >= 0.0)) return "max_episode_s: >= 0 (0: never)";
    if (!(guard > 0.0)) return "guard: > 0";
    if (!(drop_ratio >= 0.0 && drop_ratio < 1.0)) return "drop_ratio: in [0, 1)";
    if (!(drop_s > 0.0)) return "drop_s: > 0";
    if (states < 1 || states > 4) return "states: 1..4";
    if (refine_stages < 1 || refine_stages > 8) return "refine_stages: 1..8";
    if (!(refine_max_widen >= 1.0)) return "refine_max_widen: >= 1";
    if (!(gap_reset >= 1.0)) return "gap_reset: >= 1";
    if (!(instrument_share > 0.0 && instrument_share <= 1.0)) return "instrument_share: in (0, 1]";
    if (!(moving_z > 0.0)) return "moving_z: > 0";
    return {};
}

} // namespace wtf::detect
