#include <wtf/detect/detector.hpp>
#include <wtf/ingest/pipeline.hpp>
#include <wtf/store/history.hpp>

#include <catch2/catch.hpp>

#include <vector>

using namespace wtf;
using namespace std::chrono_literals;

namespace {

core::timestamp const t0 = *core::parse_rfc3339("2025-05-28T00:00:00Z");

struct fixture {
    detect::detector detector{detect::settings{}, t0};
    store::history history{store::settings{}};
    ingest::pipeline pipeline{detector, history, {300s, 2}}; // at most two sensors
    core::measurement hot{"temperature", 45.0};

    core::reading reading(std::string_view sensor, core::timestamp t) const
    {
        return {sensor, t, std::span{&hot, 1}};
    }
};

std::string detail_of(std::variant<sources::ingest_result, sources::problem> const& r)
{
    auto const* p = std::get_if<sources::problem>(&r);
    return p ? p->detail : std::string{};
}

} // namespace

TEST_CASE("a batch that would exceed max_sensors is refused whole, naming the item", "[unit]")
{
    fixture f;
    std::vector<core::reading> const batch{f.reading("a", t0), f.reading("a", t0 + 1s),
                                           f.reading("b", t0), f.reading("c", t0)};
    auto const r = f.pipeline.ingest(batch, core::source::http, t0 + 1s);
    CHECK(detail_of(r) == "item 3: sensor 'c' would exceed detect.max_sensors = 2");
    CHECK(f.detector.sensor_count() == 0);
    CHECK(f.history.anomaly_count() == 0);
    CHECK(f.pipeline.stats().rejected_batches == 1);
    CHECK_FALSE(f.pipeline.last_received());
}

TEST_CASE("known sensors do not count against max_sensors", "[unit]")
{
    fixture f;
    std::vector<core::reading> const first{f.reading("a", t0), f.reading("b", t0)};
    REQUIRE(std::holds_alternative<sources::ingest_result>(
        f.pipeline.ingest(first, core::source::http, t0)));
    std::vector<core::reading> const second{f.reading("b", t0 + 1s), f.reading("a", t0 + 1s)};
    auto const r = f.pipeline.ingest(second, core::source::http, t0 + 1s);
    REQUIRE(std::holds_alternative<sources::ingest_result>(r));
    CHECK(std::get<sources::ingest_result>(r).accepted == 2);
}

TEST_CASE("a reading beyond the clock skew refuses its batch and applies nothing", "[unit]")
{
    fixture f;
    std::vector<core::reading> const batch{f.reading("a", t0), f.reading("b", t0 + 301s)};
    auto const r = f.pipeline.ingest(batch, core::source::http, t0);
    CHECK(detail_of(r) ==
          "item 1: field 'timestamp' is 301 s in the future (api.max_clock_skew_s = 300)");
    CHECK(f.detector.sensor_count() == 0);
}

TEST_CASE("an accepted batch feeds the detector, the history and the counters", "[unit]")
{
    fixture f;
    std::vector<core::reading> const batch{f.reading("a", t0), f.reading("a", t0)};
    auto const r = f.pipeline.ingest(batch, core::source::generator, t0 + 1s);
    REQUIRE(std::holds_alternative<sources::ingest_result>(r));
    CHECK(std::get<sources::ingest_result>(r).accepted == 1);
    CHECK(std::get<sources::ingest_result>(r).stale == 1);
    CHECK(f.history.anomaly_count() == 1); // 45.0 °C is a spike
    CHECK(f.pipeline.stats().accepted_by_source[0] == 1);
    CHECK(f.pipeline.last_received() == t0 + 1s);
}

TEST_CASE("newest_reading is the data time of the newest accepted reading", "[unit]")
{
    fixture f;
    CHECK_FALSE(f.pipeline.newest_reading());
    std::vector<core::reading> const batch{f.reading("a", t0 + 5s), f.reading("b", t0 + 2s)};
    REQUIRE(std::holds_alternative<sources::ingest_result>(
        f.pipeline.ingest(batch, core::source::http, t0 + 60s)));
    CHECK(f.pipeline.newest_reading() == t0 + 5s);
    std::vector<core::reading> const older{f.reading("b", t0 + 3s)};
    REQUIRE(std::holds_alternative<sources::ingest_result>(
        f.pipeline.ingest(older, core::source::http, t0 + 61s)));
    CHECK(f.pipeline.newest_reading() == t0 + 5s);
}
