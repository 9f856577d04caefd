#pragma once
// The lines of journal.jsonl: written by concatenation (the anomaly JSON is the history's cached
// text), read back with Boost.JSON, checking every field an operator or a torn write could spoil.

#include <wtf/alarm/transition.hpp>
#include <wtf/core/anomaly.hpp>
#include <wtf/store/history.hpp>

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace wtf::store::detail {

// Each appends one line with its '\n'.
void append_header_line(std::string& out, core::timestamp created_at);
void append_change_line(std::string& out, core::anomaly_change change,
                        std::string_view anomaly_json);
void append_summary_line(std::string& out, summary const& s);
void append_mark_line(std::string& out, core::timestamp last_reading);
void append_alarm_line(std::string& out, alarm::transition const& t);

enum class line_kind { header, change, summary, mark, alarm };

struct journal_line {
    line_kind kind = line_kind::header;
    core::anomaly_change change = core::anomaly_change::opened;
    core::anomaly anomaly;          // kind::change
    store::summary summary;         // kind::summary
    core::timestamp last_reading{}; // kind::mark
    alarm::transition transition;   // kind::alarm
};

// One line without its '\n'. Empty, with `why` set, when it is not one of the lines above.
std::optional<journal_line> decode_line(std::string_view text, std::string& why);

std::optional<core::anomaly> decode_anomaly(boost::json::value const& v, std::string& why);
std::optional<summary> decode_summary(boost::json::value const& v, std::string& why);

} // namespace wtf::store::detail
