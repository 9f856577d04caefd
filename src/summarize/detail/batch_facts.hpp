#pragma once
// The facts of a batch an answer may state, and whether a stated number or time is one of them,
// of which sensor, and in which unit.

#include "text_scan.hpp"

#include <wtf/summarize/batch.hpp>

#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <vector>

namespace wtf::summarize::detail {

enum class fact_kind {
    value,     // a reading: value or peak
    threshold, // a band's bound
    duration,  // how long an episode lasted, or had lasted
    window,    // the window's length (seconds or minutes)
};

struct fact {
    double v = 0.0;
    fact_kind kind = fact_kind::value;
    std::string parameter; // value, threshold
    std::string unit;      // normal form (normal_unit), "s" or "min" for durations
    std::string sensor;    // empty: a fact of the batch, not of one sensor
};

struct batch_facts {
    std::vector<fact> numbers;
    std::set<std::int64_t> integers; // counts and date/time components, matched exactly
    std::vector<core::timestamp> instants;
    std::vector<std::string> units; // the batch's units as configured, for unit_after()
};

batch_facts collect(batch const& b, std::span<parameter_info const> params);

// Within half a unit of the last digit shown: 45 matches 45.2, 45.2 matches 45.24 but not 45.3.
// The sign is not compared: "a negative pressure of 2.1 bar" and "1.0 - 3.0" are both faithful.
bool shown_matches(stated_number const& n, double v);

// A fact of the batch at all (the grounding check).
bool grounded(stated_number const& n, batch_facts const& f);
bool grounded(stated_time const& t, batch const& b, batch_facts const& f);

// Whether a number with its unit (possibly empty) is a fact of one of `sensors` (empty: of any
// sensor), and if not, why not.
enum class fit { fits, other_sensor, wrong_unit, unknown };
struct number_verdict {
    fit result = fit::unknown;
    fact const* seen = nullptr; // other_sensor, wrong_unit: the fact it matched instead
};
number_verdict judge_number(stated_number const& n, std::string const& unit,
                            std::span<std::string const> sensors, batch const& b,
                            batch_facts const& f);

// Whether a time falls among the times of `sensors`' anomalies or on a window bound.
bool time_fits(stated_time const& t, std::span<std::string const> sensors, batch const& b);

} // namespace wtf::summarize::detail
