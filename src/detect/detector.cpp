#include <wtf/detect/detector.hpp>

#include "detect/detail/cadence.hpp"
#include "detect/detail/rules.hpp"

#include <algorithm>
#include <chrono>
#include <string>
#include <unordered_map>
#include <vector>

namespace wtf::detect {

namespace {

// Every (sensor, parameter) series gets one instance of each; add new series detectors here.
std::vector<std::unique_ptr<detail::series_rule>> make_series_rules()
{
    std::vector<std::unique_ptr<detail::series_rule>> rules;
    rules.push_back(detail::make_spike_rule());
    rules.push_back(detail::make_drift_rule());
    return rules;
}

// Every sensor gets one instance of each; add new per-sensor (multivariate) detectors here.
std::vector<std::unique_ptr<detail::sensor_rule>>
make_sensor_rules(std::optional<core::timestamp> silent_since)
{
    std::vector<std::unique_ptr<detail::sensor_rule>> rules;
    rules.push_back(detail::make_dropout_rule(silent_since));
    return rules;
}

struct series_state {
    std::string parameter;
    parameter_rules const* rules = nullptr;
    std::vector<std::unique_ptr<detail::series_rule>> detectors = make_series_rules();
};

struct sensor_state {
    std::string id;
    std::optional<core::timestamp> last_time;
    std::uint64_t readings = 0;
    std::size_t active = 0;
    std::vector<series_state> series;
    std::vector<std::unique_ptr<detail::sensor_rule>> detectors;
    detail::cadence cadence; // kept only with dropout_gap_s = "auto"

    detail::silence_limit gap(settings const& config) const noexcept
    {
        if (!config.dropout_gap_auto) return config.dropout_gap;
        auto const median = cadence.median();
        if (!median) return std::nullopt;
        auto const scaled =
            std::chrono::duration<double, std::micro>(*median) * config.dropout_gap_multiple;
        return std::max(std::chrono::microseconds{1},
                        std::chrono::round<std::chrono::microseconds>(scaled));
    }
};

// Lets the sensor map be searched with a string_view, without building a std::string.
struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept
    {
        return std::hash<std::string_view>{}(s);
    }
};

} // namespace

struct detector::impl {
    settings config;
    core::timestamp clock;
    std::uint64_t next_id = 1;
    std::size_t active = 0;
    std::unordered_map<std::string, std::unique_ptr<sensor_state>, string_hash, std::equal_to<>>
        by_id;
    std::vector<sensor_state*> in_order; // first-seen order, for deterministic ticks

    parameter_rules const* rules_for(std::string_view parameter) const noexcept
    {
        for (auto const& p : config.parameters)
            if (p.name == parameter) return &p;
        return nullptr;
    }

    sensor_state& add_sensor(std::string_view id, std::optional<core::timestamp> expected_since)
    {
        auto state = std::make_unique<sensor_state>();
        state->id = id;
        state->detectors = make_sensor_rules(expected_since);
        auto& ref = *state;
        by_id.emplace(state->id, std::move(state));
        in_order.push_back(&ref);
        return ref;
    }

    void add_expected(core::timestamp since)
    {
        for (auto const& id : config.expected_sensors)
            if (!by_id.contains(id)) add_sensor(id, since);
    }

    // Readings of one source list their parameters in the same order every time, so the series
    // at the same position is tried first; a new parameter adds a series once.
    series_state& series_for(sensor_state& s, std::size_t position, std::string_view parameter)
    {
        if (position < s.series.size() && s.series[position].parameter == parameter)
            return s.series[position];
        for (auto& candidate : s.series)
            if (candidate.parameter == parameter) return candidate;
        auto& added = s.series.emplace_back();
        added.parameter = parameter;
        added.rules = rules_for(parameter);
        return added;
    }

    detail::episode_reporter reporter(sensor_state& s, event_sink& out) noexcept
    {
        return {next_id, active, s.active, out};
    }
};

detector::detector(settings s, core::timestamp start) : impl_{std::make_unique<impl>()}
{
    impl_->config = std::move(s);
    impl_->clock = start;
    impl_->add_expected(start);
}

detector::~detector() = default;

core::reload_effect detector::apply(settings const& s)
{
    if (s == impl_->config) return core::reload_effect::unchanged;
    impl_->config = s;
    // Rule pointers refer into config.parameters, which was just replaced.
    for (auto* sensor : impl_->in_order)
        for (auto& series : sensor->series) series.rules = impl_->rules_for(series.parameter);
    impl_->add_expected(impl_->clock);
    return core::reload_effect::applied;
}

settings const& detector::current() const noexcept { return impl_->config; }

verdict detector::observe(core::reading const& r, event_sink& out)
{
    auto& d = *impl_;
    auto found = d.by_id.find(r.sensor_id);
    auto& sensor = found != d.by_id.end() ? *found->second : d.add_sensor(r.sensor_id, {});
    if (sensor.last_time && r.time <= *sensor.last_time) return verdict::stale;

    auto const gap = sensor.gap(d.config);
    if (sensor.last_time && gap && r.time - *sensor.last_time > *gap)
        for (auto& series : sensor.series)
            for (auto& rule : series.detectors) rule->interrupt();
    // The interval joins the cadence after this reading was judged by the gap before it.
    if (sensor.last_time && d.config.dropout_gap_auto)
        sensor.cadence.add(r.time - *sensor.last_time);
    sensor.last_time = r.time;
    ++sensor.readings;

    auto report = d.reporter(sensor, out);
    for (auto& rule : sensor.detectors) rule->observe(r, gap, report);
    for (std::size_t i = 0; i < r.values.size(); ++i) {
        auto const& m = r.values[i];
        auto& series = d.series_for(sensor, i, m.parameter);
        detail::series_context const ctx{sensor.id, series.parameter, series.rules, d.config};
        for (auto& rule : series.detectors) rule->observe(ctx, r.time, m.value, report);
    }
    return verdict::accepted;
}

void detector::advance(core::timestamp now, event_sink& out)
{
    auto& d = *impl_;
    if (now < d.clock) return;
    d.clock = now;
    for (auto* sensor : d.in_order) {
        auto report = d.reporter(*sensor, out);
        auto const gap = sensor->gap(d.config);
        for (auto& rule : sensor->detectors) rule->advance(now, sensor->id, gap, report);
    }
}

void detector::set_next_id(std::uint64_t id) noexcept { impl_->next_id = id; }
std::uint64_t detector::next_id() const noexcept { return impl_->next_id; }

bool detector::knows(std::string_view sensor_id) const noexcept
{
    return impl_->by_id.find(sensor_id) != impl_->by_id.end();
}

std::size_t detector::sensor_count() const noexcept { return impl_->in_order.size(); }
std::size_t detector::active_count() const noexcept { return impl_->active; }

void detector::for_each_sensor(std::function<void(sensor_info const&)> const& visit) const
{
    for (auto const* s : impl_->in_order)
        visit(sensor_info{s->id, s->last_time, s->readings, s->active, s->gap(impl_->config)});
}

std::optional<sensor_info> detector::sensor(std::string_view sensor_id) const
{
    auto const it = impl_->by_id.find(sensor_id);
    if (it == impl_->by_id.end()) return std::nullopt;
    auto const& s = *it->second;
    return sensor_info{s.id, s.last_time, s.readings, s.active, s.gap(impl_->config)};
}

} // namespace wtf::detect
