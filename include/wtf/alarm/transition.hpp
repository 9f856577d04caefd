#pragma once
// A change of an alarm's operator state, as a value: what the ledger returns for the journal
// (one JSON line each) and the live event stream, and what it applies again on restore.

#include <wtf/core/anomaly.hpp>
#include <wtf/core/time.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wtf::alarm {

enum class action {
    acknowledged,   // an operator acknowledged the alarm
    commented,      // an operator added a comment
    shelved,        // an operator shelved the alarm's point, for a time or until normal
    unshelved,      // the shelf ended: by an operator, at its time, or at return to normal
    suppressed,     // the alarm opened while its point was shelved or its sensor out of service
    out_of_service, // an operator took a sensor out of service (maintenance)
    in_service,     // ... and put it back
};
inline constexpr std::size_t action_count = 7;

// Why an alarm is not annunciated.
enum class suppression { none, shelved, out_of_service };

// Why a shelf ended.
enum class unshelve_reason { operator_request, expired, returned_to_normal };

std::string_view to_string(action a) noexcept;          // "acknowledged", ..., "in_service"
std::string_view to_string(suppression s) noexcept;     // "none", "shelved", "out_of_service"
std::string_view to_string(unshelve_reason r) noexcept; // "operator", "expired", ...
std::optional<action> action_from(std::string_view text) noexcept;

struct transition {
    alarm::action action = action::acknowledged;
    // The alarm (anomaly id) and its point; 0 and the sensor alone for out_of_service/in_service.
    std::uint64_t id = 0;
    std::string sensor_id;
    std::string parameter; // empty for sensor-level alarms (dropout) and service changes
    core::anomaly_type type = core::anomaly_type::spike;
    core::timestamp at;
    std::string by; // the operator; empty when wtfd acted (expiry, return to normal, suppressed)
    std::string comment; // may be empty
    // shelved: when the shelf ends at the latest, and whether it ends earlier at return to normal.
    core::timestamp until{};
    bool until_normal = false;
    unshelve_reason unshelved_by = unshelve_reason::operator_request; // unshelved
    suppression suppressed_by = suppression::none;                    // suppressed

    bool operator==(transition const&) const = default;
};

// One JSON object without a newline, its first member naming the action:
// {"alarm":"acknowledged","id":12,"sensor_id":"wtf-pipe-1","parameter":"temperature",
//  "type":"spike","at":"2025-05-28T00:01:23Z","by":"alice","comment":"checking the pump"}
void append_json(std::string& out, transition const& t);

// Parses what append_json wrote (the journal line, without its '\n'). Empty, with `why` naming
// the field, for anything else; never throws.
std::optional<transition> decode_transition(std::string_view text, std::string& why);

} // namespace wtf::alarm
