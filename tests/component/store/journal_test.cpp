// The journal on a real io_context, writing real files in a temporary directory.

#include <wtf/alarm/transition.hpp>
#include <wtf/core/anomaly.hpp>
#include <wtf/store/history.hpp>
#include <wtf/store/journal.hpp>

#include "support/anomaly_builder.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using namespace wtf;
namespace asio = boost::asio;
namespace fs = std::filesystem;

constexpr auto test_timeout = 10s; // a deadlock detector, never a wait
core::timestamp const t0 = core::parse_rfc3339("2025-05-28T00:00:00Z").value();

// A fresh directory under the system's temporary directory, removed afterwards.
struct temp_dir {
    fs::path path;
    temp_dir()
    {
        static int counter = 0;
        path = fs::temp_directory_path() / ("wtfd-journal-test-" + std::to_string(::getpid()) +
                                            "-" + std::to_string(++counter));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    temp_dir(temp_dir const&) = delete;
    temp_dir& operator=(temp_dir const&) = delete;
    ~temp_dir()
    {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

// Runs the io_context until `done` holds; false after test_timeout.
bool run_until(asio::io_context& ioc, std::function<bool()> const& done)
{
    auto const guard = asio::make_work_guard(ioc);
    auto const deadline = std::chrono::steady_clock::now() + test_timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        ioc.restart();
        ioc.run_for(2ms);
    }
    return true;
}

// A history with a journal observing it, in its own state directory.
struct rig {
    temp_dir tmp;
    store::settings settings;
    asio::io_context ioc;
    std::optional<store::history> history;
    store::subscription on_change; // of `history`: declared after it, so they end first
    store::subscription on_summary;
    std::optional<core::timestamp> newest;
    std::unique_ptr<store::journal> journal;
    asio::cancellation_signal stop_signal;
    bool running = false;
    std::exception_ptr failure;

    explicit rig(std::size_t anomalies = 100, std::size_t summaries = 10)
    {
        settings.state_dir = (tmp.path / "state").string();
        settings.anomaly_history = anomalies;
        settings.summary_history = summaries;
        settings.fsync_interval = 20ms;
        reset_history();
    }
    rig(rig const&) = delete;
    rig& operator=(rig const&) = delete;
    ~rig() { journal.reset(); }

    void reset_history()
    {
        journal.reset();
        on_change.reset();
        on_summary.reset();
        history.emplace(settings);
        on_change = history->subscribe(
            [this](core::anomaly_change c, core::anomaly const& a, std::string_view json) {
                if (journal) journal->record(c, a, json);
            });
        on_summary = history->subscribe_summaries([this](store::summary const& s) {
            if (journal) journal->record(s);
        });
    }

    store::journal& open()
    {
        journal = std::make_unique<store::journal>(ioc.get_executor(), settings, *history,
                                                   [this] { return newest; });
        journal->start();
        return *journal;
    }

    // Spawns journal->run(), as main.cpp does.
    void run()
    {
        running = true;
        auto const done = [this](std::exception_ptr e) {
            running = false;
            failure = e;
        };
        asio::co_spawn(ioc, journal->run(), asio::bind_cancellation_slot(stop_signal.slot(), done));
    }

    // Terminal cancellation, as at SIGTERM; waits for run() to end.
    void stop()
    {
        stop_signal.emit(asio::cancellation_type::terminal);
        REQUIRE(run_until(ioc, [this] { return !running; }));
        if (failure) std::rethrow_exception(failure);
    }

    // The daemon's start-up: load, close open episodes, restore, rewrite.
    store::restored_state restart()
    {
        journal.reset();
        auto state = store::load_journal(settings);
        for (auto& a : state.anomalies)
            if (a.active()) a = store::close_at_restart(std::move(a), state.last_reading);
        reset_history();
        history->restore(state.anomalies, state.summaries);
        open();
        return state;
    }

    store::journal_status const& status() const { return journal->status(); }
    fs::path file() const { return fs::path{settings.state_dir} / "journal.jsonl"; }
};

core::anomaly spike(std::uint64_t id, double value = 0.0)
{
    return test::anomaly_builder{id}
        .sensor("wtf-pipe-" + std::to_string(id % 4))
        .value(value != 0.0 ? value : 40.0 + static_cast<double>(id))
        .limits(core::band{10.0, 35.0})
        .at(t0 + std::chrono::seconds{id});
}

core::anomaly closed(core::anomaly a) { return test::anomaly_builder{a}.ended(a.detected_at + 5s); }

store::summary summary_of(std::string text, std::size_t count = 1)
{
    store::summary s;
    s.text = std::move(text);
    s.created_at = t0 + 60s;
    s.window_start = t0;
    s.window_end = t0 + 60s;
    s.anomaly_count = count;
    return s;
}

std::vector<std::string> lines_of(fs::path const& path)
{
    std::vector<std::string> out;
    std::ifstream in{path};
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

std::vector<std::uint64_t> ids(std::vector<core::anomaly> const& anomalies)
{
    std::vector<std::uint64_t> out;
    for (auto const& a : anomalies) out.push_back(a.id);
    return out;
}

std::string json_of(core::anomaly const& a)
{
    std::string out;
    core::append_json(out, a);
    return out;
}

// What GET /anomalies would serve, by id.
std::map<std::uint64_t, std::string> stored(store::history const& h)
{
    std::map<std::uint64_t, std::string> out;
    h.for_each_anomaly([&out](core::anomaly const& a, std::string_view json) {
        out.emplace(a.id, std::string{json});
    });
    return out;
}

std::map<std::uint64_t, std::string> loaded(store::restored_state const& state)
{
    std::map<std::uint64_t, std::string> out;
    for (auto const& a : state.anomalies) out.emplace(a.id, json_of(a));
    return out;
}

} // namespace

TEST_CASE("recorded anomalies and summaries are restored in their newest state",
          "[component][journal]")
{
    rig r;
    auto& j = r.open();
    CHECK(j.status().enabled);
    CHECK(j.status().healthy);
    CHECK(j.status().message == "Journal writing");
    CHECK(j.status().path == r.file().string());

    r.history->record(core::anomaly_change::opened, spike(1));
    r.history->record(core::anomaly_change::opened, spike(2));
    auto higher = spike(1);
    higher.peak_value = 52.5;
    r.history->record(core::anomaly_change::updated, higher);
    r.history->record(core::anomaly_change::closed, closed(spike(2)));
    r.history->add_summary(summary_of("first"));
    r.history->add_summary(summary_of("second", 2));
    CHECK(j.status().events_written == 6);
    r.journal.reset();

    auto const lines = lines_of(r.file());
    REQUIRE(lines.size() == 7);
    CHECK(lines[0].find(R"({"journal":"wtfd","version":1,"created_at":")") == 0);
    CHECK(lines[1].find(R"({"change":"opened","anomaly":{"id":1,)") == 0);

    auto const state = store::load_journal(r.settings);
    CHECK(state.lines == 7);
    CHECK(state.skipped == 0);
    CHECK(state.max_id == 2);
    REQUIRE(ids(state.anomalies) == std::vector<std::uint64_t>{1, 2});
    CHECK(state.anomalies[0].peak_value == 52.5);
    CHECK(state.anomalies[0].active());
    CHECK_FALSE(state.anomalies[1].active());
    CHECK(loaded(state) == stored(*r.history));
    REQUIRE(state.summaries.size() == 2);
    CHECK(state.summaries[0].text == "first");
    CHECK(state.summaries[1].text == "second");
    CHECK(state.summaries[1].anomaly_count == 2);
    CHECK_FALSE(state.last_reading);
}

TEST_CASE("a restart closes open episodes and rewrites the journal compactly",
          "[component][journal]")
{
    rig r;
    r.open();
    r.history->record(core::anomaly_change::opened, spike(1));
    r.history->record(core::anomaly_change::opened, spike(2));
    r.history->record(core::anomaly_change::closed, closed(spike(2)));
    r.history->add_summary(summary_of("one"));

    auto const first = r.restart();
    CHECK(first.anomalies.size() == 2);
    REQUIRE(r.history->find(1));
    CHECK(r.history->find(1)->closed_at_restart);
    CHECK(r.status().compactions == 0); // start()'s rewrite is not counted
    // header, two anomalies, one summary
    CHECK(lines_of(r.file()).size() == 4);

    r.journal.reset();
    auto const again = store::load_journal(r.settings);
    CHECK(again.skipped == 0);
    REQUIRE(again.anomalies.size() == 2);
    CHECK(again.anomalies[0].closed_at_restart);
    CHECK(again.anomalies[0].ended_at == t0 + 1s); // no mark: it ends where it was detected
    CHECK(again.summaries.size() == 1);
    CHECK(loaded(again) == stored(*r.history));
}

TEST_CASE("a torn last line and corrupt lines are skipped and the rest loads",
          "[component][journal]")
{
    rig r;
    fs::create_directories(r.settings.state_dir);
    {
        std::ofstream out{r.file(), std::ios::binary};
        out << R"({"journal":"wtfd","version":1,"created_at":"2025-05-28T00:00:00Z"})" << '\n';
        out << R"({"change":"opened","anomaly":)" << json_of(spike(1)) << "}\n";
        out << "{not json at all\n";
        out << R"({"colour":"blue"})" << '\n';
        out << R"({"change":"opened","anomaly":{"id":7,"type":"spike"}})" << '\n';
        out << R"({"summary":{"text":"ok","created_at":"2025-05-28T00:01:00Z",)"
            << R"("window_start":"2025-05-28T00:00:00Z","window_end":"2025-05-28T00:01:00Z"}})"
            << '\n';
        out << R"({"change":"opened","anomaly":)" << json_of(spike(2)) << "}\n";
        out << R"({"mark":{"last_reading":"2025-05-28T00:05:00Z"}})" << '\n';
        out << R"({"change":"closed","anomaly":{"id":2,"type":"spike","timest)";
    }
    auto const state = store::load_journal(r.settings);
    CHECK(state.lines == 9);
    CHECK(state.skipped == 4);
    CHECK(ids(state.anomalies) == std::vector<std::uint64_t>{1, 2});
    CHECK(state.anomalies[1].active()); // the torn close did not count
    CHECK(state.max_id == 2);
    CHECK(state.summaries.size() == 1);
    CHECK(state.last_reading == t0 + 5min);
}

TEST_CASE("a tampered duration of 1e30 is skipped and absurd values restore safely",
          "[component][journal]")
{
    // Issue 11: building the message of an anomaly with duration_seconds 1e30 over-read the
    // stack at start-up.
    rig r;
    fs::create_directories(r.settings.state_dir);
    auto absurd = spike(1, 1e300);
    auto tampered = closed(spike(2));
    tampered.duration_seconds = 5.0;
    auto tampered_json = json_of(tampered);
    auto const at = tampered_json.find(R"("duration_seconds":5.0)");
    REQUIRE(at != std::string::npos);
    tampered_json.replace(at, 22, R"("duration_seconds":1e30)");
    {
        std::ofstream out{r.file(), std::ios::binary};
        out << R"({"journal":"wtfd","version":1,"created_at":"2025-05-28T00:00:00Z"})" << '\n';
        out << R"({"change":"opened","anomaly":)" << json_of(absurd) << "}\n";
        out << R"({"change":"opened","anomaly":)" << json_of(spike(2)) << "}\n";
        out << R"({"change":"closed","anomaly":)" << tampered_json << "}\n";
    }
    auto const state = r.restart();
    CHECK(state.skipped == 1);
    REQUIRE(ids(state.anomalies) == std::vector<std::uint64_t>{1, 2});
    CHECK(state.anomalies[0].value == 1e300);
    auto const served = stored(*r.history);
    CHECK(served.at(1).find(R"("value":1e+300,)") != std::string::npos);
    CHECK(served.at(1).find(R"("message":"Temperature spike detected: 1e+300")") !=
          std::string::npos);
    CHECK(served.at(2).find("1e30") == std::string::npos);
}

TEST_CASE("a restore keeps the newest anomalies and summaries and the highest id of all",
          "[component][journal]")
{
    rig r{100, 10};
    r.open();
    for (std::uint64_t id = 1; id <= 10; ++id)
        r.history->record(core::anomaly_change::opened, spike(id));
    for (int i = 1; i <= 5; ++i) r.history->add_summary(summary_of("s" + std::to_string(i)));
    r.journal.reset();

    auto small = r.settings;
    small.anomaly_history = 3;
    small.summary_history = 2;
    auto const state = store::load_journal(small);
    CHECK(ids(state.anomalies) == std::vector<std::uint64_t>{8, 9, 10});
    CHECK(state.max_id == 10);
    REQUIRE(state.summaries.size() == 2);
    CHECK(state.summaries[0].text == "s4");
    CHECK(state.summaries[1].text == "s5");
}

TEST_CASE("a missing state directory loads as an empty history", "[component][journal]")
{
    rig r;
    auto const state = store::load_journal(r.settings);
    CHECK(state.anomalies.empty());
    CHECK(state.summaries.empty());
    CHECK(state.lines == 0);
}

TEST_CASE("a journal path that is a directory loads as an empty history", "[component][journal]")
{
    rig r;
    fs::create_directories(r.file());
    auto const state = store::load_journal(r.settings);
    CHECK(state.anomalies.empty());
    CHECK(state.lines == 0);
}

TEST_CASE("marks record the newest reading while an episode is open, and only then",
          "[component][journal]")
{
    rig r;
    auto& j = r.open();
    r.newest = t0 + 30s;
    r.run();
    r.history->record(core::anomaly_change::opened, spike(1));
    REQUIRE(run_until(r.ioc, [&j] { return j.status().events_written == 2; }));
    r.newest = t0 + 40s;
    REQUIRE(run_until(r.ioc, [&j] { return j.status().events_written == 3; }));

    // Idle: the episode closed, readings go on, nothing is written.
    r.history->record(core::anomaly_change::closed, closed(spike(1)));
    r.newest = t0 + 50s;
    r.ioc.restart();
    r.ioc.run_for(6 * r.settings.fsync_interval);
    CHECK(j.status().events_written == 4);
    r.stop();
    CHECK(j.status().events_written == 4);
    CHECK(j.status().last_sync);
    r.journal.reset();

    auto const state = store::load_journal(r.settings);
    CHECK(state.last_reading == t0 + 40s);
    CHECK(state.skipped == 0);
}

TEST_CASE("an episode open at the stop ends at the last reading marked", "[component][journal]")
{
    rig r;
    auto& j = r.open();
    r.run();
    r.history->record(core::anomaly_change::opened, spike(1));
    r.newest = t0 + 75s;
    REQUIRE(run_until(r.ioc, [&j] { return j.status().events_written == 2; }));
    r.stop();

    auto const state = r.restart();
    CHECK(state.last_reading == t0 + 75s);
    auto const* a = r.history->find(1);
    REQUIRE(a);
    CHECK(a->ended_at == t0 + 75s);
    CHECK(a->duration_seconds == 74.0);
    CHECK(a->closed_at_restart);
}

TEST_CASE("compaction keeps the file bounded and the state intact", "[component][journal]")
{
    rig r{5, 2};
    auto& j = r.open();
    r.run();
    for (std::uint64_t id = 1; id <= 2100; ++id) {
        r.history->record(core::anomaly_change::opened, spike(id));
        r.history->record(core::anomaly_change::closed, closed(spike(id)));
    }
    r.history->add_summary(summary_of("last"));
    CHECK(lines_of(r.file()).size() > 4096);
    REQUIRE(run_until(r.ioc, [&j] { return j.status().compactions == 1; }));
    CHECK(j.status().healthy);

    // header, 5 anomalies, 1 summary
    CHECK(lines_of(r.file()).size() == 7);
    r.history->record(core::anomaly_change::opened, spike(2101));
    r.stop();
    CHECK(lines_of(r.file()).size() == 8);
    r.journal.reset();

    auto const state = store::load_journal(r.settings);
    CHECK(state.skipped == 0);
    CHECK(ids(state.anomalies) == std::vector<std::uint64_t>{2097, 2098, 2099, 2100, 2101});
    CHECK(loaded(state) == stored(*r.history));
    CHECK(state.max_id == 2101);
    REQUIRE(state.summaries.size() == 1);
    CHECK(state.summaries[0].text == "last");
}

namespace {

// Records about 23 events every millisecond, so some land while a rewrite is in flight.
asio::awaitable<void> produce(store::history& history, std::uint64_t count)
{
    asio::steady_timer timer{co_await asio::this_coro::executor};
    for (std::uint64_t id = 1; id <= count; ++id) {
        history.record(core::anomaly_change::opened, spike(id));
        history.record(core::anomaly_change::updated, spike(id, 60.0));
        if (id % 3 == 0) history.record(core::anomaly_change::closed, closed(spike(id, 60.0)));
        if (id % 10 == 0) {
            timer.expires_after(1ms);
            co_await timer.async_wait(asio::use_awaitable);
        }
    }
}

} // namespace

TEST_CASE("events recorded while the file is rewritten are kept in order", "[component][journal]")
{
    rig r{20, 2};
    auto& j = r.open();
    r.run();
    bool produced = false;
    asio::co_spawn(r.ioc, produce(*r.history, 6000), [&produced](std::exception_ptr e) {
        produced = true;
        if (e) std::rethrow_exception(e);
    });
    REQUIRE(run_until(r.ioc, [&produced] { return produced; }));
    r.stop();
    CHECK(j.status().compactions >= 2);
    CHECK(j.status().healthy);
    CHECK(j.status().events_lost == 0);
    CHECK(lines_of(r.file()).size() <= 4096 + 1000); // what came after the last tick's check
    r.journal.reset();

    auto const state = store::load_journal(r.settings);
    CHECK(state.skipped == 0);
    CHECK(state.max_id == 6000);
    CHECK(loaded(state) == stored(*r.history));
}

TEST_CASE("an unwritable state directory makes the journal unhealthy until it is fixed",
          "[component][journal]")
{
    rig r;
    auto const blocker = r.tmp.path / "blocker";
    std::ofstream{blocker} << "a regular file where a directory should be\n";
    r.settings.state_dir = (blocker / "state").string();
    r.reset_history();

    auto& j = r.open();
    CHECK_FALSE(j.status().healthy);
    CHECK(j.status().message == "Journal error: Not a directory");
    auto const version = j.version();
    r.history->record(core::anomaly_change::opened, spike(1));
    CHECK(j.status().pending_bytes > 0);
    CHECK(j.version() > version);
    CHECK(j.status().events_written == 0);

    r.run();
    r.ioc.restart();
    r.ioc.run_for(3 * r.settings.fsync_interval); // retries fail without throwing
    CHECK_FALSE(j.status().healthy);
    CHECK(store::load_journal(r.settings).anomalies.empty());

    fs::remove(blocker);
    REQUIRE(run_until(r.ioc, [&j] { return j.status().healthy; }));
    CHECK(j.status().message == "Journal writing");
    CHECK(j.status().pending_bytes == 0);
    r.history->record(core::anomaly_change::opened, spike(2));
    r.stop();
    r.journal.reset();
    CHECK(ids(store::load_journal(r.settings).anomalies) == std::vector<std::uint64_t>{1, 2});
}

TEST_CASE("a failed rewrite is retried at the next tick and the held events are kept",
          "[component][journal]")
{
    rig r;
    // A directory where the temporary file goes: the rewrite cannot create it.
    auto const tmp = r.file().string() + ".tmp";
    fs::create_directories(tmp);
    std::ofstream{fs::path{tmp} / "keep"} << "x";

    auto& j = r.open();
    CHECK_FALSE(j.status().healthy);
    CHECK(j.status().message == "Journal error: Is a directory");
    r.history->record(core::anomaly_change::opened, spike(1));
    r.history->add_summary(summary_of("held"));
    CHECK(j.status().pending_bytes > 0);

    r.run();
    fs::remove_all(tmp);
    REQUIRE(run_until(r.ioc, [&j] { return j.status().healthy; }));
    CHECK(j.status().pending_bytes == 0);
    r.stop();
    r.journal.reset();
    auto const state = store::load_journal(r.settings);
    CHECK(ids(state.anomalies) == std::vector<std::uint64_t>{1});
    CHECK(state.summaries.size() == 1);
    CHECK(state.skipped == 0);
}

TEST_CASE("a journal on a full disk reports it and holds events for retry, within a bound",
          "[component][journal]")
{
    if (!fs::exists("/dev/full")) return; // not Linux
    rig r;
    fs::create_directories(r.settings.state_dir);
    fs::create_symlink("/dev/full", r.file());

    auto& j = r.open();
    CHECK(j.status().healthy); // opened; nothing written yet
    r.history->record(core::anomaly_change::opened, spike(1));
    CHECK_FALSE(j.status().healthy);
    CHECK(j.status().message == "Journal error: No space left on device");
    CHECK(j.status().pending_bytes > 0);
    CHECK(j.status().events_written == 0);

    r.run();
    r.ioc.restart();
    r.ioc.run_for(3 * r.settings.fsync_interval); // retries fail without throwing
    CHECK_FALSE(j.status().healthy);

    // Over 8 MiB held: the oldest lines go, and are counted.
    std::string const text(64 * 1024, 'x');
    for (int i = 0; i < 140; ++i) r.history->add_summary(summary_of(text));
    CHECK(j.status().events_lost > 0);
    CHECK(j.status().pending_bytes <= std::size_t{8} << 20);
    CHECK(j.status().pending_bytes > std::size_t{7} << 20);
    r.stop();
    r.journal.reset(); // the last write fails too, without throwing

    CHECK(store::load_journal(r.settings).anomalies.empty()); // a device is not read
}

TEST_CASE("durability always fdatasyncs after each event without waiting for a tick",
          "[component][journal]")
{
    rig r;
    r.settings.fsync = store::durability::always;
    r.settings.fsync_interval = 1h;
    r.reset_history();
    auto& j = r.open();
    auto const before = j.status().last_sync;
    REQUIRE(before); // the rewrite at start was synced
    r.history->record(core::anomaly_change::opened, spike(1));
    r.history->record(core::anomaly_change::closed, closed(spike(1)));
    REQUIRE(run_until(r.ioc, [&j, before] { return j.status().last_sync != before; }));
    CHECK(j.status().healthy);
}

TEST_CASE("durability interval fdatasyncs at the next tick, not at each event",
          "[component][journal]")
{
    rig r;
    auto& j = r.open();
    auto const before = j.status().last_sync;
    r.history->record(core::anomaly_change::opened, spike(1));
    r.ioc.restart();
    r.ioc.run_for(3 * r.settings.fsync_interval); // run() not spawned: no tick
    CHECK(j.status().last_sync == before);
    r.run();
    REQUIRE(run_until(r.ioc, [&j, before] { return j.status().last_sync != before; }));
    r.stop();
}

TEST_CASE("a disabled journal writes nothing and run() returns at once", "[component][journal]")
{
    rig r;
    r.settings.journal = false;
    r.reset_history();
    auto& j = r.open();
    r.history->record(core::anomaly_change::opened, spike(1));
    CHECK_FALSE(j.status().enabled);
    CHECK(j.status().message == "Journal disabled");
    r.run();
    REQUIRE(run_until(r.ioc, [&r] { return !r.running; }));
    CHECK_FALSE(fs::exists(r.settings.state_dir));
}

namespace {

alarm::transition ack_of(std::uint64_t id, std::string by)
{
    alarm::transition t;
    t.action = alarm::action::acknowledged;
    t.id = id;
    t.sensor_id = "wtf-pipe-" + std::to_string(id % 4);
    t.parameter = "temperature";
    t.at = t0 + std::chrono::seconds{100 + id};
    t.by = std::move(by);
    t.comment = "seen";
    return t;
}

} // namespace

TEST_CASE("alarm transitions are journaled as they happen and restored in order",
          "[component][journal]")
{
    rig r;
    auto& j = r.open();
    r.run();
    r.history->record(core::anomaly_change::opened, spike(1));
    j.record(ack_of(1, "alice"));
    alarm::transition oos;
    oos.action = alarm::action::out_of_service;
    oos.sensor_id = "wtf-pipe-2";
    oos.at = t0 + 200s;
    oos.by = "bob";
    j.record(oos);
    // Written at once, like every event: a SIGKILL now loses nothing.
    auto const lines = lines_of(r.file());
    REQUIRE(lines.size() >= 3);
    CHECK(lines[lines.size() - 2].starts_with(R"({"alarm":"acknowledged","id":1,)"));
    CHECK(lines.back().starts_with(R"({"alarm":"out_of_service",)"));
    r.stop();
    r.journal.reset();

    auto const state = store::load_journal(r.settings);
    CHECK(state.skipped == 0);
    REQUIRE(state.transitions.size() == 2);
    CHECK(state.transitions[0] == ack_of(1, "alice"));
    CHECK(state.transitions[1] == oos);
}

TEST_CASE("a rewrite keeps the alarm state the snapshot gives, and only that",
          "[component][journal]")
{
    rig r{5, 2};
    std::vector<alarm::transition> today{ack_of(2100, "carol")};
    r.journal = std::make_unique<store::journal>(
        r.ioc.get_executor(), r.settings, *r.history, [&r] { return r.newest; },
        [&today] { return today; });
    r.journal->start();
    auto& j = *r.journal;
    r.run();
    for (std::uint64_t id = 1; id <= 2100; ++id) {
        r.history->record(core::anomaly_change::opened, spike(id));
        j.record(ack_of(id, "dave"));
        r.history->record(core::anomaly_change::closed, closed(spike(id)));
    }
    REQUIRE(run_until(r.ioc, [&j] { return j.status().compactions == 1; }));
    r.stop();
    r.journal.reset();

    auto const state = store::load_journal(r.settings);
    CHECK(state.skipped == 0);
    REQUIRE(state.transitions.size() == 1);
    CHECK(state.transitions[0] == ack_of(2100, "carol"));
}

TEST_CASE("a corrupt alarm line is skipped with the rest of the journal loading",
          "[component][journal]")
{
    rig r;
    auto& j = r.open();
    r.history->record(core::anomaly_change::opened, spike(1));
    j.record(ack_of(1, "erin"));
    r.journal.reset();
    {
        std::ofstream out{r.file(), std::ios::app};
        out << R"({"alarm":"acknowledged","id":"one"})" << '\n';
        out << R"({"alarm":"teleported","id":1})" << '\n';
    }
    auto const state = store::load_journal(r.settings);
    CHECK(state.skipped == 2);
    CHECK(state.transitions.size() == 1);
    CHECK(ids(state.anomalies) == std::vector<std::uint64_t>{1});
}
