// Reading back the journal's anomalies and summaries, and closing episodes at start-up.

#include <wtf/core/anomaly.hpp>
#include <wtf/store/history.hpp>
#include <wtf/store/journal.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

using namespace wtf;
using namespace std::chrono_literals;

namespace {

core::timestamp const t0 = core::parse_rfc3339("2025-05-28T00:01:23Z").value();

core::anomaly every_field()
{
    core::anomaly a;
    a.id = 42;
    a.type = core::anomaly_type::drift;
    a.severity = core::severity::critical;
    a.sensor_id = "wtf-pipe-7";
    a.parameter = "ph";
    a.unit = "pH";
    a.detector = "drift";
    a.detected_at = t0 + 16s + 250ms;
    a.started_at = t0;
    a.ended_at = t0 + 90s + 1us;
    a.value = 9.8;
    a.peak_value = 10.25;
    a.limits = core::band{6.5, 8.5};
    a.duration_seconds = 90.125;
    a.never_seen = true;
    a.closed_at_restart = true;
    return a;
}

std::string json_of(core::anomaly const& a)
{
    std::string out;
    core::append_json(out, a);
    return out;
}

std::string json_of(store::summary const& s)
{
    std::string out;
    store::append_json(out, s);
    return out;
}

// The JSON with one member replaced or removed.
std::string edited(std::string const& json, std::string const& key,
                   std::optional<boost::json::value> value)
{
    auto v = boost::json::parse(json);
    if (value) {
        v.as_object()[key] = *value;
    } else {
        v.as_object().erase(key);
    }
    return boost::json::serialize(v);
}

} // namespace

TEST_CASE("an anomaly with every field reads back as it was written", "[unit][journal]")
{
    auto const a = every_field();
    std::string why;
    auto const b = store::anomaly_from_json(json_of(a), why);
    REQUIRE(b);
    CHECK(why.empty());
    CHECK(b->id == a.id);
    CHECK(b->type == a.type);
    CHECK(b->severity == a.severity);
    CHECK(b->sensor_id == a.sensor_id);
    CHECK(b->parameter == a.parameter);
    CHECK(b->unit == a.unit);
    CHECK(b->detector == a.detector);
    CHECK(b->detected_at == a.detected_at);
    CHECK(b->started_at == a.started_at);
    CHECK(b->ended_at == a.ended_at);
    CHECK(b->value == a.value);
    CHECK(b->peak_value == a.peak_value);
    REQUIRE(b->limits);
    CHECK(b->limits->low == 6.5);
    CHECK(b->limits->high == 8.5);
    CHECK(b->duration_seconds == a.duration_seconds);
    CHECK(b->never_seen);
    CHECK(b->closed_at_restart);
    CHECK(json_of(*b) == json_of(a));
}

TEST_CASE("an open anomaly with only the required fields reads back with the defaults",
          "[unit][journal]")
{
    core::anomaly a;
    a.id = 3;
    a.type = core::anomaly_type::dropout;
    a.sensor_id = "wtf-pipe-2";
    a.detected_at = t0 + 30s;
    a.started_at = t0;
    std::string why;
    auto const b = store::anomaly_from_json(json_of(a), why);
    REQUIRE(b);
    CHECK(b->active());
    CHECK(b->parameter.empty());
    CHECK_FALSE(b->value);
    CHECK_FALSE(b->peak_value);
    CHECK_FALSE(b->limits);
    CHECK_FALSE(b->duration_seconds);
    CHECK(b->severity == core::severity::warning);
    CHECK(b->detector == "threshold");
    CHECK_FALSE(b->never_seen);
    CHECK_FALSE(b->closed_at_restart);
    CHECK(json_of(*b) == json_of(a));
}

TEST_CASE("a multivariate anomaly's cause, evidence, score and contributions read back",
          "[unit][journal]")
{
    core::anomaly a;
    a.id = 9;
    a.type = core::anomaly_type::multivariate;
    a.sensor_id = "wtf-pipe-2";
    a.parameter = "flow";
    a.detector = "multivariate";
    a.detected_at = t0 + 60s;
    a.started_at = t0;
    a.cause = core::cause::process;
    a.evidence.basis = "together";
    a.evidence.figures = {{"t2_ratio", 3.25}, {"q_ratio", 0.5}, {"moving", 2.0}};
    a.evidence.end = "settled";
    a.score = 7.5;
    a.threshold = 2.25;
    a.contributions = {{"flow", 0.625}, {"pressure", 0.25}};
    std::string why;
    auto const b = store::anomaly_from_json(json_of(a), why);
    REQUIRE(b);
    CHECK(b->cause == core::cause::process);
    CHECK(b->evidence == a.evidence);
    CHECK(b->score == 7.5);
    CHECK(b->threshold == 2.25);
    CHECK(b->contributions == a.contributions);
    CHECK(json_of(*b) == json_of(a));
}

TEST_CASE("an anomaly written before causes existed takes its kind's cause", "[unit][journal]")
{
    core::anomaly a;
    a.id = 4;
    a.type = core::anomaly_type::dropout;
    a.sensor_id = "wtf-pipe-1";
    a.detected_at = t0 + 10s;
    a.started_at = t0;
    std::string why;
    auto const b = store::anomaly_from_json(edited(json_of(a), "cause", std::nullopt), why);
    REQUIRE(b);
    CHECK(b->cause == core::cause::instrument);
}

TEST_CASE("a wrong cause, evidence or contribution is refused, naming the field", "[unit][journal]")
{
    auto const json = json_of(every_field());
    std::string why;
    CHECK_FALSE(store::anomaly_from_json(edited(json, "cause", boost::json::value("both")), why));
    CHECK(why.find("cause") != std::string::npos);
    CHECK_FALSE(store::anomaly_from_json(
        edited(json, "evidence", boost::json::parse(R"({"basis": "x", "q_ratio": "high"})")), why));
    CHECK(why.find("evidence.q_ratio") != std::string::npos);
    CHECK_FALSE(store::anomaly_from_json(
        edited(json, "contributions", boost::json::parse(R"([{"parameter": "flow"}])")), why));
    CHECK(why.find("contributions") != std::string::npos);
    CHECK(why.find("share") != std::string::npos);
}

TEST_CASE("numbers written as integers or doubles both read back", "[unit][journal]")
{
    auto json = edited(json_of(every_field()), "value", boost::json::value(10));
    json = edited(json, "id", boost::json::value(42.0));
    std::string why;
    auto const b = store::anomaly_from_json(json, why);
    REQUIRE(b);
    CHECK(b->value == 10.0);
    CHECK(b->id == 42);
}

TEST_CASE("an anomaly missing a required field is refused, naming the field", "[unit][journal]")
{
    auto const json = json_of(every_field());
    for (std::string const key : {"id", "type", "timestamp", "sensor_id", "started_at"}) {
        INFO(key);
        std::string why;
        CHECK_FALSE(store::anomaly_from_json(edited(json, key, std::nullopt), why));
        CHECK(why == "missing field '" + key + "'");
    }
}

TEST_CASE("an anomaly with a wrong-typed field is refused, naming the field", "[unit][journal]")
{
    auto const json = json_of(every_field());
    auto const refused = [&json](std::string const& key, boost::json::value v) {
        std::string why;
        INFO(key);
        CHECK_FALSE(store::anomaly_from_json(edited(json, key, v), why));
        CHECK(why.find("'" + key + "'") != std::string::npos);
    };
    refused("id", boost::json::value(-1));
    refused("id", boost::json::value("42"));
    refused("type", boost::json::value("flood"));
    refused("timestamp", boost::json::value("yesterday"));
    refused("sensor_id", boost::json::value(7));
    refused("value", boost::json::value("9.8"));
    refused("ended_at", boost::json::value(12));
    refused("severity", boost::json::value("dire"));
    refused("never_seen", boost::json::value("yes"));
    refused("limits", boost::json::value(1));
    refused("limits", boost::json::parse(R"({"low":1})"));
}

TEST_CASE("a duration no episode can have is refused, naming the field", "[unit][journal]")
{
    // Issue 11: a journal line with duration_seconds 1e30 over-read the stack at start-up when
    // the anomaly's message was built.
    auto const json = json_of(every_field());
    for (double const d : {1e30, -1.0, 4e11}) {
        INFO(d);
        std::string why;
        CHECK_FALSE(store::anomaly_from_json(edited(json, "duration_seconds", d), why));
        CHECK(why.find("'duration_seconds'") != std::string::npos);
    }
    std::string why;
    CHECK(store::anomaly_from_json(edited(json, "duration_seconds", 3e11), why));
}

TEST_CASE("a time outside the valid range is refused, naming the field and the range",
          "[unit][journal]")
{
    auto const json = json_of(every_field());
    std::string why;
    CHECK_FALSE(store::anomaly_from_json(
        edited(json, "started_at", boost::json::value("0000-01-01T00:00:00+00:01")), why));
    CHECK(why == "field 'started_at' is not a time from 0000-01-01T00:00:00Z to "
                 "9999-12-31T23:59:59.999999Z");
}

TEST_CASE("an absurd value reads back and formats safely", "[unit][journal]")
{
    auto a = every_field();
    a.value = 1e300;
    a.peak_value = -1e300;
    std::string why;
    auto const back = store::anomaly_from_json(json_of(a), why);
    REQUIRE(back);
    CHECK(back->value == 1e300);
    CHECK(core::message(*back) == "Ph drift detected for 90.1s");
}

TEST_CASE("text that is not JSON is refused without throwing", "[unit][journal]")
{
    std::string why;
    CHECK_FALSE(store::anomaly_from_json(R"({"id":1,"type":"sp)", why));
    CHECK(why.find("unparseable JSON") == 0);
    CHECK_FALSE(store::anomaly_from_json("[1,2]", why));
    CHECK_FALSE(store::summary_from_json("", why));
}

TEST_CASE("a summary reads back as it was written", "[unit][journal]")
{
    store::summary s;
    s.text = "Sensor wtf-pipe-1 reported a temperature spike of 45.2 °C.\nSecond line.";
    s.created_at = t0 + 61s;
    s.window_start = t0;
    s.window_end = t0 + 60s + 500ms;
    s.anomaly_count = 3;
    s.left_out = 2;
    s.source = "llm";
    s.model = "tiny-test";
    s.fallback_reason = "";
    s.latency = 1234ms;
    std::string why;
    auto const r = store::summary_from_json(json_of(s), why);
    REQUIRE(r);
    CHECK(r->text == s.text);
    CHECK(r->created_at == s.created_at);
    CHECK(r->window_start == s.window_start);
    CHECK(r->window_end == s.window_end);
    CHECK(r->anomaly_count == 3);
    CHECK(r->left_out == 2);
    CHECK(r->source == "llm");
    CHECK(r->model == "tiny-test");
    CHECK(r->fallback_reason.empty());
    CHECK(r->latency == 1234ms);
    CHECK(json_of(*r) == json_of(s));
}

TEST_CASE("a fallback summary's null model reads back empty", "[unit][journal]")
{
    store::summary s;
    s.text = "No anomalies were detected.";
    s.created_at = t0;
    s.window_start = t0;
    s.window_end = t0;
    s.fallback_reason = "LLM disabled";
    std::string why;
    auto const r = store::summary_from_json(json_of(s), why);
    REQUIRE(r);
    CHECK(r->source == "fallback");
    CHECK(r->model.empty());
    CHECK(r->fallback_reason == "LLM disabled");
    CHECK(r->latency == 0ms);
}

TEST_CASE("a summary without its window is refused", "[unit][journal]")
{
    store::summary s;
    s.text = "x";
    std::string why;
    CHECK_FALSE(store::summary_from_json(edited(json_of(s), "window_end", std::nullopt), why));
    CHECK(why == "missing field 'window_end'");
    CHECK_FALSE(
        store::summary_from_json(edited(json_of(s), "anomaly_count", boost::json::value(-2)), why));
    CHECK(why.find("'anomaly_count'") != std::string::npos);
}

TEST_CASE("close_at_restart ends the episode at the last reading when that is latest",
          "[unit][journal]")
{
    core::anomaly a;
    a.started_at = t0;
    a.detected_at = t0 + 10s;
    auto const b = store::close_at_restart(a, t0 + 95s);
    CHECK(b.ended_at == t0 + 95s);
    CHECK(b.duration_seconds == 95.0);
    CHECK(b.closed_at_restart);
    CHECK_FALSE(b.active());
}

TEST_CASE("close_at_restart never ends an episode before it was detected", "[unit][journal]")
{
    core::anomaly a;
    a.started_at = t0;
    a.detected_at = t0 + 16s;
    auto const stale = store::close_at_restart(a, t0 - 5s);
    CHECK(stale.ended_at == t0 + 16s);
    CHECK(stale.duration_seconds == 16.0);
    auto const unknown = store::close_at_restart(a, std::nullopt);
    CHECK(unknown.ended_at == t0 + 16s);
    CHECK(unknown.closed_at_restart);

    a.detected_at = t0 - 1s; // a reading posted late: started after it was confirmed
    auto const late = store::close_at_restart(a, std::nullopt);
    CHECK(late.ended_at == t0);
    CHECK(late.duration_seconds == 0.0);
}

TEST_CASE("close_at_restart leaves an episode that had ended as it was", "[unit][journal]")
{
    auto a = every_field();
    a.closed_at_restart = false;
    auto const b = store::close_at_restart(a, t0 + 1000s);
    CHECK(b.ended_at == a.ended_at);
    CHECK_FALSE(b.closed_at_restart);
}

TEST_CASE("an anomaly with its alarm object beside it reads back without it", "[unit][journal]")
{
    auto json = json_of(every_field());
    json.pop_back();
    json += R"(,"alarm":{"state":"acknowledged","suppressed":null}})";
    std::string why;
    auto const back = store::anomaly_from_json(json, why);
    INFO(why);
    REQUIRE(back);
    CHECK(json_of(*back) == json_of(every_field()));
}
