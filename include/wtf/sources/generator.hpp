#pragma once
// Simulated plant sensors: temperature, pressure and flow (or whatever parameters are configured)
// moving plausibly around their normal bands, with injected spike, drift and dropout episodes.
// The model is pure and seeded, so the same seed gives the same readings; the task paces it.

#include <wtf/core/periodic.hpp>
#include <wtf/core/reading.hpp>
#include <wtf/core/reload.hpp>
#include <wtf/detect/settings.hpp>
#include <wtf/sources/settings.hpp>
#include <wtf/sources/sink.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace wtf::sources {

// What the model knows of a parameter: its bands decide where normal values and episodes land.
struct generated_parameter {
    std::string name;
    core::band spike;
    core::band normal;

    bool operator==(generated_parameter const&) const = default;
};

// Derives the generated parameters from the detector's thresholds.
std::vector<generated_parameter> generated_parameters(detect::settings const& d);

// Deterministic: a function of the seed, the sensors, the parameters and the step number.
class generator_model {
public:
    generator_model(generator_settings const& s, std::vector<generated_parameter> params);
    ~generator_model();
    generator_model(generator_model&&) noexcept;

    // One step at time `t` (every settings.interval): calls `emit` once per sensor that is not in
    // a dropout. The reading's views are valid only during the call. Values are rounded to one
    // decimal, like the seed generator's.
    void step(core::timestamp t, std::function<void(core::reading const&)> const& emit);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// The simulated plant as a live source: one step every interval, each reading to `sink`.
class generator {
public:
    generator(generator_settings s, std::vector<generated_parameter> params, sources::sink& sink);

    // Steps at once, then every interval, until terminal cancellation (returns normally).
    // While disabled it only waits for a reload.
    boost::asio::awaitable<void> run();

    // SIGHUP: new settings or parameters restart the model at once (same seed, same readings
    // from the start), as a fresh generator would; unchanged ones keep it running.
    core::reload_effect apply(generator_settings const& s, std::vector<generated_parameter> params);

private:
    generator_settings settings_;
    std::vector<generated_parameter> params_;
    sources::sink& sink_;
    core::periodic* schedule_ = nullptr; // of the run() under way, to interrupt on a reload
    bool restart_ = false;
};

} // namespace wtf::sources
