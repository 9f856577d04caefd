#include "cli/detail/saved_response.hpp"

#include <boost/json/parse.hpp>
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

using namespace wtf;
namespace fs = std::filesystem;

namespace {

std::string read(fs::path const& p)
{
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

summarize::batch one_spike()
{
    summarize::batch b;
    b.window_start = core::parse_rfc3339("2025-05-28T00:00:00Z").value();
    b.window_end = core::parse_rfc3339("2025-05-28T01:00:00Z").value();
    core::anomaly a;
    a.id = 1;
    a.sensor_id = "wtf-pipe-1";
    a.parameter = "temperature";
    a.value = 45.2;
    a.detected_at = a.started_at = b.window_start;
    b.anomalies.push_back(a);
    return b;
}

} // namespace

TEST_CASE("the LLM's chat completion is saved verbatim", "[unit][cli]")
{
    summarize::wording w;
    w.outcome = summarize::llm_outcome::used;
    w.text = "A spike.";
    w.reply = summarize::chat_reply{};
    w.reply->raw = R"({"choices":[{"message":{"content":"A spike."}}],"model":"m"})";
    CHECK(cli::detail::response_document(w, one_spike(), {}) == w.reply->raw);
}

TEST_CASE("wtfd's own summary is saved as a chat completion marked as deterministic", "[unit][cli]")
{
    summarize::wording w;
    w.outcome = summarize::llm_outcome::rejected;
    w.fault = summarize::answer_fault::not_grounded;
    w.fallback_reason = "LLM answer not grounded: number 47.3 is not in the batch";
    w.text = "During the period ...";
    w.reply = summarize::chat_reply{};
    w.reply->raw = R"({"choices":[{"message":{"content":"47.3"}}]})";
    auto const doc = boost::json::parse(cli::detail::response_document(w, one_spike(), {}));
    CHECK(doc.at("choices").at(0).at("message").at("content") == "During the period ...");
    CHECK(doc.at("model") == "wtfd-deterministic-summary");
    auto const& mark = doc.at("wtfd");
    CHECK(mark.at("source") == "deterministic");
    CHECK(mark.at("reason").as_string() == w.fallback_reason);
    CHECK(mark.at("anomalies") == 1);
    CHECK(mark.at("window_start") == "2025-05-28T00:00:00Z");
    CHECK(mark.at("rejected_response").at("choices").at(0).at("message").at("content") == "47.3");

    w.reply->raw = "not json";
    auto const kept = boost::json::parse(cli::detail::response_document(w, one_spike(), {}));
    CHECK(kept.at("wtfd").at("rejected_response") == "not json");
}

TEST_CASE("a rejected reply is kept byte for byte, numbers and key order included", "[unit][cli]")
{
    summarize::wording w;
    w.outcome = summarize::llm_outcome::rejected;
    w.fallback_reason = "LLM answer unreadable: too short for a summary (2 words)";
    w.text = "During the period ...";
    w.reply = summarize::chat_reply{};
    w.reply->raw = R"({"choices":[{"message":{"content":"ok ok"}}],"timings":{"prompt_ms":1.50}})";
    auto const doc = cli::detail::response_document(w, one_spike(), {});
    CHECK_THAT(doc, Catch::Contains(R"("rejected_response":)" + w.reply->raw));
    auto const mark = boost::json::parse(doc).at("wtfd");
    CHECK(std::string{mark.at("checks").as_string()}.find("grounded") != std::string::npos);
}

TEST_CASE("an answer used after its reasoning was stripped is saved with both marked",
          "[unit][cli]")
{
    summarize::wording w;
    w.outcome = summarize::llm_outcome::used;
    w.model = "m";
    w.text = "Sensor wtf-pipe-1 reported a temperature spike of 45.2 °C.";
    w.stripped = "<think>Let me see.</think>";
    w.reply = summarize::chat_reply{};
    w.reply->raw = R"({"choices":[{"message":{"content":"<think>Let me see.</think>\nSensor )"
                   R"(wtf-pipe-1 reported a temperature spike of 45.2 °C."}}],"model":"m"})";
    auto const text = cli::detail::response_document(w, one_spike(), {});
    CHECK_THAT(text, Catch::Contains(R"("response":)" + w.reply->raw));
    auto const doc = boost::json::parse(text);
    CHECK(doc.at("choices").at(0).at("message").at("content").as_string() == w.text);
    CHECK(doc.at("model") == "m");
    auto const& mark = doc.at("wtfd");
    CHECK(mark.at("source") == "llm");
    CHECK(mark.at("stripped") == "<think>Let me see.</think>");
    CHECK_FALSE(mark.as_object().contains("reason"));
}

TEST_CASE("responses are never overwritten and results.csv gets its header once", "[unit][cli]")
{
    test::temp_dir dir{"wtf-saved"};
    auto const at = std::chrono::system_clock::now();
    auto first = cli::detail::save_response(dir.path(), "{\"a\":1}\n",
                                            "http://127.0.0.1:8008/v1/chat/completions", at);
    auto second = cli::detail::save_response(dir.path(), "{\"a\":2}\n", "", at);
    REQUIRE(std::holds_alternative<cli::detail::saved_paths>(first));
    REQUIRE(std::holds_alternative<cli::detail::saved_paths>(second));
    auto const& p1 = std::get<cli::detail::saved_paths>(first);
    auto const& p2 = std::get<cli::detail::saved_paths>(second);
    CHECK(p1.response != p2.response);
    CHECK_THAT(p2.response, Catch::EndsWith("_2.json"));
    CHECK(read(p1.response) == "{\"a\":1}\n");
    CHECK(read(p2.response) == "{\"a\":2}\n");

    auto const csv = read(dir.file("results.csv"));
    auto const rel1 = "responses/" + fs::path(p1.response).filename().string();
    auto const rel2 = "responses/" + fs::path(p2.response).filename().string();
    CHECK_THAT(csv, Catch::StartsWith("timestamp,model_api_url,output_filename\n"));
    CHECK_THAT(csv, Catch::Contains(",http://127.0.0.1:8008/v1/chat/completions," + rel1 + "\n"));
    CHECK_THAT(csv, Catch::EndsWith(",," + rel2 + "\n"));
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 3);
}

TEST_CASE("an existing empty results.csv gets the header; a URL with a comma is quoted",
          "[unit][cli]")
{
    test::temp_dir dir{"wtf-saved"};
    std::ofstream{dir.file("results.csv")};
    auto saved = cli::detail::save_response(dir.path(), "{}", "http://h/v1,x",
                                            std::chrono::system_clock::now());
    REQUIRE(std::holds_alternative<cli::detail::saved_paths>(saved));
    auto const csv = read(dir.file("results.csv"));
    CHECK_THAT(csv, Catch::StartsWith("timestamp,model_api_url,output_filename\n"));
    CHECK_THAT(csv, Catch::Contains(",\"http://h/v1,x\",responses/"));
}

TEST_CASE("an unusable output directory is an error naming the path", "[unit][cli]")
{
    test::temp_dir dir{"wtf-saved"};
    std::ofstream{dir.file("file")} << "x";
    auto saved =
        cli::detail::save_response(dir.file("file"), "{}", "", std::chrono::system_clock::now());
    REQUIRE(std::holds_alternative<std::string>(saved));
    CHECK_THAT(std::get<std::string>(saved),
               Catch::StartsWith(dir.file("file/responses") + ": cannot create"));
}
