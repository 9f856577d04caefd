#include "config/detail/table_reader.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <variant>

namespace wtf::config::detail {

namespace {

std::string_view type_name(toml::node_type type)
{
    switch (type) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
    }
    return "nothing";
}

std::size_t node_line(toml::node const& node) { return node.source().begin.line; }

// TOML keeps 2 and 2.0 apart; wherever we want a number, either will do.
std::optional<double> as_number(toml::node const& node)
{
    if (auto const* i = node.as_integer()) return static_cast<double>(i->get());
    if (auto const* f = node.as_floating_point()) return f->get();
    return std::nullopt;
}

} // namespace

void diagnostics::add(std::string key, std::size_t line, std::string message)
{
    errors_.push_back(error{source_, std::move(key), line, std::move(message)});
}

table_reader::table_reader(toml::table const& table, std::string path, diagnostics& diag)
    : table_(&table), path_(std::move(path)), diag_(&diag)
{}

bool table_reader::boolean(std::string_view key, bool& out)
{
    auto const* node = find(key);
    if (!node) return false;
    if (auto const* b = node->as_boolean()) {
        out = b->get();
        return true;
    }
    fail_type(key, "true or false");
    return false;
}

bool table_reader::text(std::string_view key, std::string& out, text_check check)
{
    auto const* node = find(key);
    if (!node) return false;
    auto const* s = node->as_string();
    if (!s) {
        fail_type(key, "a string");
        return false;
    }
    if (auto problem = check(s->get())) {
        fail(key, *std::move(problem));
        return false;
    }
    out = s->get();
    return true;
}

bool table_reader::number(std::string_view key, double& out, number_rule rule)
{
    auto const value = number_value(key, describe(rule));
    if (!value) return false;
    if (auto problem = check(rule, *value)) {
        fail(key, *std::move(problem));
        return false;
    }
    out = *value;
    return true;
}

bool table_reader::seconds(std::string_view key, std::chrono::milliseconds& out)
{
    auto const value = number_value(key, "a number of seconds");
    if (!value) return false;
    auto converted = to_milliseconds(*value);
    if (auto* problem = std::get_if<std::string>(&converted)) {
        fail(key, std::move(*problem));
        return false;
    }
    out = std::get<std::chrono::milliseconds>(converted);
    return true;
}

bool table_reader::whole_seconds(std::string_view key, std::chrono::seconds& out)
{
    auto const value = number_value(key, "a whole number of seconds >= 0");
    if (!value) return false;
    auto converted = to_whole_seconds(*value);
    if (auto* problem = std::get_if<std::string>(&converted)) {
        fail(key, std::move(*problem));
        return false;
    }
    out = std::get<std::chrono::seconds>(converted);
    return true;
}

// Sensor ids: a blank or repeated id is a typo that would otherwise go unnoticed.
bool table_reader::names(std::string_view key, std::vector<std::string>& out)
{
    auto const* node = find(key);
    if (!node) return false;
    auto const* array = node->as_array();
    if (!array) {
        fail_type(key, "an array of strings");
        return false;
    }
    std::vector<std::string> names;
    auto const before = errors();
    for (std::size_t i = 0; i < array->size(); ++i) {
        auto const& item = (*array)[i];
        auto const item_key = path_of(key) + '[' + std::to_string(i) + ']';
        auto const* s = item.as_string();
        if (!s || s->get().empty())
            diag_->add(item_key, node_line(item), "must be a non-empty string");
        else if (std::find(names.begin(), names.end(), s->get()) != names.end())
            diag_->add(item_key, node_line(item), "repeats \"" + s->get() + '"');
        else
            names.push_back(s->get());
    }
    if (errors() != before) return false;
    out = std::move(names);
    return true;
}

bool table_reader::band(std::string_view key, core::band& out)
{
    auto const* node = find(key);
    if (!node) return false;
    // Plain doubles rather than two std::optional copies: GCC 12 at -O3 reports those as
    // maybe uninitialized.
    double low = 0.0;
    double high = 0.0;
    auto const* array = node->as_array();
    bool two_numbers = array && array->size() == 2;
    if (two_numbers) {
        auto const first = as_number((*array)[0]);
        auto const second = as_number((*array)[1]);
        two_numbers = first.has_value() && second.has_value();
        if (two_numbers) {
            low = *first;
            high = *second;
        }
    }
    if (!two_numbers || !std::isfinite(low) || !std::isfinite(high)) {
        fail(key, "must be [low, high], two numbers");
        return false;
    }
    if (low >= high) {
        fail(key, "must be [low, high] with low < high");
        return false;
    }
    out = core::band{low, high};
    return true;
}

toml::node const* table_reader::find(std::string_view key)
{
    auto const* node = table_->get(key);
    if (node) known_.emplace(key);
    return node;
}

void table_reader::fail(std::string_view key, std::string message)
{
    diag_->add(path_of(key), line_of(key), std::move(message));
}

void table_reader::reject_unknown()
{
    for (auto const& [key, node] : *table_)
        if (!known_.contains(key.str()))
            diag_->add(path_of(key.str()), node_line(node), "unknown key");
}

std::string table_reader::path_of(std::string_view key) const
{
    return path_.empty() ? std::string(key) : path_ + '.' + std::string(key);
}

std::optional<std::int64_t> table_reader::integer_value(std::string_view key, integer_rule rule)
{
    auto const* node = find(key);
    if (!node) return std::nullopt;
    auto const* i = node->as_integer();
    if (!i) {
        fail_type(key, describe(rule));
        return std::nullopt;
    }
    if (auto problem = check(rule, i->get())) {
        fail(key, *std::move(problem));
        return std::nullopt;
    }
    return i->get();
}

std::optional<double> table_reader::number_value(std::string_view key,
                                                 std::string const& requirement)
{
    auto const* node = find(key);
    if (!node) return std::nullopt;
    auto const value = as_number(*node);
    if (!value) fail_type(key, requirement);
    return value;
}

toml::table const* table_reader::sub_table(std::string_view key)
{
    auto const* node = find(key);
    if (node && !node->is_table()) fail_type(key, "a table");
    return node ? node->as_table() : nullptr;
}

void table_reader::fail_type(std::string_view key, std::string const& requirement)
{
    auto const* node = table_->get(key);
    auto const got = node ? type_name(node->type()) : type_name(toml::node_type::none);
    fail(key, "must be " + requirement + " (got " + std::string(got) + ')');
}

std::size_t table_reader::line_of(std::string_view key) const
{
    auto const* node = table_->get(key);
    return node_line(node ? *node : *table_);
}

} // namespace wtf::config::detail
