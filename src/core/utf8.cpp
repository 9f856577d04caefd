#include <wtf/core/utf8.hpp>

namespace wtf::core {

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
