#include <wtf/api/router.hpp>

#include "api/detail/handlers.hpp"
#include "api/detail/query.hpp"

#include <wtf/core/json_writer.hpp>
#include <wtf/core/utf8.hpp>
#include <wtf/log/log.hpp>

#include <boost/url/parse.hpp>

#include <algorithm>
#include <exception>
#include <utility>

namespace wtf::api {
namespace {

response unauthorized()
{
    auto r = error_response(401, "missing or invalid bearer token");
    r.www_authenticate = "Bearer";
    return r;
}

// The token a route needs (empty: none is set, anyone may) and the others it also accepts: a
// GET of plant data takes the read token, or the ingest or operator token of a client that may
// write anyway; everything else takes only the token it needs.
bool authorized(settings const& s, request const& req, access needs, bool read) noexcept
{
    if (needs == access::open) return true;
    std::string_view required;
    if (needs == access::operate)
        required = s.operator_token.empty() ? s.ingest_token : s.operator_token;
    else
        required = read ? s.read_token : s.ingest_token;
    if (required.empty()) return true;
    auto const token = detail::bearer_token(req.authorization);
    if (!token) return false;
    auto const is = [&](std::string const& t) {
        return !t.empty() && detail::equal_constant_time(*token, t);
    };
    if (detail::equal_constant_time(*token, required)) return true;
    return needs == access::data && read && (is(s.ingest_token) || is(s.operator_token));
}

// Logged targets come from the client: keep them short.
std::string_view for_log(std::string_view text) noexcept { return core::utf8_prefix(text, 200); }

std::string_view verb_name(method m) noexcept
{
    switch (m) {
    case method::get: return "GET, HEAD";
    case method::head: return "HEAD";
    case method::post: return "POST";
    case method::put: return "PUT";
    case method::patch: return "PATCH";
    case method::del: return "DELETE";
    case method::options: return "OPTIONS";
    case method::other: break;
    }
    return "";
}

// Splits off the next segment of a path ("/a/b" -> "a", rest "/b").
std::string_view next_segment(std::string_view& path) noexcept
{
    path.remove_prefix(1); // the '/'
    auto const end = path.find('/');
    auto const segment = path.substr(0, end);
    path = end == std::string_view::npos ? std::string_view{} : path.substr(end);
    return segment;
}

// Whether `path` fits `pattern`, filling `params` with the {parameter} segments in order. A
// parameter matches one non-empty segment.
bool matches(std::string_view pattern, std::string_view path,
             std::array<std::string_view, context::max_params>& params) noexcept
{
    std::size_t n = 0;
    while (!pattern.empty() && !path.empty()) {
        if (pattern.front() != '/' || path.front() != '/') return false;
        auto const want = next_segment(pattern);
        auto const got = next_segment(path);
        if (want.size() >= 2 && want.front() == '{' && want.back() == '}') {
            if (got.empty() || n == params.size()) return false;
            params[n++] = got;
        } else if (want != got) {
            return false;
        }
    }
    return pattern.empty() && path.empty();
}

} // namespace

response error_response(unsigned status, std::string_view detail)
{
    std::string out;
    out.reserve(detail.size() + 16);
    core::json_writer w{out};
    w.begin_object();
    w.member("detail", detail);
    w.end_object();
    return {.status = status, .body = detail::share(std::move(out))};
}

response json_response(std::shared_ptr<std::string const> body)
{
    return {.status = 200, .body = std::move(body)};
}

namespace detail {

unsigned status_for(errc e) noexcept
{
    switch (e) {
    case errc::malformed_body: return 400;
    case errc::unauthorized: return 401;
    case errc::not_found: return 404;
    case errc::method_not_allowed: return 405;
    case errc::body_too_large: return 413;
    case errc::bad_timestamp:
    case errc::time_out_of_range:
    case errc::invalid_reading:
    case errc::invalid_parameter:
    case errc::too_many_sensors: return 422;
    case errc::not_ready: return 503;
    }
    return 500;
}

} // namespace detail

struct router::impl {
    impl(settings const& s, api::services deps, std::vector<route> extra)
        : cfg{s}, svc{std::move(deps)}
    {
        auto const builtin = builtin_routes();
        routes.assign(builtin.begin(), builtin.end());
        for (auto& r : extra) routes.push_back(std::move(r));
        caches.resize(routes.size());
        for (auto const& r : routes) {
            endpoints.push_back({r.pattern, r.verb, r.access});
            // Allow: every verb served at this pattern, for a 405.
            std::string verbs;
            for (auto const& other : routes) {
                if (other.pattern != r.pattern) continue;
                if (!verbs.empty()) verbs += ", ";
                verbs += verb_name(other.verb);
            }
            allow.push_back(std::move(verbs));
        }
    }

    settings cfg;
    api::services svc;
    std::vector<route> routes;
    std::vector<cached_body> caches; // one per route
    std::vector<std::string> allow;  // one per route
    std::vector<endpoint> endpoints;
};

router::router(settings const& s, services svc, std::vector<route> extra)
    : impl_{std::make_unique<impl>(s, std::move(svc), std::move(extra))}
{}

router::~router() = default;

std::span<router::endpoint const> router::endpoints() const noexcept { return impl_->endpoints; }

void router::apply(settings const& s) { impl_->cfg = s; }

response router::handle(request const& req, core::timestamp now, sources::batch& scratch)
{
    auto& m = *impl_;
    try {
        auto const url = boost::urls::parse_origin_form(req.target);
        if (!url) return error_response(400, "malformed request target");

        std::string_view const path = url->encoded_path();
        api::method const verb = req.method == method::head ? method::get : req.method;
        std::size_t path_known = m.routes.size(); // a route with this path, for 405
        for (std::size_t i = 0; i < m.routes.size(); ++i) {
            auto const& r = m.routes[i];
            context ctx{req, *url, {}, now, m.cfg, m.svc, m.caches[i], scratch};
            if (!matches(r.pattern, path, ctx.params)) continue;
            path_known = i;
            if (r.verb != verb) continue;
            if (!authorized(m.cfg, req, r.access, verb == method::get)) return unauthorized();
            return r.handler(ctx);
        }
        if (path_known == m.routes.size()) return error_response(404, "Not Found");
        auto r = error_response(405, "Method Not Allowed");
        r.allow = m.allow[path_known];
        return r;
    } catch (std::exception const& e) {
        log::error("api") << "request failed target=" << for_log(req.target)
                          << " error=" << e.what();
    } catch (...) {
        log::error("api") << "request failed target=" << for_log(req.target) << " error=unknown";
    }
    return error_response(500, "internal error");
}

std::span<std::string_view const> route_labels()
{
    static std::vector<std::string_view> const labels = [] {
        std::vector<std::string_view> out;
        for (auto const& r : builtin_routes())
            if (std::find(out.begin(), out.end(), r.pattern) == out.end()) out.push_back(r.pattern);
        out.push_back("other");
        return out;
    }();
    return labels;
}

std::size_t route_of(std::string_view target) noexcept
{
    auto const labels = route_labels();
    std::string_view const path = target.substr(0, target.find('?'));
    std::array<std::string_view, context::max_params> ignored{};
    for (std::size_t i = 0; i + 1 < labels.size(); ++i)
        if (matches(labels[i], path, ignored)) return i;
    return labels.size() - 1;
}

} // namespace wtf::api
