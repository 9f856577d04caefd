#include <wtf/core/anomaly.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <catch2/catch.hpp>

using namespace wtf;

namespace {

core::anomaly drift()
{
    core::anomaly a;
    a.id = 7;
    a.type = core::anomaly_type::drift;
    a.sensor_id = "wtf-pipe-1";
    a.parameter = "pressure";
    a.unit = "bar";
    a.detected_at = *core::parse_rfc3339("2025-05-28T00:01:46Z");
    a.started_at = *core::parse_rfc3339("2025-05-28T00:01:30Z");
    a.value = 0.8;
    a.peak_value = 0.7;
    a.limits = core::band{1.0, 3.0};
    a.duration_seconds = 16.0;
    return a;
}

} // namespace

TEST_CASE("an anomaly serialises with the seed's fields and numbers as people write them", "[unit]")
{
    std::string text;
    core::append_json(text, drift());
    CHECK(text.find(R"("value":0.8,"duration_seconds":16.0,)") != std::string::npos);

    auto const v = boost::json::parse(text).as_object();
    CHECK(v.at("id").as_int64() == 7);
    CHECK(v.at("type").as_string() == "drift");
    CHECK(v.at("timestamp").as_string() == "2025-05-28T00:01:46Z");
    CHECK(v.at("sensor_id").as_string() == "wtf-pipe-1");
    CHECK(v.at("parameter").as_string() == "pressure");
    CHECK(v.at("message").as_string() == "Pressure drift detected for 16.0s");
    CHECK(v.at("severity").as_string() == "warning");
    CHECK(v.at("active").as_bool());
    CHECK(v.at("ended_at").is_null());
    CHECK(v.at("started_at").as_string() == "2025-05-28T00:01:30Z");
    CHECK(v.at("limits").as_object().at("low").as_double() == 1.0);
}

TEST_CASE("a dropout has no parameter or value", "[unit]")
{
    core::anomaly a;
    a.type = core::anomaly_type::dropout;
    a.sensor_id = "wtf-pipe-2";
    a.duration_seconds = 12.0;
    a.ended_at = a.started_at + std::chrono::seconds{12};
    std::string text;
    core::append_json(text, a);
    auto const v = boost::json::parse(text).as_object();
    CHECK_FALSE(v.contains("parameter"));
    CHECK_FALSE(v.contains("value"));
    CHECK(v.at("message").as_string() == "Sensor dropout detected");
    CHECK_FALSE(v.at("active").as_bool());
}

TEST_CASE("an absurd duration or value is written in full and in few bytes", "[unit]")
{
    // Issue 11: snprintf("%.1f") of 1e30 wanted 33 bytes of a 32-byte buffer, and the length it
    // wanted was copied: the message read past the buffer into the stack.
    auto a = drift();
    a.duration_seconds = 1e30;
    CHECK(core::message(a) == "Pressure drift detected for 1.0e+30s");
    a.type = core::anomaly_type::spike;
    a.value = 1e300;
    CHECK(core::message(a) == "Pressure spike detected: 1e+300");

    std::string text;
    core::append_json(text, a);
    auto const v = boost::json::parse(text).as_object();
    CHECK(v.at("value").as_double() == 1e300);
    CHECK(v.at("duration_seconds").as_double() == 1e30);
}

TEST_CASE("every anomaly says its cause; evidence, score and contributions when it has them",
          "[unit]")
{
    auto a = drift();
    std::string text;
    core::append_json(text, a);
    auto v = boost::json::parse(text).as_object();
    CHECK(v.at("cause").as_string() == "process");
    CHECK_FALSE(v.contains("evidence"));
    CHECK_FALSE(v.contains("score"));
    CHECK_FALSE(v.contains("contributions"));

    a.type = core::anomaly_type::multivariate;
    a.cause = core::cause::instrument;
    a.evidence.basis = "residual";
    a.evidence.figures = {{"q_ratio", 3.14159}, {"moving", 1.0}};
    a.score = 7.123456;
    a.threshold = 2.25;
    a.contributions = {{"pressure", 0.8123}, {"flow", 0.1877}};
    text.clear();
    core::append_json(text, a);
    v = boost::json::parse(text).as_object();
    CHECK(v.at("cause").as_string() == "instrument");
    auto const& e = v.at("evidence").as_object();
    CHECK(e.at("basis").as_string() == "residual");
    CHECK(e.at("q_ratio").as_double() == 3.142); // four significant digits
    CHECK(v.at("score").as_double() == 7.123);
    CHECK(v.at("threshold").as_double() == 2.25);
    auto const& c = v.at("contributions").as_array();
    REQUIRE(c.size() == 2);
    CHECK(c[0].as_object().at("parameter").as_string() == "pressure");
    CHECK(c[0].as_object().at("share").as_double() == 0.812);
    CHECK(v.at("message").as_string() == "Multivariate anomaly detected: pressure, flow");
}
