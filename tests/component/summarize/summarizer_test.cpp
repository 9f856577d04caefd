#include <wtf/store/history.hpp>
#include <wtf/summarize/summarizer.hpp>

#include "support/anomaly_builder.hpp"
#include "support/llm_stand_in.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <exception>

using namespace wtf;
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

core::timestamp const t0 = *core::parse_rfc3339("2025-05-28T00:01:00Z");

core::anomaly spike(std::uint64_t id, std::string sensor, double value, int second,
                    core::severity sev = core::severity::critical)
{
    return test::anomaly_builder{id}
        .sensor(std::move(sensor))
        .value(value)
        .severity(sev)
        .at(t0 + std::chrono::seconds{second});
}

std::vector<summarize::parameter_info> parameters()
{
    return {{"temperature", "°C", {10.0, 35.0}, {5.0, 40.0}}};
}

// Runs one coroutine to completion (other work on the context, a stand-in server say, may
// go on); 10 s is a deadlock guard, not a wait.
void run(asio::io_context& ioc, asio::awaitable<void> task)
{
    bool done = false;
    std::exception_ptr failure;
    asio::co_spawn(ioc, std::move(task), [&](std::exception_ptr e) {
        failure = e;
        done = true;
    });
    auto const deadline = std::chrono::steady_clock::now() + 10s;
    while (!done && std::chrono::steady_clock::now() < deadline) ioc.run_one_for(100ms);
    REQUIRE(done);
    if (failure) std::rethrow_exception(failure);
}

} // namespace

TEST_CASE("no anomalies, no summary", "[component]")
{
    asio::io_context ioc;
    store::history history{store::settings{}};
    summarize::summarizer s{{}, {}, parameters(), history, nullptr, t0};
    run(ioc, s.summarize_now(t0 + 60s));
    CHECK(history.summary_count() == 0);
}

TEST_CASE("with the LLM disabled the deterministic summary is stored, marked as such",
          "[component]")
{
    asio::io_context ioc;
    store::history history{store::settings{}};
    summarize::summarizer s{{}, {}, parameters(), history, nullptr, t0};
    s.note(core::anomaly_change::opened, spike(1, "wtf-pipe-1", 45.2, 23));
    run(ioc, s.summarize_now(t0 + 60s));

    REQUIRE(history.summary_count() == 1);
    std::string out;
    history.append_summary_records_json(out, 10);
    auto const record = boost::json::parse(out).at("summaries").at(0).as_object();
    CHECK(record.at("source").as_string() == "fallback");
    CHECK(record.at("fallback_reason").as_string() == "LLM disabled");
    CHECK(record.at("anomaly_count").as_int64() == 1);
    CHECK(record.at("window_start").as_string() == "2025-05-28T00:01:00Z");
    CHECK(record.at("window_end").as_string() == "2025-05-28T00:02:00Z");
    std::string const text{record.at("text").as_string()};
    CHECK(text.find("45.2") != std::string::npos);
    CHECK(text.find("wtf-pipe-1") != std::string::npos);
    CHECK(s.status().fallback_summaries == 1);
    CHECK_FALSE(s.status().last_failure); // disabled is not a failure
}

TEST_CASE("an anomaly that changed twice is described once, in its newest state", "[component]")
{
    store::history history{store::settings{}};
    summarize::summarizer s{{}, {}, parameters(), history, nullptr, t0};
    auto a = spike(1, "wtf-pipe-1", 45.2, 23);
    s.note(core::anomaly_change::opened, a);
    a.peak_value = 47.5;
    s.note(core::anomaly_change::updated, a);
    auto const b = s.take_batch(t0 + 60s);
    REQUIRE(b.anomalies.size() == 1);
    CHECK(*b.anomalies[0].peak_value == 47.5);
    CHECK(s.pending() == 0);
}

TEST_CASE("over max_buffer the most severe and newest are kept and the rest counted", "[component]")
{
    store::history history{store::settings{}};
    summarize::settings settings;
    settings.max_buffer = 2;
    summarize::summarizer s{settings, {}, parameters(), history, nullptr, t0};
    s.note(core::anomaly_change::opened, spike(1, "a", 45.0, 1));
    s.note(core::anomaly_change::opened, spike(2, "b", 36.0, 2, core::severity::warning));
    s.note(core::anomaly_change::opened, spike(3, "c", 46.0, 3));
    s.note(core::anomaly_change::opened, spike(4, "d", 47.0, 4));

    auto const b = s.take_batch(t0 + 60s);
    REQUIRE(b.anomalies.size() == 2);
    CHECK(b.left_out == 2);
    CHECK(b.anomalies[0].id == 3); // critical and newest, described in time order
    CHECK(b.anomalies[1].id == 4);
}

TEST_CASE("each window starts where the previous summary ended", "[component]")
{
    store::history history{store::settings{}};
    summarize::summarizer s{{}, {}, parameters(), history, nullptr, t0};
    s.note(core::anomaly_change::opened, spike(1, "a", 45.0, 1));
    auto const first = s.take_batch(t0 + 60s);
    s.note(core::anomaly_change::opened, spike(2, "a", 45.0, 70));
    auto const second = s.take_batch(t0 + 120s);
    CHECK(first.window_end == second.window_start);
    CHECK(second.window_end == t0 + 120s);
}

namespace {

// A summarizer talking to the stand-in over loopback, with one spike noted.
struct llm_fixture {
    asio::io_context ioc;
    test::llm_stand_in server{ioc.get_executor()};
    store::history history{store::settings{}};
    summarize::llm_settings llm = [this] {
        summarize::llm_settings s;
        s.base_url = server.base_url();
        s.model = "tiny-test";
        s.timeout = 500ms;
        return s;
    }();
    summarize::llm_client client{ioc.get_executor(), llm};
    summarize::summarizer summarizer{{}, llm, parameters(), history, &client, t0};

    llm_fixture()
    {
        summarizer.note(core::anomaly_change::opened, spike(1, "wtf-pipe-1", 45.2, 23));
    }

    boost::json::object summarize()
    {
        run(ioc, summarizer.summarize_now(t0 + 60s));
        std::string out;
        history.append_summary_records_json(out, 1);
        return boost::json::parse(out).at("summaries").at(0).as_object();
    }
};

} // namespace

TEST_CASE("a grounded LLM answer is stored as the summary", "[component]")
{
    llm_fixture f;
    f.server.set_content("At 00:01:23 sensor wtf-pipe-1 saw a temperature spike of 45.2 °C.");
    auto const record = f.summarize();
    CHECK(record.at("source").as_string() == "llm");
    CHECK(record.at("text").as_string() ==
          "At 00:01:23 sensor wtf-pipe-1 saw a temperature spike of 45.2 °C.");
    CHECK(record.at("model").as_string() == "tiny-test");
    REQUIRE(f.server.requests().size() == 1);
    auto const& body = f.server.requests()[0].json.as_object();
    auto const user = std::string{body.at("messages").at(1).at("content").as_string()};
    CHECK(user.find("45.2") != std::string::npos);
    CHECK(f.summarizer.status().last_success);
}

TEST_CASE("a reasoning block is stripped from the LLM's answer", "[component]")
{
    llm_fixture f;
    f.server.set_mode(test::llm_mode::think);
    f.server.set_content("Sensor wtf-pipe-1 reported a temperature spike of 45.2 °C.");
    auto const record = f.summarize();
    CHECK(record.at("source").as_string() == "llm");
    CHECK(record.at("text").as_string() ==
          "Sensor wtf-pipe-1 reported a temperature spike of 45.2 °C.");
}

TEST_CASE("an LLM answer with a number not in the batch is replaced by the deterministic summary",
          "[component]")
{
    llm_fixture f;
    f.server.set_mode(test::llm_mode::wrong_number);
    auto const record = f.summarize();
    CHECK(record.at("source").as_string() == "fallback");
    std::string const reason{record.at("fallback_reason").as_string()};
    CHECK(reason.find("not grounded") != std::string::npos);
    CHECK(reason.find("99.9") != std::string::npos);
    std::string const text{record.at("text").as_string()};
    CHECK(text.find("45.2") != std::string::npos);
    CHECK(text.find("99.9") == std::string::npos);
}

TEST_CASE("an LLM slower than the timeout gives the deterministic summary", "[component]")
{
    llm_fixture f;
    f.server.set_mode(test::llm_mode::slow);
    f.server.set_delay(3s);
    auto const started = std::chrono::steady_clock::now();
    auto const record = f.summarize();
    CHECK(std::chrono::steady_clock::now() - started < 2s);
    CHECK(record.at("source").as_string() == "fallback");
    CHECK(std::string{record.at("fallback_reason").as_string()}.find("LLM request failed") == 0);
    CHECK(f.summarizer.status().last_failure);
    CHECK_FALSE(f.summarizer.status().last_failure_reason.empty());
}

TEST_CASE("the window is in whole seconds and covers anomalies that started before it",
          "[component]")
{
    store::history history{store::settings{}};
    summarize::summarizer s{{}, {}, parameters(), history, nullptr, t0 + 10s};
    auto early = spike(1, "a", 45.0, 5);
    s.note(core::anomaly_change::opened, early);
    auto const b = s.take_batch(t0 + 60s + 250ms);
    CHECK(b.window_start == t0 + 5s);
    CHECK(b.window_end == t0 + 61s);
}

TEST_CASE("anomalies beyond the pending limit are counted as left out, not kept", "[component]")
{
    store::history history{store::settings{}};
    summarize::summarizer s{{}, {}, parameters(), history, nullptr, t0};
    for (std::uint64_t id = 1; id <= 1'005; ++id)
        s.note(core::anomaly_change::opened, spike(id, "a", 45.0, 1));
    CHECK(s.pending() == 1'000);
    auto const b = s.take_batch(t0 + 60s);
    CHECK(b.anomalies.size() == 50);
    CHECK(b.left_out == 955);
}

TEST_CASE("an LLM that fails once and then answers gives an LLM summary after the retry",
          "[component]")
{
    llm_fixture f;
    f.llm.timeout = 3s;
    summarize::llm_client client{f.ioc.get_executor(), f.llm};
    summarize::summarizer s{{}, f.llm, parameters(), f.history, &client, t0};
    s.note(core::anomaly_change::opened, spike(1, "wtf-pipe-1", 45.2, 23));
    f.server.set_mode(test::llm_mode::fail_once);
    f.server.set_content("Sensor wtf-pipe-1 reported a temperature spike of 45.2 °C.");
    run(f.ioc, s.summarize_now(t0 + 60s));

    std::string out;
    f.history.append_summary_records_json(out, 1);
    auto const record = boost::json::parse(out).at("summaries").at(0).as_object();
    CHECK(record.at("source").as_string() == "llm");
    CHECK(f.server.requests().size() == 2);
}

TEST_CASE("a malformed LLM answer gives the deterministic summary with the reason", "[component]")
{
    llm_fixture f;
    f.server.set_mode(test::llm_mode::malformed);
    auto const record = f.summarize();
    CHECK(record.at("source").as_string() == "fallback");
    CHECK(std::string{record.at("fallback_reason").as_string()}.find("LLM request failed") == 0);
    CHECK(std::string{record.at("text").as_string()}.find("45.2") != std::string::npos);
}

TEST_CASE("an LLM that refuses connections gives the deterministic summary with the reason",
          "[component]")
{
    llm_fixture f;
    f.server.stop();
    auto const record = f.summarize();
    CHECK(record.at("source").as_string() == "fallback");
    CHECK(std::string{record.at("fallback_reason").as_string()}.find("LLM request failed") == 0);
    CHECK(f.summarizer.status().last_failure_reason == record.at("fallback_reason").as_string());
}

namespace {

// A well-formed chat completion with the given content and finish reason.
std::string completion(std::string_view content, std::string_view finish_reason)
{
    boost::json::object body;
    body["object"] = "chat.completion";
    body["model"] = "tiny-test";
    boost::json::object message{{"role", "assistant"}, {"content", content}};
    boost::json::object choice{
        {"index", 0}, {"finish_reason", finish_reason}, {"message", std::move(message)}};
    body["choices"] = boost::json::array{std::move(choice)};
    return boost::json::serialize(body);
}

} // namespace

TEST_CASE("an LLM answer cut at max_tokens gives the deterministic summary", "[component]")
{
    llm_fixture f;
    f.server.set_mode(test::llm_mode::malformed); // serves the raw body as it is
    f.server.set_raw_body(
        completion("Sensor wtf-pipe-1 reported a temperature spike of", "length"));
    auto const record = f.summarize();
    CHECK(record.at("source").as_string() == "fallback");
    // The answer says nothing of how many tokens it had: whose limit cut it is not known.
    CHECK(record.at("fallback_reason").as_string() ==
          "LLM answer was cut at a token limit (llm.max_tokens = 512, or the server's own; it did "
          "not say how many it wrote)");
}

TEST_CASE("an LLM answer that is only reasoning gives the deterministic summary", "[component]")
{
    llm_fixture f;
    f.server.set_mode(test::llm_mode::malformed);
    f.server.set_raw_body(completion("<think>The spike is 45.2.</think>\n", "stop"));
    auto const record = f.summarize();
    CHECK(record.at("source").as_string() == "fallback");
    CHECK(record.at("fallback_reason").as_string() == "LLM answer was empty");
}
