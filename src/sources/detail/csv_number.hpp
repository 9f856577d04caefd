#pragma once
// A CSV cell as a number: what a plant file holds (a short plain decimal) is converted on a fast
// path that gives exactly std::from_chars's result; anything else goes to std::from_chars.

#include <string_view>

namespace wtf::sources::detail {

enum class number_status { ok, not_a_number, not_finite, out_of_range };

// A decimal number filling all of `s`, in from_chars's syntax plus an optional leading '+'.
number_status parse_number(std::string_view s, double& out) noexcept;

} // namespace wtf::sources::detail
