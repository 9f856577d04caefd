// Rows per second of sources::read_csv on the generator's CSV layout, and the process's peak RSS.
//   wtf_bench_csv [ROWS [FILE]]   ROWS (default 5000000) rows are written to FILE (default a
//                                 temporary file, removed afterwards), then read three times.
//   wtf_bench_csv --read FILE     times an existing file instead.

#include <wtf/sources/csv_source.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>
#include <variant>

#include <sys/resource.h>
#include <unistd.h>

namespace {

struct counting_sink final : wtf::sources::row_sink {
    std::uint64_t readings = 0;
    std::uint64_t values = 0;
    double sum = 0.0; // keeps the parsing from being optimised away
    void on_reading(wtf::core::reading const& r) override
    {
        ++readings;
        values += r.values.size();
        for (auto const& m : r.values) sum += m.value;
    }
    void on_problem(wtf::sources::row_problem const& p) override
    {
        std::fprintf(stderr, "%s\n", to_string(p).c_str());
    }
};

// 2025-05-28T00:00:00Z onwards, three sensors per second, values like the generator's.
bool write_rows(std::string const& path, long rows)
{
    std::FILE* out = std::fopen(path.c_str(), "w");
    if (out == nullptr) return false;
    std::fputs("timestamp,sensor_id,temperature,pressure,flow\n", out);
    for (long i = 0; i < rows; ++i) {
        std::time_t const t = 1748390400 + i / 3;
        std::tm tm{};
        ::gmtime_r(&t, &tm);
        std::fprintf(out, "%04d-%02d-%02dT%02d:%02d:%02dZ,wtf-pipe-%ld,%.1f,%.2f,%.1f\n",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     i % 3 + 1, 20.0 + static_cast<double>(i % 97) / 10,
                     2.0 + static_cast<double>(i % 13) / 100,
                     50.0 + static_cast<double>(i % 51) / 10);
    }
    return std::fclose(out) == 0;
}

} // namespace

int main(int argc, char** argv)
{
    std::string path;
    long rows = 5'000'000;
    bool temporary = false;
    if (argc == 3 && std::string_view{argv[1]} == "--read") {
        path = argv[2];
    } else {
        if (argc > 1) rows = std::atol(argv[1]);
        if (argc > 2) {
            path = argv[2];
        } else {
            path = "/tmp/wtf_bench_csv_" + std::to_string(::getpid()) + ".csv";
            temporary = true;
        }
        if (!write_rows(path, rows)) {
            std::fprintf(stderr, "cannot write %s\n", path.c_str());
            return 1;
        }
    }

    int status = 0;
    for (int run = 0; run < 3; ++run) {
        counting_sink sink;
        auto const start = std::chrono::steady_clock::now();
        auto const result = wtf::sources::read_csv(path, {}, sink);
        auto const seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (auto const* f = std::get_if<wtf::sources::csv_failure>(&result)) {
            std::fprintf(stderr, "%s\n", f->message.c_str());
            status = 1;
            break;
        }
        auto const& s = std::get<wtf::sources::csv_summary>(result);
        std::printf("run %d: %llu rows (%llu readings, %llu rejected, format %s) in %.3f s: "
                    "%.2f M rows/s, %.0f ns/row (checksum %.1f)\n",
                    run + 1, static_cast<unsigned long long>(s.rows),
                    static_cast<unsigned long long>(s.readings),
                    static_cast<unsigned long long>(s.rejected),
                    std::string{to_string(s.layout.format)}.c_str(), seconds,
                    static_cast<double>(s.rows) / seconds / 1e6,
                    seconds * 1e9 / static_cast<double>(s.rows), sink.sum);
    }
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    std::printf("peak RSS: %.1f MiB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
    if (temporary) std::remove(path.c_str());
    return status;
}
