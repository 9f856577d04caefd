#pragma once
// The batch the LLM answer corpus (tests/data/llm-corpus.jsonl) was written for: ten minutes of
// three sensors with seven anomalies, two of them critical spikes, one drift still active. It is
// what `wtfd analyze` finds in tests/e2e/170-llm-corpus.sh's readings, and what the issue that
// asked for the corpus saw against a real server. Header-only.

#include <wtf/summarize/batch.hpp>

#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace wtf::test {

inline summarize::batch corpus_batch()
{
    auto const t = [](char const* hms) {
        return *core::parse_rfc3339(std::string{"2025-05-28T"} + hms + "Z");
    };
    std::uint64_t next_id = 1;
    auto anomaly = [&](core::anomaly_type type, char const* sensor, char const* parameter,
                       char const* unit, std::optional<double> value, core::band limits,
                       char const* started, char const* detected, char const* ended,
                       double seconds) {
        core::anomaly a;
        a.id = next_id++;
        a.type = type;
        a.severity =
            type == core::anomaly_type::spike ? core::severity::critical : core::severity::warning;
        a.sensor_id = sensor;
        a.parameter = parameter;
        a.unit = unit;
        a.value = value;
        a.peak_value = value;
        if (value) a.limits = limits;
        a.started_at = t(started);
        a.detected_at = t(detected);
        if (ended) a.ended_at = t(ended);
        a.duration_seconds = seconds;
        return a;
    };
    using core::anomaly_type;
    char const* const celsius = "\xC2\xB0"
                                "C";
    summarize::batch b;
    b.window_start = t("08:30:00");
    b.window_end = t("08:40:00");
    b.anomalies = {
        anomaly(anomaly_type::drift, "wtf-pipe-1", "pressure", "bar", 0.8, {1.0, 3.0}, "08:33:00",
                "08:33:16", "08:33:20", 20.0),
        anomaly(anomaly_type::dropout, "wtf-pipe-3", "", "", std::nullopt, {}, "08:34:00",
                "08:34:10", "08:34:30", 30.0),
        anomaly(anomaly_type::drift, "wtf-pipe-2", "pressure", "bar", 3.4, {1.0, 3.0}, "08:35:00",
                "08:35:16", "08:35:22", 22.0),
        anomaly(anomaly_type::spike, "wtf-pipe-1", "temperature", celsius, 45.2, {5.0, 40.0},
                "08:36:10", "08:36:10", "08:36:12", 2.0),
        anomaly(anomaly_type::spike, "wtf-pipe-2", "flow", "L/min", 130.5, {10.0, 120.0},
                "08:36:20", "08:36:20", "08:36:22", 2.0),
        anomaly(anomaly_type::drift, "wtf-pipe-3", "temperature", celsius, 36.5, {10.0, 35.0},
                "08:37:00", "08:37:16", nullptr, 16.0),
        anomaly(anomaly_type::drift, "wtf-pipe-1", "flow", "L/min", 18.0, {20.0, 100.0}, "08:38:00",
                "08:38:16", "08:38:20", 20.0),
    };
    return b;
}

// The seed's parameters, as wtfd's defaults configure them.
inline std::vector<summarize::parameter_info> corpus_parameters()
{
    return {{"temperature",
             "\xC2\xB0"
             "C",
             {10.0, 35.0},
             {5.0, 40.0}},
            {"pressure", "bar", {1.0, 3.0}, {0.5, 4.0}},
            {"flow", "L/min", {20.0, 100.0}, {10.0, 120.0}}};
}

struct corpus_answer {
    std::string id;
    std::string expect; // "kept", "empty", or an answer_fault's to_string()
    std::string reason; // a part of the reason a refusal must give
    std::string content;
};

// tests/data/llm-corpus.jsonl. Throws std::runtime_error when it cannot be read.
inline std::vector<corpus_answer> read_corpus(std::string const& path)
{
    std::ifstream in{path};
    if (!in) throw std::runtime_error("cannot read " + path);
    std::vector<corpus_answer> out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        auto const v = boost::json::parse(line).as_object();
        corpus_answer a;
        a.id = v.at("id").as_string();
        a.expect = v.at("expect").as_string();
        if (auto const* r = v.if_contains("reason")) a.reason = r->as_string();
        a.content = v.at("content").as_string();
        out.push_back(std::move(a));
    }
    return out;
}

} // namespace wtf::test
