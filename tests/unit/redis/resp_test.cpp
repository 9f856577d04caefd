// RESP as hiredis encodes and parses it, for the mirror and the Redis source alike.
#include <wtf/redis/resp.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

using namespace wtf::redis;
using namespace std::string_view_literals;

namespace {

// Feeds `bytes` one byte at a time and collects every reply.
std::vector<reply> read_bytewise(std::string_view bytes)
{
    reader r;
    std::vector<reply> out;
    reply next;
    for (char const c : bytes) {
        r.feed(std::string_view{&c, 1});
        while (r.next(next) == reader::result::reply) out.push_back(next);
    }
    return out;
}

} // namespace

TEST_CASE("a command is an array of bulk strings", "[unit][mirror]")
{
    CHECK(command({"LTRIM", "anomaly_history", "0", "99"}) ==
          "*4\r\n$5\r\nLTRIM\r\n$15\r\nanomaly_history\r\n$1\r\n0\r\n$2\r\n99\r\n");
    CHECK(command({"PING"}) == "*1\r\n$4\r\nPING\r\n");
}

TEST_CASE("command arguments are binary-safe: CR, LF, NUL and empty strings pass intact",
          "[unit][mirror]")
{
    auto const value = "a\r\nb\0c"sv;
    REQUIRE(value.size() == 6);
    auto const encoded = command({"SET", "k", value, ""});
    CHECK(encoded == "*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$6\r\na\r\nb\0c\r\n$0\r\n\r\n"sv);
}

TEST_CASE("commands append to what is already queued, and long ones leave the stack",
          "[unit][mirror]")
{
    std::string out = "*1\r\n$4\r\nPING\r\n";
    std::vector<std::string_view> many(12, "x");
    append_command(out, many);
    std::string expected = "*1\r\n$4\r\nPING\r\n*12\r\n";
    for (int i = 0; i < 12; ++i) expected += "$1\r\nx\r\n";
    CHECK(out == expected);
}

TEST_CASE("a reply split across feeds is returned once it is whole", "[unit][mirror]")
{
    reader r;
    reply out;
    r.feed("$11\r\nhello");
    CHECK(r.next(out) == reader::result::incomplete);
    r.feed(" world\r");
    CHECK(r.next(out) == reader::result::incomplete);
    r.feed("\n+OK\r\n:4");
    REQUIRE(r.next(out) == reader::result::reply);
    CHECK(out.type == reply_type::string);
    CHECK(out.text == "hello world");
    REQUIRE(r.next(out) == reader::result::reply);
    CHECK(out.type == reply_type::status);
    CHECK(out.text == "OK");
    CHECK(r.next(out) == reader::result::incomplete);
    r.feed("2\r\n");
    REQUIRE(r.next(out) == reader::result::reply);
    CHECK(out.type == reply_type::integer);
    CHECK(out.integer == 42);
}

TEST_CASE("every split of a pipelined answer gives the same replies", "[unit][mirror]")
{
    auto const bytes = ":3\r\n+OK\r\n:1\r\n$-1\r\n$3\r\na\0b\r\n"sv;
    auto const replies = read_bytewise(bytes);
    REQUIRE(replies.size() == 5);
    CHECK(replies[0].integer == 3);
    CHECK(replies[1].text == "OK");
    CHECK(replies[2].integer == 1);
    CHECK(replies[3].type == reply_type::nil);
    CHECK(replies[4].text == "a\0b"sv);
}

TEST_CASE("an error reply is a reply with its text", "[unit][mirror]")
{
    reader r;
    reply out;
    r.feed("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    REQUIRE(r.next(out) == reader::result::reply);
    CHECK(out.is_error());
    CHECK(out.text == "WRONGTYPE Operation against a key holding the wrong kind of value");
    r.feed("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
    REQUIRE(r.next(out) == reader::result::reply);
    CHECK(out.is_error());
    CHECK(out.text.starts_with("WRONGPASS"));
}

TEST_CASE("nested arrays keep their shape, and null and empty arrays are told apart",
          "[unit][mirror]")
{
    auto const replies = read_bytewise("*3\r\n*2\r\n:1\r\n$1\r\na\r\n*0\r\n*-1\r\n");
    REQUIRE(replies.size() == 1);
    auto const& top = replies[0];
    REQUIRE(top.type == reply_type::array);
    REQUIRE(top.elements.size() == 3);
    REQUIRE(top.elements[0].type == reply_type::array);
    REQUIRE(top.elements[0].elements.size() == 2);
    CHECK(top.elements[0].elements[0].integer == 1);
    CHECK(top.elements[0].elements[1].text == "a");
    CHECK(top.elements[1].type == reply_type::array);
    CHECK(top.elements[1].elements.empty());
    CHECK(top.elements[2].type == reply_type::nil);
}

TEST_CASE("a subscribed connection's messages are three-element arrays", "[unit][mirror]")
{
    auto const replies =
        read_bytewise("*3\r\n$9\r\nsubscribe\r\n$11\r\nsensor-data\r\n:1\r\n"
                      "*3\r\n$7\r\nmessage\r\n$11\r\nsensor-data\r\n$7\r\n{\"a\":1}\r\n"
                      "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
    REQUIRE(replies.size() == 3);
    CHECK(replies[0].elements[0].text == "subscribe");
    CHECK(replies[0].elements[2].integer == 1);
    REQUIRE(replies[1].elements.size() == 3);
    CHECK(replies[1].elements[0].text == "message");
    CHECK(replies[1].elements[1].text == "sensor-data");
    CHECK(replies[1].elements[2].text == R"({"a":1})");
    CHECK(replies[2].elements[0].text == "pong");
    CHECK(replies[2].elements[1].text.empty());
}

TEST_CASE("bytes that are not RESP are a protocol error that stays", "[unit][mirror]")
{
    reader r;
    reply out;
    r.feed("HTTP/1.1 400 Bad Request\r\n");
    CHECK(r.next(out) == reader::result::protocol_error);
    CHECK_FALSE(r.error().empty());
    r.feed("+OK\r\n");
    CHECK(r.next(out) == reader::result::protocol_error);
}

TEST_CASE("a reused reply object holds only the newest reply", "[unit][mirror]")
{
    reader r;
    reply out;
    r.feed("*1\r\n$1\r\nx\r\n:7\r\n");
    REQUIRE(r.next(out) == reader::result::reply);
    REQUIRE(r.next(out) == reader::result::reply);
    CHECK(out.type == reply_type::integer);
    CHECK(out.elements.empty());
    CHECK(out.text.empty());

    r.feed("*2\r\n*1\r\n:1\r\n$2\r\nab\r\n*1\r\n$1\r\nz\r\n");
    REQUIRE(r.next(out) == reader::result::reply);
    REQUIRE(out.elements.size() == 2);
    CHECK(out.elements[0].elements.size() == 1);
    REQUIRE(r.next(out) == reader::result::reply);
    REQUIRE(out.elements.size() == 1);
    CHECK(out.elements[0].type == reply_type::string);
    CHECK(out.elements[0].text == "z");
    CHECK(out.elements[0].elements.empty());
}

TEST_CASE("an array header announcing more elements than the limit is refused before parsing",
          "[unit][mirror]")
{
    // Issue 11: hiredis 0.14 callocs the element pointers as soon as it reads the header, here
    // 16 GiB (ASan aborts on the allocation).
    reader r;
    reply out;
    r.feed("+OK\r\n*2147483647\r\n");
    REQUIRE(r.next(out) == reader::result::reply); // the reply before it is still delivered
    CHECK(out.text == "OK");
    CHECK(r.next(out) == reader::result::too_large);
    CHECK(r.error() == "a reply of 2147483647 elements, more than 1024");
    r.feed("+OK\r\n");
    CHECK(r.next(out) == reader::result::too_large);
}

TEST_CASE("nested arrays count toward one reply's element limit", "[unit][mirror]")
{
    reader r{reply_limits{.max_elements = 4, .max_bytes = 1024}};
    reply out;
    r.feed("*2\r\n*1\r\n:1\r\n*1\r\n:2\r\n"); // 4 elements: accepted
    REQUIRE(r.next(out) == reader::result::reply);
    r.feed("*2\r\n*2\r\n:1\r\n:2\r\n*1\r\n"); // the fifth element is refused
    CHECK(r.next(out) == reader::result::too_large);
}

TEST_CASE("a reply longer than the byte limit is refused, announced or streamed", "[unit][mirror]")
{
    reply_limits const limits{.max_elements = 1024, .max_bytes = 64};
    {
        reader r{limits};
        reply out;
        r.feed("$100\r\n");
        CHECK(r.next(out) == reader::result::too_large);
        CHECK(r.error() == "a string of 100 bytes, more than 64");
    }
    {
        // A status line without its end, fed a byte at a time, never grows past the limit.
        reader r{limits};
        reply out;
        r.feed("+");
        for (int i = 0; i < 100; ++i) r.feed("x");
        CHECK(r.next(out) == reader::result::too_large);
        CHECK(r.error() == "a reply of more than 64 bytes");
    }
    {
        reader r{limits};
        reply out;
        // Nine short elements, 67 bytes in all.
        r.feed("*9\r\n");
        for (int i = 0; i < 9; ++i) r.feed("$1\r\na\r\n");
        CHECK(r.next(out) == reader::result::too_large);
    }
}

TEST_CASE("lengths that are negative, signed or absurdly long are refused", "[unit][mirror]")
{
    for (std::string_view const bytes :
         {"*-2\r\n"sv, "$+5\r\nhello\r\n"sv, "$99999999999999999999\r\n"sv, "*\r\n"sv}) {
        INFO(bytes);
        reader r;
        reply out;
        r.feed(bytes);
        auto const result = r.next(out);
        CHECK((result == reader::result::protocol_error || result == reader::result::too_large));
    }
}

TEST_CASE("replies within the limits pass whatever the split", "[unit][mirror]")
{
    std::string bytes = "*3\r\n$7\r\nmessage\r\n$11\r\nsensor-data\r\n$1000\r\n";
    bytes += std::string(1000, 'x') + "\r\n";
    auto const replies = read_bytewise(bytes + ":1\r\n*-1\r\n$-1\r\n");
    REQUIRE(replies.size() == 4);
    CHECK(replies[0].elements[2].text.size() == 1000);
    CHECK(replies[1].integer == 1);
    CHECK(replies[2].type == reply_type::nil);
    CHECK(replies[3].type == reply_type::nil);
}

TEST_CASE("an error reply's text is bounded and valid UTF-8", "[unit][mirror]")
{
    reader r;
    reply out;
    r.feed("-ERR " + std::string(300, 'x') + "\xFF\r\n");
    REQUIRE(r.next(out) == reader::result::reply);
    CHECK(out.is_error());
    CHECK(out.text == "ERR " + std::string(196, 'x') + "...");
}
