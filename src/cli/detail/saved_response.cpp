#include "cli/detail/saved_response.hpp"

#include <wtf/core/json_writer.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>

namespace wtf::cli::detail {

namespace json = boost::json;

namespace {

std::tm local_tm(std::chrono::system_clock::time_point at)
{
    auto const t = std::chrono::system_clock::to_time_t(at);
    std::tm tm{};
    localtime_r(&t, &tm);
    return tm;
}

// "20250831_030000", as the seed's script named its files (local time).
std::string file_stamp(std::chrono::system_clock::time_point at)
{
    auto const tm = local_tm(at);
    char text[32];
    return std::string(text, std::strftime(text, sizeof text, "%Y%m%d_%H%M%S", &tm));
}

// "2025-08-31T03:00:00+0200": sortable, and unambiguous across a change of daylight time.
std::string row_stamp(std::chrono::system_clock::time_point at)
{
    auto const tm = local_tm(at);
    char text[40];
    return std::string(text, std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S%z", &tm));
}

std::string errno_text() { return std::generic_category().message(errno); }

// Writes all of `data` to `fd`; false on any error.
bool write_all(int fd, std::string_view data)
{
    while (!data.empty()) {
        auto const n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// A CSV field as RFC 4180 wants it: quoted when it holds a comma, a quote or a line break.
std::string csv_field(std::string_view text)
{
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string{text};
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + '"';
}

} // namespace

namespace {

// The server's reply as it came, inside the document: as JSON when it is JSON (byte for byte),
// else as a string.
void write_verbatim(core::json_writer& w, std::string const& raw)
{
    boost::system::error_code ec;
    json::parse(raw, ec);
    if (!ec)
        w.raw(raw);
    else
        w.value(std::string_view{raw});
}

} // namespace

std::string response_document(summarize::wording const& w, summarize::batch const& b,
                              std::chrono::system_clock::time_point at)
{
    // The reply as the server sent it, when its content is what was used.
    if (w.from_llm() && w.reply && w.stripped.empty()) return w.reply->raw;

    std::string out;
    core::json_writer doc{out};
    doc.begin_object();
    doc.member("object", "chat.completion");
    doc.member(
        "created",
        static_cast<std::int64_t>(
            std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count()));
    doc.member("model", w.from_llm() ? std::string_view{w.model}
                                     : std::string_view{"wtfd-deterministic-summary"});
    doc.key("choices");
    doc.begin_array();
    doc.begin_object();
    doc.member("index", 0);
    doc.key("message");
    doc.begin_object();
    doc.member("role", "assistant");
    doc.member("content", std::string_view{w.text});
    doc.end_object();
    doc.member("finish_reason", "stop");
    doc.end_object();
    doc.end_array();

    doc.key("wtfd");
    doc.begin_object();
    doc.member("source", w.from_llm() ? "llm" : "deterministic");
    if (!w.from_llm()) doc.member("reason", std::string_view{w.fallback_reason});
    doc.member("anomalies", static_cast<std::uint64_t>(b.anomalies.size()));
    doc.member("left_out", static_cast<std::uint64_t>(b.left_out));
    doc.member("window_start", core::format_rfc3339(b.window_start));
    doc.member("window_end", core::format_rfc3339(b.window_end));
    if (w.reply) {
        doc.member("checks", summarize::answer_checks());
        // What was taken out of the content before it was checked (reasoning blocks).
        if (!w.stripped.empty()) doc.member("stripped", std::string_view{w.stripped});
        // Kept for the record: the server's reply, verbatim.
        doc.key(w.from_llm() ? "response" : "rejected_response");
        write_verbatim(doc, w.reply->raw);
    }
    doc.end_object();
    doc.end_object();
    return out + '\n';
}

std::variant<saved_paths, std::string> save_response(std::string const& dir,
                                                     std::string const& document,
                                                     std::string const& model_api_url,
                                                     std::chrono::system_clock::time_point at)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path const base{dir};
    fs::create_directories(base / "responses", ec);
    if (ec) return (base / "responses").string() + ": cannot create: " + ec.message();

    // O_EXCL: never overwrite an earlier answer, even from a run in the same second.
    std::string const stem = "model_response_" + file_stamp(at);
    std::string relative;
    int fd = -1;
    for (int attempt = 1; fd < 0 && attempt <= 100; ++attempt) {
        relative =
            "responses/" + stem + (attempt == 1 ? "" : "_" + std::to_string(attempt)) + ".json";
        fd = ::open((base / relative).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST)
            return (base / relative).string() + ": cannot create: " + errno_text();
    }
    if (fd < 0) return (base / relative).string() + ": cannot create: too many in one second";
    bool const written = write_all(fd, document);
    auto const write_error = errno_text();
    if (::close(fd) != 0 || !written)
        return (base / relative).string() + ": cannot write: " + write_error;

    auto const results = (base / "results.csv").string();
    int const csv = ::open(results.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (csv < 0) return results + ": cannot open: " + errno_text();
    std::string rows;
    if (::lseek(csv, 0, SEEK_END) == 0) rows = "timestamp,model_api_url,output_filename\n";
    rows += csv_field(row_stamp(at)) + ',' + csv_field(model_api_url) + ',' + csv_field(relative) +
            '\n';
    bool const appended = write_all(csv, rows);
    auto const append_error = errno_text();
    if (::close(csv) != 0 || !appended) return results + ": cannot write: " + append_error;
    return saved_paths{(base / relative).string(), results};
}

} // namespace wtf::cli::detail
