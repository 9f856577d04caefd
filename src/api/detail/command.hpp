#pragma once
// The body of an operator's command (POST /anomalies/{id}/ack, /sensors/{id}/out-of-service,
// ...): a JSON object naming who acts, with what each command takes beside it. Type checks
// only; the ledger judges lengths and characters.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace wtf::api::detail {

// The members a command takes besides "by" (always required) and "comment" (always allowed).
enum class command_fields {
    note,  // by, comment
    shelf, // by, comment, and duration_s (1 or more whole seconds) or until_normal (true)
};

struct command_body {
    std::string by;
    std::string comment;
    std::optional<std::chrono::seconds> duration; // shelf: absent with until_normal
};

struct command_problem {
    unsigned status = 422; // 400: not JSON; 422: not the object the command takes
    std::string detail;    // names the member
};

// Parses `body`; the problem names the member that is missing, unknown or of the wrong type.
// A shelf needs exactly one of duration_s and until_normal.
std::optional<command_problem> parse_command(std::string_view body, command_fields fields,
                                             command_body& out);

} // namespace wtf::api::detail
