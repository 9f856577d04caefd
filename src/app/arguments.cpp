#include <wtf/app/arguments.hpp>
#include <wtf/core/version.hpp>

#include <iostream>

namespace wtf::app {

namespace {

constexpr std::string_view usage =
    R"(Usage: wtfd [--config FILE] [--listen HOST:PORT] [--check-config] [--relearn]
       wtfd analyze [options] FILE... | --influx URL --db NAME --query Q   (see analyze --help)
       wtfd --help | --version

Watches water treatment plant sensors, detects anomalies (spikes, drifts, dropouts, stuck and jumping
instruments, unusual values, joint excursions of several parameters) and serves
them over a REST API.

  --config FILE       read the configuration from FILE (default: embedded defaults)
  --listen HOST:PORT  listen on this address instead of [api] listen
  --check-config      print the effective configuration and exit (1 if it has errors)
  --relearn           forget the multivariate baselines saved in the state dir: every sensor
                      learns its normal operation again from its next readings (after
                      maintenance; POST /sensors/{id}/baseline/relearn does it for one sensor)
  --help              show this help and exit
  --version           show the version and exit

Environment variables REDIS_HOST, REDIS_PORT, REDIS_PASSWORD, OPENAI_API_BASE, OPENAI_API_KEY,
MODEL_NAME, TEMPERATURE, SUMMARY_INTERVAL, MAX_BUFFER_SIZE, WTFD_INGEST_TOKEN, WTFD_READ_TOKEN and
WTFD_STATE_DIR override the file.
)";

} // namespace

std::variant<options, int> parse_arguments(std::span<std::string_view const> args)
{
    options o;
    for (std::size_t i = 0; i < args.size(); ++i) {
        auto const arg = args[i];
        auto value = [&](std::string_view name) -> std::optional<std::string> {
            if (i + 1 < args.size()) return std::string{args[++i]};
            std::cerr << "wtfd: " << name << " needs a value\n";
            return std::nullopt;
        };
        if (arg == "--help" || arg == "-h") {
            std::cout << usage;
            return 0;
        }
        if (arg == "--version") {
            std::cout << "wtfd " << core::version() << '\n';
            return 0;
        }
        if (arg == "--check-config") {
            o.check_config = true;
        } else if (arg == "--relearn") {
            o.relearn = true;
        } else if (arg == "--config" || arg == "-c") {
            if (!(o.config_path = value(arg))) return exit_usage;
        } else if (arg == "--listen") {
            if (!(o.listen = value(arg))) return exit_usage;
        } else {
            std::cerr << "wtfd: unknown argument '" << arg << "'\n" << usage;
            return exit_usage;
        }
    }
    return o;
}

} // namespace wtf::app
