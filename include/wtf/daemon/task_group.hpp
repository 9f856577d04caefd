#pragma once
// The daemon's long-running tasks. Each is spawned with a name and the stage it stops in, and
// gets a cancellation signal of its own. A task that throws is a bug: it is logged and the loop
// stops with failed() set, so systemd's Restart=on-failure acts. stop() cancels the stages in
// order and waits for each; after the grace period it stops the io_context, so a task that
// ignores cancellation cannot keep the process alive.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace wtf::daemon {

// The order of a stop. The supervisor's own tasks (signals, watchdog) first; then what brings
// readings in (the API, generator, Redis ingest), so no new work arrives; then what turns
// readings into anomalies and summaries; then what records them (journal, Redis mirror), so
// nothing that was reported is lost.
enum class stage { control, sources, processing, writers };
inline constexpr std::size_t stage_count = 4;
std::string_view to_string(stage s) noexcept;

class task_group {
public:
    using task_id = std::uint64_t;

    explicit task_group(boost::asio::io_context& ioc);
    // Tasks still running keep what they need of the group alive until their frames go.
    ~task_group();
    task_group(task_group const&) = delete;
    task_group& operator=(task_group const&) = delete;

    // Starts `task` on the loop. It ends when it returns, or when its stage is stopped (terminal
    // cancellation; a well-behaved task then returns normally). An escaping exception is logged
    // with `name` and stops the io_context. Spawned while its stage is stopping: cancelled at
    // once.
    task_id spawn(std::string name, stage when, boost::asio::awaitable<void> task);

    // Terminal cancellation of one task (a generator replaced at reload). Ignored when it has
    // already ended.
    void cancel(task_id id);

    // Cancels stage after stage, each once every task of the stages before it has ended. Tasks
    // still running `grace` after the first call are named in a warning and the io_context is
    // stopped. Later calls change nothing.
    void stop(std::chrono::milliseconds grace);

    bool failed() const noexcept; // a task threw
    bool stopping() const noexcept;
    std::size_t running() const noexcept;
    std::size_t running(stage s) const noexcept;
    // Names of the tasks still running, in spawn order.
    std::vector<std::string> running_names() const;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

} // namespace wtf::daemon
