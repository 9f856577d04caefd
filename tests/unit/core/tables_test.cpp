#include <wtf/core/anomaly.hpp>
#include <wtf/core/reading.hpp>

#include <catch2/catch.hpp>

#include <set>
#include <string_view>

using namespace wtf;

TEST_CASE("every anomaly kind's name reads back as its type, and names are unique", "[unit][core]")
{
    std::set<std::string_view> names;
    for (auto const& kind : core::anomaly_kinds) {
        CHECK(core::anomaly_type_from(kind.name) == kind.type);
        CHECK(core::to_string(kind.type) == kind.name);
        CHECK_FALSE(kind.noun.empty());
        CHECK_FALSE(kind.plural.empty());
        names.insert(kind.name);
    }
    CHECK(names.size() == core::anomaly_kinds.size());
    CHECK_FALSE(core::anomaly_type_from("unknown").has_value());
}

TEST_CASE("each anomaly kind's message follows its wording", "[unit][core]")
{
    for (auto const& kind : core::anomaly_kinds) {
        core::anomaly a;
        a.type = kind.type;
        a.parameter = kind.has_parameter() ? "flow" : "";
        a.value = 12.5;
        a.duration_seconds = 16.0;
        a.contributions = {{"flow", 0.7}, {"pressure", 0.25}, {"temperature", 0.05}};
        auto text = core::message(a);
        CAPTURE(kind.name, text);
        switch (kind.wording) {
        case core::wording::excursion: CHECK(text.find("Flow ") == 0); break;
        case core::wording::sustained: CHECK(text.find("for 16.0s") != std::string::npos); break;
        case core::wording::silence: CHECK(text.find("Sensor ") == 0); break;
        case core::wording::joint:
            // The largest contributors, not those below a tenth.
            CHECK(text.ends_with(": flow, pressure"));
            text[0] = static_cast<char>(text[0] - 'A' + 'a');
            break;
        }
        CHECK(text.find(kind.noun) != std::string::npos);
    }
}

TEST_CASE("each anomaly kind has a default cause and the seed's kinds imply theirs", "[unit][core]")
{
    CHECK(core::kind_of(core::anomaly_type::dropout).default_cause == core::cause::instrument);
    CHECK(core::kind_of(core::anomaly_type::flatline).default_cause == core::cause::instrument);
    CHECK(core::kind_of(core::anomaly_type::deviation).default_cause == core::cause::process);
    for (auto const& kind : core::anomaly_kinds) {
        bool const seed = kind.type == core::anomaly_type::spike ||
                          kind.type == core::anomaly_type::drift ||
                          kind.type == core::anomaly_type::dropout;
        CHECK(kind.cause_implied == seed);
    }
    CHECK(core::cause_from("instrument") == core::cause::instrument);
    CHECK(core::cause_from(core::to_string(core::cause::process)) == core::cause::process);
    CHECK_FALSE(core::cause_from("unknown"));
}

TEST_CASE("every source's name is unique and names it", "[unit][core]")
{
    std::set<std::string_view> names;
    for (auto const& src : core::source_kinds) {
        CHECK(core::to_string(src.source) == src.name);
        names.insert(src.name);
    }
    CHECK(names.size() == core::source_kinds.size());
}
