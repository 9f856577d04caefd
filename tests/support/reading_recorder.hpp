#pragma once
// A row_sink for tests of the recorded-data sources: keeps copies of every reading and
// problem it is handed (a reading's views are valid only during the call).

#include <wtf/sources/recorded.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace wtf::test {

struct recorded_reading {
    std::string sensor;
    core::timestamp time;
    std::vector<std::pair<std::string, double>> values;

    std::int64_t time_us() const noexcept { return time.time_since_epoch().count(); }
};

class reading_recorder final : public sources::row_sink {
public:
    void on_reading(core::reading const& r) override
    {
        recorded_reading copy{std::string{r.sensor_id}, r.time, {}};
        for (auto const& m : r.values) copy.values.emplace_back(std::string{m.parameter}, m.value);
        readings.push_back(std::move(copy));
    }
    void on_problem(sources::row_problem const& p) override { problems.push_back(p); }

    std::vector<recorded_reading> readings;
    std::vector<sources::row_problem> problems;
};

} // namespace wtf::test
