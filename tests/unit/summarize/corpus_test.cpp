// The LLM answer corpus against check_answer(): honest answers in many styles are kept, and
// dishonest or useless ones are refused for the reason their entry names.

#include <wtf/summarize/grounding.hpp>

#include "support/corpus_batch.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace wtf;

namespace {

std::string verdict(test::corpus_answer const& a)
{
    auto const text = summarize::strip_reasoning(a.content);
    if (text.empty()) return "empty";
    auto const params = test::corpus_parameters();
    auto const problem = summarize::check_answer(text, test::corpus_batch(), params);
    if (!problem) return "kept";
    return std::string{summarize::to_string(problem->fault)} + ": " + problem->reason;
}

} // namespace

TEST_CASE("every corpus answer gets the verdict its entry expects", "[unit]")
{
    auto const corpus = test::read_corpus(WTF_TEST_DATA "/llm-corpus.jsonl");
    std::size_t kept = 0;
    std::size_t refused = 0;
    std::map<std::string, std::size_t> by_class;
    for (auto const& a : corpus) {
        INFO(a.id << ": " << a.content);
        auto const got = verdict(a);
        INFO("verdict: " << got);
        if (a.expect == "kept") {
            CHECK(got == "kept");
            ++kept;
            continue;
        }
        CHECK(got.starts_with(a.expect));
        CHECK(got.find(a.reason) != std::string::npos);
        ++refused;
        ++by_class[a.expect];
    }
    CHECK(kept >= 20);
    CHECK(refused >= 20);
    CHECK(by_class.size() >= 6); // every class of refusal is represented
}
