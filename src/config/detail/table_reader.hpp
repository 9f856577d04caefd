#pragma once
// Reading one TOML table key by key: every read marks its key as known, so whatever is left over
// is reported as an unknown key by name, and every problem is collected rather than thrown.

#include "config/detail/rules.hpp"

#include <wtf/config/config.hpp>
#include <wtf/core/anomaly.hpp>

#include <toml++/toml.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wtf::config::detail {

// The errors found in one source, in the order they were found.
class diagnostics {
public:
    explicit diagnostics(std::string source) : source_(std::move(source)) {}

    void add(std::string key, std::size_t line, std::string message);
    std::size_t count() const noexcept { return errors_.size(); }
    std::vector<error>& errors() noexcept { return errors_; }

private:
    std::string source_;
    std::vector<error> errors_;
};

class table_reader {
public:
    // `path` is the table's dotted name ("detect.parameters.flow"), empty for the document.
    table_reader(toml::table const& table, std::string path, diagnostics& diag);

    // Each read leaves `out` untouched when the key is absent or its value is wrong, and returns
    // whether it assigned `out`. Wrong values are recorded as errors naming key and line.
    bool boolean(std::string_view key, bool& out);
    bool text(std::string_view key, std::string& out, text_check check = any_text);
    bool number(std::string_view key, double& out, number_rule rule);
    bool seconds(std::string_view key, std::chrono::milliseconds& out);
    bool whole_seconds(std::string_view key, std::chrono::seconds& out);
    bool names(std::string_view key, std::vector<std::string>& out);
    bool band(std::string_view key, core::band& out);

    // `Int` must hold every value the rule allows.
    template <class Int>
    bool integer(std::string_view key, Int& out, integer_rule rule)
    {
        auto const value = integer_value(key, rule);
        if (value) out = static_cast<Int>(*value);
        return value.has_value();
    }

    // Reads the sub-table `key` with `read(table_reader&)`, then rejects its unknown keys.
    template <class Read>
    void section(std::string_view key, Read read)
    {
        if (auto const* sub = sub_table(key)) {
            table_reader reader{*sub, path_of(key), *diag_};
            read(reader);
            reader.reject_unknown();
        }
    }

    // Every entry of this table must be a table; reads each with `read(name, table_reader&)`.
    template <class Read>
    void each_section(Read read)
    {
        for (auto const& entry : *table_)
            section(entry.first.str(), [&](table_reader& r) { read(entry.first.str(), r); });
    }

    // The value of `key`, now known; nullptr when absent.
    toml::node const* find(std::string_view key);
    // Records an error for `key` at its line, or at the table's line when it is absent.
    void fail(std::string_view key, std::string message);
    void reject_unknown();

    std::string path_of(std::string_view key) const;
    std::size_t errors() const noexcept { return diag_->count(); }

private:
    std::optional<std::int64_t> integer_value(std::string_view key, integer_rule rule);
    std::optional<double> number_value(std::string_view key, std::string const& requirement);
    toml::table const* sub_table(std::string_view key);
    void fail_type(std::string_view key, std::string const& requirement);
    std::size_t line_of(std::string_view key) const;

    toml::table const* table_;
    std::string path_;
    diagnostics* diag_;
    std::set<std::string, std::less<>> known_;
};

} // namespace wtf::config::detail
