#include <wtf/detect/settings.hpp>

namespace wtf::detect {

std::vector<parameter_rules> settings::default_parameters()
{
    // The seed system's thresholds. The clear margins are about 5 % of each normal band's
    // width: enough to stop a noisy value at a band edge from opening episode after episode.
    return {
        {"temperature", "°C", {5.0, 40.0}, {10.0, 35.0}, 0.5},
        {"pressure", "bar", {0.5, 4.0}, {1.0, 3.0}, 0.1},
        {"flow", "L/min", {10.0, 120.0}, {20.0, 100.0}, 1.0},
    };
}

} // namespace wtf::detect
