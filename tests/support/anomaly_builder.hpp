#pragma once
// The one way tests make anomalies: a temperature spike (°C, spike band 5-40) on wtf-pipe-1 by
// default, each field changed by name, e.g.
//   core::anomaly a = test::anomaly_builder{7}.sensor("wtf-pipe-2").value(45.2).at(t0 + 7s);

#include <wtf/core/anomaly.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace wtf::test {

class anomaly_builder {
public:
    explicit anomaly_builder(std::uint64_t id, core::anomaly_type type = core::anomaly_type::spike)
    {
        a_.id = id;
        a_.type = type;
        a_.severity = core::kind_of(type).default_severity;
        a_.sensor_id = "wtf-pipe-1";
        if (core::kind_of(type).has_parameter()) {
            a_.parameter = "temperature";
            a_.unit = "°C";
            a_.limits = core::band{5.0, 40.0};
        }
    }

    // Starts from an existing anomaly (to end it, say).
    explicit anomaly_builder(core::anomaly a) : a_{std::move(a)} {}

    anomaly_builder& sensor(std::string id)
    {
        a_.sensor_id = std::move(id);
        return *this;
    }
    anomaly_builder& parameter(std::string name, std::string unit = {})
    {
        a_.parameter = std::move(name);
        a_.unit = std::move(unit);
        return *this;
    }
    // The value that confirmed it, and the peak so far.
    anomaly_builder& value(double v)
    {
        a_.value = v;
        a_.peak_value = v;
        return *this;
    }
    anomaly_builder& severity(core::severity s)
    {
        a_.severity = s;
        return *this;
    }
    anomaly_builder& limits(std::optional<core::band> b)
    {
        a_.limits = b;
        return *this;
    }
    // Confirmed (and started) at `t`.
    anomaly_builder& at(core::timestamp t)
    {
        a_.detected_at = t;
        a_.started_at = t;
        return *this;
    }
    anomaly_builder& started(core::timestamp t)
    {
        a_.started_at = t;
        return *this;
    }
    // Ended at `t`, with the total duration since it started.
    anomaly_builder& ended(core::timestamp t)
    {
        a_.ended_at = t;
        a_.duration_seconds = core::seconds_between(a_.started_at, t);
        return *this;
    }
    anomaly_builder& duration(double seconds)
    {
        a_.duration_seconds = seconds;
        return *this;
    }

    core::anomaly build() const { return a_; }
    operator core::anomaly() const { return a_; } // NOLINT: a builder reads best as its value

private:
    core::anomaly a_;
};

} // namespace wtf::test
