#include "sources/detail/arena.hpp"

#include <algorithm>
#include <memory>
#include <new>

namespace wtf::sources::detail {

namespace {

constexpr std::size_t first_block_bytes = 8 * 1024;

} // namespace

void arena::reset()
{
    current_ = 0;
    used_ = 0;
    if (blocks_.size() == 1 && blocks_.front().size <= max_retained_bytes) return;
    std::size_t total = 0;
    for (auto const& b : blocks_) total += b.size;
    blocks_.clear();
    if (total == 0 || total > max_retained_bytes) return;
    blocks_.push_back({std::make_unique_for_overwrite<std::byte[]>(total), total});
}

std::size_t arena::capacity() const noexcept
{
    std::size_t total = 0;
    for (auto const& b : blocks_) total += b.size;
    return total;
}

void* arena::take(block& b, std::size_t bytes, std::size_t align) noexcept
{
    void* p = b.data.get() + used_;
    std::size_t space = b.size - used_;
    if (std::align(align, bytes, p, space) == nullptr) return nullptr;
    used_ = b.size - space + bytes;
    return p;
}

void* arena::do_allocate(std::size_t bytes, std::size_t align)
{
    for (; current_ < blocks_.size(); ++current_, used_ = 0) {
        if (void* p = take(blocks_[current_], bytes, align)) return p;
    }
    auto const grown = blocks_.empty() ? first_block_bytes : blocks_.back().size * 2;
    auto const size = std::max(grown, bytes + align);
    blocks_.push_back({std::make_unique_for_overwrite<std::byte[]>(size), size});
    current_ = blocks_.size() - 1;
    used_ = 0;
    void* p = take(blocks_.back(), bytes, align);
    if (p == nullptr) throw std::bad_alloc{};
    return p;
}

} // namespace wtf::sources::detail
