#include "detect/detail/mv_detector.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <new>
#include <random>
#include <vector>

// Counts heap allocations, for the test that scoring allocates nothing. The replacement is
// global to the test binary and only counts; AddressSanitizer has its own operator new, which
// cannot be replaced beside it, so under ASan that one test is not built.
#if !defined(__SANITIZE_ADDRESS__)
#define WTF_COUNT_ALLOCATIONS 1
namespace {
long allocations = 0;
}

void* operator new(std::size_t n)
{
    ++allocations;
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc{};
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif

namespace {

using namespace wtf::detect::detail;

constexpr std::int64_t second = 1'000'000;

// A common slow signal drives flow (down) and pressure (up), as when a valve moves;
// temperature is independent.
struct plant {
    std::mt19937_64 rng{7};
    std::normal_distribution<double> n{0.0, 1.0};
    double s = 0.0;

    std::vector<double> next(double flow_offset = 0.0, double pressure_offset = 0.0,
                             double common_offset = 0.0)
    {
        s = 0.7 * s + 0.71 * n(rng);
        double const c = s + common_offset;
        return {50.0 - 5.0 * c + 0.5 * n(rng) + flow_offset,
                2.0 + 0.2 * c + 0.02 * n(rng) + pressure_offset, 20.0 + 0.3 * n(rng)};
    }
};

struct run_result {
    int opened = 0;
    mv_episode first;
    bool nan = false;
};

// `count` readings a second apart; the offsets apply to readings [from, to).
run_result feed(mv_detector& det, plant& p, std::int64_t& t, int count, int from = -1, int to = -1,
                double flow = 0.0, double pressure = 0.0, double common = 0.0)
{
    run_result r;
    for (int i = 0; i < count; ++i) {
        bool const on = i >= from && i < to;
        auto v = p.next(on ? flow : 0.0, on ? pressure : 0.0, on ? common : 0.0);
        t += second;
        auto const e = det.observe(t, v);
        if (std::isnan(det.last_statistic())) r.nan = true;
        if (e == mv_event::opened && r.opened++ == 0) r.first = det.episode();
        if (e == mv_event::updated && r.opened == 1) r.first = det.episode();
    }
    return r;
}

} // namespace

TEST_CASE("The multivariate detector learns until its warm-up's last reading and reports nothing "
          "before, whatever the values",
          "[unit]")
{
    mv_settings s;
    mv_detector det{s, 3};
    plant p;
    std::int64_t t = 0;
    for (std::size_t i = 1; i < s.warmup; ++i) {
        auto v = p.next(i > 200 ? 1000.0 : 0.0);
        CHECK(det.observe(t += second, v) == mv_event::learning);
    }
    CHECK_FALSE(det.learned());
    CHECK(det.observe(t += second, p.next()) == mv_event::learned);
    CHECK(det.learned());
    CHECK(det.baseline().components >= 1);
    CHECK(det.baseline().components < 3);
}

TEST_CASE("One of a correlated pair going off alone is an instrument fault", "[unit]")
{
    mv_detector det{mv_settings{}, 3};
    plant p;
    std::int64_t t = 0;
    feed(det, p, t, 400);
    // The pressure transmitter reads 0.3 bar high while flow agrees with the old pressure.
    auto const r = feed(det, p, t, 600, 100, 400, 0.0, 0.3);
    REQUIRE(r.opened >= 1);
    CHECK(r.first.cause == mv_cause::instrument);
    CHECK(r.first.order[0] == 1);
    CHECK(r.first.q_ratio > r.first.t2_ratio);
    CHECK(r.first.started_at_us >= 500 * second);
    CHECK(r.first.started_at_us <= 520 * second);
}

TEST_CASE("A correlated pair moving together is a process change", "[unit]")
{
    mv_detector det{mv_settings{}, 3};
    plant p;
    std::int64_t t = 0;
    feed(det, p, t, 400);
    // The valve closes: flow down and pressure up, 4 standard deviations of their driver.
    auto const r = feed(det, p, t, 600, 100, 400, 0.0, 0.0, 4.0);
    REQUIRE(r.opened >= 1);
    CHECK(r.first.cause == mv_cause::process);
    CHECK(r.first.t2_ratio > r.first.q_ratio);
    CHECK(r.first.moving >= 2);
    CHECK(r.first.contribution[0] + r.first.contribution[1] > 0.8);
}

TEST_CASE("Normal operation raises nothing and a process fault is one episode that ends", "[unit]")
{
    mv_detector det{mv_settings{}, 3};
    plant p;
    std::int64_t t = 0;
    feed(det, p, t, 400);
    CHECK(feed(det, p, t, 3000).opened == 0);
    CHECK(feed(det, p, t, 600, 100, 300, 0.0, 0.0, 4.0).opened == 1);
    CHECK_FALSE(det.in_episode());
}

TEST_CASE("A constant parameter leaves the model and every number stays finite", "[unit]")
{
    mv_detector det{mv_settings{}, 3};
    std::mt19937_64 rng{3};
    std::normal_distribution<double> n{0.0, 1.0};
    std::int64_t t = 0;
    bool finite = true;
    for (int i = 0; i < 1500; ++i) {
        double const level = i > 1000 ? 7.0 : 5.0; // the constant one changes later
        std::vector<double> v{level, 10.0 + n(rng), 3.0 + 0.1 * n(rng)};
        det.observe(t += second, v);
        for (double u : det.standardised()) finite = finite && std::isfinite(u);
        finite = finite && std::isfinite(det.last_statistic());
    }
    CHECK_FALSE(det.baseline().active[0]);
    CHECK(det.baseline().active[1]);
    CHECK(det.baseline().active[2]);
    CHECK(finite);
}

TEST_CASE("A single parameter is judged by T² alone and a step in it is found once", "[unit]")
{
    mv_detector det{mv_settings{}, 1};
    std::mt19937_64 rng{5};
    std::normal_distribution<double> n{0.0, 1.0};
    std::int64_t t = 0;
    int opened = 0;
    bool finite = true;
    for (int i = 0; i < 1200; ++i) {
        std::vector<double> v{100.0 + n(rng) + (i >= 700 && i < 1000 ? 3.0 : 0.0)};
        if (det.observe(t += second, v) == mv_event::opened) ++opened;
        finite = finite && std::isfinite(det.last_statistic());
    }
    CHECK(finite);
    CHECK(det.baseline().components == 1);
    CHECK(det.baseline().q_limit == 0.0);
    CHECK(opened == 1);
}

TEST_CASE("Huge and tiny values keep the statistic finite; non-finite, stale and wrong-sized "
          "readings are skipped",
          "[unit]")
{
    mv_detector det{mv_settings{}, 2};
    std::mt19937_64 rng{9};
    std::normal_distribution<double> n{0.0, 1.0};
    std::int64_t t = 0;
    bool finite = true;
    int opened = 0;
    for (int i = 0; i < 800; ++i) {
        double const big = i >= 500 ? 1e308 : 1e300 * (1.0 + 1e-3 * n(rng));
        std::vector<double> v{big, 1e-300 * (1.0 + n(rng))};
        if (det.observe(t += second, v) == mv_event::opened) ++opened;
        finite = finite && std::isfinite(det.last_statistic());
    }
    CHECK(finite);
    CHECK(opened == 1);
    std::vector<double> const not_a_number{std::nan(""), 1.0};
    CHECK(det.observe(t += second, not_a_number) == mv_event::skipped);
    std::vector<double> const infinite{HUGE_VAL, 1.0};
    CHECK(det.observe(t += second, infinite) == mv_event::skipped);
    std::vector<double> const stale{1.0, 1.0};
    CHECK(det.observe(t - 5 * second, stale) == mv_event::skipped);
    std::vector<double> const wrong_size{1.0};
    CHECK(det.observe(t += second, wrong_size) == mv_event::skipped);
}

TEST_CASE("A loaded baseline scores like the one it was learned as; it must fit the parameters",
          "[unit]")
{
    mv_settings s;
    s.refine_after = 0;
    s.adapt_s = 0.0;
    s.slow_adapt_s = 0.0;
    mv_detector a{s, 3};
    plant p;
    std::int64_t t = 0;
    feed(a, p, t, 400);
    mv_detector b{s, 3};
    REQUIRE(b.load(a.baseline()));
    CHECK(b.learned());
    CHECK(b.baseline() == a.baseline());
    plant p2 = p;
    std::int64_t t2 = t;
    for (int i = 0; i < 200; ++i) {
        auto v = p.next();
        auto w = p2.next();
        a.observe(t += second, v);
        b.observe(t2 += second, w);
    }
    CHECK(std::abs(a.last_statistic() - b.last_statistic()) < 1e-6 * (1.0 + a.last_statistic()));
    mv_detector c{s, 2};
    CHECK_FALSE(c.load(a.baseline()));
}

TEST_CASE("Relearning starts a new warm-up; an hour of silence alone raises nothing", "[unit]")
{
    mv_detector det{mv_settings{}, 3};
    plant p;
    std::int64_t t = 0;
    feed(det, p, t, 400);
    t += 3600 * second;
    CHECK(feed(det, p, t, 600).opened == 0);
    det.relearn();
    CHECK_FALSE(det.learned());
    CHECK(det.observe(t += second, p.next()) == mv_event::learning);
}

#if defined(WTF_COUNT_ALLOCATIONS)
TEST_CASE("Scoring allocates nothing, refits and episodes included", "[unit]")
{
    mv_detector det{mv_settings{}, 8};
    std::mt19937_64 rng{11};
    std::normal_distribution<double> n{0.0, 1.0};
    std::vector<double> v(8);
    std::int64_t t = 0;
    int episodes = 0;
    auto const feed_n = [&](int count) {
        for (int i = 0; i < count; ++i) {
            for (std::size_t k = 0; k < 8; ++k)
                v[k] = static_cast<double>(k) + n(rng) + (i % 2000 > 1500 ? 5.0 : 0.0);
            if (det.observe(t += second, v) == mv_event::opened) ++episodes;
        }
    };
    feed_n(400);
    long const before = allocations;
    feed_n(10000);
    CHECK(allocations == before);
    CHECK(det.refits() == 2);
    CHECK(episodes >= 2);
}
#endif
