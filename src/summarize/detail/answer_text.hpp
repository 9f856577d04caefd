#pragma once
// How an LLM's answer is read for the checks: its sentences and list items, its words, and the
// unit written after a number. Tokenising rules only; what they mean is decided in grounding.cpp.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wtf::summarize::detail {

// [begin, end) byte offsets into the text.
struct text_span {
    std::size_t begin = 0;
    std::size_t end = 0;
    bool contains(std::size_t pos) const noexcept { return pos >= begin && pos < end; }
};

// A sentence or a list item: split at ". ", "! ", "? ", ";" and line breaks (a list or a
// paragraph break). Decimal points, times and ids do not split ("45.2", "00:01", "e.g.").
std::vector<text_span> segments(std::string_view text);

// A run of letters (ASCII or any non-ASCII character) with inner apostrophes; digits, hyphens
// and punctuation separate words. `lower` is lower-cased ASCII; `latin` is false when the word
// holds any non-ASCII letter (another script, or one mixed into Latin).
struct word {
    text_span where;
    std::string lower;
    bool latin = true;
};
std::vector<word> words(std::string_view text);

// The first byte that is a control character (other than tab, line feed, carriage return),
// DEL, or part of invalid UTF-8; nullopt when there is none.
std::optional<std::size_t> first_unprintable(std::string_view text);

// The unit written right after a number that ends at `end` ("45.2 °C", "45.2°C", "45.2 degrees",
// "0.8 bar", "16.3 s", "130.5 L/min"), normalised: "°C", "°F", "K", "bar", "mbar", "psi", "kPa",
// "Pa", "L/min", "m3/h", "NTU", "%", "s", "min", "ms", "h"; a unit of `known` (the batch's
// units) as written there. Empty when no unit follows.
std::string unit_after(std::string_view text, std::size_t end,
                       std::vector<std::string> const& known);

// A configured unit in the same normal form ("°C" for "degC", "L/min" for "l/min").
std::string normal_unit(std::string_view unit);

// Whether `needle` occurs in `hay` (both lower case) with no letter or digit around it; its
// offset, searching from `from`.
std::optional<std::size_t> find_phrase(std::string_view hay, std::string_view needle,
                                       std::size_t from = 0);

} // namespace wtf::summarize::detail
