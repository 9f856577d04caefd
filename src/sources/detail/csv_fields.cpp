#include "sources/detail/csv_fields.hpp"

#include <array>
#include <cstddef>

namespace wtf::sources::detail {

std::string_view split_fields(std::span<char> line, char delimiter,
                              std::vector<std::string_view>& fields)
{
    fields.clear();
    char* const data = line.data();
    std::size_t const size = line.size();
    bool const tab_is_blank = delimiter != '\t';
    auto const blank = [&](char c) { return c == ' ' || (c == '\t' && tab_is_blank); };

    // Indexes rather than pointers, and a plain loop rather than memchr: fields are short,
    // and GCC 12 cannot prove a pointer difference non-negative (-Wstringop-overread).
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
        while (i < size && data[i] != delimiter) ++i;
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
