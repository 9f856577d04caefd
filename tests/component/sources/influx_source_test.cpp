// read_influx against a real influxd (Debian's InfluxDB 1.6) on a free loopback port: points are
// written over the HTTP API with line protocol, then read back through the chunked query API.
// 10 s is a deadlock guard, never a wait.
#include <wtf/sources/influx_source.hpp>

#include "support/influx_server.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "support/reading_recorder.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

// GCC 12 at -O2 (the asan preset) inlines Asio's awaitable frame allocation into the test
// coroutines and then pairs the frame's class operator delete with the aligned_alloc underneath
// its operator new: a false positive, GCC PR 109224
// (https://gcc.gnu.org/bugzilla/show_bug.cgi?id=109224).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

using namespace wtf;
namespace asio = boost::asio;
using namespace std::chrono_literals;
using outcome = std::variant<sources::influx_summary, std::string>;

namespace {

constexpr auto test_timeout = 10s;           // a deadlock detector, never a wait
constexpr std::int64_t t0_s = 1'700'000'000; // 2023-11-14T22:13:20Z
constexpr std::int64_t us_per_s = 1'000'000;

using recorder = test::reading_recorder;
using values = std::vector<std::pair<std::string, double>>;

// One influxd for the whole run (each start takes a second or two); each test its database.
test::influx_server& shared_server()
{
    static test::influx_server server;
    return server;
}

void create_database(test::influx_server const& server, std::string const& db,
                     std::string const& user = {}, std::string const& password = {})
{
    auto const r = server.query("CREATE DATABASE \"" + db + "\"", user, password);
    REQUIRE(r.status == 200);
    REQUIRE(r.body.find("error") == std::string::npos);
}

void write_points(test::influx_server const& server, std::string const& db,
                  std::string const& lines, std::string const& user = {},
                  std::string const& password = {})
{
    auto const r = server.write(db, lines, "s", user, password);
    INFO(r.body);
    REQUIRE(r.status == 204);
}

sources::influx_options options_for(std::string url, std::string db, std::string query)
{
    sources::influx_options o;
    o.url = std::move(url);
    o.database = std::move(db);
    o.query = std::move(query);
    o.connect_timeout = 2s;
    o.timeout = 8s;
    return o;
}

asio::awaitable<void> read_into(sources::influx_options o, sources::row_sink& sink,
                                std::optional<outcome>& out)
{
    out = co_await sources::read_influx(o, sink);
}

// One read_influx on a fresh io_context; `cancel_after` emits terminal cancellation.
outcome read(sources::influx_options const& o, recorder& sink,
             std::optional<std::chrono::milliseconds> cancel_after = std::nullopt)
{
    asio::io_context ioc;
    std::optional<outcome> out;
    asio::cancellation_signal signal;
    auto const done = [&ioc](std::exception_ptr e) {
        ioc.stop();
        if (e) std::rethrow_exception(e);
    };
    asio::co_spawn(ioc, read_into(o, sink, out), asio::bind_cancellation_slot(signal.slot(), done));
    asio::steady_timer canceller{ioc};
    if (cancel_after) {
        canceller.expires_after(*cancel_after);
        canceller.async_wait([&signal](boost::system::error_code const& ec) {
            if (!ec) signal.emit(asio::cancellation_type::terminal);
        });
    }
    ioc.run_for(test_timeout);
    REQUIRE(out.has_value());
    return std::move(*out);
}

sources::influx_summary summary_of(outcome o)
{
    if (auto const* e = std::get_if<std::string>(&o)) FAIL("read_influx failed: " << *e);
    return std::get<sources::influx_summary>(std::move(o));
}

std::string error_of(outcome const& o)
{
    if (auto const* e = std::get_if<std::string>(&o)) return *e;
    FAIL("read_influx succeeded where it should have failed");
    return {};
}

// A loopback port with nothing listening on it.
std::uint16_t closed_port()
{
    asio::io_context ioc;
    asio::ip::tcp::acceptor a{ioc, {asio::ip::make_address_v4("127.0.0.1"), 0}};
    auto const port = a.local_endpoint().port();
    a.close();
    return port;
}

std::string const water_points =
    "water,sensor_id=pipe-1,site=north temperature=20.5,pressure=3,status=\"ok\" 1700000000\n"
    "water,sensor_id=pipe-1,site=north temperature=21.25 1700000001\n"
    "water,sensor_id=pipe-2,site=north pressure=4.5,valve=true 1700000002\n";

} // namespace

TEST_CASE("Each series' readings carry its sensor tag and its numeric fields",
          "[component][replay]")
{
    auto& server = shared_server();
    create_database(server, "tagged");
    write_points(server, "tagged", water_points);

    recorder sink;
    auto const s = summary_of(
        read(options_for(server.url(), "tagged", "SELECT * FROM water GROUP BY *"), sink));

    REQUIRE(sink.readings.size() == 3);
    CHECK(sink.readings[0].sensor == "pipe-1");
    CHECK(sink.readings[0].time_us() == t0_s * us_per_s);
    CHECK(sink.readings[0].values == values{{"pressure", 3.0}, {"temperature", 20.5}});
    CHECK(sink.readings[1].sensor == "pipe-1");
    CHECK(sink.readings[1].time_us() == (t0_s + 1) * us_per_s);
    CHECK(sink.readings[1].values == values{{"temperature", 21.25}}); // null pressure skipped
    CHECK(sink.readings[2].sensor == "pipe-2");
    CHECK(sink.readings[2].time_us() == (t0_s + 2) * us_per_s);
    CHECK(sink.readings[2].values == values{{"pressure", 4.5}}); // the boolean is no parameter
    CHECK(sink.problems.empty());

    CHECK(s.points == 3);
    CHECK(s.readings == 3);
    CHECK(s.rejected == 0);
    CHECK(s.series == 2);
    CHECK(s.parameters == std::vector<std::string>{"pressure", "temperature"});
    CHECK(s.sensors == std::vector<std::string>{"pipe-1", "pipe-2"});
    REQUIRE(s.first.has_value());
    REQUIRE(s.last.has_value());
    CHECK(core::format_rfc3339(*s.first) == "2023-11-14T22:13:20Z");
    CHECK(core::format_rfc3339(*s.last) == "2023-11-14T22:13:22Z");
}

TEST_CASE("Without GROUP BY the sensor tag comes as a column and names each row",
          "[component][replay]")
{
    auto& server = shared_server();
    create_database(server, "ungrouped");
    write_points(server, "ungrouped", water_points);

    recorder sink;
    auto const s =
        summary_of(read(options_for(server.url(), "ungrouped", "SELECT * FROM water"), sink));

    REQUIRE(sink.readings.size() == 3);
    CHECK(sink.readings[0].sensor == "pipe-1");
    CHECK(sink.readings[1].sensor == "pipe-1");
    CHECK(sink.readings[2].sensor == "pipe-2");
    CHECK(sink.readings[2].values == values{{"pressure", 4.5}}); // "site" is text: ignored
    CHECK(s.series == 1);
    CHECK(s.sensors == std::vector<std::string>{"pipe-1", "pipe-2"});
}

TEST_CASE("Series without the sensor tag are named by their tags or their measurement",
          "[component][replay]")
{
    auto& server = shared_server();
    create_database(server, "untagged");
    write_points(server, "untagged",
                 "tank,site=a,zone=1 level=1.5 1700000000\n"
                 "flow value=2 1700000001\n");

    recorder sink;
    auto options = options_for(server.url(), "untagged", "SELECT * FROM flow, tank GROUP BY *");
    auto const s = summary_of(read(options, sink));
    REQUIRE(sink.readings.size() == 2);
    CHECK(sink.readings[0].sensor == "flow");
    CHECK(sink.readings[0].values == values{{"value", 2.0}});
    CHECK(sink.readings[1].sensor == "site=a,zone=1");
    CHECK(sink.readings[1].values == values{{"level", 1.5}});
    CHECK(s.series == 2);
}

TEST_CASE("Column rules rename and ignore fields", "[component][replay]")
{
    auto& server = shared_server();
    create_database(server, "renamed");
    write_points(server, "renamed", water_points);

    auto options = options_for(server.url(), "renamed", "SELECT * FROM water GROUP BY *");
    options.columns.rename = {{"temperature", "temp_c"}};
    options.columns.ignore = {"pressure"};
    recorder sink;
    auto const s = summary_of(read(options, sink));

    // pipe-2's only number is the ignored pressure: its row has no numeric value left.
    REQUIRE(sink.readings.size() == 2);
    CHECK(sink.readings[0].values == values{{"temp_c", 20.5}});
    CHECK(sink.readings[1].values == values{{"temp_c", 21.25}});
    CHECK(s.parameters == std::vector<std::string>{"temp_c"});
    CHECK(s.rejected == 1);
    REQUIRE(sink.problems.size() == 1);
    CHECK(sink.problems[0].source == "influx");
    CHECK(sink.problems[0].message ==
          "series water,sensor_id=pipe-2,site=north at 2023-11-14T22:13:22Z: no numeric value");
}

TEST_CASE("A result of many chunks arrives whole and in order", "[component][replay]")
{
    auto& server = shared_server();
    create_database(server, "chunked");
    constexpr int n = 2500;
    std::string lines;
    for (int i = 0; i < n; ++i)
        lines += "level,sensor_id=tank-" + std::to_string(i % 2) + " v=" + std::to_string(i) + " " +
                 std::to_string(t0_s + i) + "\n";
    write_points(server, "chunked", lines);

    auto options = options_for(server.url(), "chunked", "SELECT v FROM level");
    options.chunk_size = 100;
    recorder sink;
    auto const s = summary_of(read(options, sink));

    REQUIRE(sink.readings.size() == n);
    for (int i = 0; i < n; ++i) {
        auto const& r = sink.readings[static_cast<std::size_t>(i)];
        INFO("point " << i);
        REQUIRE(r.time_us() == (t0_s + i) * us_per_s);
        REQUIRE(r.values == values{{"v", static_cast<double>(i)}});
        REQUIRE(r.sensor == "level"); // SELECT v has no sensor column: the measurement
    }
    CHECK(s.points == n);
    CHECK(s.readings == n);
    CHECK(s.series == 1); // 25 chunks of one series

    // Grouped, each sensor's series spans chunks too.
    auto grouped = options_for(server.url(), "chunked", "SELECT v FROM level GROUP BY sensor_id");
    grouped.chunk_size = 100;
    recorder by_sensor;
    auto const g = summary_of(read(grouped, by_sensor));
    REQUIRE(by_sensor.readings.size() == n);
    for (int i = 0; i < n; ++i) {
        auto const& r = by_sensor.readings[static_cast<std::size_t>(i)];
        auto const k = i < n / 2 ? 2 * i : 2 * (i - n / 2) + 1; // tank-0's points, then tank-1's
        INFO("point " << i);
        REQUIRE(r.sensor == (i < n / 2 ? "tank-0" : "tank-1"));
        REQUIRE(r.time_us() == (t0_s + k) * us_per_s);
    }
    CHECK(g.series == 2);
    CHECK(g.sensors == std::vector<std::string>{"tank-0", "tank-1"});
}

TEST_CASE("Authentication: no or wrong credentials fail with HTTP 401, right ones read",
          "[component][replay]")
{
    test::influx_server server{true};
    auto const created =
        server.query("CREATE USER \"admin\" WITH PASSWORD 's3cret:pw' WITH ALL PRIVILEGES");
    REQUIRE(created.status == 200);
    create_database(server, "secure", "admin", "s3cret:pw");
    write_points(server, "secure", water_points, "admin", "s3cret:pw");

    auto options = options_for(server.url(), "secure", "SELECT * FROM water GROUP BY *");
    recorder none;
    auto const anonymous = error_of(read(options, none));
    CHECK(anonymous.rfind("influx: HTTP 401: ", 0) == 0);

    options.username = "admin";
    options.password = "wrong";
    recorder wrong;
    auto const refused = error_of(read(options, wrong));
    CHECK(refused == "influx: HTTP 401: authorization failed");
    CHECK(wrong.readings.empty());

    options.password = "s3cret:pw";
    recorder right;
    auto const s = summary_of(read(options, right));
    CHECK(s.readings == 3);
    CHECK(right.readings.size() == 3);
}

TEST_CASE("A query InfluxDB cannot parse fails with its message", "[component][replay]")
{
    auto& server = shared_server();
    create_database(server, "errors");
    recorder sink;
    auto const e = error_of(read(options_for(server.url(), "errors", "SELEC * FROM water"), sink));
    CHECK(e.rfind("influx: HTTP 400: error parsing query: found SELEC", 0) == 0);
}

TEST_CASE("A database that does not exist fails with InfluxDB's message", "[component][replay]")
{
    auto& server = shared_server();
    recorder sink;
    auto const e =
        error_of(read(options_for(server.url(), "no_such_db", "SELECT * FROM water"), sink));
    CHECK(e == "influx: database not found: no_such_db");
}

TEST_CASE("A query that selects nothing gives an empty summary", "[component][replay]")
{
    auto& server = shared_server();
    create_database(server, "empty");
    recorder sink;
    auto const s =
        summary_of(read(options_for(server.url(), "empty", "SELECT * FROM water"), sink));
    CHECK(s.points == 0);
    CHECK(s.series == 0);
    CHECK(sink.readings.empty());
}

TEST_CASE("A port nothing listens on fails with a connection error", "[component][replay]")
{
    auto const port = closed_port();
    recorder sink;
    auto const e = error_of(read(
        options_for("http://127.0.0.1:" + std::to_string(port), "db", "SELECT * FROM m"), sink));
    CHECK(e.rfind("influx: cannot connect to 127.0.0.1:" + std::to_string(port) + ": ", 0) == 0);
}

TEST_CASE("An https URL is refused with advice", "[component][replay]")
{
    recorder sink;
    auto const e =
        error_of(read(options_for("https://influx.example:8086", "db", "SELECT 1"), sink));
    CHECK(e == "influx: https is not supported for InfluxDB; use an SSH tunnel or a local http "
               "listener");
}

TEST_CASE("A malformed URL, or one holding credentials, is refused", "[component][replay]")
{
    recorder sink;
    CHECK(
        error_of(read(options_for("http//nowhere", "db", "SELECT 1"), sink)).rfind("influx: ", 0) ==
        0);
    auto const e =
        error_of(read(options_for("http://u:secret@127.0.0.1:8086", "db", "SELECT 1"), sink));
    CHECK(e.find("secret") == std::string::npos);
    CHECK(e.rfind("influx: the URL must not hold credentials", 0) == 0);
}

TEST_CASE("A server that never answers times out, and cancellation ends the read",
          "[component][replay]")
{
    // Accepts connections and never answers.
    asio::io_context listener_ctx;
    asio::ip::tcp::acceptor acceptor{listener_ctx, {asio::ip::make_address_v4("127.0.0.1"), 0}};
    auto const url = "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port());

    auto options = options_for(url, "db", "SELECT * FROM m");
    options.timeout = 300ms;
    recorder sink;
    auto const started = std::chrono::steady_clock::now();
    auto const timed_out = error_of(read(options, sink));
    CHECK(timed_out == "influx: the query did not finish within 300 ms");
    CHECK(std::chrono::steady_clock::now() - started < 3s);

    options.timeout = 8s;
    auto const cancelled = error_of(read(options, sink, 200ms));
    CHECK(cancelled == "influx: cancelled");
}
