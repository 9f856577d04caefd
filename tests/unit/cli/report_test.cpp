#include "cli/detail/report.hpp"

#include <catch2/catch.hpp>

using namespace wtf;
using namespace std::chrono_literals;

namespace {

core::timestamp at(std::string_view text) { return core::parse_rfc3339(text).value(); }

} // namespace

TEST_CASE("human durations read as people say them", "[unit][cli]")
{
    using cli::detail::human_duration;
    CHECK(human_duration(0s) == "0 s");
    CHECK(human_duration(2500ms) == "2.5 s");
    CHECK(human_duration(10s) == "10 s");
    CHECK(human_duration(300s) == "5 min");
    CHECK(human_duration(3723s) == "1 h 2 min 3 s");
    CHECK(human_duration(86398s) == "23 h 59 min 58 s");
    CHECK(human_duration(3600s) == "1 h");
    CHECK(human_duration(2000000s) == "23 d 3 h 33 min 20 s");
}

TEST_CASE("the report says plainly when nothing was found", "[unit][cli]")
{
    cli::detail::report r;
    r.sources.push_back({"data.csv", "seed, ','-separated", 10, 0, std::nullopt});
    r.readings = 10;
    r.first = at("2025-08-31T03:00:00Z");
    r.last = at("2025-08-31T03:09:00Z");
    r.sensors.push_back({"data", 10, std::chrono::microseconds{300'000'000}});
    r.sensor_count = 1;
    r.parameters = {"temperature"};
    r.dropout_gap = "auto";
    r.summary = "No anomalies were detected between 2025-08-31 03:00:00 and 2025-08-31 03:09:00.";
    r.summary_source = "wtfd's deterministic summary: no anomalies to describe";
    auto const text = cli::detail::render(r);
    CHECK(text == "Sources\n"
                  "  data.csv: 10 rows, 0 rejected (seed, ','-separated)\n"
                  "Readings: 10 accepted\n"
                  "Time span: 2025-08-31T03:00:00Z to 2025-08-31T03:09:00Z (9 min)\n"
                  "Sensors (1): data (10 readings, dropout gap 5 min)\n"
                  "Dropout gap: auto\n"
                  "Parameters judged (1): temperature\n"
                  "Anomalies: none. No value left its band or broke a rule, no sensor left its "
                  "learned normal operation, and no sensor was silent for longer than its "
                  "dropout gap.\n"
                  "Summary (wtfd's deterministic summary: no anomalies to describe):\n"
                  "  No anomalies were detected between 2025-08-31 03:00:00 and 2025-08-31 "
                  "03:09:00.\n");
}

TEST_CASE("the report counts anomalies by kind, failures and skipped readings", "[unit][cli]")
{
    cli::detail::report r;
    r.sources.push_back({"a.csv", "", 0, 0, std::string{"a.csv: empty file"}});
    r.sources.push_back({"b.csv", "wide", 7, 2, std::nullopt});
    r.readings = 4;
    r.stale = 1;
    r.first_stale = "sensor x at 2025-01-01T00:00:00Z";
    r.sensor_count = 25;
    r.sensors.push_back({"x", 4, std::nullopt});
    r.unjudged_parameters = {"Voltage"};
    r.anomalies_by_type = {2, 1, 1};
    r.still_open = 1;
    r.saved = {"out/responses/model_response_20250101_000000.json"};
    auto const text = cli::detail::render(r);
    CHECK_THAT(text, Catch::Contains("  a.csv: NOT READ: a.csv: empty file\n"));
    CHECK_THAT(text, Catch::Contains("  b.csv: 7 rows, 2 rejected (wide)\n"));
    CHECK_THAT(text, Catch::Contains("Readings: 4 accepted, 1 skipped as not newer than their "
                                     "sensor's previous reading (out of order or repeated; the "
                                     "first: sensor x at 2025-01-01T00:00:00Z)\n"));
    CHECK_THAT(text, Catch::Contains(
                         "Sensors (25): x (4 readings, dropout gap not known yet); and 24 more\n"));
    CHECK_THAT(text, Catch::Contains("Parameters judged (0): none\n"));
    CHECK_THAT(text, Catch::Contains("judged only by the multivariate "
                                     "detector (1): Voltage\n"));
    CHECK_THAT(text, Catch::Contains("Anomalies: 4 (2 spikes, 1 drift, 1 dropout); 1 still open "
                                     "at the end of the data\n"));
    CHECK_THAT(text, Catch::Contains("Saved: out/responses/model_response_20250101_000000.json\n"));
    CHECK_THAT(text, !Catch::Contains("not judged"));

    r.untracked = 36;
    r.max_parameters = 64;
    CHECK_THAT(cli::detail::render(r),
               Catch::Contains("(out of order or repeated; the first: sensor x at "
                               "2025-01-01T00:00:00Z), 36 values not judged: their sensor had 64 "
                               "parameters already (detect.max_parameters)\n"));
}

TEST_CASE("the report shows each sensor's baseline and top contributors, and the new kinds "
          "only when found",
          "[unit][cli]")
{
    cli::detail::report r;
    r.readings = 1000;
    r.sensor_count = 1;
    r.sensors.push_back({"valve1-0", 1000, std::nullopt});
    cli::detail::baseline_report b;
    b.sensor = "valve1-0";
    b.state = "learned from its first 400 readings";
    b.parameters = 8;
    b.components = 5;
    b.t2_limit = 9.61234;
    b.q_limit = 4.1;
    b.top = {{"Volume Flow RateRMS", 0.6}, {"Thermocouple", 0.4}};
    b.episodes = 1;
    r.baselines.push_back(b);
    r.anomalies_by_type[wtf::core::index_of(wtf::core::anomaly_type::multivariate)] = 1;
    auto const text = cli::detail::render(r);
    CHECK_THAT(text, Catch::Contains("Multivariate baselines:\n  valve1-0: learned from its first "
                                     "400 readings (8 parameters, 5 components, T² limit 9.612, "
                                     "Q limit 4.1); top contributors over 1 episode: Volume Flow "
                                     "RateRMS 60%, Thermocouple 40%\n"));
    CHECK_THAT(text, Catch::Contains("Anomalies: 1 (0 spikes, 0 drifts, 0 dropouts, 1 "
                                     "multivariate anomaly)\n"));
}
