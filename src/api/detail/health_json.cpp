#include "api/detail/health_json.hpp"

#include <type_traits>

namespace wtf::api::detail {

namespace {

void append_value(core::json_writer& w, core::health_value const& v)
{
    std::visit(
        [&w](auto const& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::uint64_t>) {
                w.value(x);
            } else if constexpr (std::is_same_v<T, std::string>) {
                w.value(std::string_view{x});
            } else if (x) { // an optional text or time
                w.value(*x);
            } else {
                w.null();
            }
        },
        v);
}

void append_fields(core::json_writer& w, core::health_record const& r)
{
    std::string_view open_group;
    for (auto const& f : r.fields) {
        if (f.group != open_group) {
            if (!open_group.empty()) w.end_object();
            if (!f.group.empty()) {
                w.key(f.group);
                w.begin_object();
            }
            open_group = f.group;
        }
        w.key(f.key);
        append_value(w, f.value);
    }
    if (!open_group.empty()) w.end_object();
}

} // namespace

void append_health_members(core::json_writer& w, std::span<core::health_record const> records)
{
    for (auto const& r : records) {
        if (!r.parent.empty()) continue;
        w.key(r.name);
        w.begin_object();
        append_fields(w, r);
        for (auto const& child : records) {
            if (child.parent != r.name) continue;
            w.key(child.name);
            w.begin_object();
            append_fields(w, child);
            w.end_object();
        }
        w.end_object();
    }
}

} // namespace wtf::api::detail
