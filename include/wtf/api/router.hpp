#pragma once
// Request handling without a socket: the server parses HTTP and calls handle(); tests call it
// directly. The routes are a table (src/api/routes.cpp) of path patterns with {parameters}, each
// naming its handler; responses that do not change between requests are built once per change
// of the data they show and shared, and a response may instead be a stream the handler keeps
// writing to (Server-Sent Events).

#include <wtf/alarm/events.hpp>
#include <wtf/alarm/ledger.hpp>
#include <wtf/alarm/performance.hpp>
#include <wtf/alarm/readings.hpp>
#include <wtf/api/metrics.hpp>
#include <wtf/api/settings.hpp>
#include <wtf/api/stream.hpp>
#include <wtf/core/health.hpp>
#include <wtf/sources/parse.hpp>
#include <wtf/ingest/pipeline.hpp>
#include <wtf/store/history.hpp>

#include <boost/url/url_view.hpp>

#include <array>
#include <chrono>
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
    std::string_view last_event_id; // header value, may be empty (GET /events)
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

// The operator's side of the alarms: what the alarm, sensor and event routes read and command.
struct alarm_services {
    alarm::ledger& ledger;
    alarm::performance const& performance;
    alarm::recent_readings const& readings;
    alarm::event_hub& events;
    // Takes each transition a command made: it goes to the journal, into the history's JSON
    // (GET /anomalies, Redis) and out as an event.
    std::function<void(alarm::transition const&)> record;
    std::chrono::milliseconds heartbeat{15'000}; // an idle event stream's comment line
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
    // Null: the alarm, sensor and event routes answer 503.
    alarm_services* alarms = nullptr;
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

// Which token a route needs, when that token is set:
//   data     GET: the read token (the ingest and operator tokens do too); other verbs: the
//            ingest token
//   open     none: the route holds no plant data
//   operate  the operator token, or the ingest token when no operator token is set
enum class access { data, open, operate };

// A row of the route table. `pattern` is a path whose segments are literal or {name}
// ("/anomalies/{id}/ack"); GET implies HEAD. /metrics counts requests by pattern.
struct route {
    std::string_view pattern;
    api::method verb = method::get;
    api::access access = access::data;
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
        api::access access;
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
