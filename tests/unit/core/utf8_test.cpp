#include <wtf/core/utf8.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace wtf::core;

TEST_CASE("well-formed sequences of one to four bytes are recognised", "[unit]")
{
    CHECK(utf8_sequence_length("a") == 1);
    CHECK(utf8_sequence_length("\xC2\xB0") == 2);         // °
    CHECK(utf8_sequence_length("\xE2\x82\xAC") == 3);     // €
    CHECK(utf8_sequence_length("\xF0\x9F\x92\xA7") == 4); // 💧
    CHECK(utf8_sequence_length("\xF4\x8F\xBF\xBF") == 4); // U+10FFFF
    CHECK(utf8_sequence_length("") == 0);
}

TEST_CASE("bytes that begin no well-formed sequence are invalid", "[unit]")
{
    for (std::string_view const bad : {
             "\xFF",             // never in UTF-8
             "\x80",             // a stray continuation byte
             "\xC0\xAF",         // overlong '/'
             "\xE0\x80\xAF",     // overlong '/'
             "\xED\xA0\x80",     // a surrogate
             "\xF4\x90\x80\x80", // beyond U+10FFFF
             "\xE2\x82",         // cut short
             "\xC2 ",            // a lead byte without its continuation
         }) {
        INFO(std::string{bad});
        CHECK(utf8_sequence_length(bad) == 0);
        CHECK_FALSE(is_valid_utf8(bad));
    }
    CHECK(is_valid_utf8("temperature 45.2 \xC2\xB0"
                        "C \xF0\x9F\x92\xA7"));
}

TEST_CASE("invalid bytes are replaced one by one with U+FFFD", "[unit]")
{
    std::string out;
    append_utf8(out, "a\xFF"
                     "b\xE2\x82"
                     "c\xC2\xB0");
    CHECK(out == "a\xEF\xBF\xBD"
                 "b\xEF\xBF\xBD\xEF\xBF\xBD"
                 "c\xC2\xB0");
    CHECK(is_valid_utf8(out));
}

TEST_CASE("a prefix never ends inside a character", "[unit]")
{
    std::string_view const text = "ab\xE2\x82\xAC"; // "ab€"
    CHECK(utf8_prefix(text, 10) == text);
    CHECK(utf8_prefix(text, 5) == text);
    CHECK(utf8_prefix(text, 4) == "ab");
    CHECK(utf8_prefix(text, 3) == "ab");
    CHECK(utf8_prefix(text, 2) == "ab");
    CHECK(utf8_prefix(text, 0) == "");
    // Invalid bytes are not characters to protect: the cut falls where asked.
    CHECK(utf8_prefix("a\x80\x80\x80\x80\x80", 3) == "a\x80\x80");
}

TEST_CASE("an excerpt is one line of valid UTF-8, cut between characters", "[unit]")
{
    CHECK(excerpt("short", 10) == "short");
    CHECK(excerpt("line one\nline\ttwo\x1b[31m", 40) == "line one line two [31m");
    // Issue 11: an LLM's error text cut at 200 bytes inside a two-byte character.
    std::string text(199, 'x');
    text += "\xC2\xB0 and more";
    auto const cut = excerpt(text, 200);
    CHECK(cut == std::string(199, 'x') + "...");
    CHECK(is_valid_utf8(cut));
    CHECK(excerpt("\xFF\xFE", 10) == "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("UTF-8 characters decode to their code point and length", "[unit]")
{
    CHECK(decode_utf8("a", 0).code_point == 'a');
    CHECK(decode_utf8("\xC2\xB0", 0).code_point == 0xB0);
    CHECK(decode_utf8("\xC2\xB0", 0).length == 2);
    CHECK(decode_utf8("\xE2\x80\xAE", 0).code_point == 0x202E);
    CHECK(decode_utf8("\xF0\x9F\x98\x80", 0).length == 4);
}

TEST_CASE("invalid UTF-8 decodes to length 0", "[unit]")
{
    CHECK(decode_utf8("\xC2", 0).length == 0);         // cut short
    CHECK(decode_utf8("\xC0\xAF", 0).length == 0);     // overlong
    CHECK(decode_utf8("\xED\xA0\x80", 0).length == 0); // surrogate
    CHECK(decode_utf8("\xFF", 0).length == 0);
    CHECK(decode_utf8("\x80", 0).length == 0);
}

TEST_CASE("controls, direction overrides and zero-width marks are unprintable", "[unit]")
{
    using wtf::core::unprintable;
    CHECK(unprintable(0x01));
    CHECK(unprintable(0x1B));
    CHECK(unprintable(0x7F));
    CHECK(unprintable(0x85));
    CHECK(unprintable(0x202E));
    CHECK(unprintable(0x200B));
    CHECK(unprintable(0x2028));
    CHECK_FALSE(unprintable('\n'));
    CHECK_FALSE(unprintable('\t'));
    CHECK_FALSE(unprintable('a'));
    CHECK_FALSE(unprintable(0xB0));
    CHECK_FALSE(unprintable(0x0442)); // Cyrillic
}
