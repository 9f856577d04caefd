#include "sources/detail/csv_fields.hpp"

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace wtf::sources::detail {

namespace {

// The index of the first `c` in data[i, size), or `size`. Eight bytes at a time: a byte equal
// to `c` is a zero byte of w ^ c·0x01.., and the lowest bit of (x - 0x01..) & ~x & 0x80.. marks
// the first zero byte exactly (the borrow only makes false marks above it).
std::size_t find_byte(char const* data, std::size_t i, std::size_t size, char c) noexcept
{
    if constexpr (std::endian::native == std::endian::little) {
        constexpr std::uint64_t ones = 0x0101010101010101u;
        constexpr std::uint64_t highs = 0x8080808080808080u;
        std::uint64_t const pattern = ones * static_cast<unsigned char>(c);
        for (; i + 8 <= size; i += 8) {
            std::uint64_t w = 0;
            std::memcpy(&w, data + i, sizeof w);
            std::uint64_t const x = w ^ pattern;
            if (std::uint64_t const found = (x - ones) & ~x & highs; found != 0)
                return i + static_cast<std::size_t>(std::countr_zero(found) / 8);
        }
    }
    while (i < size && data[i] != c) ++i;
    return i;
}

} // namespace

std::string_view split_fields(std::span<char> line, char delimiter,
                              std::vector<std::string_view>& fields)
{
    fields.clear();
    char* const data = line.data();
    std::size_t const size = line.size();
    bool const tab_is_blank = delimiter != '\t';
    auto const blank = [&](char c) { return c == ' ' || (c == '\t' && tab_is_blank); };

    // Indexes rather than pointers: GCC 12 cannot prove a pointer difference non-negative
    // (-Wstringop-overread). Fields are short, so not memchr, whose call costs more than
    // finding a delimiter a few bytes on eight bytes at a time.
    std::size_t i = 0;
    for (;;) {
        while (i < size && blank(data[i])) ++i;

        if (i < size && data[i] == '"') {
            std::size_t const start = i;
            std::size_t out = i;
            ++i;
            for (;;) {
                if (i == size) return "a quoted field does not end on its line";
                if (data[i] == '"') {
                    if (i + 1 < size && data[i + 1] == '"') {
                        data[out++] = '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                data[out++] = data[i++];
            }
            while (i < size && blank(data[i])) ++i;
            if (i < size && data[i] != delimiter) return "text after the closing quote of a field";
            fields.emplace_back(data + start, out - start);
            if (i == size) return {};
            ++i;
            continue;
        }

        std::size_t const start = i;
        i = find_byte(data, i, size, delimiter);
        std::size_t last = i;
        while (last > start && blank(data[last - 1])) --last;
        fields.emplace_back(data + start, last - start);
        if (i == size) return {};
        ++i;
    }
}

char guess_delimiter(std::string_view header) noexcept
{
    static constexpr std::array<char, 3> candidates{',', ';', '\t'};
    std::array<std::size_t, 3> counts{};
    bool quoted = false;
    for (char c : header) {
        if (c == '"') quoted = !quoted;
        if (quoted) continue;
        for (std::size_t i = 0; i < candidates.size(); ++i)
            if (c == candidates[i]) ++counts[i];
    }
    std::size_t best = 0;
    for (std::size_t i = 1; i < candidates.size(); ++i)
        if (counts[i] > counts[best]) best = i;
    return candidates[best];
}

} // namespace wtf::sources::detail
