// What a sensor costs in detector state, against the budget issue 14 set (at most 4 KiB for the
// multivariate model of a sensor with 8 parameters). Everything here is allocated once per
// sensor or series, never per reading.

#include "detect/detail/multivariate_rule.hpp"
#include "detect/detail/series_rules.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace wtf::detect::detail;

TEST_CASE("A sensor's multivariate model with 8 parameters fits in 4 KiB; a series' rules in "
          "256 bytes",
          "[unit]")
{
    // The rule itself, its 8 parameter names (short names stay inside std::string) and the
    // slot of each series (one small heap block).
    std::size_t const names = 8 * sizeof(std::string);
    std::size_t const slots = 32;
    CHECK(sizeof(multivariate_rule) + names + slots <= 4096);
    // Every per-series rule, open episodes on the heap only while open.
    CHECK(sizeof(series_rules) <= 256);
}
