#include "answer_text.hpp"

#include "batch_text.hpp"

#include <wtf/core/utf8.hpp>

#include <array>
#include <cstdint>

namespace wtf::summarize::detail {

namespace {

bool ascii_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }
char lower(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

using core::decode_utf8;

// Characters that are not letters though they are not ASCII: Latin-1 signs (° ± ² µ ·),
// general punctuation (dashes, quotes, bullets, spaces), arrows and symbols, CJK punctuation.
bool non_ascii_letter(std::uint32_t cp) noexcept
{
    if (cp < 0xC0) return false;
    if (cp == 0xD7 || cp == 0xF7) return false;
    if (cp >= 0x2000 && cp <= 0x2BFF) return false;
    if (cp >= 0x3000 && cp <= 0x303F) return false;
    if (cp >= 0xFE00 && cp <= 0xFE0F) return false;
    if (cp >= 0xFF00 && cp <= 0xFF0F) return false;
    if (cp >= 0x1F000) return false; // emoji and pictographs
    return true;
}

bool is_apostrophe(std::string_view s, std::size_t pos) noexcept
{
    return s[pos] == '\'' || s.substr(pos, 3) == "\xE2\x80\x99";
}

bool starts_ci(std::string_view s, std::size_t pos, std::string_view what) noexcept
{
    if (pos + what.size() > s.size()) return false;
    for (std::size_t k = 0; k < what.size(); ++k)
        if (lower(s[pos + k]) != what[k]) return false;
    return true;
}

struct unit_form {
    std::string_view text; // lower case, as written
    std::string_view unit; // normal form
};

// Longest forms first, so "mbar" is not read as "m" and "degrees celsius" not as "degrees".
constexpr std::array<unit_form, 55> unit_forms{{
    {"degrees celsius", "\xC2\xB0"
                        "C"},
    {"degree celsius", "\xC2\xB0"
                       "C"},
    {"degrees fahrenheit", "\xC2\xB0"
                           "F"},
    {"litres per minute", "L/min"},
    {"liters per minute", "L/min"},
    {"litre per minute", "L/min"},
    {"liter per minute", "L/min"},
    {"l per min", "L/min"},
    {"milliseconds", "ms"},
    {"millisecond", "ms"},
    {"degrees c", "\xC2\xB0"
                  "C"},
    {"fahrenheit", "\xC2\xB0"
                   "F"},
    {"millibar", "mbar"},
    {"per cent", "%"},
    {"\xC2\xB0"
     " c",
     "\xC2\xB0"
     "C"},
    {"\xC2\xB0"
     "c",
     "\xC2\xB0"
     "C"},
    {"\xC2\xBA"
     "c",
     "\xC2\xB0"
     "C"},
    {"\xE2\x84\x83", "\xC2\xB0"
                     "C"},
    {"\xC2\xB0"
     "f",
     "\xC2\xB0"
     "F"},
    {"celsius", "\xC2\xB0"
                "C"},
    {"degrees", "\xC2\xB0"
                "C"},
    {"percent", "%"},
    {"seconds", "s"},
    {"minutes", "min"},
    {"deg c", "\xC2\xB0"
              "C"},
    {"kelvin", "K"},
    {"degree", "\xC2\xB0"
               "C"},
    {"second", "s"},
    {"minute", "min"},
    {"m\xC2\xB3/h", "m3/h"},
    {"m^3/h", "m3/h"},
    {"hours", "h"},
    {"l/min", "L/min"},
    {"degc", "\xC2\xB0"
             "C"},
    {"mbar", "mbar"},
    {"bars", "bar"},
    {"m3/h", "m3/h"},
    {"secs", "s"},
    {"mins", "min"},
    {"hour", "h"},
    {"l/s", "L/s"},
    {"l/m", "L/min"},
    {"lpm", "L/min"},
    {"gpm", "gpm"},
    {"bar", "bar"},
    {"psi", "psi"},
    {"kpa", "kPa"},
    {"mpa", "MPa"},
    {"ntu", "NTU"},
    {"sec", "s"},
    {"min", "min"},
    {"hrs", "h"},
    {"ms", "ms"},
    {"pa", "Pa"},
    {"%", "%"},
}};

// Single letters are units only where nothing else could be meant: "16.3 s", "45 C".
constexpr std::array<unit_form, 4> letter_units{{
    {"c", "\xC2\xB0"
          "C"},
    {"k", "K"},
    {"s", "s"},
    {"h", "h"},
}};

bool letter_at(std::string_view s, std::size_t pos) noexcept
{
    if (pos >= s.size()) return false;
    if (ascii_alpha(s[pos])) return true;
    auto const c = decode_utf8(s, pos);
    return c.length > 0 && non_ascii_letter(c.code_point);
}

} // namespace

std::vector<text_span> segments(std::string_view text)
{
    std::vector<text_span> out;
    std::size_t begin = 0;
    auto close = [&](std::size_t end) {
        auto b = begin;
        while (b < end && (text[b] == ' ' || text[b] == '\t' || text[b] == '\r')) ++b;
        bool has_content = false;
        for (auto k = b; k < end && !has_content; ++k)
            has_content = ascii_alpha(text[k]) || ascii_digit(text[k]) ||
                          static_cast<unsigned char>(text[k]) >= 0x80;
        if (has_content) out.push_back({b, end});
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        char const c = text[i];
        bool split = c == '\n' || c == ';';
        if ((c == '.' || c == '!' || c == '?') &&
            (i + 1 == text.size() || text[i + 1] == ' ' || text[i + 1] == '\n' ||
             text[i + 1] == '\r' || text[i + 1] == '\t')) {
            // "e.g. " and "approx. " do not end a sentence.
            std::size_t w = i;
            while (w > begin && (ascii_alpha(text[w - 1]) || text[w - 1] == '.')) --w;
            auto const before = text.substr(w, i - w);
            split = before != "e.g" && before != "i.e" && before != "approx" && before != "vs" &&
                    before != "ca" && before != "cf";
        }
        if (!split) continue;
        close(c == '\n' || c == ';' ? i : i + 1);
        begin = i + 1;
    }
    close(text.size());
    return out;
}

std::vector<word> words(std::string_view text)
{
    std::vector<word> out;
    std::size_t i = 0;
    while (i < text.size()) {
        if (!letter_at(text, i)) {
            auto const c = decode_utf8(text, i);
            i += c.length > 0 ? c.length : 1;
            continue;
        }
        word w;
        w.where.begin = i;
        while (i < text.size()) {
            if (ascii_alpha(text[i])) {
                w.lower += lower(text[i]);
                ++i;
                continue;
            }
            if (is_apostrophe(text, i)) {
                std::size_t const width = text[i] == '\'' ? 1 : 3;
                if (!letter_at(text, i + width)) break;
                w.lower += '\'';
                i += width;
                continue;
            }
            auto const c = decode_utf8(text, i);
            if (c.length == 0 || !non_ascii_letter(c.code_point)) break;
            w.lower.append(text.substr(i, c.length));
            w.latin = false;
            i += c.length;
        }
        w.where.end = i;
        out.push_back(std::move(w));
    }
    return out;
}

std::optional<std::size_t> first_unprintable(std::string_view text)
{
    for (std::size_t i = 0; i < text.size();) {
        auto const c = decode_utf8(text, i);
        if (c.length == 0 || core::unprintable(c.code_point)) return i;
        i += c.length;
    }
    return std::nullopt;
}

std::string unit_after(std::string_view text, std::size_t end,
                       std::vector<std::string> const& known)
{
    std::size_t p = end;
    // One space at most: a regular, no-break, narrow no-break or thin space.
    if (p < text.size() && text[p] == ' ')
        p += 1;
    else if (text.substr(p, 2) == "\xC2\xA0")
        p += 2;
    else if (text.substr(p, 3) == "\xE2\x80\xAF" || text.substr(p, 3) == "\xE2\x80\x89")
        p += 3;
    for (auto const& k : known) {
        if (k.empty() || !starts_ci(text, p, lowered(k))) continue;
        bool const ends_in_letter = ascii_alpha(k.back());
        if (!ends_in_letter || !letter_at(text, p + k.size())) return normal_unit(k);
    }
    for (auto const& f : unit_forms) {
        if (!starts_ci(text, p, f.text)) continue;
        bool const ends_in_letter = ascii_alpha(f.text.back());
        if (ends_in_letter && letter_at(text, p + f.text.size())) continue;
        return std::string{f.unit};
    }
    for (auto const& f : letter_units) {
        if (starts_ci(text, p, f.text) && !letter_at(text, p + 1) &&
            !(p + 1 < text.size() && (text[p + 1] == '-' || ascii_digit(text[p + 1]))))
            return std::string{f.unit};
    }
    return {};
}

std::string normal_unit(std::string_view unit)
{
    auto const low = lowered(unit);
    for (auto const& f : unit_forms)
        if (low == f.text) return std::string{f.unit};
    for (auto const& f : letter_units)
        if (low == f.text) return std::string{f.unit};
    return std::string{unit};
}

std::optional<std::size_t> find_phrase(std::string_view hay, std::string_view needle,
                                       std::size_t from)
{
    auto const word_char = [&](std::size_t p) {
        return p < hay.size() && (ascii_alpha(hay[p]) || ascii_digit(hay[p]));
    };
    for (auto p = hay.find(needle, from); p != std::string_view::npos;
         p = hay.find(needle, p + 1)) {
        if ((p == 0 || !word_char(p - 1)) && !word_char(p + needle.size())) return p;
    }
    return std::nullopt;
}

} // namespace wtf::summarize::detail
