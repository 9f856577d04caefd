#pragma once
// The rules of one (sensor, parameter) series, composed at compile time: one call per value
// runs them all, inlined, so a value inside its bands with no episode open costs a handful of
// compares rather than a virtual call per rule (`wtfd analyze` reads millions of values a
// second).
//
// A series rule is a class with
//   bool observe(series_context const&, core::timestamp, double value, episode_reporter&);
//   void interrupt() noexcept; // the sensor was silent longer than the dropout gap
// where observe() returns whether the rule owns the value (it lies outside the rule's band, or
// the rule's episode is open). A new one is one entry in `series_rules::rules`.

#include "detect/detail/rules.hpp"
#include "detect/detail/statistical_rules.hpp"
#include "detect/detail/threshold_rules.hpp"

#include <concepts>
#include <tuple>

namespace wtf::detect::detail {

// clang-format 14 cannot lay out a requires-expression.
// clang-format off
template <typename Rule>
concept series_rule = requires(Rule rule, series_context const& ctx, core::timestamp t,
                               episode_reporter& report) {
    { rule.observe(ctx, t, 0.0, report) } -> std::same_as<bool>;
    { rule.interrupt() } noexcept;
};
// clang-format on

class series_rules {
public:
    // Runs every rule on the value; `ctx.owned` is whether a rule owns it on return.
    void observe(series_context& ctx, core::timestamp t, double value, episode_reporter& report)
    {
        std::apply(
            [&](series_rule auto&... rule) {
                ((ctx.owned = rule.observe(ctx, t, value, report) || ctx.owned), ...);
            },
            rules_);
    }

    void interrupt() noexcept
    {
        std::apply([](series_rule auto&... rule) { (rule.interrupt(), ...); }, rules_);
    }

private:
    // The order of ownership: a value a rule owns is left alone by the rules after it.
    std::tuple<implausible_rule, spike_rule, drift_rule, statistical_rules> rules_;
};

} // namespace wtf::detect::detail
