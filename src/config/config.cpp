#include <wtf/config/config.hpp>

#include "config/detail/readers.hpp"
#include "config/detail/rules.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

namespace wtf::config {

namespace {

using outcome = std::variant<daemon_config, std::vector<error>>;

// toml++ is built with exceptions; none may leave parse(), so a syntax error becomes an error.
void read_text(std::string_view text, std::string_view source, daemon_config& c,
               detail::diagnostics& diag)
{
    toml::table document;
    try {
        document = toml::parse(text, source);
    } catch (toml::parse_error const& e) {
        diag.add("", e.source().begin.line, std::string(e.description()));
        return;
    }
    detail::read_document(document, c, diag);
}

outcome finish(daemon_config c, std::vector<error> errors)
{
    if (!errors.empty()) return errors;
    return c;
}

outcome file_error(std::string const& path, std::string message)
{
    return std::vector<error>{error{path, "", 0, std::move(message)}};
}

} // namespace

std::string to_string(error const& e)
{
    std::string out = e.source;
    if (e.line != 0) out += ':' + std::to_string(e.line);
    out += ": ";
    if (!e.key.empty()) out += e.key + ": ";
    return out + e.message;
}

outcome parse(std::string_view toml_text, std::string_view source, environment const& env,
              daemon_config base)
{
    daemon_config c = std::move(base);
    detail::diagnostics diag{std::string(source)};
    read_text(toml_text, source, c, diag);
    auto errors = std::move(diag.errors());
    // Tables are read in a fixed order; the operator reads the file from the top.
    std::stable_sort(errors.begin(), errors.end(),
                     [](error const& a, error const& b) { return a.line < b.line; });
    detail::apply_environment(env, c, errors);
    return finish(std::move(c), std::move(errors));
}

outcome load(std::string const& path, environment const& env, daemon_config base)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        return file_error(path, "cannot read: it is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) return file_error(path, "cannot open: " + std::generic_category().message(errno));
    std::string const text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) return file_error(path, "cannot read: " + std::generic_category().message(errno));
    return parse(text, path, env, std::move(base));
}

outcome defaults(environment const& env, daemon_config base)
{
    daemon_config c = std::move(base);
    std::vector<error> errors;
    detail::apply_environment(env, c, errors);
    return finish(std::move(c), std::move(errors));
}

std::optional<std::string> apply_listen(api::settings& api, std::string_view text)
{
    auto parsed = detail::parse_listen(text);
    if (auto* problem = std::get_if<std::string>(&parsed)) return std::move(*problem);
    auto& at = std::get<detail::endpoint>(parsed);
    api.listen_host = std::move(at.host);
    api.listen_port = at.port;
    return std::nullopt;
}

std::variant<daemon_config, std::vector<std::string>>
read_daemon_config(std::optional<std::string> const& path, std::optional<std::string> const& listen)
{
    auto const env = process_environment();
    auto loaded = path ? load(*path, env) : defaults(env);
    if (auto* errors = std::get_if<std::vector<error>>(&loaded)) {
        std::vector<std::string> problems;
        for (auto const& e : *errors) problems.push_back(to_string(e));
        return problems;
    }
    auto cfg = std::get<daemon_config>(std::move(loaded));
    if (listen) {
        if (auto problem = apply_listen(cfg.api, *listen))
            return std::vector<std::string>{"--listen " + *listen + ": " + *problem};
    }
    return cfg;
}

} // namespace wtf::config
