#pragma once
// Request handling without a socket: the server parses HTTP and calls handle(); tests call it
// directly. The routes are a table (src/api/routes.cpp) of path patterns with {parameters}, each
// naming its handler; responses that do not change between requests are built once per change
// of the data they show and shared, and a response may instead be a stream the handler keeps
// writing to (Server-Sent Events).

#include <wtf/api/metrics.hpp>
#include <wtf/api/settings.hpp>
#include <wtf/api/stream.hpp>
#include <wtf/core/health.hpp>
#include <wtf/sources/parse.hpp>
#include <wtf/ingest/pipeline.hpp>
#include <wtf/store/history.hpp>

#include <boost/url/url_view.hpp>

#include <array>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wtf::api {

enum class method { get, head, post, put, patch, del, options, other };

struct request {
    api::method method = method::get;
    std::string_view target;        // path and query: "/anomalies?limit=5"
    std::string_view content_type;  // header value, may be empty
    std::string_view authorization; // header value, may be empty
    std::string_view body;
};

struct response {
    unsigned status = 200;
    std::shared_ptr<std::string const> body = {}; // JSON, or text where content_type says so
    std::string_view allow = {};                  // Allow header for 405
    std::string_view www_authenticate = {};       // for 401
    std::string_view content_type = "application/json";
    std::string_view content_security_policy = {}; // for the HTML of /docs
    // Set instead of `body` for a streamed response: the server sends the headers, then each
    // chunk the handler pushes, until it finishes the stream or the connection ends.
    std::shared_ptr<api::stream> stream = {};
};

// What the handlers read and write. Lives as long as the server.
struct services {
    ingest::pipeline& pipeline;
    store::history& history;
    core::timestamp started_at;
    // Request, anomaly and LLM-latency counters for /metrics; the server records requests into
    // it. Null: /metrics leaves those families out.
    api::metrics* metrics = nullptr;
    // The components that depend on something outside (journal, Redis, LLM, sources), in the
    // order /status shows them; /status is rebuilt when one's health_version() moves.
    std::vector<core::health_reporter const*> health{};
};

// A response some handlers build once per change of what they show and then share.
struct cached_body {
    std::uint64_t version = ~std::uint64_t{0};
    std::string key;
    core::timestamp built_at;
    std::shared_ptr<std::string const> body;
};

// Everything one request's handler gets: the request, its target parsed once, the values of
// the path's {parameters}, the clock, the services and its route's cache.
struct context {
    static constexpr std::size_t max_params = 4;

    request const& req;
    boost::urls::url_view url;
    std::array<std::string_view, max_params> params{}; // in pattern order, still %-encoded
    core::timestamp now;
    settings const& cfg;
    services& svc;
    cached_body& cache;      // one per route, kept between requests
    sources::batch& scratch; // the connection's, reused between its requests
};

// A row of the route table. `pattern` is a path whose segments are literal or {name}
// ("/anomalies/{id}/ack"); GET implies HEAD. `open` routes need no read token (they hold no
// plant data). /metrics counts requests by pattern.
struct route {
    std::string_view pattern;
    api::method verb = method::get;
    bool open = false;
    std::function<response(context&)> handler;
};

class router {
public:
    // The built-in routes, then `extra` ones (tests add their own, a streaming one say).
    router(settings const& s, services svc, std::vector<route> extra = {});
    ~router();
    router(router const&) = delete;
    router& operator=(router const&) = delete;

    // Never throws for bad input: every refusal is a response with {"detail": ...}.
    // `now` is the wall clock; `scratch` is reused between requests of one connection.
    response handle(request const& req, core::timestamp now, sources::batch& scratch);

    void apply(settings const& s); // tokens and limits (SIGHUP)

    // Every pattern and verb handle() serves, in table order, built-in and extra ones.
    struct endpoint {
        std::string_view path;
        api::method verb;
        bool open;
    };
    std::span<endpoint const> endpoints() const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// The built-in route table (src/api/routes.cpp).
std::span<route const> builtin_routes();

// The labels /metrics counts requests by: each built-in pattern once, in table order, then
// "other" for everything else.
std::span<std::string_view const> route_labels();
// The label index of a request target ("/anomalies?limit=5" -> the one of "/anomalies").
std::size_t route_of(std::string_view target) noexcept;

// {"detail": "..."} with the given status.
response error_response(unsigned status, std::string_view detail);
// 200 with a shared JSON body.
response json_response(std::shared_ptr<std::string const> body);

} // namespace wtf::api
