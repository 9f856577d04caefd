#pragma once
// The band rules of a series: implausible (outside the physically possible range), and the seed
// system's spike (a value leaves the spike band) and drift (a value stays outside the normal
// band for longer than the drift duration), with episodes. An episode ends when the value is
// back inside its band by the parameter's clear margin, so a value hovering at a band edge is
// one episode, not a stream of them.
//
// Each observe() is inline and costs a compare or two while its value is inside the band and
// no episode is open; everything else (opening, following, closing) is out of line, in
// threshold_rules.cpp.

#include "detect/detail/rules.hpp"

#include <cstddef>
#include <optional>

namespace wtf::detect::detail {

// Implausible: physically impossible (negative flow or pressure), so an instrument fault,
// reported with the first such value. Owns the value: a spike or drift is not reported for it.
class implausible_rule {
public:
    bool observe(series_context const& ctx, core::timestamp t, double value,
                 episode_reporter& report)
    {
        auto const* valid = ctx.rules != nullptr && ctx.rules->valid ? &*ctx.rules->valid : nullptr;
        bool const out = valid != nullptr && !valid->contains(value);
        if (out || open_) follow(ctx, valid, t, value, out, report);
        return out;
    }
    void interrupt() noexcept {}

private:
    void follow(series_context const& ctx, core::band const* valid, core::timestamp t, double value,
                bool out, episode_reporter& report);

    episode open_;
};

class spike_rule {
public:
    bool observe(series_context const& ctx, core::timestamp t, double value,
                 episode_reporter& report)
    {
        if (ctx.rules == nullptr) return false;
        if (open_) return follow(ctx, t, value, report);
        if (!ctx.owned && !ctx.rules->spike.contains(value)) open(ctx, t, value, report);
        return open_ != nullptr;
    }
    void interrupt() noexcept {}

private:
    bool follow(series_context const& ctx, core::timestamp t, double value,
                episode_reporter& report);
    void open(series_context const& ctx, core::timestamp t, double value, episode_reporter& report);

    episode open_;
    std::size_t outside_readings_ = 0; // of the open episode
};

class drift_rule {
public:
    bool observe(series_context const& ctx, core::timestamp t, double value,
                 episode_reporter& report)
    {
        if (ctx.rules == nullptr) return false;
        if (open_ == nullptr && !outside_since_) {
            // Inside the band with nothing pending: the common case.
            if (ctx.owned || ctx.rules->normal.contains(value)) return false;
        } else if (ctx.owned && open_ == nullptr) {
            return true; // pending: outside since outside_since_
        }
        judge(ctx, t, value, report);
        return open_ != nullptr || outside_since_.has_value();
    }

    void interrupt() noexcept { outside_since_.reset(); }

private:
    void judge(series_context const& ctx, core::timestamp t, double value,
               episode_reporter& report);

    std::optional<core::timestamp> outside_since_;
    double pending_peak_ = 0.0; // most extreme value since outside_since_
    episode open_;
};

} // namespace wtf::detect::detail
