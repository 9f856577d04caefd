#include <wtf/core/utf8.hpp>

#include <catch2/catch.hpp>

using wtf::core::decode_utf8;

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
