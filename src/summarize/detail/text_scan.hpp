#pragma once
// Finds the facts a piece of prose states: numbers, sensor ids and times, with where they stand.
// Used by the answer checks; kept apart so the tokenising rules can be tested and read on their
// own.

#include <wtf/core/time.hpp>

#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wtf::summarize::detail {

// "45.2" → value 45.2, decimals 1; "-3" → -3, 0. Digits inside sensor ids, times and words
// ("H2O", "wtf-pipe-1") are not numbers.
struct stated_number {
    double value = 0.0;
    int decimals = 0;
    std::string text;
    std::size_t pos = 0; // byte offset in the text; `pos + text.size()` is its end
};

// A time as written. instant: a full date and time (a missing zone means UTC); date: a day with
// no time ("2025-05-28"); clock: a time of day alone ("00:01:23", "00:01"). `precision` is the
// span the text stands for (a minute for "00:01", a second for "00:01:23").
struct stated_time {
    enum class kind { instant, date, clock };
    kind what = kind::instant;
    core::timestamp at{};                // instant, date (midnight UTC)
    std::chrono::microseconds of_day{0}; // clock
    std::chrono::microseconds precision{0};
    std::string text;
    std::size_t pos = 0;
};

struct stated_id {
    std::string text; // as written
    std::size_t pos = 0;
};

struct scan_result {
    std::vector<stated_number> numbers;
    std::vector<stated_time> times;
    std::vector<stated_id> sensor_ids;
};

// `known_ids` are matched literally (case-insensitive, longest first) before the generic
// id shape `[a-z]+(-[a-z0-9]+)+` containing a digit.
scan_result scan(std::string_view text, std::span<std::string const> known_ids);

} // namespace wtf::summarize::detail
