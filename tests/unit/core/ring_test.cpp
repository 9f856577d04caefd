#include <wtf/core/ring.hpp>

#include <catch2/catch.hpp>

TEST_CASE("a ring keeps the newest elements oldest first when it wraps around", "[unit]")
{
    wtf::core::ring<int> r{3};
    for (int i = 1; i <= 5; ++i) r.push_back(i);
    REQUIRE(r.size() == 3);
    CHECK(r[0] == 3);
    CHECK(r[1] == 4);
    CHECK(r[2] == 5);
    CHECK(r.front() == 3);
    CHECK(r.back() == 5);
}

TEST_CASE("a ring that has not filled up indexes from its first element", "[unit]")
{
    wtf::core::ring<int> r{4};
    r.push_back(7);
    r.push_back(8);
    CHECK(r.size() == 2);
    CHECK_FALSE(r.full());
    CHECK(r[0] == 7);
    CHECK(r[1] == 8);
}
