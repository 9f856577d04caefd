#pragma once
// Every double that becomes text goes through here. std::to_chars writes into a buffer sized for
// the longest text each form can produce, and its result is checked, so no value (1e300, a
// subnormal, -0.0, NaN) can overrun a buffer or yield more than a few dozen bytes. Nothing here
// depends on the locale.

#include <string>

namespace wtf::core {

// How each consumer writes numbers that must read back as the same double.
enum class number_form {
    // JSON and logs: the shortest text, ".0" kept on integral values (45.2, 16.0, 1e+300,
    // 1e-05); NaN and infinities as null (JSON has neither).
    json,
    // TOML (--check-config), for people editing it: positional digits whatever the magnitude
    // (0.00001, not 1e-05; up to 330 bytes at the extremes), ".0" kept; nan, inf, -inf.
    toml,
    // Prometheus and messages: positional digits for 1e-4 <= |v| < 1e21 (0.0005, not 5e-04),
    // the shortest scientific form outside; integral values bare ("between 0 and 2", le="1" as
    // Prometheus' Go client prints); NaN, +Inf, -Inf.
    bare,
};

// Appends at most 26 bytes, except the toml form (at most 330).
void append_number(std::string& out, double v, number_form form = number_form::json);

// For people: rounded to at most `decimals` decimals (clamped to 0..6), trailing zeros dropped
// but one kept ("45.2", "16.0", "0.125"), -0.0 as "0.0". A magnitude of 1e15 or more, whose
// integer digits alone would fill a line and say nothing more, is written in scientific form
// with the same decimals ("1.0e+300", "-2.5e+20"). NaN and infinities as "nan", "inf", "-inf".
// Appends at most 32 bytes.
void append_decimal(std::string& out, double v, int decimals);
std::string decimal_text(double v, int decimals);

} // namespace wtf::core
