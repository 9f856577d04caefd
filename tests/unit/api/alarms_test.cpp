// The operator's side of the API through the router, wired as the daemon wires it: commands on
// alarms and sensors, their refusals, the filters, the sensor list, the readings, the load
// figures and the event stream's refusals.

#include <wtf/alarm/events.hpp>
#include <wtf/api/router.hpp>
#include <wtf/core/time.hpp>

#include "support/router_fixture.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace std::chrono_literals;
using namespace wtf;
namespace json = boost::json;

json::value parsed(api::response const& r)
{
    REQUIRE(r.body);
    return json::parse(*r.body);
}

std::string detail_of(api::response const& r)
{
    return std::string{parsed(r).at("detail").as_string()};
}

json::value alarm_of(api::response const& r) { return parsed(r).at("alarm"); }

struct fixture : test::router_fixture {
    explicit fixture(test::router_options o = {}) : router_fixture{std::move(o)} {}

    // A reading of `sensor` at t0 + `second` s.
    api::response reading(std::string_view sensor, int second, double temperature)
    {
        auto const body = R"({"timestamp": ")" +
                          core::format_rfc3339(t0 + std::chrono::seconds{second}) +
                          R"(", "sensor_id": ")" + std::string{sensor} + R"(", "temperature": )" +
                          std::to_string(temperature) + "}";
        return post(body);
    }

    std::vector<std::int64_t> ids(std::string_view target)
    {
        std::vector<std::int64_t> out;
        // A named value: a range-for over a member of a temporary outlives the temporary.
        auto const list = parsed(get(target));
        for (auto const& a : list.as_array()) out.push_back(a.at("id").as_int64());
        return out;
    }
};

} // namespace

TEST_CASE("an acknowledged alarm shows who acknowledged it, when, and why", "[unit][api][alarm]")
{
    fixture f;
    REQUIRE(f.reading("wtf-pipe-1", 1, 45.2).status == 200);
    CHECK(parsed(f.get("/anomalies/1")).at("alarm").at("state") == "unacknowledged");

    auto const r =
        f.command("/anomalies/1/ack", R"({"by": "alice", "comment": "checking pump 2"})");
    REQUIRE(r.status == 200);
    auto const alarm = alarm_of(r);
    CHECK(alarm.at("state") == "acknowledged");
    CHECK(alarm.at("acknowledged") == json::parse(R"({"by": "alice", "at": "2025-05-28T00:00:02Z",
                                                      "comment": "checking pump 2"})"));
    // GET /anomalies shows the same at once: its cached body follows the change.
    CHECK(parsed(f.get("/anomalies")).at(0).at("alarm") == alarm);
    CHECK(f.ids("/anomalies?acknowledged=true") == std::vector<std::int64_t>{1});
    CHECK(f.ids("/anomalies?acknowledged=false").empty());
}

TEST_CASE("an alarm that ended unacknowledged stays so until acknowledged, then is normal",
          "[unit][api][alarm]")
{
    fixture f;
    REQUIRE(f.reading("wtf-pipe-1", 1, 45.2).status == 200);
    REQUIRE(f.reading("wtf-pipe-1", 2, 22.0).status == 200);
    CHECK(parsed(f.get("/anomalies/1")).at("alarm").at("state") == "returned_unacknowledged");
    CHECK(parsed(f.get("/status")).at("alarms").at("returned_unacknowledged") == 1);
    auto const r = f.command("/anomalies/1/ack", R"({"by": "bob"})");
    REQUIRE(r.status == 200);
    CHECK(alarm_of(r).at("state") == "normal");
}

TEST_CASE("commands on an unknown alarm are 404, whatever the id looks like", "[unit][api][alarm]")
{
    fixture f;
    for (auto const* target :
         {"/anomalies/99/ack", "/anomalies/abc/ack", "/anomalies/0/shelve",
          "/anomalies/18446744073709551616/unshelve", "/anomalies/-1/comments"}) {
        INFO(target);
        auto const r = f.command(target, R"({"by": "alice", "comment": "x", "duration_s": 60})");
        CHECK(r.status == 404);
        CHECK_FALSE(detail_of(r).empty());
    }
    CHECK(f.get("/anomalies/99").status == 404);
    CHECK(f.get("/anomalies/x").status == 404);
}

TEST_CASE("acknowledging twice is 409 and changes nothing", "[unit][api][alarm]")
{
    fixture f;
    REQUIRE(f.reading("wtf-pipe-1", 1, 45.2).status == 200);
    REQUIRE(f.command("/anomalies/1/ack", R"({"by": "alice"})").status == 200);
    auto const again = f.command("/anomalies/1/ack", R"({"by": "bob", "comment": "me too"})");
    CHECK(again.status == 409);
    CHECK_THAT(detail_of(again),
               Catch::Contains("already acknowledged") && Catch::Contains("alice"));
    CHECK(parsed(f.get("/anomalies/1")).at("alarm").at("acknowledged").at("by") == "alice");
}

TEST_CASE("a command body that is not what the command takes is refused naming the field",
          "[unit][api][alarm]")
{
    fixture f;
    REQUIRE(f.reading("wtf-pipe-1", 1, 45.2).status == 200);
    struct bad {
        std::string_view target;
        std::string_view body;
        unsigned status;
        std::string_view names;
    };
    for (auto const& c : std::vector<bad>{
             {"/anomalies/1/ack", "", 422, "'by'"},
             {"/anomalies/1/ack", "{", 400, "malformed"},
             {"/anomalies/1/ack", "[]", 422, "'by'"},
             {"/anomalies/1/ack", R"({"comment": "no name"})", 422, "'by'"},
             {"/anomalies/1/ack", R"({"by": 7})", 422, "'by'"},
             {"/anomalies/1/ack", R"({"by": ""})", 422, "'by'"},
             {"/anomalies/1/ack", R"({"by": "a\u0007b"})", 422, "'by'"},
             {"/anomalies/1/ack", R"({"by": "alice", "duration_s": 60})", 422, "'duration_s'"},
             {"/anomalies/1/ack", R"({"by": "alice", "colour": "red"})", 422, "'colour'"},
             {"/anomalies/1/comments", R"({"by": "alice"})", 422, "'comment'"},
             {"/anomalies/1/shelve", R"({"by": "alice"})", 422, "'duration_s'"},
             {"/anomalies/1/shelve", R"({"by": "alice", "duration_s": 60, "until_normal": true})",
              422, "'until_normal'"},
             {"/anomalies/1/shelve", R"({"by": "alice", "duration_s": 1.5})", 422, "'duration_s'"},
             {"/anomalies/1/shelve", R"({"by": "alice", "duration_s": 0})", 422, "'duration_s'"},
             {"/anomalies/1/shelve", R"({"by": "alice", "until_normal": false})", 422,
              "'until_normal'"},
         }) {
        INFO(c.target << ' ' << c.body);
        auto const r = f.command(c.target, c.body);
        CHECK(r.status == c.status);
        CHECK_THAT(detail_of(r), Catch::Contains(std::string{c.names}));
    }
    CHECK(parsed(f.get("/anomalies/1")).at("alarm").at("state") == "unacknowledged");
    CHECK(parsed(f.get("/anomalies/1")).at("alarm").at("shelf").is_null());
}

TEST_CASE("comments are added in order", "[unit][api][alarm]")
{
    fixture f;
    REQUIRE(f.reading("wtf-pipe-1", 1, 45.2).status == 200);
    REQUIRE(f.command("/anomalies/1/comments", R"({"by": "a", "comment": "one"})").status == 200);
    auto const r = f.command("/anomalies/1/comments", R"({"by": "b", "comment": "two"})");
    REQUIRE(r.status == 200);
    auto const alarm = alarm_of(r);
    auto const& comments = alarm.at("comments").as_array();
    REQUIRE(comments.size() == 2);
    CHECK(comments[0].at("text") == "one");
    CHECK(comments[1].at("by") == "b");
    CHECK(alarm_of(r).at("state") == "unacknowledged"); // a comment is not an acknowledgement
}

TEST_CASE("a shelf beyond the maximum is 422 naming the setting", "[unit][api][alarm]")
{
    test::router_options o;
    o.alarms.ledger.max_shelve = 3600s;
    fixture f{o};
    REQUIRE(f.reading("wtf-pipe-1", 1, 45.2).status == 200);
    auto const r = f.command("/anomalies/1/shelve", R"({"by": "alice", "duration_s": 3601})");
    CHECK(r.status == 422);
    CHECK_THAT(detail_of(r), Catch::Contains("alarms.max_shelve_s"));
    CHECK(f.command("/anomalies/1/shelve", R"({"by": "alice", "duration_s": 3600})").status == 200);
}

TEST_CASE("a shelved point's later repeats are recorded but shelved, out of the active counts",
          "[unit][api][alarm]")
{
    fixture f;
    REQUIRE(f.reading("wtf-pipe-1", 1, 45.2).status == 200);
    auto const shelved =
        f.command("/anomalies/1/shelve", R"({"by": "alice", "duration_s": 3600, "comment": "x"})");
    REQUIRE(shelved.status == 200);
    CHECK(alarm_of(shelved).at("suppressed") == "shelved");
    CHECK(alarm_of(shelved).at("shelf").at("until") == "2025-05-28T01:00:02Z");
    REQUIRE(f.reading("wtf-pipe-1", 2, 22.0).status == 200); // ends
    REQUIRE(f.reading("wtf-pipe-1", 3, 46.0).status == 200); // repeats: anomaly 2
    REQUIRE(f.reading("wtf-pipe-2", 3, 46.0).status == 200); // another point: anomaly 3
    auto const repeat = parsed(f.get("/anomalies/2")).at("alarm");
    CHECK(repeat.at("suppressed") == "shelved");
    CHECK(repeat.at("raised_while") == "shelved");
    CHECK(f.ids("/anomalies?shelved=true") == std::vector<std::int64_t>{1, 2});
    CHECK(f.ids("/anomalies?shelved=false") == std::vector<std::int64_t>{3});
    auto const alarms = parsed(f.get("/status")).at("alarms");
    CHECK(alarms.at("active") == 1);
    CHECK(alarms.at("shelved") == 2);
    CHECK(alarms.at("shelved_points") == 1);

    auto const again = f.command("/anomalies/2/shelve", R"({"by": "bob", "duration_s": 60})");
    CHECK(again.status == 409);
    CHECK_THAT(detail_of(again), Catch::Contains("already shelved"));

    auto const unshelved = f.command("/anomalies/2/unshelve", R"({"by": "bob"})");
    REQUIRE(unshelved.status == 200);
    CHECK(alarm_of(unshelved).at("suppressed").is_null());
    CHECK(f.ids("/anomalies?shelved=true").empty());
    CHECK(f.command("/anomalies/2/unshelve", R"({"by": "bob"})").status == 409);
}

TEST_CASE("a shelf until normal ends when its alarm returns to normal", "[unit][api][alarm]")
{
    fixture f;
    REQUIRE(f.reading("wtf-pipe-1", 1, 45.2).status == 200);
    REQUIRE(f.command("/anomalies/1/shelve", R"({"by": "alice", "until_normal": true})").status ==
            200);
    CHECK(f.ids("/anomalies?shelved=true") == std::vector<std::int64_t>{1});
    REQUIRE(f.reading("wtf-pipe-1", 2, 22.0).status == 200);
    CHECK(f.ids("/anomalies?shelved=true").empty());
    CHECK(f.command("/anomalies/1/shelve", R"({"by": "alice", "until_normal": true})").status ==
          409); // ended: only a duration makes sense now
}

TEST_CASE("a sensor out of service has its alarms suppressed until it is back in service",
          "[unit][api][alarm]")
{
    fixture f;
    REQUIRE(f.reading("wtf-pipe-1", 1, 45.2).status == 200);
    auto const out = f.command("/sensors/wtf-pipe-1/out-of-service",
                               R"({"by": "carol", "comment": "replacing the probe"})");
    REQUIRE(out.status == 200);
    CHECK(parsed(out).at("sensor_id") == "wtf-pipe-1");
    CHECK(parsed(out).at("out_of_service") ==
          json::parse(R"({"by": "carol", "since": "2025-05-28T00:00:02Z",
                          "comment": "replacing the probe"})"));
    CHECK(parsed(f.get("/anomalies/1")).at("alarm").at("suppressed") == "out_of_service");
    REQUIRE(f.reading("wtf-pipe-1", 2, 22.0).status == 200);
    REQUIRE(f.reading("wtf-pipe-1", 3, 47.0).status == 200);
    CHECK(parsed(f.get("/anomalies/2")).at("alarm").at("raised_while") == "out_of_service");
    CHECK(parsed(f.get("/status")).at("sensors").at("out_of_service") == 1);
    CHECK(f.command("/sensors/wtf-pipe-1/out-of-service", R"({"by": "dave"})").status == 409);

    auto const back = f.command("/sensors/wtf-pipe-1/in-service", R"({"by": "carol"})");
    REQUIRE(back.status == 200);
    CHECK(parsed(back).at("out_of_service").is_null());
    CHECK(parsed(f.get("/anomalies/2")).at("alarm").at("suppressed").is_null());
    CHECK(f.command("/sensors/wtf-pipe-1/in-service", R"({"by": "carol"})").status == 409);
}

TEST_CASE("service commands on a sensor nobody knows are 404", "[unit][api][alarm]")
{
    fixture f;
    auto const r = f.command("/sensors/nowhere/out-of-service", R"({"by": "carol"})");
    CHECK(r.status == 404);
    CHECK_THAT(detail_of(r), Catch::Contains("'nowhere'"));
    CHECK(f.command("/sensors/nowhere/in-service", R"({"by": "carol"})").status == 404);
    CHECK(f.get("/sensors/nowhere/readings").status == 404);
}

TEST_CASE("a %-encoded sensor id in the path is decoded", "[unit][api][alarm]")
{
    fixture f;
    REQUIRE(f.reading("tank 3/inlet", 1, 21.0).status == 200);
    auto const r = f.command("/sensors/tank%203%2Finlet/out-of-service", R"({"by": "erin"})");
    REQUIRE(r.status == 200);
    CHECK(parsed(r).at("sensor_id") == "tank 3/inlet");
    CHECK(parsed(f.get("/sensors/tank%203%2Finlet/readings")).at("count") == 1);
}

TEST_CASE("the operator's commands take the operator token, or the ingest token when none is set",
          "[unit][api][alarm]")
{
    api::settings s;
    s.ingest_token = "in";
    s.read_token = "read";
    s.operator_token = "op";
    fixture f{{.api = s}};
    REQUIRE(f.send(api::method::post, "/readings", f.t0 + 2s,
                   R"({"timestamp": "2025-05-28T00:00:01Z", "sensor_id": "p", "flow": 500.0})",
                   "application/json", "Bearer in")
                .status == 200);
    auto const ack = [&](std::string_view auth) {
        return f.command("/anomalies/1/comments", R"({"by": "a", "comment": "c"})", auth).status;
    };
    CHECK(ack("") == 401);
    CHECK(ack("Bearer in") == 401);
    CHECK(ack("Bearer read") == 401);
    CHECK(ack("Bearer op") == 200);
    // The operator token reads too, as the ingest token does.
    CHECK(f.get("/anomalies", "Bearer op").status == 200);
    CHECK(f.get("/sensors", "Bearer op").status == 200);
    CHECK(f.get("/sensors").status == 401);
    // It is no ingest token.
    CHECK(f.send(api::method::post, "/readings", f.t0 + 2s, R"({"sensor_id": "p", "flow": 50.0})",
                 "application/json", "Bearer op")
              .status == 401);

    s.operator_token.clear();
    f.router.apply(s);
    CHECK(ack("Bearer op") == 401);
    CHECK(ack("Bearer in") == 200);
}

TEST_CASE("every command goes out on the event stream with the alarm's new state",
          "[unit][api][alarm]")
{
    fixture f;
    auto opened = f.alarms.services().events.open(std::nullopt);
    REQUIRE(opened.has_value());
    auto& events = *opened;
    REQUIRE(f.reading("wtf-pipe-1", 1, 45.2).status == 200);
    REQUIRE(f.command("/anomalies/1/ack", R"({"by": "alice"})").status == 200);
    REQUIRE(f.command("/sensors/wtf-pipe-1/out-of-service", R"({"by": "bob"})").status == 200);
    std::vector<std::string> frames;
    while (auto frame = events.next()) frames.emplace_back(*frame);
    REQUIRE(frames.size() == 3);
    CHECK_THAT(frames[0], Catch::Contains("event: opened\ndata: {\"id\":1,"));
    CHECK_THAT(frames[1], Catch::Contains("event: acknowledged\ndata: {\"transition\":{\"alarm\":"
                                          "\"acknowledged\",\"id\":1,"));
    CHECK_THAT(frames[1], Catch::Contains("\"anomaly\":{\"id\":1,"));
    CHECK_THAT(frames[1], Catch::Contains("\"state\":\"acknowledged\""));
    CHECK_THAT(frames[2], Catch::Contains("event: out_of_service\n"));
    CHECK_THAT(frames[2], Catch::Contains("\"anomaly\":null"));
}

TEST_CASE("GET /sensors pages through the sensors in id order with each one's state",
          "[unit][api][alarm]")
{
    fixture f;
    REQUIRE(f.reading("c", 1, 21.0).status == 200);
    REQUIRE(f.reading("a", 1, 45.0).status == 200);
    REQUIRE(f.reading("b", 1, 22.0).status == 200);
    REQUIRE(f.reading("a", 2, 22.5).status == 200);
    REQUIRE(f.reading("b", 2, 46.0).status == 200);

    auto const first = parsed(f.get("/sensors?limit=2"));
    CHECK(first.at("count") == 2);
    CHECK(first.at("matching") == 3);
    CHECK(first.at("next") == "b");
    auto const& a = first.at("sensors").at(0);
    CHECK(a.at("sensor_id") == "a");
    CHECK(a.at("readings") == 2);
    CHECK(a.at("parameters") == json::parse(R"(["temperature"])"));
    CHECK(a.at("last_reading") ==
          json::parse(R"({"timestamp": "2025-05-28T00:00:02Z", "temperature": 22.5})"));
    CHECK(a.at("active_anomalies") == 0);
    CHECK(a.at("out_of_service").is_null());
    auto const& b = first.at("sensors").at(1);
    CHECK(b.at("active_anomalies") == 1);
    CHECK(b.at("active_alarms") == json::parse(R"([{"id": 2, "type": "spike",
        "parameter": "temperature", "state": "unacknowledged", "suppressed": null}])"));

    auto const second = parsed(f.get("/sensors?limit=2&after=b"));
    CHECK(second.at("count") == 1);
    CHECK(second.at("sensors").at(0).at("sensor_id") == "c");
    CHECK(second.at("next").is_null());

    REQUIRE(f.command("/sensors/c/out-of-service", R"({"by": "x"})").status == 200);
    auto names = [&](std::string_view target) {
        std::vector<std::string> out;
        auto const page = parsed(f.get(target));
        for (auto const& s : page.at("sensors").as_array())
            out.emplace_back(s.at("sensor_id").as_string());
        return out;
    };
    CHECK(names("/sensors?active=true") == std::vector<std::string>{"b"});
    CHECK(names("/sensors?active=false") == std::vector<std::string>{"a", "c"});
    CHECK(names("/sensors?out_of_service=true") == std::vector<std::string>{"c"});
    CHECK(f.get("/sensors?limit=0").status == 422);
    CHECK(f.get("/sensors?limit=1001").status == 200); // cut to a page of 1000, like every limit
    CHECK(f.get("/sensors?colour=red").status == 422);
    CHECK(f.get("/sensors?active=maybe").status == 422);
}

TEST_CASE("GET /sensors/{id}/readings serves the ring since a time or the newest",
          "[unit][api][alarm]")
{
    test::router_options o;
    o.alarms.readings.per_sensor = 4;
    fixture f{o};
    for (int i = 1; i <= 6; ++i) REQUIRE(f.reading("p", i, 20.0 + i).status == 200);
    auto const newest = parsed(f.get("/sensors/p/readings?limit=2"));
    CHECK(newest.at("count") == 2);
    CHECK(newest.at("readings").at(1) ==
          json::parse(R"({"timestamp": "2025-05-28T00:00:06Z", "temperature": 26.0})"));
    CHECK(newest.at("truncated") == true);
    auto const since = parsed(f.get("/sensors/p/readings?since=2025-05-28T00:00:01Z"));
    CHECK(since.at("count") == 4); // the ring holds 4
    CHECK(since.at("gap") == true);
    CHECK(since.at("readings").at(0).at("timestamp") == "2025-05-28T00:00:03Z");
    CHECK(f.get("/sensors/p/readings?since=yesterday").status == 422);
    // More than the ring holds is all it holds, the rule of every limit since the seed's LRANGE.
    CHECK(parsed(f.get("/sensors/p/readings?limit=5")).at("count") == 4);
}

TEST_CASE("an expected sensor that never reported has an empty readings answer",
          "[unit][api][alarm]")
{
    test::router_options o;
    fixture f{o};
    REQUIRE(f.reading("p", 1, 20.0).status == 200);
    // Out of service makes a sensor known to the API even without readings of its own kept.
    f.alarms.services().ledger.take_out_of_service("q", {"x", ""}, f.t0);
    auto const r = parsed(f.get("/sensors/q/readings"));
    CHECK(r.at("count") == 0);
    CHECK(r.at("readings").as_array().empty());
    CHECK(r.at("oldest").is_null());
}

TEST_CASE("GET /alarm-performance reports over a window no longer than the configured one",
          "[unit][api][alarm]")
{
    fixture f;
    REQUIRE(f.reading("wtf-pipe-1", 1, 45.2).status == 200);
    auto const r = f.get("/alarm-performance?window=1h");
    REQUIRE(r.status == 200);
    auto const report = parsed(r);
    CHECK(report.at("alarms") == 1);
    CHECK(report.as_object().contains("rate"));
    CHECK(report.as_object().contains("flood"));
    CHECK(f.get("/alarm-performance").status == 200);
    for (auto const* bad : {"25h", "2d", "0h", "h", "24", "1.5h", "24H"}) {
        INFO(bad);
        auto const refused = f.get(std::string{"/alarm-performance?window="} + bad);
        CHECK(refused.status == 422);
        CHECK_THAT(detail_of(refused), Catch::Contains("'window'"));
    }
}

TEST_CASE("/status keeps its counts but no list of sensors: 10,000 sensors fit in 2 KB",
          "[unit][api][alarm]")
{
    fixture f;
    for (int batch = 0; batch < 10; ++batch) {
        std::string body = "[";
        for (int i = 0; i < 1000; ++i) {
            if (i > 0) body += ',';
            body += R"({"timestamp": "2025-05-28T00:00:01Z", "sensor_id": "sensor-)" +
                    std::to_string(batch * 1000 + i) + R"(", "temperature": 21.0})";
        }
        body += ']';
        REQUIRE(f.post(body).status == 200);
    }
    auto const r = f.get("/status");
    REQUIRE(r.status == 200);
    INFO(*r.body);
    CHECK(r.body->size() < 2048);
    auto const status = parsed(r);
    CHECK(status.at("sensors") == json::parse(R"({"count": 10000, "never_reported": 0,
        "with_active_anomalies": 0, "out_of_service": 0})"));
    CHECK(status.at("readings").at("accepted") == 10000);
}

TEST_CASE("GET /events refuses a bad query, a bad Last-Event-ID and streams beyond the limit",
          "[unit][api][alarm]")
{
    test::router_options o;
    o.alarms.streams.max_streams = 2;
    fixture f{o};
    CHECK(f.get("/events?events=opened,teleported").status == 422);
    CHECK_THAT(detail_of(f.get("/events?events=teleported")), Catch::Contains("teleported"));
    CHECK(f.get("/events?readings=a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q").status == 422);
    CHECK(f.get("/events?colour=red").status == 422);
    api::request req;
    req.target = "/events";
    req.last_event_id = "twelve";
    CHECK(f.router.handle(req, f.t0, f.scratch).status == 422);

    auto const one = f.get("/events");
    auto const two = f.get("/events?events=opened");
    REQUIRE(one.stream);
    REQUIRE(two.stream);
    CHECK(one.content_type == "text/event-stream");
    auto const three = f.get("/events");
    CHECK(three.status == 503);
    CHECK_THAT(detail_of(three), Catch::Contains("events.max_streams"));
    one.stream->close(); // the connection is done with it: its place is free again
    CHECK(f.get("/events").status == 200);
}

TEST_CASE("a stream asking for a sensor's readings gets them; other streams do not",
          "[unit][api][alarm]")
{
    fixture f;
    auto const watching = f.get("/events?readings=p");
    auto const plain = f.get("/events");
    REQUIRE(watching.stream);
    REQUIRE(plain.stream);
    REQUIRE(f.reading("p", 1, 20.5).status == 200);
    REQUIRE(f.reading("q", 1, 20.5).status == 200);
    watching.stream->refill();
    plain.stream->refill();
    REQUIRE(watching.stream->has_chunk());
    auto const chunk = watching.stream->take_chunk();
    CHECK_THAT(chunk, Catch::Contains("event: reading\ndata: {\"timestamp\":\"2025-05-28T00:00:"
                                      "01Z\",\"sensor_id\":\"p\",\"temperature\":20.5}"));
    CHECK(chunk.find("\"sensor_id\":\"q\"") == std::string::npos);
    CHECK_FALSE(plain.stream->has_chunk());
    watching.stream->close();
    CHECK_FALSE(f.alarms.events().watched("p"));
}

TEST_CASE("/metrics carries the alarm families and counts refusals by status", "[unit][api][alarm]")
{
    fixture f;
    REQUIRE(f.reading("wtf-pipe-1", 1, 45.2).status == 200);
    REQUIRE(f.command("/anomalies/1/ack", R"({"by": "alice"})").status == 200);
    CHECK(f.command("/anomalies/1/ack", R"({"by": "alice"})").status == 409);
    auto const r = f.get("/metrics");
    REQUIRE(r.status == 200);
    std::string_view const text = *r.body;
    CHECK_THAT(std::string{text}, Catch::Contains("wtfd_alarms{state=\"acknowledged\"} 1\n"));
    CHECK_THAT(std::string{text},
               Catch::Contains("wtfd_alarm_transitions_total{action=\"acknowledged\"} 1\n"));
    CHECK_THAT(std::string{text},
               Catch::Contains("wtfd_alarm_commands_refused_total{reason=\"conflict\"} 1\n"));
    CHECK_THAT(std::string{text}, Catch::Contains("# TYPE wtfd_event_streams gauge\n"));
    CHECK_THAT(std::string{text},
               Catch::Contains(
                   "wtfd_http_requests_total{route=\"/anomalies/{id}/ack\",status=\"409\"} 1\n"));
    // One # TYPE per family.
    auto const first = text.find("# TYPE wtfd_alarms gauge");
    REQUIRE(first != std::string_view::npos);
    CHECK(text.find("# TYPE wtfd_alarms gauge", first + 1) == std::string_view::npos);
}
