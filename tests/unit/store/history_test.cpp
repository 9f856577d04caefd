#include <wtf/core/json_writer.hpp>
#include <wtf/store/history.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

using namespace wtf;

namespace {

core::anomaly spike(std::uint64_t id, std::string sensor = "wtf-pipe-1")
{
    core::anomaly a;
    a.id = id;
    a.type = core::anomaly_type::spike;
    a.sensor_id = std::move(sensor);
    a.parameter = "temperature";
    a.value = 40.0 + static_cast<double>(id);
    return a;
}

std::vector<std::int64_t> ids(store::history const& h, store::anomaly_query const& q)
{
    std::string out;
    h.append_anomalies_json(out, q);
    std::vector<std::int64_t> result;
    auto const parsed = boost::json::parse(out);
    for (auto const& v : parsed.as_array()) result.push_back(v.as_object().at("id").as_int64());
    return result;
}

store::settings sized(std::size_t anomalies, std::size_t summaries = 100)
{
    store::settings s;
    s.anomaly_history = anomalies;
    s.summary_history = summaries;
    return s;
}

// GCC 12 warns about designated initializers that leave members out, so queries are built here.
store::anomaly_query query(std::size_t limit, std::optional<std::string> sensor = {},
                           std::optional<core::anomaly_type> type = {},
                           std::optional<bool> active = {})
{
    store::anomaly_query q;
    q.limit = limit;
    q.sensor_id = std::move(sensor);
    q.type = type;
    q.active = active;
    return q;
}

store::summary text_summary(std::string text)
{
    store::summary s;
    s.text = std::move(text);
    return s;
}

} // namespace

TEST_CASE("the history returns the newest anomalies oldest first", "[unit]")
{
    store::history h{sized(3)};
    for (std::uint64_t id = 1; id <= 5; ++id) h.record(core::anomaly_change::opened, spike(id));
    CHECK(h.anomaly_count() == 3);
    CHECK(h.total_anomalies() == 5);
    CHECK(ids(h, query(100)) == std::vector<std::int64_t>{3, 4, 5});
    CHECK(ids(h, query(2)) == std::vector<std::int64_t>{4, 5});
}

TEST_CASE("a closed episode replaces its stored copy", "[unit]")
{
    store::history h{store::settings{}};
    auto a = spike(1);
    h.record(core::anomaly_change::opened, a);
    CHECK(h.active_anomalies() == 1);
    auto const before = h.version();
    a.ended_at = a.detected_at + std::chrono::seconds{3};
    h.record(core::anomaly_change::closed, a);
    CHECK(h.version() > before);
    CHECK(h.active_anomalies() == 0);
    REQUIRE(h.find(1));
    CHECK_FALSE(h.find(1)->active());

    std::string out;
    h.append_anomalies_json(out, {});
    CHECK(boost::json::parse(out).as_array()[0].as_object().at("active").as_bool() == false);
}

TEST_CASE("filters select by sensor, type and activity before the limit", "[unit]")
{
    store::history h{store::settings{}};
    h.record(core::anomaly_change::opened, spike(1, "a"));
    h.record(core::anomaly_change::opened, spike(2, "b"));
    h.record(core::anomaly_change::opened, spike(3, "a"));
    auto closed = spike(3, "a");
    closed.ended_at = closed.detected_at;
    h.record(core::anomaly_change::closed, closed);

    CHECK(ids(h, query(1, "a")) == std::vector<std::int64_t>{3});
    CHECK(ids(h, query(10, {}, {}, true)) == std::vector<std::int64_t>{1, 2});
    CHECK(ids(h, query(10, {}, core::anomaly_type::drift)).empty());
}

TEST_CASE("observers see every transition in order", "[unit]")
{
    store::history h{store::settings{}};
    std::vector<core::anomaly_change> seen;
    auto const sub = h.subscribe(
        [&](core::anomaly_change c, core::anomaly const&, std::string_view) { seen.push_back(c); });
    h.record(core::anomaly_change::opened, spike(1));
    h.record(core::anomaly_change::closed, spike(1));
    CHECK(seen == std::vector{core::anomaly_change::opened, core::anomaly_change::closed});
}

TEST_CASE("summaries keep the seed's shape, oldest first", "[unit]")
{
    store::history h{sized(10, 2)};
    std::string empty;
    h.append_summaries_json(empty);
    CHECK(empty == R"({"summaries":[],"count":0})");
    h.add_summary(text_summary("one"));
    h.add_summary(text_summary("two"));
    h.add_summary(text_summary("three"));
    std::string out;
    h.append_summaries_json(out);
    CHECK(out == R"({"summaries":["two","three"],"count":2})");
}

TEST_CASE("full summary records say how each summary was made, newest limit oldest first", "[unit]")
{
    store::history h{sized(10, 10)};
    auto first = text_summary("one");
    h.add_summary(first);
    auto second = text_summary("two");
    second.source = "llm";
    second.model = "tiny";
    second.anomaly_count = 3;
    second.latency = std::chrono::milliseconds{12};
    h.add_summary(second);
    auto third = text_summary("three");
    third.fallback_reason = "LLM disabled";
    h.add_summary(third);

    std::string out;
    h.append_summary_records_json(out, 2);
    auto const v = boost::json::parse(out).as_object();
    CHECK(v.at("count").as_int64() == 2);
    auto const& records = v.at("summaries").as_array();
    REQUIRE(records.size() == 2);
    auto const& llm = records[0].as_object();
    CHECK(llm.at("text").as_string() == "two");
    CHECK(llm.at("source").as_string() == "llm");
    CHECK(llm.at("model").as_string() == "tiny");
    CHECK(llm.at("fallback_reason").is_null());
    CHECK(llm.at("anomaly_count").as_int64() == 3);
    CHECK(llm.at("latency_ms").as_int64() == 12);
    auto const& fallback = records[1].as_object();
    CHECK(fallback.at("source").as_string() == "fallback");
    CHECK(fallback.at("fallback_reason").as_string() == "LLM disabled");
}

TEST_CASE("an observer is no longer called once its subscription is dropped", "[unit]")
{
    store::history h{store::settings{}};
    int anomalies = 0;
    int summaries = 0;
    auto sub = h.subscribe(
        [&](core::anomaly_change, core::anomaly const&, std::string_view) { ++anomalies; });
    auto sums = h.subscribe_summaries([&](store::summary const&) { ++summaries; });
    h.record(core::anomaly_change::opened, spike(1));
    h.add_summary(text_summary("one"));
    sub.reset();
    {
        auto const dropped = std::move(sums);
    }
    CHECK_FALSE(sums.active());
    h.record(core::anomaly_change::closed, spike(1));
    h.add_summary(text_summary("two"));
    CHECK(anomalies == 1);
    CHECK(summaries == 1);
}

TEST_CASE("an observer may end its own subscription and others while it is being called", "[unit]")
{
    store::history h{store::settings{}};
    std::vector<std::string> calls;
    store::subscription first;
    store::subscription second;
    first = h.subscribe([&](core::anomaly_change, core::anomaly const&, std::string_view) {
        calls.push_back("first");
        first.reset();  // itself
        second.reset(); // the next one: not called this time either
    });
    second = h.subscribe([&](core::anomaly_change, core::anomaly const&, std::string_view) {
        calls.push_back("second");
    });
    auto const third = h.subscribe([&](core::anomaly_change, core::anomaly const&,
                                       std::string_view) { calls.push_back("third"); });
    h.record(core::anomaly_change::opened, spike(1));
    h.record(core::anomaly_change::closed, spike(1));
    CHECK(calls == std::vector<std::string>{"first", "third", "third"});
}

namespace {

// An annotation standing in for the alarm desk: what it shows of each anomaly is `marks`.
struct marker {
    std::map<std::uint64_t, std::string> marks;
    std::map<std::uint64_t, store::tags> tags;
    std::vector<std::pair<core::anomaly_change, std::uint64_t>> observed;

    store::annotation annotation()
    {
        return {
            .observe = [this](core::anomaly_change c,
                              core::anomaly const& a) { observed.emplace_back(c, a.id); },
            .append =
                [this](std::string& out, core::anomaly const& a) {
                    out += ",\"mark\":";
                    core::append_json_string(out, marks[a.id]);
                    return tags[a.id];
                },
        };
    }
};

std::string mark_of(store::history const& h, std::uint64_t id)
{
    auto const json = h.json_of(id);
    REQUIRE_FALSE(json.empty());
    return std::string{boost::json::parse(json).as_object().at("mark").as_string()};
}

} // namespace

TEST_CASE("an annotation learns of each change before the JSON is built, which then carries it",
          "[unit]")
{
    store::history h{store::settings{}};
    marker m;
    // What the annotation shows is set when it is told of the change: the JSON must have it.
    auto a = m.annotation();
    a.observe = [&m](core::anomaly_change c, core::anomaly const& x) {
        m.observed.emplace_back(c, x.id);
        m.marks[x.id] = std::string{core::to_string(c)};
    };
    h.annotate(std::move(a));
    std::vector<std::string> seen;
    auto const sub = h.subscribe([&](core::anomaly_change, core::anomaly const&,
                                     std::string_view json) { seen.emplace_back(json); });
    h.record(core::anomaly_change::opened, spike(1));
    CHECK(mark_of(h, 1) == "opened");
    h.record(core::anomaly_change::closed, spike(1));
    CHECK(mark_of(h, 1) == "closed");
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].ends_with(R"(,"mark":"opened"})"));
    CHECK(boost::json::parse(seen[1]).as_object().at("mark").as_string() == "closed");
    CHECK(m.observed.size() == 2);
}

TEST_CASE("refresh rebuilds the JSON of the anomalies it selects and tells its observers", "[unit]")
{
    store::history h{store::settings{}};
    marker m;
    h.annotate(m.annotation());
    for (std::uint64_t id = 1; id <= 3; ++id) h.record(core::anomaly_change::opened, spike(id));
    std::vector<std::uint64_t> refreshed;
    auto const sub = h.subscribe_refreshes([&](core::anomaly const& a, std::string_view json) {
        refreshed.push_back(a.id);
        CHECK(json.find(R"("mark":"acknowledged")") != std::string_view::npos);
    });
    std::size_t changes = 0;
    auto const changed = h.subscribe(
        [&](core::anomaly_change, core::anomaly const&, std::string_view) { ++changes; });
    auto const before = h.version();
    m.marks[2] = "acknowledged";
    m.marks[3] = "acknowledged";
    h.refresh([](core::anomaly const& a) { return a.id >= 2; });
    CHECK(refreshed == std::vector<std::uint64_t>{2, 3});
    CHECK(mark_of(h, 1).empty());
    CHECK(mark_of(h, 2) == "acknowledged");
    CHECK(h.version() > before);
    CHECK(changes == 0); // the episodes did not change

    auto const unchanged = h.version();
    h.refresh([](core::anomaly const&) { return false; });
    CHECK(h.version() == unchanged);
}

TEST_CASE("queries select by the tags the annotation gives", "[unit]")
{
    store::history h{store::settings{}};
    marker m;
    h.annotate(m.annotation());
    m.tags[2] = store::tag_acknowledged;
    m.tags[3] = store::tag_acknowledged | store::tag_shelved;
    for (std::uint64_t id = 1; id <= 4; ++id) h.record(core::anomaly_change::opened, spike(id));
    auto with = [](store::tags yes, store::tags no) {
        auto q = query(100);
        q.with = yes;
        q.without = no;
        return q;
    };
    CHECK(ids(h, with(store::tag_acknowledged, 0)) == std::vector<std::int64_t>{2, 3});
    CHECK(ids(h, with(0, store::tag_acknowledged)) == std::vector<std::int64_t>{1, 4});
    CHECK(ids(h, with(store::tag_shelved, 0)) == std::vector<std::int64_t>{3});
    CHECK(ids(h, with(store::tag_acknowledged, store::tag_shelved)) ==
          std::vector<std::int64_t>{2});
    // Tags follow a refresh.
    m.tags[1] = store::tag_shelved;
    h.refresh([](core::anomaly const& a) { return a.id == 1; });
    CHECK(ids(h, with(store::tag_shelved, 0)) == std::vector<std::int64_t>{1, 3});
}

TEST_CASE("json_of gives a stored anomaly's JSON and nothing for one not stored", "[unit]")
{
    store::history h{sized(2)};
    for (std::uint64_t id = 1; id <= 3; ++id) h.record(core::anomaly_change::opened, spike(id));
    CHECK(h.json_of(1).empty());
    CHECK(boost::json::parse(h.json_of(3)).as_object().at("id").as_int64() == 3);
    CHECK(h.json_of(4).empty());
}

TEST_CASE("restore builds each anomaly's JSON with the annotation", "[unit]")
{
    store::history h{store::settings{}};
    marker m;
    m.marks[7] = "restored";
    h.annotate(m.annotation());
    h.restore({spike(7)}, {});
    CHECK(mark_of(h, 7) == "restored");
    CHECK(m.observed.empty()); // nothing new happened
}
