#pragma once
// A component's typed status, reported as the component itself reports it (health_of(status)),
// for tests that set the status by hand. `version` plays the component's health_version().

#include <wtf/core/health.hpp>

#include <cstdint>

namespace wtf::test {

template <class Status>
class status_reporter final : public core::health_reporter {
public:
    explicit status_reporter(Status const& s, std::uint64_t const* version = nullptr)
        : status_{s}, version_{version}
    {}
    core::health_record health() const override { return health_of(status_); }
    std::uint64_t health_version() const noexcept override { return version_ ? *version_ : 0; }

private:
    Status const& status_;
    std::uint64_t const* version_;
};

} // namespace wtf::test
