#include "app/alarm_desk.hpp"

#include <wtf/app/application.hpp>
#include <wtf/daemon/task_group.hpp>
#include <wtf/ingest/pipeline.hpp>
#include <wtf/log/log.hpp>
#include <wtf/store/history.hpp>

#include "support/temp_dir.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using namespace wtf;

namespace {

constexpr auto test_timeout = 10s;

// The daemon without HTTP clients: no generator, no LLM, a journal in its own directory, the API
// on a free loopback port.
config::daemon_config quiet_config(test::temp_dir const& dir)
{
    config::daemon_config c;
    c.generator.enabled = false;
    c.llm.enabled = false;
    c.api.listen_port = 0;
    c.storage.state_dir = dir.path();
    c.storage.fsync_interval = 20ms;
    c.summary.interval = 100ms;
    return c;
}

void feed(app::application& daemon, std::string_view sensor, double temperature)
{
    core::measurement const m{"temperature", temperature};
    core::reading const r{sensor, core::now(), std::span{&m, 1}};
    auto const result = daemon.pipeline().ingest(std::span{&r, 1}, core::source::http, core::now());
    REQUIRE(std::holds_alternative<ingest::ingest_result>(result));
}

// Runs the loop until `done` holds or the test times out.
template <class Done>
bool run_until(asio::io_context& ioc, Done done)
{
    auto const deadline = std::chrono::steady_clock::now() + test_timeout;
    while (!done() && std::chrono::steady_clock::now() < deadline) ioc.run_for(5ms);
    return done();
}

std::size_t journal_lines(test::temp_dir const& dir)
{
    std::ifstream in{dir.file("journal.jsonl")};
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
}

} // namespace

TEST_CASE("the application runs its components without HTTP and stops stage by stage",
          "[component][app]")
{
    log::init(log::level::error, false);
    test::temp_dir dir{"wtf-app"};
    asio::io_context ioc;
    auto const cfg = quiet_config(dir);
    app::application daemon{ioc, cfg, [cfg] { return cfg; }, "test"};
    daemon.start();
    CHECK(daemon.port() != 0);
    CHECK(daemon.tasks().running() >= 5); // notifier, api, generator, ticker, summarizer, journal

    feed(daemon, "wtf-pipe-1", 45.2); // a spike
    CHECK(daemon.history().total_anomalies() == 1);
    // The summarizer and the journal, on their own schedules, record it.
    REQUIRE(run_until(ioc, [&] { return daemon.history().summary_count() == 1; }));
    REQUIRE(run_until(ioc, [&] { return journal_lines(dir) >= 3; })); // header, anomaly, summary

    daemon.stop();
    REQUIRE(run_until(ioc, [&] { return daemon.tasks().running() == 0; }));
    CHECK(daemon.exit_code() == 0);
}

TEST_CASE("a reload offers every component its section and keeps state", "[component][app]")
{
    log::init(log::level::error, false);
    test::temp_dir dir{"wtf-app"};
    asio::io_context ioc;
    auto cfg = quiet_config(dir);
    auto next = cfg;
    bool refuse = false;
    auto reread = [&]() -> std::variant<config::daemon_config, std::vector<std::string>> {
        if (refuse) return std::vector<std::string>{"wtfd.toml:1: colour: unknown key"};
        return next;
    };
    app::application daemon{ioc, cfg, reread, "test"};
    daemon.start();

    feed(daemon, "wtf-pipe-1", 38.0); // inside the default spike band (5-40)
    CHECK(daemon.history().total_anomalies() == 0);

    next.detect.parameters[0].spike.high = 30.0; // temperature
    daemon.reload();
    feed(daemon, "wtf-pipe-1", 32.0);
    CHECK(daemon.history().total_anomalies() == 1);

    refuse = true; // an invalid file changes nothing
    daemon.reload();
    feed(daemon, "wtf-pipe-2", 33.0);
    CHECK(daemon.history().total_anomalies() == 2);

    daemon.stop();
    REQUIRE(run_until(ioc, [&] { return daemon.tasks().running() == 0; }));
}

TEST_CASE("the journal restores the history into the next application", "[component][app]")
{
    log::init(log::level::error, false);
    test::temp_dir dir{"wtf-app"};
    auto const cfg = quiet_config(dir);
    {
        asio::io_context ioc;
        app::application daemon{ioc, cfg, [cfg] { return cfg; }, "test"};
        daemon.start();
        feed(daemon, "wtf-pipe-1", 45.2);
        daemon.stop();
        REQUIRE(run_until(ioc, [&] { return daemon.tasks().running() == 0; }));
    }
    asio::io_context ioc;
    app::application again{ioc, cfg, [cfg] { return cfg; }, "test"};
    CHECK(again.history().total_anomalies() == 1);
    CHECK(again.history().active_anomalies() == 0); // closed as of the stop
}

namespace {

std::string alarm_of(app::application& daemon, std::uint64_t id)
{
    auto const json = daemon.history().json_of(id);
    REQUIRE_FALSE(json.empty());
    return std::string{json.substr(json.find("\"alarm\":"))};
}

} // namespace

TEST_CASE("acknowledgements, shelves and sensors out of service survive a restart",
          "[component][app][alarm]")
{
    log::init(log::level::error, false);
    test::temp_dir dir{"wtf-app"};
    auto const cfg = quiet_config(dir);
    std::string acked, shelved, out_of_service;
    {
        asio::io_context ioc;
        // Not started: the loop never runs, so nothing but the journal's own writes can have
        // kept the state.
        app::application daemon{ioc, cfg, [cfg] { return cfg; }, "test"};
        feed(daemon, "wtf-pipe-1", 45.2); // 1
        feed(daemon, "wtf-pipe-2", 46.0); // 2
        feed(daemon, "wtf-pipe-3", 47.0); // 3
        auto& ledger = daemon.alarms().services().ledger;
        auto const now = core::now();
        auto ack = ledger.acknowledge(1, {"alice", "pump 2"}, now);
        REQUIRE(ack.has_value());
        daemon.alarms().record(ack->change);
        auto shelf = ledger.shelve(2, std::chrono::hours{1}, {"bob", "backwash"}, now);
        REQUIRE(shelf.has_value());
        daemon.alarms().record(shelf->change);
        auto oos = ledger.take_out_of_service("wtf-pipe-3", {"carol", "probe"}, now);
        REQUIRE(oos.has_value());
        daemon.alarms().record(*oos);
        acked = alarm_of(daemon, 1);
        shelved = alarm_of(daemon, 2);
        out_of_service = alarm_of(daemon, 3);
    }
    asio::io_context ioc;
    app::application again{ioc, cfg, [cfg] { return cfg; }, "test"};
    // The episodes ended at the restart; the operator's state is as it was.
    auto const& ledger = again.alarms().ledger();
    REQUIRE(ledger.find(1));
    REQUIRE(ledger.find(1)->ack);
    CHECK(ledger.find(1)->ack->by == "alice");
    CHECK(ledger.state_of(*ledger.find(1)) == alarm::alarm_state::normal);
    CHECK(ledger.suppression_of(*ledger.find(2)) == alarm::suppression::shelved);
    CHECK(ledger.out_of_service("wtf-pipe-3"));
    CHECK(alarm_of(again, 2).find("\"shelf\":{\"alarm_id\":2,\"by\":\"bob\"") != std::string::npos);
    CHECK(alarm_of(again, 3).find("\"out_of_service\":{\"by\":\"carol\"") != std::string::npos);
    CHECK(out_of_service.find("\"suppressed\":\"out_of_service\"") != std::string::npos);
    CHECK(acked.find("\"state\":\"acknowledged\"") != std::string::npos);
    CHECK(shelved.find("\"suppressed\":\"shelved\"") != std::string::npos);
}

TEST_CASE("summaries leave out shelved alarms", "[component][app][alarm]")
{
    log::init(log::level::error, false);
    test::temp_dir dir{"wtf-app"};
    auto const cfg = quiet_config(dir);
    asio::io_context ioc;
    app::application daemon{ioc, cfg, [cfg] { return cfg; }, "test"};
    daemon.start();
    feed(daemon, "wtf-pipe-1", 45.2); // 1
    auto& ledger = daemon.alarms().services().ledger;
    auto shelf = ledger.shelve(1, std::chrono::hours{1}, {"bob", ""}, core::now());
    REQUIRE(shelf.has_value());
    daemon.alarms().record(shelf->change);
    REQUIRE(run_until(ioc, [&] { return daemon.history().summary_count() == 1; }));
    // Its repeat is shelved from the start: no summary describes it.
    feed(daemon, "wtf-pipe-1", 22.0);
    feed(daemon, "wtf-pipe-1", 45.0); // 2, shelved
    feed(daemon, "wtf-pipe-2", 45.0); // 3
    REQUIRE(run_until(ioc, [&] { return daemon.history().summary_count() == 2; }));
    std::size_t described = 0;
    daemon.history().for_each_summary(
        [&](store::summary const& s) { described = s.anomaly_count; });
    CHECK(described == 1);
    daemon.stop();
    REQUIRE(run_until(ioc, [&] { return daemon.tasks().running() == 0; }));
}
