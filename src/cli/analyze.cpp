#include <wtf/cli/analyze.hpp>
#include <wtf/config/config.hpp>
#include <wtf/core/json_writer.hpp>
#include <wtf/core/time.hpp>
#include <wtf/log/log.hpp>
#include <wtf/sources/csv_source.hpp>
#include <wtf/sources/influx_source.hpp>
#include <wtf/store/history.hpp>
#include <wtf/summarize/llm_client.hpp>
#include <wtf/summarize/summarizer.hpp>
#include <wtf/summarize/wording.hpp>

#include "cli/detail/arguments.hpp"
#include "cli/detail/replayer.hpp"
#include "cli/detail/report.hpp"
#include "cli/detail/saved_response.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <stdexcept>
#include <system_error>

namespace wtf::cli {

namespace asio = boost::asio;

namespace {

constexpr int exit_failed = 1;
constexpr int exit_usage = 2;
// Sensors listed by name in the report; the rest are counted.
constexpr std::size_t sensors_listed = 20;

constexpr std::string_view usage_text =
    R"(Usage: wtfd analyze [options] FILE...
       wtfd analyze [options] --influx URL --db NAME --query "SELECT ..."

Runs the daemon's detector over recorded readings in the data's own time and reports what it
found: rows read and rejected, sensors, parameters, time span, anomalies by kind, and a summary
worded by the LLM only when it is readable, true to the anomalies and names the critical ones
(else wtfd's own summary, with the reason).

  --config FILE           thresholds, [llm] and [summary] from FILE (default: embedded defaults)
  --anomalies FILE        write the anomalies as JSON Lines, one per episode ("-": stdout,
                          and the report goes to stderr)
  --out DIR               save DIR/responses/model_response_YYYYmmdd_HHMMSS.json and a row in
                          DIR/results.csv, as the seed's script did
  --no-llm                do not ask the LLM; the summary is wtfd's own
  --dropout-gap S|auto    silence that makes a dropout (default: auto, 5 x each sensor's
                          median interval, unless the config file sets dropout_gap_s)
  --strict                fail on the first bad row instead of reporting and skipping it
  --warmup N              readings each sensor's multivariate baseline is learned from
                          before it is judged (default: detect.multivariate.warmup, 400)
  --baseline FILE         learn the baselines from FILE, a recording of normal operation
                          (read with the same CSV options), instead of each sensor's first
                          readings: by sensor id, or FILE's only sensor for every sensor

CSV files ("-": standard input; the layout is read from the header):
  --format F              seed (timestamp,sensor-value), generator (timestamp,sensor_id,
                          temperature,pressure,flow), long (timestamp,sensor_id,parameter,value)
                          or wide (a time column and any value columns)
  --delimiter C           ',', ';', '|' or tab (default: the header's)
  --time-column NAME      the time column (default: timestamp, time, datetime, date, ts)
  --sensor-column NAME    the sensor column (default: sensor_id, sensor, device, id)
  --sensor ID             the sensor of a file without a sensor column (default: file name)
  --map COLUMN=PARAMETER  read COLUMN (or an InfluxDB field) as PARAMETER (repeatable)
  --ignore COLUMN         skip COLUMN (repeatable); anomaly, changepoint and label columns
                          are skipped unless mapped
  --epoch s|ms            unit of numeric times (default: ms from 12 digits on)

InfluxDB 1.x (HTTP query API, streamed in chunks):
  --influx URL            e.g. http://127.0.0.1:8086
  --db NAME               the database
  --query "SELECT ..."    InfluxQL; GROUP BY the sensor tag to read series per sensor
  --influx-user USER      with the password from the INFLUX_PASSWORD environment variable
  --sensor-tag TAG        the tag naming the sensor (default: sensor_id)

Exit status: 0 success, 1 a source could not be read or held no valid reading, 2 usage error.
)";

std::optional<std::string> environment_value(char const* name)
{
    if (char const* v = std::getenv(name)) return std::string{v};
    return std::nullopt;
}

std::string quoted_char(char c) { return c == '\t' ? "tab" : std::string{'\''} + c + '\''; }

std::string describe(sources::csv_layout const& l)
{
    std::string s{sources::to_string(l.format)};
    s += ", " + quoted_char(l.delimiter) + "-separated, time column " + l.time_column;
    if (!l.sensor_column.empty())
        s += ", sensor column " + l.sensor_column;
    else
        s += ", sensor '" + l.sensor + "'";
    if (!l.ignored.empty()) {
        s += ", ignored:";
        for (auto const& c : l.ignored) s += " " + c;
    }
    return s;
}

// The configuration analyze runs with: the file over analyze's own defaults ("auto" gaps), then
// --dropout-gap.
std::variant<config::daemon_config, std::string> analyze_config(detail::analyze_options const& o)
{
    config::daemon_config base;
    base.detect.dropout_gap_auto = true;
    auto const env = config::process_environment();
    auto loaded =
        o.config_path ? config::load(*o.config_path, env, base) : config::defaults(env, base);
    if (auto* errors = std::get_if<std::vector<config::error>>(&loaded)) {
        std::string all;
        for (auto const& e : *errors) all += (all.empty() ? "" : "\n") + config::to_string(e);
        return all;
    }
    auto cfg = std::get<config::daemon_config>(std::move(loaded));
    if (o.dropout_gap) {
        cfg.detect.dropout_gap_auto = o.dropout_gap->automatic;
        if (!o.dropout_gap->automatic) cfg.detect.dropout_gap = o.dropout_gap->fixed;
    }
    if (o.warmup) cfg.detect.multivariate.warmup = *o.warmup;
    return cfg;
}

std::string describe_gap(detect::settings const& d)
{
    if (!d.dropout_gap_auto) return detail::human_duration(d.dropout_gap) + " for every sensor";
    std::string multiple;
    core::append_json_number(multiple, d.dropout_gap_multiple);
    return "auto, " + multiple + " x each sensor's median interval (known from its 4th reading)";
}

std::vector<summarize::parameter_info> parameters_of(detect::settings const& d)
{
    std::vector<summarize::parameter_info> out;
    for (auto const& p : d.parameters) out.push_back({p.name, p.unit, p.normal, p.spike});
    return out;
}

// Runs one awaitable to completion on `ioc`, rethrowing what it threw.
template <class T>
T run_to_completion(asio::io_context& ioc, asio::awaitable<T> task)
{
    std::optional<T> result;
    std::exception_ptr failure;
    asio::co_spawn(ioc, std::move(task), [&](std::exception_ptr e, T value) {
        failure = e;
        if (!e) result = std::move(value);
    });
    ioc.restart();
    ioc.run();
    if (failure) std::rethrow_exception(failure);
    return std::move(*result);
}

struct output_file {
    std::FILE* file = nullptr;
    bool owned = false;
    ~output_file()
    {
        if (owned && file) std::fclose(file);
    }
};

// --anomalies: standard output for "-", else a new file; false (with the reason printed) when
// it cannot be created.
bool open_anomalies(std::optional<std::string> const& path, output_file& out)
{
    if (!path) return true;
    if (*path == "-") {
        out.file = stdout;
        return true;
    }
    out.file = std::fopen(path->c_str(), "w");
    if (!out.file) {
        std::fprintf(stderr, "wtfd analyze: %s: cannot create: %s\n", path->c_str(),
                     std::strerror(errno));
        return false;
    }
    out.owned = true;
    return true;
}

// Reads every source into the replayer, noting each in the report and the parameters it found.
// False when a source could not be read (or, with --strict, had a bad row).
bool read_sources(detail::analyze_options const& o, asio::io_context& ioc, detail::replayer& replay,
                  detail::report& r, std::set<std::string, std::less<>>& found_parameters)
{
    bool all_read = true;
    if (o.influx) {
        auto const name = "influx " + o.influx->url + " db " + o.influx->database;
        auto outcome = run_to_completion(ioc, sources::read_influx(*o.influx, replay));
        if (auto* error = std::get_if<std::string>(&outcome)) {
            std::fprintf(stderr, "wtfd analyze: %s\n", error->c_str());
            r.sources.push_back({name, {}, 0, 0, *error});
            return false;
        }
        auto const& s = std::get<sources::influx_summary>(outcome);
        r.sources.push_back({name, std::to_string(s.series) + " series, query " + o.influx->query,
                             s.points, s.rejected, std::nullopt});
        found_parameters.insert(s.parameters.begin(), s.parameters.end());
        if (o.csv.strict && s.rejected > 0) all_read = false;
    }
    for (auto const& file : o.files) {
        auto outcome = sources::read_csv(file, o.csv, replay);
        if (auto* failure = std::get_if<sources::csv_failure>(&outcome)) {
            std::fprintf(stderr, "wtfd analyze: %s\n", failure->message.c_str());
            r.sources.push_back({file, {}, 0, 0, failure->message});
            all_read = false;
            if (o.csv.strict) break;
            continue;
        }
        auto const& s = std::get<sources::csv_summary>(outcome);
        r.sources.push_back({file, describe(s.layout), s.rows, s.rejected, std::nullopt});
        found_parameters.insert(s.layout.parameters.begin(), s.layout.parameters.end());
    }
    return all_read;
}

// --baseline FILE: each sensor's baseline as a fresh detector learns it from FILE (all of it,
// refits included), or the reason there is none.
std::variant<std::vector<std::pair<std::string, detect::sensor_baseline>>, std::string>
learn_baselines(detail::analyze_options const& o, config::daemon_config const& cfg)
{
    if (!cfg.detect.multivariate.enabled)
        return std::string{"--baseline: the multivariate detector is switched off "
                           "(detect.multivariate.enabled)"};
    store::history scratch{cfg.storage};
    summarize::summarizer notes{cfg.summary, cfg.llm, {}, scratch, nullptr, core::now()};
    detail::problem_log problems{stderr};
    detail::replayer learner{cfg.detect, notes, nullptr, problems};
    auto const outcome = sources::read_csv(*o.baseline_path, o.csv, learner);
    if (auto const* failure = std::get_if<sources::csv_failure>(&outcome))
        return "--baseline: " + failure->message;
    std::vector<std::pair<std::string, detect::sensor_baseline>> out;
    if (auto const* d = learner.detector())
        d->for_each_baseline([&](std::string_view id, detect::sensor_baseline const& b) {
            out.emplace_back(std::string{id}, b);
            out.back().second.origin = detect::baseline_origin::loaded;
        });
    if (out.empty())
        return "--baseline: " + *o.baseline_path + ": " +
               std::to_string(learner.counts().readings) +
               " readings, too few to learn a baseline from (detect.multivariate.warmup = " +
               std::to_string(cfg.detect.multivariate.warmup) + " per sensor)";
    return out;
}

// A sensor's baseline and its episodes' top contributors, for the report.
detail::baseline_report describe_baseline(detect::detector const& d, std::string_view sensor,
                                          detail::replay_counts const& counts)
{
    detail::baseline_report b;
    b.sensor = std::string{sensor};
    auto const status = d.baseline_of(sensor);
    if (!status) return b;
    if (status->state == "learning") {
        b.state = "still learning (" + std::to_string(status->warmup_readings) + " of " +
                  std::to_string(status->warmup) + " readings)";
    } else if (status->baseline) {
        auto const& base = *status->baseline;
        b.state = base.origin == detect::baseline_origin::loaded
                      ? std::string{"loaded from --baseline"}
                      : "learned from its first " + std::to_string(status->warmup) + " readings";
        if (base.refits > 0) b.state += ", refit " + std::to_string(base.refits) + " times";
        b.parameters = base.model.parameters;
        b.components = base.model.components;
        b.t2_limit = base.model.t2_limit;
        b.q_limit = base.model.q_limit;
    } else {
        b.state = std::string{status->state};
    }
    if (auto const found = counts.contributions.find(sensor); found != counts.contributions.end()) {
        double total = 0.0;
        for (auto const& [name, share] : found->second) {
            b.top.emplace_back(name, share);
            total += share;
        }
        std::sort(b.top.begin(), b.top.end(),
                  [](auto const& x, auto const& y) { return x.second > y.second; });
        if (b.top.size() > 3) b.top.resize(3);
        for (auto& t : b.top) t.second /= total > 0.0 ? total : 1.0;
    }
    b.episodes = counts.multivariate_episodes(sensor);
    return b;
}

// What the replay found, for the report: counts, sensors, and which parameters had thresholds.
void describe_findings(detail::replayer const& replay, detect::settings const& detect,
                       std::set<std::string, std::less<>> const& found_parameters,
                       detail::report& r)
{
    auto const& counts = replay.counts();
    r.readings = counts.readings;
    r.stale = counts.stale;
    r.first_stale = counts.first_stale;
    r.first = counts.first;
    r.last = counts.last;
    r.dropout_gap = describe_gap(detect);
    r.anomalies_by_type = counts.opened_by_type;
    r.still_open = counts.still_open;
    r.max_parameters = detect.max_parameters;
    if (auto const* d = replay.detector()) {
        r.sensor_count = d->sensor_count();
        r.untracked = d->values_untracked();
        d->for_each_sensor([&](detect::sensor_info const& s) {
            if (r.sensors.size() < sensors_listed) {
                r.sensors.push_back({std::string{s.sensor_id}, s.readings, s.dropout_gap});
                if (detect.multivariate.enabled)
                    r.baselines.push_back(describe_baseline(*d, s.sensor_id, counts));
            }
        });
    }
    for (auto const& p : found_parameters) {
        bool const judged = std::any_of(detect.parameters.begin(), detect.parameters.end(),
                                        [&](auto const& rule) { return rule.name == p; });
        (judged ? r.parameters : r.unjudged_parameters).push_back(p);
    }
}

// --out: the summary's chat completion and its results.csv row; false when they could not be
// written (the reason printed).
bool save_summary(std::string const& dir, summarize::wording const& w,
                  summarize::batch const& batch, std::string const& endpoint, detail::report& r)
{
    auto const at = std::chrono::system_clock::now();
    auto const document = detail::response_document(w, batch, at);
    auto saved = detail::save_response(dir, document, endpoint, at);
    if (auto* problem = std::get_if<std::string>(&saved)) {
        std::fprintf(stderr, "wtfd analyze: %s\n", problem->c_str());
        return false;
    }
    auto const& paths = std::get<detail::saved_paths>(saved);
    r.saved = {paths.response, paths.results + " (row appended)"};
    return true;
}

} // namespace

std::string_view analyze_usage() noexcept { return usage_text; }

int analyze(std::span<std::string_view const> args)
{
    auto parsed = detail::parse_arguments(args, environment_value("INFLUX_PASSWORD"));
    if (auto* problem = std::get_if<std::string>(&parsed)) {
        std::fprintf(stderr, "wtfd analyze: %s\n(wtfd analyze --help shows the options)\n",
                     problem->c_str());
        return exit_usage;
    }
    auto& o = std::get<detail::analyze_options>(parsed);
    if (o.help) {
        std::fwrite(usage_text.data(), 1, usage_text.size(), stdout);
        return 0;
    }
    auto configured = analyze_config(o);
    if (auto* problem = std::get_if<std::string>(&configured)) {
        std::fprintf(stderr, "wtfd analyze: %s\n", problem->c_str());
        return exit_failed;
    }
    auto const& cfg = std::get<config::daemon_config>(configured);
    // The LLM client's warnings go to stderr; the report is the output.
    log::init(log::level::warning);

    output_file anomalies_out;
    if (!open_anomalies(o.anomalies_path, anomalies_out)) return exit_failed;
    // With the anomalies on stdout, the report moves to stderr so the two never mix.
    std::FILE* const report_out = anomalies_out.file == stdout ? stderr : stdout;

    asio::io_context ioc{1};
    auto const params = parameters_of(cfg.detect);
    std::optional<summarize::llm_client> llm;
    if (cfg.llm.enabled && !o.no_llm) {
        try {
            llm.emplace(ioc.get_executor(), cfg.llm);
        } catch (std::invalid_argument const& e) {
            std::fprintf(stderr, "wtfd analyze: cannot use the LLM settings: %s\n", e.what());
            return exit_failed;
        }
    }
    store::history scratch{cfg.storage}; // the summarizer's store; analyze keeps nothing
    summarize::summarizer notes{cfg.summary, cfg.llm, params, scratch, nullptr, core::now()};
    std::optional<detail::anomaly_lines> lines;
    if (anomalies_out.file) lines.emplace(anomalies_out.file);
    detail::problem_log problems{stderr};
    detail::replayer replay{cfg.detect, notes, lines ? &*lines : nullptr, problems};
    if (o.baseline_path) {
        auto learned = learn_baselines(o, cfg);
        if (auto* problem = std::get_if<std::string>(&learned)) {
            std::fprintf(stderr, "wtfd analyze: %s\n", problem->c_str());
            return exit_failed;
        }
        replay.use_baselines(std::move(
            std::get<std::vector<std::pair<std::string, detect::sensor_baseline>>>(learned)));
    }

    detail::report r;
    std::set<std::string, std::less<>> found_parameters;
    bool ok = read_sources(o, ioc, replay, r, found_parameters);
    problems.print_remainder();
    replay.finish();
    if (lines && !lines->finish()) {
        std::fprintf(stderr, "wtfd analyze: %s: cannot write the anomalies: %s\n",
                     o.anomalies_path->c_str(), std::strerror(errno));
        ok = false;
    }
    describe_findings(replay, cfg.detect, found_parameters, r);
    auto const& counts = replay.counts();
    if (counts.readings == 0) {
        std::fputs(detail::render(r).c_str(), report_out);
        std::fprintf(stderr, "wtfd analyze: no valid reading found%s\n",
                     r.sources.size() == 1 ? " in the source" : " in any source");
        return exit_failed;
    }

    // The summary: the whole data span is one window. Nothing to describe, nothing to ask: an
    // LLM asked about no anomalies is exactly how the seed's script got invented outliers.
    auto batch = notes.take_batch(*counts.last);
    batch.window_start =
        std::chrono::floor<std::chrono::seconds>(std::min(batch.window_start, *counts.first));
    auto* const client = llm && !batch.anomalies.empty() ? &*llm : nullptr;
    auto w = run_to_completion(ioc, summarize::word_batch(batch, params, cfg.llm, client));
    if (batch.anomalies.empty()) w.fallback_reason = "no anomalies to describe";
    r.summary = w.text;
    r.summary_source =
        w.from_llm() ? "worded by the LLM, model " + w.model + ", checked against the anomalies"
                     : "wtfd's deterministic summary: " + w.fallback_reason;
    if (w.reply)
        r.summary_notes.push_back(
            "The LLM's answer was checked: " + std::string{summarize::answer_checks()} + ".");
    if (!w.stripped.empty())
        r.summary_notes.push_back(
            "Stripped from the answer before the checks: " + std::to_string(w.stripped.size()) +
            " bytes of reasoning (kept in the saved response).");
    if (w.reply && w.anomalies_sent < batch.anomalies.size())
        r.summary_notes.push_back("The LLM was shown the " + std::to_string(w.anomalies_sent) +
                                  " most severe of " + std::to_string(batch.anomalies.size()) +
                                  " anomalies, to fit its context.");
    if (o.out_dir &&
        !save_summary(*o.out_dir, w, batch, client ? client->endpoint() : std::string{}, r))
        ok = false;
    if (o.anomalies_path && *o.anomalies_path != "-") r.saved.push_back(*o.anomalies_path);
    std::fputs(detail::render(r).c_str(), report_out);
    std::fflush(report_out);
    return ok ? 0 : exit_failed;
}

} // namespace wtf::cli
