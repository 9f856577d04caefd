#pragma once
// Small text helpers of the CSV reader: case-insensitive names, UTF-8 checks and the quoted
// excerpts problems show.

#include <cstddef>
#include <string>
#include <string_view>

namespace wtf::sources::detail {

// Longest excerpt of a bad field or line quoted back in a problem.
inline constexpr std::size_t max_quoted_bytes = 40;

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept;

// True when `s` is well-formed UTF-8 (no overlong forms, no surrogates) without NUL bytes.
bool is_text(std::string_view s) noexcept;

// `s` in single quotes, at most max_quoted_bytes of it (cut on a character boundary, "..."
// when cut), with control bytes and bytes that are not UTF-8 written as \t, \r, \n or \xNN, so
// a problem is always one printable line: 'abc', 'x\x00y', '2025-05-28T00:01:23Z,wtf-pipe-1,...'.
std::string quote(std::string_view s);

} // namespace wtf::sources::detail
