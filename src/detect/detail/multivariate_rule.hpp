#pragma once
// The multivariate detector of one sensor as the detector drives it: the sensor's readings
// mapped onto the model's fixed parameter order, episodes turned into anomalies (score,
// threshold, contributions, cause and evidence), the baseline learned, loaded, forgotten and
// reported. Runs after the series rules: a reading with a value a series rule owns (outside its
// bands, stuck, jumping) is that rule's, and is not scored here. `settings` is always the
// detector's configuration in force; the model keeps a copy of those it was learned with.

#include "detect/detail/mv_detector.hpp"
#include "detect/detail/rules.hpp"

#include <wtf/detect/baseline.hpp>
#include <wtf/detect/detector.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace wtf::detect::detail {

class multivariate_rule {
public:
    // One accepted reading; `notes[i]` is what the series rules made of r.values[i].
    void observe(core::reading const& r, std::span<value_note const> notes,
                 multivariate_settings const& settings, episode_reporter& report);

    // New settings: the same model is retuned at once; another model (a new warm-up length,
    // say) is learned again from the next reading, which also ends an open episode.
    void apply(multivariate_settings const& s);

    // Takes `b` with the sensor's first reading, if that reading has its parameters.
    void preload(sensor_baseline b) { pending_ = std::make_unique<sensor_baseline>(std::move(b)); }
    // Switched off: an open episode ends at the last reading.
    void finish(episode_reporter& report) { end_episode(last_time_, "switched_off", report); }
    // Forgets the baseline; an open episode ends at the last reading.
    void relearn(std::string_view sensor_id, std::string_view reason,
                 multivariate_settings const& settings, episode_reporter& report);
    // Uses `b` from the next reading on (or the first, if the sensor has not reported yet).
    // The problem when the sensor's parameters are known and are not the baseline's.
    std::optional<std::string> load(std::string_view sensor_id, sensor_baseline b,
                                    multivariate_settings const& settings,
                                    episode_reporter& report);

    baseline_status status(multivariate_settings const& settings) const;
    // The model in use, with its parameter names (none while learning).
    std::optional<sensor_baseline> baseline() const;

private:
    void start(std::vector<std::string> names, multivariate_settings const& settings);
    void reorder(std::vector<std::string> const& names);
    bool map_values(core::reading const& r, std::span<value_note const> notes, bool& grown);

    // slots_ entries that are not a model slot.
    static constexpr std::uint8_t unresolved = 0xff;   // not looked up since names_ changed
    static constexpr std::uint8_t not_modelled = 0xfe; // the model lacks the series' parameter
    static_assert(mv_max_parameters < not_modelled);

    // The model slot of a value's series. Readings name their parameters; the name is looked
    // up once after the model's parameters change, not on every reading.
    std::uint8_t slot_of(value_note note, std::string_view parameter)
    {
        if (note.series < slots_.size() && slots_[note.series] != unresolved)
            return slots_[note.series];
        return resolve_slot(note.series, parameter);
    }
    std::uint8_t resolve_slot(std::uint32_t series, std::string_view parameter);
    void end_episode(core::timestamp at, std::string_view how, episode_reporter& report);
    void describe(core::anomaly& a) const;
    void note(std::string_view sensor_id, baseline_event e, std::string_view reason,
              episode_reporter& report) const;

    std::optional<mv_detector> detector_;            // from the first reading on
    std::vector<std::string> names_;                 // the model's parameters, in its order
    std::vector<std::uint8_t> slots_;                // per series of the sensor: its model slot
    std::array<double, mv_max_parameters> values_{}; // this reading's, in model order
    std::array<bool, mv_max_parameters> seen_{};     // a value arrived for the parameter
    std::unique_ptr<sensor_baseline> pending_;       // loaded before the first reading
    std::unique_ptr<core::anomaly> open_;            // the open episode's anomaly
    core::timestamp learned_at_{};
    baseline_origin origin_ = baseline_origin::learned;
    core::timestamp last_time_{};
    std::string_view relearn_reason_; // set when the next reading must start a new warm-up
};

} // namespace wtf::detect::detail
