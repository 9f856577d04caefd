#include <wtf/app/application.hpp>

#include "app/alarm_desk.hpp"

#include <wtf/api/metrics.hpp>
#include <wtf/api/server.hpp>
#include <wtf/core/health.hpp>
#include <wtf/core/json_writer.hpp>
#include <wtf/core/reload.hpp>
#include <wtf/core/version.hpp>
#include <wtf/daemon/notify.hpp>
#include <wtf/daemon/task_group.hpp>
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

#include <boost/system/system_error.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

namespace wtf::app {

namespace asio = boost::asio;

namespace {

// How long a stop may take before the loop is stopped with tasks still running: the API's
// connections get 1.5 s of it to finish their requests, the journal its last write and sync.
constexpr auto stop_grace = std::chrono::milliseconds{5000};
constexpr auto status_period = std::chrono::seconds{10};

std::vector<summarize::parameter_info> parameters_of(detect::settings const& d)
{
    std::vector<summarize::parameter_info> out;
    for (auto const& p : d.parameters) out.push_back({p.name, p.unit, p.normal, p.spike});
    return out;
}

ingest::pipeline::limits limits_of(config::daemon_config const& c)
{
    return {c.api.max_clock_skew, c.detect.max_sensors};
}

// Event ids start above every id an earlier run can have given: the wall clock in microseconds
// (a million events a second would be needed to catch up with it).
std::uint64_t first_event_id(core::timestamp now)
{
    auto const us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch());
    return static_cast<std::uint64_t>(std::max<std::int64_t>(us.count(), 1));
}

// A section whose component is switched off: turning it on (or changing it) takes a restart.
template <class Section>
core::reload_effect restart_only(Section const& running, Section const& next)
{
    return running == next ? core::reload_effect::unchanged : core::reload_effect::needs_restart;
}

std::string describe(config::daemon_config const& c, std::string_view config_name)
{
    std::string s = "wtfd " + std::string{core::version()} + " starting config=";
    s += config_name;
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

// Builds a component whose settings may be unusable (a key or password file that cannot be
// read): the reason is logged on its channel and start-up stops.
template <class Make>
auto build(std::string_view channel, std::string_view what, Make make)
{
    try {
        return make();
    } catch (std::invalid_argument const& e) {
        log::error(channel) << "cannot use the " << what << " settings: " << e.what();
        throw startup_error{e.what()};
    }
}

} // namespace

// The components as members in dependency order: each is built after what it uses and
// destroyed before it. The subscriptions come last, so they end before anything they call.
struct application::impl {
    // A section of the configuration and what the components do with its new value.
    struct reloadable {
        std::string_view section;
        std::function<core::reload_effect(config::daemon_config const&)> apply;
    };

    impl(asio::io_context& context, config::daemon_config cfg, config_reader read, std::string name)
        : ioc{context},
          config{std::move(cfg)},
          reread{std::move(read)},
          config_name{std::move(name)},
          detector{config.detect, started},
          history{config.storage},
          alarms{config.alarms, config.storage.anomaly_history, config.detect.max_sensors, history,
                 started,       first_event_id(started)},
          pipeline{detector, history, limits_of(config)},
          journal{config.storage.journal ? std::make_unique<store::journal>(
                                               ioc.get_executor(), config.storage, history,
                                               [this] { return pipeline.newest_reading(); },
                                               [this] { return alarms.ledger().snapshot(); })
                                         : nullptr},
          redis{config.redis.enabled ? build("mirror", "Redis",
                                             [this] {
                                                 return std::make_unique<mirror::redis_mirror>(
                                                     ioc.get_executor(), config.redis,
                                                     [this] { return pipeline.last_received(); });
                                             })
                                     : nullptr},
          redis_ingest{config.redis.enabled && config.redis.ingest
                           ? build("mirror", "Redis",
                                   [this] {
                                       return std::make_unique<mirror::redis_ingest>(
                                           ioc.get_executor(), config.redis, pipeline);
                                   })
                           : nullptr},
          llm{config.llm.enabled ? build("summarizer", "LLM",
                                         [this] {
                                             return std::make_unique<summarize::llm_client>(
                                                 ioc.get_executor(), config.llm);
                                         })
                                 : nullptr},
          summarizer{config.summary, config.llm, parameters_of(config.detect),
                     history,        llm.get(),  started},
          generator{config.generator, ingest::generated_parameters(config.detect),
                    [this](core::reading const& r) {
                        pipeline.ingest(std::span{&r, 1}, core::source::generator, core::now());
                    }},
          health{health_reporters()},
          server{ioc.get_executor(), config.api, services()}
    {}

    std::vector<core::health_reporter const*> health_reporters() const;
    api::services services();
    void restore_and_subscribe();
    std::vector<reloadable> reloadables();
    std::string status_line();

    asio::io_context& ioc;
    config::daemon_config config; // the running one: a reload replaces it
    config_reader reread;
    std::string config_name;
    core::timestamp const started = core::now();
    daemon::notifier notifier;
    daemon::task_group tasks{ioc};

    detect::detector detector;
    store::history history;
    alarm_desk alarms; // annotates the history: built after it, destroyed before it
    ingest::pipeline pipeline;
    std::unique_ptr<store::journal> journal;            // null: storage.journal is off
    std::unique_ptr<mirror::redis_mirror> redis;        // null: Redis is off
    std::unique_ptr<mirror::redis_ingest> redis_ingest; // null: no Redis ingest
    std::unique_ptr<summarize::llm_client> llm;         // null: the LLM is off
    summarize::summarizer summarizer;
    ingest::generator generator;
    api::metrics metrics;
    // What /status shows of the components that are switched off.
    core::fixed_health redis_off{mirror::health_of(mirror::redis_status{})};
    core::fixed_health redis_ingest_off{mirror::health_of(mirror::ingest_status{})};
    core::fixed_health journal_off{store::health_of(store::journal_status{})};
    std::vector<core::health_reporter const*> health; // /status, /metrics and STATUS= read these
    api::server server;

    // For STATUS=: readings per second since the previous line.
    std::uint64_t readings_at_last_line = 0;
    std::chrono::steady_clock::time_point last_line_at = std::chrono::steady_clock::now();
    std::vector<store::subscription> subscriptions;
};

// The components with outside dependencies, in the order /status shows them (the seed's
// "redis" first), each one's stand-in when it is switched off.
std::vector<core::health_reporter const*> application::impl::health_reporters() const
{
    auto either = [](auto const& component, core::fixed_health const& off) {
        return component ? static_cast<core::health_reporter const*>(component.get()) : &off;
    };
    std::vector<core::health_reporter const*> out{either(redis, redis_off)};
    if (redis) out.push_back(either(redis_ingest, redis_ingest_off));
    out.push_back(either(journal, journal_off));
    out.push_back(&summarizer);
    return out;
}

api::services application::impl::services()
{
    api::services svc{pipeline, history, started};
    svc.metrics = &metrics;
    svc.health = health;
    svc.alarms = &alarms.services();
    return svc;
}

// The one place the history's observers are wired, in this order: the journal first (the
// record), then the Redis mirror, then the alarm desk (events, and the transitions a change
// causes), then the summarizer and the metrics. The alarm state is restored before the history,
// whose JSON shows it. The episodes the journal held open at the last stop are closed in
// between: the journal, the mirror and the desk record those endings, while the summarizer,
// subscribed after, does not describe a stop as news.
void application::impl::restore_and_subscribe()
{
    std::vector<core::anomaly> interrupted;
    if (journal) {
        auto restored = store::load_journal(config.storage);
        detector.set_next_id(restored.max_id + 1);
        alarms.restore(restored.anomalies, restored.transitions);
        for (auto const& a : restored.anomalies)
            if (a.active())
                interrupted.push_back(store::close_at_restart(a, restored.last_reading));
        history.restore(std::move(restored.anomalies), std::move(restored.summaries));
        journal->start();
        alarms.journal_to(journal.get());
        subscriptions.push_back(history.subscribe(
            [j = journal.get()](core::anomaly_change change, core::anomaly const& a,
                                std::string_view json) { j->record(change, a, json); }));
        subscriptions.push_back(history.subscribe_summaries(
            [j = journal.get()](store::summary const& s) { j->record(s); }));
    }
    if (redis) {
        subscriptions.push_back(history.subscribe(
            [m = redis.get()](core::anomaly_change change, core::anomaly const& a,
                              std::string_view json) { m->record(change, a, json); }));
        subscriptions.push_back(history.subscribe_summaries(
            [m = redis.get()](store::summary const& s) { m->record(s); }));
        subscriptions.push_back(history.subscribe_refreshes(
            [m = redis.get()](core::anomaly const& a, std::string_view json) {
                m->refresh(a, json);
            }));
    }
    for (auto& s : alarms.subscribe()) subscriptions.push_back(std::move(s));
    for (auto const& a : interrupted) history.record(core::anomaly_change::closed, a);
    if (!interrupted.empty())
        log::notice("journal") << "closed the episodes open at the stop count="
                               << interrupted.size();

    // Shelved alarms and those of sensors out of service are kept out of summaries.
    subscriptions.push_back(history.subscribe(
        [this](core::anomaly_change change, core::anomaly const& a, std::string_view) {
            if (!alarms.suppressed(a.id)) summarizer.note(change, a);
        }));
    // Counted from now on: the anomalies a journal restored are not counted again.
    subscriptions.push_back(
        history.subscribe([this](core::anomaly_change change, core::anomaly const& a,
                                 std::string_view) { metrics.record(change, a); }));
    subscriptions.push_back(
        history.subscribe_summaries([this](store::summary const& s) { metrics.record(s); }));
    pipeline.on_accepted([this](core::reading const& r) { alarms.on_reading(r); });
}

// Every section a reload offers to the components. A component that is switched off cannot be
// switched on live: its section is only compared.
std::vector<application::impl::reloadable> application::impl::reloadables()
{
    using config::daemon_config;
    using core::reload_effect;
    return {
        {"[log]",
         [](daemon_config const& next) {
             log::set_level(next.log.level);
             return reload_effect::applied;
         }},
        {"[detect]", [this](daemon_config const& next) { return detector.apply(next.detect); }},
        {"[api]",
         [this](daemon_config const& next) {
             return core::combine(pipeline.apply(limits_of(next)), server.apply(next.api));
         }},
        {"[summary]",
         [this](daemon_config const& next) {
             return summarizer.apply(next.summary, parameters_of(next.detect));
         }},
        {"[generator]",
         [this](daemon_config const& next) {
             return generator.apply(next.generator, ingest::generated_parameters(next.detect));
         }},
        {"[llm]",
         [this](daemon_config const& next) {
             return llm ? llm->apply(next.llm) : restart_only(config.llm, next.llm);
         }},
        {"[redis]",
         [this](daemon_config const& next) {
             if (!redis) return restart_only(config.redis, next.redis);
             auto effect = redis->apply(next.redis);
             if (redis_ingest) effect = core::combine(effect, redis_ingest->apply(next.redis));
             return effect;
         }},
        {"[storage]",
         [this](daemon_config const& next) {
             return journal ? journal->apply(next.storage)
                            : restart_only(config.storage, next.storage);
         }},
        {"[alarms] and [events]",
         [this](daemon_config const& next) { return restart_only(config.alarms, next.alarms); }},
    };
}

// systemd's one-line STATUS=: "3 sensors, 1.5 readings/s, 0 active anomalies", then what is
// wrong with any component, if anything.
std::string application::impl::status_line()
{
    std::uint64_t readings = 0;
    for (auto n : pipeline.stats().accepted_by_source) readings += n;
    auto const now = std::chrono::steady_clock::now();
    double const seconds = std::chrono::duration<double>(now - last_line_at).count();
    double const rate =
        seconds > 0 ? static_cast<double>(readings - readings_at_last_line) / seconds : 0;
    readings_at_last_line = readings;
    last_line_at = now;

    std::string line = std::to_string(detector.sensor_count()) + " sensors, ";
    core::append_json_number(line, std::round(rate * 10.0) / 10.0);
    line += " readings/s, " + std::to_string(history.active_anomalies()) + " active anomalies";
    for (auto const* reporter : health) {
        auto const record = reporter->health();
        if (!record.healthy) line += ", " + record.problem;
    }
    return line;
}

application::application(asio::io_context& ioc, config::daemon_config cfg, config_reader reread,
                         std::string describe_config)
{
    log::notice("wtfd") << describe(cfg, describe_config);
    impl_ =
        std::make_unique<impl>(ioc, std::move(cfg), std::move(reread), std::move(describe_config));
    impl_->restore_and_subscribe();
}

application::~application() = default;

void application::start()
{
    auto& m = *impl_;
    try {
        m.server.listen();
    } catch (boost::system::system_error const& e) {
        log::error("api") << "cannot listen: " << e.what();
        throw startup_error{e.what()};
    }
    log::notice("api") << "listening address=" << m.config.api.listen_host << ':'
                       << m.server.port();
    m.notifier.ready(m.status_line());

    using daemon::stage;
    m.tasks.spawn("notifier", stage::control, daemon::run_notifier(m.notifier, status_period, [&m] {
                      return m.status_line();
                  }));
    m.tasks.spawn("api", stage::sources, m.server.run());
    m.tasks.spawn("generator", stage::sources, m.generator.run());
    if (m.redis_ingest) m.tasks.spawn("redis-ingest", stage::sources, m.redis_ingest->run());
    // With "auto" gaps each sensor has its own; the shortest sensible one sets the pace.
    auto tick_every = [&m] {
        return daemon::tick_period(m.config.detect.dropout_gap_auto ? std::chrono::seconds{1}
                                                                    : m.config.detect.dropout_gap);
    };
    m.tasks.spawn("ticker", stage::processing,
                  daemon::run_ticker(tick_every, [&m](core::timestamp now) {
                      m.pipeline.advance(now);
                      m.alarms.advance(now);
                  }));
    m.tasks.spawn("summarizer", stage::processing, m.summarizer.run());
    if (m.journal) m.tasks.spawn("journal", stage::writers, m.journal->run());
    if (m.redis) m.tasks.spawn("mirror", stage::writers, m.redis->run());
}

void application::reload()
{
    auto& m = *impl_;
    m.notifier.reloading();
    auto loaded = m.reread();
    if (auto* problems = std::get_if<std::vector<std::string>>(&loaded)) {
        for (auto const& p : *problems) log::error("config") << "reload refused: " << p;
        log::error("config") << "reload refused, the running configuration stays errors="
                             << problems->size();
        m.notifier.ready(m.status_line());
        return;
    }
    auto next = std::get<config::daemon_config>(std::move(loaded));
    auto generator = core::reload_effect::unchanged;
    for (auto const& r : m.reloadables()) {
        auto const effect = r.apply(next);
        if (effect == core::reload_effect::needs_restart)
            log::warning("config")
                << "change needs a restart to take effect settings=" << r.section;
        if (r.section == "[generator]") generator = effect;
    }
    m.config = std::move(next);
    log::notice("config") << "configuration reloaded config=" << m.config_name << " generator="
                          << (generator == core::reload_effect::unchanged ? "unchanged"
                              : m.config.generator.enabled                ? "restarted"
                                                                          : "off");
    m.notifier.ready(m.status_line());
}

void application::stop()
{
    auto& m = *impl_;
    if (m.tasks.stopping()) return;
    log::notice("daemon") << "stopping";
    m.notifier.stopping();
    m.tasks.stop(stop_grace);
}

int application::run()
{
    start();
    auto on_signal = [this](daemon::signal_action action) {
        if (action == daemon::signal_action::reload)
            reload();
        else
            stop();
    };
    impl_->tasks.spawn("signals", daemon::stage::control, daemon::run_signals(on_signal));
    impl_->ioc.run();
    log::notice("wtfd") << "stopped exit_code=" << exit_code();
    return exit_code();
}

std::uint16_t application::port() const noexcept { return impl_->server.port(); }
int application::exit_code() const noexcept { return impl_->tasks.failed() ? 1 : 0; }
store::history const& application::history() const noexcept { return impl_->history; }
ingest::pipeline& application::pipeline() noexcept { return impl_->pipeline; }
alarm_desk& application::alarms() noexcept { return impl_->alarms; }
daemon::task_group const& application::tasks() const noexcept { return impl_->tasks; }

} // namespace wtf::app
