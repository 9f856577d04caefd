#pragma once
// The module's numbers for GET /metrics, ready for a Prometheus exposition writer: one sample
// per line, the samples of one family next to each other, label values from closed sets.

#include <wtf/alarm/events.hpp>
#include <wtf/alarm/ledger.hpp>
#include <wtf/alarm/performance.hpp>
#include <wtf/alarm/readings.hpp>

#include <string_view>
#include <vector>

namespace wtf::alarm {

struct sample {
    std::string_view name; // family, "wtfd_alarm_..."
    std::string_view type; // "gauge" or "counter"
    std::string_view help;
    std::string_view label; // label name; empty: none
    std::string_view label_value;
    double value = 0.0;
};

// Alarms by state, shelved points, sensors out of service; transitions and refusals (counters).
void append_samples(std::vector<sample>& out, ledger const& l);
// The alarm-load figures of a report (the configured window, for a scrape).
void append_samples(std::vector<sample>& out, load_report const& r);
// Event streams: open, opened, refused, cut, resumed, lost; events published and buffered.
void append_samples(std::vector<sample>& out, hub_stats const& h);
// Sensors with readings kept, and what was not kept.
void append_samples(std::vector<sample>& out, recent_readings const& r);

} // namespace wtf::alarm
