#pragma once
// A sensor's typical interval between readings, for dropout_gap_s = "auto": the median of its
// most recent intervals. The median ignores the rare long outage and the odd burst, so one
// missing hour does not teach the detector that the sensor reports hourly.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace wtf::detect::detail {

class cadence {
public:
    // Intervals seen before the median is trusted.
    static constexpr std::size_t min_intervals = 3;

    // True when the median was worked out again (it may have changed).
    bool add(std::chrono::microseconds interval) noexcept
    {
        recent_[next_] = interval.count();
        next_ = (next_ + 1) % recent_.size();
        if (size_ < recent_.size()) ++size_;
        // While filling, every interval counts; once full, the median moves slowly, so it is
        // recomputed every few readings rather than on each one (the hot path).
        if (size_ < recent_.size() || ++since_update_ == recompute_every) {
            since_update_ = 0;
            update_median();
            return true;
        }
        return false;
    }

    // The median interval, once min_intervals are known.
    std::optional<std::chrono::microseconds> median() const noexcept
    {
        if (size_ < min_intervals) return std::nullopt;
        return std::chrono::microseconds{median_};
    }

private:
    static constexpr std::size_t recompute_every = 8;

    void update_median() noexcept
    {
        std::array<std::int64_t, 32> sorted = recent_;
        auto const middle = sorted.begin() + static_cast<std::ptrdiff_t>(size_ / 2);
        std::nth_element(sorted.begin(), middle,
                         sorted.begin() + static_cast<std::ptrdiff_t>(size_));
        median_ = *middle;
    }

    std::array<std::int64_t, 32> recent_{};
    std::size_t size_ = 0;
    std::size_t next_ = 0;
    std::size_t since_update_ = 0;
    std::int64_t median_ = 0;
};

} // namespace wtf::detect::detail
