#include "cli/detail/replayer.hpp"

#include <wtf/core/time.hpp>

#include <algorithm>
#include <chrono>

namespace wtf::cli::detail {

namespace {

// Data time between clock ticks: dropouts of sensors that stopped are found at the next tick
// (their time is last reading + gap whatever the tick), without walking every sensor per row.
constexpr std::chrono::seconds tick_every{1};
constexpr std::size_t line_buffer_bytes = 64 * 1024;

} // namespace

void anomaly_lines::write(core::anomaly const& a)
{
    core::append_json(buffer_, a);
    buffer_ += '\n';
    flush_if_full();
}

void anomaly_lines::flush_if_full()
{
    if (buffer_.size() < line_buffer_bytes) return;
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), out_) != buffer_.size()) failed_ = true;
    buffer_.clear();
}

bool anomaly_lines::finish()
{
    if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), out_) != buffer_.size())
        failed_ = true;
    buffer_.clear();
    if (std::fflush(out_) != 0) failed_ = true;
    return !failed_;
}

void problem_log::report(sources::row_problem const& p)
{
    auto found = per_source_.find(p.source);
    if (found == per_source_.end()) found = per_source_.emplace(p.source, 0).first;
    if (++found->second <= shown_per_source)
        std::fprintf(out_, "wtfd analyze: %s (row skipped)\n", sources::to_string(p).c_str());
}

void problem_log::print_remainder()
{
    for (auto const& [source, count] : per_source_)
        if (count > shown_per_source)
            std::fprintf(out_, "wtfd analyze: ... and %llu more bad rows in %s\n",
                         static_cast<unsigned long long>(count - shown_per_source), source.c_str());
}

replayer::replayer(detect::settings settings, summarize::summarizer& notes, anomaly_lines* lines,
                   problem_log& problems)
    : settings_{std::move(settings)}, notes_{notes}, lines_{lines}, problems_{problems}
{}

void replayer::on_reading(core::reading const& r)
{
    if (!detector_) {
        detector_.emplace(settings_, r.time);
        next_tick_ = core::add_saturated(r.time, tick_every);
    }
    if (!baselines_.empty() && !detector_->knows(r.sensor_id)) give_baseline(r.sensor_id);
    if (r.time >= next_tick_) {
        detector_->advance(r.time, *this);
        next_tick_ = core::add_saturated(r.time, tick_every);
    }
    if (detector_->observe(r, *this) == detect::verdict::stale) {
        if (counts_.stale++ == 0)
            counts_.first_stale =
                "sensor " + std::string{r.sensor_id} + " at " + core::format_rfc3339(r.time);
        return;
    }
    ++counts_.readings;
    if (!counts_.first || r.time < *counts_.first) counts_.first = r.time;
    if (!counts_.last || r.time > *counts_.last) counts_.last = r.time;
}

void replayer::use_baselines(std::vector<std::pair<std::string, detect::sensor_baseline>> b)
{
    baselines_ = std::move(b);
}

// Before the sensor's first reading: its own baseline, or the only one there is.
void replayer::give_baseline(std::string_view sensor_id)
{
    auto const found = std::find_if(baselines_.begin(), baselines_.end(),
                                    [&](auto const& b) { return b.first == sensor_id; });
    auto const* chosen = found != baselines_.end() ? &found->second
                         : baselines_.size() == 1  ? &baselines_.front().second
                                                   : nullptr;
    if (chosen) detector_->load_baseline(sensor_id, *chosen, *this);
}

void replayer::add_contributions(core::anomaly const& a)
{
    if (a.contributions.empty()) return;
    ++counts_.multivariate_by_sensor[a.sensor_id];
    auto& sums = counts_.contributions[a.sensor_id];
    for (auto const& c : a.contributions) sums[c.parameter] += c.share;
}

void replayer::on_problem(sources::row_problem const& p)
{
    ++counts_.problems;
    problems_.report(p);
}

void replayer::on_anomaly(core::anomaly_change change, core::anomaly const& a)
{
    notes_.note(change, a);
    switch (change) {
    case core::anomaly_change::opened:
        ++counts_.opened_by_type[core::index_of(a.type)];
        open_.insert_or_assign(a.id, a);
        break;
    case core::anomaly_change::updated: open_.insert_or_assign(a.id, a); break;
    case core::anomaly_change::closed:
        open_.erase(a.id);
        add_contributions(a);
        if (lines_) lines_->write(a);
        break;
    }
}

void replayer::finish()
{
    if (detector_ && counts_.last) detector_->advance(*counts_.last, *this);
    // Still open at the end of the data, oldest first: no end time, the duration so far.
    std::vector<core::anomaly const*> still_open;
    for (auto const& [id, a] : open_) still_open.push_back(&a);
    std::sort(still_open.begin(), still_open.end(),
              [](auto const* x, auto const* y) { return x->id < y->id; });
    counts_.still_open = still_open.size();
    for (auto const* a : still_open) add_contributions(*a);
    if (!lines_) return;
    for (auto const* a : still_open) {
        // How long it had lasted when the data ended: at least that long, maybe longer.
        auto shown = *a;
        if (counts_.last)
            shown.duration_seconds = core::seconds_between(a->started_at, *counts_.last);
        lines_->write(shown);
    }
}

} // namespace wtf::cli::detail
