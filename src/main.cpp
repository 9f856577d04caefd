// wtfd: the composition root. Loads the configuration, builds every module, wires them together
// on one io_context, and runs until SIGTERM/SIGINT.

#include <wtf/api/server.hpp>
#include <wtf/cli/analyze.hpp>
#include <wtf/config/config.hpp>
#include <wtf/core/json_writer.hpp>
#include <wtf/core/version.hpp>
#include <wtf/daemon/notify.hpp>
#include <wtf/daemon/tasks.hpp>
#include <wtf/detect/detector.hpp>
#include <wtf/ingest/generator.hpp>
#include <wtf/ingest/pipeline.hpp>
#include <wtf/log/log.hpp>
#include <wtf/mirror/redis_ingest.hpp>
#include <wtf/mirror/redis_mirror.hpp>
#include <wtf/store/history.hpp>
#include <wtf/store/journal.hpp>
#include <wtf/summarize/llm_client.hpp>
#include <wtf/summarize/summarizer.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/system_error.hpp>

#include <chrono>
#include <cmath>
#include <deque>
#include <exception>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asio = boost::asio;
using namespace wtf;

namespace {

constexpr std::string_view usage =
    R"(Usage: wtfd [--config FILE] [--listen HOST:PORT] [--check-config]
       wtfd analyze [options] FILE... | --influx URL --db NAME --query Q   (see analyze --help)
       wtfd --help | --version

Watches water treatment plant sensors, detects anomalies (spikes, drifts, dropouts) and serves
them over a REST API.

  --config FILE       read the configuration from FILE (default: embedded defaults)
  --listen HOST:PORT  listen on this address instead of [api] listen
  --check-config      print the effective configuration and exit (1 if it has errors)
  --help              show this help and exit
  --version           show the version and exit

Environment variables REDIS_HOST, REDIS_PORT, REDIS_PASSWORD, OPENAI_API_BASE, OPENAI_API_KEY,
MODEL_NAME, TEMPERATURE, SUMMARY_INTERVAL, MAX_BUFFER_SIZE, WTFD_INGEST_TOKEN, WTFD_READ_TOKEN and
WTFD_STATE_DIR override the file.
)";

struct options {
    std::optional<std::string> config_path;
    std::optional<std::string> listen;
    bool check_config = false;
};

// Exit codes: 0 success, 1 configuration or start-up failure, 2 usage error.
constexpr int exit_config = 1;
constexpr int exit_usage = 2;

std::variant<options, int> parse_arguments(int argc, char** argv)
{
    options o;
    std::vector<std::string_view> args(argv + 1, argv + argc);
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

// The file (or the embedded defaults), the environment and --listen, as at start-up and at
// every reload; on failure every problem, each naming its file, key and line.
std::variant<config::daemon_config, std::vector<std::string>> read_config(options const& o)
{
    auto const env = config::process_environment();
    auto loaded = o.config_path ? config::load(*o.config_path, env) : config::defaults(env);
    if (auto* errors = std::get_if<std::vector<config::error>>(&loaded)) {
        std::vector<std::string> problems;
        for (auto const& e : *errors) problems.push_back(config::to_string(e));
        return problems;
    }
    auto cfg = std::get<config::daemon_config>(std::move(loaded));
    if (o.listen) {
        if (auto problem = config::apply_listen(cfg.api, *o.listen))
            return std::vector<std::string>{"--listen " + *o.listen + ": " + *problem};
    }
    return cfg;
}

std::variant<config::daemon_config, int> load_config(options const& o)
{
    auto loaded = read_config(o);
    if (auto* problems = std::get_if<std::vector<std::string>>(&loaded)) {
        for (auto const& p : *problems) std::cerr << "wtfd: " << p << '\n';
        return exit_config;
    }
    return std::get<config::daemon_config>(std::move(loaded));
}

std::vector<summarize::parameter_info> parameters_of(detect::settings const& d)
{
    std::vector<summarize::parameter_info> out;
    for (auto const& p : d.parameters) out.push_back({p.name, p.unit, p.normal, p.spike});
    return out;
}

// Settings a reload cannot change while wtfd runs: says which ones changed.
void warn_restart_only(config::daemon_config const& running, config::daemon_config const& next)
{
    auto warn = [](std::string_view what) {
        log::warning("config") << "change needs a restart to take effect settings=" << what;
    };
    // server.apply() reports a new listen address itself.
    if (next.llm != running.llm) warn("[llm]");
    if (next.redis != running.redis) warn("[redis]");
    if (next.storage != running.storage) warn("[storage]");
}

std::string describe(config::daemon_config const& c, options const& o)
{
    std::string s = "wtfd " + std::string{core::version()} + " starting config=" +
                    (o.config_path ? *o.config_path : std::string{"(embedded defaults)"});
    s += " generator=";
    s += c.generator.enabled ? std::to_string(c.generator.sensors.size()) + " sensors" : "off";
    s += " parameters=" + std::to_string(c.detect.parameters.size());
    s += " expected_sensors=" + std::to_string(c.detect.expected_sensors.size());
    s += " ingest_auth=";
    s += c.api.ingest_token.empty() ? "off" : "on";
    s += " summary_interval_s=";
    core::append_json_number(s, static_cast<double>(c.summary.interval.count()) / 1000.0);
    s += " llm=";
    s += c.llm.enabled ? c.llm.base_url : "off";
    s += " journal=";
    s += c.storage.journal ? c.storage.state_dir : "off";
    s += " redis=";
    s += c.redis.enabled ? c.redis.host + ':' + std::to_string(c.redis.port) : "off";
    if (c.redis.enabled && c.redis.ingest) s += " redis_ingest=" + c.redis.ingest_channel;
    return s;
}

// What the journal held: the history is restored and ids continue after the highest one. The
// episodes open at the stop come back closed as of the newest reading seen, for the caller to
// record once the journal and the mirror listen.
std::vector<core::anomaly> restore_history(store::settings const& s, store::history& history,
                                           detect::detector& detector)
{
    auto restored = store::load_journal(s);
    detector.set_next_id(restored.max_id + 1);
    std::vector<core::anomaly> interrupted;
    for (auto const& a : restored.anomalies)
        if (a.active()) interrupted.push_back(store::close_at_restart(a, restored.last_reading));
    history.restore(std::move(restored.anomalies), std::move(restored.summaries));
    return interrupted;
}

// systemd's one-line STATUS=: "3 sensors, 1.5 readings/s, 0 active anomalies", and what is
// wrong with the journal or Redis, if anything. Readings per second are over the time since
// the previous line.
std::function<std::string()> status_line(ingest::pipeline const& pipeline,
                                         store::history const& history,
                                         std::optional<store::journal> const& journal,
                                         std::optional<mirror::redis_mirror> const& redis)
{
    struct sample {
        std::uint64_t readings = 0;
        std::chrono::steady_clock::time_point at = std::chrono::steady_clock::now();
    };
    auto accepted = [&pipeline] {
        std::uint64_t n = 0;
        for (auto count : pipeline.stats().accepted_by_source) n += count;
        return n;
    };
    return [&, accepted, last = sample{}]() mutable {
        sample const now_sample{accepted(), std::chrono::steady_clock::now()};
        double const seconds = std::chrono::duration<double>(now_sample.at - last.at).count();
        double const rate =
            seconds > 0 ? static_cast<double>(now_sample.readings - last.readings) / seconds : 0;
        last = now_sample;
        std::string line = std::to_string(pipeline.detector().sensor_count()) + " sensors, ";
        core::append_json_number(line, std::round(rate * 10.0) / 10.0);
        line += " readings/s, " + std::to_string(history.active_anomalies()) + " active anomalies";
        if (journal && !journal->status().healthy) line += ", " + journal->status().message;
        if (redis && !redis->status().connected) line += ", " + redis->status().message;
        return line;
    };
}

// Logs a task's escaping exception: that is a bug, so the daemon stops and exits non-zero,
// letting systemd's Restart=on-failure act.
struct task_guard {
    std::string_view name;
    int* exit_code;
    asio::io_context* ioc;

    void operator()(std::exception_ptr e) const
    {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (std::exception const& ex) {
            log::error("daemon") << "task failed task=" << name << " error=" << ex.what();
        } catch (...) {
            log::error("daemon") << "task failed task=" << name << " error=unknown";
        }
        *exit_code = 1;
        ioc->stop();
    }
};

int run(config::daemon_config const& cfg, options const& o)
{
    log::notice("wtfd") << describe(cfg, o);

    asio::io_context ioc{1};
    auto const started = core::now();
    detect::detector detector{cfg.detect, started};
    store::history history{cfg.storage};
    auto const interrupted = cfg.storage.journal ? restore_history(cfg.storage, history, detector)
                                                 : std::vector<core::anomaly>{};
    ingest::pipeline pipeline{detector, history, {cfg.api.max_clock_skew, cfg.detect.max_sensors}};

    // Observers in this order: the journal first (the record), then the mirror, then the
    // summarizer.
    std::optional<store::journal> journal;
    if (cfg.storage.journal) {
        journal.emplace(ioc.get_executor(), cfg.storage, history,
                        [&pipeline] { return pipeline.newest_reading(); });
        history.subscribe([&j = *journal](core::anomaly_change change, core::anomaly const& a,
                                          std::string_view json) { j.record(change, a, json); });
        history.subscribe_summaries([&j = *journal](store::summary const& s) { j.record(s); });
        journal->start();
    }
    std::optional<mirror::redis_mirror> redis;
    std::optional<mirror::redis_ingest> redis_ingest;
    if (cfg.redis.enabled) {
        try {
            redis.emplace(ioc.get_executor(), cfg.redis,
                          [&pipeline] { return pipeline.last_received(); });
            if (cfg.redis.ingest) redis_ingest.emplace(ioc.get_executor(), cfg.redis, pipeline);
        } catch (std::invalid_argument const& e) { // an unreadable password_file
            log::error("mirror") << "cannot use the Redis settings: " << e.what();
            return exit_config;
        }
        history.subscribe([&m = *redis](core::anomaly_change change, core::anomaly const& a,
                                        std::string_view json) { m.record(change, a, json); });
        history.subscribe_summaries([&m = *redis](store::summary const& s) { m.record(s); });
    }
    // Journal and mirror record these endings; the summarizer, subscribed below, does not
    // describe a stop as if it were news.
    for (auto const& a : interrupted) history.record(core::anomaly_change::closed, a);
    if (!interrupted.empty())
        log::notice("journal") << "closed the episodes open at the stop count="
                               << interrupted.size();

    std::optional<summarize::llm_client> llm;
    if (cfg.llm.enabled) {
        try {
            llm.emplace(ioc.get_executor(), cfg.llm);
        } catch (std::invalid_argument const& e) {
            log::error("summarizer") << "cannot use the LLM settings: " << e.what();
            return exit_config;
        }
    }
    summarize::summarizer summarizer{
        cfg.summary, cfg.llm, parameters_of(cfg.detect), history, llm ? &*llm : nullptr, started};
    history.subscribe([&summarizer](core::anomaly_change change, core::anomaly const& a,
                                    std::string_view) { summarizer.note(change, a); });
    // Counted from now on: the anomalies a journal restored are not counted again.
    api::metrics metrics;
    history.subscribe([&metrics](core::anomaly_change change, core::anomaly const& a,
                                 std::string_view) { metrics.record(change, a); });
    history.subscribe_summaries([&metrics](store::summary const& s) { metrics.record(s); });

    api::services services{pipeline, history, started};
    services.metrics = &metrics;
    services.llm = &summarizer.status();
    services.journal = journal ? &journal->status() : nullptr;
    services.redis = redis ? &redis->status() : nullptr;
    services.redis_ingest = redis_ingest ? &redis_ingest->status() : nullptr;
    services.status_version = [&journal, &redis, &redis_ingest] {
        return (journal ? journal->version() : 0) + (redis ? redis->version() : 0) +
               (redis_ingest ? redis_ingest->version() : 0);
    };
    api::server server{ioc.get_executor(), cfg.api, std::move(services)};
    try {
        server.listen();
    } catch (boost::system::system_error const& e) {
        log::error("api") << "cannot listen: " << e.what();
        return exit_config;
    }
    log::notice("api") << "listening address=" << cfg.api.listen_host << ':' << server.port();
    daemon::notifier notifier;
    auto const describe_state = status_line(pipeline, history, journal, redis);
    notifier.ready(describe_state());

    int exit_code = 0;
    // What a reload changes; `cfg` stays the start-up configuration.
    config::daemon_config current = cfg;
    // A reload replaces the generator task: each one gets its own signal, kept until run()
    // ends, so a task finishing late never touches its successor's slot.
    std::deque<asio::cancellation_signal> generator_signals;
    asio::cancellation_signal stop_ticker;
    asio::cancellation_signal stop_summarizer;
    asio::cancellation_signal stop_journal;
    asio::cancellation_signal stop_redis;
    asio::cancellation_signal stop_redis_ingest;
    asio::cancellation_signal stop_notifier;

    auto feed = [&pipeline](core::reading const& r) {
        pipeline.ingest(std::span{&r, 1}, core::source::generator, core::now());
    };
    auto start_generator = [&] {
        if (!current.generator.enabled) return;
        auto& stop = generator_signals.emplace_back();
        asio::co_spawn(
            ioc,
            ingest::run_generator(current.generator, ingest::generated_parameters(current.detect),
                                  feed),
            asio::bind_cancellation_slot(stop.slot(), task_guard{"generator", &exit_code, &ioc}));
    };
    auto stop_generator = [&] {
        if (!generator_signals.empty())
            generator_signals.back().emit(asio::cancellation_type::terminal);
    };
    start_generator();
    auto tick = [&pipeline](core::timestamp now) { pipeline.advance(now); };
    // With "auto" gaps each sensor has its own; the shortest sensible one sets the pace.
    auto tick_every = [&current] {
        return daemon::tick_period(current.detect.dropout_gap_auto ? std::chrono::seconds{1}
                                                                   : current.detect.dropout_gap);
    };
    asio::co_spawn(
        ioc, daemon::run_ticker(tick_every, tick),
        asio::bind_cancellation_slot(stop_ticker.slot(), task_guard{"ticker", &exit_code, &ioc}));
    asio::co_spawn(ioc, summarizer.run(),
                   asio::bind_cancellation_slot(stop_summarizer.slot(),
                                                task_guard{"summarizer", &exit_code, &ioc}));
    if (journal) {
        asio::co_spawn(ioc, journal->run(),
                       asio::bind_cancellation_slot(stop_journal.slot(),
                                                    task_guard{"journal", &exit_code, &ioc}));
    }
    if (redis) {
        asio::co_spawn(ioc, redis->run(),
                       asio::bind_cancellation_slot(stop_redis.slot(),
                                                    task_guard{"mirror", &exit_code, &ioc}));
    }
    if (redis_ingest) {
        asio::co_spawn(ioc, redis_ingest->run(),
                       asio::bind_cancellation_slot(stop_redis_ingest.slot(),
                                                    task_guard{"redis-ingest", &exit_code, &ioc}));
    }
    asio::co_spawn(ioc, server.run(), task_guard{"api", &exit_code, &ioc});
    asio::co_spawn(ioc, daemon::run_notifier(notifier, std::chrono::seconds{10}, describe_state),
                   asio::bind_cancellation_slot(stop_notifier.slot(),
                                                task_guard{"notifier", &exit_code, &ioc}));

    // After a stop signal the loop runs out of work once every connection has closed, and run()
    // returns on its own; a connection still open after the grace period is cut.
    asio::steady_timer drain{ioc};
    auto const grace = std::chrono::milliseconds{1500};
    std::function<void(boost::system::error_code)> drain_check;
    std::chrono::steady_clock::time_point drain_deadline;
    drain_check = [&](boost::system::error_code) {
        if (server.open_connections() == 0) return;
        if (std::chrono::steady_clock::now() >= drain_deadline) {
            log::warning("api") << "closing connections still open after the grace period count="
                                << server.open_connections();
            server.abort();
        }
        drain.expires_after(std::chrono::milliseconds{10});
        drain.async_wait(drain_check);
    };
    // SIGHUP: the file and the environment are read again. Thresholds, durations, parameters,
    // [api] limits and tokens, [generator], [summary] and the log level apply at once, keeping
    // detector state, history and connections; an invalid file changes nothing.
    auto reload = [&] {
        notifier.reloading();
        auto loaded = read_config(o);
        if (auto* problems = std::get_if<std::vector<std::string>>(&loaded)) {
            for (auto const& p : *problems) log::error("config") << "reload refused: " << p;
            log::error("config") << "reload refused, the running configuration stays errors="
                                 << problems->size();
            notifier.ready(describe_state());
            return;
        }
        auto next = std::get<config::daemon_config>(std::move(loaded));
        warn_restart_only(current, next);
        log::set_level(next.log.level);
        detector.apply(next.detect);
        pipeline.set_limits({next.api.max_clock_skew, next.detect.max_sensors});
        server.apply(next.api);
        summarizer.apply(next.summary, parameters_of(next.detect));
        bool const generator_changed = next.generator != current.generator ||
                                       next.detect.parameters != current.detect.parameters;
        current = std::move(next);
        if (generator_changed) {
            stop_generator();
            start_generator();
        }
        log::notice("config") << "configuration reloaded config="
                              << (o.config_path ? *o.config_path : "(embedded defaults)")
                              << " generator="
                              << (!generator_changed          ? "unchanged"
                                  : current.generator.enabled ? "restarted"
                                                              : "off");
        notifier.ready(describe_state());
    };
    auto on_signal = [&](daemon::signal_action action) {
        if (action == daemon::signal_action::reload) {
            reload();
            return;
        }
        log::notice("daemon") << "stopping";
        notifier.stopping();
        stop_notifier.emit(asio::cancellation_type::terminal);
        server.stop();
        stop_generator();
        stop_redis_ingest.emit(asio::cancellation_type::terminal);
        stop_ticker.emit(asio::cancellation_type::terminal);
        stop_summarizer.emit(asio::cancellation_type::terminal);
        stop_redis.emit(asio::cancellation_type::terminal);
        stop_journal.emit(asio::cancellation_type::terminal);
        drain_deadline = std::chrono::steady_clock::now() + grace;
        drain_check({});
    };
    asio::co_spawn(ioc, daemon::run_signals(on_signal), task_guard{"signals", &exit_code, &ioc});

    ioc.run();
    log::notice("wtfd") << "stopped exit_code=" << exit_code;
    return exit_code;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc > 1 && std::string_view{argv[1]} == "analyze") {
        std::vector<std::string_view> const args(argv + 2, argv + argc);
        return cli::analyze(args);
    }
    auto parsed = parse_arguments(argc, argv);
    if (auto* code = std::get_if<int>(&parsed)) return *code;
    auto const& opts = std::get<options>(parsed);

    auto loaded = load_config(opts);
    if (auto* code = std::get_if<int>(&loaded)) return *code;
    auto const& cfg = std::get<config::daemon_config>(loaded);

    if (opts.check_config) {
        std::cout << config::to_toml(cfg);
        return 0;
    }

    log::init(cfg.log.level);
    try {
        return run(cfg, opts);
    } catch (std::exception const& e) {
        log::error("wtfd") << "fatal: " << e.what();
        return 1;
    }
}
