#include <wtf/detect/baseline.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cmath>

namespace wtf::detect {

namespace json = boost::json;

namespace {

std::string_view to_string(baseline_origin o) noexcept
{
    return o == baseline_origin::loaded ? "loaded" : "learned";
}

// Readers of one member each: false with `error` naming it when present but wrong.
bool finite_number(json::value const& v, double& out) noexcept
{
    if (!v.is_number()) return false;
    out = v.to_number<double>();
    return std::isfinite(out);
}

bool whole_number(json::value const& v, std::int64_t& out) noexcept
{
    double d = 0.0;
    if (!finite_number(v, d) || d != std::floor(d) || std::abs(d) > 9e15) return false;
    out = static_cast<std::int64_t>(d);
    return true;
}

class reader {
public:
    reader(json::object const& o, std::string& error) : o_{o}, error_{error} {}

    json::value const* need(std::string_view key)
    {
        auto const* v = o_.if_contains(key);
        if (!v) fail(key, "is missing");
        return v;
    }
    bool number(std::string_view key, double& out)
    {
        auto const* v = need(key);
        return v && (finite_number(*v, out) || fail(key, "is not a finite number"));
    }
    bool integer(std::string_view key, std::int64_t& out)
    {
        auto const* v = need(key);
        return v && (whole_number(*v, out) || fail(key, "is not a whole number"));
    }
    json::array const* array(std::string_view key, std::size_t size)
    {
        auto const* v = need(key);
        if (!v) return nullptr;
        if (!v->is_array() || v->get_array().size() != size) {
            fail(key, "is not an array of " + std::to_string(size) + " items");
            return nullptr;
        }
        return &v->get_array();
    }
    bool fail(std::string_view key, std::string_view why)
    {
        error_ = std::string{key} + ' ' + std::string{why};
        return false;
    }

private:
    json::object const& o_;
    std::string& error_;
};

bool read_parameter(json::value const& v, std::size_t i, sensor_baseline& b, std::string& error)
{
    auto const at = "parameters[" + std::to_string(i) + "]";
    if (!v.is_object()) {
        error = at + " is not an object";
        return false;
    }
    std::string inner;
    reader r{v.get_object(), inner};
    auto const fail = [&] {
        error = at + '.' + inner;
        return false;
    };
    auto const* name = r.need("name");
    if (!name) return fail();
    if (!name->is_string() || name->get_string().empty()) {
        r.fail("name", "is not a non-empty string");
        return fail();
    }
    b.parameters.emplace_back(name->get_string().data(), name->get_string().size());
    auto& m = b.model;
    for (auto const& [key, flag] : {std::pair{"active", &m.active}, std::pair{"slow", &m.slow}}) {
        auto const* f = r.need(key);
        if (!f) return fail();
        if (!f->is_bool()) {
            r.fail(key, "is not true or false");
            return fail();
        }
        (*flag)[i] = f->get_bool();
    }
    if (!r.number("centre", m.centre[i]) || !r.number("scale", m.scale[i]) ||
        !r.number("smooth_sd", m.smooth_sd[i]))
        return fail();
    if (m.active[i] && !(m.scale[i] > 0.0 && m.smooth_sd[i] > 0.0)) {
        r.fail("scale", "and smooth_sd must be > 0 for an active parameter");
        return fail();
    }
    return true;
}

} // namespace

void append_members(core::json_writer& w, sensor_baseline const& b)
{
    auto const& m = b.model;
    w.member("learned_at", b.learned_at);
    w.member("origin", to_string(b.origin));
    w.member("refits", static_cast<std::uint64_t>(b.refits));
    w.member("cadence_us", m.cadence_us);
    w.member("components", static_cast<std::uint64_t>(m.components));
    w.member("t2_limit", m.t2_limit);
    w.member("q_limit", m.q_limit);
    w.key("parameters");
    w.begin_array();
    for (std::size_t i = 0; i < m.parameters; ++i) {
        w.begin_object();
        w.member("name", i < b.parameters.size() ? std::string_view{b.parameters[i]} : "");
        w.member("active", m.active[i]);
        w.member("slow", m.slow[i]);
        w.member("centre", m.centre[i]);
        w.member("scale", m.scale[i]);
        w.member("smooth_sd", m.smooth_sd[i]);
        w.end_object();
    }
    w.end_array();
    w.key("eigenvalues");
    w.begin_array();
    for (std::size_t i = 0; i < m.parameters; ++i) w.value(m.eigenvalue[i]);
    w.end_array();
    w.key("loadings");
    w.begin_array();
    for (std::size_t j = 0; j < m.components; ++j) {
        w.begin_array();
        for (std::size_t i = 0; i < m.parameters; ++i)
            w.value(static_cast<double>(m.loading[j * baseline_model::n + i]));
        w.end_array();
    }
    w.end_array();
}

std::optional<sensor_baseline> baseline_from_json(std::string_view text, std::string& error)
{
    boost::system::error_code ec;
    auto const parsed = json::parse(text, ec);
    if (ec) {
        error = "not JSON (" + ec.message() + ")";
        return std::nullopt;
    }
    if (!parsed.is_object()) {
        error = "not a JSON object";
        return std::nullopt;
    }
    auto const& o = parsed.get_object();
    reader r{o, error};
    auto const bad = [&r](std::string_view key, std::string_view why) {
        r.fail(key, why);
        return std::optional<sensor_baseline>{};
    };
    sensor_baseline b;
    auto& m = b.model;

    if (auto const* at = o.if_contains("learned_at")) {
        auto const t = at->is_string() ? core::parse_rfc3339(std::string_view{at->get_string()})
                                       : boost::system::result<core::timestamp>{};
        if (!at->is_string() || !t) return bad("learned_at", "is not an RFC 3339 time");
        b.learned_at = *t;
    }
    std::int64_t refits = 0, components = 0;
    if (o.contains("refits") && (!r.integer("refits", refits) || refits < 0)) {
        if (error.empty()) r.fail("refits", "must be >= 0");
        return std::nullopt;
    }
    b.refits = static_cast<std::size_t>(refits);
    auto const* params = o.if_contains("parameters");
    if (!params || !params->is_array() || params->get_array().empty() ||
        params->get_array().size() > max_joint_parameters) {
        return bad("parameters", "must be an array of 1 to " +
                                     std::to_string(max_joint_parameters) + " parameters");
    }
    m.parameters = params->get_array().size();
    std::size_t const d = m.parameters;
    for (std::size_t i = 0; i < d; ++i)
        if (!read_parameter(params->get_array()[i], i, b, error)) return std::nullopt;
    for (std::size_t i = 0; i < d; ++i)
        if (std::count(b.parameters.begin(), b.parameters.end(), b.parameters[i]) > 1)
            return bad("parameters", "names \"" + b.parameters[i] + "\" twice");

    if (!r.integer("cadence_us", m.cadence_us) || !r.integer("components", components) ||
        !r.number("t2_limit", m.t2_limit) || !r.number("q_limit", m.q_limit))
        return std::nullopt;
    if (m.cadence_us <= 0) return bad("cadence_us", "must be > 0");
    if (components < 1 || static_cast<std::size_t>(components) > d)
        return bad("components", "must be between 1 and the number of parameters");
    m.components = static_cast<std::size_t>(components);
    if (!(m.t2_limit > 0.0)) return bad("t2_limit", "must be > 0");
    if (!(m.q_limit >= 0.0)) return bad("q_limit", "must be >= 0");

    auto const* eigen = r.array("eigenvalues", d);
    if (!eigen) return std::nullopt;
    for (std::size_t i = 0; i < d; ++i)
        if (!finite_number((*eigen)[i], m.eigenvalue[i]) || m.eigenvalue[i] < 0.0)
            return bad("eigenvalues", "must be finite numbers >= 0");
    auto const* loadings = r.array("loadings", m.components);
    if (!loadings) return std::nullopt;
    for (std::size_t j = 0; j < m.components; ++j) {
        auto const& row = (*loadings)[j];
        if (!row.is_array() || row.get_array().size() != d)
            return bad("loadings", "rows must have one number per parameter");
        for (std::size_t i = 0; i < d; ++i) {
            double v = 0.0;
            if (!finite_number(row.get_array()[i], v) || std::abs(v) > 1.0 + 1e-6)
                return bad("loadings", "must be numbers between -1 and 1");
            m.loading[j * baseline_model::n + i] = static_cast<float>(v);
        }
    }
    if (auto const* origin = o.if_contains("origin");
        origin && origin->is_string() && origin->get_string() == "loaded")
        b.origin = baseline_origin::loaded;
    return b;
}

} // namespace wtf::detect
