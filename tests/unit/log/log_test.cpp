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
