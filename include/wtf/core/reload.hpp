#pragma once
// The reload contract: on SIGHUP every long-lived component is offered its new settings and
// says what it did with them; the daemon logs the ones that need a restart.

namespace wtf::core {

enum class reload_effect {
    unchanged,     // its settings are the same
    applied,       // in effect now
    needs_restart, // some changed settings only take effect after a restart; the rest apply
};

// The stronger of two effects, for a component whose settings come in parts.
constexpr reload_effect combine(reload_effect a, reload_effect b) noexcept { return a > b ? a : b; }

} // namespace wtf::core
