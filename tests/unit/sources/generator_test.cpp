#include <wtf/core/time.hpp>
#include <wtf/detect/settings.hpp>
#include <wtf/sources/generator.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using wtf::sources::generated_parameter;
using wtf::sources::generator_model;
using wtf::sources::generator_settings;

// A reading copied out of the model's buffers, with the step that produced it.
struct recorded {
    std::size_t step = 0;
    std::string sensor;
    wtf::core::timestamp time;
    std::vector<double> values; // in the order of the parameters

    bool operator==(recorded const&) const = default;
};

wtf::core::timestamp const start = wtf::core::parse_rfc3339("2025-05-28T00:00:00Z").value();

std::vector<generated_parameter> default_parameters()
{
    return wtf::sources::generated_parameters(wtf::detect::settings{});
}

generator_settings quiet_settings()
{
    generator_settings s;
    s.spikes_per_hour = 0.0;
    s.drifts_per_hour = 0.0;
    s.dropouts_per_hour = 0.0;
    s.stucks_per_hour = 0.0;
    s.jumps_per_hour = 0.0;
    s.valve_closings_per_hour = 0.0;
    return s;
}

std::vector<recorded> run(generator_settings const& s, std::size_t steps,
                          std::vector<generated_parameter> const& params = default_parameters())
{
    generator_model model{s, params};
    std::vector<recorded> out;
    for (std::size_t i = 0; i < steps; ++i) {
        auto const t = start + s.interval * static_cast<long>(i);
        model.step(t, [&](wtf::core::reading const& r) {
            recorded rec{i, std::string{r.sensor_id}, r.time, {}};
            REQUIRE(r.values.size() == params.size());
            for (std::size_t k = 0; k < params.size(); ++k) {
                REQUIRE(r.values[k].parameter == params[k].name);
                rec.values.push_back(r.values[k].value);
            }
            out.push_back(std::move(rec));
        });
    }
    return out;
}

// The readings of one sensor, by step.
std::map<std::size_t, recorded> of_sensor(std::vector<recorded> const& all, std::string const& id)
{
    std::map<std::size_t, recorded> out;
    for (auto const& r : all)
        if (r.sensor == id) out.emplace(r.step, r);
    return out;
}

bool one_decimal(double v) { return std::abs(std::round(v * 10.0) / 10.0 - v) < 1e-9; }

} // namespace

TEST_CASE("Generated parameters take their names and bands from the detector settings", "[unit]")
{
    auto const params = default_parameters();
    REQUIRE(params.size() == 3);
    CHECK(params[0].name == "temperature");
    CHECK(params[0].spike.low == 5.0);
    CHECK(params[0].spike.high == 40.0);
    CHECK(params[0].normal.low == 10.0);
    CHECK(params[0].normal.high == 35.0);
    CHECK(params[1].name == "pressure");
    CHECK(params[2].name == "flow");
    CHECK(params[2].normal.high == 100.0);
}

TEST_CASE("The first readings of seed 42 with default settings are pinned", "[unit]")
{
    // Recorded from the model; a change here changes every demonstration's data.
    auto const first = run(generator_settings{}, 1);
    REQUIRE(first.size() == 3);
    CHECK(first[0].sensor == "wtf-pipe-1");
    CHECK(first[0].values == std::vector<double>{23.2, 2.0, 59.8});
    CHECK(first[1].sensor == "wtf-pipe-2");
    CHECK(first[1].values == std::vector<double>{22.2, 2.0, 63.2});
    CHECK(first[2].sensor == "wtf-pipe-3");
    CHECK(first[2].values == std::vector<double>{21.8, 2.1, 54.2});
    for (auto const& r : first) CHECK(r.time == start);
}

TEST_CASE("The same seed gives the same readings", "[unit]")
{
    auto const a = run(generator_settings{}, 1000);
    auto const b = run(generator_settings{}, 1000);
    REQUIRE(a.size() > 2000);
    CHECK(a == b);
}

TEST_CASE("A different seed gives different readings", "[unit]")
{
    generator_settings other;
    other.seed = 43;
    auto const a = run(generator_settings{}, 10);
    auto const b = run(other, 10);
    CHECK(a != b);
}

TEST_CASE("Adding a sensor leaves the other sensors' readings unchanged", "[unit]")
{
    generator_settings more;
    more.sensors.push_back("wtf-pipe-4");
    auto const a = run(generator_settings{}, 500);
    auto const b = run(more, 500);
    for (auto const* id : {"wtf-pipe-1", "wtf-pipe-2", "wtf-pipe-3"})
        CHECK(of_sensor(a, id) == of_sensor(b, id));
    CHECK_FALSE(of_sensor(b, "wtf-pipe-4").empty());
}

TEST_CASE("Each reading is stamped with the step's time", "[unit]")
{
    auto const s = quiet_settings();
    for (auto const& r : run(s, 20))
        CHECK(r.time == start + s.interval * static_cast<long>(r.step));
}

TEST_CASE("Without episodes every sensor reports every step inside the normal bands", "[unit]")
{
    auto const params = default_parameters();
    auto const s = quiet_settings();
    std::size_t const steps = 5000;
    auto const all = run(s, steps);
    CHECK(all.size() == steps * s.sensors.size());
    for (auto const& r : all) {
        for (std::size_t k = 0; k < params.size(); ++k) {
            INFO(params[k].name << " = " << r.values[k] << " at step " << r.step);
            CHECK(params[k].normal.contains(r.values[k]));
            CHECK(one_decimal(r.values[k]));
        }
    }
}

TEST_CASE("Normal values move, staying away from the normal band's edges", "[unit]")
{
    auto const params = default_parameters();
    auto const all = run(quiet_settings(), 5000);
    for (std::size_t k = 0; k < params.size(); ++k) {
        auto const& band = params[k].normal;
        double const width = band.high - band.low;
        double low = band.high;
        double high = band.low;
        for (auto const& r : all) {
            low = std::min(low, r.values[k]);
            high = std::max(high, r.values[k]);
        }
        INFO(params[k].name << " ranged " << low << " to " << high);
        CHECK(high - low > 0.1 * width);
        CHECK(low >= band.low + 0.15 * width - 0.05);
        CHECK(high <= band.high - 0.15 * width + 0.05);
    }
}

TEST_CASE("With a high spike rate, single readings land outside the spike band", "[unit]")
{
    auto const params = default_parameters();
    auto s = quiet_settings();
    s.spikes_per_hour = 360.0; // one reading in five at 2 s
    auto const all = run(s, 2000);
    CHECK(all.size() == 2000 * s.sensors.size()); // spikes do not drop readings

    std::size_t spikes = 0;
    std::map<std::string, std::size_t> last_spike;
    for (auto const& r : all) {
        std::size_t outside = 0;
        for (std::size_t k = 0; k < params.size(); ++k) {
            auto const& p = params[k];
            double const v = r.values[k];
            if (p.normal.contains(v)) continue;
            ++outside;
            INFO(p.name << " = " << v << " at step " << r.step);
            CHECK_FALSE(p.spike.contains(v));
            double const width = p.spike.high - p.spike.low;
            double const beyond = v > p.spike.high ? v - p.spike.high : p.spike.low - v;
            CHECK(beyond <= 0.25 * width + 0.1);
            if (p.spike.low >= 0.0) CHECK(v >= 0.0); // no negative pressure or flow
            if (v > p.spike.high) CHECK(beyond >= 0.05 * width);
        }
        CHECK(outside <= 1);
        if (outside == 1) {
            ++spikes;
            // A spike is one reading: the sensor's previous reading was not one.
            auto const it = last_spike.find(r.sensor);
            if (it != last_spike.end()) CHECK(it->second + 1 < r.step);
            last_spike[r.sensor] = r.step;
        }
    }
    // About 2000 * 3 / 6 (a spike step is followed by one quiet step); far from zero.
    CHECK(spikes > 500);
    CHECK(spikes < 1500);
}

TEST_CASE("A dropout silences a sensor for 10 to 30 s of model time", "[unit]")
{
    auto s = quiet_settings();
    s.interval = 1s;
    s.dropouts_per_hour = 120.0;
    std::size_t const steps = 3 * 3600;
    auto const all = run(s, steps);

    std::size_t gaps = 0;
    for (auto const& id : s.sensors) {
        auto const readings = of_sensor(all, id);
        std::size_t silent_since = 0;
        bool silent = false;
        for (std::size_t i = 0; i < steps; ++i) {
            bool const present = readings.count(i) != 0;
            if (!present && !silent) {
                silent = true;
                silent_since = i;
            } else if (present && silent) {
                silent = false;
                ++gaps;
                auto const silence = s.interval * static_cast<long>(i - silent_since);
                INFO(id << " silent from step " << silent_since << " to " << i);
                CHECK(silence >= 10s);
                CHECK(silence < 30s + s.interval);
            }
        }
    }
    // Each sensor spends about half its time in dropouts of 20 s on average.
    CHECK(gaps > 100);
}

TEST_CASE("A drift keeps one parameter between the bands for 15 to 45 s", "[unit]")
{
    auto const params = default_parameters();
    auto s = quiet_settings();
    s.interval = 1s;
    s.drifts_per_hour = 120.0;
    std::size_t const steps = 3 * 3600;
    auto const all = run(s, steps);
    CHECK(all.size() == steps * s.sensors.size()); // drifts do not drop readings

    std::size_t drifts = 0;
    for (auto const& id : s.sensors) {
        auto const readings = of_sensor(all, id);
        std::size_t begun = 0;
        std::size_t parameter = params.size(); // none
        for (auto const& [step, r] : readings) {
            std::size_t drifting = params.size();
            for (std::size_t k = 0; k < params.size(); ++k) {
                auto const& p = params[k];
                double const v = r.values[k];
                if (p.normal.contains(v)) continue;
                INFO(id << " " << p.name << " = " << v << " at step " << step);
                CHECK(drifting == params.size()); // one parameter at a time
                drifting = k;
                CHECK(p.spike.contains(v));
                bool const up = v > p.normal.high;
                double const gap = up ? p.spike.high - p.normal.high : p.normal.low - p.spike.low;
                double const from_normal = up ? v - p.normal.high : p.normal.low - v;
                double const from_spike = up ? p.spike.high - v : v - p.spike.low;
                CHECK(from_normal >= 0.1 * gap - 1e-9);
                CHECK(from_spike >= 0.1 * gap - 1e-9);
            }
            if (drifting != params.size() && parameter == params.size()) {
                begun = step;
                parameter = drifting;
            } else if (parameter != params.size()) {
                if (drifting == parameter) continue;
                CHECK(drifting == params.size()); // back to normal before anything else
                ++drifts;
                auto const length = s.interval * static_cast<long>(step - begun);
                INFO(id << " drifted " << params[parameter].name << " from step " << begun);
                CHECK(length >= 15s);
                CHECK(length < 45s + s.interval);
                parameter = params.size();
            }
        }
    }
    CHECK(drifts > 100);
}

TEST_CASE("A sensor's episodes never overlap", "[unit]")
{
    auto const params = default_parameters();
    auto s = generator_settings{};
    s.interval = 1s;
    s.spikes_per_hour = 300.0;
    s.drifts_per_hour = 120.0;
    s.dropouts_per_hour = 120.0;
    for (auto const& r : run(s, 3600)) {
        std::size_t outside = 0;
        for (std::size_t k = 0; k < params.size(); ++k)
            if (!params[k].normal.contains(r.values[k])) ++outside;
        INFO(r.sensor << " at step " << r.step);
        CHECK(outside <= 1);
    }
}

TEST_CASE("A model without parameters emits nothing", "[unit]")
{
    generator_model model{generator_settings{}, {}};
    std::size_t n = 0;
    for (int i = 0; i < 10; ++i) model.step(start, [&](wtf::core::reading const&) { ++n; });
    CHECK(n == 0);
}

TEST_CASE("A model with a non-positive interval is refused", "[unit]")
{
    generator_settings s;
    s.interval = 0ms;
    CHECK_THROWS_AS((generator_model{s, default_parameters()}), std::invalid_argument);
}
