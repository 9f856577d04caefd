#include "api/detail/command.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cmath>
#include <limits>

namespace wtf::api::detail {

namespace json = boost::json;

namespace {

constexpr std::size_t max_echoed_name = 64;

command_problem invalid(std::string detail) { return {422, std::move(detail)}; }

std::string field(std::string_view name)
{
    std::string out{"field '"};
    out += name.substr(0, max_echoed_name);
    if (name.size() > max_echoed_name) out += "...";
    return out + '\'';
}

// Whole seconds from a JSON number: 3600 or 3600.0, not 3600.5.
std::optional<std::chrono::seconds> whole_seconds(json::value const& v)
{
    if (v.is_int64()) return std::chrono::seconds{v.get_int64()};
    if (v.is_uint64() && v.get_uint64() <= std::uint64_t{std::numeric_limits<std::int64_t>::max()})
        return std::chrono::seconds{static_cast<std::int64_t>(v.get_uint64())};
    if (v.is_double()) {
        double const d = v.get_double();
        if (std::isfinite(d) && std::floor(d) == d && std::abs(d) < 1e15)
            return std::chrono::seconds{static_cast<std::int64_t>(d)};
    }
    return std::nullopt;
}

} // namespace

std::optional<command_problem> parse_command(std::string_view body, command_fields fields,
                                             command_body& out)
{
    out = command_body{};
    constexpr std::string_view expected = "the body must be a JSON object with field 'by' (who "
                                          "acts)";
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return invalid(std::string{expected});
    boost::system::error_code ec;
    auto const v = json::parse(body, ec);
    if (ec) return command_problem{400, "malformed JSON body (" + ec.message() + ")"};
    auto const* o = v.if_object();
    if (!o) return invalid(std::string{expected});

    bool by = false;
    bool until_normal = false;
    for (auto const& [key, value] : *o) {
        std::string_view const name = key;
        if (name == "by" || name == "comment") {
            if (!value.is_string()) return invalid(field(name) + " must be a string");
            auto& target = name == "by" ? out.by : out.comment;
            target.assign(value.get_string().data(), value.get_string().size());
            by = by || name == "by";
        } else if (fields == command_fields::shelf && name == "duration_s") {
            auto const d = whole_seconds(value);
            if (!d || d->count() < 1)
                return invalid(field(name) + " must be a whole number of seconds, at least 1");
            out.duration = d;
        } else if (fields == command_fields::shelf && name == "until_normal") {
            if (!value.is_bool() || !value.get_bool())
                return invalid(field(name) + " must be true (or leave it out and give "
                                             "duration_s)");
            until_normal = true;
        } else {
            return invalid(field(name) + " is not supported here");
        }
    }
    if (!by) return invalid("field 'by' is required: the name of who acts");
    if (fields == command_fields::shelf && until_normal == out.duration.has_value())
        return invalid("give either field 'duration_s' (seconds) or field 'until_normal' (true), "
                       "not both or neither");
    return std::nullopt;
}

} // namespace wtf::api::detail
