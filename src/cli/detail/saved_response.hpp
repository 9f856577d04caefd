#pragma once
// What the seed's "send my CSV to an LLM" script left behind, kept so its readers still work:
// responses/model_response_YYYYmmdd_HHMMSS.json (local time) holding a chat completion, and a
// row in results.csv (timestamp,model_api_url,output_filename).

#include <wtf/summarize/batch.hpp>
#include <wtf/summarize/grounding.hpp>
#include <wtf/summarize/wording.hpp>

#include <chrono>
#include <string>
#include <variant>

namespace wtf::cli::detail {

// The file's content: the LLM's chat completion verbatim when its content was used as it came;
// otherwise a chat completion of the summary used, marked in "wtfd": the source ("llm" or
// "deterministic"), the reason for a fallback, the checks the answer went through, what was
// stripped from it (reasoning), and the server's reply verbatim ("response", or
// "rejected_response"), so readers of choices[0].message.content still work.
std::string response_document(summarize::wording const& w, summarize::batch const& b,
                              std::chrono::system_clock::time_point at);

struct saved_paths {
    std::string response; // "<dir>/responses/model_response_20250831_030000.json"
    std::string results;  // "<dir>/results.csv"
};

// Writes the document under `dir` (created if needed; a second run in the same second gets
// "_2", "_3" ...) and appends its row to results.csv, writing the header when the file is new
// or empty. `model_api_url` is the chat completions endpoint, empty without an LLM. On failure,
// the message names the path.
std::variant<saved_paths, std::string> save_response(std::string const& dir,
                                                     std::string const& document,
                                                     std::string const& model_api_url,
                                                     std::chrono::system_clock::time_point at);

} // namespace wtf::cli::detail
