#include <wtf/alarm/events.hpp>

#include "support/alarm_tests.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

using namespace wtf;

namespace {

std::string event(std::uint64_t id, std::string_view name, std::string_view data)
{
    std::string out;
    alarm::append_event(out, id, name, data);
    return out;
}

alarm::stream_settings buffer(std::size_t events, std::size_t bytes = 1 << 20,
                              std::size_t streams = 10)
{
    alarm::stream_settings s;
    s.buffer_events = events;
    s.buffer_bytes = bytes;
    s.max_streams = streams;
    return s;
}

alarm::stream open(alarm::event_hub& hub, std::optional<std::uint64_t> last = {},
                   alarm::event_filter filter = {})
{
    auto s = hub.open(last, std::move(filter));
    REQUIRE(s);
    return std::move(*s);
}

// Every frame the stream has for now, as text.
std::vector<std::string> drain(alarm::stream& s)
{
    std::vector<std::string> frames;
    while (auto f = s.next()) frames.push_back(*f);
    return frames;
}

std::vector<std::string> frames(std::vector<std::uint64_t> const& ids,
                                std::string_view name = "alarm")
{
    std::vector<std::string> out;
    for (auto id : ids) out.push_back(event(id, name, "{\"n\":" + std::to_string(id) + "}"));
    return out;
}

void publish(alarm::event_hub& hub, int count, std::string_view name = "alarm")
{
    for (int i = 0; i < count; ++i) {
        auto const id = hub.newest_id() + 1;
        hub.publish(name, "{\"n\":" + std::to_string(id) + "}");
    }
}

} // namespace

TEST_CASE("an event is framed with its id, name and data", "[unit]")
{
    CHECK(event(7, "alarm", R"({"id":3})") == "id: 7\nevent: alarm\ndata: {\"id\":3}\n\n");
}

TEST_CASE("data with line breaks becomes one data line per line", "[unit]")
{
    CHECK(event(1, "summary", "one\ntwo\r\nthree\rfour") ==
          "id: 1\nevent: summary\ndata: one\ndata: two\ndata: three\ndata: four\n\n");
}

TEST_CASE("data ending with a line break keeps it as an empty last line", "[unit]")
{
    CHECK(event(1, "x", "a\n") == "id: 1\nevent: x\ndata: a\ndata: \n\n");
}

TEST_CASE("empty data still sends a data line so that the client dispatches it", "[unit]")
{
    CHECK(event(1, "ping", "") == "id: 1\nevent: ping\ndata: \n\n");
}

TEST_CASE("an event without a name has no event line", "[unit]")
{
    CHECK(event(2, "", "x") == "id: 2\ndata: x\n\n");
}

TEST_CASE("a line break in an event name cannot end its field", "[unit]")
{
    CHECK(event(3, "al\r\narm", "x") == "id: 3\nevent: alarm\ndata: x\n\n");
}

TEST_CASE("a heartbeat is a comment line on one line", "[unit]")
{
    std::string out;
    alarm::append_comment(out, "heartbeat");
    CHECK(out == ": heartbeat\n\n");
    out.clear();
    alarm::append_comment(out, "two\nlines");
    CHECK(out == ": two lines\n\n");
}

TEST_CASE("Last-Event-ID parses as decimal digits only", "[unit]")
{
    CHECK(alarm::parse_event_id("42") == 42u);
    CHECK(alarm::parse_event_id("18446744073709551615") == ~std::uint64_t{0});
    CHECK_FALSE(alarm::parse_event_id(""));
    CHECK_FALSE(alarm::parse_event_id("18446744073709551616"));
    CHECK_FALSE(alarm::parse_event_id("-1"));
    CHECK_FALSE(alarm::parse_event_id("7 "));
    CHECK_FALSE(alarm::parse_event_id("abc"));
}

TEST_CASE("a stream receives the events published after it opened, in order", "[unit]")
{
    alarm::event_hub hub{buffer(16)};
    publish(hub, 2);
    auto s = open(hub);
    publish(hub, 3);
    CHECK(drain(s) == frames({3, 4, 5}));
    CHECK(drain(s).empty());
}

TEST_CASE("ids start where the hub was told to start", "[unit]")
{
    alarm::event_hub hub{buffer(16), 1000};
    auto s = open(hub);
    CHECK(hub.publish("alarm", "{\"n\":1000}") == 1000);
    CHECK(drain(s) == frames({1000}));
}

TEST_CASE("every stream shares the one framed copy of an event", "[unit]")
{
    alarm::event_hub hub{buffer(16)};
    auto a = open(hub);
    auto b = open(hub);
    publish(hub, 1);
    auto const fa = a.next();
    auto const fb = b.next();
    REQUIRE(fa);
    CHECK(fa == fb);
}

TEST_CASE("a waiting stream is woken once when an event arrives", "[unit]")
{
    alarm::event_hub hub{buffer(16)};
    auto s = open(hub);
    int wakes = 0;
    s.on_ready([&] { ++wakes; });
    CHECK_FALSE(s.next());
    publish(hub, 3);
    CHECK(wakes == 1); // woken on the first; the rest wait for it to read
    CHECK(drain(s).size() == 3);
    publish(hub, 1);
    CHECK(wakes == 2);
}

TEST_CASE("resuming with Last-Event-ID gives exactly the events missed", "[unit]")
{
    alarm::event_hub hub{buffer(16)};
    publish(hub, 5);
    auto s = open(hub, 2);
    CHECK(drain(s) == frames({3, 4, 5}));
    CHECK(hub.stats().resumed == 1);
    CHECK(hub.stats().lost == 0);
}

TEST_CASE("resuming from the newest event gives nothing until the next", "[unit]")
{
    alarm::event_hub hub{buffer(16)};
    publish(hub, 5);
    auto s = open(hub, 5);
    CHECK(drain(s).empty());
    publish(hub, 1);
    CHECK(drain(s) == frames({6}));
}

TEST_CASE("resuming from before the buffer says what was lost, then sends what is kept", "[unit]")
{
    alarm::event_hub hub{buffer(3)};
    publish(hub, 6); // 4, 5, 6 kept
    auto s = open(hub, 1);
    auto const got = drain(s);
    REQUIRE(got.size() == 4);
    CHECK(got[0] == "event: lost\ndata: {\"last_event_id\":1,\"oldest_id\":4}\n\n");
    CHECK(std::vector<std::string>(got.begin() + 1, got.end()) == frames({4, 5, 6}));
    CHECK(hub.stats().lost == 1);
}

TEST_CASE("resuming from the event just before the buffer loses nothing", "[unit]")
{
    alarm::event_hub hub{buffer(3)};
    publish(hub, 6);
    auto s = open(hub, 3);
    CHECK(drain(s) == frames({4, 5, 6}));
    CHECK(hub.stats().lost == 0);
}

TEST_CASE("resuming with an id the hub never gave is treated as lost", "[unit]")
{
    alarm::event_hub hub{buffer(8), 100};
    publish(hub, 2);
    auto s = open(hub, 5000);
    auto const got = drain(s);
    REQUIRE(got.size() == 3);
    CHECK(got[0] == "event: lost\ndata: {\"last_event_id\":5000,\"oldest_id\":100}\n\n");
}

TEST_CASE("resuming an empty hub from an earlier run is lost with no oldest event", "[unit]")
{
    alarm::event_hub hub{buffer(8), 100};
    auto s = open(hub, 42);
    CHECK(drain(s) == std::vector<std::string>{
                          "event: lost\ndata: {\"last_event_id\":42,\"oldest_id\":null}\n\n"});
}

TEST_CASE("a stream that falls behind the buffer is cut while a fast one keeps up", "[unit]")
{
    alarm::event_hub hub{buffer(4)};
    auto slow = open(hub);
    auto fast = open(hub);
    int slow_wakes = 0;
    slow.on_ready([&] { ++slow_wakes; });
    std::size_t fast_got = 0;
    for (int i = 0; i < 10; ++i) {
        publish(hub, 1);
        fast_got += drain(fast).size();
    }
    CHECK(fast_got == 10);
    CHECK_FALSE(fast.cut());
    CHECK(slow.cut());
    CHECK_FALSE(slow.next());
    CHECK(slow_wakes == 2); // the first event, then the cut
    CHECK(hub.stats().cut == 1);
}

TEST_CASE("a stream that reads a frame holds it while the buffer moves on", "[unit]")
{
    alarm::event_hub hub{buffer(2)};
    auto s = open(hub);
    publish(hub, 1);
    auto const frame = s.next();
    publish(hub, 5);
    REQUIRE(frame);
    CHECK(*frame == frames({1})[0]);
}

TEST_CASE("the buffer holds no more than its events and bytes", "[unit]")
{
    auto const one = event(1, "alarm", "{\"n\":1}").size();
    alarm::event_hub hub{buffer(100, 3 * one + one / 2)};
    publish(hub, 9);
    auto const stats = hub.stats();
    CHECK(stats.buffered_events == 3);
    CHECK(stats.buffered_bytes <= 3 * one + one / 2);
    CHECK(stats.published == 9);
}

TEST_CASE("a filter passes over the events a stream does not want", "[unit]")
{
    alarm::event_hub hub{buffer(16)};
    auto s = open(hub, std::nullopt, [](std::string_view name, std::string_view tag) {
        return name != "reading" || tag == "wtf-pipe-2";
    });
    hub.publish("reading", "{\"n\":1}", "wtf-pipe-1");
    hub.publish("reading", "{\"n\":2}", "wtf-pipe-2");
    hub.publish("alarm", "{\"n\":3}");
    auto const got = drain(s);
    REQUIRE(got.size() == 2);
    CHECK(got[0] == event(2, "reading", "{\"n\":2}"));
    CHECK(got[1] == event(3, "alarm", "{\"n\":3}"));
}

TEST_CASE("a stream that wants none of the events is never cut for them", "[unit]")
{
    alarm::event_hub hub{buffer(4)};
    auto s = open(hub, std::nullopt,
                  [](std::string_view name, std::string_view) { return name == "alarm"; });
    int wakes = 0;
    s.on_ready([&] { ++wakes; });
    for (int i = 0; i < 50; ++i) hub.publish("reading", "{}", "wtf-pipe-1");
    CHECK_FALSE(s.cut());
    CHECK(wakes == 0);
    publish(hub, 1, "alarm");
    CHECK(wakes == 1);
    CHECK(drain(s).size() == 1);
}

TEST_CASE("streams beyond the limit are refused until one closes", "[unit]")
{
    alarm::event_hub hub{buffer(8, 1 << 20, 2)};
    auto a = open(hub);
    {
        auto b = open(hub);
        auto const refused = hub.open(std::nullopt);
        REQUIRE_FALSE(refused);
        CHECK(refused.error().kind == alarm::refusal_kind::busy);
        CHECK(alarm::http_status(refused.error().kind) == 503);
        CHECK(refused.error().reason ==
              "2 event streams are open, the most allowed (events.max_streams)");
        CHECK(hub.stats().streams == 2);
    }
    CHECK(hub.stats().streams == 1);
    CHECK(hub.open(std::nullopt));
    CHECK(hub.stats().refused == 1);
}

TEST_CASE("a stream moved to another handle stays one open stream", "[unit]")
{
    alarm::event_hub hub{buffer(8)};
    auto a = open(hub);
    auto b = std::move(a);
    CHECK(hub.stats().streams == 1);
    publish(hub, 1);
    CHECK(drain(b).size() == 1);
}

TEST_CASE("a stream left open after its hub is gone does nothing harmful", "[unit]")
{
    std::optional<alarm::stream> s;
    {
        alarm::event_hub hub{buffer(8)};
        s.emplace(open(hub));
    }
    CHECK(s->cut());
    CHECK_FALSE(s->next());
}
