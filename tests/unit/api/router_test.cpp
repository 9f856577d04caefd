#include <wtf/api/router.hpp>
#include <wtf/core/time.hpp>
#include <wtf/core/version.hpp>
#include <wtf/detect/detector.hpp>
#include <wtf/ingest/pipeline.hpp>
#include <wtf/mirror/status.hpp>
#include <wtf/store/history.hpp>
#include <wtf/store/journal_status.hpp>

#include "support/router_fixture.hpp"
#include "support/status_reporter.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace {

using namespace std::chrono_literals;
using namespace wtf;
namespace json = boost::json;

store::summary summary_text(std::string text, core::timestamp created)
{
    store::summary s;
    s.text = std::move(text);
    s.created_at = created;
    return s;
}

// The shared router fixture with a 50-anomaly history unless a test says otherwise.
struct fixture : test::router_fixture {
    explicit fixture(api::settings s = {}, std::size_t capacity = 50)
        : router_fixture{{.api = std::move(s), .anomaly_history = capacity}}
    {}
};

json::value parsed(api::response const& r)
{
    REQUIRE(r.body);
    return json::parse(*r.body);
}

std::string detail_of(api::response const& r)
{
    return std::string{parsed(r).at("detail").as_string()};
}

constexpr std::string_view spike_reading =
    R"({"timestamp": "2025-05-28T00:00:01Z", "sensor_id": "wtf-pipe-1", "temperature": 45.2, "pressure": 2.1, "flow": 55.0})";
constexpr std::string_view normal_reading =
    R"({"timestamp": "2025-05-28T00:00:01Z", "sensor_id": "wtf-pipe-1", "temperature": 23.4, "pressure": 2.1, "flow": 55.0})";

} // namespace

TEST_CASE("GET /anomalies on an empty history is an empty array", "[unit][api]")
{
    fixture f;
    auto const r = f.get("/anomalies");
    CHECK(r.status == 200);
    CHECK(*r.body == "[]");
}

TEST_CASE("a posted spike shows up in GET /anomalies with the seed's fields", "[unit][api]")
{
    fixture f;
    auto const posted = f.post(spike_reading);
    REQUIRE(posted.status == 200);
    CHECK(parsed(posted) == json::parse(R"({"accepted": 1, "stale": 0})"));

    auto const r = f.get("/anomalies?limit=10");
    REQUIRE(r.status == 200);
    auto const list = parsed(r).as_array();
    REQUIRE(list.size() == 1);
    auto const& a = list[0].as_object();
    CHECK(a.at("type") == "spike");
    CHECK(a.at("sensor_id") == "wtf-pipe-1");
    CHECK(a.at("parameter") == "temperature");
    CHECK(a.at("value").as_double() == 45.2);
    CHECK(a.at("message") == "Temperature spike detected: 45.2");
    CHECK(a.at("timestamp") == "2025-05-28T00:00:01Z");
    // Numbers as people write them, not Boost.JSON's 4.52E1.
    CHECK(r.body->find(R"("value":45.2)") != std::string::npos);
}

TEST_CASE("GET /anomalies filters by sensor, type and activity", "[unit][api]")
{
    fixture f;
    REQUIRE(f.post(spike_reading).status == 200);
    REQUIRE(
        f.post(
             R"({"timestamp": "2025-05-28T00:00:01Z", "sensor_id": "wtf-pipe-2", "pressure": 9.0})")
            .status == 200);

    CHECK(parsed(f.get("/anomalies")).as_array().size() == 2);
    auto const by_sensor = parsed(f.get("/anomalies?sensor_id=wtf-pipe-2")).as_array();
    REQUIRE(by_sensor.size() == 1);
    CHECK(by_sensor[0].at("parameter") == "pressure");
    CHECK(parsed(f.get("/anomalies?type=drift")).as_array().empty());
    CHECK(parsed(f.get("/anomalies?type=spike&active=true")).as_array().size() == 2);
    CHECK(parsed(f.get("/anomalies?active=false")).as_array().empty());
    auto const newest = parsed(f.get("/anomalies?limit=1")).as_array();
    REQUIRE(newest.size() == 1);
    CHECK(newest[0].at("sensor_id") == "wtf-pipe-2");
    // Percent-decoding is Boost.URL's.
    CHECK(parsed(f.get("/anomalies?sensor_id=wtf%2Dpipe%2D1")).as_array().size() == 1);
}

TEST_CASE("GET /anomalies refuses each bad query parameter by name", "[unit][api]")
{
    fixture f;
    auto const limit_detail =
        std::string{"query parameter 'limit' must be an integer between 1 and 50"};
    for (auto target : {"/anomalies?limit=0", "/anomalies?limit=51", "/anomalies?limit=abc",
                        "/anomalies?limit=", "/anomalies?limit=-1", "/anomalies?limit=1.5",
                        "/anomalies?limit=99999999999999999999999"}) {
        INFO(target);
        auto const r = f.get(target);
        CHECK(r.status == 422);
        CHECK(detail_of(r) == limit_detail);
    }

    auto const type = f.get("/anomalies?type=flood");
    CHECK(type.status == 422);
    CHECK(detail_of(type) == "query parameter 'type' must be one of spike, drift, dropout");

    auto const active = f.get("/anomalies?active=maybe");
    CHECK(active.status == 422);
    CHECK(detail_of(active) == "query parameter 'active' must be true or false");

    auto const sensor = f.get("/anomalies?sensor_id=");
    CHECK(sensor.status == 422);
    CHECK(detail_of(sensor) == "query parameter 'sensor_id' must not be empty");

    auto const unknown = f.get("/anomalies?colour=red");
    CHECK(unknown.status == 422);
    CHECK(detail_of(unknown) == "query parameter 'colour' is not supported");

    auto const twice = f.get("/anomalies?limit=1&limit=2");
    CHECK(twice.status == 422);
    CHECK(detail_of(twice) == "query parameter 'limit' is given more than once");
}

TEST_CASE("GET /anomalies returns the newest 100 by default and up to the capacity", "[unit][api]")
{
    fixture f{{}, 200};
    // 120 spikes: every other reading leaves the spike band and the next one ends the episode.
    std::string body = "[";
    for (int i = 0; i < 240; ++i) {
        if (i > 0) body += ',';
        body += R"({"timestamp": ")" + core::format_rfc3339(f.t0 - std::chrono::seconds{300 - i}) +
                R"(", "sensor_id": "s", "temperature": )" + (i % 2 == 0 ? "45.2" : "20.0") + "}";
    }
    body += ']';
    REQUIRE(f.post(body).status == 200);
    REQUIRE(f.history.anomaly_count() == 120);

    auto const by_default = parsed(f.get("/anomalies")).as_array();
    REQUIRE(by_default.size() == 100);
    CHECK(by_default.front().at("id") == 21); // the newest 100, oldest first
    CHECK(by_default.back().at("id") == 120);
    CHECK(parsed(f.get("/anomalies?limit=200")).as_array().size() == 120);
    CHECK(f.get("/anomalies?limit=201").status == 422);
}

TEST_CASE("GET /anomalies without a limit works when the history holds fewer than 100",
          "[unit][api]")
{
    fixture f{{}, 10};
    CHECK(f.get("/anomalies").status == 200);
    auto const over = f.get("/anomalies?limit=11");
    CHECK(over.status == 422);
    CHECK(detail_of(over) == "query parameter 'limit' must be an integer between 1 and 10");
}

TEST_CASE("GET /summary answers the seed's shape, empty or not", "[unit][api]")
{
    fixture f;
    auto const r = f.get("/summary");
    CHECK(r.status == 200);
    CHECK(parsed(r) == json::parse(R"({"summaries": [], "count": 0})"));

    f.history.add_summary(summary_text("All quiet.", f.t0));
    CHECK(parsed(f.get("/summary")) == json::parse(R"({"summaries": ["All quiet."], "count": 1})"));
}

TEST_CASE("GET /summary?detail=true gives the newest full records", "[unit][api]")
{
    fixture f;
    f.history.add_summary(summary_text("One.", f.t0));
    f.history.add_summary(summary_text("Two.", f.t0));
    auto const all = parsed(f.get("/summary?detail=true"));
    CHECK(all.at("count") == 2);
    auto const newest = parsed(f.get("/summary?detail=true&limit=1"));
    CHECK(newest.at("count") == 1);
    CHECK(newest.at("summaries").at(0).at("text") == "Two.");
    CHECK(newest.at("summaries").at(0).at("source") == "fallback");
    // A different query must not be served the cached body of another.
    CHECK(parsed(f.get("/summary")).at("summaries").at(0) == "One.");
}

TEST_CASE("GET /summary refuses bad query parameters, naming them", "[unit][api]")
{
    fixture f;
    CHECK(detail_of(f.get("/summary?detail=full")) ==
          "query parameter 'detail' must be true or false");
    CHECK(detail_of(f.get("/summary?limit=2")) == "query parameter 'limit' needs detail=true");
    CHECK(detail_of(f.get("/summary?detail=true&limit=0")) ==
          "query parameter 'limit' must be an integer between 1 and 100");
    CHECK(detail_of(f.get("/summary?colour=red")) == "query parameter 'colour' is not supported");
    CHECK(f.get("/summary?colour=red").status == 422);
}

TEST_CASE("GET /status before any reading is unhealthy with the seed's message", "[unit][api]")
{
    fixture f;
    auto const r = f.send(api::method::get, "/status", f.t0 + 12'345ms);
    REQUIRE(r.status == 200);
    auto const expected = json::parse(R"({
        "data_stream": {"healthy": false, "last_received": null, "message": "No data received yet"},
        "redis": {"enabled": false, "connected": false, "message": "Redis mirroring disabled"},
        "journal": {"enabled": false},
        "llm": {"enabled": false},
        "version": ")" + std::string{core::version()} +
                                      R"(",
        "uptime_seconds": 12.3,
        "readings": {"accepted": 0, "stale": 0, "rejected": 0,
                     "by_source": {"generator": 0, "http": 0, "redis": 0, "replay": 0}},
        "anomalies": {"active": 0, "total": 0, "stored": 0},
        "sensors": {"count": 0, "never_reported": 0, "with_active_anomalies": 0,
                    "out_of_service": 0},
        "alarms": {"active": 0, "unacknowledged": 0, "acknowledged": 0,
                   "returned_unacknowledged": 0, "shelved": 0, "out_of_service": 0,
                   "shelved_points": 0}
    })");
    CHECK(parsed(r) == expected);
}

TEST_CASE("GET /status shows the journal and Redis and follows their changes", "[unit][api]")
{
    fixture f;
    store::journal_status journal;
    journal.enabled = true;
    journal.path = "/var/lib/wtfd/journal.jsonl";
    journal.message = "Journal writing";
    journal.events_written = 7;
    journal.last_sync = f.t0;
    mirror::redis_status redis;
    redis.enabled = true;
    redis.message = "Redis error: Connection refused";
    redis.queued = 3;
    redis.dropped = 1;
    mirror::ingest_status ingest;
    ingest.enabled = true;
    ingest.channel = "sensor-data";
    ingest.messages = 5;
    ingest.rejected = 2;
    std::uint64_t version = 0;
    test::status_reporter redis_health{redis, &version};
    test::status_reporter ingest_health{ingest};
    test::status_reporter journal_health{journal};
    api::services svc{f.pipeline, f.history, f.t0};
    svc.health = {&redis_health, &ingest_health, &journal_health};
    api::router router{f.cfg, std::move(svc)};
    auto status = [&] {
        api::request req;
        req.target = "/status";
        return parsed(router.handle(req, f.t0 + 1s, f.scratch));
    };

    auto before = status();
    CHECK(before.at("journal") == json::parse(R"({"enabled": true, "healthy": true,
        "message": "Journal writing", "path": "/var/lib/wtfd/journal.jsonl", "events_written": 7,
        "events_lost": 0, "pending_bytes": 0, "last_sync": "2025-05-28T00:00:00Z",
        "compactions": 0})"));
    CHECK(before.at("redis") == json::parse(R"({"enabled": true, "connected": false,
        "message": "Redis error: Connection refused", "queued": 3, "dropped": 1, "written": 0,
        "command_errors": 0, "ingest": {"enabled": true, "subscribed": false,
        "channel": "sensor-data", "messages": 5, "rejected": 2}})"));

    redis.connected = true;
    redis.message = "Redis connected";
    CHECK(status().at("redis").at("connected") == false); // cached: nothing said it changed
    ++version;
    CHECK(status().at("redis").at("message") == "Redis connected");
}

TEST_CASE("GET /status after a POST is healthy and counts the reading", "[unit][api]")
{
    fixture f;
    REQUIRE(f.post(spike_reading).status == 200);
    REQUIRE(f.post(spike_reading).status == 200); // same timestamp again: stale

    auto const status = parsed(f.send(api::method::get, "/status", f.t0 + 3s));
    auto const& stream = status.at("data_stream");
    CHECK(stream.at("healthy") == true);
    CHECK(stream.at("last_received") == "2025-05-28T00:00:02Z");
    CHECK(stream.at("message") == "Data flowing normally");
    CHECK(status.at("readings") == json::parse(R"({"accepted": 1, "stale": 1, "rejected": 0,
        "by_source": {"generator": 0, "http": 1, "redis": 0, "replay": 0}})"));
    CHECK(status.at("anomalies") == json::parse(R"({"active": 1, "total": 1, "stored": 1})"));
    // Counts only (issue 15): each sensor's state is GET /sensors.
    CHECK(status.at("sensors") == json::parse(R"({"count": 1, "never_reported": 0,
        "with_active_anomalies": 1, "out_of_service": 0})"));
    CHECK(status.at("alarms").at("unacknowledged") == 1);
}

TEST_CASE("GET /status reports how long the data has been silent", "[unit][api]")
{
    fixture f;
    REQUIRE(f.post(normal_reading).status == 200); // accepted at t0 + 2 s
    auto const r = f.send(api::method::get, "/status", f.t0 + 75'200ms);
    auto const stream = parsed(r).at("data_stream");
    CHECK(stream.at("healthy") == false);
    CHECK(stream.at("message") == "No data received for 73.2 seconds");
}

TEST_CASE("GET /status counts refused batches", "[unit][api]")
{
    fixture f;
    CHECK(f.post("{not json").status == 400);
    auto const readings = parsed(f.send(api::method::get, "/status", f.t0 + 3s)).at("readings");
    CHECK(readings.at("rejected") == 1);
}

TEST_CASE("POST /readings accepts an array and NDJSON", "[unit][api]")
{
    fixture f;
    auto const array =
        f.post(R"([{"timestamp": "2025-05-28T00:00:01Z", "sensor_id": "a", "flow": 50.0},
                                  {"timestamp": "2025-05-28T00:00:01Z", "sensor_id": "b", "flow": 50.0}])");
    CHECK(array.status == 200);
    CHECK(parsed(array) == json::parse(R"({"accepted": 2, "stale": 0})"));

    auto const ndjson =
        f.post("{\"timestamp\": \"2025-05-28T00:00:02Z\", \"sensor_id\": \"a\", \"flow\": 50.0}\n"
               "{\"timestamp\": \"2025-05-28T00:00:02Z\", \"sensor_id\": \"b\", \"flow\": 50.0}\n",
               "Application/X-NDJSON; charset=utf-8");
    CHECK(ndjson.status == 200);
    CHECK(parsed(ndjson) == json::parse(R"({"accepted": 2, "stale": 0})"));
}

TEST_CASE("POST /readings with a malformed body is 400", "[unit][api]")
{
    fixture f;
    auto const r = f.post("{\"sensor_id\": ");
    CHECK(r.status == 400);
    CHECK_FALSE(detail_of(r).empty());
    // NDJSON sent as JSON is one malformed document.
    CHECK(f.post(std::string{normal_reading} + "\n" + std::string{normal_reading}).status == 400);
}

TEST_CASE("POST /readings with an invalid reading is 422 naming item and field", "[unit][api]")
{
    fixture f;
    auto const r =
        f.post(R"([{"sensor_id": "a", "flow": 50.0}, {"sensor_id": "b", "flow": "fast"}])");
    CHECK(r.status == 422);
    auto const detail = detail_of(r);
    CHECK(detail.find("item 1") != std::string::npos);
    CHECK(detail.find("'flow'") != std::string::npos);
    CHECK(f.history.anomaly_count() == 0);
}

TEST_CASE("POST /readings with a reading from the future is 422", "[unit][api]")
{
    fixture f;
    auto const r =
        f.post(R"({"timestamp": "2025-05-29T00:00:00Z", "sensor_id": "a", "flow": 50.0})");
    CHECK(r.status == 422);
    CHECK(detail_of(r).find("item 0") != std::string::npos);
}

TEST_CASE("POST /readings larger than max_body_bytes is 413", "[unit][api]")
{
    api::settings s;
    s.max_body_bytes = 16;
    fixture f{s};
    auto const r = f.post(normal_reading);
    CHECK(r.status == 413);
    CHECK(detail_of(r) == "request body exceeds 16 bytes");
}

TEST_CASE("an unknown path is 404 with FastAPI's text", "[unit][api]")
{
    fixture f;
    auto const r = f.get("/nothing");
    CHECK(r.status == 404);
    CHECK(*r.body == R"({"detail":"Not Found"})");
}

TEST_CASE("a known path with the wrong method is 405 with Allow", "[unit][api]")
{
    fixture f;
    auto const post_status = f.send(api::method::post, "/status", f.t0);
    CHECK(post_status.status == 405);
    CHECK(post_status.allow == "GET, HEAD");
    CHECK(*post_status.body == R"({"detail":"Method Not Allowed"})");

    auto const get_readings = f.get("/readings");
    CHECK(get_readings.status == 405);
    CHECK(get_readings.allow == "POST");

    CHECK(f.send(api::method::del, "/anomalies", f.t0).status == 405);
}

TEST_CASE("HEAD is answered like GET", "[unit][api]")
{
    fixture f;
    auto const head = f.send(api::method::head, "/anomalies", f.t0);
    CHECK(head.status == 200);
    CHECK(*head.body == "[]");
}

TEST_CASE("a malformed request target is 400", "[unit][api]")
{
    fixture f;
    CHECK(f.get("no-slash").status == 400);
}

TEST_CASE("POST without the ingest token is 401 with WWW-Authenticate", "[unit][api]")
{
    api::settings s;
    s.ingest_token = "s3cret";
    fixture f{s};

    for (std::string_view auth :
         {"", "Bearer wrong", "Bearer s3cre", "Bearer s3cret2", "Basic s3cret", "Bearer"}) {
        INFO(auth);
        auto const r = f.post(normal_reading, "application/json", auth);
        CHECK(r.status == 401);
        CHECK(r.www_authenticate == "Bearer");
        CHECK(detail_of(r) == "missing or invalid bearer token");
    }
    CHECK(f.history.anomaly_count() == 0);
    CHECK(f.post(normal_reading, "application/json", "Bearer s3cret").status == 200);
    CHECK(f.post(normal_reading, "application/json", "bearer  s3cret").status == 200);
    // GETs stay open while no read token is set.
    CHECK(f.get("/status").status == 200);
}

TEST_CASE("GET with a read token needs it or the ingest token", "[unit][api]")
{
    api::settings s;
    s.ingest_token = "writer";
    s.read_token = "reader";
    fixture f{s};

    auto const none = f.get("/anomalies");
    CHECK(none.status == 401);
    CHECK(none.www_authenticate == "Bearer");
    CHECK(f.get("/status", "Bearer nope").status == 401);
    CHECK(f.get("/status", "Bearer reader").status == 200);
    CHECK(f.get("/status", "Bearer writer").status == 200);
    // The read token does not allow writing.
    CHECK(f.post(normal_reading, "application/json", "Bearer reader").status == 401);
}

TEST_CASE("apply() changes the tokens", "[unit][api]")
{
    fixture f;
    CHECK(f.post(normal_reading).status == 200);
    api::settings s;
    s.ingest_token = "new";
    f.router.apply(s);
    CHECK(f.post(normal_reading).status == 401);
}

TEST_CASE("identical GETs share one cached body until the data changes", "[unit][api]")
{
    fixture f;
    auto const a1 = f.get("/anomalies?limit=5");
    auto const a2 = f.get("/anomalies?limit=5");
    CHECK(a1.body == a2.body);
    auto const other = f.get("/anomalies?limit=6");
    CHECK(other.body != a2.body);

    auto const s1 = f.get("/summary");
    CHECK(f.get("/summary").body == s1.body);

    auto const st1 = f.send(api::method::get, "/status", f.t0 + 2s);
    CHECK(f.send(api::method::get, "/status", f.t0 + 2'500ms).body == st1.body);
    // A second later the uptime has moved on.
    CHECK(f.send(api::method::get, "/status", f.t0 + 3s).body != st1.body);

    REQUIRE(f.post(spike_reading).status == 200);
    auto const a3 = f.get("/anomalies?limit=6");
    CHECK(a3.body != other.body);
    CHECK(parsed(a3).as_array().size() == 1);
    auto const st2 = f.send(api::method::get, "/status", f.t0 + 3s);
    CHECK(parsed(st2).at("data_stream").at("healthy") == true);

    f.history.add_summary(summary_text("Spike on wtf-pipe-1.", f.t0));
    CHECK(f.get("/summary").body != s1.body);
}

TEST_CASE("a route with a path parameter gets the segment, and 404/405 follow its pattern",
          "[unit][api]")
{
    fixture f;
    api::settings s;
    s.ingest_token = "writer";
    std::vector<api::route> extra;
    extra.push_back({"/things/{id}/ack", api::method::post, api::access::data,
                     [](api::context& ctx) { return api::error_response(200, ctx.params[0]); }});
    api::router router{s, f.services(), std::move(extra)};
    auto send = [&](api::method m, std::string_view target, std::string_view auth = {}) {
        api::request req;
        req.method = m;
        req.target = target;
        req.authorization = auth;
        return router.handle(req, f.t0, f.scratch);
    };
    auto const ok = send(api::method::post, "/things/42/ack?x=1", "Bearer writer");
    CHECK(ok.status == 200);
    CHECK(detail_of(ok) == "42");
    CHECK(send(api::method::post, "/things/42/ack").status == 401); // a write needs the token
    auto const get = send(api::method::get, "/things/7/ack");
    CHECK(get.status == 405);
    CHECK(get.allow == "POST");
    CHECK(send(api::method::post, "/things//ack", "Bearer writer").status == 404);
    CHECK(send(api::method::post, "/things/42", "Bearer writer").status == 404);
    CHECK(send(api::method::post, "/things/42/ack/more", "Bearer writer").status == 404);
    // The built-in routes are still there, before the extra ones.
    CHECK(send(api::method::get, "/status").status == 200);
    CHECK(router.endpoints().back().path == "/things/{id}/ack");
}
