#include <wtf/alarm/samples.hpp>

namespace wtf::alarm {

namespace {

template <class T>
double number(T v) noexcept
{
    return static_cast<double>(v);
}

} // namespace

void append_samples(std::vector<sample>& out, ledger const& l)
{
    auto const c = l.counts();
    constexpr std::string_view state_help =
        "Alarms in the history by state (suppressed ones under shelved and out_of_service)";
    auto const state = [&](std::string_view s, std::size_t v) {
        out.push_back({"wtfd_alarms", "gauge", state_help, "state", s, number(v)});
    };
    state("unacknowledged", c.unacknowledged);
    state("acknowledged", c.acknowledged);
    state("returned_unacknowledged", c.returned_unacknowledged);
    state("normal", c.normal);
    state("shelved", c.shelved);
    state("out_of_service", c.out_of_service);
    out.push_back({"wtfd_alarm_points_shelved",
                   "gauge",
                   "Alarm points shelved now",
                   {},
                   {},
                   number(l.shelves())});
    out.push_back({"wtfd_sensors_out_of_service",
                   "gauge",
                   "Sensors out of service now",
                   {},
                   {},
                   number(l.sensors_out_of_service())});
    for (std::size_t i = 0; i < action_count; ++i)
        out.push_back({"wtfd_alarm_transitions_total", "counter",
                       "Alarm state changes since start, by action", "action",
                       to_string(static_cast<action>(i)), number(l.transitions()[i])});
    for (std::size_t i = 0; i < refusal_kind_count; ++i)
        out.push_back({"wtfd_alarm_commands_refused_total", "counter",
                       "Operator commands refused since start, by reason", "reason",
                       to_string(static_cast<refusal_kind>(i)), number(l.refusals()[i])});
}

void append_samples(std::vector<sample>& out, load_report const& r)
{
    constexpr std::string_view window_help = "Alarm openings in the performance window";
    out.push_back(
        {"wtfd_alarm_openings", "gauge", window_help, "suppressed", "none", number(r.alarms)});
    out.push_back(
        {"wtfd_alarm_openings", "gauge", window_help, "suppressed", "shelved", number(r.shelved)});
    out.push_back({"wtfd_alarm_openings", "gauge", window_help, "suppressed", "out_of_service",
                   number(r.out_of_service)});
    constexpr std::string_view rate_help =
        "Alarms per 10 minutes in the performance window (EEMUA 191 target: 1, at most 2)";
    out.push_back(
        {"wtfd_alarm_rate_per_10min", "gauge", rate_help, "stat", "average", r.average_per_period});
    out.push_back(
        {"wtfd_alarm_rate_per_10min", "gauge", rate_help, "stat", "peak", number(r.peak)});
    out.push_back({"wtfd_alarm_flood_period_share",
                   "gauge",
                   "Share of 10-minute periods with more than 10 alarms (target: under 0.01)",
                   {},
                   {},
                   r.flood_share});
    out.push_back({"wtfd_alarm_chattering_points",
                   "gauge",
                   "Alarm points that opened 3 times within 60 s in the window (target: 0)",
                   {},
                   {},
                   number(r.chattering_points)});
    out.push_back({"wtfd_alarm_stale",
                   "gauge",
                   "Alarms active for more than 24 hours, not suppressed (target: under 5)",
                   {},
                   {},
                   number(r.stale)});
    out.push_back({"wtfd_alarm_top10_share",
                   "gauge",
                   "Share of the window's alarms from its 10 most frequent points",
                   {},
                   {},
                   r.top_share});
}

void append_samples(std::vector<sample>& out, hub_stats const& h)
{
    out.push_back(
        {"wtfd_event_streams", "gauge", "Event streams open now", {}, {}, number(h.streams)});
    out.push_back({"wtfd_event_streams_opened_total",
                   "counter",
                   "Event streams opened",
                   {},
                   {},
                   number(h.opened)});
    out.push_back({"wtfd_event_streams_refused_total",
                   "counter",
                   "Event streams refused at the limit",
                   {},
                   {},
                   number(h.refused)});
    out.push_back({"wtfd_event_streams_cut_total",
                   "counter",
                   "Event streams closed for falling behind",
                   {},
                   {},
                   number(h.cut)});
    out.push_back({"wtfd_event_streams_resumed_total",
                   "counter",
                   "Event streams opened with a Last-Event-ID",
                   {},
                   {},
                   number(h.resumed)});
    out.push_back({"wtfd_event_streams_lost_total",
                   "counter",
                   "Resumed event streams whose missed events had left the buffer",
                   {},
                   {},
                   number(h.lost)});
    out.push_back({"wtfd_events_published_total",
                   "counter",
                   "Events published",
                   {},
                   {},
                   number(h.published)});
    out.push_back({"wtfd_events_buffered",
                   "gauge",
                   "Events in the resume buffer",
                   {},
                   {},
                   number(h.buffered_events)});
    out.push_back({"wtfd_events_buffered_bytes",
                   "gauge",
                   "Bytes of the resume buffer",
                   {},
                   {},
                   number(h.buffered_bytes)});
}

void append_samples(std::vector<sample>& out, recent_readings const& r)
{
    out.push_back({"wtfd_reading_rings",
                   "gauge",
                   "Sensors with recent readings kept",
                   {},
                   {},
                   number(r.sensors())});
    constexpr std::string_view help = "Readings or values not kept in the rings, by reason";
    out.push_back({"wtfd_reading_ring_refusals_total", "counter", help, "reason", "sensor_limit",
                   number(r.sensors_refused())});
    out.push_back({"wtfd_reading_ring_refusals_total", "counter", help, "reason", "parameter_limit",
                   number(r.values_refused())});
    out.push_back({"wtfd_reading_ring_refusals_total", "counter", help, "reason", "out_of_order",
                   number(r.out_of_order())});
}

} // namespace wtf::alarm
