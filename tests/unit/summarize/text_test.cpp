#include <wtf/summarize/text.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <catch2/catch.hpp>

#include <random>

using namespace wtf;
using summarize::batch;
using summarize::parameter_info;

namespace {

core::timestamp at(char const* text) { return *core::parse_rfc3339(text); }

std::vector<parameter_info> const params{
    {"temperature",
     "\xC2\xB0"
     "C",
     {15.0, 35.0},
     {5.0, 40.0}},
    {"pressure", "bar", {1.0, 3.0}, {0.5, 4.0}},
    {"flow", "L/min", {20.0, 80.0}, {10.0, 100.0}},
    {"turbidity", "NTU", {0.0, 1.0}, {0.0, 5.0}},
};

core::anomaly spike(char const* sensor, char const* parameter, char const* unit, double value,
                    char const* when)
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

core::anomaly temperature_spike()
{
    return spike("wtf-pipe-1", "temperature",
                 "\xC2\xB0"
                 "C",
                 45.2, "2025-05-28T00:01:23Z");
}

core::anomaly pressure_drift()
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

core::anomaly dropout(char const* sensor, char const* started, std::optional<double> seconds)
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

batch seed_batch()
{
    return {at("2025-05-28T00:01:00Z"),
            at("2025-05-28T00:02:00Z"),
            {temperature_spike(), pressure_drift()},
            0};
}

bool contains(std::string const& text, std::string_view part)
{
    return text.find(part) != std::string::npos;
}

// 50 anomalies over five sensors and ten minutes, spikes, drifts and dropouts mixed.
batch generated_batch(unsigned seed, std::size_t n)
{
    std::mt19937 rng{seed};
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>{lo, hi}(rng); };
    batch b{at("2025-05-28T00:00:00Z"),
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

} // namespace

// ---- build_prompt ------------------------------------------------------------------------------

TEST_CASE("the prompt carries the seed's guidance and forbids inventing facts", "[unit]")
{
    auto const p = summarize::build_prompt(seed_batch(), params, 16'384);
    CHECK(contains(p.system, "water treatment plant's monitoring assistant"));
    CHECK(contains(p.system, "time ranges, critical values and sensor IDs"));
    CHECK(contains(p.system, "Do not mention JSON"));
    CHECK(contains(p.system, "Use only the numbers, sensor IDs and times given"));
    CHECK(contains(p.system, "no markdown"));
}

TEST_CASE("the prompt states the window and the units and bands of the parameters present",
          "[unit]")
{
    auto const p = summarize::build_prompt(seed_batch(), params, 16'384);
    CHECK(contains(p.user, "from 2025-05-28T00:01:00Z to 2025-05-28T00:02:00Z"));
    CHECK(contains(p.user, "temperature (unit \xC2\xB0"
                           "C): normal range 15.0 to 35.0"));
    CHECK(contains(p.user, "spike range 5.0 to 40.0"));
    CHECK(contains(p.user, "pressure (unit bar)"));
    CHECK_FALSE(contains(p.user, "flow"));
    CHECK_FALSE(contains(p.user, "turbidity"));
    CHECK(contains(p.user, "Anomalies in this period: 2."));
}

TEST_CASE("the prompt lists the anomalies as compact JSON with numbers as people write them",
          "[unit]")
{
    auto const p = summarize::build_prompt(seed_batch(), params, 16'384);
    CHECK(p.anomalies_sent == 2);
    auto const json = p.user.substr(p.user.find('['));
    CHECK(contains(json, R"("value":45.2,)"));
    CHECK_FALSE(contains(json, "E1"));
    CHECK_FALSE(contains(json, ": "));
    auto const v = boost::json::parse(json).as_array();
    REQUIRE(v.size() == 2);
    CHECK(v[0].at("sensor_id").as_string() == "wtf-pipe-1");
    CHECK(v[1].at("type").as_string() == "drift");
    CHECK(v[1].at("duration_seconds").as_double() == Approx(16.3));
    CHECK(v[1].at("started_at").as_string() == "2025-05-28T00:01:30Z");
}

TEST_CASE("a prompt over max_bytes is cut and says how many anomalies were left out", "[unit]")
{
    auto b = generated_batch(7, 50);
    b.left_out = 3;
    auto const whole = summarize::build_prompt(b, params, 1'000'000);
    REQUIRE(whole.anomalies_sent == 50);
    CHECK_FALSE(contains(whole.user, "more anomalies were left out") == false);

    auto const cut = summarize::build_prompt(b, params, 3'000);
    CHECK(cut.user.size() <= 3'000);
    CHECK(cut.anomalies_sent > 0);
    CHECK(cut.anomalies_sent < 50);
    CHECK(contains(cut.user,
                   std::to_string(53 - cut.anomalies_sent) + " more anomalies were left out."));
    auto const v = boost::json::parse(cut.user.substr(cut.user.find('['))).as_array();
    CHECK(v.size() == cut.anomalies_sent);
}

TEST_CASE("a prompt too small for any anomaly still sends its header", "[unit]")
{
    auto const p = summarize::build_prompt(seed_batch(), params, 10);
    CHECK(p.anomalies_sent == 0);
    CHECK(contains(p.user, "from 2025-05-28T00:01:00Z"));
    CHECK(contains(p.user, "2 more anomalies were left out."));
    CHECK_FALSE(contains(p.user, "["));
}

// ---- strip_reasoning ---------------------------------------------------------------------------

TEST_CASE("reasoning blocks are removed wherever they are, whatever their case", "[unit]")
{
    CHECK(summarize::strip_reasoning("<think>hmm 99.9</think>\n\nSensor wtf-pipe-1 ...") ==
          "Sensor wtf-pipe-1 ...");
    CHECK(summarize::strip_reasoning("A. <THINKING>x</Thinking> B.") == "A.  B.");
    CHECK(summarize::strip_reasoning("<reasoning>x</reasoning>A<think>y</think>") == "A");
}

TEST_CASE("an unclosed leading think block leaves nothing", "[unit]")
{
    CHECK(summarize::strip_reasoning("  <think>The spike was 45.2, so") == "");
}

TEST_CASE("a closing tag without an opening one ends reasoning that began the reply", "[unit]")
{
    CHECK(summarize::strip_reasoning("okay, let me see</think>\nThe summary.") == "The summary.");
}

TEST_CASE("text without reasoning is only trimmed", "[unit]")
{
    CHECK(summarize::strip_reasoning("\n  Flow was 5 < 10 L/min.  \n") == "Flow was 5 < 10 L/min.");
}

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

// ---- check_grounding ---------------------------------------------------------------------------

TEST_CASE("the deterministic summary of any batch is grounded", "[unit]")
{
    for (unsigned seed = 1; seed <= 40; ++seed) {
        for (std::size_t n : {1u, 2u, 3u, 5u, 12u, 50u}) {
            auto const b = generated_batch(seed, n);
            auto const s = summarize::deterministic_summary(b);
            INFO(s);
            CHECK(summarize::check_grounding(s, b, params) == std::nullopt);
        }
    }
    CHECK(summarize::check_grounding(summarize::deterministic_summary(seed_batch()), seed_batch(),
                                     params) == std::nullopt);
}

TEST_CASE("a faithful paraphrase is grounded", "[unit]")
{
    CHECK(summarize::check_grounding(
              "**Sensor wtf-pipe-1** saw a temperature spike to 45.2 \xC2\xB0"
              "C at 00:01:23, followed by "
              "a pressure drift of 0.8 bar lasting 16.3 seconds from 00:01:30 on 2025-05-28 "
              "(normal range 1.0-3.0 bar). Two anomalies in total between 00:01 and 00:02 UTC.",
              seed_batch(), params) == std::nullopt);
}

TEST_CASE("a number rounded the way the text shows it is grounded", "[unit]")
{
    CHECK(summarize::check_grounding("Temperature reached about 45 \xC2\xB0"
                                     "C.",
                                     seed_batch(), params) == std::nullopt);
    CHECK(summarize::check_grounding("Temperature reached 45.3\xC2\xB0"
                                     "C.",
                                     seed_batch(), params) == "number 45.3 is not in the batch");
}

TEST_CASE("an invented number is named in the reason", "[unit]")
{
    CHECK(summarize::check_grounding("Sensor wtf-pipe-1 read 99.9\xC2\xB0"
                                     "C, a 12% rise.",
                                     seed_batch(), params) ==
          "number 99.9 is not in the batch; number 12 is not in the batch");
}

TEST_CASE("a sensor not in the batch is named in the reason", "[unit]")
{
    CHECK(summarize::check_grounding("Sensors wtf-pipe-1 and wtf-pipe-9 spiked.", seed_batch(),
                                     params) == "sensor wtf-pipe-9 is not in the batch");
    CHECK(summarize::check_grounding("Sensor wtf-pipe-10 spiked.", seed_batch(), params) ==
          "sensor wtf-pipe-10 is not in the batch");
}

TEST_CASE("a time outside the window is named in the reason", "[unit]")
{
    CHECK(summarize::check_grounding("At 2025-05-28T03:00:00Z pressure drifted.", seed_batch(),
                                     params) == "time 2025-05-28T03:00:00Z is outside the window");
    CHECK(summarize::check_grounding("At 03:00:00 pressure drifted.", seed_batch(), params) ==
          "time 03:00:00 is outside the window");
    CHECK(summarize::check_grounding("On 2025-05-29 pressure drifted.", seed_batch(), params) ==
          "time 2025-05-29 is outside the window");
}

TEST_CASE("the seed CSV script's invented outliers are not grounded", "[unit]")
{
    auto const reason =
        summarize::check_grounding("There are 10 unusual outliers in this temperature data from an "
                                   "office/lab environment with "
                                   "a mean sensor value of 22.4 and standard deviation of 0.9.",
                                   seed_batch(), params);
    REQUIRE(reason);
    CHECK(*reason ==
          "number 10 is not in the batch; number 22.4 is not in the batch; number 0.9 is "
          "not in the batch");
}

TEST_CASE("a long list of problems is cut after five", "[unit]")
{
    CHECK(summarize::check_grounding("71 72 73 74 75 76 77", seed_batch(), params) ==
          "number 71 is not in the batch; number 72 is not in the batch; number 73 is not in the "
          "batch; number 74 is not in the batch; number 75 is not in the batch; and 2 more");
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
