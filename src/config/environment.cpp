// The seed system's environment variables (REDIS_HOST, OPENAI_API_BASE, ...) and ours (WTFD_*),
// applied over the file with the same rules as the keys they override.

#include "config/detail/readers.hpp"

#include <wtf/core/utf8.hpp>

#include <charconv>
#include <cstdlib>
#include <utility>
#include <variant>

namespace wtf::config {

environment process_environment()
{
    return [](std::string_view name) -> std::optional<std::string> {
        if (char const* value = std::getenv(std::string(name).c_str())) return std::string(value);
        return std::nullopt;
    };
}

namespace detail {

namespace {

template <class Number>
std::optional<Number> parse_number(std::string_view text)
{
    Number value{};
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// An empty variable counts as unset: compose and unit files often pass VAR= for "not configured",
// and that must not wipe a value from the file (nor an ingest token, silently opening the API).
class env_reader {
public:
    env_reader(environment const& env, std::vector<error>& errors) : env_(&env), errors_(&errors) {}

    // Refuses a value that is not UTF-8, as toml++ refuses such a file: the value would reach
    // logs, /status and --check-config, whose output could then not be read back.
    std::optional<std::string> get(std::string_view name)
    {
        auto value = *env_ ? (*env_)(name) : std::nullopt;
        if (value && value->empty()) return std::nullopt;
        if (value && !core::is_valid_utf8(*value)) {
            fail(name, "is not valid UTF-8");
            return std::nullopt;
        }
        return value;
    }

    void text(std::string_view name, std::string& out, text_check check = any_text)
    {
        auto const value = get(name);
        if (!value) return;
        if (auto problem = check(*value))
            fail(name, *std::move(problem));
        else
            out = *value;
    }

    template <class Int>
    void integer(std::string_view name, Int& out, integer_rule rule)
    {
        auto const value = get(name);
        if (!value) return;
        auto const parsed = parse_number<std::int64_t>(*value);
        if (!parsed || check(rule, *parsed))
            fail(name, "must be " + describe(rule));
        else
            out = static_cast<Int>(*parsed);
    }

    void number(std::string_view name, double& out, number_rule rule)
    {
        auto const value = get(name);
        if (!value) return;
        auto const parsed = parse_number<double>(*value);
        if (!parsed || check(rule, *parsed))
            fail(name, "must be " + describe(rule));
        else
            out = *parsed;
    }

    void seconds(std::string_view name, std::chrono::milliseconds& out)
    {
        auto const value = get(name);
        if (!value) return;
        auto const parsed = parse_number<double>(*value);
        if (!parsed) {
            fail(name, "must be a number of seconds");
            return;
        }
        auto converted = to_milliseconds(*parsed);
        if (auto* problem = std::get_if<std::string>(&converted))
            fail(name, std::move(*problem));
        else
            out = std::get<std::chrono::milliseconds>(converted);
    }

private:
    void fail(std::string_view name, std::string message)
    {
        errors_->push_back(error{"environment", std::string(name), 0, std::move(message)});
    }

    environment const* env_;
    std::vector<error>* errors_;
};

} // namespace

void apply_environment(environment const& env, daemon_config& c, std::vector<error>& errors)
{
    env_reader vars{env, errors};
    // The seed mirrored to Redis exactly when REDIS_HOST was given.
    if (auto host = vars.get("REDIS_HOST")) {
        c.redis.enabled = true;
        c.redis.host = *std::move(host);
    }
    vars.integer("REDIS_PORT", c.redis.port, {1, 65'535});
    vars.text("REDIS_PASSWORD", c.redis.password);
    vars.text("OPENAI_API_BASE", c.llm.base_url, http_url);
    vars.text("OPENAI_API_KEY", c.llm.api_key);
    vars.text("MODEL_NAME", c.llm.model, non_empty);
    vars.number("TEMPERATURE", c.llm.temperature, temperature_rule);
    vars.seconds("SUMMARY_INTERVAL", c.summary.interval);
    vars.integer("MAX_BUFFER_SIZE", c.summary.max_buffer, max_buffer_rule);
    vars.text("WTFD_INGEST_TOKEN", c.api.ingest_token);
    vars.text("WTFD_READ_TOKEN", c.api.read_token);
    vars.text("WTFD_OPERATOR_TOKEN", c.api.operator_token);
    vars.text("WTFD_STATE_DIR", c.storage.state_dir, non_empty);
}

} // namespace detail

} // namespace wtf::config
