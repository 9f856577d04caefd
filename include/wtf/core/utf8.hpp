#pragma once
// Reading UTF-8 one character at a time, and which characters must never reach a log or a
// terminal raw. Shared by the log's escaping and the checks of LLM answers.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace wtf::core {

// One UTF-8 character at `pos`: its code point and length in bytes; length 0 when the bytes
// there are not valid UTF-8 (bad lead or continuation, overlong, surrogate, beyond U+10FFFF).
struct utf8_char {
    std::uint32_t code_point = 0;
    std::size_t length = 0;
};
utf8_char decode_utf8(std::string_view s, std::size_t pos) noexcept;

// Control characters other than tab, line feed and carriage return, DEL, C1 controls,
// zero-width and direction marks, direction overrides and isolates, and the byte order mark:
// characters that can hide or rewrite what a reader sees.
bool unprintable(std::uint32_t code_point) noexcept;

} // namespace wtf::core
