#pragma once
// Text that leaves wtfd (JSON bodies, logs, --check-config) is valid UTF-8, and text cut short
// is cut between characters; this is the one place that knows what that means. A byte is
// invalid when it is not part of a well-formed sequence (RFC 3629): a stray continuation byte,
// an overlong form, a surrogate, a code point beyond U+10FFFF, a sequence cut short. Also here:
// which characters must never reach a log or a terminal raw (the log's escaping and the checks
// of LLM answers share it).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace wtf::core {

// One UTF-8 character at `pos`: its code point and length in bytes; length 0 when the bytes
// there are not a well-formed sequence or `pos` is at or past the end.
struct utf8_char {
    std::uint32_t code_point = 0;
    std::size_t length = 0;
};
utf8_char decode_utf8(std::string_view s, std::size_t pos) noexcept;

// Length (1 to 4) of the well-formed sequence `s` starts with, 0 when its first byte begins
// none or `s` is empty.
std::size_t utf8_sequence_length(std::string_view s) noexcept;

bool is_valid_utf8(std::string_view s) noexcept;

// The longest prefix of `s` no longer than `max_bytes` that does not end inside a character.
std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes) noexcept;

// Appends `s` with each invalid byte replaced by U+FFFD.
void append_utf8(std::string& out, std::string_view s);

// Outside text quoted in a message or a status: at most `max_bytes` of `s`, cut between
// characters with "..." when cut, control characters as spaces and invalid bytes as U+FFFD.
// One line of valid UTF-8, at most 3 * max_bytes + 3 bytes long.
std::string excerpt(std::string_view s, std::size_t max_bytes);

// Control characters other than tab, line feed and carriage return, DEL, C1 controls,
// zero-width and direction marks, direction overrides and isolates, and the byte order mark:
// characters that can hide or rewrite what a reader sees.
bool unprintable(std::uint32_t code_point) noexcept;

} // namespace wtf::core
