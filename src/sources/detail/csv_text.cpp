#include "sources/detail/csv_text.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace wtf::sources::detail {

namespace {

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Length of the well-formed UTF-8 sequence at s[i], or 0 when there is none (RFC 3629 table).
std::size_t utf8_length(std::string_view s, std::size_t i) noexcept
{
    auto const at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    auto const cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
        return k < s.size() && at(k) >= lo && at(k) <= hi;
    };
    unsigned const c = at(i);
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
    if (c == 0xE0) return cont(i + 1, 0xA0) && cont(i + 2) ? 3 : 0;
    if (c == 0xED) return cont(i + 1, 0x80, 0x9F) && cont(i + 2) ? 3 : 0;
    if (c >= 0xE1 && c <= 0xEF) return cont(i + 1) && cont(i + 2) ? 3 : 0;
    if (c == 0xF0) return cont(i + 1, 0x90) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    if (c >= 0xF1 && c <= 0xF3) return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    if (c == 0xF4) return cont(i + 1, 0x80, 0x8F) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    return 0;
}

void append_hex(std::string& out, unsigned char c)
{
    static constexpr char digits[] = "0123456789abcdef";
    out += "\\x";
    out += digits[c >> 4];
    out += digits[c & 0xF];
}

} // namespace

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

bool is_text(std::string_view s) noexcept
{
    // Sensor ids and names are plain ASCII: eight bytes at a time while none is NUL or has its
    // high bit set (the zero-byte test is the classic (w - 0x01..) & ~w & 0x80..).
    constexpr std::uint64_t ones = 0x0101010101010101u;
    constexpr std::uint64_t highs = 0x8080808080808080u;
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t w = 0;
        std::memcpy(&w, s.data() + i, sizeof w);
        if ((((w - ones) & ~w) | w) & highs) break;
    }
    while (i < s.size()) {
        if (s[i] == '\0') return false;
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            ++i;
            continue;
        }
        auto const n = utf8_length(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string quote(std::string_view s)
{
    std::string out{"'"};
    std::size_t i = 0;
    while (i < s.size() && i < max_quoted_bytes) {
        auto const c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            auto const n = utf8_length(s, i);
            if (n == 0) {
                append_hex(out, c);
                ++i;
            } else {
                if (i + n > max_quoted_bytes) break;
                out.append(s.substr(i, n));
                i += n;
            }
        } else if (c == '\t') {
            out += "\\t";
            ++i;
        } else if (c == '\r') {
            out += "\\r";
            ++i;
        } else if (c == '\n') {
            out += "\\n";
            ++i;
        } else if (c < 0x20 || c == 0x7F) {
            append_hex(out, c);
            ++i;
        } else {
            out += static_cast<char>(c);
            ++i;
        }
    }
    if (i < s.size()) out += "...";
    out += '\'';
    return out;
}

} // namespace wtf::sources::detail
