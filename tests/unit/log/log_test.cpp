#include <wtf/core/utf8.hpp>
#include <wtf/log/log.hpp>

#include <catch2/catch.hpp>

#include <iostream>
#include <sstream>
#include <string>

using namespace wtf;

namespace {

// What one record looks like on stderr under journald.
std::string journal_line(std::string_view text)
{
    std::ostringstream captured;
    auto* const old = std::cerr.rdbuf(captured.rdbuf());
    log::init(log::level::info, true);
    log::write(log::level::warning, "test", text);
    std::cerr.rdbuf(old);
    return captured.str();
}

std::string escaped(std::string_view text)
{
    std::string out;
    wtf::log::append_escaped(out, text);
    return out;
}

} // namespace

TEST_CASE("a record from outside text is one line of valid UTF-8 with no terminal escapes",
          "[unit]")
{
    auto const line = journal_line("peer said: a\nb\r\tc \x1b[31mred\x7f \xFF\xC2 45.2\xC2\xB0"
                                   "C");
    CHECK(line == "<4>test: peer said: a\\nb\\r\\tc \\x1b[31mred\\x7f \\xff\\xc2 45.2\xC2\xB0"
                  "C\n");
    CHECK(core::is_valid_utf8(line));
}

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
