#pragma once

// What the alarm tests share: a day to put their events on, and Catch2 printing a command's
// result as its refusal, if any.

#include <wtf/alarm/refusal.hpp>
#include <wtf/core/time.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace Catch {
template <class T>
struct StringMaker<wtf::alarm::result<T>> {
    static std::string convert(wtf::alarm::result<T> const& r)
    {
        return r ? std::string{"accepted"} : "refused: " + r.error().reason;
    }
};
} // namespace Catch

namespace wtf::test {

// 2025-05-28T00:00:00Z (midnight: a ten-minute period boundary) plus `seconds`.
inline core::timestamp at(std::int64_t seconds)
{
    return core::timestamp{std::chrono::sys_days{std::chrono::year{2025} / 5 / 28}} +
           std::chrono::seconds{seconds};
}

} // namespace wtf::test
