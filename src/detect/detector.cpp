#include <wtf/detect/detector.hpp>

#include "detect/detail/cadence.hpp"
#include "detect/detail/multivariate_rule.hpp"
#include "detect/detail/rules.hpp"
#include "detect/detail/series_rules.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace wtf::detect {

namespace {

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
    detail::series_rules judges; // add new series detectors in series_rules.hpp
};

struct sensor_state {
    std::string id;
    std::optional<core::timestamp> last_time;
    std::uint64_t readings = 0;
    std::size_t active = 0;
    std::vector<series_state> series;
    std::vector<std::unique_ptr<detail::sensor_rule>> detectors;
    // Over all parameters at once, after the series rules; null when switched off.
    std::unique_ptr<detail::multivariate_rule> multivariate;
    std::vector<detail::value_note> notes; // per value of the reading being judged, reused
    detail::cadence cadence;               // kept only with dropout_gap_s = "auto"

    // How long the sensor may stay silent: the fixed gap, or with "auto" its own from the
    // cadence's median (absent until that is known). Worked out when the settings or the
    // median change, not on every reading and tick.
    detail::silence_limit gap;

    void refresh_gap(settings const& config) noexcept
    {
        if (!config.dropout_gap_auto) {
            gap = config.dropout_gap;
            return;
        }
        auto const median = cadence.median();
        if (!median) {
            gap.reset();
            return;
        }
        // Readings years apart times a large multiple exceed what microseconds hold; no gap
        // needs to be longer than the valid time range, and the bound keeps `last + gap` in it.
        double const scaled = static_cast<double>(median->count()) * config.dropout_gap_multiple;
        double const longest = static_cast<double>(core::max_time_span.count());
        if (!(scaled < longest)) {
            gap = core::max_time_span;
            return;
        }
        gap =
            std::max(std::chrono::microseconds{1}, std::chrono::microseconds{std::llround(scaled)});
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
    // Every sensor was checked at `clock`. A reading at the clock's time cannot make a dropout
    // due then (a sensor that reports is not silent), so a replay's tick per reading checks
    // the sensors once per distinct time; an older reading or new settings check again.
    bool clock_checked = false;
    std::uint64_t next_id = 1;
    std::size_t active = 0;
    std::uint64_t baselines_version = 0;
    std::uint64_t values_untracked = 0; // of parameters beyond a sensor's max_parameters
    // Baselines loaded for sensors that have not reported yet.
    std::map<std::string, sensor_baseline, std::less<>> waiting;
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
        state->refresh_gap(config);
        if (config.multivariate.enabled) {
            state->multivariate = std::make_unique<detail::multivariate_rule>();
            if (auto const found = waiting.find(id); found != waiting.end()) {
                state->multivariate->preload(std::move(found->second));
                waiting.erase(found);
            }
        }
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

    // The index of the sensor's series of `parameter`. Readings of one source list their
    // parameters in the same order every time, so the series at the same position is tried
    // first; a new parameter adds a series once, while the sensor has fewer than
    // max_parameters (value_note::untracked after that).
    std::uint32_t series_for(sensor_state& s, std::size_t position, std::string_view parameter)
    {
        if (position < s.series.size() && s.series[position].parameter == parameter)
            return static_cast<std::uint32_t>(position);
        for (std::size_t i = 0; i < s.series.size(); ++i)
            if (s.series[i].parameter == parameter) return static_cast<std::uint32_t>(i);
        if (s.series.size() >= config.max_parameters) return detail::value_note::untracked;
        auto& added = s.series.emplace_back();
        added.parameter = parameter;
        added.rules = rules_for(parameter);
        return static_cast<std::uint32_t>(s.series.size() - 1);
    }

    detail::episode_reporter reporter(sensor_state& s, event_sink& out) noexcept
    {
        return {next_id, active, s.active, baselines_version, out};
    }

    // Switched on or off by a reload: made or ended at the sensor's next reading.
    void update_multivariate(sensor_state& s, detail::episode_reporter& report)
    {
        if (config.multivariate.enabled && !s.multivariate) {
            s.multivariate = std::make_unique<detail::multivariate_rule>();
        } else if (!config.multivariate.enabled && s.multivariate) {
            s.multivariate->finish(report);
            s.multivariate.reset();
            ++baselines_version;
        }
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
    impl_->clock_checked = false;
    // Rule pointers refer into config.parameters, which was just replaced.
    for (auto* sensor : impl_->in_order) {
        sensor->refresh_gap(s);
        for (auto& series : sensor->series) series.rules = impl_->rules_for(series.parameter);
        if (sensor->multivariate) sensor->multivariate->apply(s.multivariate);
    }
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

    auto const gap = sensor.gap; // this reading is judged by the gap before it
    if (sensor.last_time && gap && core::elapsed(*sensor.last_time, r.time) > *gap)
        for (auto& series : sensor.series) series.judges.interrupt();
    // The interval joins the cadence after this reading was judged by the gap before it.
    if (sensor.last_time && d.config.dropout_gap_auto &&
        sensor.cadence.add(core::elapsed(*sensor.last_time, r.time)))
        sensor.refresh_gap(d.config);
    sensor.last_time = r.time;
    ++sensor.readings;
    if (r.time < d.clock) d.clock_checked = false;

    auto report = d.reporter(sensor, out);
    for (auto& rule : sensor.detectors) rule->observe(r, gap, report);
    if (sensor.notes.size() < r.values.size()) sensor.notes.resize(r.values.size());
    for (std::size_t i = 0; i < r.values.size(); ++i) {
        auto const& m = r.values[i];
        auto const index = d.series_for(sensor, i, m.parameter);
        if (index == detail::value_note::untracked) {
            ++d.values_untracked;
            sensor.notes[i] = {index, false};
            continue;
        }
        auto& series = sensor.series[index];
        detail::series_context ctx{sensor.id, series.parameter, series.rules, d.config};
        series.judges.observe(ctx, r.time, m.value, report);
        sensor.notes[i] = {index, ctx.owned};
    }
    if (sensor.multivariate || d.config.multivariate.enabled) {
        d.update_multivariate(sensor, report);
        if (sensor.multivariate)
            sensor.multivariate->observe(r, {sensor.notes.data(), r.values.size()},
                                         d.config.multivariate, report);
    }
    return verdict::accepted;
}

void detector::advance(core::timestamp now, event_sink& out)
{
    auto& d = *impl_;
    if (now < d.clock || (now == d.clock && d.clock_checked)) return;
    d.clock = now;
    d.clock_checked = true;
    for (auto* sensor : d.in_order) {
        auto report = d.reporter(*sensor, out);
        for (auto& rule : sensor->detectors) rule->advance(now, sensor->id, sensor->gap, report);
    }
}

std::string describe(std::string_view sensor_id, baseline_note const& note)
{
    std::string line = "Multivariate baseline ";
    switch (note.event) {
    case baseline_event::learned: line += "learned"; break;
    case baseline_event::refined: line += "refined"; break;
    case baseline_event::relearning: line += "relearning"; break;
    case baseline_event::loaded: line += "loaded"; break;
    }
    line += " sensor=";
    line += sensor_id;
    line += " parameters=" + std::to_string(note.parameters);
    if (note.components > 0) line += " components=" + std::to_string(note.components);
    if (!note.reason.empty()) {
        line += " reason=\"";
        line += note.reason;
        line += '"';
    }
    return line;
}

bool detector::relearn(std::string_view sensor_id, event_sink& out)
{
    auto& d = *impl_;
    bool const waited = d.waiting.erase(std::string{sensor_id}) > 0;
    if (waited) ++d.baselines_version;
    auto const found = d.by_id.find(sensor_id);
    if (found == d.by_id.end()) return waited;
    auto& sensor = *found->second;
    if (sensor.multivariate) {
        auto report = d.reporter(sensor, out);
        sensor.multivariate->relearn(sensor.id, "asked", d.config.multivariate, report);
    }
    return true;
}

void detector::relearn_all(event_sink& out)
{
    auto& d = *impl_;
    if (!d.waiting.empty()) ++d.baselines_version;
    d.waiting.clear();
    for (auto* sensor : d.in_order)
        if (sensor->multivariate) {
            auto report = d.reporter(*sensor, out);
            sensor->multivariate->relearn(sensor->id, "asked", d.config.multivariate, report);
        }
}

std::optional<std::string> detector::load_baseline(std::string_view sensor_id, sensor_baseline b,
                                                   event_sink& out)
{
    auto& d = *impl_;
    auto const found = d.by_id.find(sensor_id);
    if (found == d.by_id.end()) {
        d.waiting.insert_or_assign(std::string{sensor_id}, std::move(b));
        ++d.baselines_version;
        return std::nullopt;
    }
    auto& sensor = *found->second;
    auto report = d.reporter(sensor, out);
    d.update_multivariate(sensor, report);
    if (!sensor.multivariate) return std::string{"the multivariate detector is switched off"};
    auto problem =
        sensor.multivariate->load(sensor.id, std::move(b), d.config.multivariate, report);
    if (!problem) ++d.baselines_version;
    return problem;
}

std::optional<baseline_status> detector::baseline_of(std::string_view sensor_id) const
{
    auto const& d = *impl_;
    auto const found = d.by_id.find(sensor_id);
    if (found == d.by_id.end()) {
        auto const waiting = d.waiting.find(sensor_id);
        if (waiting == d.waiting.end()) return std::nullopt;
        baseline_status s;
        s.state = "waiting";
        s.warmup = d.config.multivariate.warmup;
        s.threshold = d.config.multivariate.alarm;
        s.baseline = waiting->second;
        return s;
    }
    auto const& sensor = *found->second;
    if (sensor.multivariate) return sensor.multivariate->status(d.config.multivariate);
    baseline_status s;
    s.state = "off";
    return s;
}

void detector::for_each_baseline(
    std::function<void(std::string_view, sensor_baseline const&)> const& visit) const
{
    auto const& d = *impl_;
    for (auto const* sensor : d.in_order)
        if (sensor->multivariate)
            if (auto const b = sensor->multivariate->baseline()) visit(sensor->id, *b);
    for (auto const& [id, b] : d.waiting) visit(id, b);
}

std::uint64_t detector::baselines_version() const noexcept { return impl_->baselines_version; }
std::uint64_t detector::values_untracked() const noexcept { return impl_->values_untracked; }

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
        visit(sensor_info{s->id, s->last_time, s->readings, s->active, s->gap});
}

std::optional<sensor_info> detector::sensor(std::string_view sensor_id) const
{
    auto const it = impl_->by_id.find(sensor_id);
    if (it == impl_->by_id.end()) return std::nullopt;
    auto const& s = *it->second;
    return sensor_info{s.id, s.last_time, s.readings, s.active, s.gap};
}

} // namespace wtf::detect
