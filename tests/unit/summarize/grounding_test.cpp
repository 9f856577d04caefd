#include <wtf/summarize/deterministic.hpp>
#include <wtf/summarize/grounding.hpp>

#include "support/summary_batches.hpp"

#include <catch2/catch.hpp>

using namespace wtf;
using namespace wtf::test;
using summarize::batch;
using summarize::parameter_info;

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

// ---- check_answer ------------------------------------------------------------------------------

namespace {

std::string answer_verdict(std::string_view text, batch const& b = seed_batch())
{
    auto const problem = summarize::check_answer(text, b, params);
    if (!problem) return "kept";
    return std::string{summarize::to_string(problem->fault)} + ": " + problem->reason;
}

} // namespace

TEST_CASE("the deterministic summary of any batch passes every check", "[unit]")
{
    for (unsigned seed = 1; seed <= 40; ++seed) {
        for (std::size_t n : {1u, 2u, 3u, 5u, 12u, 50u}) {
            auto const b = generated_batch(seed, n);
            auto const s = summarize::deterministic_summary(b);
            INFO(s);
            CHECK(answer_verdict(s, b) == "kept");
        }
    }
}

TEST_CASE("the faithful paraphrase passes every check", "[unit]")
{
    CHECK(answer_verdict("**Sensor wtf-pipe-1** saw a temperature spike to 45.2 \xC2\xB0"
                         "C at 00:01:23, followed by a pressure drift of 0.8 bar lasting 16.3 "
                         "seconds from 00:01:30 on 2025-05-28 (normal range 1.0-3.0 bar). Two "
                         "anomalies in total between 00:01 and 00:02 UTC.") == "kept");
}

TEST_CASE("in a small batch every anomaly must be named with its kind", "[unit]")
{
    CHECK(answer_verdict("Sensor wtf-pipe-1 reported a temperature spike of 45.2 \xC2\xB0"
                         "C at 00:01:23.") ==
          "incomplete: wtf-pipe-1 is named but not its pressure drift (a batch of 2 is "
          "described in full)");
}

TEST_CASE("a sentence starting with a pronoun speaks of the previous sentence's sensor", "[unit]")
{
    batch b = seed_batch();
    b.anomalies.push_back(spike("wtf-pipe-2", "flow", "L/min", 130.5, "2025-05-28T00:01:40Z"));
    CHECK(answer_verdict("Sensor wtf-pipe-2 had a flow spike of 130.5 L/min. Sensor wtf-pipe-1 "
                         "saw a temperature spike of 45.2 \xC2\xB0"
                         "C. It also drifted in pressure to 0.8 bar.",
                         b) == "kept");
    CHECK(answer_verdict("Sensor wtf-pipe-1 saw a temperature spike of 45.2 \xC2\xB0"
                         "C and a pressure drift to 0.8 bar. It also had a flow spike of "
                         "130.5 L/min.",
                         b)
              .starts_with("misattributed: flow is given to wtf-pipe-1"));
}

TEST_CASE("list items under a heading naming a sensor are that sensor's", "[unit]")
{
    CHECK(answer_verdict("wtf-pipe-1:\n- temperature spike, 45.2 \xC2\xB0"
                         "C at 00:01:23\n- pressure drift, 0.8 bar for 16.3 s") == "kept");
}

TEST_CASE("advice may name kinds and parameters; its numbers are still checked", "[unit]")
{
    CHECK(answer_verdict("Sensor wtf-pipe-1 reported a temperature spike of 45.2 \xC2\xB0"
                         "C and a pressure drift to 0.8 bar. Operators should check whether "
                         "flow spikes follow.") == "kept");
    CHECK(answer_verdict("Sensor wtf-pipe-1 reported a temperature spike of 45.2 \xC2\xB0"
                         "C and a pressure drift to 0.8 bar. Operators should check the 0.8 "
                         "\xC2\xB0"
                         "C reading.")
              .starts_with("misattributed: 0.8 \xC2\xB0"
                           "C has the wrong unit"));
}

TEST_CASE("a closed episode may be said to have ended, an active one may not", "[unit]")
{
    auto const text = std::string{"Sensor wtf-pipe-1 reported a temperature spike of 45.2 "
                                  "\xC2\xB0"
                                  "C, and its pressure drifted to 0.8 bar before it returned to "
                                  "normal."};
    CHECK(answer_verdict(text) == "kept");
    auto b = seed_batch();
    b.anomalies[1].ended_at.reset();
    CHECK(answer_verdict(text, b).starts_with("contradicts the batch: says the pressure drift on "
                                              "wtf-pipe-1 resolved"));
}

TEST_CASE("\"no other anomalies\" is not a denial", "[unit]")
{
    CHECK(answer_verdict("Sensor wtf-pipe-1 reported a temperature spike of 45.2 \xC2\xB0"
                         "C and a pressure drift to 0.8 bar. No other anomalies were "
                         "detected.") == "kept");
}

TEST_CASE("a text past its plausible length is refused", "[unit]")
{
    std::string text = "Sensor wtf-pipe-1 reported a temperature spike of 45.2 \xC2\xB0"
                       "C and a pressure drift to 0.8 bar.";
    while (text.size() < 3'000) text += " The readings are shown for the record.";
    CHECK(answer_verdict(text).starts_with("unreadable: too long for a batch of 2"));
}
