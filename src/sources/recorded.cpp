#include <wtf/sources/recorded.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace wtf::sources {

namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

} // namespace

std::string to_string(row_problem const& p)
{
    std::string out = p.source;
    if (p.line != 0) out += ':' + std::to_string(p.line);
    out += ": ";
    out += p.message;
    return out;
}

bool is_label_column(std::string_view column) noexcept
{
    // SKAB's "anomaly" and "changepoint", and the names other labelled data sets use.
    static constexpr std::array<std::string_view, 5> labels{"anomaly", "changepoint", "label",
                                                            "labels", "is_anomaly"};
    return std::any_of(labels.begin(), labels.end(),
                       [&](std::string_view l) { return equal_ignoring_case(l, column); });
}

std::optional<std::string> column_rules::parameter_for(std::string_view column) const
{
    for (auto const& [from, to] : rename)
        if (from == column) return to;
    for (auto const& name : ignore)
        if (name == column) return std::nullopt;
    if (is_label_column(column)) return std::nullopt;
    return std::string{column};
}

} // namespace wtf::sources
