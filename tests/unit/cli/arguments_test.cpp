#include "cli/detail/arguments.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace wtf;
using namespace std::chrono_literals;
using cli::detail::analyze_options;

namespace {

std::variant<analyze_options, std::string> parse(std::vector<std::string_view> args,
                                                 std::optional<std::string> password = {})
{
    return cli::detail::parse_arguments(args, std::move(password));
}

analyze_options accepted(std::vector<std::string_view> args)
{
    auto result = parse(std::move(args));
    if (auto const* problem = std::get_if<std::string>(&result)) FAIL(*problem);
    return std::get<analyze_options>(std::move(result));
}

std::string rejected(std::vector<std::string_view> args)
{
    auto result = parse(std::move(args));
    REQUIRE(std::holds_alternative<std::string>(result));
    return std::get<std::string>(result);
}

} // namespace

TEST_CASE("analyze arguments: files and every CSV option", "[unit][cli]")
{
    auto const o = accepted({"--config",
                             "t.toml",
                             "--anomalies",
                             "-",
                             "--out",
                             "reports",
                             "--no-llm",
                             "--dropout-gap",
                             "2.5",
                             "--format",
                             "wide",
                             "--delimiter",
                             "tab",
                             "--time-column",
                             "when",
                             "--sensor-column",
                             "dev",
                             "--sensor",
                             "rig",
                             "--map",
                             "sensor-value=temperature",
                             "--ignore",
                             "note",
                             "--epoch",
                             "ms",
                             "--strict",
                             "a.csv",
                             "-"});
    CHECK(o.files == std::vector<std::string>{"a.csv", "-"});
    CHECK(o.config_path == "t.toml");
    CHECK(o.anomalies_path == "-");
    CHECK(o.out_dir == "reports");
    CHECK(o.no_llm);
    REQUIRE(o.dropout_gap);
    CHECK(!o.dropout_gap->automatic);
    CHECK(o.dropout_gap->fixed == 2500ms);
    CHECK(o.csv.format == sources::csv_format::wide);
    CHECK(o.csv.delimiter == '\t');
    CHECK(o.csv.time_column == "when");
    CHECK(o.csv.sensor_column == "dev");
    CHECK(o.csv.sensor == "rig");
    REQUIRE(o.csv.columns.rename.size() == 1);
    CHECK(o.csv.columns.rename[0].first == "sensor-value");
    CHECK(o.csv.columns.rename[0].second == "temperature");
    CHECK(o.csv.columns.ignore == std::vector<std::string>{"note"});
    CHECK(o.csv.epoch == sources::epoch_unit::milliseconds);
    CHECK(o.csv.strict);
    CHECK(!o.influx);
}

TEST_CASE("analyze arguments: the defaults leave the gap to the config", "[unit][cli]")
{
    auto const o = accepted({"data.csv"});
    CHECK(!o.dropout_gap);
    CHECK(!o.no_llm);
    CHECK(!o.out_dir);
    CHECK(accepted({"--dropout-gap", "auto", "x.csv"}).dropout_gap->automatic);
}

TEST_CASE("analyze arguments: InfluxDB needs URL, database and query, and no files", "[unit][cli]")
{
    auto result = parse({"--influx", "http://127.0.0.1:8086", "--db", "plant", "--query",
                         "SELECT * FROM readings GROUP BY sensor_id", "--influx-user", "wtfd",
                         "--sensor-tag", "pipe", "--map", "t=temperature"},
                        "secret");
    REQUIRE(std::holds_alternative<analyze_options>(result));
    auto const& o = std::get<analyze_options>(result);
    REQUIRE(o.influx);
    CHECK(o.influx->url == "http://127.0.0.1:8086");
    CHECK(o.influx->database == "plant");
    CHECK(o.influx->query == "SELECT * FROM readings GROUP BY sensor_id");
    CHECK(o.influx->username == "wtfd");
    CHECK(o.influx->password == "secret");
    CHECK(o.influx->sensor_tag == "pipe");
    CHECK(o.influx->columns.rename.size() == 1);

    CHECK(rejected({"--influx", "http://x:8086", "--db", "plant"}) ==
          "--influx, --db and --query go together: all three are needed");
    CHECK(rejected({"--influx", "http://x", "--db", "d", "--query", "q", "a.csv"})
              .starts_with("files and --influx cannot be analysed together"));
}

TEST_CASE("analyze arguments: each mistake names the argument", "[unit][cli]")
{
    CHECK(rejected({}).starts_with("nothing to analyse"));
    CHECK(rejected({"--out"}) == "--out: needs a value");
    CHECK(rejected({"--frobnicate", "a.csv"}) == "unknown option '--frobnicate'");
    CHECK(rejected({"--map", "novalue", "a.csv"}) ==
          "--map: expected COLUMN=PARAMETER, got 'novalue'");
    CHECK(rejected({"--map", "=x", "a.csv"}).starts_with("--map: expected"));
    CHECK(rejected({"--dropout-gap", "-1", "a.csv"}).starts_with("--dropout-gap: expected"));
    CHECK(rejected({"--dropout-gap", "0.0001", "a.csv"}) ==
          "--dropout-gap: must be at least 0.001 s");
    CHECK(rejected({"--format", "xml", "a.csv"}) ==
          "--format: expected seed, generator, long or wide, got 'xml'");
    CHECK(rejected({"--delimiter", "::", "a.csv"}).starts_with("--delimiter: expected"));
    CHECK(rejected({"--epoch", "us", "a.csv"}) == "--epoch: expected s or ms, got 'us'");
    CHECK(rejected({"--sensor", "", "a.csv"}) == "--sensor: the sensor id must not be empty");
    CHECK(accepted({"--help"}).help);
}
