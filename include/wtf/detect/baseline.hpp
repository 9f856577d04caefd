#pragma once
// A sensor's baseline: the multivariate detector's learned model of its normal operation. Kept
// across restarts (the state dir), shown per sensor in the API, loadable from elsewhere (a
// recorded normal-operation file, another wtfd), and written as JSON in the shortest exact
// form of each number (Boost.JSON 1.81 reads one back to within a unit in the last place).

#include <wtf/core/json_writer.hpp>
#include <wtf/core/time.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wtf::detect {

// Parameters of one sensor the multivariate detector models at most; a sensor with more has
// its first ones modelled.
inline constexpr std::size_t max_joint_parameters = 16;

// The model, in fixed-size arrays: no allocation to hold or copy it.
struct baseline_model {
    static constexpr std::size_t n = max_joint_parameters;
    std::size_t parameters = 0;         // d
    std::size_t components = 0;         // k retained, 1..d
    std::int64_t cadence_us = 0;        // median interval of the warm-up
    std::array<bool, n> active{};       // false: constant in the warm-up, left out
    std::array<bool, n> slow{};         // integrating or trending: its centre follows it
    std::array<double, n> centre{};     // median
    std::array<double, n> scale{};      // max(1.4826·MAD, sd), raw units
    std::array<double, n> smooth_sd{};  // spread of the smoothed values / scale
    std::array<double, n> eigenvalue{}; // of their correlation, descending
    // Component j, parameter i: loading[j·n + i]. float: 1 KiB instead of 2, and 7 digits are
    // far more than the limits' own precision.
    std::array<float, n * n> loading{};
    double t2_limit = 1.0; // calibration quantile of T² over the warm-up
    double q_limit = 0.0;  // same for Q (0 when every live parameter is a component)

    bool operator==(baseline_model const&) const = default;
};

// Where a baseline came from.
enum class baseline_origin { learned, loaded };

struct sensor_baseline {
    std::vector<std::string> parameters; // names, in the model's order
    baseline_model model;
    core::timestamp learned_at{}; // data time of the reading that completed it
    std::size_t refits = 0;       // refits on the readings after the warm-up so far
    baseline_origin origin = baseline_origin::learned;

    bool operator==(sensor_baseline const&) const = default;
};

// "learned_at": ..., "parameters": [{"name": ..., "active": ..., "centre": ...}, ...],
// "components": k, ...: the members of one sensor's baseline, inside an object `w` opened.
void append_members(core::json_writer& w, sensor_baseline const& b);

// Reads an object as append_members wrote it (unknown members are ignored, so the API's whole
// answer reads back too). Nullopt with `error` naming the field on anything malformed,
// non-finite or inconsistent; never throws.
std::optional<sensor_baseline> baseline_from_json(std::string_view json, std::string& error);

} // namespace wtf::detect
