#include <wtf/summarize/deterministic.hpp>
#include <wtf/summarize/grounding.hpp>

#include "support/summary_batches.hpp"

#include <catch2/catch.hpp>

using namespace wtf;
using namespace wtf::test;
using summarize::batch;
using summarize::parameter_info;

// ---- deterministic_summary ---------------------------------------------------------------------

TEST_CASE("the seed's example summary is reproduced exactly", "[unit]")
{
    CHECK(summarize::deterministic_summary(seed_batch()) ==
          "During the period from 2025-05-28T00:01:00Z to 2025-05-28T00:02:00Z, sensor wtf-pipe-1 "
          "reported two anomalies. A temperature spike of 45.2\xC2\xB0"
          "C was detected at "
          "2025-05-28T00:01:23Z, and a pressure drift of 0.8 bar persisted for 16.3 seconds "
          "starting at 2025-05-28T00:01:30Z.");
}

TEST_CASE("a physically absurd value is described in a few readable bytes", "[unit]")
{
    // Issue 11: "%.3f" of 1e300 is 305 bytes; value_text() copied that many from a 64-byte
    // buffer, and the summary served by GET /summary carried about 250 bytes of the stack.
    auto absurd = temperature_spike();
    absurd.value = 1e300;
    absurd.peak_value = 1e300;
    batch b{at("2025-05-28T00:01:00Z"), at("2025-05-28T00:02:00Z"), {absurd}, 0};
    auto const s = summarize::deterministic_summary(b);
    CHECK(s ==
          "During the period from 2025-05-28T00:01:00Z to 2025-05-28T00:02:00Z, sensor wtf-pipe-1 "
          "reported one anomaly. A temperature spike of 1.0e+300\xC2\xB0"
          "C was detected at 2025-05-28T00:01:23Z.");
    for (char const c : s) CHECK(static_cast<unsigned char>(c) >= 0x20);
}

TEST_CASE("a parameter whose name starts with a vowel takes \"an\"", "[unit]")
{
    auto oxygen = spike("wtf-pipe-1", "oxygen", "mg/L", 14.2, "2025-05-28T00:01:23Z");
    batch b{at("2025-05-28T00:01:00Z"), at("2025-05-28T00:02:00Z"), {oxygen}, 0};
    CHECK_THAT(summarize::deterministic_summary(b), Catch::Contains("An oxygen spike of 14.2"));
}

TEST_CASE("a closed dropout says when the sensor stopped and for how long", "[unit]")
{
    batch b{at("2025-05-28T00:01:00Z"),
            at("2025-05-28T00:02:00Z"),
            {dropout("wtf-pipe-3", "2025-05-28T00:01:10Z", 12.0)},
            0};
    CHECK(summarize::deterministic_summary(b) ==
          "During the period from 2025-05-28T00:01:00Z to 2025-05-28T00:02:00Z, sensor wtf-pipe-3 "
          "stopped reporting at 2025-05-28T00:01:10Z for 12.0 seconds.");
}

TEST_CASE("an active dropout says the sensor had not reported again", "[unit]")
{
    batch b{at("2025-05-28T00:01:00Z"),
            at("2025-05-28T00:02:00Z"),
            {dropout("wtf-pipe-3", "2025-05-28T00:01:10Z", std::nullopt)},
            0};
    CHECK(contains(summarize::deterministic_summary(b),
                   "sensor wtf-pipe-3 stopped reporting at 2025-05-28T00:01:10Z and had not "
                   "reported again by the end of the period."));
}

TEST_CASE("ongoing episodes are said to be ongoing and differing peaks are given", "[unit]")
{
    auto d = pressure_drift();
    d.ended_at.reset();
    d.peak_value = 0.6;
    batch b{at("2025-05-28T00:01:00Z"), at("2025-05-28T00:02:00Z"), {d}, 0};
    CHECK(summarize::deterministic_summary(b) ==
          "During the period from 2025-05-28T00:01:00Z to 2025-05-28T00:02:00Z, sensor wtf-pipe-1 "
          "reported one anomaly. A pressure drift of 0.8 bar, falling to 0.6 bar, began at "
          "2025-05-28T00:01:30Z and was still ongoing after 16.3 seconds.");
}

TEST_CASE("several sensors are described in order of first appearance", "[unit]")
{
    batch b{at("2025-05-28T00:01:00Z"),
            at("2025-05-28T00:02:00Z"),
            {spike("wtf-pipe-2", "flow", "L/min", 105.0, "2025-05-28T00:01:05Z"),
             temperature_spike(),
             spike("wtf-pipe-2", "flow", "L/min", 55.25, "2025-05-28T00:01:40Z")},
            0};
    auto const s = summarize::deterministic_summary(b);
    CHECK(contains(s, ", sensor wtf-pipe-2 reported two anomalies. A flow spike of 105.0 L/min"));
    CHECK(contains(s, "and a flow spike of 55.25 L/min was detected at 2025-05-28T00:01:40Z."));
    CHECK(contains(s, " Sensor wtf-pipe-1 reported one anomaly. A temperature spike of 45.2\xC2\xB0"
                      "C"));
    CHECK(s.find("wtf-pipe-2") < s.find("wtf-pipe-1"));
}

TEST_CASE("counts up to ten are words and larger ones digits", "[unit]")
{
    batch b{at("2025-05-28T00:00:00Z"), at("2025-05-28T00:10:00Z"), {}, 0};
    for (int i = 0; i < 12; ++i)
        b.anomalies.push_back(spike("wtf-pipe-1", "temperature",
                                    "\xC2\xB0"
                                    "C",
                                    41.0 + i, "2025-05-28T00:01:23Z"));
    CHECK(contains(summarize::deterministic_summary(b),
                   "sensor wtf-pipe-1 reported 12 anomalies: 12 temperature spikes between"));
    b.anomalies.resize(5);
    CHECK(contains(summarize::deterministic_summary(b),
                   "reported five anomalies: five temperature spikes between "
                   "2025-05-28T00:01:23Z and 2025-05-28T00:01:23Z, peaking at 45.0\xC2\xB0"
                   "C."));
}

TEST_CASE("anomalies left out of the batch are mentioned", "[unit]")
{
    auto b = seed_batch();
    b.left_out = 12;
    CHECK(
        summarize::deterministic_summary(b).ends_with(" 12 further anomalies are not described."));
    b.left_out = 1;
    CHECK(summarize::deterministic_summary(b).ends_with(" One further anomaly is not described."));
}

TEST_CASE("fifty anomalies make a short summary that names every sensor", "[unit]")
{
    auto const b = generated_batch(42, 50);
    auto const s = summarize::deterministic_summary(b);
    CHECK(s.size() < 2'500);
    for (auto const& a : b.anomalies) CHECK(contains(s, a.sensor_id + " "));
    CHECK(s == summarize::deterministic_summary(b));
}

TEST_CASE("an empty batch says nothing was detected", "[unit]")
{
    batch b{at("2025-05-28T00:01:00Z"), at("2025-05-28T00:02:00Z"), {}, 0};
    CHECK(summarize::deterministic_summary(b) ==
          "No anomalies were detected between 2025-05-28T00:01:00Z and 2025-05-28T00:02:00Z.");
}

TEST_CASE("the deterministic summary words a stuck instrument and a joint process change with "
          "their causes, grounded",
          "[unit]")
{
    core::anomaly stuck;
    stuck.type = core::anomaly_type::flatline;
    stuck.cause = core::cause::instrument;
    stuck.sensor_id = "wtf-pipe-2";
    stuck.parameter = "pressure";
    stuck.unit = "bar";
    stuck.value = 2.1;
    stuck.peak_value = 2.1;
    stuck.started_at = at("2025-05-28T00:00:00Z");
    stuck.detected_at = at("2025-05-28T00:05:01Z");
    stuck.ended_at = at("2025-05-28T00:06:00Z");
    stuck.duration_seconds = 360.0;

    core::anomaly valve;
    valve.type = core::anomaly_type::multivariate;
    valve.cause = core::cause::process;
    valve.sensor_id = "wtf-pipe-3";
    valve.parameter = "flow";
    valve.started_at = at("2025-05-28T00:02:00Z");
    valve.detected_at = at("2025-05-28T00:03:00Z");
    valve.ended_at = at("2025-05-28T00:07:00Z");
    valve.duration_seconds = 300.0;
    valve.score = 4.5;
    valve.threshold = 2.25;
    valve.contributions = {{"flow", 0.62}, {"pressure", 0.31}, {"temperature", 0.07}};

    batch const b{at("2025-05-28T00:00:00Z"), at("2025-05-28T00:10:00Z"), {stuck, valve}, 0};
    auto const s = summarize::deterministic_summary(b);
    INFO(s);
    CHECK_THAT(s, Catch::Contains("pressure sensor was stuck at 2.1 bar for 360.0 seconds"));
    CHECK_THAT(s, Catch::Contains("likely an instrument fault"));
    CHECK_THAT(s, Catch::Contains("driven by flow (62%) and pressure (31%)"));
    CHECK_THAT(s, Catch::Contains("likely a process change"));
    CHECK(summarize::check_grounding(s, b, params) == std::nullopt);
}
