#pragma once
// The operator's interface: one TOML file plus the seed system's environment variables.

#include <wtf/alarm/settings.hpp>
#include <wtf/api/settings.hpp>
#include <wtf/detect/settings.hpp>
#include <wtf/sources/settings.hpp>
#include <wtf/log/settings.hpp>
#include <wtf/redis/settings.hpp>
#include <wtf/store/settings.hpp>
#include <wtf/summarize/settings.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace wtf::config {

// Every module's settings, gathered. Defaults are the embedded configuration.
struct daemon_config {
    api::settings api;
    sources::generator_settings generator;
    detect::settings detect;
    summarize::settings summary;
    summarize::llm_settings llm;
    ::wtf::redis::settings redis;
    store::settings storage;
    // [alarms] and [events]. alarms.ledger.alarms follows storage.anomaly_history and
    // alarms.readings.max_sensors follows detect.max_sensors: the daemon sets both.
    alarm::settings alarms;
    log::settings log;
};

// One problem with the configuration, precise enough to fix it without guessing.
struct error {
    std::string source;   // file path, or "environment"
    std::string key;      // "detect.parameters.flow.spike", or the variable name
    std::size_t line = 0; // 1-based; 0 when unknown (environment, missing file)
    std::string message;  // "must be > 0"
};

// "wtfd.toml:42: detect.drift_duration_s: must be > 0"
std::string to_string(error const& e);

// Looks up an environment variable; returns nullopt when unset. Tests pass their own.
using environment = std::function<std::optional<std::string>(std::string_view name)>;
environment process_environment();

// Reads TOML text (named `source` in errors) over `base` (the embedded defaults unless a mode
// has its own, as `wtfd analyze` does), then applies the environment. Collects every error
// instead of stopping at the first; never throws for bad input.
std::variant<daemon_config, std::vector<error>> parse(std::string_view toml_text,
                                                      std::string_view source,
                                                      environment const& env,
                                                      daemon_config base = {});

// Reads a file (a missing or unreadable file is an error naming it), as parse().
std::variant<daemon_config, std::vector<error>>
load(std::string const& path, environment const& env, daemon_config base = {});

// `base` (the embedded defaults) with the environment applied (wtfd without --config).
std::variant<daemon_config, std::vector<error>> defaults(environment const& env,
                                                         daemon_config base = {});

// The effective configuration as a TOML document that parse() accepts (secrets masked).
std::string to_toml(daemon_config const& c);

} // namespace wtf::config

namespace wtf::config {

// Parses "HOST:PORT" ("127.0.0.1:8000", "[::1]:8000", "localhost:0") into api settings, as
// `api.listen` and --listen accept it. Returns the problem's description on failure.
std::optional<std::string> apply_listen(api::settings& api, std::string_view text);

// What the daemon reads at start-up and at every reload: the file (or the embedded defaults),
// the process environment, then --listen. On failure, every problem as one line naming its
// file, key and line.
std::variant<daemon_config, std::vector<std::string>>
read_daemon_config(std::optional<std::string> const& path,
                   std::optional<std::string> const& listen);

} // namespace wtf::config
