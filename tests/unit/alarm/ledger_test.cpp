#include <wtf/alarm/ledger.hpp>

#include "support/alarm_tests.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <catch2/catch.hpp>

using namespace wtf;
using namespace std::chrono_literals;

namespace {

using test::at;

core::anomaly anomaly(std::uint64_t id, std::string sensor = "wtf-pipe-1",
                      std::string parameter = "temperature",
                      core::anomaly_type type = core::anomaly_type::spike)
{
    core::anomaly a;
    a.id = id;
    a.type = type;
    a.sensor_id = std::move(sensor);
    a.parameter = std::move(parameter);
    a.detected_at = at(static_cast<std::int64_t>(id) * 10);
    a.started_at = a.detected_at;
    return a;
}

core::anomaly ended(core::anomaly a, std::int64_t seconds_later = 5)
{
    a.ended_at = a.detected_at + std::chrono::seconds{seconds_later};
    return a;
}

alarm::ledger_settings settings()
{
    alarm::ledger_settings s;
    s.max_shelve = 8h;
    return s;
}

// A ledger with alarms 1..n opened on wtf-pipe-1 temperature spikes.
struct fixture {
    alarm::ledger ledger{settings()};

    explicit fixture(std::uint64_t n = 1)
    {
        for (std::uint64_t id = 1; id <= n; ++id) open(anomaly(id));
    }
    std::optional<alarm::transition> open(core::anomaly const& a)
    {
        return ledger.observe(core::anomaly_change::opened, a);
    }
    std::optional<alarm::transition> close(core::anomaly const& a)
    {
        return ledger.observe(core::anomaly_change::closed, ended(a));
    }
    alarm::alarm_record const& record(std::uint64_t id)
    {
        auto const* r = ledger.find(id);
        REQUIRE(r);
        return *r;
    }
    alarm::alarm_state state(std::uint64_t id) { return ledger.state_of(record(id)); }
    alarm::suppression suppressed(std::uint64_t id) { return ledger.suppression_of(record(id)); }
};

alarm::note const alice{"alice", ""};

} // namespace

TEST_CASE("a new alarm is active and unacknowledged", "[unit]")
{
    fixture f;
    CHECK(f.record(1).active);
    CHECK(f.state(1) == alarm::alarm_state::unacknowledged);
    CHECK(f.suppressed(1) == alarm::suppression::none);
}

TEST_CASE("acknowledging an alarm records who, when and the comment", "[unit]")
{
    fixture f;
    auto const r = f.ledger.acknowledge(1, {"alice", "checking the pump"}, at(100));
    REQUIRE(r);
    CHECK(r->state == alarm::alarm_state::acknowledged);
    CHECK(r->change.action == alarm::action::acknowledged);
    CHECK(r->change.id == 1);
    CHECK(r->change.sensor_id == "wtf-pipe-1");
    CHECK(r->change.parameter == "temperature");
    CHECK(r->change.by == "alice");
    CHECK(r->change.at == at(100));
    CHECK(r->change.comment == "checking the pump");
    auto const& ack = f.record(1).ack;
    REQUIRE(ack);
    CHECK(ack->by == "alice");
    CHECK(ack->at == at(100));
    CHECK(ack->comment == "checking the pump");
}

TEST_CASE("an acknowledged alarm that returns to normal is normal", "[unit]")
{
    fixture f;
    REQUIRE(f.ledger.acknowledge(1, alice, at(100)));
    f.close(anomaly(1));
    CHECK(f.state(1) == alarm::alarm_state::normal);
}

TEST_CASE("an alarm that ends unacknowledged stays returned-to-normal-unacknowledged", "[unit]")
{
    fixture f;
    CHECK_FALSE(f.close(anomaly(1)));
    CHECK_FALSE(f.record(1).active);
    CHECK(f.state(1) == alarm::alarm_state::returned_unacknowledged);
}

TEST_CASE("acknowledging a returned-to-normal alarm makes it normal", "[unit]")
{
    fixture f;
    f.close(anomaly(1));
    auto const r = f.ledger.acknowledge(1, alice, at(200));
    REQUIRE(r);
    CHECK(r->state == alarm::alarm_state::normal);
}

TEST_CASE("acknowledging an unknown alarm is refused as not found", "[unit]")
{
    fixture f;
    auto const r = f.ledger.acknowledge(99, alice, at(100));
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == alarm::refusal_kind::not_found);
    CHECK(alarm::http_status(r.error().kind) == 404);
    CHECK(r.error().reason == "no alarm with id 99 (unknown, or no longer in the history)");
}

TEST_CASE("acknowledging an alarm twice is refused as a conflict naming the first", "[unit]")
{
    fixture f;
    REQUIRE(f.ledger.acknowledge(1, alice, at(100)));
    auto const r = f.ledger.acknowledge(1, {"bob", ""}, at(110));
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == alarm::refusal_kind::conflict);
    CHECK(alarm::http_status(r.error().kind) == 409);
    CHECK(r.error().reason == "alarm 1 is already acknowledged (by alice at 2025-05-28T00:01:40Z)");
    CHECK(f.record(1).ack->by == "alice");
}

TEST_CASE("an acknowledgement without a name is refused as invalid", "[unit]")
{
    fixture f;
    auto const r = f.ledger.acknowledge(1, {"", "done"}, at(100));
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == alarm::refusal_kind::invalid);
    CHECK(alarm::http_status(r.error().kind) == 422);
    CHECK(r.error().reason == "field 'by' is required: the name of who acts");
    CHECK_FALSE(f.record(1).ack);
}

TEST_CASE("a name with a control character is refused as invalid", "[unit]")
{
    fixture f;
    auto const r = f.ledger.acknowledge(1, {"alice\n<3>fake log line", ""}, at(100));
    REQUIRE_FALSE(r);
    CHECK(r.error().reason == "field 'by' holds a control character");
}

TEST_CASE("a name or comment over its limit is refused as invalid", "[unit]")
{
    fixture f;
    auto const long_name = std::string(65, 'a');
    auto const long_comment = std::string(1001, 'c');
    auto const by_name = f.ledger.acknowledge(1, {long_name, ""}, at(100));
    REQUIRE_FALSE(by_name);
    CHECK(by_name.error().reason == "field 'by' is longer than 64 bytes");
    auto const by_comment = f.ledger.acknowledge(1, {"alice", long_comment}, at(100));
    REQUIRE_FALSE(by_comment);
    CHECK(by_comment.error().reason == "field 'comment' is longer than 1000 bytes");
}

TEST_CASE("a comment may span lines and tabs but hold no other control character", "[unit]")
{
    fixture f;
    CHECK(f.ledger.add_comment(1, {"alice", "line one\n\tline two"}, at(100)));
    auto const r = f.ledger.add_comment(1, {"alice", "bell\a"}, at(101));
    REQUIRE_FALSE(r);
    CHECK(r.error().reason ==
          "field 'comment' holds a control character other than tab or newline");
}

TEST_CASE("comments are kept in order with who and when", "[unit]")
{
    fixture f;
    auto const r = f.ledger.add_comment(1, {"alice", "pump 2 noisy"}, at(100));
    REQUIRE(r);
    CHECK(r->change.action == alarm::action::commented);
    CHECK(r->change.comment == "pump 2 noisy");
    REQUIRE(f.ledger.add_comment(1, {"bob", "bearing replaced"}, at(200)));
    auto const& c = f.record(1).comments;
    REQUIRE(c.size() == 2);
    CHECK(c[0].by == "alice");
    CHECK(c[0].text == "pump 2 noisy");
    CHECK(c[1].at == at(200));
    CHECK(f.state(1) == alarm::alarm_state::unacknowledged);
}

TEST_CASE("an empty comment is refused as invalid", "[unit]")
{
    fixture f;
    auto const r = f.ledger.add_comment(1, {"alice", ""}, at(100));
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == alarm::refusal_kind::invalid);
}

TEST_CASE("a comment beyond the most kept per alarm is refused as a conflict", "[unit]")
{
    auto s = settings();
    s.max_comments = 2;
    alarm::ledger l{s};
    l.observe(core::anomaly_change::opened, anomaly(1));
    REQUIRE(l.add_comment(1, {"a", "one"}, at(1)));
    REQUIRE(l.add_comment(1, {"a", "two"}, at(2)));
    auto const r = l.add_comment(1, {"a", "three"}, at(3));
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == alarm::refusal_kind::conflict);
    CHECK(r.error().reason == "alarm 1 already has 2 comments, the most kept per alarm");
}

TEST_CASE("shelving for a duration shelves the alarm until then", "[unit]")
{
    fixture f;
    auto const r = f.ledger.shelve(1, 30min, {"alice", "known noisy probe"}, at(100));
    REQUIRE(r);
    CHECK(r->change.action == alarm::action::shelved);
    CHECK(r->change.until == at(100) + 30min);
    CHECK_FALSE(r->change.until_normal);
    CHECK(r->suppressed == alarm::suppression::shelved);
    CHECK(r->state == alarm::alarm_state::unacknowledged);
    auto const* s = f.ledger.shelf_of(f.record(1));
    REQUIRE(s);
    CHECK(s->origin_id == 1);
    CHECK(s->by == "alice");
    CHECK(s->comment == "known noisy probe");
}

TEST_CASE("shelving beyond the maximum is refused as invalid, naming the maximum", "[unit]")
{
    fixture f;
    auto const r = f.ledger.shelve(1, 9h, alice, at(100));
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == alarm::refusal_kind::invalid);
    CHECK(alarm::http_status(r.error().kind) == 422);
    CHECK(r.error().reason ==
          "a shelf of 9h is longer than the maximum of 8h (alarms.max_shelve_s)");
    CHECK(f.suppressed(1) == alarm::suppression::none);
}

TEST_CASE("shelving for exactly the maximum is accepted", "[unit]")
{
    fixture f;
    CHECK(f.ledger.shelve(1, 8h, alice, at(100)));
}

TEST_CASE("shelving for less than a second is refused as invalid", "[unit]")
{
    fixture f;
    auto const r = f.ledger.shelve(1, 0s, alice, at(100));
    REQUIRE_FALSE(r);
    CHECK(r.error().reason == "a shelf lasts at least 1 second");
}

TEST_CASE("shelving an unknown alarm is refused as not found", "[unit]")
{
    fixture f;
    auto const r = f.ledger.shelve(7, 1h, alice, at(100));
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == alarm::refusal_kind::not_found);
}

TEST_CASE("shelving a point that is already shelved is refused as a conflict", "[unit]")
{
    fixture f{2};
    REQUIRE(f.ledger.shelve(1, 1h, alice, at(100)));
    auto const r = f.ledger.shelve(2, 2h, {"bob", ""}, at(200));
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == alarm::refusal_kind::conflict);
    CHECK(r.error().reason == "the alarm point (wtf-pipe-1, temperature, spike) is already "
                              "shelved (with alarm 1, by alice, until 2025-05-28T01:01:40Z)");
}

TEST_CASE("a later repeat of a shelved point opens shelved and says so", "[unit]")
{
    fixture f;
    REQUIRE(f.ledger.shelve(1, 1h, alice, at(15)));
    f.close(anomaly(1));
    auto const t = f.open(anomaly(2));
    REQUIRE(t);
    CHECK(t->action == alarm::action::suppressed);
    CHECK(t->id == 2);
    CHECK(t->suppressed_by == alarm::suppression::shelved);
    CHECK(t->at == anomaly(2).detected_at);
    CHECK(f.suppressed(2) == alarm::suppression::shelved);
    CHECK(f.record(2).raised_while == alarm::suppression::shelved);
}

TEST_CASE("an alarm of the same sensor but another parameter or kind is not shelved", "[unit]")
{
    fixture f;
    REQUIRE(f.ledger.shelve(1, 1h, alice, at(15)));
    CHECK_FALSE(f.open(anomaly(2, "wtf-pipe-1", "pressure")));
    CHECK_FALSE(f.open(anomaly(3, "wtf-pipe-1", "temperature", core::anomaly_type::drift)));
    CHECK_FALSE(f.open(anomaly(4, "wtf-pipe-2", "temperature")));
    CHECK(f.suppressed(2) == alarm::suppression::none);
    CHECK(f.suppressed(3) == alarm::suppression::none);
    CHECK(f.suppressed(4) == alarm::suppression::none);
}

TEST_CASE("an earlier episode of a shelved point is not shelved", "[unit]")
{
    fixture f{2};
    REQUIRE(f.ledger.shelve(2, 1h, alice, at(100)));
    CHECK(f.suppressed(1) == alarm::suppression::none);
    CHECK(f.suppressed(2) == alarm::suppression::shelved);
}

TEST_CASE("a timed shelf ends by itself at its end time", "[unit]")
{
    fixture f;
    REQUIRE(f.ledger.shelve(1, 10min, alice, at(100)));
    CHECK(f.ledger.advance(at(100) + 10min - 1s).empty());
    CHECK(f.suppressed(1) == alarm::suppression::shelved);
    auto const due = f.ledger.advance(at(100) + 15min);
    REQUIRE(due.size() == 1);
    CHECK(due[0].action == alarm::action::unshelved);
    CHECK(due[0].unshelved_by == alarm::unshelve_reason::expired);
    CHECK(due[0].at == at(100) + 10min); // its own end, not the tick that noticed it
    CHECK(due[0].by.empty());
    CHECK(due[0].id == 1);
    CHECK(f.suppressed(1) == alarm::suppression::none);
    CHECK(f.ledger.advance(at(100) + 20min).empty());
}

TEST_CASE("shelves that end at one tick come out oldest first", "[unit]")
{
    fixture f;
    f.open(anomaly(2, "wtf-pipe-2"));
    REQUIRE(f.ledger.shelve(2, 5min, alice, at(100)));
    REQUIRE(f.ledger.shelve(1, 3min, alice, at(100)));
    auto const due = f.ledger.advance(at(1000));
    REQUIRE(due.size() == 2);
    CHECK(due[0].id == 1);
    CHECK(due[1].id == 2);
}

TEST_CASE("a shelf until normal ends when the alarm returns to normal", "[unit]")
{
    fixture f;
    auto const r = f.ledger.shelve(1, std::nullopt, alice, at(15));
    REQUIRE(r);
    CHECK(r->change.until_normal);
    CHECK(r->change.until == at(15) + 8h);
    auto const t = f.close(anomaly(1));
    REQUIRE(t);
    CHECK(t->action == alarm::action::unshelved);
    CHECK(t->unshelved_by == alarm::unshelve_reason::returned_to_normal);
    CHECK(t->at == ended(anomaly(1)).ended_at);
    CHECK(f.suppressed(1) == alarm::suppression::none);
    CHECK(f.state(1) == alarm::alarm_state::returned_unacknowledged);
    CHECK_FALSE(f.open(anomaly(2)));
}

TEST_CASE("a shelf until normal still ends at the maximum shelving time", "[unit]")
{
    fixture f;
    REQUIRE(f.ledger.shelve(1, std::nullopt, alice, at(15)));
    auto const due = f.ledger.advance(at(15) + 8h);
    REQUIRE(due.size() == 1);
    CHECK(due[0].unshelved_by == alarm::unshelve_reason::expired);
}

TEST_CASE("shelving until normal an alarm that has ended is refused as a conflict", "[unit]")
{
    fixture f;
    f.close(anomaly(1));
    auto const r = f.ledger.shelve(1, std::nullopt, alice, at(100));
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == alarm::refusal_kind::conflict);
    CHECK(r.error().reason == "alarm 1 has returned to normal: shelve it for a duration instead");
}

TEST_CASE("a timed shelf is not ended by the alarm returning to normal", "[unit]")
{
    fixture f;
    REQUIRE(f.ledger.shelve(1, 1h, alice, at(15)));
    CHECK_FALSE(f.close(anomaly(1)));
    CHECK(f.suppressed(1) == alarm::suppression::shelved);
}

TEST_CASE("unshelving ends the shelf by the operator's hand", "[unit]")
{
    fixture f;
    REQUIRE(f.ledger.shelve(1, 1h, alice, at(15)));
    auto const r = f.ledger.unshelve(1, {"bob", "fixed"}, at(50));
    REQUIRE(r);
    CHECK(r->change.action == alarm::action::unshelved);
    CHECK(r->change.unshelved_by == alarm::unshelve_reason::operator_request);
    CHECK(r->change.by == "bob");
    CHECK(r->suppressed == alarm::suppression::none);
    CHECK(f.ledger.advance(at(15) + 2h).empty());
}

TEST_CASE("unshelving a repeat ends the shelf of its whole point", "[unit]")
{
    fixture f;
    REQUIRE(f.ledger.shelve(1, 1h, alice, at(15)));
    f.close(anomaly(1));
    f.open(anomaly(2));
    REQUIRE(f.ledger.unshelve(2, alice, at(30)));
    CHECK(f.suppressed(1) == alarm::suppression::none);
    CHECK(f.suppressed(2) == alarm::suppression::none);
    CHECK(f.record(2).raised_while == alarm::suppression::shelved);
}

TEST_CASE("unshelving an alarm that is not shelved is refused as a conflict", "[unit]")
{
    fixture f;
    auto const r = f.ledger.unshelve(1, alice, at(100));
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == alarm::refusal_kind::conflict);
    CHECK(r.error().reason == "alarm 1 is not shelved");
}

TEST_CASE("shelving more points than allowed at once is refused as a conflict", "[unit]")
{
    auto s = settings();
    s.max_shelves = 1;
    alarm::ledger l{s};
    l.observe(core::anomaly_change::opened, anomaly(1));
    l.observe(core::anomaly_change::opened, anomaly(2, "wtf-pipe-2"));
    REQUIRE(l.shelve(1, 1h, alice, at(100)));
    auto const r = l.shelve(2, 1h, alice, at(100));
    REQUIRE_FALSE(r);
    CHECK(r.error().reason ==
          "1 alarm points are shelved, the most allowed at once (alarms.max_shelves)");
}

TEST_CASE("a sensor out of service suppresses its alarms until it is back in service", "[unit]")
{
    fixture f;
    f.open(anomaly(2, "wtf-pipe-2"));
    auto const out = f.ledger.take_out_of_service("wtf-pipe-1", {"carol", "pump overhaul"}, at(50));
    REQUIRE(out);
    CHECK(out->action == alarm::action::out_of_service);
    CHECK(out->sensor_id == "wtf-pipe-1");
    CHECK(out->comment == "pump overhaul");
    CHECK(f.suppressed(1) == alarm::suppression::out_of_service);
    CHECK(f.suppressed(2) == alarm::suppression::none);
    auto const* rec = f.ledger.out_of_service("wtf-pipe-1");
    REQUIRE(rec);
    CHECK(rec->by == "carol");
    CHECK(rec->since == at(50));
    auto const back = f.ledger.return_to_service("wtf-pipe-1", {"carol", ""}, at(90));
    REQUIRE(back);
    CHECK(back->action == alarm::action::in_service);
    CHECK(f.suppressed(1) == alarm::suppression::none);
    CHECK_FALSE(f.ledger.out_of_service("wtf-pipe-1"));
}

TEST_CASE("an alarm that opens while its sensor is out of service is recorded as such", "[unit]")
{
    fixture f{0};
    REQUIRE(f.ledger.take_out_of_service("wtf-pipe-1", alice, at(0)));
    auto const t = f.open(anomaly(1));
    REQUIRE(t);
    CHECK(t->action == alarm::action::suppressed);
    CHECK(t->suppressed_by == alarm::suppression::out_of_service);
    CHECK(f.record(1).raised_while == alarm::suppression::out_of_service);
}

TEST_CASE("out of service takes precedence over shelved", "[unit]")
{
    fixture f;
    REQUIRE(f.ledger.shelve(1, 1h, alice, at(15)));
    REQUIRE(f.ledger.take_out_of_service("wtf-pipe-1", alice, at(20)));
    CHECK(f.suppressed(1) == alarm::suppression::out_of_service);
}

TEST_CASE("taking a sensor out of service twice is refused as a conflict", "[unit]")
{
    fixture f;
    REQUIRE(f.ledger.take_out_of_service("wtf-pipe-1", alice, at(0)));
    auto const r = f.ledger.take_out_of_service("wtf-pipe-1", {"bob", ""}, at(5));
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == alarm::refusal_kind::conflict);
    CHECK(r.error().reason == "sensor wtf-pipe-1 is already out of service (since "
                              "2025-05-28T00:00:00Z, by alice)");
}

TEST_CASE("returning a sensor that is in service is refused as a conflict", "[unit]")
{
    fixture f;
    auto const r = f.ledger.return_to_service("wtf-pipe-1", alice, at(0));
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == alarm::refusal_kind::conflict);
    CHECK(r.error().reason == "sensor wtf-pipe-1 is in service");
}

TEST_CASE("a sensor id that is empty, too long or holds control characters is refused", "[unit]")
{
    fixture f;
    auto const empty = f.ledger.take_out_of_service("", alice, at(0));
    REQUIRE_FALSE(empty);
    CHECK(empty.error().kind == alarm::refusal_kind::invalid);
    CHECK(empty.error().reason == "the sensor id is empty");
    auto const long_id = f.ledger.take_out_of_service(std::string(257, 's'), alice, at(0));
    REQUIRE_FALSE(long_id);
    CHECK(long_id.error().reason == "the sensor id is longer than 256 bytes");
    auto const control = f.ledger.take_out_of_service("s\r", alice, at(0));
    REQUIRE_FALSE(control);
    CHECK(control.error().reason == "the sensor id holds a control character");
}

TEST_CASE("taking more sensors out of service than allowed is refused as a conflict", "[unit]")
{
    auto s = settings();
    s.max_out_of_service = 2;
    alarm::ledger l{s};
    REQUIRE(l.take_out_of_service("a", alice, at(0)));
    REQUIRE(l.take_out_of_service("b", alice, at(0)));
    auto const r = l.take_out_of_service("c", alice, at(0));
    REQUIRE_FALSE(r);
    CHECK(r.error().reason == "2 sensors are out of service, the most allowed at once "
                              "(alarms.max_out_of_service)");
}

TEST_CASE("each alarm is counted in exactly one state", "[unit]")
{
    fixture f{6};
    REQUIRE(f.ledger.acknowledge(2, alice, at(100)));
    f.close(anomaly(3));
    REQUIRE(f.ledger.acknowledge(4, alice, at(100)));
    f.close(anomaly(4));
    f.open(anomaly(7, "wtf-pipe-2"));
    REQUIRE(f.ledger.shelve(7, 1h, alice, at(100)));
    f.open(anomaly(8, "wtf-pipe-3"));
    REQUIRE(f.ledger.take_out_of_service("wtf-pipe-3", alice, at(100)));
    auto const c = f.ledger.counts();
    CHECK(c.unacknowledged == 3); // 1, 5, 6
    CHECK(c.acknowledged == 1);   // 2
    CHECK(c.returned_unacknowledged == 1);
    CHECK(c.normal == 1);
    CHECK(c.shelved == 1);
    CHECK(c.out_of_service == 1);
    CHECK(c.active_annunciated() == 4);
}

TEST_CASE("the counts follow every change after they were last asked for", "[unit]")
{
    // counts() is kept between changes (GET /status asks on every poll): each kind of change
    // must show at once.
    fixture f{2};
    CHECK(f.ledger.counts().unacknowledged == 2);
    REQUIRE(f.ledger.acknowledge(1, alice, at(100)));
    CHECK(f.ledger.counts().acknowledged == 1);
    f.close(anomaly(2));
    CHECK(f.ledger.counts().returned_unacknowledged == 1);
    f.open(anomaly(3, "wtf-pipe-2"));
    CHECK(f.ledger.counts().unacknowledged == 1);
    REQUIRE(f.ledger.shelve(3, 1h, alice, at(100)));
    CHECK(f.ledger.counts().shelved == 1);
    REQUIRE(f.ledger.take_out_of_service("wtf-pipe-1", alice, at(100)));
    CHECK(f.ledger.counts().out_of_service == 2); // alarms 1 and 2
    REQUIRE(f.ledger.return_to_service("wtf-pipe-1", alice, at(200)));
    CHECK(f.ledger.counts().out_of_service == 0);
    f.ledger.advance(at(100) + 2h); // the shelf expires
    CHECK(f.ledger.counts().shelved == 0);
}

TEST_CASE("the ledger keeps at most its configured number of alarms, dropping the oldest", "[unit]")
{
    auto s = settings();
    s.alarms = 3;
    alarm::ledger l{s};
    for (std::uint64_t id = 1; id <= 5; ++id) l.observe(core::anomaly_change::opened, anomaly(id));
    CHECK(l.size() == 3);
    CHECK_FALSE(l.find(2));
    CHECK(l.find(3));
}

TEST_CASE("alarms that left the history can be dropped", "[unit]")
{
    fixture f{5};
    auto const before = f.ledger.version();
    f.ledger.forget_before(4);
    CHECK(f.ledger.size() == 2);
    CHECK_FALSE(f.ledger.find(3));
    CHECK(f.ledger.find(4));
    CHECK(f.ledger.version() != before);
    auto const r = f.ledger.acknowledge(3, alice, at(100));
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == alarm::refusal_kind::not_found);
}

TEST_CASE("a refused command changes nothing, not even the version", "[unit]")
{
    fixture f;
    REQUIRE(f.ledger.acknowledge(1, alice, at(100)));
    auto const before = f.ledger.version();
    CHECK_FALSE(f.ledger.acknowledge(1, alice, at(100)));
    CHECK_FALSE(f.ledger.shelve(1, 9h, alice, at(100)));
    CHECK(f.ledger.version() == before);
}

TEST_CASE("transitions are counted by action and refusals by kind", "[unit]")
{
    fixture f;
    REQUIRE(f.ledger.acknowledge(1, alice, at(100)));
    CHECK_FALSE(f.ledger.acknowledge(1, alice, at(100)));
    CHECK_FALSE(f.ledger.acknowledge(9, alice, at(100)));
    CHECK_FALSE(f.ledger.shelve(1, 9h, alice, at(100)));
    auto const& t = f.ledger.transitions();
    auto const& r = f.ledger.refusals();
    CHECK(t[static_cast<std::size_t>(alarm::action::acknowledged)] == 1);
    CHECK(r[static_cast<std::size_t>(alarm::refusal_kind::conflict)] == 1);
    CHECK(r[static_cast<std::size_t>(alarm::refusal_kind::not_found)] == 1);
    CHECK(r[static_cast<std::size_t>(alarm::refusal_kind::invalid)] == 1);
}

namespace {

// Everything a reader of the ledger sees, as text, to compare two ledgers.
std::string picture(alarm::ledger const& l, std::uint64_t last_id)
{
    std::string out;
    for (std::uint64_t id = 1; id <= last_id; ++id) {
        if (auto const* a = l.find(id)) {
            out += std::to_string(id) + ' ';
            l.append_json(out, *a);
            out += '\n';
        }
    }
    l.append_service_json(out);
    return out;
}

} // namespace

TEST_CASE("replaying the journaled transitions after the anomalies rebuilds the same state",
          "[unit]")
{
    fixture live{0};
    std::vector<alarm::transition> journal;
    std::vector<core::anomaly> history;
    auto const keep = [&](auto const& r) {
        REQUIRE(r);
        if constexpr (std::is_same_v<std::decay_t<decltype(*r)>, alarm::transition>)
            journal.push_back(*r);
        else
            journal.push_back(r->change);
    };
    auto const open = [&](core::anomaly a) {
        if (auto t = live.open(a)) journal.push_back(*t);
        history.push_back(a);
    };
    auto const close = [&](std::uint64_t id) {
        auto& a = history[id - 1];
        a = ended(a);
        if (auto t = live.ledger.observe(core::anomaly_change::closed, a)) journal.push_back(*t);
    };
    open(anomaly(1));
    keep(live.ledger.acknowledge(1, {"alice", "seen"}, at(20)));
    keep(live.ledger.shelve(1, 1h, alice, at(21)));
    close(1);
    open(anomaly(2)); // a shelved repeat
    keep(live.ledger.add_comment(2, {"bob", "again"}, at(30)));
    keep(live.ledger.take_out_of_service("wtf-pipe-2", {"carol", "maintenance"}, at(31)));
    open(anomaly(3, "wtf-pipe-2")); // opens out of service
    open(anomaly(4, "wtf-pipe-3"));
    keep(live.ledger.shelve(4, std::nullopt, alice, at(45)));
    close(4); // ends the until-normal shelf
    for (auto const& t : live.ledger.advance(at(21) + 2h)) journal.push_back(t);
    open(anomaly(5));

    // Through the journal's text, as a restart would read it.
    alarm::ledger restored{settings()};
    for (auto const& a : history) restored.track(a);
    for (auto const& t : journal) {
        std::string line, why;
        alarm::append_json(line, t);
        auto const back = alarm::decode_transition(line, why);
        REQUIRE(back);
        CHECK(restored.apply(*back));
    }
    CHECK(picture(restored, 5) == picture(live.ledger, 5));
    CHECK(restored.counts() == live.ledger.counts());
    CHECK(restored.snapshot() == live.ledger.snapshot());
}

TEST_CASE("a snapshot applied after the anomalies rebuilds the same state", "[unit]")
{
    fixture live{3};
    REQUIRE(live.ledger.acknowledge(1, {"alice", "seen"}, at(20)));
    REQUIRE(live.ledger.add_comment(1, {"bob", "note"}, at(21)));
    REQUIRE(live.ledger.shelve(2, 2h, alice, at(22)));
    REQUIRE(live.ledger.take_out_of_service("wtf-pipe-9", alice, at(23)));
    live.open(anomaly(4)); // a shelved repeat of point 2's shelf

    alarm::ledger restored{settings()};
    for (std::uint64_t id = 1; id <= 4; ++id) restored.track(anomaly(id));
    for (auto const& t : live.ledger.snapshot()) restored.apply(t);
    CHECK(picture(restored, 4) == picture(live.ledger, 4));
    CHECK(restored.advance(at(22) + 2h) == live.ledger.advance(at(22) + 2h));
}

TEST_CASE("a journaled transition for an alarm no longer tracked is skipped", "[unit]")
{
    fixture f;
    auto t = f.ledger.acknowledge(1, alice, at(100));
    REQUIRE(t);
    alarm::ledger other{settings()};
    CHECK_FALSE(other.apply(t->change));
}

TEST_CASE("an alarm's JSON shows its state, acknowledgement, shelf and comments", "[unit]")
{
    fixture f;
    REQUIRE(f.ledger.acknowledge(1, {"alice", "seen"}, at(100)));
    REQUIRE(f.ledger.shelve(1, 1h, {"bob", "noisy"}, at(110)));
    REQUIRE(f.ledger.add_comment(1, {"carol", "probe ordered"}, at(120)));
    std::string out;
    f.ledger.append_json(out, f.record(1));
    auto const o = boost::json::parse(out).as_object();
    CHECK(o.at("state").as_string() == "acknowledged");
    CHECK(o.at("suppressed").as_string() == "shelved");
    CHECK(o.at("acknowledged").at("by").as_string() == "alice");
    CHECK(o.at("acknowledged").at("at").as_string() == "2025-05-28T00:01:40Z");
    CHECK(o.at("shelf").at("alarm_id").as_int64() == 1);
    CHECK(o.at("shelf").at("until").as_string() == "2025-05-28T01:01:50Z");
    CHECK(o.at("shelf").at("until_normal").as_bool() == false);
    CHECK(o.at("out_of_service").is_null());
    CHECK(o.at("raised_while").as_string() == "none");
    REQUIRE(o.at("comments").as_array().size() == 1);
    CHECK(o.at("comments").as_array()[0].at("text").as_string() == "probe ordered");
}

TEST_CASE("an unacknowledged alarm's JSON has nulls where nothing happened", "[unit]")
{
    fixture f;
    std::string out;
    f.ledger.append_json(out, f.record(1));
    auto const o = boost::json::parse(out).as_object();
    CHECK(o.at("state").as_string() == "unacknowledged");
    CHECK(o.at("suppressed").is_null());
    CHECK(o.at("acknowledged").is_null());
    CHECK(o.at("shelf").is_null());
    CHECK(o.at("comments").as_array().empty());
}

TEST_CASE("refusal kinds map to their HTTP statuses", "[unit]")
{
    CHECK(alarm::http_status(alarm::refusal_kind::not_found) == 404);
    CHECK(alarm::http_status(alarm::refusal_kind::conflict) == 409);
    CHECK(alarm::http_status(alarm::refusal_kind::invalid) == 422);
    CHECK(alarm::http_status(alarm::refusal_kind::busy) == 503);
}
