#pragma once
// A bump allocator for the JSON trees of one batch. Unlike json::monotonic_resource, whose
// release() hands every block but the first back to the heap, it keeps its memory between
// parses: after a batch needed several blocks, the next parse merges them into one, so a
// connection that keeps posting bodies of similar size stops allocating.

#include <boost/json/memory_resource.hpp>

#include <cstddef>
#include <memory>
#include <type_traits>
#include <vector>

namespace wtf::sources::detail {

class arena final : public boost::json::memory_resource {
public:
    // Larger retained blocks are given back instead of reused, so one huge body does not pin
    // its memory for the rest of the connection.
    static constexpr std::size_t max_retained_bytes = std::size_t{16} << 20;

    arena() = default;
    arena(arena const&) = delete;
    arena& operator=(arena const&) = delete;

    // Forgets every allocation. Nothing allocated before may be used afterwards. May allocate
    // (merging blocks), hence not noexcept.
    void reset();

    std::size_t capacity() const noexcept;

private:
    struct block {
        std::unique_ptr<std::byte[]> data;
        std::size_t size = 0;
    };

    void* do_allocate(std::size_t bytes, std::size_t align) override;
    void do_deallocate(void*, std::size_t, std::size_t) override {}
    bool do_is_equal(memory_resource const& other) const noexcept override
    {
        return this == &other;
    }

    void* take(block& b, std::size_t bytes, std::size_t align) noexcept;

    std::vector<block> blocks_;
    std::size_t current_ = 0; // index of the block being carved
    std::size_t used_ = 0;    // bytes used in blocks_[current_]
};

} // namespace wtf::sources::detail

// Deallocation is a no-op, which lets Boost.JSON skip walking a tree to destroy it.
template <>
struct boost::json::is_deallocate_trivial<wtf::sources::detail::arena> : std::true_type {};
