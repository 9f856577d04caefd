#pragma once
// Detection settings: the operator's [detect] table.

#include <wtf/core/anomaly.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace wtf::detect {

// [detect.parameters.<name>]: thresholds and per-series rules for one measured quantity.
struct parameter_rules {
    std::string name;          // "temperature"
    std::string unit;          // "°C", shown in messages and summaries
    core::band spike;          // outside: spike
    core::band normal;         // outside for longer than drift_duration: drift
    double clear_margin = 0.5; // back inside a band by this much before an episode ends

    // The rules below judge values inside the normal band only (and plausible ones): outside
    // it the bands own the value, so one excursion is one anomaly.
    // Implausible: a value outside the physically possible range (absent: off). An instrument
    // fault, reported at once.
    std::optional<core::band> valid;
    // Jump: |change| per second above this between two readings (0: off). Intervals under a
    // second count as one, so a burst of readings cannot make a rate out of rounding.
    double max_rate_per_s = 0.0;
    // A jump whose value comes back within this long was the transmitter (instrument); one that
    // stays was a step of the process.
    std::chrono::milliseconds jump_return{60'000};
    // Flatline: no change beyond flat_tolerance for longer than this while the sensor keeps
    // reporting (0: off).
    std::chrono::milliseconds flat_for{0};
    double flat_tolerance = 0.0;
    // Deviation: |z| against the series' own EWMA mean and spread over deviation_window readings
    // above this for deviation_hold readings in a row (0: off). Off unless a table sets it: on
    // plant data without a table (SKAB's normal-operation file) a fixed z alarms where the
    // multivariate detector, which judges such parameters, does not.
    double deviation_z = 0.0;
    std::size_t deviation_window = 300;
    std::size_t deviation_hold = 10;

    bool operator==(parameter_rules const&) const = default;
};

// [detect.multivariate]: one detector per sensor over all its parameters at once. It learns a
// baseline of normal operation from the sensor's first `warmup` readings (robust centre and
// scale, the principal components of the smoothed values and two calibrated limits), then
// scores each reading's smoothed, standardised vector with Hotelling's T² and the residual Q.
// Defaults chosen on the SKAB benchmark's development files; docs/decisions.md says why.
struct multivariate_settings {
    bool enabled = true;
    // What the baseline is learned from: changing any of these relearns every baseline.
    std::size_t warmup = 400;       // readings learned before scoring starts
    double lambda = 0.1;            // EWMA weight of each new reading
    double variance_kept = 0.8;     // components kept: this share of the smoothed variance
    double calibration_q = 0.99;    // quantile of T² and Q over the warm-up that scales them
    double slow_ratio = 0.1;        // var(Δx) < slow_ratio·2·var(x) in the warm-up: integrating
    std::size_t refine_after = 800; // readings after the warm-up to refit the model on (0: no)
    // How readings are judged against it: applied live.
    double alarm = 2.25;          // statistic over its limit above this: an alarming reading
    double clear = 0.7;           // below clear·alarm: a calm reading
    std::size_t vote_n = 64;      // readings in the vote window (at most 64)
    std::size_t vote_k = 38;      // alarming readings in it that open (calm ones that end)
    double min_duration_s = 60.0; // an excursion lasts this long before it is an episode
    double adapt_s = 300.0;       // time constant of the centre following the plant while calm
    double slow_adapt_s = 120.0;  // integrating parameters' centre follows them always (0: never)
    double settle_s = 35.0;       // after an episode ends in a new state, it is learned this long
    double max_episode_s =
        600.0; // an episode this old ends, the plant learned as settled (0: never)
    // Fixed by the research behind the defaults; not in the configuration file.
    double guard = 0.5;            // centre adapts only while statistic/alarm stays below this
    double drop_ratio = 0.4;       // statistic below this share of its recent level: ended
    double drop_s = 30.0;          // time constant of that recent level, and its minimum age
    std::size_t states = 3;        // operating states remembered, the warm-up's included
    std::size_t refine_stages = 2; // each further refit spans twice the readings of the last
    double refine_max_widen = 1e9; // a refit widens a parameter's spread at most this much
    double gap_reset = 10.0;       // silence longer than this many cadences restarts smoothing
    double instrument_share = 0.6; // one parameter's share of the residual meaning instrument
    double moving_z = 3.0;         // |standardised smoothed value| above this: it moved

    // Whether `other` learns a different baseline (a reload then relearns every sensor).
    bool same_model(multivariate_settings const& other) const noexcept
    {
        return warmup == other.warmup && lambda == other.lambda &&
               variance_kept == other.variance_kept && calibration_q == other.calibration_q &&
               slow_ratio == other.slow_ratio && refine_after == other.refine_after &&
               refine_stages == other.refine_stages && refine_max_widen == other.refine_max_widen;
    }
    // Empty when usable, else "key: why" for the first field that is not.
    std::string check() const;

    bool operator==(multivariate_settings const&) const = default;
};

struct settings {
    std::chrono::milliseconds drift_duration{15'000};
    std::chrono::milliseconds dropout_gap{10'000}; // fixed gap, unless dropout_gap_auto
    // dropout_gap_s = "auto": each sensor's gap is dropout_gap_multiple times the median of its
    // recent intervals, for recorded data with its own cadence (one row a minute, a second...).
    // A sensor's cadence is known from its 4th reading; before that it cannot drop out.
    bool dropout_gap_auto = false;
    double dropout_gap_multiple = 5.0;
    std::vector<std::string> expected_sensors; // dropouts from start-up if they never send
    std::vector<parameter_rules> parameters = default_parameters();
    std::size_t max_sensors = 10'000; // more distinct sensor ids are rejected
    // Distinct parameters judged per sensor: values of further new ones are accepted and
    // counted, not judged, so a client that invents names cannot grow the detector for ever.
    std::size_t max_parameters = 64;
    multivariate_settings multivariate;

    // The seed system's thresholds for temperature, pressure and flow, with per-series rules
    // sized for the seed generator's plant.
    static std::vector<parameter_rules> default_parameters();

    bool operator==(settings const&) const = default;
};

} // namespace wtf::detect
