#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace wtf::summarize {

// [summary]
struct settings {
    std::chrono::milliseconds interval{60'000}; // SUMMARY_INTERVAL
    std::size_t max_buffer = 50;                // MAX_BUFFER_SIZE

    bool operator==(settings const&) const = default;
};

// A context every server offers: llama.cpp's common -c 2048, Ollama's old default.
inline constexpr std::size_t default_context_tokens = 2'048;

// [llm]
struct llm_settings {
    bool enabled = true;
    std::string base_url = "http://localhost:8008/v1"; // OPENAI_API_BASE
    std::string model = "llama-2-7b-chat.Q4_0.gguf";   // MODEL_NAME
    double temperature = 0.1;                          // TEMPERATURE
    std::chrono::milliseconds timeout{30'000};         // whole request, connect included
    std::chrono::milliseconds connect_timeout{5'000};
    std::string api_key;      // OPENAI_API_KEY; never logged
    std::string api_key_file; // read at start-up when api_key is empty
    std::string ca_file;      // PEM bundle for a private CA (https)
    std::size_t max_tokens = 512;
    std::size_t max_response_bytes = 1'048'576;
    std::size_t max_prompt_bytes = 16'384; // a larger batch is cut, not sent
    // The server's context in tokens; 0 ("auto"): its /props n_ctx (llama.cpp), else
    // default_context_tokens.
    std::size_t context_tokens = 0;
    // Estimated tokens of the prompt at most; 0: the context less max_tokens and the template.
    std::size_t max_prompt_tokens = 0;

    bool operator==(llm_settings const&) const = default;
};

} // namespace wtf::summarize
