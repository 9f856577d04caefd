// Splitting a CSV line: the delimiter is found eight bytes at a time, so fields of every length
// and at every offset from a word boundary must come out whole.

#include "sources/detail/csv_fields.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <string_view>
#include <vector>

using wtf::sources::detail::split_fields;

TEST_CASE("Fields of any length at any offset split at each delimiter, trimmed of blanks", "[unit]")
{
    std::mt19937 random{14};
    std::uniform_int_distribution<int> length{0, 20};
    std::uniform_int_distribution<int> count{1, 12};
    std::uniform_int_distribution<int> coin{0, 4};
    std::string_view const alphabet = "abcxyz0123456789.-_\"";
    std::uniform_int_distribution<std::size_t> letter{0, alphabet.size() - 2}; // no quote
    for (char const delimiter : {',', ';', '\t'}) {
        for (int n = 0; n < 20'000; ++n) {
            std::vector<std::string> expected(static_cast<std::size_t>(count(random)));
            std::string line;
            for (std::size_t f = 0; f < expected.size(); ++f) {
                for (int i = length(random); i > 0; --i) expected[f] += alphabet[letter(random)];
                if (f > 0) line += delimiter;
                // Blanks around a field are not part of it (a tab is when it delimits).
                if (coin(random) == 0) line += ' ';
                line += expected[f];
                if (coin(random) == 0) line += "  ";
            }
            std::vector<std::string_view> fields;
            INFO(line);
            REQUIRE(split_fields(std::span<char>{line}, delimiter, fields).empty());
            REQUIRE(fields == std::vector<std::string_view>(expected.begin(), expected.end()));
        }
    }
}

TEST_CASE("A quoted field keeps its delimiters and doubled quotes; bad quoting is named", "[unit]")
{
    std::string line = R"(plain,"a,b ""c"" d",x)";
    std::vector<std::string_view> fields;
    REQUIRE(split_fields(std::span<char>{line}, ',', fields).empty());
    CHECK(fields == std::vector<std::string_view>{"plain", R"(a,b "c" d)", "x"});

    std::string open = R"(a,"never closed,b)";
    CHECK(split_fields(std::span<char>{open}, ',', fields) ==
          "a quoted field does not end on its line");
    CHECK(fields.size() == 1);
}
