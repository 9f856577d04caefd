#pragma once
// The record of what wtfd has found: anomalies and summaries in bounded ring buffers, each
// anomaly serialised once when it changes, so GET /anomalies only concatenates text.

#include <wtf/core/anomaly.hpp>
#include <wtf/core/ring.hpp>
#include <wtf/store/settings.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wtf::store {

// A plain-language summary of a batch of anomalies, and how it was made.
struct summary {
    std::string text;
    core::timestamp created_at;
    core::timestamp window_start;
    core::timestamp window_end;
    std::size_t anomaly_count = 0;        // anomalies described
    std::size_t left_out = 0;             // anomalies of the window not described (over max_buffer)
    std::string source = "fallback";      // "llm", or "fallback": written by wtfd itself
    std::string model;                    // the LLM's model, for source "llm"
    std::string fallback_reason;          // why the LLM's text was not used ("LLM disabled", ...)
    std::chrono::milliseconds latency{0}; // of the LLM request, when one was made
};

// Tags an annotation gives each anomaly (below), for queries: the alarm's operator state.
using tags = std::uint8_t;
inline constexpr tags tag_acknowledged = 1; // an operator acknowledged it
inline constexpr tags tag_shelved = 2;      // it is shelved now

// Which anomalies GET /anomalies wants; unset fields match everything.
struct anomaly_query {
    std::size_t limit = 100;
    std::optional<std::string> sensor_id;
    std::optional<core::anomaly_type> type;
    std::optional<bool> active;
    tags with = 0;    // tags an anomaly must have
    tags without = 0; // ... and must not have
};

// What the history shows beside each anomaly, kept by another component (the alarm ledger).
struct annotation {
    // Told of every record() first, before the anomaly's JSON is built.
    std::function<void(core::anomaly_change, core::anomaly const&)> observe = {};
    // Appends members to the anomaly's JSON object (`,"alarm":{...}`, after the anomaly's own
    // members) and returns the anomaly's tags.
    std::function<tags(std::string& out, core::anomaly const&)> append = {};
};

// One summary record as JSON: text, window, counts, source, model, reason and latency.
void append_json(std::string& out, summary const& s);

class history;

// An observer's registration: the history calls it until this is dropped or reset(). Move-only;
// must not outlive the history. Dropping it inside an observer's call is safe.
class subscription {
public:
    subscription() noexcept = default;
    subscription(subscription&& o) noexcept;
    subscription& operator=(subscription&& o) noexcept;
    ~subscription() { reset(); }
    void reset() noexcept;
    bool active() const noexcept { return history_ != nullptr; }

private:
    friend class history;
    subscription(history* h, std::uint64_t id) noexcept : history_{h}, id_{id} {}
    history* history_ = nullptr;
    std::uint64_t id_ = 0;
};

class history {
public:
    explicit history(settings const& s);

    // Records an episode transition: opened appends, updated/closed replace the stored copy
    // (an episode already pushed out of the ring is not brought back). Observers run after.
    void record(core::anomaly_change change, core::anomaly const& a);
    void add_summary(summary s);

    // Loads what a journal kept (anomalies in id order, summaries oldest first) into an empty
    // history, keeping the newest that fit. Observers are not called: nothing new happened.
    void restore(std::vector<core::anomaly> anomalies, std::vector<summary> summaries);

    // Shows what `a` keeps beside every anomaly from now on; set once, before restore().
    void annotate(annotation a);
    // What the annotation shows of the stored anomalies `which` selects has changed: their
    // JSON is built again (a change for version()) and the refresh observers get each, oldest
    // first. Observers of record() are not called: the episodes did not change.
    void refresh(std::function<bool(core::anomaly const&)> const& which);

    // Called after every record(), in subscription order (journal, mirror, summarizer), with
    // the anomaly's JSON as GET /anomalies serves it, until the subscription is dropped.
    using observer =
        std::function<void(core::anomaly_change, core::anomaly const&, std::string_view json)>;
    [[nodiscard]] subscription subscribe(observer o);
    // Called after every add_summary().
    using summary_observer = std::function<void(summary const&)>;
    [[nodiscard]] subscription subscribe_summaries(summary_observer o);
    // Called by refresh() for each anomaly whose JSON was built again.
    using refresh_observer = std::function<void(core::anomaly const&, std::string_view json)>;
    [[nodiscard]] subscription subscribe_refreshes(refresh_observer o);

    // Every stored anomaly (oldest first) with its JSON, and every stored summary.
    void for_each_anomaly(
        std::function<void(core::anomaly const&, std::string_view json)> const& visit) const;
    void for_each_summary(std::function<void(summary const&)> const& visit) const;

    // Increases on every change; lets readers cache what they built from the history.
    std::uint64_t version() const noexcept { return version_; }

    std::size_t anomaly_count() const noexcept { return anomalies_.size(); }
    std::size_t anomaly_capacity() const noexcept { return anomalies_.capacity(); }
    std::size_t summary_count() const noexcept { return summaries_.size(); }
    std::size_t summary_capacity() const noexcept { return summaries_.capacity(); }
    std::uint64_t total_anomalies() const noexcept { return total_; }
    std::size_t active_anomalies() const noexcept { return active_; }

    // The newest q.limit matching anomalies, oldest first, as a JSON array.
    void append_anomalies_json(std::string& out, anomaly_query const& q) const;
    // {"summaries": [oldest, ..., newest], "count": n}
    void append_summaries_json(std::string& out) const;
    // The newest `limit` full records, oldest first: {"summaries": [{...}, ...], "count": n}.
    void append_summary_records_json(std::string& out, std::size_t limit) const;

    // The stored anomaly with this id, if still in the ring.
    core::anomaly const* find(std::uint64_t id) const noexcept;
    // Its JSON as GET /anomalies serves it; empty when it is not stored.
    std::string_view json_of(std::uint64_t id) const noexcept;

private:
    struct entry {
        core::anomaly anomaly;
        std::string json; // append_json(anomaly) and the annotation, rebuilt on every change
        store::tags tags = 0;
    };
    // One per subscription, at a stable address: an observer may subscribe or unsubscribe
    // while the history is calling observers. Exactly one of the three callbacks is set.
    struct observer_slot {
        std::uint64_t id = 0;
        observer on_anomaly = {};
        summary_observer on_summary = {};
        refresh_observer on_refresh = {};
        bool removed = false; // unsubscribed during a call: kept (it may be running) until after
    };
    void render(entry& e);
    [[nodiscard]] subscription add(observer_slot slot);
    friend class subscription;
    std::optional<std::size_t> index_of(std::uint64_t id) const noexcept;
    void unsubscribe(std::uint64_t id) noexcept;
    template <class Call>
    void notify(Call const& call);

    core::ring<entry> anomalies_;
    core::ring<summary> summaries_;
    std::vector<std::unique_ptr<observer_slot>> observers_;
    std::uint64_t next_subscription_ = 1;
    unsigned notifying_ = 0;    // depth of observer calls under way
    bool unsubscribed_ = false; // slots were removed during a call; erase them after
    annotation annotation_;
    std::string scratch_json_;
    std::uint64_t version_ = 0;
    std::uint64_t total_ = 0;
    std::size_t active_ = 0;
};

} // namespace wtf::store
