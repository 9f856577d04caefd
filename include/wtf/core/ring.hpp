#pragma once
// A fixed-capacity ring buffer: push_back overwrites the oldest element once full.
// Indexing is oldest-first: r[0] is the oldest kept element, r[r.size() - 1] the newest.

#include <cassert>
#include <cstddef>
#include <vector>

namespace wtf::core {

template <class T>
class ring {
public:
    explicit ring(std::size_t capacity) : slots_(capacity == 0 ? 1 : capacity) {}

    std::size_t capacity() const noexcept { return slots_.size(); }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    bool full() const noexcept { return size_ == slots_.size(); }

    // Returns the element now in the newest slot; the oldest is overwritten when full.
    T& push_back(T value)
    {
        std::size_t slot = (head_ + size_) % slots_.size();
        if (full()) {
            head_ = (head_ + 1) % slots_.size();
        } else {
            ++size_;
        }
        slots_[slot] = std::move(value);
        return slots_[slot];
    }

    T& operator[](std::size_t i) noexcept
    {
        assert(i < size_);
        return slots_[(head_ + i) % slots_.size()];
    }
    T const& operator[](std::size_t i) const noexcept
    {
        assert(i < size_);
        return slots_[(head_ + i) % slots_.size()];
    }
    T& back() noexcept { return (*this)[size_ - 1]; }
    T const& back() const noexcept { return (*this)[size_ - 1]; }
    T const& front() const noexcept { return (*this)[0]; }

    void clear() noexcept
    {
        head_ = 0;
        size_ = 0;
    }

private:
    std::vector<T> slots_;
    std::size_t head_ = 0; // slot of the oldest element
    std::size_t size_ = 0;
};

} // namespace wtf::core
