#include <wtf/api/metrics.hpp>
#include <wtf/api/router.hpp>
#include <wtf/core/time.hpp>
#include <wtf/core/version.hpp>
#include <wtf/detect/detector.hpp>
#include <wtf/ingest/pipeline.hpp>
#include <wtf/mirror/status.hpp>
#include <wtf/store/history.hpp>
#include <wtf/store/journal_status.hpp>
#include <wtf/summarize/status.hpp>

#include "support/router_fixture.hpp"
#include "support/status_reporter.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

using namespace std::chrono_literals;
using namespace wtf;

constexpr std::array<double, 3> bounds{0.1, 0.5, 1.0};

// What a Prometheus scraper checks: every sample line has the 0.0.4 shape, and its family (the
// name less _bucket/_sum/_count for histograms) has # HELP and # TYPE lines before it.
// Returns "name{labels}" -> value.
std::map<std::string, double> parse_exposition(std::string const& text)
{
    static std::regex const sample_line{
        // Label values are quoted and may hold braces (route="/anomalies/{id}").
        R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? ([0-9eE.+-]+|NaN|[+-]Inf)$)"};
    std::map<std::string, std::string> types;
    std::set<std::string> helped;
    std::map<std::string, double> samples;
    std::istringstream in{text};
    std::string line;
    while (std::getline(in, line)) {
        INFO(line);
        if (line.rfind("# HELP ", 0) == 0) {
            auto const name = line.substr(7, line.find(' ', 7) - 7);
            CHECK(helped.insert(name).second);
            continue;
        }
        if (line.rfind("# TYPE ", 0) == 0) {
            std::istringstream words{line.substr(7)};
            std::string name, type;
            words >> name >> type;
            CHECK(helped.count(name) == 1);
            CHECK(types.emplace(name, type).second);
            continue;
        }
        std::smatch m;
        REQUIRE(std::regex_match(line, m, sample_line));
        std::string family = m[1];
        for (std::string suffix : {"_bucket", "_sum", "_count"}) {
            if (family.size() > suffix.size() && family.ends_with(suffix) &&
                types.count(family.substr(0, family.size() - suffix.size())) == 1) {
                family.resize(family.size() - suffix.size());
                CHECK(types[family] == "histogram");
            }
        }
        CHECK(types.count(family) == 1);
        if (types[family] == "counter") CHECK(family.ends_with("_total"));
        CHECK(family.rfind("wtfd_", 0) == 0);
        std::string const value = m[3];
        double v = 0;
        if (value == "+Inf") {
            v = std::numeric_limits<double>::infinity();
        } else if (value == "NaN") {
            v = std::numeric_limits<double>::quiet_NaN();
        } else {
            auto const [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
            CHECK(end == value.data() + value.size());
        }
        CHECK(samples.emplace(std::string{m[1]} + std::string{m[2]}, v).second);
    }
    CHECK_FALSE(types.empty());
    return samples;
}

// NaN, failing the comparison, when the series is missing.
double value_of(std::map<std::string, double> const& samples, std::string const& series)
{
    auto const it = samples.find(series);
    return it == samples.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
}

// The shared router fixture (metrics wired as the daemon wires them), at most two sensors.
struct fixture : test::router_fixture {
    fixture() : router_fixture{{.limits = {300s, 2}}} {}

    api::response send(api::method m, std::string_view target, std::string_view body = {},
                       std::string_view authorization = {})
    {
        return router_fixture::send(m, target, t0 + 2s, body, "application/json", authorization);
    }

    std::map<std::string, double> scrape()
    {
        auto const r = send(api::method::get, "/metrics");
        REQUIRE(r.status == 200);
        REQUIRE(r.body);
        return parse_exposition(*r.body);
    }
};

constexpr std::string_view spike_reading =
    R"({"timestamp": "2025-05-28T00:00:01Z", "sensor_id": "wtf-pipe-1", "temperature": 45.2})";

double sum_of(std::map<std::string, double> const& samples, std::string_view prefix)
{
    double n = 0;
    for (auto const& [series, v] : samples)
        if (series.rfind(prefix, 0) == 0) n += v;
    return n;
}

} // namespace

TEST_CASE("a histogram's buckets are cumulative, le inclusive, ending at +Inf", "[unit][api]")
{
    api::histogram h{bounds};
    for (double v : {0.05, 0.1, 0.3, 2.0, std::nan("")}) h.observe(v);
    CHECK(h.cumulative(0) == 2); // 0.05 and 0.1: a bound counts values equal to it
    CHECK(h.cumulative(1) == 3);
    CHECK(h.cumulative(2) == 3);
    CHECK(h.cumulative(3) == 4); // +Inf
    CHECK(h.count() == 4);       // NaN is not an observation
    CHECK(h.sum() == Approx(2.45));
}

TEST_CASE("a histogram refuses bounds that do not ascend or are too many", "[unit][api]")
{
    constexpr std::array<double, 2> unsorted{1.0, 0.5};
    constexpr std::array<double, 2> repeated{1.0, 1.0};
    std::array<double, 16> many{};
    for (std::size_t i = 0; i < many.size(); ++i) many[i] = static_cast<double>(i);
    CHECK_THROWS_AS(api::histogram{unsorted}, std::invalid_argument);
    CHECK_THROWS_AS(api::histogram{repeated}, std::invalid_argument);
    CHECK_THROWS_AS(api::histogram{many}, std::invalid_argument);
}

TEST_CASE("a histogram prints _bucket, _sum and _count series", "[unit][api]")
{
    api::histogram h{bounds};
    h.observe(0.25);
    h.observe(0.75);
    std::string out;
    api::exposition x{out};
    x.family("wtfd_x_seconds", "histogram", "X.");
    x.samples("wtfd_x_seconds", {{"route", "/a"}}, h);
    CHECK(out == "# HELP wtfd_x_seconds X.\n"
                 "# TYPE wtfd_x_seconds histogram\n"
                 "wtfd_x_seconds_bucket{route=\"/a\",le=\"0.1\"} 0\n"
                 "wtfd_x_seconds_bucket{route=\"/a\",le=\"0.5\"} 1\n"
                 "wtfd_x_seconds_bucket{route=\"/a\",le=\"1\"} 2\n"
                 "wtfd_x_seconds_bucket{route=\"/a\",le=\"+Inf\"} 2\n"
                 "wtfd_x_seconds_sum{route=\"/a\"} 1\n"
                 "wtfd_x_seconds_count{route=\"/a\"} 2\n");
}

TEST_CASE("label values escape backslash, quote and newline, help text backslash and newline",
          "[unit][api]")
{
    std::string out;
    api::exposition x{out};
    x.family("wtfd_sensor_readings_total", "counter", "A \"quoted\" \\ help\nline.");
    x.sample("wtfd_sensor_readings_total", {{"sensor", "a\"b\\c\nd"}}, std::uint64_t{3});
    CHECK(out == "# HELP wtfd_sensor_readings_total A \"quoted\" \\\\ help\\nline.\n"
                 "# TYPE wtfd_sensor_readings_total counter\n"
                 "wtfd_sensor_readings_total{sensor=\"a\\\"b\\\\c\\nd\"} 3\n");
}

TEST_CASE("numbers print as Prometheus reads them", "[unit][api]")
{
    std::string out;
    api::exposition x{out};
    x.sample("a", {}, std::uint64_t{18'446'744'073'709'551'615U});
    x.sample("b", {}, 0.5);
    x.sample("c", {}, 1e-5);
    x.sample("c2", {}, 0.0005);
    x.sample("c3", {}, 1e21);
    x.sample("d", {}, 3.0);
    x.sample("e", {}, std::numeric_limits<double>::infinity());
    x.sample("f", {}, -std::numeric_limits<double>::infinity());
    x.sample("g", {}, std::nan(""));
    CHECK(out == "a 18446744073709551615\nb 0.5\nc 1e-05\nc2 0.0005\nc3 1e+21\nd 3\n"
                 "e +Inf\nf -Inf\ng NaN\n");
}

TEST_CASE("request paths map to a fixed set of route labels", "[unit][api]")
{
    auto label = [](std::string_view target) { return api::route_labels()[api::route_of(target)]; };
    CHECK(label("/anomalies?limit=5") == "/anomalies");
    CHECK(label("/summary") == "/summary");
    CHECK(label("/status") == "/status");
    CHECK(label("/readings") == "/readings");
    CHECK(label("/metrics") == "/metrics");
    CHECK(label("/anomalies/") == "other");
    CHECK(label("/etc/passwd") == "other");
    CHECK(api::route_labels().back() == "other");
}

TEST_CASE("GET /metrics is Prometheus text 0.0.4 with HELP and TYPE for every family",
          "[unit][api]")
{
    fixture f;
    auto const r = f.send(api::method::get, "/metrics");
    REQUIRE(r.status == 200);
    CHECK(r.content_type == "text/plain; version=0.0.4; charset=utf-8");
    auto const samples = parse_exposition(*r.body);
    CHECK(value_of(samples, "wtfd_build_info{version=\"" + std::string{core::version()} + "\"}") ==
          1);
    CHECK(value_of(samples, "wtfd_uptime_seconds") == 2);
    CHECK(value_of(samples, "wtfd_resident_memory_bytes") > 0);
    CHECK(value_of(samples, "wtfd_readings_total{source=\"http\"}") == 0);
    CHECK(value_of(samples, "wtfd_rejected_total{reason=\"too_many_sensors\"}") == 0);
    CHECK(value_of(samples, "wtfd_anomalies_total{type=\"drift\",severity=\"warning\"}") == 0);
    CHECK(value_of(samples, "wtfd_active_anomalies") == 0);
    CHECK(value_of(samples, "wtfd_llm_request_duration_seconds_count") == 0);
    CHECK(value_of(samples,
                   "wtfd_http_request_duration_seconds_bucket{route=\"/metrics\",le=\"+Inf\"}") ==
          0);
    // Families of absent services are left out.
    CHECK(samples.count("wtfd_redis_connected") == 0);
    CHECK(samples.count("wtfd_journal_healthy") == 0);
    CHECK(samples.count("wtfd_summaries_total{source=\"llm\"}") == 0);

    auto const head = f.send(api::method::head, "/metrics");
    CHECK(head.status == 200);
    CHECK(head.content_type == r.content_type);
}

TEST_CASE("GET /metrics takes the read token like other GETs, and POST is 405", "[unit][api]")
{
    fixture f;
    api::settings s;
    s.read_token = "reader";
    s.ingest_token = "writer";
    f.router.apply(s);
    CHECK(f.send(api::method::get, "/metrics").status == 401);
    CHECK(f.send(api::method::get, "/metrics", {}, "Bearer reader").status == 200);
    CHECK(f.send(api::method::get, "/metrics", {}, "Bearer writer").status == 200);
    auto const post = f.send(api::method::post, "/metrics", {}, "Bearer writer");
    CHECK(post.status == 405);
    CHECK(post.allow == "GET, HEAD");
}

TEST_CASE("readings, refusals and anomalies through the router move the counters", "[unit][api]")
{
    fixture f;
    REQUIRE(f.send(api::method::post, "/readings", spike_reading).status == 200);
    REQUIRE(f.send(api::method::post, "/readings", spike_reading).status == 200); // stale
    CHECK(f.send(api::method::post, "/readings", "{not json").status == 400);
    CHECK(f.send(api::method::post, "/readings", R"({"sensor_id": "a", "flow": "fast"})").status ==
          422);
    CHECK(f.send(api::method::post, "/readings",
                 R"({"timestamp": "2025-05-29T00:00:00Z", "sensor_id": "a", "flow": 1.0})")
              .status == 422);
    CHECK(f.send(api::method::post, "/readings",
                 R"([{"sensor_id": "b", "flow": 1.0}, {"sensor_id": "c", "flow": 1.0}])")
              .status == 422);
    CHECK(f.send(api::method::get, "/nowhere").status == 404);

    auto const samples = f.scrape();
    CHECK(value_of(samples, "wtfd_readings_total{source=\"http\"}") == 1);
    CHECK(value_of(samples, "wtfd_readings_total{source=\"generator\"}") == 0);
    CHECK(value_of(samples, "wtfd_sensor_readings_total{sensor=\"wtf-pipe-1\"}") == 1);
    CHECK(value_of(samples, "wtfd_rejected_total{reason=\"stale\"}") == 1);
    CHECK(value_of(samples, "wtfd_rejected_total{reason=\"malformed\"}") == 1);
    CHECK(value_of(samples, "wtfd_rejected_total{reason=\"invalid\"}") == 1);
    CHECK(value_of(samples, "wtfd_rejected_total{reason=\"clock_skew\"}") == 1);
    CHECK(value_of(samples, "wtfd_rejected_total{reason=\"too_many_sensors\"}") == 1);
    CHECK(f.pipeline.stats().rejected_batches == 4); // /status keeps the sum
    CHECK(sum_of(samples, "wtfd_anomalies_total{type=\"spike\"") == 1);
    CHECK(sum_of(samples, "wtfd_anomalies_total{") == 1);
    CHECK(value_of(samples, "wtfd_active_anomalies") == 1);
    CHECK(value_of(samples, "wtfd_http_requests_total{route=\"/readings\",status=\"200\"}") == 2);
    CHECK(value_of(samples, "wtfd_http_requests_total{route=\"/readings\",status=\"400\"}") == 1);
    CHECK(value_of(samples, "wtfd_http_requests_total{route=\"/readings\",status=\"422\"}") == 3);
    CHECK(value_of(samples, "wtfd_http_requests_total{route=\"other\",status=\"404\"}") == 1);
    CHECK(value_of(samples, "wtfd_http_request_duration_seconds_count{route=\"/readings\"}") == 6);
    CHECK(value_of(samples,
                   "wtfd_http_request_duration_seconds_bucket{route=\"/readings\",le=\"0.001\"}") ==
          6); // each took 1 ms here
    CHECK(value_of(samples, "wtfd_http_request_duration_seconds_sum{route=\"/readings\"}") ==
          Approx(0.006));
}

TEST_CASE("only opened episodes count as anomalies", "[unit][api]")
{
    api::metrics m;
    core::anomaly a;
    a.type = core::anomaly_type::drift;
    a.severity = core::severity::warning;
    m.record(core::anomaly_change::opened, a);
    m.record(core::anomaly_change::updated, a);
    m.record(core::anomaly_change::closed, a);

    fixture f;
    std::string out;
    api::append_metrics(out, {.pipeline = f.pipeline,
                              .history = f.history,
                              .started_at = f.t0,
                              .now = f.t0,
                              .counters = &m,
                              .resident_bytes = std::nullopt});
    auto const samples = parse_exposition(out);
    CHECK(value_of(samples, "wtfd_anomalies_total{type=\"drift\",severity=\"warning\"}") == 1);
    CHECK(sum_of(samples, "wtfd_anomalies_total{") == 1);
    CHECK(samples.count("wtfd_resident_memory_bytes") == 0);
}

TEST_CASE("summaries feed the LLM latency histogram when the LLM was asked", "[unit][api]")
{
    fixture f;
    auto summary = [&f](std::string source, std::chrono::milliseconds latency) {
        store::summary s;
        s.text = "x";
        s.created_at = f.t0;
        s.source = std::move(source);
        s.latency = latency;
        f.history.add_summary(std::move(s));
    };
    summary("llm", 1'200ms);
    summary("fallback", 0ms);      // LLM disabled: no request made
    summary("fallback", 30'500ms); // the LLM answered too late or with unusable text
    summarize::llm_status llm;
    llm.llm_summaries = 1;
    llm.fallback_summaries = 2;
    test::status_reporter llm_health{llm};
    std::array<core::health_reporter const*, 1> const health{&llm_health};

    std::string out;
    api::append_metrics(out, {.pipeline = f.pipeline,
                              .history = f.history,
                              .started_at = f.t0,
                              .now = f.t0,
                              .counters = &f.counters,
                              .health = health,
                              .resident_bytes = 4096});
    auto const samples = parse_exposition(out);
    CHECK(value_of(samples, "wtfd_summaries_total{source=\"llm\"}") == 1);
    CHECK(value_of(samples, "wtfd_summaries_total{source=\"fallback\"}") == 2);
    CHECK(value_of(samples, "wtfd_llm_request_duration_seconds_count") == 2);
    CHECK(value_of(samples, "wtfd_llm_request_duration_seconds_sum") == Approx(31.7));
    CHECK(value_of(samples, "wtfd_llm_request_duration_seconds_bucket{le=\"1\"}") == 0);
    CHECK(value_of(samples, "wtfd_llm_request_duration_seconds_bucket{le=\"2.5\"}") == 1);
    CHECK(value_of(samples, "wtfd_llm_request_duration_seconds_bucket{le=\"30\"}") == 1);
    CHECK(value_of(samples, "wtfd_llm_request_duration_seconds_bucket{le=\"60\"}") == 2);
    CHECK(value_of(samples, "wtfd_llm_request_duration_seconds_bucket{le=\"+Inf\"}") == 2);
    CHECK(value_of(samples, "wtfd_resident_memory_bytes") == 4096);
}

TEST_CASE("Redis and journal families appear when those services run", "[unit][api]")
{
    fixture f;
    mirror::redis_status redis;
    redis.enabled = true;
    redis.connected = true;
    redis.queued = 3;
    redis.dropped = 4;
    redis.written = 5;
    store::journal_status journal;
    journal.enabled = true;
    journal.healthy = false;
    journal.events_written = 7;
    journal.events_lost = 2;
    test::status_reporter redis_health{redis};
    test::status_reporter journal_health{journal};
    std::array<core::health_reporter const*, 2> const health{&redis_health, &journal_health};

    std::string out;
    api::append_metrics(out, {.pipeline = f.pipeline,
                              .history = f.history,
                              .started_at = f.t0,
                              .now = f.t0,
                              .counters = nullptr,
                              .health = health,
                              .resident_bytes = std::nullopt});
    auto const samples = parse_exposition(out);
    CHECK(value_of(samples, "wtfd_redis_connected") == 1);
    CHECK(value_of(samples, "wtfd_redis_queued") == 3);
    CHECK(value_of(samples, "wtfd_redis_dropped_total") == 4);
    CHECK(value_of(samples, "wtfd_redis_written_total") == 5);
    CHECK(value_of(samples, "wtfd_journal_healthy") == 0);
    CHECK(value_of(samples, "wtfd_journal_events_written_total") == 7);
    CHECK(value_of(samples, "wtfd_journal_events_lost_total") == 2);
    // Without the counters the API keeps, their families are left out.
    CHECK(sum_of(samples, "wtfd_http_") == 0);
    CHECK(sum_of(samples, "wtfd_anomalies_total") == 0);
}

TEST_CASE("resident memory is read from /proc/self/statm", "[unit][api]")
{
    auto const bytes = api::resident_memory_bytes();
    REQUIRE(bytes);
    CHECK(*bytes > 1024 * 1024);
}
