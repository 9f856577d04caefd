#include "detect/detail/multivariate_rule.hpp"

#include <algorithm>

namespace wtf::detect::detail {

namespace {

// Contributions below this share are not listed: they are rounding, not drivers.
constexpr double listed_share = 0.005;

static_assert(mv_max_parameters <= 32); // a bit each in map_values

std::int64_t microseconds(core::timestamp t) noexcept { return t.time_since_epoch().count(); }

core::timestamp at_microseconds(std::int64_t us) noexcept
{
    return core::timestamp{std::chrono::microseconds{us}};
}

std::string_view end_name(mv_end e) noexcept
{
    switch (e) {
    case mv_end::calm: return "calm";
    case mv_end::settled: return "settled";
    case mv_end::too_long: return "too_long";
    }
    return "calm";
}

// `names` and then the reading's judged parameters it lacks, each once, up to the model's
// capacity.
std::vector<std::string> with_parameters_of(core::reading const& r,
                                            std::span<value_note const> notes,
                                            std::vector<std::string> names)
{
    for (std::size_t i = 0; i < r.values.size(); ++i) {
        if (names.size() == mv_max_parameters) break;
        auto const parameter = r.values[i].parameter;
        if (notes[i].series != value_note::untracked &&
            std::find(names.begin(), names.end(), parameter) == names.end())
            names.emplace_back(parameter);
    }
    return names;
}

} // namespace

void multivariate_rule::start(std::vector<std::string> names, multivariate_settings const& settings)
{
    names_ = std::move(names);
    seen_.fill(false);
    slots_.clear();
    detector_.emplace(settings, names_.size());
    origin_ = baseline_origin::learned;
    if (!pending_) return;
    // A loaded baseline fits when it models exactly these parameters, in any order.
    auto const& b = *pending_;
    bool const fits =
        b.parameters.size() == names_.size() &&
        std::all_of(names_.begin(), names_.end(), [&](auto const& n) {
            return std::find(b.parameters.begin(), b.parameters.end(), n) != b.parameters.end();
        });
    if (fits && detector_->load(b.model)) {
        reorder(b.parameters);
        learned_at_ = b.learned_at;
        origin_ = b.origin;
    }
    pending_.reset();
}

// The model's parameters in another order (a loaded baseline's): the last values follow them.
void multivariate_rule::reorder(std::vector<std::string> const& names)
{
    auto const old_names = names_;
    auto const old_values = values_;
    auto const old_seen = seen_;
    names_ = names;
    for (std::size_t i = 0; i < names_.size(); ++i) {
        auto const from = static_cast<std::size_t>(
            std::find(old_names.begin(), old_names.end(), names_[i]) - old_names.begin());
        bool const known = from < old_names.size();
        values_[i] = known ? old_values[from] : 0.0;
        seen_[i] = known && old_seen[from];
    }
    slots_.clear();
}

std::uint8_t multivariate_rule::resolve_slot(std::uint32_t series, std::string_view parameter)
{
    if (series >= slots_.size()) slots_.resize(series + 1, unresolved);
    auto const found = std::find(names_.begin(), names_.end(), parameter);
    slots_[series] =
        found == names_.end() ? not_modelled : static_cast<std::uint8_t>(found - names_.begin());
    return slots_[series];
}

// Fills values_ in model order. A parameter missing from this reading keeps its last value;
// `grown` is set when the reading has a parameter the model lacks (and has room for). False
// when a value is owned by a series rule or a parameter never had a value.
bool multivariate_rule::map_values(core::reading const& r, std::span<value_note const> notes,
                                   bool& grown)
{
    bool usable = true;
    bool unmodelled = false;
    std::uint32_t present = 0; // bit per slot
    for (std::size_t i = 0; i < r.values.size(); ++i) {
        if (notes[i].series == value_note::untracked) continue;
        auto const slot = slot_of(notes[i], r.values[i].parameter);
        if (slot == not_modelled) {
            unmodelled = true;
            continue;
        }
        values_[slot] = r.values[i].value;
        seen_[slot] = true;
        present |= std::uint32_t{1} << slot;
        if (notes[i].owned) usable = false;
    }
    std::uint32_t const all = (std::uint32_t{1} << names_.size()) - 1;
    if (present != all)
        for (std::size_t slot = 0; slot < names_.size(); ++slot)
            if ((present >> slot & 1u) == 0) usable = usable && seen_[slot];
    grown = unmodelled && names_.size() < mv_max_parameters;
    return usable && present != 0; // a reading with none of the model's values says nothing
}

void multivariate_rule::observe(core::reading const& r, std::span<value_note const> notes,
                                multivariate_settings const& settings, episode_reporter& report)
{
    if (!detector_ || !relearn_reason_.empty()) {
        bool const restart = detector_.has_value();
        if (restart) end_episode(last_time_, "relearn", report);
        auto names = with_parameters_of(r, notes, {});
        if (names.empty()) return;
        start(std::move(names), settings);
        if (restart) {
            note(r.sensor_id, baseline_event::relearning, relearn_reason_, report);
        } else if (detector_->learned()) {
            note(r.sensor_id, baseline_event::loaded, {}, report);
        }
        relearn_reason_ = {};
    }
    bool grown = false;
    bool const usable = map_values(r, notes, grown);
    if (grown) {
        // A parameter the model does not know: the model must learn the sensor as it is now.
        end_episode(last_time_, "relearn", report);
        start(with_parameters_of(r, notes, names_), settings);
        note(r.sensor_id, baseline_event::relearning, "parameters changed", report);
        if (!map_values(r, notes, grown)) return;
    } else if (!usable) {
        return;
    }
    last_time_ = r.time;

    auto& det = *detector_;
    auto const refits_before = det.refits();
    auto const event = det.observe(microseconds(r.time), {values_.data(), names_.size()});
    switch (event) {
    case mv_event::learned:
        learned_at_ = r.time;
        origin_ = baseline_origin::learned;
        note(r.sensor_id, baseline_event::learned, {}, report);
        break;
    case mv_event::opened: {
        core::anomaly a;
        a.type = core::anomaly_type::multivariate;
        a.severity = core::kind_of(a.type).default_severity;
        a.sensor_id = r.sensor_id;
        a.detector = "multivariate";
        a.started_at = at_microseconds(det.episode().started_at_us);
        a.detected_at = at_microseconds(det.episode().detected_at_us);
        a.duration_seconds = core::seconds_between(a.started_at, a.detected_at);
        describe(a);
        open_ = std::make_unique<core::anomaly>(std::move(a));
        report.open(*open_);
        break;
    }
    case mv_event::updated:
        if (open_) {
            describe(*open_);
            report.update(*open_);
        }
        break;
    case mv_event::closed:
        if (open_) {
            describe(*open_);
            open_->evidence.end = end_name(det.episode().end);
            report.close(*open_, at_microseconds(det.episode().ended_at_us));
            open_.reset();
        }
        break;
    case mv_event::none:
    case mv_event::learning:
    case mv_event::refined:
    case mv_event::skipped: break;
    }
    if (det.refits() != refits_before) note(r.sensor_id, baseline_event::refined, {}, report);
}

// The anomaly as the episode stands at its peak: score, contributions, cause and evidence.
void multivariate_rule::describe(core::anomaly& a) const
{
    auto const& e = detector_->episode();
    auto const d = names_.size();
    a.parameter = names_[e.order[0]];
    double const alarm = detector_->settings().alarm;
    a.score = e.peak * alarm;
    a.threshold = alarm;
    a.contributions.clear();
    for (std::size_t i = 0; i < d; ++i) {
        auto const p = e.order[i];
        if (e.contribution[p] < listed_share) break;
        a.contributions.push_back({names_[p], e.contribution[p]});
    }
    a.cause = e.cause == mv_cause::instrument ? core::cause::instrument : core::cause::process;
    // Instrument: one parameter broke the correlation structure. Process: several parameters
    // moved together, or the move is one the learned components explain.
    if (a.cause == core::cause::instrument)
        a.evidence.basis = "residual";
    else if (e.moving >= 2)
        a.evidence.basis = "together";
    else if (e.t2_ratio >= e.q_ratio)
        a.evidence.basis = "components";
    else
        a.evidence.basis = "spread_residual";
    a.evidence.figures = {{"t2_ratio", e.t2_ratio},
                          {"q_ratio", e.q_ratio},
                          {"moving", static_cast<double>(e.moving)},
                          {"residual_share", e.residual_share}};
}

void multivariate_rule::end_episode(core::timestamp at, std::string_view how,
                                    episode_reporter& report)
{
    if (!open_) return;
    open_->evidence.end = how;
    report.close(*open_, std::max(at, open_->started_at));
    open_.reset();
}

void multivariate_rule::note(std::string_view sensor_id, baseline_event e, std::string_view reason,
                             episode_reporter& report) const
{
    baseline_note n;
    n.event = e;
    n.reason = reason;
    n.parameters = names_.size();
    n.components = detector_ && detector_->learned() ? detector_->baseline().components : 0;
    report.baseline(sensor_id, n);
}

void multivariate_rule::apply(multivariate_settings const& s)
{
    // Before the first reading there is no model: the first reading learns with `s`.
    if (!detector_ || s == detector_->settings()) return;
    if (s.same_model(detector_->settings()))
        detector_->retune(s);
    else
        relearn_reason_ = "settings changed";
}

void multivariate_rule::relearn(std::string_view sensor_id, std::string_view reason,
                                multivariate_settings const& settings, episode_reporter& report)
{
    pending_.reset();
    if (!detector_) return;
    end_episode(last_time_, "relearn", report);
    detector_.emplace(settings, names_.size()); // with the settings in force now
    relearn_reason_ = {};
    note(sensor_id, baseline_event::relearning, reason, report);
}

std::optional<std::string> multivariate_rule::load(std::string_view sensor_id, sensor_baseline b,
                                                   multivariate_settings const& settings,
                                                   episode_reporter& report)
{
    if (!detector_) {
        preload(std::move(b));
        return std::nullopt;
    }
    auto sorted = [](std::vector<std::string> v) {
        std::sort(v.begin(), v.end());
        return v;
    };
    if (sorted(b.parameters) != sorted(names_)) {
        std::string have;
        for (auto const& n : names_) have += (have.empty() ? "" : ", ") + n;
        return "the sensor's parameters are " + have + "; the baseline models others";
    }
    end_episode(last_time_, "relearn", report);
    detector_.emplace(settings, names_.size());
    if (!detector_->load(b.model)) return std::string{"the baseline does not fit the sensor"};
    reorder(b.parameters);
    learned_at_ = b.learned_at;
    origin_ = baseline_origin::loaded;
    relearn_reason_ = {};
    note(sensor_id, baseline_event::loaded, {}, report);
    return std::nullopt;
}

std::optional<sensor_baseline> multivariate_rule::baseline() const
{
    if (!detector_) {
        if (pending_) return *pending_;
        return std::nullopt;
    }
    if (!detector_->learned()) return std::nullopt;
    sensor_baseline b;
    b.parameters = names_;
    b.model = detector_->baseline();
    b.learned_at = learned_at_;
    b.refits = detector_->refits();
    b.origin = origin_;
    return b;
}

baseline_status multivariate_rule::status(multivariate_settings const& settings) const
{
    baseline_status s;
    s.warmup = settings.warmup;
    s.threshold = settings.alarm;
    s.baseline = baseline();
    if (!detector_) {
        s.state = pending_ ? "waiting" : "learning";
        return s;
    }
    if (!detector_->learned()) {
        s.state = "learning";
        s.warmup_readings = detector_->warmup_count();
        return s;
    }
    s.state = "learned";
    s.warmup_readings = settings.warmup;
    s.statistic = detector_->last_statistic() * settings.alarm;
    s.in_episode = detector_->in_episode();
    return s;
}

} // namespace wtf::detect::detail
