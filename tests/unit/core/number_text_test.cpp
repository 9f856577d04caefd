#include <wtf/core/number_text.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <charconv>
#include <limits>

using wtf::core::append_number;
using wtf::core::decimal_text;
using wtf::core::number_form;

namespace {

std::string number(double v, number_form form)
{
    std::string s;
    append_number(s, v, form);
    return s;
}

double read_back(std::string const& text)
{
    double v = 0.0;
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    REQUIRE(ec == std::errc{});
    REQUIRE(end == text.data() + text.size());
    return v;
}

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double quiet_nan = std::numeric_limits<double>::quiet_NaN();

// The values that break fixed-size buffers or fixed notation.
constexpr std::array extremes{1e300,
                              -1e300,
                              std::numeric_limits<double>::max(),
                              std::numeric_limits<double>::lowest(),
                              std::numeric_limits<double>::min(),
                              std::numeric_limits<double>::denorm_min(),
                              -2.2250738585072014e-308,
                              1.2345678901234567e20,
                              -1.2345678901234567e-5,
                              1e30,
                              0.0,
                              -0.0};

} // namespace

TEST_CASE("JSON numbers are the shortest text that reads back, with .0 on integral values",
          "[unit]")
{
    CHECK(number(45.2, number_form::json) == "45.2");
    CHECK(number(16.0, number_form::json) == "16.0");
    CHECK(number(1e300, number_form::json) == "1e+300");
    CHECK(number(1e-5, number_form::json) == "1e-05");
    CHECK(number(inf, number_form::json) == "null");
    CHECK(number(quiet_nan, number_form::json) == "null");
}

TEST_CASE("TOML numbers are positional whatever the magnitude and keep .0", "[unit]")
{
    CHECK(number(0.0001, number_form::toml) == "0.0001");
    CHECK(number(1e-5, number_form::toml) == "0.00001");
    CHECK(number(15.0, number_form::toml) == "15.0");
    // Exact digits, as the config file may have them; they read back as the same double.
    auto const huge = number(1e300, number_form::toml);
    CHECK(huge.starts_with("1000000000000000052504760255204420248704468581108159154915854115"));
    CHECK(huge.ends_with(".0"));
    CHECK(read_back(huge) == 1e300);
    CHECK(number(-inf, number_form::toml) == "-inf");
    CHECK(number(quiet_nan, number_form::toml) == "nan");
}

TEST_CASE("bare numbers leave integral values without a point", "[unit]")
{
    CHECK(number(1.0, number_form::bare) == "1");
    CHECK(number(0.0005, number_form::bare) == "0.0005");
    CHECK(number(1e21, number_form::bare) == "1e+21");
    CHECK(number(inf, number_form::bare) == "+Inf");
    CHECK(number(quiet_nan, number_form::bare) == "NaN");
}

TEST_CASE("every form of an extreme value is short and reads back exactly", "[unit]")
{
    for (double const v : extremes) {
        for (auto form : {number_form::json, number_form::toml, number_form::bare}) {
            auto const text = number(v, form);
            INFO(text);
            CHECK(text.size() <= (form == number_form::toml ? 330U : 26U));
            CHECK(read_back(text) == v);
        }
    }
}

TEST_CASE("decimals for people round, drop trailing zeros and keep one", "[unit]")
{
    CHECK(decimal_text(45.2, 3) == "45.2");
    CHECK(decimal_text(16.0, 1) == "16.0");
    CHECK(decimal_text(0.125, 3) == "0.125");
    CHECK(decimal_text(16.04, 1) == "16.0");
    CHECK(decimal_text(2.0, 0) == "2.0");
    CHECK(decimal_text(-0.0001, 3) == "0.0");
    CHECK(decimal_text(-0.0, 1) == "0.0");
    CHECK(decimal_text(-3.25, 1) == "-3.2");
    CHECK(decimal_text(999'999'999'999'999.0, 3) == "999999999999999.0");
}

TEST_CASE("decimals for people write absurd magnitudes in scientific form", "[unit]")
{
    // Issue 11: "%.3f" of 1e300 is 305 characters, which overran a 64-byte buffer.
    CHECK(decimal_text(1e300, 3) == "1.0e+300");
    CHECK(decimal_text(-2.5e20, 3) == "-2.5e+20");
    CHECK(decimal_text(1e30, 1) == "1.0e+30");
    CHECK(decimal_text(1e15, 1) == "1.0e+15");
    CHECK(decimal_text(inf, 1) == "inf");
    CHECK(decimal_text(-inf, 1) == "-inf");
    CHECK(decimal_text(quiet_nan, 1) == "nan");
    for (double const v : extremes) {
        for (int decimals : {-1, 0, 1, 3, 6, 40}) {
            auto const text = decimal_text(v, decimals);
            INFO(text);
            CHECK(text.size() <= 32);
            CHECK(text.find_first_not_of("0123456789.-+e") == std::string::npos);
        }
    }
}
