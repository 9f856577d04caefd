#include <wtf/core/utf8.hpp>

namespace wtf::core {

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD"; // U+FFFD

bool in(unsigned char c, unsigned char low, unsigned char high) noexcept
{
    return c >= low && c <= high;
}

bool continuation(unsigned char c) noexcept { return in(c, 0x80, 0xBF); }

} // namespace

std::size_t utf8_sequence_length(std::string_view s) noexcept
{
    if (s.empty()) return 0;
    auto const byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    auto const c = byte(0);
    if (c < 0x80) return 1;
    // RFC 3629, section 4: the second byte's range depends on the first (no overlong forms, no
    // surrogates, nothing beyond U+10FFFF); later bytes are plain continuation bytes.
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (in(c, 0xC2, 0xDF)) {
        length = 2;
    } else if (in(c, 0xE0, 0xEF)) {
        length = 3;
        if (c == 0xE0) low = 0xA0;
        if (c == 0xED) high = 0x9F;
    } else if (in(c, 0xF0, 0xF4)) {
        length = 4;
        if (c == 0xF0) low = 0x90;
        if (c == 0xF4) high = 0x8F;
    } else {
        return 0;
    }
    if (s.size() < length || !in(byte(1), low, high)) return 0;
    for (std::size_t i = 2; i < length; ++i)
        if (!continuation(byte(i))) return 0;
    return length;
}

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

} // namespace wtf::core
