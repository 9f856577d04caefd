#pragma once
// A stand-in for an OpenAI-compatible LLM server (llama.cpp's llama-server), for tests: a Beast
// HTTP/1.1 server on 127.0.0.1:<free port>, optionally TLS, on the caller's io_context. It
// answers POST .../chat/completions like llama.cpp does (see docs: shared/notes/llm-servers.md):
// Content-Length framing, `Keep-Alive: timeout=5, max=100`, llama.cpp's response and error
// shapes. Every request is recorded for assertions. One thread; not thread-safe.

#include <boost/asio/any_io_executor.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wtf::test {

namespace detail {
struct llm_stand_in_state;
}

enum class llm_mode {
    normal,       // 200, content = set_content()
    think,        // 200, "<think>...</think>" followed by the content
    fail_once,    // the first request: 500 {"error":{"code":500,...}}; then normal
    error_503,    // always 503 "Loading model" (or set_error_message())
    malformed,    // 200 with set_raw_body() or `{"choices": [}`
    slow,         // normal after set_delay()
    wrong_number, // 200, content names a number not in any batch ("99.9")
    script,       // 200, the next of set_script()'s answers, round and round
    truncated,    // normal, but usage.prompt_tokens is a third of the prompt's tokens
};

// "normal", "think", "fail-once", "error-503", "malformed", "slow", "wrong-number", "script",
// "truncated".
std::optional<llm_mode> llm_mode_from(std::string_view name);

struct llm_request_record {
    std::string path;
    std::string authorization; // the header's value, empty when absent
    std::string body;
    boost::json::value json;    // the parsed body; null when it is not JSON
    std::size_t connection = 0; // 1 for the first connection accepted, 2 for the next, ...
};

// One scripted answer: its content, and optionally its finish_reason.
struct llm_scripted_answer {
    std::string content;
    std::string finish_reason = "stop";
};

// Reads answers from JSON Lines, one object per line with "content" and optionally
// "finish_reason" (other members are ignored, so a test corpus serves as it is); blank lines
// are skipped. Throws std::runtime_error naming the line of a bad one.
std::vector<llm_scripted_answer> read_script(std::string const& path);

struct llm_tls_files {
    std::string certificate; // PEM
    std::string private_key; // PEM, unencrypted
};

class llm_stand_in {
public:
    // Listens at once; throws std::system_error if it cannot, or if the TLS files do not load.
    explicit llm_stand_in(boost::asio::any_io_executor ex,
                          std::optional<llm_tls_files> tls = std::nullopt);
    ~llm_stand_in(); // stop()
    llm_stand_in(llm_stand_in const&) = delete;
    llm_stand_in& operator=(llm_stand_in const&) = delete;

    std::uint16_t port() const noexcept;
    // "http://127.0.0.1:<port>/v1" (https with TLS).
    std::string base_url(std::string_view prefix = "/v1") const;

    void set_mode(llm_mode m);
    void set_content(std::string text);
    void set_delay(std::chrono::milliseconds d);        // slow mode
    void set_raw_body(std::string body);                // malformed mode; empty: `{"choices": [}`
    void set_error_message(std::string text);           // error_503 mode; "Loading model"
    void set_key(std::string key);                      // non-empty: other keys get 401
    void set_idle_timeout(std::chrono::milliseconds d); // 5 s, like llama.cpp
    void set_log(std::string path);                     // appends one JSON line per request
    void set_script(std::vector<llm_scripted_answer> answers); // script mode
    // The context size, in tokens: served at GET /props (llama.cpp's default_generation_settings
    // .n_ctx; 0, the default: /props is 404 as on servers other than llama.cpp), and a longer
    // prompt is truncated as llama.cpp does (n_keep 0: half-context blocks are dropped from its
    // start), which usage.prompt_tokens shows.
    void set_context(std::size_t n_ctx);
    // The server's own answer limit, llama-server's -n (0: none): a longer answer is cut there
    // with finish_reason "length", as it is at the request's max_tokens.
    void set_predict_limit(std::size_t n_predict);

    // Closes every connection waiting for a request, as llama.cpp does after its idle timeout.
    void close_idle_connections();
    // Closes the acceptor and every connection; pending sessions end on their own.
    void stop();

    // Chat completion requests (GET /props is not recorded or logged, only counted).
    std::vector<llm_request_record> const& requests() const noexcept;
    std::size_t props_requests() const noexcept;
    std::size_t connections_accepted() const noexcept;

    // The stand-in's tokenizer, Llama-like: every digit and punctuation character a token,
    // four letters a token, two bytes beyond ASCII a token, and 4 per message for the template.
    static std::size_t count_tokens(std::string_view text);

private:
    std::shared_ptr<detail::llm_stand_in_state> state_;
};

} // namespace wtf::test
