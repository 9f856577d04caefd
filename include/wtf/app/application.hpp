#pragma once
// The daemon as one object: every component built from one configuration, wired on one
// io_context, with its tasks, its reload and its stop. main() loads the configuration and
// calls run(); component tests build one on an io_context of their own and drive it.

#include <wtf/config/config.hpp>

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace wtf::store {
class history;
}
namespace wtf::ingest {
class pipeline;
}
namespace wtf::daemon {
class task_group;
}

namespace wtf::app {

class alarm_desk;

// A component could not be built from its settings (an unreadable key file, an address that
// cannot be bound). Already logged, naming the component and the reason.
class startup_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Reads the configuration again, as at start-up (file, environment, --listen): the new
// configuration, or every problem found, each naming its file, key and line.
using config_reader =
    std::function<std::variant<config::daemon_config, std::vector<std::string>>()>;

class application {
public:
    // Builds every component and restores the journal; nothing runs before start(). Throws
    // startup_error. `describe_config` names the configuration in logs ("wtfd.toml").
    // `relearn`: the baselines saved in the state dir are forgotten, not restored.
    application(boost::asio::io_context& ioc, config::daemon_config cfg, config_reader reread,
                std::string describe_config, bool relearn = false);
    ~application();
    application(application const&) = delete;
    application& operator=(application const&) = delete;

    // Listens (throws startup_error when it cannot), spawns every task and tells systemd
    // READY=1.
    void start();

    // SIGHUP: reads the configuration again and offers each component its new settings, between
    // RELOADING=1 and READY=1. An invalid configuration changes nothing.
    void reload();

    // SIGTERM: STOPPING=1, then the tasks stop stage by stage (daemon::task_group).
    void stop();

    // start(), then the loop until SIGTERM/SIGINT (SIGHUP reloads) or a task fails.
    // Returns the exit status: 0, or 1 when a task failed.
    int run();

    std::uint16_t port() const noexcept; // the API's, once listening
    int exit_code() const noexcept;

    // What component tests look at.
    store::history const& history() const noexcept;
    ingest::pipeline& pipeline() noexcept;
    alarm_desk& alarms() noexcept; // src/app/alarm_desk.hpp
    daemon::task_group const& tasks() const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace wtf::app
