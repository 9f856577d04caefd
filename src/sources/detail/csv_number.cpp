#include "sources/detail/csv_number.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>

namespace wtf::sources::detail {

namespace {

// At most this many digits make an integer below 2^53, exact in a double.
constexpr int max_exact_digits = 15;
constexpr std::array<double, max_exact_digits + 1> powers_of_ten{
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

// Clinger's fast path, the one strtod and from_chars take first: [-]digits[.digits] with at
// most 15 digits is an integer below 2^53 divided by a power of ten up to 10^15, both exact in
// a double, so the one correctly rounded division is the correctly rounded value. False for
// anything else (exponents, more digits, no digit, other characters): from_chars decides.
bool parse_plain_decimal(char const* first, char const* last, double& out) noexcept
{
    bool const negative = first != last && *first == '-';
    if (negative) ++first;
    // Digits, then perhaps a point and more digits. The mantissa may wrap on a long run of
    // digits; such a number has more than 15 and is refused below.
    std::uint64_t mantissa = 0;
    auto const digits_from = [&](char const* p) {
        for (; p != last; ++p) {
            auto const digit = static_cast<unsigned>(static_cast<unsigned char>(*p) - '0');
            if (digit > 9) break;
            mantissa = mantissa * 10 + digit;
        }
        return p;
    };
    char const* p = digits_from(first);
    auto const whole = p - first;
    std::ptrdiff_t decimals = 0;
    if (p != last && *p == '.') {
        char const* const fraction = p + 1;
        p = digits_from(fraction);
        decimals = p - fraction;
    }
    auto const digits = whole + decimals;
    if (p != last || digits == 0 || digits > max_exact_digits) return false;
    double const magnitude =
        static_cast<double>(mantissa) / powers_of_ten[static_cast<std::size_t>(decimals)];
    out = negative ? -magnitude : magnitude;
    return true;
}

} // namespace

number_status parse_number(std::string_view s, double& out) noexcept
{
    char const* first = s.data();
    char const* const last = first + s.size();
    // std::from_chars takes no '+'.
    if (first != last && *first == '+') {
        ++first;
        if (first != last && *first == '-') return number_status::not_a_number;
    }
    if (parse_plain_decimal(first, last, out)) return number_status::ok;
    auto const [end, ec] = std::from_chars(first, last, out);
    if (ec == std::errc::invalid_argument || end != last) return number_status::not_a_number;
    if (ec == std::errc::result_out_of_range) return number_status::out_of_range;
    if (!std::isfinite(out)) return number_status::not_finite;
    return number_status::ok;
}

} // namespace wtf::sources::detail
