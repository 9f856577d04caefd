#include <wtf/config/config.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using wtf::config::daemon_config;
using wtf::config::error;
using wtf::config::to_string;

using variables = std::map<std::string, std::string, std::less<>>;

wtf::config::environment environment_of(variables vars)
{
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        auto const found = vars.find(name);
        if (found == vars.end()) return std::nullopt;
        return found->second;
    };
}

wtf::config::environment const no_environment = environment_of({});

std::string describe(std::vector<error> const& errors)
{
    std::string out;
    for (auto const& e : errors) out += to_string(e) + '\n';
    return out;
}

daemon_config accepted(std::variant<daemon_config, std::vector<error>> result)
{
    if (auto const* errors = std::get_if<std::vector<error>>(&result))
        FAIL("unexpected errors:\n" << describe(*errors));
    return std::get<daemon_config>(std::move(result));
}

daemon_config parsed(std::string_view text, wtf::config::environment const& env = no_environment)
{
    return accepted(wtf::config::parse(text, "wtfd.toml", env));
}

std::vector<error> rejected(std::string_view text,
                            wtf::config::environment const& env = no_environment)
{
    auto result = wtf::config::parse(text, "wtfd.toml", env);
    REQUIRE(std::holds_alternative<std::vector<error>>(result));
    return std::get<std::vector<error>>(std::move(result));
}

error only_error(std::string_view text, wtf::config::environment const& env = no_environment)
{
    auto const errors = rejected(text, env);
    INFO(describe(errors));
    REQUIRE(errors.size() == 1);
    return errors.front();
}

// One wrong line in one table: the error must name the key and line 2, where the line is.
struct bad_line {
    std::string_view table;
    std::string_view assignment;
    std::string_view key;
};

void check_each_is_rejected(std::vector<bad_line> const& cases)
{
    for (auto const& c : cases) {
        auto const text = '[' + std::string(c.table) + "]\n" + std::string(c.assignment) + '\n';
        INFO(text);
        auto const e = only_error(text);
        CHECK(e.source == "wtfd.toml");
        CHECK(e.key == c.key);
        CHECK(e.line == 2);
        CHECK_FALSE(e.message.empty());
    }
}

std::vector<std::string> parameter_names(daemon_config const& c)
{
    std::vector<std::string> names;
    for (auto const& p : c.detect.parameters) names.push_back(p.name);
    return names;
}

wtf::detect::parameter_rules const& parameter(daemon_config const& c, std::string_view name)
{
    auto const& all = c.detect.parameters;
    auto const named = [&](auto const& p) { return p.name == name; };
    auto const found = std::find_if(all.begin(), all.end(), named);
    REQUIRE(found != all.end());
    return *found;
}

std::filesystem::path repository_root() { return std::filesystem::path{WTF_REPOSITORY_ROOT}; }

} // namespace

TEST_CASE("Empty text gives the embedded defaults", "[unit]")
{
    auto const c = parsed("");
    CHECK(wtf::config::to_toml(c) == wtf::config::to_toml(daemon_config{}));
    CHECK(c.api.listen_host == "127.0.0.1");
    CHECK(c.api.listen_port == 8000);
    CHECK(c.detect.drift_duration == 15s);
    CHECK(parameter_names(c) == std::vector<std::string>{"temperature", "pressure", "flow"});
}

TEST_CASE("Every [api] key is read", "[unit]")
{
    auto const c = parsed(R"(
[api]
listen = "0.0.0.0:9001"
ingest_token = "in"
read_token = "out"
operator_token = "op"
max_body_bytes = 2048
max_header_bytes = 4096
max_connections = 10
max_readings_per_request = 500
idle_timeout_s = 5
request_timeout_s = 2.5
max_clock_skew_s = 60
)");
    CHECK(c.api.listen_host == "0.0.0.0");
    CHECK(c.api.listen_port == 9001);
    CHECK(c.api.ingest_token == "in");
    CHECK(c.api.read_token == "out");
    CHECK(c.api.operator_token == "op");
    CHECK(c.api.max_body_bytes == 2048);
    CHECK(c.api.max_header_bytes == 4096);
    CHECK(c.api.max_connections == 10);
    CHECK(c.api.max_readings_per_request == 500);
    CHECK(c.api.idle_timeout == 5s);
    CHECK(c.api.request_timeout == 2500ms);
    CHECK(c.api.max_clock_skew == 60s);
}

TEST_CASE("Every [generator] key is read", "[unit]")
{
    auto const c = parsed(R"(
[generator]
enabled = false
sensors = ["a", "b"]
interval_s = 0.5
seed = 7
spikes_per_hour = 1
drifts_per_hour = 2.5
dropouts_per_hour = 0
)");
    CHECK_FALSE(c.generator.enabled);
    CHECK(c.generator.sensors == std::vector<std::string>{"a", "b"});
    CHECK(c.generator.interval == 500ms);
    CHECK(c.generator.seed == 7);
    CHECK(c.generator.spikes_per_hour == 1.0);
    CHECK(c.generator.drifts_per_hour == 2.5);
    CHECK(c.generator.dropouts_per_hour == 0.0);
}

TEST_CASE("Every [detect] key is read", "[unit]")
{
    auto const c = parsed(R"(
[detect]
drift_duration_s = 20
dropout_gap_s = 7.5
expected_sensors = ["wtf-pipe-1"]
max_sensors = 12
max_parameters = 5

[detect.parameters.pressure]
unit = "kPa"
spike = [50, 400]
normal = [100.0, 300.0]
clear_margin = 5
)");
    CHECK(c.detect.drift_duration == 20s);
    CHECK(c.detect.dropout_gap == 7500ms);
    CHECK(c.detect.expected_sensors == std::vector<std::string>{"wtf-pipe-1"});
    CHECK(c.detect.max_sensors == 12);
    CHECK(c.detect.max_parameters == 5);
    auto const& p = parameter(c, "pressure");
    CHECK(p.unit == "kPa");
    CHECK(p.spike.low == 50.0);
    CHECK(p.spike.high == 400.0);
    CHECK(p.normal.low == 100.0);
    CHECK(p.normal.high == 300.0);
    CHECK(p.clear_margin == 5.0);
}

TEST_CASE("Every [summary] and [llm] key is read", "[unit]")
{
    auto const c = parsed(R"(
[summary]
interval_s = 30
max_buffer = 20

[llm]
enabled = false
base_url = "https://api.example.com/v1"
model = "m"
temperature = 0.7
timeout_s = 12.5
connect_timeout_s = 2.5
api_key = "sk-1"
api_key_file = "/etc/wtfd/llm.key"
ca_file = "/etc/wtfd/ca.pem"
max_tokens = 256
max_response_bytes = 65536
max_prompt_bytes = 8192
context_tokens = 4096
max_prompt_tokens = 3000
)");
    CHECK(c.summary.interval == 30s);
    CHECK(c.summary.max_buffer == 20);
    CHECK_FALSE(c.llm.enabled);
    CHECK(c.llm.base_url == "https://api.example.com/v1");
    CHECK(c.llm.model == "m");
    CHECK(c.llm.temperature == 0.7);
    CHECK(c.llm.timeout == 12500ms);
    CHECK(c.llm.api_key == "sk-1");
    CHECK(c.llm.connect_timeout == 2500ms);
    CHECK(c.llm.api_key_file == "/etc/wtfd/llm.key");
    CHECK(c.llm.ca_file == "/etc/wtfd/ca.pem");
    CHECK(c.llm.max_tokens == 256);
    CHECK(c.llm.max_response_bytes == 65536);
    CHECK(c.llm.max_prompt_bytes == 8192);
    CHECK(c.llm.context_tokens == 4096);
    CHECK(c.llm.max_prompt_tokens == 3000);
}

TEST_CASE("llm.context_tokens is \"auto\" by default and may be set back to it", "[unit]")
{
    CHECK(parsed("").llm.context_tokens == 0);
    CHECK(parsed("[llm]\ncontext_tokens = \"auto\"\n").llm.context_tokens == 0);
    CHECK(parsed("").llm.max_prompt_tokens == 0);
}

TEST_CASE("Every [redis], [storage] and [log] key is read", "[unit]")
{
    auto const c = parsed(R"(
[redis]
enabled = true
host = "redis.plant"
port = 6380
database = 2
username = "wtfd"
password = "pw"
password_file = "/etc/wtfd/redis.pass"
anomaly_history = 50
summary_history = 20
queue_limit = 500
connect_timeout_s = 0.5
max_backoff_s = 5
ingest = true
ingest_channel = "plant-readings"

[storage]
state_dir = "/tmp/wtfd"
anomaly_history = 5
summary_history = 6
journal = false
fsync = "always"
fsync_interval_s = 0.25

[log]
level = "debug"
)");
    CHECK(c.redis.enabled);
    CHECK(c.redis.host == "redis.plant");
    CHECK(c.redis.port == 6380);
    CHECK(c.redis.database == 2);
    CHECK(c.redis.username == "wtfd");
    CHECK(c.redis.password == "pw");
    CHECK(c.redis.password_file == "/etc/wtfd/redis.pass");
    CHECK(c.redis.anomaly_history == 50);
    CHECK(c.redis.summary_history == 20);
    CHECK(c.redis.queue_limit == 500);
    CHECK(c.redis.connect_timeout == 500ms);
    CHECK(c.redis.max_backoff == 5s);
    CHECK(c.redis.ingest);
    CHECK(c.redis.ingest_channel == "plant-readings");
    CHECK(c.storage.state_dir == "/tmp/wtfd");
    CHECK(c.storage.anomaly_history == 5);
    CHECK(c.storage.summary_history == 6);
    CHECK_FALSE(c.storage.journal);
    CHECK(c.storage.fsync == wtf::store::durability::always);
    CHECK(c.storage.fsync_interval == 250ms);
    CHECK(c.log.level == wtf::log::level::debug);
}

TEST_CASE("Every [alarms] and [events] key is read", "[unit]")
{
    auto const c = parsed(R"(
[alarms]
max_shelve_s = 3600
max_shelves = 10
max_out_of_service = 20
max_comments = 5
max_comment_bytes = 200
performance_window_s = 7200
points_per_period = 8
max_points = 300
max_active = 400
recent_readings = 16
recent_parameters = 4

[events]
max_streams = 7
buffer_events = 64
buffer_bytes = 65536
heartbeat_s = 0.5
)");
    auto const& a = c.alarms;
    CHECK(a.ledger.max_shelve == 3600s);
    CHECK(a.ledger.max_shelves == 10);
    CHECK(a.ledger.max_out_of_service == 20);
    CHECK(a.ledger.max_comments == 5);
    CHECK(a.ledger.max_comment_bytes == 200);
    CHECK(a.performance.window == 120min);
    CHECK(a.performance.points_per_period == 8);
    CHECK(a.performance.max_points == 300);
    CHECK(a.performance.max_active == 400);
    CHECK(a.readings.per_sensor == 16);
    CHECK(a.readings.parameters == 4);
    CHECK(a.streams.max_streams == 7);
    CHECK(a.streams.buffer_events == 64);
    CHECK(a.streams.buffer_bytes == 65536);
    CHECK(a.streams.heartbeat == 500ms);
}

TEST_CASE("Wrong [alarms] and [events] values name the key and the line", "[unit]")
{
    check_each_is_rejected({
        {"alarms", "max_shelve_s = 59", "alarms.max_shelve_s"},
        {"alarms", "max_shelve_s = 2592001", "alarms.max_shelve_s"},
        {"alarms", "max_shelve_s = 3600.5", "alarms.max_shelve_s"},
        {"alarms", "max_shelves = 0", "alarms.max_shelves"},
        {"alarms", "max_out_of_service = 0", "alarms.max_out_of_service"},
        {"alarms", "max_comments = 0", "alarms.max_comments"},
        {"alarms", "max_comments = 1001", "alarms.max_comments"},
        {"alarms", "max_comment_bytes = 0", "alarms.max_comment_bytes"},
        {"alarms", "max_comment_bytes = 65537", "alarms.max_comment_bytes"},
        {"alarms", "performance_window_s = 0", "alarms.performance_window_s"},
        {"alarms", "performance_window_s = 900", "alarms.performance_window_s"},
        {"alarms", "performance_window_s = 605400", "alarms.performance_window_s"},
        {"alarms", "points_per_period = 0", "alarms.points_per_period"},
        {"alarms", "max_points = 0", "alarms.max_points"},
        {"alarms", "max_active = -1", "alarms.max_active"},
        {"alarms", "recent_readings = 0", "alarms.recent_readings"},
        {"alarms", "recent_readings = 100001", "alarms.recent_readings"},
        {"alarms", "recent_parameters = 65", "alarms.recent_parameters"},
        {"alarms", "max_streams = 5", "alarms.max_streams"},
        {"events", "max_streams = 0", "events.max_streams"},
        {"events", "max_streams = 10001", "events.max_streams"},
        {"events", "buffer_events = 0", "events.buffer_events"},
        {"events", "buffer_bytes = 4095", "events.buffer_bytes"},
        {"events", "heartbeat_s = 0", "events.heartbeat_s"},
        {"events", "heartbeat_s = \"15\"", "events.heartbeat_s"},
    });
}

TEST_CASE("A shelf limit outside its range says the range in words", "[unit]")
{
    auto const e = only_error("[alarms]\nmax_shelve_s = 30\n");
    CHECK(to_string(e) ==
          "wtfd.toml:2: alarms.max_shelve_s: must be between 60 and 2592000 seconds (30 days)");
}

TEST_CASE("Every log level name is accepted", "[unit]")
{
    using wtf::log::level;
    std::vector<std::pair<std::string, level>> const names{
        {"error", level::error}, {"warning", level::warning}, {"notice", level::notice},
        {"info", level::info},   {"debug", level::debug},
    };
    for (auto const& [name, expected] : names)
        CHECK(parsed("[log]\nlevel = \"" + name + "\"\n").log.level == expected);
}

TEST_CASE("Durations are rounded to the nearest millisecond", "[unit]")
{
    auto const c = parsed("[detect]\ndrift_duration_s = 0.0015\ndropout_gap_s = 1.0004\n");
    CHECK(c.detect.drift_duration == 2ms);
    CHECK(c.detect.dropout_gap == 1000ms);
}

TEST_CASE("An IPv6 listen address in brackets is read without them", "[unit]")
{
    auto const c = parsed("[api]\nlisten = \"[::1]:9000\"\n");
    CHECK(c.api.listen_host == "::1");
    CHECK(c.api.listen_port == 9000);
}

TEST_CASE("A host name with port 0 is a valid listen address", "[unit]")
{
    auto const c = parsed("[api]\nlisten = \"localhost:0\"\n");
    CHECK(c.api.listen_host == "localhost");
    CHECK(c.api.listen_port == 0);
}

TEST_CASE("A listen address without a port is an error", "[unit]")
{
    auto const e = only_error("[api]\nlisten = \"nohost\"\n");
    CHECK(e.key == "api.listen");
    CHECK(e.line == 2);
    CHECK_THAT(e.message, Catch::Contains("HOST:PORT"));
}

TEST_CASE("An unknown top-level key is an error naming it and its line", "[unit]")
{
    auto const e = only_error("\n\nverbose = true\n");
    CHECK(e.key == "verbose");
    CHECK(e.line == 3);
    CHECK(e.message == "unknown key");
}

TEST_CASE("An unknown key in a table is an error naming it and its line", "[unit]")
{
    auto const e = only_error("[api]\nlisten = \"127.0.0.1:1\"\nlisten_port = 8000\n");
    CHECK(to_string(e) == "wtfd.toml:3: api.listen_port: unknown key");
}

TEST_CASE("An unknown sub-table is an error naming it", "[unit]")
{
    auto const e = only_error("[api]\n[api.tls]\ncert = \"x\"\n");
    CHECK(e.key == "api.tls");
    CHECK(e.line == 2);
}

TEST_CASE("An unknown key in a parameter table is an error naming it and its line", "[unit]")
{
    auto const e = only_error("[detect.parameters.flow]\nunit = \"L/min\"\nspikes = [1, 2]\n");
    CHECK(e.key == "detect.parameters.flow.spikes");
    CHECK(e.line == 3);
    CHECK(e.message == "unknown key");
}

TEST_CASE("A table name with a value instead of a table is an error", "[unit]")
{
    check_each_is_rejected({
        {"detect", "parameters = 3", "detect.parameters"},
        {"detect.parameters", "flow = [1, 2]", "detect.parameters.flow"},
        {"detect.parameters", "timestamp = {spike = [1, 3], normal = [1.2, 2.8]}",
         "detect.parameters.timestamp"},
    });
    auto const e = only_error("api = 1\n");
    CHECK(e.key == "api");
    CHECK(e.line == 1);
}

TEST_CASE("Wrong [api] values name the key and the line", "[unit]")
{
    check_each_is_rejected({
        {"api", "listen = 8000", "api.listen"},
        {"api", "listen = \"300.1.1.1:80\"", "api.listen"},
        {"api", "listen = \"::1:80\"", "api.listen"},
        {"api", "listen = \"[::g]:80\"", "api.listen"},
        {"api", "listen = \"under_score:80\"", "api.listen"},
        {"api", "listen = \":80\"", "api.listen"},
        {"api", "listen = \"localhost:65536\"", "api.listen"},
        {"api", "listen = \"localhost:\"", "api.listen"},
        {"api", "ingest_token = 5", "api.ingest_token"},
        {"api", "read_token = true", "api.read_token"},
        {"api", "max_body_bytes = 0", "api.max_body_bytes"},
        {"api", "max_body_bytes = -1", "api.max_body_bytes"},
        {"api", "max_body_bytes = 67108865", "api.max_body_bytes"},
        {"api", "max_body_bytes = 1024.0", "api.max_body_bytes"},
        {"api", "max_header_bytes = 1023", "api.max_header_bytes"},
        {"api", "max_header_bytes = 65537", "api.max_header_bytes"},
        {"api", "max_connections = 0", "api.max_connections"},
        {"api", "max_connections = 100001", "api.max_connections"},
        {"api", "max_readings_per_request = 0", "api.max_readings_per_request"},
        {"api", "idle_timeout_s = 0", "api.idle_timeout_s"},
        {"api", "idle_timeout_s = \"30\"", "api.idle_timeout_s"},
        {"api", "request_timeout_s = -2.5", "api.request_timeout_s"},
        {"api", "request_timeout_s = 0.0004", "api.request_timeout_s"},
        {"api", "request_timeout_s = inf", "api.request_timeout_s"},
        {"api", "max_clock_skew_s = -1", "api.max_clock_skew_s"},
        {"api", "max_clock_skew_s = 1.5", "api.max_clock_skew_s"},
    });
}

TEST_CASE("Wrong [generator] values name the key and the line", "[unit]")
{
    check_each_is_rejected({
        {"generator", "enabled = \"yes\"", "generator.enabled"},
        {"generator", "sensors = \"wtf-pipe-1\"", "generator.sensors"},
        {"generator", "sensors = [\"a\", \"\"]", "generator.sensors[1]"},
        {"generator", "sensors = [\"a\", 2]", "generator.sensors[1]"},
        {"generator", "sensors = [\"a\", \"a\"]", "generator.sensors[1]"},
        {"generator", "interval_s = 0", "generator.interval_s"},
        {"generator", "seed = 1.5", "generator.seed"},
        {"generator", "seed = -1", "generator.seed"},
        {"generator", "spikes_per_hour = -1", "generator.spikes_per_hour"},
        {"generator", "drifts_per_hour = \"often\"", "generator.drifts_per_hour"},
        {"generator", "dropouts_per_hour = nan", "generator.dropouts_per_hour"},
    });
}

TEST_CASE("Wrong [detect] values name the key and the line", "[unit]")
{
    check_each_is_rejected({
        {"detect", "drift_duration_s = -1", "detect.drift_duration_s"},
        {"detect", "dropout_gap_s = 0", "detect.dropout_gap_s"},
        {"detect", "expected_sensors = [\"\"]", "detect.expected_sensors[0]"},
        {"detect", "expected_sensors = 1", "detect.expected_sensors"},
        {"detect", "max_sensors = 0", "detect.max_sensors"},
        {"detect", "max_parameters = 0", "detect.max_parameters"},
        {"detect", "max_parameters = 4097", "detect.max_parameters"},
    });
    auto const e = only_error("[detect]\ndrift_duration_s = 0\n");
    CHECK(to_string(e) == "wtfd.toml:2: detect.drift_duration_s: must be > 0");
}

TEST_CASE("dropout_gap_s = \"auto\" takes a multiple of each sensor's median interval", "[unit]")
{
    auto const c = parsed("[detect]\ndropout_gap_s = \"auto\"\ndropout_gap_multiple = 8\n");
    CHECK(c.detect.dropout_gap_auto);
    CHECK(c.detect.dropout_gap_multiple == 8.0);
    CHECK(!parsed("").detect.dropout_gap_auto);
    CHECK(parsed("").detect.dropout_gap_multiple == 5.0);

    auto const e = only_error("[detect]\ndropout_gap_s = \"sometimes\"\n");
    CHECK(e.key == "detect.dropout_gap_s");
    CHECK(e.line == 2);
    CHECK(e.message == R"(must be a number of seconds or "auto")");
    CHECK(only_error("[detect]\ndropout_gap_multiple = 1\n").key == "detect.dropout_gap_multiple");
}

TEST_CASE("A mode's own defaults lie under the file: a number in the file replaces \"auto\"",
          "[unit]")
{
    daemon_config base;
    base.detect.dropout_gap_auto = true;
    auto const kept = accepted(
        wtf::config::parse("[detect]\ndrift_duration_s = 3\n", "a.toml", no_environment, base));
    CHECK(kept.detect.dropout_gap_auto);
    auto const replaced = accepted(
        wtf::config::parse("[detect]\ndropout_gap_s = 4\n", "a.toml", no_environment, base));
    CHECK(!replaced.detect.dropout_gap_auto);
    CHECK(replaced.detect.dropout_gap == 4000ms);
}

TEST_CASE("Wrong parameter values name the key and the line", "[unit]")
{
    check_each_is_rejected({
        {"detect.parameters.flow", "unit = 1", "detect.parameters.flow.unit"},
        {"detect.parameters.flow", "spike = [10]", "detect.parameters.flow.spike"},
        {"detect.parameters.flow", "spike = [10, 120, 130]", "detect.parameters.flow.spike"},
        {"detect.parameters.flow", "spike = 10", "detect.parameters.flow.spike"},
        {"detect.parameters.flow", "spike = [120, 10]", "detect.parameters.flow.spike"},
        {"detect.parameters.flow", "spike = [10, inf]", "detect.parameters.flow.spike"},
        {"detect.parameters.flow", "normal = [\"20\", \"100\"]", "detect.parameters.flow.normal"},
        {"detect.parameters.flow", "normal = [50, 50]", "detect.parameters.flow.normal"},
        {"detect.parameters.flow", "clear_margin = -1", "detect.parameters.flow.clear_margin"},
        {"detect.parameters.flow", "clear_margin = 40", "detect.parameters.flow.clear_margin"},
    });
}

TEST_CASE("Wrong [summary] and [llm] values name the key and the line", "[unit]")
{
    check_each_is_rejected({
        {"summary", "interval_s = 0", "summary.interval_s"},
        {"summary", "max_buffer = 0", "summary.max_buffer"},
        {"summary", "max_buffer = 10001", "summary.max_buffer"},
        {"llm", "enabled = 1", "llm.enabled"},
        {"llm", "base_url = \"ftp://host/v1\"", "llm.base_url"},
        {"llm", "base_url = \"localhost:8008/v1\"", "llm.base_url"},
        {"llm", "model = \"\"", "llm.model"},
        {"llm", "temperature = 2.5", "llm.temperature"},
        {"llm", "temperature = -0.1", "llm.temperature"},
        {"llm", "temperature = \"hot\"", "llm.temperature"},
        {"llm", "timeout_s = 0", "llm.timeout_s"},
        {"llm", "api_key = 1", "llm.api_key"},
        {"llm", "connect_timeout_s = 0", "llm.connect_timeout_s"},
        {"llm", "connect_timeout_s = -1", "llm.connect_timeout_s"},
        {"llm", "api_key_file = 1", "llm.api_key_file"},
        {"llm", "ca_file = false", "llm.ca_file"},
        {"llm", "max_tokens = 0", "llm.max_tokens"},
        {"llm", "max_tokens = 1000001", "llm.max_tokens"},
        {"llm", "max_response_bytes = 1023", "llm.max_response_bytes"},
        {"llm", "max_response_bytes = 67108865", "llm.max_response_bytes"},
        {"llm", "max_prompt_bytes = 1023", "llm.max_prompt_bytes"},
        {"llm", "max_prompt_bytes = 16777217", "llm.max_prompt_bytes"},
        {"llm", "context_tokens = 255", "llm.context_tokens"},
        {"llm", "context_tokens = \"big\"", "llm.context_tokens"},
        {"llm", "context_tokens = 1.5", "llm.context_tokens"},
        {"llm", "max_prompt_tokens = 100", "llm.max_prompt_tokens"},
        {"llm", "max_prompt_tokens = -1", "llm.max_prompt_tokens"},
    });
}

TEST_CASE("Wrong [redis], [storage] and [log] values name the key and the line", "[unit]")
{
    check_each_is_rejected({
        {"redis", "enabled = \"true\"", "redis.enabled"},
        {"redis", "host = \"\"", "redis.host"},
        {"redis", "port = 0", "redis.port"},
        {"redis", "port = 65536", "redis.port"},
        {"redis", "database = -1", "redis.database"},
        {"redis", "queue_limit = 0", "redis.queue_limit"},
        {"redis", "max_backoff_s = 0", "redis.max_backoff_s"},
        {"redis", "ingest = 1", "redis.ingest"},
        {"redis", "ingest_channel = \"\"", "redis.ingest_channel"},
        {"storage", "journal = \"yes\"", "storage.journal"},
        {"storage", "fsync = \"sometimes\"", "storage.fsync"},
        {"storage", "fsync_interval_s = -1", "storage.fsync_interval_s"},
        {"storage", "state_dir = \"\"", "storage.state_dir"},
        {"storage", "anomaly_history = 0", "storage.anomaly_history"},
        {"storage", "anomaly_history = 1000001", "storage.anomaly_history"},
        {"storage", "summary_history = 0", "storage.summary_history"},
        {"storage", "summary_history = 100001", "storage.summary_history"},
        {"log", "level = \"verbose\"", "log.level"},
        {"log", "level = 3", "log.level"},
    });
}

TEST_CASE("A float where an integer is expected says what it got", "[unit]")
{
    auto const e = only_error("[generator]\nseed = 1.5\n");
    CHECK(e.message == "must be an integer >= 0 (got a float)");
}

TEST_CASE("Several errors are all reported, from the top of the file down", "[unit]")
{
    auto const errors = rejected(R"(
[llm]
temperature = 5

[api]
max_connections = 0
colour = "blue"

[detect]
drift_duration_s = -1
)");
    INFO(describe(errors));
    REQUIRE(errors.size() == 4);
    CHECK(errors[0].key == "llm.temperature");
    CHECK(errors[0].line == 3);
    CHECK(errors[1].key == "api.max_connections");
    CHECK(errors[1].line == 6);
    CHECK(errors[2].key == "api.colour");
    CHECK(errors[2].line == 7);
    CHECK(errors[3].key == "detect.drift_duration_s");
    CHECK(errors[3].line == 10);
}

TEST_CASE("A TOML syntax error names its line", "[unit]")
{
    auto const e = only_error("[api]\nmax_connections = 10\nlisten = \n");
    CHECK(e.source == "wtfd.toml");
    CHECK(e.line == 3);
    CHECK(e.key.empty());
    CHECK_THAT(to_string(e), Catch::StartsWith("wtfd.toml:3: "));
}

TEST_CASE("A new parameter table keeps the three default parameters", "[unit]")
{
    auto const c = parsed(R"(
[detect.parameters.turbidity]
unit = "NTU"
spike = [0, 5]
normal = [0, 1]
clear_margin = 0.05
)");
    CHECK(parameter_names(c) ==
          std::vector<std::string>{"temperature", "pressure", "flow", "turbidity"});
    auto const& t = parameter(c, "turbidity");
    CHECK(t.unit == "NTU");
    CHECK(t.spike.high == 5.0);
    CHECK(t.normal.high == 1.0);
    CHECK(t.clear_margin == 0.05);
    auto const defaults = wtf::detect::settings::default_parameters();
    CHECK(parameter(c, "temperature").spike.high == defaults[0].spike.high);
}

TEST_CASE("A table for a default parameter changes only the keys it gives", "[unit]")
{
    auto const c = parsed("[detect.parameters.flow]\nspike = [15, 110]\n");
    auto const& flow = parameter(c, "flow");
    CHECK(flow.spike.low == 15.0);
    CHECK(flow.spike.high == 110.0);
    CHECK(flow.normal.low == 20.0);
    CHECK(flow.normal.high == 100.0);
    CHECK(flow.unit == "L/min");
    CHECK(parameter_names(c) == std::vector<std::string>{"temperature", "pressure", "flow"});
}

TEST_CASE("A new parameter without spike is an error", "[unit]")
{
    auto const e =
        only_error("\n[detect.parameters.turbidity]\nnormal = [0, 1]\nclear_margin = 0.1\n");
    CHECK(e.key == "detect.parameters.turbidity.spike");
    CHECK(e.line == 2);
}

TEST_CASE("A new parameter without normal is an error", "[unit]")
{
    auto const e = only_error("[detect.parameters.ph]\nspike = [6, 9]\nclear_margin = 0.1\n");
    CHECK(e.key == "detect.parameters.ph.normal");
}

TEST_CASE("A normal band not inside the spike band is an error", "[unit]")
{
    auto const e = only_error("[detect.parameters.flow]\nspike = [10, 120]\nnormal = [5, 100]\n");
    CHECK(e.key == "detect.parameters.flow.normal");
    CHECK(e.line == 3);
    CHECK_THAT(e.message, Catch::Contains("inside spike"));
}

TEST_CASE("A spike band narrower than the default normal band is an error", "[unit]")
{
    auto const e = only_error("[detect.parameters.flow]\nspike = [30, 90]\n");
    CHECK(e.key == "detect.parameters.flow.normal");
    CHECK(e.line == 1);
}

TEST_CASE("A reading field is not a parameter name", "[unit]")
{
    auto const e = only_error(
        "[detect.parameters.sensor_id]\nspike = [1, 3]\nnormal = [1.5, 2.5]\nclear_margin = 0\n");
    CHECK(e.key == "detect.parameters.sensor_id");
}

TEST_CASE("Each environment variable overrides its key", "[unit]")
{
    auto const env = environment_of({
        {"REDIS_HOST", "redis"},
        {"OPENAI_API_BASE", "http://localhost:11434/v1"},
        {"OPENAI_API_KEY", "sk-2"},
        {"MODEL_NAME", "llama3"},
        {"TEMPERATURE", "0.4"},
        {"SUMMARY_INTERVAL", "15"},
        {"MAX_BUFFER_SIZE", "7"},
        {"WTFD_INGEST_TOKEN", "tok-in"},
        {"WTFD_READ_TOKEN", "tok-out"},
        {"WTFD_OPERATOR_TOKEN", "tok-op"},
        {"REDIS_PORT", "6380"},
        {"REDIS_PASSWORD", "redis-pw"},
        {"WTFD_STATE_DIR", "/srv/wtfd-state"},
    });
    auto const c = parsed("[llm]\nmodel = \"from-file\"\n[summary]\nmax_buffer = 3\n", env);
    CHECK(c.redis.host == "redis");
    CHECK(c.redis.port == 6380);
    CHECK(c.redis.password == "redis-pw");
    CHECK(c.storage.state_dir == "/srv/wtfd-state");
    CHECK(c.llm.base_url == "http://localhost:11434/v1");
    CHECK(c.llm.api_key == "sk-2");
    CHECK(c.llm.model == "llama3");
    CHECK(c.llm.temperature == 0.4);
    CHECK(c.summary.interval == 15s);
    CHECK(c.summary.max_buffer == 7);
    CHECK(c.api.ingest_token == "tok-in");
    CHECK(c.api.read_token == "tok-out");
    CHECK(c.api.operator_token == "tok-op");
}

TEST_CASE("REDIS_HOST turns the Redis mirror on", "[unit]")
{
    auto const env = environment_of({{"REDIS_HOST", "10.0.0.5"}});
    auto const c = parsed("[redis]\nenabled = false\n", env);
    CHECK(c.redis.enabled);
    CHECK(c.redis.host == "10.0.0.5");
}

TEST_CASE("An empty environment variable changes nothing", "[unit]")
{
    auto const env =
        environment_of({{"REDIS_HOST", ""}, {"WTFD_INGEST_TOKEN", ""}, {"TEMPERATURE", ""}});
    auto const c = parsed("[api]\ningest_token = \"secret\"\n", env);
    CHECK_FALSE(c.redis.enabled);
    CHECK(c.api.ingest_token == "secret");
    CHECK(c.llm.temperature == 0.1);
}

TEST_CASE("A bad environment value is an error naming the variable", "[unit]")
{
    std::vector<std::pair<std::string, std::string>> const bad{
        {"OPENAI_API_BASE", "localhost:8008"},
        {"TEMPERATURE", "warm"},
        {"TEMPERATURE", "2.5"},
        {"SUMMARY_INTERVAL", "0"},
        {"SUMMARY_INTERVAL", "1m"},
        {"MAX_BUFFER_SIZE", "0"},
        {"MAX_BUFFER_SIZE", "50.0"},
        {"REDIS_PORT", "0"},
    };
    for (auto const& [name, value] : bad) {
        INFO(name << '=' << value);
        auto const e = only_error("", environment_of({{name, value}}));
        CHECK(e.source == "environment");
        CHECK(e.key == name);
        CHECK(e.line == 0);
    }
    auto const e = only_error("", environment_of({{"TEMPERATURE", "3"}}));
    CHECK(to_string(e) == "environment: TEMPERATURE: must be a number between 0 and 2");
}

TEST_CASE("An environment value that is not UTF-8 is an error naming the variable", "[unit]")
{
    // Issue 11: --check-config printed such a value, and its own parser refused the output.
    for (std::string const name : {"REDIS_HOST", "MODEL_NAME", "WTFD_STATE_DIR", "TEMPERATURE"}) {
        INFO(name);
        auto const e = only_error("", environment_of({{name, "caf\xE9"}}));
        CHECK(to_string(e) == "environment: " + name + ": is not valid UTF-8");
    }
    auto const c = parsed("", environment_of({{"MODEL_NAME", "caf\xC3\xA9"}}));
    CHECK(c.llm.model == "caf\xC3\xA9");
    CHECK(parsed(wtf::config::to_toml(c)).llm.model == "caf\xC3\xA9");
}

TEST_CASE("Environment errors are reported after the file's errors", "[unit]")
{
    auto const errors =
        rejected("[summary]\nmax_buffer = 0\n", environment_of({{"MAX_BUFFER_SIZE", "x"}}));
    INFO(describe(errors));
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].key == "summary.max_buffer");
    CHECK(errors[1].key == "MAX_BUFFER_SIZE");
}

TEST_CASE("defaults() applies the environment to the embedded defaults", "[unit]")
{
    auto const c = accepted(wtf::config::defaults(environment_of({{"MODEL_NAME", "phi3"}})));
    CHECK(c.llm.model == "phi3");
    CHECK(c.summary.max_buffer == 50);
    auto const bad = wtf::config::defaults(environment_of({{"MAX_BUFFER_SIZE", "-3"}}));
    CHECK(std::holds_alternative<std::vector<error>>(bad));
}

TEST_CASE("to_toml output parses back to the same configuration", "[unit]")
{
    daemon_config c;
    c.api.listen_host = "::1";
    c.api.listen_port = 9000;
    c.api.request_timeout = 1500ms;
    c.generator.sensors = {"x", "y \"quoted\""};
    c.generator.seed = 123;
    c.generator.spikes_per_hour = 0.25;
    c.detect.dropout_gap = 12345ms;
    c.detect.expected_sensors = {"x"};
    wtf::detect::parameter_rules oxygen;
    oxygen.name = "dissolved oxygen";
    oxygen.unit = "mg/L";
    oxygen.spike = {2.0, 14.0};
    oxygen.normal = {5.0, 12.5};
    oxygen.clear_margin = 0.2;
    c.detect.parameters.push_back(oxygen);
    c.summary.interval = 100ms;
    c.llm.temperature = 1.3;
    c.redis.enabled = true;
    c.redis.max_backoff = 2500ms;
    c.storage.state_dir = "/srv/wtfd";
    c.storage.fsync = wtf::store::durability::always;
    c.log.level = wtf::log::level::warning;
    c.alarms.ledger.max_shelve = 7200s;
    c.alarms.performance.window = 60min;
    c.alarms.readings.per_sensor = 32;
    c.alarms.streams.heartbeat = 2500ms;

    auto const text = wtf::config::to_toml(c);
    INFO(text);
    auto const back = parsed(text);
    CHECK(wtf::config::to_toml(back) == text);
    CHECK(back.api.listen_host == "::1");
    CHECK(back.generator.sensors == c.generator.sensors);
    CHECK(back.detect.dropout_gap == 12345ms);
    CHECK(parameter(back, "dissolved oxygen").normal.high == 12.5);
    CHECK(back.log.level == wtf::log::level::warning);
    CHECK(back.alarms == c.alarms);

    c.detect.dropout_gap_auto = true;
    c.detect.dropout_gap_multiple = 7.5;
    auto const automatic = parsed(wtf::config::to_toml(c));
    CHECK(automatic.detect.dropout_gap_auto);
    CHECK(automatic.detect.dropout_gap_multiple == 7.5);
}

TEST_CASE("to_toml masks the API key, the tokens and the Redis password", "[unit]")
{
    daemon_config c;
    c.llm.api_key = "sk-very-secret";
    c.redis.password = "redis-secret";
    c.api.ingest_token = "ingest-secret";
    c.api.read_token = "read-secret";
    c.api.operator_token = "operator-secret";
    auto const text = wtf::config::to_toml(c);
    CHECK_THAT(text, !Catch::Contains("secret"));
    CHECK_THAT(text, Catch::Contains("api_key = \"********\""));
    CHECK_THAT(text, Catch::Contains("ingest_token = \"********\""));
    CHECK_THAT(text, Catch::Contains("read_token = \"********\""));
    CHECK_THAT(text, Catch::Contains("operator_token = \"********\""));
    CHECK_THAT(text, Catch::Contains("password = \"********\""));
    CHECK_THAT(wtf::config::to_toml(daemon_config{}), Catch::Contains("api_key = \"\""));
}

TEST_CASE("to_toml prints numbers the way people write them", "[unit]")
{
    daemon_config c;
    c.generator.spikes_per_hour = 1e-5;
    auto const text = wtf::config::to_toml(c);
    CHECK_THAT(text, Catch::Contains("interval_s = 2.0\n"));
    CHECK_THAT(text, Catch::Contains("temperature = 0.1\n"));
    CHECK_THAT(text, Catch::Contains("drift_duration_s = 15.0\n"));
    CHECK_THAT(text, Catch::Contains("spike = [5.0, 40.0]\n"));
    CHECK_THAT(text, Catch::Contains("spikes_per_hour = 0.00001\n"));
    CHECK_THAT(text, !Catch::Contains("E") && !Catch::Contains("e-05"));
}

TEST_CASE("The shipped config/wtfd.toml equals the embedded defaults", "[unit]")
{
    auto const path = repository_root() / "config" / "wtfd.toml";
    INFO(path.string());
    auto const c = accepted(wtf::config::load(path.string(), no_environment));
    CHECK(wtf::config::to_toml(c) == wtf::config::to_toml(daemon_config{}));
}

TEST_CASE("A missing config file is one error naming the path", "[unit]")
{
    auto const result = wtf::config::load("/nonexistent/wtfd.toml", no_environment);
    REQUIRE(std::holds_alternative<std::vector<error>>(result));
    auto const& errors = std::get<std::vector<error>>(result);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].source == "/nonexistent/wtfd.toml");
    CHECK(errors[0].line == 0);
    CHECK_THAT(to_string(errors[0]), Catch::StartsWith("/nonexistent/wtfd.toml: cannot open"));
}

TEST_CASE("to_string leaves out a line of 0", "[unit]")
{
    CHECK(to_string(error{"environment", "TEMPERATURE", 0, "must be a number between 0 and 2"}) ==
          "environment: TEMPERATURE: must be a number between 0 and 2");
    CHECK(to_string(error{"wtfd.toml", "detect.drift_duration_s", 42, "must be > 0"}) ==
          "wtfd.toml:42: detect.drift_duration_s: must be > 0");
}

TEST_CASE("Every per-parameter rule key and [detect.multivariate] key is read", "[unit]")
{
    auto const c = parsed(R"(
[detect.parameters.flow]
valid = [0, 500]
max_rate_per_s = 8
jump_return_s = 30
flat_for_s = 0
flat_tolerance = 0.5
deviation_z = 6
deviation_window = 120
deviation_hold = 4

[detect.parameters.pressure]
valid = "off"

[detect.multivariate]
enabled = false
warmup = 600
lambda = 0.2
variance_kept = 0.9
calibration_q = 0.995
slow_ratio = 0.05
refine_after = 0
alarm = 3
clear = 0.5
vote_n = 20
vote_k = 10
min_duration_s = 30
adapt_s = 0
slow_adapt_s = 60
settle_s = 90
max_episode_s = 0
)");
    auto const& flow = parameter(c, "flow");
    CHECK(flow.valid == wtf::core::band{0.0, 500.0});
    CHECK(flow.max_rate_per_s == 8.0);
    CHECK(flow.jump_return == 30s);
    CHECK(flow.flat_for == 0ms);
    CHECK(flow.flat_tolerance == 0.5);
    CHECK(flow.deviation_z == 6.0);
    CHECK(flow.deviation_window == 120);
    CHECK(flow.deviation_hold == 4);
    CHECK_FALSE(parameter(c, "pressure").valid);
    CHECK(parameter(c, "temperature").valid == wtf::core::band{-20.0, 120.0});
    auto const& m = c.detect.multivariate;
    CHECK_FALSE(m.enabled);
    CHECK(m.warmup == 600);
    CHECK(m.lambda == 0.2);
    CHECK(m.variance_kept == 0.9);
    CHECK(m.calibration_q == 0.995);
    CHECK(m.slow_ratio == 0.05);
    CHECK(m.refine_after == 0);
    CHECK(m.alarm == 3.0);
    CHECK(m.clear == 0.5);
    CHECK(m.vote_n == 20);
    CHECK(m.vote_k == 10);
    CHECK(m.min_duration_s == 30.0);
    CHECK(m.adapt_s == 0.0);
    CHECK(m.slow_adapt_s == 60.0);
    CHECK(m.settle_s == 90.0);
    CHECK(m.max_episode_s == 0.0);
    auto const text = wtf::config::to_toml(c);
    INFO(text);
    CHECK(wtf::config::to_toml(parsed(text)) == text);
}

TEST_CASE("Wrong per-parameter rule and [detect.multivariate] values name the key and the line",
          "[unit]")
{
    check_each_is_rejected({
        {"detect.parameters.flow", "valid = \"on\"", "detect.parameters.flow.valid"},
        {"detect.parameters.flow", "valid = [5, 1]", "detect.parameters.flow.valid"},
        {"detect.parameters.flow", "max_rate_per_s = -1", "detect.parameters.flow.max_rate_per_s"},
        {"detect.parameters.flow", "jump_return_s = 0", "detect.parameters.flow.jump_return_s"},
        {"detect.parameters.flow", "flat_for_s = -5", "detect.parameters.flow.flat_for_s"},
        {"detect.parameters.flow", "flat_tolerance = -0.1",
         "detect.parameters.flow.flat_tolerance"},
        {"detect.parameters.flow", "deviation_z = -2", "detect.parameters.flow.deviation_z"},
        {"detect.parameters.flow", "deviation_window = 1",
         "detect.parameters.flow.deviation_window"},
        {"detect.parameters.flow", "deviation_hold = 0", "detect.parameters.flow.deviation_hold"},
        {"detect.multivariate", "enabled = 1", "detect.multivariate.enabled"},
        {"detect.multivariate", "warmup = 5", "detect.multivariate.warmup"},
        {"detect.multivariate", "lambda = 0", "detect.multivariate.lambda"},
        {"detect.multivariate", "lambda = 1.5", "detect.multivariate.lambda"},
        {"detect.multivariate", "calibration_q = 0.2", "detect.multivariate.calibration_q"},
        {"detect.multivariate", "alarm = 0", "detect.multivariate.alarm"},
        {"detect.multivariate", "vote_n = 65", "detect.multivariate.vote_n"},
        {"detect.multivariate", "vote_k = 0", "detect.multivariate.vote_k"},
        {"detect.multivariate", "settle_s = 0", "detect.multivariate.settle_s"},
        {"detect.multivariate", "unknown = 1", "detect.multivariate.unknown"},
    });
    // Relations between keys: named at the key that breaks them.
    auto const e = only_error("[detect.multivariate]\nvote_n = 10\nvote_k = 20\n");
    CHECK(e.key == "detect.multivariate.vote_k");
}
