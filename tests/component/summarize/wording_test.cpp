// word_batch() against the LLM stand-in over loopback: the answer corpus end to end, and what
// the server says about its context, the prompt it read and where it cut the answer.

#include <wtf/summarize/deterministic.hpp>
#include <wtf/summarize/prompt.hpp>
#include <wtf/summarize/wording.hpp>

#include "support/corpus_batch.hpp"
#include "support/llm_stand_in.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <exception>
#include <map>
#include <optional>

using namespace wtf;
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

struct fixture {
    asio::io_context ioc;
    test::llm_stand_in server{ioc.get_executor()};
    summarize::llm_settings llm = [this] {
        summarize::llm_settings s;
        s.base_url = server.base_url();
        s.model = "tiny-test";
        s.timeout = 5s;
        return s;
    }();
    std::optional<summarize::llm_client> client;
    std::vector<summarize::parameter_info> params = test::corpus_parameters();

    summarize::wording word(summarize::batch const& b)
    {
        if (!client) client.emplace(ioc.get_executor(), llm);
        std::optional<summarize::wording> out;
        std::exception_ptr failure;
        auto task = [&]() -> asio::awaitable<void> {
            out = co_await summarize::word_batch(b, params, llm, &*client);
        };
        asio::co_spawn(ioc, task(), [&](std::exception_ptr e) { failure = e; });
        auto const deadline = std::chrono::steady_clock::now() + 10s; // a deadlock guard
        while (!out && !failure && std::chrono::steady_clock::now() < deadline)
            ioc.run_one_for(100ms);
        if (failure) std::rethrow_exception(failure);
        REQUIRE(out);
        return std::move(*out);
    }
};

std::string verdict(summarize::wording const& w)
{
    switch (w.outcome) {
    case summarize::llm_outcome::used: return "kept";
    case summarize::llm_outcome::empty: return "empty";
    case summarize::llm_outcome::rejected: return w.fallback_reason;
    default: return "other: " + w.fallback_reason;
    }
}

} // namespace

TEST_CASE("the answer corpus, served by the stand-in, is kept or refused as its entries say",
          "[component]")
{
    fixture f;
    auto const corpus = test::read_corpus(WTF_TEST_DATA "/llm-corpus.jsonl");
    std::vector<test::llm_scripted_answer> script;
    for (auto const& a : corpus) script.push_back({a.content, "stop"});
    f.server.set_mode(test::llm_mode::script);
    f.server.set_script(script);
    auto const b = test::corpus_batch();
    std::size_t kept = 0;
    std::size_t refused = 0;
    for (auto const& a : corpus) {
        auto const w = f.word(b);
        INFO(a.id << ": " << verdict(w));
        if (a.expect == "kept") {
            CHECK(w.from_llm());
            CHECK(w.text == summarize::strip_reasoning(a.content));
            ++kept;
        } else {
            CHECK_FALSE(w.from_llm());
            CHECK(w.text == summarize::deterministic_summary(b));
            if (a.expect != "empty") {
                CHECK(w.fallback_reason.starts_with("LLM answer " + a.expect + ": "));
                CHECK(w.fallback_reason.find(a.reason) != std::string::npos);
            }
            ++refused;
        }
    }
    CHECK(kept >= 20);
    CHECK(refused >= 20);
    CHECK(f.server.requests().size() == corpus.size());
}

TEST_CASE("with context_tokens \"auto\" the prompt fits the context /props reports", "[component]")
{
    fixture f;
    f.server.set_context(1'280);
    f.server.set_content("Critical: wtf-pipe-1 temperature spike 45.2 \xC2\xB0"
                         "C; wtf-pipe-2 flow spike 130.5 L/min.");
    auto const w = f.word(test::corpus_batch());
    CHECK(f.server.props_requests() == 1);
    REQUIRE(f.server.requests().size() == 1);
    // 1280 - 512 for the answer - 32 for the template: room for the most severe only.
    CHECK(w.prompt_tokens <= 1'280 - 512 - summarize::template_tokens);
    CHECK(w.anomalies_sent >= 2);
    CHECK(w.anomalies_sent < 7);
    CHECK(w.from_llm());
    f.word(test::corpus_batch());
    CHECK(f.server.props_requests() == 2);
}

TEST_CASE("a context too small for any anomaly is not asked at all", "[component]")
{
    fixture f;
    f.llm.context_tokens = 1'024;
    auto const w = f.word(test::corpus_batch());
    CHECK(w.outcome == summarize::llm_outcome::no_room);
    CHECK(w.fallback_reason.starts_with("LLM not asked: a prompt of 512 tokens has no room"));
    CHECK(f.server.requests().empty());
}

TEST_CASE("a server without /props is asked once and gets the 2048-token default", "[component]")
{
    fixture f;
    f.server.set_content("Critical: wtf-pipe-1 temperature spike 45.2 \xC2\xB0"
                         "C; wtf-pipe-2 flow spike 130.5 L/min.");
    auto const first = f.word(test::corpus_batch());
    auto const second = f.word(test::corpus_batch());
    CHECK(f.server.props_requests() == 1);
    CHECK(first.anomalies_sent == 7);
    CHECK(first.prompt_tokens + 512 + summarize::template_tokens <= 2'048);
    CHECK(second.from_llm());
}

TEST_CASE("a server that read fewer prompt tokens than were sent gives an unreliable answer",
          "[component]")
{
    fixture f;
    f.server.set_mode(test::llm_mode::truncated);
    f.server.set_content("Critical: wtf-pipe-1 temperature spike 45.2 \xC2\xB0"
                         "C; wtf-pipe-2 flow spike 130.5 L/min.");
    auto const w = f.word(test::corpus_batch());
    CHECK(w.outcome == summarize::llm_outcome::unreliable);
    CHECK(w.fallback_reason.starts_with("LLM answer unreliable: the server read "));
    CHECK_FALSE(w.from_llm());
}

TEST_CASE("a prompt longer than the server's real context is caught by its token count",
          "[component]")
{
    fixture f;
    f.server.set_context(2'048);
    f.llm.context_tokens = 8'192; // the operator's setting is wrong: the server has 2048
    f.server.set_content("Critical: wtf-pipe-1 temperature spike 45.2 \xC2\xB0"
                         "C; wtf-pipe-2 flow spike 130.5 L/min.");
    summarize::batch big = test::corpus_batch();
    for (int i = 0; i < 40; ++i)
        big.anomalies.push_back(big.anomalies[static_cast<std::size_t>(i % 7)]);
    auto const w = f.word(big);
    CHECK(w.outcome == summarize::llm_outcome::unreliable);
    CHECK(f.server.props_requests() == 0);
}

TEST_CASE("an answer cut by the server's own -n says so, one cut at max_tokens says that",
          "[component]")
{
    fixture f;
    f.server.set_content("Sensor wtf-pipe-1 reported a critical temperature spike of 45.2 \xC2\xB0"
                         "C at 08:36:10 and sensor wtf-pipe-2 a critical flow spike of 130.5 "
                         "L/min at 08:36:20.");
    f.server.set_predict_limit(8);
    auto const by_server = f.word(test::corpus_batch());
    CHECK(by_server.outcome == summarize::llm_outcome::cut);
    CHECK(by_server.fallback_reason ==
          "LLM answer was cut by the server's own limit after 8 tokens (its -n or context size; "
          "llm.max_tokens = 512)");

    f.server.set_predict_limit(0);
    f.llm.max_tokens = 8;
    f.client.reset();
    auto const by_us = f.word(test::corpus_batch());
    CHECK(by_us.outcome == summarize::llm_outcome::cut);
    CHECK(by_us.fallback_reason == "LLM answer was cut at llm.max_tokens = 8");
}

TEST_CASE("a failed request records how long it took", "[component]")
{
    fixture f;
    f.server.set_mode(test::llm_mode::slow);
    f.server.set_delay(3s);
    f.llm.timeout = 300ms;
    auto const w = f.word(test::corpus_batch());
    CHECK(w.outcome == summarize::llm_outcome::request_failed);
    CHECK(w.latency >= 250ms);
    CHECK(w.latency < 2s);
}

TEST_CASE("reasoning stripped from a used answer is kept for the record", "[component]")
{
    fixture f;
    f.server.set_mode(test::llm_mode::think);
    f.server.set_content("Critical: wtf-pipe-1 temperature spike 45.2 \xC2\xB0"
                         "C; wtf-pipe-2 flow spike 130.5 L/min.");
    auto const w = f.word(test::corpus_batch());
    CHECK(w.from_llm());
    CHECK(w.stripped == "<think>The readings look odd; let me list them.</think>");
}
