#pragma once
// What a component with outside dependencies (the journal's disk, Redis, the LLM, a source's
// peer) says about itself. GET /status, GET /metrics and systemd's STATUS= line iterate these
// records, so a new component shows up in all three by filling one.

#include <wtf/core/time.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace wtf::core {

// The Prometheus sample a field also is. Fields with an empty name are not exported; fields
// that share a name are one family (with the label telling them apart).
struct metric_info {
    std::string_view name; // "wtfd_journal_events_written_total"
    std::string_view type; // "counter" or "gauge"
    std::string_view help;
    std::string_view label_name = {};
    std::string_view label_value = {};
};

// One value, shown as a member of the component's /status object. A flag exports as 0 or 1;
// absent text and times show as null.
using health_value = std::variant<bool, std::uint64_t, std::string, std::optional<std::string>,
                                  std::optional<timestamp>>;

struct health_field {
    std::string_view key; // the /status member
    health_value value;
    metric_info metric = {};
    std::string_view group = {}; // consecutive fields of a group share a nested object
};

struct health_record {
    std::string_view name = {};   // its /status member: "journal"
    std::string_view parent = {}; // shown inside that record's object ("redis"); empty: top level
    bool healthy = true;
    std::string problem = {}; // one line for STATUS= while not healthy: "Redis error: ..."
    std::vector<health_field> fields = {};

    health_record& add(std::string_view key, health_value value, metric_info metric = {},
                       std::string_view group = {})
    {
        fields.push_back({key, std::move(value), metric, group});
        return *this;
    }
};

// Implemented by every component that depends on something outside the process.
class health_reporter {
public:
    // Built on request: a /status rebuild, a scrape, a STATUS= line; never on a hot path.
    virtual health_record health() const = 0;
    // Moves whenever health() would say something else, so readers can cache.
    virtual std::uint64_t health_version() const noexcept = 0;

protected:
    ~health_reporter() = default;
};

// A component that is switched off still has its place in /status, as the seed's clients
// expect: `"redis": {"enabled": false, ...}`.
class fixed_health final : public health_reporter {
public:
    explicit fixed_health(health_record r) : record_{std::move(r)} {}
    health_record health() const override { return record_; }
    std::uint64_t health_version() const noexcept override { return 0; }

private:
    health_record record_;
};

} // namespace wtf::core
