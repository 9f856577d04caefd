#include <wtf/core/utf8.hpp>

namespace wtf::core {

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD"; // U+FFFD

bool continuation(unsigned char c) noexcept { return (c & 0xC0) == 0x80; }

} // namespace

utf8_char decode_utf8(std::string_view s, std::size_t pos) noexcept
{
    if (pos >= s.size()) return {};
    auto const b0 = static_cast<unsigned char>(s[pos]);
    if (b0 < 0x80) return {b0, 1};
    std::size_t n = 0;
    std::uint32_t cp = 0;
    std::uint32_t min = 0;
    if ((b0 & 0xE0) == 0xC0) {
        n = 2;
        cp = b0 & 0x1Fu;
        min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        n = 3;
        cp = b0 & 0x0Fu;
        min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        n = 4;
        cp = b0 & 0x07u;
        min = 0x10000;
    } else {
        return {};
    }
    if (pos + n > s.size()) return {};
    for (std::size_t k = 1; k < n; ++k) {
        auto const b = static_cast<unsigned char>(s[pos + k]);
        if ((b & 0xC0) != 0x80) return {};
        cp = (cp << 6) | (b & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
    return {cp, n};
}

std::size_t utf8_sequence_length(std::string_view s) noexcept { return decode_utf8(s, 0).length; }

bool is_valid_utf8(std::string_view s) noexcept
{
    for (std::size_t i = 0; i < s.size();) {
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            ++i;
            continue;
        }
        auto const n = utf8_sequence_length(s.substr(i));
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes) noexcept
{
    if (s.size() <= max_bytes) return s;
    // Back over at most three continuation bytes to the start of the character being cut.
    std::size_t n = max_bytes;
    for (int step = 0; step < 3 && n > 0 && continuation(static_cast<unsigned char>(s[n])); ++step)
        --n;
    // Unless that is no character spanning the cut: stray continuation bytes are cut anywhere.
    if (auto const length = utf8_sequence_length(s.substr(n));
        length == 0 || n + length <= max_bytes)
        n = max_bytes;
    return s.substr(0, n);
}

void append_utf8(std::string& out, std::string_view s)
{
    std::size_t run = 0; // start of the valid bytes not yet appended
    for (std::size_t i = 0; i < s.size();) {
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            ++i;
            continue;
        }
        auto const n = utf8_sequence_length(s.substr(i));
        if (n != 0) {
            i += n;
            continue;
        }
        out.append(s, run, i - run);
        out += replacement;
        run = ++i;
    }
    out.append(s, run, s.size() - run);
}

std::string excerpt(std::string_view s, std::size_t max_bytes)
{
    auto const kept = utf8_prefix(s, max_bytes);
    std::string out;
    out.reserve(kept.size() + 3);
    append_utf8(out, kept);
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f') c = ' ';
    if (kept.size() < s.size()) out += "...";
    return out;
}

bool unprintable(std::uint32_t cp) noexcept
{
    if (cp < 0x20) return cp != '\t' && cp != '\n' && cp != '\r';
    if (cp == 0x7F) return true;
    if (cp >= 0x80 && cp <= 0x9F) return true;
    if (cp >= 0x200B && cp <= 0x200F) return true;
    if (cp == 0x2028 || cp == 0x2029) return true;
    if (cp >= 0x202A && cp <= 0x202E) return true;
    if (cp >= 0x2066 && cp <= 0x2069) return true;
    return cp == 0xFEFF;
}

} // namespace wtf::core
