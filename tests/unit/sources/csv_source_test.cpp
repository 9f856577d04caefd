#include <wtf/core/time.hpp>
#include <wtf/sources/csv_source.hpp>

#include "support/reading_recorder.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using wtf::sources::csv_failure;
using wtf::sources::csv_format;
using wtf::sources::csv_options;
using wtf::sources::csv_summary;
using wtf::sources::read_csv;
using wtf::sources::row_problem;

wtf::core::timestamp at(std::string_view text) { return wtf::core::parse_rfc3339(text).value(); }

// A file under a fresh temporary directory, removed with it.
class temp_file {
public:
    explicit temp_file(std::string_view content, std::string const& name = "data.csv")
        : path_{dir_.file(name)}
    {
        fs::create_directories(fs::path{path_}.parent_path());
        std::ofstream out{path_, std::ios::binary};
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        REQUIRE(out.good());
    }

    std::string const& path() const { return path_; }
    fs::path dir() const { return dir_.path(); }

private:
    wtf::test::temp_dir dir_{"wtf-csv"};
    std::string path_;
};

using values_t = std::vector<std::pair<std::string, double>>;
using recorder = wtf::test::reading_recorder;

// "line: message" for each problem, to compare in one go.
std::vector<std::string> lines_and_messages(recorder const& sink)
{
    std::vector<std::string> out;
    for (auto const& p : sink.problems) out.push_back(std::to_string(p.line) + ": " + p.message);
    return out;
}

csv_summary read_ok(std::string const& path, recorder& sink, csv_options const& options = {})
{
    auto result = read_csv(path, options, sink);
    if (auto const* f = std::get_if<csv_failure>(&result)) FAIL("failed: " << f->message);
    return std::get<csv_summary>(std::move(result));
}

std::string read_failure(std::string const& path, recorder& sink, csv_options const& options = {})
{
    auto result = read_csv(path, options, sink);
    REQUIRE(std::holds_alternative<csv_failure>(result));
    return std::get<csv_failure>(result).message;
}

std::string read_failure(std::string const& path, csv_options const& options = {})
{
    recorder sink;
    return read_failure(path, sink, options);
}

// Problems of reading `content` with `options`, as "line: message".
std::vector<std::string> problems_of(std::string_view content, csv_options const& options = {})
{
    temp_file const f{content};
    recorder sink;
    auto const s = read_ok(f.path(), sink, options);
    CHECK(s.rejected == sink.problems.size());
    for (auto const& p : sink.problems) CHECK(p.source == f.path());
    return lines_and_messages(sink);
}

using strings = std::vector<std::string>;

constexpr std::string_view generator_header = "timestamp,sensor_id,temperature,pressure,flow\n";

} // namespace

// ---------------------------------------------------------------------------------------------
// Layouts

TEST_CASE("The generator's CSV gives one reading per row with its three parameters",
          "[unit][replay]")
{
    temp_file const f{std::string{generator_header} +
                      "2025-05-28T00:01:23Z,wtf-pipe-1,23.4,2.1,55.0\n"
                      "2025-05-28T00:01:24Z,wtf-pipe-2,-1.5,+3,1e2\n"};
    recorder sink;
    auto const s = read_ok(f.path(), sink);

    CHECK(s.layout.format == csv_format::generator);
    CHECK(s.layout.delimiter == ',');
    CHECK(s.layout.time_column == "timestamp");
    CHECK(s.layout.sensor_column == "sensor_id");
    CHECK(s.layout.sensor.empty());
    CHECK(s.layout.parameters == strings{"temperature", "pressure", "flow"});
    CHECK(s.layout.ignored.empty());
    CHECK(s.rows == 2);
    CHECK(s.readings == 2);
    CHECK(s.rejected == 0);
    CHECK(s.first == at("2025-05-28T00:01:23Z"));
    CHECK(s.last == at("2025-05-28T00:01:24Z"));

    REQUIRE(sink.readings.size() == 2);
    CHECK(sink.readings[0].sensor == "wtf-pipe-1");
    CHECK(sink.readings[0].time == at("2025-05-28T00:01:23Z"));
    CHECK(sink.readings[0].values ==
          values_t{{"temperature", 23.4}, {"pressure", 2.1}, {"flow", 55.0}});
    CHECK(sink.readings[1].sensor == "wtf-pipe-2");
    CHECK(sink.readings[1].values ==
          values_t{{"temperature", -1.5}, {"pressure", 3.0}, {"flow", 100.0}});
    CHECK(sink.problems.empty());
}

TEST_CASE("The generator layout is recognised in any column order and case", "[unit][replay]")
{
    temp_file const f{"Flow,Pressure,Sensor_ID,TIMESTAMP,Temperature\n"
                      "1,2,a,2025-05-28T00:00:00Z,3\n"};
    recorder sink;
    auto const s = read_ok(f.path(), sink);
    CHECK(s.layout.format == csv_format::generator);
    CHECK(s.layout.time_column == "TIMESTAMP");
    CHECK(s.layout.sensor_column == "Sensor_ID");
    REQUIRE(sink.readings.size() == 1);
    CHECK(sink.readings[0].values ==
          values_t{{"Flow", 1.0}, {"Pressure", 2.0}, {"Temperature", 3.0}});
}

TEST_CASE("Other value columns beside a sensor column make a wide layout", "[unit][replay]")
{
    temp_file const f{"time,device,turbidity_ntu,chlorine\n"
                      "2025-05-28 00:00:00,filter-3,0.3,1.2\n"};
    recorder sink;
    auto const s = read_ok(f.path(), sink);
    CHECK(s.layout.format == csv_format::wide);
    CHECK(s.layout.time_column == "time");
    CHECK(s.layout.sensor_column == "device");
    CHECK(s.layout.parameters == strings{"turbidity_ntu", "chlorine"});
    REQUIRE(sink.readings.size() == 1);
    CHECK(sink.readings[0].sensor == "filter-3");
    CHECK(sink.readings[0].values == values_t{{"turbidity_ntu", 0.3}, {"chlorine", 1.2}});
}

TEST_CASE("The seed's two-column file is one sensor named after the file", "[unit][replay]")
{
    temp_file const f{"timestamp,sensor-value\n2025-08-31T03:00:00Z,22.5\n"};
    recorder sink;
    auto const s = read_ok(f.path(), sink);
    CHECK(s.layout.format == csv_format::seed);
    CHECK(s.layout.time_column == "timestamp");
    CHECK(s.layout.sensor_column.empty());
    CHECK(s.layout.sensor == "data");
    CHECK(s.layout.parameters == strings{"sensor-value"});
    REQUIRE(sink.readings.size() == 1);
    CHECK(sink.readings[0].sensor == "data");
    CHECK(sink.readings[0].time == at("2025-08-31T03:00:00Z"));
    CHECK(sink.readings[0].values == values_t{{"sensor-value", 22.5}});
}

TEST_CASE("The seed's value column can be mapped to a parameter", "[unit][replay]")
{
    temp_file const f{"timestamp,sensor-value\n2025-08-31T03:00:00Z,22.5\n"};
    csv_options options;
    options.columns.rename = {{"sensor-value", "temperature"}};
    recorder sink;
    auto const s = read_ok(f.path(), sink, options);
    CHECK(s.layout.format == csv_format::seed);
    CHECK(s.layout.parameters == strings{"temperature"});
    REQUIRE(sink.readings.size() == 1);
    CHECK(sink.readings[0].values == values_t{{"temperature", 22.5}});
}

TEST_CASE("The sensor of a file without a sensor column is the file's stem", "[unit][replay]")
{
    temp_file const f{"timestamp,sensor-value\n2025-08-31T03:00:00Z,22.5\n", "valve1/0.csv"};
    recorder sink;
    auto const s = read_ok(f.path(), sink);
    CHECK(s.layout.sensor == "0");
    REQUIRE(sink.readings.size() == 1);
    CHECK(sink.readings[0].sensor == "0");
}

TEST_CASE("csv --sensor names the sensor of a file without a sensor column", "[unit][replay]")
{
    temp_file const f{"timestamp,sensor-value\n2025-08-31T03:00:00Z,22.5\n"};
    csv_options options;
    options.sensor = "pump-7";
    recorder sink;
    auto const s = read_ok(f.path(), sink, options);
    CHECK(s.layout.sensor == "pump-7");
    REQUIRE(sink.readings.size() == 1);
    CHECK(sink.readings[0].sensor == "pump-7");
}

TEST_CASE("SKAB's semicolon file is wide, with its labels ignored", "[unit][replay]")
{
    temp_file const f{
        "datetime;Accelerometer1RMS;Accelerometer2RMS;Current;Pressure;Temperature;Thermocouple;"
        "Voltage;\"Volume Flow RateRMS\";anomaly;changepoint\n"
        "2020-03-09 10:14:33;0.0265878;0.0401113;1.3302;0.054711;79.3366;26.0199;233.062;32.0;"
        "0.0;0.0\n"
        "2020-03-09 10:14:34;0.0265;0.04;1.33;0.05;79.3;26.0;233.0;32.5;1.0;1.0\n",
        "skab/valve1/0.csv"};
    recorder sink;
    auto const s = read_ok(f.path(), sink);
    CHECK(s.layout.format == csv_format::wide);
    CHECK(s.layout.delimiter == ';');
    CHECK(s.layout.time_column == "datetime");
    CHECK(s.layout.sensor_column.empty());
    CHECK(s.layout.sensor == "0");
    CHECK(s.layout.parameters == strings{"Accelerometer1RMS", "Accelerometer2RMS", "Current",
                                         "Pressure", "Temperature", "Thermocouple", "Voltage",
                                         "Volume Flow RateRMS"});
    CHECK(s.layout.ignored == strings{"anomaly", "changepoint"});
    CHECK(s.rows == 2);
    CHECK(s.readings == 2);
    REQUIRE(sink.readings.size() == 2);
    CHECK(sink.readings[0].sensor == "0");
    CHECK(sink.readings[0].time == at("2020-03-09T10:14:33Z"));
    CHECK(sink.readings[0].values == values_t{{"Accelerometer1RMS", 0.0265878},
                                              {"Accelerometer2RMS", 0.0401113},
                                              {"Current", 1.3302},
                                              {"Pressure", 0.054711},
                                              {"Temperature", 79.3366},
                                              {"Thermocouple", 26.0199},
                                              {"Voltage", 233.062},
                                              {"Volume Flow RateRMS", 32.0}});
    CHECK(sink.readings[1].time == at("2020-03-09T10:14:34Z"));
}

TEST_CASE("A tab-separated header is split at tabs", "[unit][replay]")
{
    temp_file const f{"ts\tsensor\tlevel m\n1748390483\ttank-1\t 2.5 \n"};
    recorder sink;
    auto const s = read_ok(f.path(), sink);
    CHECK(s.layout.delimiter == '\t');
    CHECK(s.layout.format == csv_format::wide);
    CHECK(s.layout.parameters == strings{"level m"});
    REQUIRE(sink.readings.size() == 1);
    CHECK(sink.readings[0].sensor == "tank-1");
    CHECK(sink.readings[0].time == at("2025-05-28T00:01:23Z"));
    CHECK(sink.readings[0].values == values_t{{"level m", 2.5}});
}

TEST_CASE("Without a time-like name the first column is the time", "[unit][replay]")
{
    temp_file const f{",when,level,anomaly\n0,2025-05-28T00:00:00Z,1.5,0\n"};
    recorder sink;
    auto const s = read_ok(f.path(), sink);
    CHECK(s.layout.format == csv_format::wide);
    CHECK(s.layout.time_column == "when"); // the nameless pandas index is passed over
    CHECK(s.layout.parameters == strings{"level"});
    CHECK(s.layout.ignored == strings{"(column 1)", "anomaly"});
    REQUIRE(sink.readings.size() == 1);
    CHECK(sink.readings[0].values == values_t{{"level", 1.5}});
}

TEST_CASE("A long table groups consecutive rows of one sensor and time", "[unit][replay]")
{
    temp_file const f{"timestamp,sensor_id,parameter,value,unit\n"
                      "2025-05-28T00:00:00Z,a,temperature,20.5,C\n"
                      "2025-05-28T00:00:00Z,a,pressure,2.1,bar\n"
                      "2025-05-28T00:00:00Z,b,temperature,19,C\n"
                      "2025-05-28T00:00:01Z,b,temperature,19.5,C\n"
                      "2025-05-28T00:00:01Z,b,flow,50,l/s\n"
                      "2025-05-28T00:00:00Z,a,flow,40,l/s\n"};
    recorder sink;
    auto const s = read_ok(f.path(), sink);
    CHECK(s.layout.format == csv_format::long_table);
    CHECK(s.layout.sensor_column == "sensor_id");
    CHECK(s.layout.parameters == strings{"temperature", "pressure", "flow"});
    CHECK(s.layout.ignored == strings{"unit"});
    CHECK(s.rows == 6);
    CHECK(s.readings == 4);
    CHECK(s.rejected == 0);
    REQUIRE(sink.readings.size() == 4);
    CHECK(sink.readings[0].sensor == "a");
    CHECK(sink.readings[0].values == values_t{{"temperature", 20.5}, {"pressure", 2.1}});
    CHECK(sink.readings[1].sensor == "b");
    CHECK(sink.readings[1].time == at("2025-05-28T00:00:00Z"));
    CHECK(sink.readings[1].values == values_t{{"temperature", 19.0}});
    CHECK(sink.readings[2].sensor == "b");
    CHECK(sink.readings[2].time == at("2025-05-28T00:00:01Z"));
    CHECK(sink.readings[2].values == values_t{{"temperature", 19.5}, {"flow", 50.0}});
    // Not consecutive with the first group: a reading of its own (the detector judges it).
    CHECK(sink.readings[3].sensor == "a");
    CHECK(sink.readings[3].values == values_t{{"flow", 40.0}});
}

TEST_CASE("A long table maps and ignores parameter names and reports repeats", "[unit][replay]")
{
    temp_file const f{"time,field,value\n"
                      "2025-05-28T00:00:00Z,temp,20.5\n"
                      "2025-05-28T00:00:00Z,anomaly,1\n"
                      "2025-05-28T00:00:00Z,noise,7\n"
                      "2025-05-28T00:00:00Z,temp,21\n"
                      "2025-05-28T00:00:00Z,,21\n"
                      "2025-05-28T00:00:00Z,level,\n"};
    csv_options options;
    options.columns.rename = {{"temp", "temperature"}};
    options.columns.ignore = {"noise"};
    recorder sink;
    auto const s = read_ok(f.path(), sink, options);
    CHECK(s.layout.format == csv_format::long_table);
    CHECK(s.layout.sensor == "data");
    CHECK(s.layout.parameters == strings{"temperature"});
    CHECK(s.rows == 6);
    CHECK(s.readings == 1);
    CHECK(s.rejected == 3);
    REQUIRE(sink.readings.size() == 1);
    CHECK(sink.readings[0].sensor == "data");
    CHECK(sink.readings[0].values == values_t{{"temperature", 20.5}});
    CHECK(lines_and_messages(sink) ==
          strings{"5: parameter 'temperature' given twice for sensor 'data' at "
                  "'2025-05-28T00:00:00Z'",
                  "6: column 'field': no parameter name", "7: no values"});
}

TEST_CASE("A long table with many distinct parameters keeps every name right", "[unit][replay]")
{
    // More names than the reader caches: its cache starts over without breaking readings.
    std::string text = "timestamp,sensor_id,parameter,value\n";
    for (int i = 0; i < 600; ++i)
        text += "2025-05-28T00:00:0" + std::to_string(i % 2) + "Z,s" + std::to_string(i / 2) +
                ",p" + std::to_string(i) + "," + std::to_string(i) + "\n";
    temp_file const f{text};
    recorder sink;
    auto const s = read_ok(f.path(), sink);
    CHECK(s.readings == 600);
    REQUIRE(sink.readings.size() == 600);
    bool all_right = true;
    for (std::size_t i = 0; i < sink.readings.size(); ++i)
        all_right = all_right && sink.readings[i].values ==
                                     values_t{{"p" + std::to_string(i), static_cast<double>(i)}};
    CHECK(all_right);
}

// ---------------------------------------------------------------------------------------------
// Options

TEST_CASE("csv --format wide reports a generator file as wide", "[unit][replay]")
{
    temp_file const f{std::string{generator_header} + "2025-05-28T00:01:23Z,p,1,2,3\n"};
    csv_options options;
    options.format = csv_format::wide;
    recorder sink;
    auto const s = read_ok(f.path(), sink, options);
    CHECK(s.layout.format == csv_format::wide);
    CHECK(s.layout.sensor_column == "sensor_id");
    CHECK(sink.readings.size() == 1);
}

TEST_CASE("csv --format seed reads any two columns as time and value", "[unit][replay]")
{
    temp_file const f{"when,id\n2025-05-28T00:01:23Z,4.5\n"};
    csv_options options;
    options.format = csv_format::seed;
    recorder sink;
    auto const s = read_ok(f.path(), sink, options);
    CHECK(s.layout.format == csv_format::seed);
    CHECK(s.layout.time_column == "when");
    CHECK(s.layout.sensor_column.empty());
    REQUIRE(sink.readings.size() == 1);
    CHECK(sink.readings[0].values == values_t{{"id", 4.5}});
}

TEST_CASE("A format the header cannot have fails naming what is missing", "[unit][replay]")
{
    temp_file const f{std::string{generator_header}};
    csv_options options;
    options.format = csv_format::seed;
    CHECK(read_failure(f.path(), options) ==
          f.path() + ":1: the seed format has 2 columns (time, value); the header has 5");
    options.format = csv_format::long_table;
    CHECK(read_failure(f.path(), options) ==
          f.path() + ":1: the long format needs a parameter column (parameter, field, "
                     "measurement or quantity) and a value column; the columns are "
                     "'timestamp', 'sensor_id', 'temperature', 'pressure', 'flow'");

    temp_file const no_sensor{"timestamp,temperature,pressure\n"};
    options.format = csv_format::generator;
    CHECK(read_failure(no_sensor.path(), options) ==
          no_sensor.path() + ":1: the generator format needs a sensor column (sensor_id, sensor, "
                             "sensor-id, device or id, or --sensor-column); the columns are "
                             "'timestamp', 'temperature', 'pressure'");
}

TEST_CASE("csv --delimiter overrides the guess", "[unit][replay]")
{
    temp_file const f{"time|sensor|a,b\n2025-05-28T00:00:00Z|s1|1.5\n"};
    csv_options options;
    options.delimiter = '|';
    recorder sink;
    auto const s = read_ok(f.path(), sink, options);
    CHECK(s.layout.delimiter == '|');
    CHECK(s.layout.parameters == strings{"a,b"});
    REQUIRE(sink.readings.size() == 1);
    CHECK(sink.readings[0].values == values_t{{"a,b", 1.5}});
}

TEST_CASE("csv --time-column and --sensor-column pick the columns", "[unit][replay]")
{
    temp_file const f{"id,recorded,station,level\n7,2025-05-28T00:00:00Z,north,1.5\n"};
    csv_options options;
    options.time_column = "Recorded";
    options.sensor_column = "station";
    recorder sink;
    auto const s = read_ok(f.path(), sink, options);
    CHECK(s.layout.time_column == "recorded");
    CHECK(s.layout.sensor_column == "station");
    CHECK(s.layout.parameters == strings{"id", "level"});
    REQUIRE(sink.readings.size() == 1);
    CHECK(sink.readings[0].sensor == "north");
    CHECK(sink.readings[0].values == values_t{{"id", 7.0}, {"level", 1.5}});
}

TEST_CASE("csv --map, --ignore and a mapped label shape the parameters", "[unit][replay]")
{
    temp_file const f{"timestamp,t,p,debug,anomaly\n2025-05-28T00:00:00Z,1,2,3,1\n"};
    csv_options options;
    options.columns.rename = {{"t", "temperature"}, {"anomaly", "label_value"}};
    options.columns.ignore = {"debug"};
    recorder sink;
    auto const s = read_ok(f.path(), sink, options);
    CHECK(s.layout.parameters == strings{"temperature", "p", "label_value"});
    CHECK(s.layout.ignored == strings{"debug"});
    REQUIRE(sink.readings.size() == 1);
    CHECK(sink.readings[0].values ==
          values_t{{"temperature", 1.0}, {"p", 2.0}, {"label_value", 1.0}});
}

TEST_CASE("Two columns mapped to one parameter fail the header", "[unit][replay]")
{
    temp_file const f{"timestamp,temp,temperature\n"};
    csv_options options;
    options.columns.rename = {{"temp", "temperature"}};
    CHECK(read_failure(f.path(), options) ==
          f.path() + ":1: columns 'temp' and 'temperature' both feed parameter 'temperature'");
}

TEST_CASE("csv --epoch decides how plain numbers are read", "[unit][replay]")
{
    temp_file const f{"ts,level\n1748390483250,1\n1748390483,2\n"};
    recorder automatic;
    read_ok(f.path(), automatic);
    REQUIRE(automatic.readings.size() == 2);
    CHECK(automatic.readings[0].time == at("2025-05-28T00:01:23.250Z"));
    CHECK(automatic.readings[1].time == at("2025-05-28T00:01:23Z"));

    csv_options options;
    options.epoch = wtf::sources::epoch_unit::milliseconds;
    recorder ms;
    auto const s = read_ok(f.path(), ms, options);
    REQUIRE(ms.readings.size() == 2);
    CHECK(ms.readings[1].time == at("1970-01-21T05:39:50.483Z"));
    CHECK(s.first == at("1970-01-21T05:39:50.483Z"));
    CHECK(s.last == at("2025-05-28T00:01:23.250Z"));
}

TEST_CASE("Format names convert both ways", "[unit][replay]")
{
    for (auto f : {csv_format::automatic, csv_format::seed, csv_format::generator,
                   csv_format::long_table, csv_format::wide})
        CHECK(wtf::sources::csv_format_from(to_string(f)) == f);
    CHECK(to_string(csv_format::long_table) == "long");
    CHECK_FALSE(wtf::sources::csv_format_from("Long").has_value());
}

// ---------------------------------------------------------------------------------------------
// Text

TEST_CASE("CRLF, a byte order mark, blank lines and no final newline are accepted",
          "[unit][replay]")
{
    temp_file const f{"\xEF\xBB\xBFtimestamp,sensor_id,temperature,pressure,flow\r\n"
                      "\r\n"
                      "2025-05-28T00:00:00Z,a,1,2,3\r\n"
                      "   \r\n"
                      "2025-05-28T00:00:01Z,b,4,5,6"};
    recorder sink;
    auto const s = read_ok(f.path(), sink);
    CHECK(s.layout.format == csv_format::generator);
    CHECK(s.layout.time_column == "timestamp");
    CHECK(s.rows == 2);
    REQUIRE(sink.readings.size() == 2);
    CHECK(sink.readings[0].values ==
          values_t{{"temperature", 1.0}, {"pressure", 2.0}, {"flow", 3.0}});
    CHECK(sink.readings[1].sensor == "b");
    CHECK(sink.readings[1].values ==
          values_t{{"temperature", 4.0}, {"pressure", 5.0}, {"flow", 6.0}});
}

TEST_CASE("Quoted fields may hold delimiters and doubled quotes", "[unit][replay]")
{
    temp_file const f{"\"timestamp\", \"sensor_id\" ,\"a;b\",c\n"
                      "\"2025-05-28T00:00:00Z\",\"pump \"\"7\"\", east\", \"1.5\" ,  2  \n"};
    recorder sink;
    auto const s = read_ok(f.path(), sink);
    CHECK(s.layout.sensor_column == "sensor_id");
    CHECK(s.layout.parameters == strings{"a;b", "c"});
    REQUIRE(sink.readings.size() == 1);
    CHECK(sink.readings[0].sensor == "pump \"7\", east");
    CHECK(sink.readings[0].values == values_t{{"a;b", 1.5}, {"c", 2.0}});
}

TEST_CASE("Empty cells are no value for their parameter", "[unit][replay]")
{
    auto const problems =
        problems_of(std::string{generator_header} + "2025-05-28T00:00:00Z,a,1,,3\n"
                                                    "2025-05-28T00:00:01Z,a,,,\n"
                                                    "2025-05-28T00:00:02Z,a, , ,  \n");
    CHECK(problems == strings{"3: no values", "4: no values"});

    temp_file const f{std::string{generator_header} + "2025-05-28T00:00:00Z,a,1,,3\n"};
    recorder sink;
    read_ok(f.path(), sink);
    REQUIRE(sink.readings.size() == 1);
    CHECK(sink.readings[0].values == values_t{{"temperature", 1.0}, {"flow", 3.0}});
}

TEST_CASE("A file larger than the buffer is read across its refills", "[unit][replay]")
{
    std::string text{generator_header};
    constexpr int rows = 40'000; // about 1.8 MB, the default buffer is 1 MiB
    for (int i = 0; i < rows; ++i)
        text += "2025-05-28T00:00:00Z,s" + std::to_string(i) + "," + std::to_string(i) + ",2,3\n";
    temp_file const f{text};

    for (std::size_t buffer : {std::size_t{1} << 20, std::size_t{64}, std::size_t{100}}) {
        INFO("buffer " << buffer);
        csv_options options;
        options.buffer_bytes = buffer;
        recorder sink;
        auto const s = read_ok(f.path(), sink, options);
        CHECK(s.rows == rows);
        CHECK(s.readings == rows);
        CHECK(s.rejected == 0);
        REQUIRE(sink.readings.size() == rows);
        bool all_right = true;
        for (std::size_t i = 0; i < sink.readings.size(); ++i)
            all_right = all_right && sink.readings[i].sensor == "s" + std::to_string(i) &&
                        sink.readings[i].values[0].second == static_cast<double>(i);
        CHECK(all_right);
    }
}

TEST_CASE("A line longer than the buffer is a problem and the next line is read", "[unit][replay]")
{
    csv_options options;
    options.buffer_bytes = 100;
    auto const problems =
        problems_of(std::string{generator_header} + "2025-05-28T00:00:00Z,a,1,2,3\n" +
                        "2025-05-28T00:00:01Z,a,1,2," + std::string(300, '9') + "\n" +
                        "2025-05-28T00:00:02Z,a,1,2,3\n" + std::string(250, 'x'),
                    options);
    CHECK(problems == strings{"3: the line is longer than the read buffer (100 bytes)",
                              "5: the line is longer than the read buffer (100 bytes)"});

    temp_file const f{std::string{generator_header} + std::string(2'000'000, ',') + "\n" +
                      "2025-05-28T00:00:02Z,a,1,2,3\n"};
    recorder sink;
    auto const s = read_ok(f.path(), sink);
    CHECK(s.rows == 2);
    CHECK(s.readings == 1);
    CHECK(lines_and_messages(sink) ==
          strings{"2: the line is longer than the read buffer (1048576 bytes)"});
}

// ---------------------------------------------------------------------------------------------
// Row problems

TEST_CASE("A row with the wrong number of fields is skipped", "[unit][replay]")
{
    auto const problems =
        problems_of(std::string{generator_header} + "2025-05-28T00:00:00Z,a,1,2,3,4,5\n"
                                                    "\n"
                                                    "2025-05-28T00:00:00Z,a,1\n"
                                                    "2025-05-28T00:00:00Z\n"
                                                    "2025-05-28T00:00:00Z,a,1,2,3,\n"
                                                    "2025-05-28T00:00:00Z,a,1,2,3\n");
    CHECK(problems == strings{"2: 7 fields, the header has 5", "4: 3 fields, the header has 5",
                              "5: 1 field, the header has 5", "6: 6 fields, the header has 5"});
}

TEST_CASE("Cells that are not numbers name their column and text", "[unit][replay]")
{
    auto const problems =
        problems_of(std::string{generator_header} +
                    "2025-05-28T00:00:00Z,a,1,abc,3\n"
                    "2025-05-28T00:00:00Z,a,nan,2,3\n"
                    "2025-05-28T00:00:00Z,a,1,-inf,3\n"
                    "2025-05-28T00:00:00Z,a,1,2,1e999\n"
                    "2025-05-28T00:00:00Z,a,1.5.5,2,3\n"
                    "2025-05-28T00:00:00Z,a,0x10,2,3\n"
                    "2025-05-28T00:00:00Z,a,\"1,5\",2,3\n"
                    "2025-05-28T00:00:00Z,a,+-1,2,3\n"
                    "2025-05-28T00:00:00Z,a,1,2,3 4\n"
                    "2025-05-28T00:00:00Z,a,1,2,this value is far too long to be quoted whole\n");
    CHECK(problems == strings{"2: column 'pressure': not a number: 'abc'",
                              "3: column 'temperature': not a finite number: 'nan'",
                              "4: column 'pressure': not a finite number: '-inf'",
                              "5: column 'flow': out of range: '1e999'",
                              "6: column 'temperature': not a number: '1.5.5'",
                              "7: column 'temperature': not a number: '0x10'",
                              "8: column 'temperature': not a number: '1,5'",
                              "9: column 'temperature': not a number: '+-1'",
                              "10: column 'flow': not a number: '3 4'",
                              "11: column 'flow': not a number: "
                              "'this value is far too long to be quoted ...'"});
}

TEST_CASE("Bad or missing times and sensors are problems", "[unit][replay]")
{
    auto const problems =
        problems_of(std::string{generator_header} + "yesterday,a,1,2,3\n"
                                                    ",a,1,2,3\n"
                                                    "2025-05-28T25:00:00Z,a,1,2,3\n"
                                                    "2025-05-28T00:00:00Z,,1,2,3\n"
                                                    "2025-05-28T00:00:00Z,\xFF\xFE,1,2,3\n"
                                                    "2025-05-28T00:00:00Z,ok,1,2,3\n");
    CHECK(problems == strings{"2: column 'timestamp': not a time: 'yesterday'",
                              "3: column 'timestamp': no time",
                              "4: column 'timestamp': not a time: '2025-05-28T25:00:00Z'",
                              "5: column 'sensor_id': no sensor id",
                              "6: column 'sensor_id': not UTF-8 text: '\\xff\\xfe'"});
}

TEST_CASE("Times beyond the valid range are problems naming the range", "[unit][replay]")
{
    auto const problems =
        problems_of(std::string{generator_header} + "999999999999999,a,1,2,3\n"
                                                    "0000-01-01T00:00:00+01:00,a,1,2,3\n"
                                                    "9999-12-31T23:59:59Z,a,1,2,3\n");
    CHECK(problems ==
          strings{"2: column 'timestamp': time outside the supported range 0000-01-01T00:00:00Z "
                  "to 9999-12-31T23:59:59.999999Z: '999999999999999'",
                  "3: column 'timestamp': time outside the supported range 0000-01-01T00:00:00Z "
                  "to 9999-12-31T23:59:59.999999Z: '0000-01-01T00:00:00+01:00'"});
}

TEST_CASE("Binary garbage in a row is a problem with its bytes escaped", "[unit][replay]")
{
    using namespace std::string_literals;
    auto const problems =
        problems_of(std::string{generator_header} + "2025-05-28T00:00:00Z,a,1,2\0\x01,3\n"s +
                    "\x01\x02\x7f,a,1,2,3\n" + "2025-05-28T00:00:00Z,a,1,2,3\n");
    CHECK(problems == strings{"2: NUL bytes in the line: binary data, not CSV text",
                              "3: column 'timestamp': not a time: '\\x01\\x02\\x7f'"});
}

TEST_CASE("Quotes that do not close on their line are problems", "[unit][replay]")
{
    auto const problems =
        problems_of(std::string{generator_header} + "2025-05-28T00:00:00Z,\"a\nb\",1,2,3\n"
                                                    "2025-05-28T00:00:00Z,\"a\"x,1,2,3\n");
    CHECK(problems == strings{"2: field 2: a quoted field does not end on its line",
                              "3: 4 fields, the header has 5",
                              "4: field 2: text after the closing quote of a field"});
}

TEST_CASE("Rejected rows count as rows but not readings", "[unit][replay]")
{
    temp_file const f{std::string{generator_header} + "2025-05-28T00:00:05Z,a,1,2,3\n"
                                                      "2025-05-28T00:00:06Z,a,x,2,3\n"
                                                      "2025-05-28T00:00:01Z,a,1,2,3\n"};
    recorder sink;
    auto const s = read_ok(f.path(), sink);
    CHECK(s.rows == 3);
    CHECK(s.readings == 2);
    CHECK(s.rejected == 1);
    CHECK(s.first == at("2025-05-28T00:00:01Z"));
    CHECK(s.last == at("2025-05-28T00:00:05Z"));
    REQUIRE(sink.problems.size() == 1);
    CHECK(to_string(sink.problems[0]) == f.path() + ":3: column 'temperature': not a number: 'x'");
}

TEST_CASE("csv --strict fails at the first problem, after reporting it", "[unit][replay]")
{
    temp_file const f{std::string{generator_header} + "2025-05-28T00:00:00Z,a,1,2,3\n"
                                                      "2025-05-28T00:00:01Z,a,1,2\n"
                                                      "2025-05-28T00:00:02Z,a,1,2,3\n"};
    csv_options options;
    options.strict = true;
    recorder sink;
    CHECK(read_failure(f.path(), sink, options) == f.path() + ":3: 4 fields, the header has 5");
    CHECK(sink.readings.size() == 1);
    CHECK(lines_and_messages(sink) == strings{"3: 4 fields, the header has 5"});
}

TEST_CASE("csv --strict sends the long table's pending reading before failing", "[unit][replay]")
{
    temp_file const f{"timestamp,sensor_id,parameter,value\n"
                      "2025-05-28T00:00:00Z,a,temperature,1\n"
                      "2025-05-28T00:00:00Z,a,pressure,oops\n"};
    csv_options options;
    options.strict = true;
    recorder sink;
    CHECK(read_failure(f.path(), sink, options) ==
          f.path() + ":3: column 'value': not a number: 'oops'");
    REQUIRE(sink.readings.size() == 1);
    CHECK(sink.readings[0].values == values_t{{"temperature", 1.0}});
}

// ---------------------------------------------------------------------------------------------
// File failures

TEST_CASE("A missing file fails with the system's reason", "[unit][replay]")
{
    temp_file const f{""};
    auto const missing = (f.dir() / "nope.csv").string();
    CHECK(read_failure(missing) == missing + ": cannot open: No such file or directory");
}

TEST_CASE("A directory fails with a read error", "[unit][replay]")
{
    temp_file const f{""};
    CHECK(read_failure(f.dir().string()) == f.dir().string() + ": read error: Is a directory");
}

TEST_CASE("An empty file and a file of blank lines fail", "[unit][replay]")
{
    temp_file const empty{""};
    CHECK(read_failure(empty.path()) == empty.path() + ": empty file");
    temp_file const blank{"\n  \r\n\n"};
    CHECK(read_failure(blank.path()) ==
          blank.path() + ": no header: the file has only blank lines");
}

TEST_CASE("A file that starts with data has no header", "[unit][replay]")
{
    temp_file const f{"\n2025-05-28T00:01:23Z,wtf-pipe-1,23.4,2.1,55.0\n"};
    CHECK(read_failure(f.path()) == f.path() + ":2: no header: expected column names such as "
                                               "timestamp,sensor_id,temperature; found "
                                               "'2025-05-28T00:01:23Z,wtf-pipe-1,23.4,2.1...'");
    temp_file const epoch{"-5,3\n"};
    CHECK(read_failure(epoch.path()) == epoch.path() +
                                            ":1: no header: expected column names such as "
                                            "timestamp,sensor_id,temperature; found '-5,3'");
}

TEST_CASE("A header of one column fails", "[unit][replay]")
{
    temp_file const f{"timestamp|value\n"};
    CHECK(read_failure(f.path()) ==
          f.path() + ":1: the header has one column, 'timestamp|value'; expected a time "
                     "column and value columns separated by ',', ';' or tab");
}

TEST_CASE("A named time or sensor column that is absent fails", "[unit][replay]")
{
    temp_file const f{"timestamp,level\n"};
    csv_options options;
    options.time_column = "when";
    CHECK(read_failure(f.path(), options) ==
          f.path() + ":1: no column 'when' (--time-column); the columns are 'timestamp', 'level'");
    options = {};
    options.sensor_column = "station";
    CHECK(read_failure(f.path(), options) ==
          f.path() + ":1: no column 'station' (--sensor-column); the columns are 'timestamp', "
                     "'level'");
}

TEST_CASE("A header without value columns fails", "[unit][replay]")
{
    temp_file const only_labels{"datetime;anomaly;changepoint\n"};
    CHECK(read_failure(only_labels.path()) ==
          only_labels.path() + ":1: no value columns: the columns besides time and sensor are "
                               "ignored ('anomaly', 'changepoint')");
    temp_file const bare{"timestamp,sensor_id\n"};
    CHECK(read_failure(bare.path()) ==
          bare.path() + ":1: no value columns: the columns are 'timestamp', 'sensor_id'");
}

TEST_CASE("A binary file fails at its header", "[unit][replay]")
{
    using namespace std::string_literals;
    temp_file const f{"PK\x03\x04\x14\0\0\0\x08\0timestamp,\xC3\x28\n"s};
    CHECK(read_failure(f.path()) ==
          f.path() + ":1: not CSV text: the header has NUL bytes or bytes that are not UTF-8 (a "
                     "binary file?): 'PK\\x03\\x04\\x14\\x00\\x00\\x00\\x08\\x00timestamp,\\xc3('");
}

TEST_CASE("A header longer than the buffer fails", "[unit][replay]")
{
    temp_file const f{"timestamp," + std::string(200, 'a') + "\n"};
    csv_options options;
    options.buffer_bytes = 128;
    CHECK(read_failure(f.path(), options) ==
          f.path() + ":1: the header is longer than the read buffer (128 bytes)");
}

TEST_CASE("\"-\" reads standard input as the sensor \"stdin\"", "[unit][replay]")
{
    temp_file const f{"timestamp,level\n2025-05-28T00:00:00Z,1.5\n2025-05-28T00:00:01Z,x\n"};
    int const saved = ::dup(STDIN_FILENO);
    int const fd = ::open(f.path().c_str(), O_RDONLY);
    REQUIRE(saved >= 0);
    REQUIRE(fd >= 0);
    REQUIRE(::dup2(fd, STDIN_FILENO) == STDIN_FILENO);
    ::close(fd);
    recorder sink;
    auto result = read_csv("-", {}, sink);
    ::dup2(saved, STDIN_FILENO);
    ::close(saved);

    REQUIRE(std::holds_alternative<csv_summary>(result));
    CHECK(std::get<csv_summary>(result).layout.sensor == "stdin");
    REQUIRE(sink.readings.size() == 1);
    CHECK(sink.readings[0].sensor == "stdin");
    REQUIRE(sink.problems.size() == 1);
    CHECK(to_string(sink.problems[0]) == "stdin:3: column 'level': not a number: 'x'");
}
