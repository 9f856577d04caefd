#pragma once

#include <cstddef>
#include <string>

namespace wtf::store {

// [storage]
struct settings {
    std::string state_dir = "/var/lib/wtfd";
    std::size_t anomaly_history = 1000;  // anomalies kept in memory and served by /anomalies
    std::size_t summary_history = 100;   // summaries kept
};

} // namespace wtf::store
