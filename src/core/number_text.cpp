#include <wtf/core/number_text.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <string_view>

namespace wtf::core {

namespace {

// Sized for the longest text of each form, and to_chars's result is checked all the same:
// the shortest round trip of a double is at most 24 bytes ("-2.2250738585072014e-308"),
// positional digits below 1e21 or fixed below 1e15 with six decimals at most 23; positional
// digits of any double at most 327 (a subnormal: "-0.", 307 zeros, 17 digits; DBL_MAX has 309).
using buffer = std::array<char, 32>;
using wide_buffer = std::array<char, 400>;

template <class Buffer, class... Format>
std::string_view write(Buffer& buf, double v, Format... format) noexcept
{
    auto const [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v, format...);
    if (ec != std::errc{}) return {};
    return {buf.data(), static_cast<std::size_t>(end - buf.data())};
}

// Cannot fail: the shortest form fits the buffer. Used should a wider form ever not.
template <class Buffer>
std::string_view write_checked(Buffer& buf, double v, std::string_view text) noexcept
{
    return text.empty() ? write(buf, v) : text;
}

std::string_view non_finite(double v, number_form form) noexcept
{
    switch (form) {
    case number_form::json: return "null";
    case number_form::toml: return std::isnan(v) ? "nan" : v < 0 ? "-inf" : "inf";
    case number_form::bare: return std::isnan(v) ? "NaN" : v < 0 ? "-Inf" : "+Inf";
    }
    return "null";
}

bool positional(double v) noexcept
{
    double const magnitude = std::abs(v);
    return magnitude == 0.0 || (magnitude >= 1e-4 && magnitude < 1e21);
}

} // namespace

void append_number(std::string& out, double v, number_form form)
{
    if (!std::isfinite(v)) {
        out += non_finite(v, form);
        return;
    }
    wide_buffer buf;
    std::string_view text;
    switch (form) {
    case number_form::json: text = write(buf, v); break;
    case number_form::toml: text = write(buf, v, std::chars_format::fixed); break;
    case number_form::bare:
        text =
            write(buf, v, positional(v) ? std::chars_format::fixed : std::chars_format::scientific);
        break;
    }
    text = write_checked(buf, v, text);
    out += text;
    // Python and people write 16.0, not 16: keep the reading's type visible.
    if (form != number_form::bare && text.find_first_of(".e") == std::string_view::npos)
        out += ".0";
}

void append_decimal(std::string& out, double v, int decimals)
{
    if (!std::isfinite(v)) {
        out += std::isnan(v) ? "nan" : v < 0 ? "-inf" : "inf";
        return;
    }
    int const precision = std::clamp(decimals, 0, 6);
    bool const huge = std::abs(v) >= 1e15;
    buffer buf;
    auto text =
        write(buf, v, huge ? std::chars_format::scientific : std::chars_format::fixed, precision);
    text = write_checked(buf, v, text);

    auto const e = text.find('e');
    auto mantissa = text.substr(0, e);
    auto const exponent = e == std::string_view::npos ? std::string_view{} : text.substr(e);
    auto const dot = mantissa.find('.');
    if (dot != std::string_view::npos)
        while (mantissa.size() > dot + 2 && mantissa.back() == '0') mantissa.remove_suffix(1);
    // A value that rounds to zero from below is not "-0.0" to a reader.
    if (mantissa.find_first_not_of("-0.") == std::string_view::npos && exponent.empty()) {
        out += "0.0";
        return;
    }
    out += mantissa;
    if (dot == std::string_view::npos) out += ".0";
    out += exponent;
}

std::string decimal_text(double v, int decimals)
{
    std::string out;
    append_decimal(out, v, decimals);
    return out;
}

} // namespace wtf::core
