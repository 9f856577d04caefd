#pragma once
// A client for any OpenAI-compatible /chat/completions endpoint (llama.cpp server, Docker Model
// Runner, Ollama, hosted https APIs), on the daemon's io_context with Boost.Beast.

#include <wtf/core/reload.hpp>
#include <wtf/summarize/settings.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <variant>

namespace wtf::summarize {

struct chat_request {
    std::string system;
    std::string user;
};

struct chat_reply {
    std::string content;       // choices[0].message.content, as sent
    std::string finish_reason; // "stop", "length", ...
    std::string model;         // as the server reports it
    std::string raw;           // the whole response body (saved by `wtfd analyze`)
    std::chrono::milliseconds latency{0};
    std::optional<std::size_t> prompt_tokens;     // usage.prompt_tokens, when reported
    std::optional<std::size_t> completion_tokens; // usage.completion_tokens, when reported
};

enum class llm_failure {
    bad_url,     // base_url cannot be used
    connect,     // refused, unreachable, DNS or TLS handshake failure
    timeout,     // connect or total timeout
    http_status, // non-2xx answer (after the retry for 5xx)
    too_large,   // response beyond max_response_bytes
    malformed,   // not a chat completion (no choices[0].message.content string)
};

struct llm_error {
    llm_failure kind;
    std::string message; // for logs and /status: "HTTP 503: Loading model"; never the key
    unsigned http_status = 0;
    std::chrono::milliseconds latency{0}; // from the call to the failure, retry included
};

class llm_client {
public:
    // Throws std::invalid_argument naming the problem when base_url is not http(s) or the
    // ca_file cannot be loaded (start-up errors).
    llm_client(boost::asio::any_io_executor ex, llm_settings s);
    ~llm_client();

    // POSTs <base_url>/chat/completions with model, temperature, max_tokens and the two
    // messages. One retry after a connection error, an EOF on a reused connection or a 5xx,
    // after a short backoff. Never throws for network or server failures: they are the
    // llm_error. Cancellation (terminal) ends the request with llm_failure::timeout.
    boost::asio::awaitable<std::variant<chat_reply, llm_error>> complete(chat_request req);

    // The server's context size in tokens, from llama.cpp's GET /props
    // (default_generation_settings.n_ctx, beside base_url's /v1); nullopt when the server has
    // no such endpoint (remembered: it is not asked again) or does not answer within
    // connect_timeout. Never throws.
    boost::asio::awaitable<std::optional<std::size_t>> context_size();

    // "http://localhost:8008/v1/chat/completions" (no key, no password).
    std::string const& endpoint() const noexcept;

    // [llm] only takes effect at a restart: says so when it changed.
    core::reload_effect apply(llm_settings const& s) const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace wtf::summarize
