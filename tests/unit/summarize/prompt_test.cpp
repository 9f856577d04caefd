#include <wtf/summarize/prompt.hpp>
#include <wtf/summarize/settings.hpp>

#include "support/summary_batches.hpp"

#include <algorithm>
#include <chrono>

#include <catch2/catch.hpp>

using namespace wtf;
using namespace wtf::test;
using summarize::batch;
using summarize::parameter_info;

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

TEST_CASE("the prompt lists one line per anomaly: sensor, kind, severity, values, times", "[unit]")
{
    auto const p = summarize::build_prompt(seed_batch(), params, 16'384);
    CHECK(p.anomalies_sent == 2);
    CHECK(contains(p.user, "Times below are UTC on 2025-05-28."));
    CHECK(contains(p.user, "- wtf-pipe-1: temperature spike (warning), 45.2\xC2\xB0"
                           "C, from 00:01:23 to 00:01:23, ended (0.0 s)\n"));
    CHECK(contains(p.user, "- wtf-pipe-1: pressure drift (warning), 0.8 bar, from 00:01:30 to "
                           "00:01:46, ended (16.3 s)\n"));
    CHECK_FALSE(contains(p.user, "E1"));
}

TEST_CASE("active episodes and dropouts say so in their lines", "[unit]")
{
    auto d = pressure_drift();
    d.ended_at.reset();
    batch b{at("2025-05-28T00:01:00Z"),
            at("2025-05-28T00:02:00Z"),
            {d, dropout("wtf-pipe-3", "2025-05-28T00:01:10Z", std::nullopt)},
            0};
    auto const p = summarize::build_prompt(b, params, 16'384);
    CHECK(contains(p.user, "from 00:01:30, still active after 16.3 s\n"));
    CHECK(contains(p.user, "- wtf-pipe-3: dropout (warning), no data from 00:01:10, still active"));
}

TEST_CASE("a prompt over max_bytes is cut and says how many anomalies were left out", "[unit]")
{
    auto b = generated_batch(7, 50);
    b.left_out = 3;
    auto const whole = summarize::build_prompt(b, params, 1'000'000);
    REQUIRE(whole.anomalies_sent == 50);
    CHECK(contains(whole.user, "3 more anomalies were left out"));

    auto const cut = summarize::build_prompt(b, params, 3'000);
    CHECK(cut.user.size() <= 3'000);
    CHECK(cut.anomalies_sent > 0);
    CHECK(cut.anomalies_sent < 50);
    CHECK(contains(cut.user,
                   std::to_string(53 - cut.anomalies_sent) + " more anomalies were left out."));
    std::size_t listed = 0;
    for (auto p = cut.user.find("\n- "); p != std::string::npos; p = cut.user.find("\n- ", p + 1))
        ++listed;
    CHECK(listed == cut.anomalies_sent);
}

TEST_CASE("a prompt cut to fit keeps the most severe anomalies, then the newest", "[unit]")
{
    batch b{at("2025-05-28T00:00:00Z"), at("2025-05-28T00:10:00Z"), {}, 0};
    for (int i = 0; i < 30; ++i) {
        auto a = spike("wtf-pipe-1", "temperature",
                       "\xC2\xB0"
                       "C",
                       41.0 + i, "2025-05-28T00:01:00Z");
        a.detected_at += std::chrono::seconds{i};
        a.started_at = a.detected_at;
        a.severity = i == 3 ? core::severity::critical : core::severity::warning;
        b.anomalies.push_back(a);
    }
    auto const p = summarize::build_prompt(b, params, 2'000);
    REQUIRE(p.anomalies_sent > 1);
    REQUIRE(p.anomalies_sent < 30);
    CHECK(p.sent.front() == 3); // the critical one, though it is old
    CHECK(std::is_sorted(p.sent.begin(), p.sent.end()));
    CHECK(p.sent.back() == 29); // then the newest
    auto const shown = summarize::shown_part(b, p);
    CHECK(shown.anomalies.size() == p.anomalies_sent);
    CHECK(shown.left_out == 30 - p.anomalies_sent);
    CHECK(shown.anomalies.front().severity == core::severity::critical);
}

TEST_CASE("a token budget cuts the anomalies, never the instructions", "[unit]")
{
    auto const b = generated_batch(3, 50);
    auto const p = summarize::build_prompt(b, params, summarize::prompt_budget{1'500, 1'000'000});
    CHECK(p.tokens <= 1'500);
    CHECK(p.tokens == summarize::estimate_tokens(p.system) + summarize::estimate_tokens(p.user));
    CHECK(p.anomalies_sent > 5);
    CHECK(p.anomalies_sent < 50);
    CHECK(contains(p.system, "Name every sensor that has a critical anomaly"));
    auto const tiny = summarize::build_prompt(b, params, summarize::prompt_budget{10, 1'000'000});
    CHECK(tiny.anomalies_sent == 0);
    CHECK(tiny.system == p.system);
}

TEST_CASE("the default budget fits a 2048-token context with the answer's 512", "[unit]")
{
    // What word_batch gives the prompt by default: 2048 - 512 - the template's 32.
    auto const budget = summarize::default_context_tokens - 512 - summarize::template_tokens;
    for (unsigned seed = 1; seed <= 10; ++seed) {
        auto const p = summarize::build_prompt(generated_batch(seed, 50), params,
                                               summarize::prompt_budget{budget, 16'384});
        CHECK(p.tokens + summarize::template_tokens + 512 <= 2'048);
        CHECK(p.anomalies_sent >= 10);
    }
}

TEST_CASE("tokens are estimated high: digits, punctuation and other bytes one each, letters "
          "3.5 to a token",
          "[unit]")
{
    CHECK(summarize::estimate_tokens("") == 0);
    CHECK(summarize::estimate_tokens("2025-05-28") == 10);
    CHECK(summarize::estimate_tokens("abcdefg") == 2);
    CHECK(summarize::estimate_tokens("abcdefgh") == 3);
    CHECK(summarize::estimate_tokens("\xC2\xB0"
                                     "C") == 3);
}

TEST_CASE("a prompt too small for any anomaly still sends its header", "[unit]")
{
    auto const p = summarize::build_prompt(seed_batch(), params, 10);
    CHECK(p.anomalies_sent == 0);
    CHECK(contains(p.user, "from 2025-05-28T00:01:00Z"));
    CHECK(contains(p.user, "2 more anomalies were left out."));
    CHECK_FALSE(contains(p.user, "\n- "));
}
