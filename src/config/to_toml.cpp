// The effective configuration printed back as TOML (wtfd --check-config): the same keys as the
// file, so the output can be saved and edited, and parse() reads it back unchanged.

#include <wtf/config/config.hpp>

#include "config/detail/rules.hpp"

#include <wtf/core/utf8.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <utility>

namespace wtf::config {

namespace {

using detail::format_number;

// A TOML basic string. Values are valid UTF-8 (the file and the environment are checked);
// should one not be, its invalid bytes become U+FFFD rather than output parse() would refuse.
std::string quote(std::string_view text)
{
    static constexpr char hex[] = "0123456789abcdef";
    std::string valid;
    core::append_utf8(valid, text);
    std::string out = "\"";
    for (char const c : valid) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f') {
                auto const u = static_cast<unsigned char>(c);
                out += "\\u00";
                out += hex[u >> 4];
                out += hex[u & 0xF];
            } else {
                out += c;
            }
        }
    }
    return out + '"';
}

// Parameter names are free-form; TOML needs quotes around anything but A-Za-z0-9_-.
std::string key_text(std::string_view key)
{
    auto const bare = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-';
    };
    if (!key.empty() && std::all_of(key.begin(), key.end(), bare)) return std::string(key);
    return quote(key);
}

// Secrets stay out of logs and terminals; an empty one shows that none is set.
std::string secret(std::string const& value) { return quote(value.empty() ? "" : "********"); }

std::string seconds(std::chrono::milliseconds ms)
{
    return format_number(static_cast<double>(ms.count()) / 1000.0);
}

std::string boolean(bool b) { return b ? "true" : "false"; }

std::string string_array(std::vector<std::string> const& items)
{
    std::string out = "[";
    for (auto const& item : items) out += (out.size() > 1 ? ", " : "") + quote(item);
    return out + ']';
}

std::string band(core::band const& b)
{
    return '[' + format_number(b.low) + ", " + format_number(b.high) + ']';
}

class writer {
public:
    void table(std::string_view name)
    {
        out_ += out_.empty() ? "[" : "\n[";
        out_ += name;
        out_ += "]\n";
    }

    template <class Int>
    void integer(std::string_view key, Int value)
    {
        line(key, std::to_string(value));
    }

    void line(std::string_view key, std::string const& value)
    {
        out_ += key;
        out_ += " = ";
        out_ += value;
        out_ += '\n';
    }

    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

void write_api(writer& w, api::settings const& s)
{
    w.table("api");
    w.line("listen", quote(detail::format_listen(s.listen_host, s.listen_port)));
    w.line("ingest_token", secret(s.ingest_token));
    w.line("read_token", secret(s.read_token));
    w.line("operator_token", secret(s.operator_token));
    w.integer("max_body_bytes", s.max_body_bytes);
    w.integer("max_header_bytes", s.max_header_bytes);
    w.integer("max_connections", s.max_connections);
    w.integer("max_readings_per_request", s.max_readings_per_request);
    w.line("idle_timeout_s", seconds(s.idle_timeout));
    w.line("request_timeout_s", seconds(s.request_timeout));
    w.integer("max_clock_skew_s", s.max_clock_skew.count());
}

void write_generator(writer& w, sources::generator_settings const& s)
{
    w.table("generator");
    w.line("enabled", boolean(s.enabled));
    w.line("sensors", string_array(s.sensors));
    w.line("interval_s", seconds(s.interval));
    w.integer("seed", s.seed);
    w.line("spikes_per_hour", format_number(s.spikes_per_hour));
    w.line("drifts_per_hour", format_number(s.drifts_per_hour));
    w.line("dropouts_per_hour", format_number(s.dropouts_per_hour));
    w.line("stucks_per_hour", format_number(s.stucks_per_hour));
    w.line("jumps_per_hour", format_number(s.jumps_per_hour));
    w.line("valve_closings_per_hour", format_number(s.valve_closings_per_hour));
}

void write_detect(writer& w, detect::settings const& s)
{
    w.table("detect");
    w.line("drift_duration_s", seconds(s.drift_duration));
    w.line("dropout_gap_s", s.dropout_gap_auto ? quote("auto") : seconds(s.dropout_gap));
    w.line("dropout_gap_multiple", format_number(s.dropout_gap_multiple));
    w.line("expected_sensors", string_array(s.expected_sensors));
    w.integer("max_sensors", s.max_sensors);
    w.integer("max_parameters", s.max_parameters);
    for (auto const& p : s.parameters) {
        w.table("detect.parameters." + key_text(p.name));
        w.line("unit", quote(p.unit));
        w.line("spike", band(p.spike));
        w.line("normal", band(p.normal));
        w.line("clear_margin", format_number(p.clear_margin));
        w.line("valid", p.valid ? band(*p.valid) : quote("off"));
        w.line("max_rate_per_s", format_number(p.max_rate_per_s));
        w.line("jump_return_s", seconds(p.jump_return));
        w.line("flat_for_s", seconds(p.flat_for));
        w.line("flat_tolerance", format_number(p.flat_tolerance));
        w.line("deviation_z", format_number(p.deviation_z));
        w.integer("deviation_window", p.deviation_window);
        w.integer("deviation_hold", p.deviation_hold);
    }
    auto const& m = s.multivariate;
    w.table("detect.multivariate");
    w.line("enabled", boolean(m.enabled));
    w.integer("warmup", m.warmup);
    w.line("lambda", format_number(m.lambda));
    w.line("variance_kept", format_number(m.variance_kept));
    w.line("calibration_q", format_number(m.calibration_q));
    w.line("slow_ratio", format_number(m.slow_ratio));
    w.integer("refine_after", m.refine_after);
    w.line("alarm", format_number(m.alarm));
    w.line("clear", format_number(m.clear));
    w.integer("vote_n", m.vote_n);
    w.integer("vote_k", m.vote_k);
    w.line("min_duration_s", format_number(m.min_duration_s));
    w.line("adapt_s", format_number(m.adapt_s));
    w.line("slow_adapt_s", format_number(m.slow_adapt_s));
    w.line("settle_s", format_number(m.settle_s));
    w.line("max_episode_s", format_number(m.max_episode_s));
}

void write_summarize(writer& w, summarize::settings const& s, summarize::llm_settings const& l)
{
    w.table("summary");
    w.line("interval_s", seconds(s.interval));
    w.integer("max_buffer", s.max_buffer);
    w.table("llm");
    w.line("enabled", boolean(l.enabled));
    w.line("base_url", quote(l.base_url));
    w.line("model", quote(l.model));
    w.line("temperature", format_number(l.temperature));
    w.line("timeout_s", seconds(l.timeout));
    w.line("connect_timeout_s", seconds(l.connect_timeout));
    w.line("api_key", secret(l.api_key));
    w.line("api_key_file", quote(l.api_key_file));
    w.line("ca_file", quote(l.ca_file));
    w.integer("max_tokens", l.max_tokens);
    w.integer("max_response_bytes", l.max_response_bytes);
    w.integer("max_prompt_bytes", l.max_prompt_bytes);
    if (l.context_tokens == 0)
        w.line("context_tokens", quote("auto"));
    else
        w.integer("context_tokens", l.context_tokens);
    w.integer("max_prompt_tokens", l.max_prompt_tokens);
}

void write_redis(writer& w, redis::settings const& s)
{
    w.table("redis");
    w.line("enabled", boolean(s.enabled));
    w.line("host", quote(s.host));
    w.integer("port", s.port);
    w.integer("database", s.database);
    w.line("username", quote(s.username));
    w.line("password", secret(s.password));
    w.line("password_file", quote(s.password_file));
    w.integer("anomaly_history", s.anomaly_history);
    w.integer("summary_history", s.summary_history);
    w.integer("queue_limit", s.queue_limit);
    w.line("connect_timeout_s", seconds(s.connect_timeout));
    w.line("max_backoff_s", seconds(s.max_backoff));
    w.line("ingest", boolean(s.ingest));
    w.line("ingest_channel", quote(s.ingest_channel));
}

void write_storage(writer& w, store::settings const& s)
{
    w.table("storage");
    w.line("state_dir", quote(s.state_dir));
    w.integer("anomaly_history", s.anomaly_history);
    w.integer("summary_history", s.summary_history);
    w.line("journal", boolean(s.journal));
    w.line("fsync", quote(detail::to_string(s.fsync)));
    w.line("fsync_interval_s", seconds(s.fsync_interval));
}

void write_alarms(writer& w, alarm::settings const& s)
{
    w.table("alarms");
    w.integer("max_shelve_s", s.ledger.max_shelve.count());
    w.integer("max_shelves", s.ledger.max_shelves);
    w.integer("max_out_of_service", s.ledger.max_out_of_service);
    w.integer("max_comments", s.ledger.max_comments);
    w.integer("max_comment_bytes", s.ledger.max_comment_bytes);
    w.integer("performance_window_s",
              std::chrono::duration_cast<std::chrono::seconds>(s.performance.window).count());
    w.integer("points_per_period", s.performance.points_per_period);
    w.integer("max_points", s.performance.max_points);
    w.integer("max_active", s.performance.max_active);
    w.integer("recent_readings", s.readings.per_sensor);
    w.integer("recent_parameters", s.readings.parameters);
    w.table("events");
    w.integer("max_streams", s.streams.max_streams);
    w.integer("buffer_events", s.streams.buffer_events);
    w.integer("buffer_bytes", s.streams.buffer_bytes);
    w.line("heartbeat_s", seconds(s.streams.heartbeat));
}

void write_log(writer& w, log::settings const& s)
{
    w.table("log");
    w.line("level", quote(detail::to_string(s.level)));
}

} // namespace

std::string to_toml(daemon_config const& c)
{
    writer w;
    write_api(w, c.api);
    write_generator(w, c.generator);
    write_detect(w, c.detect);
    write_summarize(w, c.summary, c.llm);
    write_redis(w, c.redis);
    write_storage(w, c.storage);
    write_alarms(w, c.alarms);
    write_log(w, c.log);
    return w.take();
}

} // namespace wtf::config
