// The [api], [generator], [detect], ... tables of wtfd.toml, one reader per table.

#include "config/detail/readers.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <string>
#include <utility>
#include <variant>

namespace wtf::config::detail {

namespace {

constexpr std::int64_t mib = 1024 * 1024;
constexpr number_rule non_negative{0.0, std::numeric_limits<double>::max()};
// "auto" gaps: below 1.5 intervals ordinary jitter would be an outage; above 1000 an outage
// would have to last days on a one-row-a-minute file.
constexpr number_rule dropout_multiple_rule{1.5, 1000.0};

void read_listen(table_reader& t, api::settings& s)
{
    std::string text;
    if (!t.text("listen", text)) return;
    auto parsed = parse_listen(text);
    if (auto* problem = std::get_if<std::string>(&parsed)) {
        t.fail("listen", std::move(*problem));
        return;
    }
    auto& at = std::get<endpoint>(parsed);
    s.listen_host = std::move(at.host);
    s.listen_port = at.port;
}

void read_api(table_reader& t, api::settings& s)
{
    read_listen(t, s);
    t.text("ingest_token", s.ingest_token);
    t.text("read_token", s.read_token);
    t.text("operator_token", s.operator_token);
    t.integer("max_body_bytes", s.max_body_bytes, {1, 64 * mib});
    t.integer("max_header_bytes", s.max_header_bytes, {1024, 65'536});
    t.integer("max_connections", s.max_connections, {1, 100'000});
    t.integer("max_readings_per_request", s.max_readings_per_request, {1, no_limit});
    t.seconds("idle_timeout_s", s.idle_timeout);
    t.seconds("request_timeout_s", s.request_timeout);
    t.whole_seconds("max_clock_skew_s", s.max_clock_skew);
}

void read_generator(table_reader& t, sources::generator_settings& s)
{
    t.boolean("enabled", s.enabled);
    t.names("sensors", s.sensors);
    t.seconds("interval_s", s.interval);
    t.integer("seed", s.seed, {0, no_limit});
    t.number("spikes_per_hour", s.spikes_per_hour, non_negative);
    t.number("drifts_per_hour", s.drifts_per_hour, non_negative);
    t.number("dropouts_per_hour", s.dropouts_per_hour, non_negative);
    t.number("stucks_per_hour", s.stucks_per_hour, non_negative);
    t.number("jumps_per_hour", s.jumps_per_hour, non_negative);
    t.number("valve_closings_per_hour", s.valve_closings_per_hour, non_negative);
}

std::string format_band(core::band const& b)
{
    return '[' + format_bound(b.low) + ", " + format_bound(b.high) + ']';
}

// Relations between keys, checked once each key is valid on its own. A band may come from the
// defaults while the other comes from the file, hence the complete rule.
void check_bands(table_reader& t, detect::parameter_rules const& rule)
{
    if (rule.normal.low < rule.spike.low || rule.normal.high > rule.spike.high)
        t.fail("normal", "must lie inside spike, but " + format_band(rule.normal) +
                             " is not inside " + format_band(rule.spike));
    auto const half_width = (rule.normal.high - rule.normal.low) / 2.0;
    if (rule.clear_margin >= half_width)
        t.fail("clear_margin", "must be less than " + format_bound(half_width) +
                                   ", half the width of normal " + format_band(rule.normal));
}

// Seconds where 0 switches the rule off: 0 or a duration to_milliseconds accepts.
void off_or_seconds(table_reader& t, std::string_view key, std::chrono::milliseconds& out)
{
    double value = static_cast<double>(out.count()) / 1000.0;
    if (!t.number(key, value, non_negative)) return;
    if (value == 0.0) {
        out = std::chrono::milliseconds{0};
        return;
    }
    auto converted = to_milliseconds(value);
    if (auto* problem = std::get_if<std::string>(&converted))
        t.fail(key, std::move(*problem));
    else
        out = std::get<std::chrono::milliseconds>(converted);
}

// The rules beyond the bands: implausible, jump, flatline, deviation. 0 (or "off" for `valid`)
// switches a rule off.
void read_series_rules(table_reader& t, detect::parameter_rules& rule)
{
    if (auto const* valid = t.find("valid"); valid && valid->is_string()) {
        if (valid->value<std::string_view>() == "off")
            rule.valid.reset();
        else
            t.fail("valid", R"(must be [low, high] or "off")");
    } else if (valid) {
        core::band b;
        if (t.band("valid", b)) rule.valid = b;
    }
    t.number("max_rate_per_s", rule.max_rate_per_s, non_negative);
    t.seconds("jump_return_s", rule.jump_return);
    off_or_seconds(t, "flat_for_s", rule.flat_for);
    t.number("flat_tolerance", rule.flat_tolerance, non_negative);
    t.number("deviation_z", rule.deviation_z, non_negative);
    t.integer("deviation_window", rule.deviation_window, {2, 1'000'000});
    t.integer("deviation_hold", rule.deviation_hold, {1, 1'000'000});
}

// [detect.multivariate]. Each key is checked on its own here; relations between keys (vote_k
// within vote_n) by the settings' own check, reported at the key it names.
void read_multivariate(table_reader& t, detect::multivariate_settings& s)
{
    constexpr number_rule fraction{0.0, 1.0};
    auto const errors_before = t.errors();
    t.boolean("enabled", s.enabled);
    t.integer("warmup", s.warmup, {20, 10'000'000});
    t.number("lambda", s.lambda, fraction);
    t.number("variance_kept", s.variance_kept, fraction);
    t.number("calibration_q", s.calibration_q, fraction);
    t.number("slow_ratio", s.slow_ratio, fraction);
    t.integer("refine_after", s.refine_after, {0, 10'000'000});
    t.number("alarm", s.alarm, non_negative);
    t.number("clear", s.clear, fraction);
    t.integer("vote_n", s.vote_n, {1, 64});
    t.integer("vote_k", s.vote_k, {1, 64});
    t.number("min_duration_s", s.min_duration_s, non_negative);
    t.number("adapt_s", s.adapt_s, non_negative);
    t.number("slow_adapt_s", s.slow_adapt_s, non_negative);
    t.number("settle_s", s.settle_s, non_negative);
    t.number("max_episode_s", s.max_episode_s, non_negative);
    if (t.errors() != errors_before) return;
    auto problem = s.check();
    if (problem.empty()) return;
    auto const colon = problem.find(':');
    auto const key = problem.substr(0, colon);
    t.fail(key, "must be" + problem.substr(colon + 1));
}

// A table naming a default parameter adjusts it; a new one must give both bands, as there is
// nothing sensible to assume for a quantity we know nothing about.
void read_parameter(table_reader& t, std::string_view name,
                    std::vector<detect::parameter_rules>& rules)
{
    auto const existing =
        std::find_if(rules.begin(), rules.end(), [&](auto const& r) { return r.name == name; });
    bool const is_new = existing == rules.end();
    detect::parameter_rules rule;
    if (is_new)
        rule.name = std::string(name);
    else
        rule = *existing;

    auto const errors_before = t.errors();
    t.text("unit", rule.unit);
    t.band("spike", rule.spike);
    t.band("normal", rule.normal);
    t.number("clear_margin", rule.clear_margin, non_negative);
    read_series_rules(t, rule);
    for (std::string_view band : {"spike", "normal"})
        if (is_new && !t.find(band)) t.fail(band, "is required for a new parameter: [low, high]");
    if (t.errors() != errors_before) return;
    check_bands(t, rule);
    if (t.errors() != errors_before) return;
    if (is_new)
        rules.push_back(std::move(rule));
    else
        *existing = std::move(rule);
}

// "timestamp" and "sensor_id" are the fields of a reading itself, never a measured quantity.
bool is_parameter_name(std::string_view name)
{
    return !name.empty() && name != "timestamp" && name != "sensor_id";
}

void read_parameters(table_reader& t, std::vector<detect::parameter_rules>& rules)
{
    t.each_section([&](std::string_view name, table_reader& p) {
        if (is_parameter_name(name)) {
            read_parameter(p, name, rules);
            return;
        }
        t.fail(name, "is not a measured quantity");
        // Its keys are still checked, so that every mistake in the table shows at once.
        auto scratch = detect::settings::default_parameters();
        read_parameter(p, name, scratch);
    });
}

void read_detect(table_reader& t, detect::settings& s)
{
    t.seconds("drift_duration_s", s.drift_duration);
    auto const* gap = t.find("dropout_gap_s");
    if (gap && gap->is_string()) {
        s.dropout_gap_auto = gap->value<std::string_view>() == "auto";
        if (!s.dropout_gap_auto)
            t.fail("dropout_gap_s", R"(must be a number of seconds or "auto")");
    } else if (gap) {
        s.dropout_gap_auto = false;
        t.seconds("dropout_gap_s", s.dropout_gap);
    }
    t.number("dropout_gap_multiple", s.dropout_gap_multiple, dropout_multiple_rule);
    t.names("expected_sensors", s.expected_sensors);
    t.integer("max_sensors", s.max_sensors, {1, no_limit});
    t.integer("max_parameters", s.max_parameters, {1, 4096});
    t.section("parameters", [&](table_reader& p) { read_parameters(p, s.parameters); });
    t.section("multivariate", [&](table_reader& m) { read_multivariate(m, s.multivariate); });
}

void read_summary(table_reader& t, summarize::settings& s)
{
    t.seconds("interval_s", s.interval);
    t.integer("max_buffer", s.max_buffer, max_buffer_rule);
}

void read_llm(table_reader& t, summarize::llm_settings& s)
{
    t.boolean("enabled", s.enabled);
    t.text("base_url", s.base_url, http_url);
    t.text("model", s.model, non_empty);
    t.number("temperature", s.temperature, temperature_rule);
    t.seconds("timeout_s", s.timeout);
    t.seconds("connect_timeout_s", s.connect_timeout);
    t.text("api_key", s.api_key);
    t.text("api_key_file", s.api_key_file);
    t.text("ca_file", s.ca_file);
    t.integer("max_tokens", s.max_tokens, {1, 1'000'000});
    t.integer("max_response_bytes", s.max_response_bytes, {1024, 64 * mib});
    t.integer("max_prompt_bytes", s.max_prompt_bytes, {1024, 16 * mib});
    auto const* context = t.find("context_tokens");
    if (context && context->is_string()) {
        if (context->value<std::string_view>() == "auto")
            s.context_tokens = 0;
        else
            t.fail("context_tokens", R"(must be a number of tokens (256 to 10000000) or "auto")");
    } else if (context) {
        t.integer("context_tokens", s.context_tokens, {256, 10'000'000});
    }
    // 0: derived from the context; else at least room for the instructions.
    t.integer("max_prompt_tokens", s.max_prompt_tokens, {0, 10'000'000});
    if (s.max_prompt_tokens != 0 && s.max_prompt_tokens < 256)
        t.fail("max_prompt_tokens", "must be 0 (derived from context_tokens) or at least 256");
}

void read_redis(table_reader& t, redis::settings& s)
{
    t.boolean("enabled", s.enabled);
    t.text("host", s.host, non_empty);
    t.integer("port", s.port, {1, 65'535});
    t.integer("database", s.database, {0, 1'000});
    t.text("username", s.username);
    t.text("password", s.password);
    t.text("password_file", s.password_file);
    t.integer("anomaly_history", s.anomaly_history, {1, 1'000'000});
    t.integer("summary_history", s.summary_history, {1, 1'000'000});
    t.integer("queue_limit", s.queue_limit, {1, 10'000'000});
    t.seconds("connect_timeout_s", s.connect_timeout);
    t.seconds("max_backoff_s", s.max_backoff);
    t.boolean("ingest", s.ingest);
    t.text("ingest_channel", s.ingest_channel, non_empty);
}

std::optional<std::string> durability_name(std::string_view text)
{
    if (durability_from(text)) return std::nullopt;
    return R"(must be "interval" or "always")";
}

void read_storage(table_reader& t, store::settings& s)
{
    t.text("state_dir", s.state_dir, non_empty);
    t.integer("anomaly_history", s.anomaly_history, {1, 1'000'000});
    t.integer("summary_history", s.summary_history, {1, 100'000});
    t.boolean("journal", s.journal);
    std::string fsync;
    if (t.text("fsync", fsync, durability_name)) s.fsync = *durability_from(fsync);
    t.seconds("fsync_interval_s", s.fsync_interval);
}

// [alarms]: the bounds of the operator's alarm state, the load figures and the readings rings.
void read_alarms(table_reader& t, alarm::settings& s)
{
    auto& ledger = s.ledger;
    auto const day = std::int64_t{24 * 3600};
    std::chrono::seconds shelve = ledger.max_shelve;
    if (t.whole_seconds("max_shelve_s", shelve)) {
        if (shelve.count() < 60 || shelve.count() > 30 * day)
            t.fail("max_shelve_s",
                   "must be between 60 and " + std::to_string(30 * day) + " seconds (30 days)");
        else
            ledger.max_shelve = shelve;
    }
    t.integer("max_shelves", ledger.max_shelves, {1, 1'000'000});
    t.integer("max_out_of_service", ledger.max_out_of_service, {1, 1'000'000});
    t.integer("max_comments", ledger.max_comments, {1, 1000});
    t.integer("max_comment_bytes", ledger.max_comment_bytes, {1, 65'536});

    auto& load = s.performance;
    std::chrono::seconds window{load.window};
    auto const period = std::int64_t{600};
    if (t.whole_seconds("performance_window_s", window)) {
        if (window.count() < period || window.count() > 7 * day || window.count() % period != 0)
            t.fail("performance_window_s",
                   "must be a whole number of 10-minute periods (a multiple of 600) between 600 "
                   "and " +
                       std::to_string(7 * day) + " seconds (7 days)");
        else
            load.window = std::chrono::duration_cast<std::chrono::minutes>(window);
    }
    t.integer("points_per_period", load.points_per_period, {1, 4096});
    t.integer("max_points", load.max_points, {1, 1'000'000});
    t.integer("max_active", load.max_active, {1, 1'000'000});

    t.integer("recent_readings", s.readings.per_sensor, {1, 100'000});
    t.integer("recent_parameters", s.readings.parameters, {1, 64});
}

// [events]: GET /events.
void read_events(table_reader& t, alarm::stream_settings& s)
{
    t.integer("max_streams", s.max_streams, {1, 10'000});
    t.integer("buffer_events", s.buffer_events, {1, 1'000'000});
    t.integer("buffer_bytes", s.buffer_bytes, {4096, 1024 * mib});
    t.seconds("heartbeat_s", s.heartbeat);
}

std::optional<std::string> level_name(std::string_view text)
{
    if (level_from(text)) return std::nullopt;
    return R"(must be one of "error", "warning", "notice", "info", "debug")";
}

void read_log(table_reader& t, log::settings& s)
{
    std::string name;
    if (t.text("level", name, level_name)) s.level = *level_from(name);
}

} // namespace

void read_document(toml::table const& document, daemon_config& c, diagnostics& diag)
{
    table_reader root{document, "", diag};
    root.section("api", [&](table_reader& t) { read_api(t, c.api); });
    root.section("generator", [&](table_reader& t) { read_generator(t, c.generator); });
    root.section("detect", [&](table_reader& t) { read_detect(t, c.detect); });
    root.section("summary", [&](table_reader& t) { read_summary(t, c.summary); });
    root.section("llm", [&](table_reader& t) { read_llm(t, c.llm); });
    root.section("redis", [&](table_reader& t) { read_redis(t, c.redis); });
    root.section("storage", [&](table_reader& t) { read_storage(t, c.storage); });
    root.section("alarms", [&](table_reader& t) { read_alarms(t, c.alarms); });
    root.section("events", [&](table_reader& t) { read_events(t, c.alarms.streams); });
    root.section("log", [&](table_reader& t) { read_log(t, c.log); });
    root.reject_unknown();
}

} // namespace wtf::config::detail
