#pragma once
// One CSV line into its fields (RFC 4180 on a single line).

#include <span>
#include <string_view>
#include <vector>

namespace wtf::sources::detail {

// Splits `line` at `delimiter` into `fields` (cleared first; its capacity is kept). Each field
// is trimmed of spaces and tabs (tabs stay when they are the delimiter). A field that starts
// with '"' runs to the closing '"', "" standing for one quote; it is unescaped in place, so the
// views point into `line`. Returns an empty view on success, else what is wrong; then
// `fields.size()` is the 0-based index of the bad field.
std::string_view split_fields(std::span<char> line, char delimiter,
                              std::vector<std::string_view>& fields);

// The delimiter a header line uses: the most frequent of ',', ';' and tab outside quotes,
// ',' when none occurs (ties go to the earlier in that list).
char guess_delimiter(std::string_view header) noexcept;

} // namespace wtf::sources::detail
