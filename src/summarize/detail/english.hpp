#pragma once
// Whether a word is English: a compact list of common and plant-monitoring words in their base
// forms, and the usual inflections of them (spikes, drifted, reporting, higher, normally).

#include <string_view>

namespace wtf::summarize::detail {

// `lower`: one word in lower-case ASCII letters (an apostrophe allowed: "sensor's").
bool is_english_word(std::string_view lower);

} // namespace wtf::summarize::detail
