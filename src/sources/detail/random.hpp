#pragma once
// A small PRNG with its own distributions. std::uniform_real_distribution and
// std::normal_distribution are implementation-defined, so a generator built on them would
// give different readings on another standard library; these give the same everywhere.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>

namespace wtf::sources::detail {

// Sebastiano Vigna's splitmix64: expands one 64-bit seed into well-mixed state words.
constexpr std::uint64_t splitmix64(std::uint64_t& state) noexcept
{
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// xoshiro256** 1.0 (Blackman and Vigna).
class xoshiro256 {
public:
    constexpr explicit xoshiro256(std::uint64_t seed) noexcept
    {
        for (auto& word : s_) word = splitmix64(seed);
    }

    constexpr std::uint64_t next() noexcept
    {
        auto const result = rotl(s_[1] * 5, 7) * 9;
        auto const t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

    // Advances by 2^128 steps: each call gives a stream that never overlaps the previous one.
    constexpr void jump() noexcept
    {
        constexpr std::uint64_t polynomial[] = {0x180ec6d33cfd0abaULL, 0xd5a61266f0c9392cULL,
                                                0xa9582618e03fc9aaULL, 0x39abdc4529b1661cULL};
        std::uint64_t t[4]{};
        for (auto const word : polynomial) {
            for (int b = 0; b < 64; ++b) {
                if ((word >> b) & 1U) {
                    for (int i = 0; i < 4; ++i) t[i] ^= s_[i];
                }
                next();
            }
        }
        for (int i = 0; i < 4; ++i) s_[i] = t[i];
    }

    // [0, 1) with 53 random bits: exact, so the same on every machine.
    constexpr double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

    double uniform(double low, double high) noexcept { return low + (high - low) * uniform(); }

    // [0, n) for n > 0; the modulo bias is below 2^-50 for the small n used here.
    std::size_t index(std::size_t n) noexcept
    {
        return static_cast<std::size_t>(next() % static_cast<std::uint64_t>(n));
    }

    bool coin() noexcept { return (next() >> 63) != 0; }

    // Standard normal by Box-Muller (one of the pair; the other is dropped to keep no state).
    double normal() noexcept
    {
        double const u1 = 1.0 - uniform(); // (0, 1]: log stays finite
        double const u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }

private:
    static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept
    {
        return (x << k) | (x >> (64 - k));
    }

    std::uint64_t s_[4]{};
};

} // namespace wtf::sources::detail
