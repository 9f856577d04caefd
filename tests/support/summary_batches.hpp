#pragma once
// Batches of anomalies for the summarize tests: the seed's example (a 45.2 °C temperature spike
// and a 0.8 bar pressure drift on wtf-pipe-1), single anomalies of each kind, and random batches
// over five sensors, with the parameters they use. Header-only.

#include <wtf/summarize/batch.hpp>

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace wtf::test {

inline core::timestamp at(char const* text) { return *core::parse_rfc3339(text); }

inline std::vector<summarize::parameter_info> const params{
    {"temperature",
     "\xC2\xB0"
     "C",
     {15.0, 35.0},
     {5.0, 40.0}},
    {"pressure", "bar", {1.0, 3.0}, {0.5, 4.0}},
    {"flow", "L/min", {20.0, 80.0}, {10.0, 100.0}},
    {"turbidity", "NTU", {0.0, 1.0}, {0.0, 5.0}},
};

inline core::anomaly spike(char const* sensor, char const* parameter, char const* unit,
                           double value, char const* when)
{
    core::anomaly a;
    a.type = core::anomaly_type::spike;
    a.sensor_id = sensor;
    a.parameter = parameter;
    a.unit = unit;
    a.value = value;
    a.peak_value = value;
    a.detected_at = at(when);
    a.started_at = a.detected_at;
    a.ended_at = a.detected_at;
    return a;
}

inline core::anomaly temperature_spike()
{
    return spike("wtf-pipe-1", "temperature",
                 "\xC2\xB0"
                 "C",
                 45.2, "2025-05-28T00:01:23Z");
}

inline core::anomaly pressure_drift()
{
    core::anomaly a;
    a.type = core::anomaly_type::drift;
    a.sensor_id = "wtf-pipe-1";
    a.parameter = "pressure";
    a.unit = "bar";
    a.value = 0.8;
    a.peak_value = 0.8;
    a.limits = core::band{1.0, 3.0};
    a.started_at = at("2025-05-28T00:01:30Z");
    a.detected_at = at("2025-05-28T00:01:45Z");
    a.ended_at = at("2025-05-28T00:01:46.300Z");
    a.duration_seconds = 16.3;
    return a;
}

inline core::anomaly dropout(char const* sensor, char const* started, std::optional<double> seconds)
{
    core::anomaly a;
    a.type = core::anomaly_type::dropout;
    a.sensor_id = sensor;
    a.started_at = at(started);
    a.detected_at = a.started_at + std::chrono::seconds{10};
    if (seconds) {
        a.duration_seconds = *seconds;
        a.ended_at = a.started_at + std::chrono::milliseconds{static_cast<long>(*seconds * 1000)};
    }
    return a;
}

inline summarize::batch seed_batch()
{
    return summarize::batch{at("2025-05-28T00:01:00Z"),
                            at("2025-05-28T00:02:00Z"),
                            {temperature_spike(), pressure_drift()},
                            0};
}

inline bool contains(std::string const& text, std::string_view part)
{
    return text.find(part) != std::string::npos;
}

// 50 anomalies over five sensors and ten minutes, spikes, drifts and dropouts mixed.
inline summarize::batch generated_batch(unsigned seed, std::size_t n)
{
    std::mt19937 rng{seed};
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>{lo, hi}(rng); };
    summarize::batch b{at("2025-05-28T00:00:00Z"),
                       at("2025-05-28T00:10:00Z"),
                       {},
                       static_cast<std::size_t>(pick(0, 14))};
    for (std::size_t i = 0; i < n; ++i) {
        auto const sensor = "wtf-pipe-" + std::to_string(pick(1, 5));
        auto const t = b.window_start + std::chrono::milliseconds{pick(0, 599'000)};
        core::anomaly a;
        switch (pick(0, 2)) {
        case 0: {
            auto const& p = params[static_cast<std::size_t>(pick(0, 3))];
            a.type = core::anomaly_type::spike;
            a.parameter = p.name;
            a.unit = p.unit;
            a.value = p.spike.high + pick(1, 999) / 100.0;
            a.peak_value = *a.value + pick(0, 3) / 10.0;
            a.limits = p.spike;
            break;
        }
        case 1: {
            auto const& p = params[static_cast<std::size_t>(pick(0, 3))];
            a.type = core::anomaly_type::drift;
            a.parameter = p.name;
            a.unit = p.unit;
            a.value = p.normal.low - pick(1, 90) / 100.0;
            a.peak_value = *a.value - pick(0, 3) / 10.0;
            a.limits = p.normal;
            a.duration_seconds = 15.0 + pick(0, 30'000) / 1000.0;
            break;
        }
        default:
            a.type = core::anomaly_type::dropout;
            a.duration_seconds = 10.0 + pick(0, 5000) / 100.0;
            a.never_seen = pick(0, 9) == 0;
        }
        a.sensor_id = sensor;
        a.detected_at = t;
        a.started_at = t - std::chrono::milliseconds{
                               static_cast<long>(a.duration_seconds.value_or(0.0) * 1000)};
        if (pick(0, 3) > 0) a.ended_at = t + std::chrono::seconds{pick(0, 30)};
        b.anomalies.push_back(std::move(a));
    }
    std::sort(b.anomalies.begin(), b.anomalies.end(),
              [](auto const& x, auto const& y) { return x.detected_at < y.detected_at; });
    return b;
}

} // namespace wtf::test
