#include <wtf/log/log.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace {

std::string escaped(std::string_view text)
{
    std::string out;
    wtf::log::append_escaped(out, text);
    return out;
}

} // namespace

TEST_CASE("a record stays one line: line breaks and tabs are escaped", "[unit]")
{
    CHECK(escaped("a\nb\r\nc\td") == "a\\nb\\r\\nc\\td");
    CHECK(escaped("text=one\n<3>summarizer: forged") == "text=one\\n<3>summarizer: forged");
}

TEST_CASE("control characters, invalid bytes and direction overrides are shown as \\x", "[unit]")
{
    CHECK(escaped("\x01\x14\x03\x02\x0b") == "\\x01\\x14\\x03\\x02\\x0b");
    CHECK(escaped("bell\x07 esc\x1b[31m") == "bell\\x07 esc\\x1b[31m");
    CHECK(escaped("bad \xFF byte") == "bad \\xff byte");
    CHECK(escaped("abc\xE2\x80\xAE"
                  "cba") == "abc\\xe2\\x80\\xaecba");
    CHECK(escaped("\xC2\x85") == "\\xc2\\x85");
}

TEST_CASE("printable UTF-8 is kept as it is", "[unit]")
{
    CHECK(escaped("45.2 \xC2\xB0"
                  "C, \xD1\x82\xD1\x83 \xE6\xB8\xA9") == "45.2 \xC2\xB0"
                                                         "C, \xD1\x82\xD1\x83 \xE6\xB8\xA9");
}
