#include "cli/detail/replayer.hpp"

#include <wtf/store/history.hpp>

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

using namespace wtf;
using namespace std::chrono_literals;

namespace {

core::timestamp const t0 = core::parse_rfc3339("2025-05-28T00:00:00Z").value();

// The replayer with everything it borrows, writing JSON Lines to a temporary file.
struct bench {
    store::history history{store::settings{}};
    summarize::summarizer notes{{}, {}, {}, history, nullptr, t0};
    std::FILE* lines_file = std::tmpfile();
    std::FILE* problems_file = std::tmpfile();
    cli::detail::anomaly_lines lines{lines_file};
    cli::detail::problem_log problems{problems_file};
    cli::detail::replayer replay;

    explicit bench(detect::settings s) : replay{std::move(s), notes, &lines, problems} {}
    ~bench()
    {
        std::fclose(lines_file);
        std::fclose(problems_file);
    }

    void feed(double seconds, std::string_view sensor, double temperature)
    {
        core::measurement const m{"temperature", temperature};
        replay.on_reading(
            {sensor,
             t0 + std::chrono::duration_cast<std::chrono::microseconds>(core::seconds_f{seconds}),
             std::span{&m, 1}});
    }

    static std::string contents(std::FILE* f)
    {
        std::fflush(f);
        std::rewind(f);
        std::string out;
        char buf[4096];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
        return out;
    }
};

} // namespace

TEST_CASE("replay writes each episode once, when it ends, and the open ones at the end",
          "[unit][cli]")
{
    detect::settings s;
    s.dropout_gap_auto = true;
    bench b{s};
    for (int i = 0; i < 100; ++i) {
        b.feed(2.0 * i, "a", i == 10 ? 45.2 : 22.0);
        if (i < 90) b.feed(2.0 * i, "b", 22.0); // b stops at 178 s; the data ends at 198 s
    }
    b.replay.finish();
    REQUIRE(b.lines.finish());

    auto const& c = b.replay.counts();
    CHECK(c.readings == 190);
    CHECK(c.opened_by_type == decltype(c.opened_by_type){1, 0, 1}); // spike, drift, dropout
    CHECK(c.still_open == 1);
    CHECK(c.first == t0);
    CHECK(c.last == t0 + 198s);

    auto const text = bench::contents(b.lines_file);
    auto const newline = text.find('\n');
    REQUIRE(newline != std::string::npos);
    auto const spike = text.substr(0, newline);
    auto const dropout = text.substr(newline + 1);
    CHECK_THAT(spike, Catch::Contains(R"("type":"spike")"));
    CHECK_THAT(spike, Catch::Contains(R"("ended_at":"2025-05-28T00:00:22Z")"));
    CHECK_THAT(
        dropout,
        Catch::Contains(R"("type":"dropout","timestamp":"2025-05-28T00:03:08Z","sensor_id":"b")"));
    // Open at the end: no end time, and how long it had lasted when the data ended.
    CHECK_THAT(dropout, Catch::Contains(R"("duration_seconds":20.0)"));
    CHECK_THAT(dropout, Catch::Contains(R"("ended_at":null)"));
    CHECK(std::count(text.begin(), text.end(), '\n') == 2);

    auto const batch = b.notes.take_batch(t0 + 198s);
    CHECK(batch.anomalies.size() == 2);
}

TEST_CASE("replay counts readings not newer than their sensor's last, and names the first",
          "[unit][cli]")
{
    bench b{detect::settings{}};
    b.feed(10.0, "a", 22.0);
    b.feed(5.0, "a", 22.0);
    b.feed(10.0, "a", 22.0);
    b.feed(11.0, "a", 22.0);
    CHECK(b.replay.counts().readings == 2);
    CHECK(b.replay.counts().stale == 2);
    CHECK(b.replay.counts().first_stale == "sensor a at 2025-05-28T00:00:05Z");
}

TEST_CASE("replay prints the first bad rows of each source and counts the rest", "[unit][cli]")
{
    bench b{detect::settings{}};
    for (std::size_t line = 2; line < 2 + 25; ++line)
        b.replay.on_problem({"x.csv", line, "column 'flow': not a number: 'abc'"});
    b.replay.on_problem({"y.csv", 3, "bad"});
    b.problems.print_remainder();
    auto const text = bench::contents(b.problems_file);
    CHECK(b.replay.counts().problems == 26);
    CHECK_THAT(text,
               Catch::StartsWith(
                   "wtfd analyze: x.csv:2: column 'flow': not a number: 'abc' (row skipped)\n"));
    CHECK_THAT(text, Catch::Contains("x.csv:21: "));
    CHECK_THAT(text, !Catch::Contains("x.csv:22: "));
    CHECK_THAT(text, Catch::Contains("wtfd analyze: y.csv:3: bad (row skipped)\n"));
    CHECK_THAT(text, Catch::EndsWith("wtfd analyze: ... and 5 more bad rows in x.csv\n"));
}
