// wtfd: the command line. Parses the arguments, hands `analyze` to the CLI, loads the
// configuration (or prints it with --check-config) and runs the daemon (app::application, the
// composition root) until SIGTERM/SIGINT.

#include <wtf/app/application.hpp>
#include <wtf/app/arguments.hpp>
#include <wtf/cli/analyze.hpp>
#include <wtf/config/config.hpp>
#include <wtf/log/log.hpp>

#include <boost/asio/io_context.hpp>

#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace asio = boost::asio;
using namespace wtf;

int main(int argc, char** argv)
{
    if (argc > 1 && std::string_view{argv[1]} == "analyze") {
        std::vector<std::string_view> const args(argv + 2, argv + argc);
        return cli::analyze(args);
    }
    std::vector<std::string_view> const args(argv + 1, argv + argc);
    auto parsed = app::parse_arguments(args);
    if (auto* code = std::get_if<int>(&parsed)) return *code;
    auto const& opts = std::get<app::options>(parsed);

    auto read = [&opts] { return config::read_daemon_config(opts.config_path, opts.listen); };
    auto loaded = read();
    if (auto* problems = std::get_if<std::vector<std::string>>(&loaded)) {
        for (auto const& p : *problems) std::cerr << "wtfd: " << p << '\n';
        return app::exit_config;
    }
    auto const& cfg = std::get<config::daemon_config>(loaded);

    if (opts.check_config) {
        std::cout << config::to_toml(cfg);
        return 0;
    }

    log::init(cfg.log.level);
    try {
        asio::io_context ioc{1};
        app::application daemon{ioc, cfg, read, opts.config_path.value_or("(embedded defaults)"),
                                opts.relearn};
        return daemon.run();
    } catch (app::startup_error const&) { // logged where it happened
        return app::exit_config;
    } catch (std::exception const& e) {
        log::error("wtfd") << "fatal: " << e.what();
        return 1;
    }
}
