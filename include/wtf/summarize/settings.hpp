#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace wtf::summarize {

// [summary]
struct settings {
    std::chrono::milliseconds interval{60'000};   // SUMMARY_INTERVAL
    std::size_t max_buffer = 50;                  // MAX_BUFFER_SIZE
};

// [llm]
struct llm_settings {
    bool enabled = true;
    std::string base_url = "http://localhost:8008/v1";   // OPENAI_API_BASE
    std::string model = "llama-2-7b-chat.Q4_0.gguf";     // MODEL_NAME
    double temperature = 0.1;                            // TEMPERATURE
    std::chrono::milliseconds timeout{30'000};
    std::string api_key;                                 // OPENAI_API_KEY; never logged
};

} // namespace wtf::summarize
