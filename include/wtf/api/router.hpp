#pragma once
// Request handling without a socket: the server parses HTTP and calls handle(); tests call it
// directly. Responses that do not change between requests (anomalies, summaries, status) are
// built once per change of the data they show and shared between requests.

#include <wtf/api/metrics.hpp>
#include <wtf/api/settings.hpp>
#include <wtf/ingest/parse.hpp>
#include <wtf/ingest/pipeline.hpp>
#include <wtf/mirror/status.hpp>
#include <wtf/store/history.hpp>
#include <wtf/store/journal_status.hpp>
#include <wtf/summarize/status.hpp>

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

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
    std::shared_ptr<std::string const> body; // JSON, or text where content_type says so
    std::string_view allow;                  // Allow header for 405
    std::string_view www_authenticate;       // for 401
    std::string_view content_type = "application/json";
    std::string_view content_security_policy; // for the HTML of /docs
};

// What the handlers read and write. Lives as long as the server.
struct services {
    ingest::pipeline& pipeline;
    store::history const& history;
    core::timestamp started_at;
    summarize::llm_status const* llm = nullptr; // null: summaries are not built into this daemon
    store::journal_status const* journal = nullptr;      // null: storage.journal is off
    mirror::redis_status const* redis = nullptr;         // null: Redis mirroring is off
    mirror::ingest_status const* redis_ingest = nullptr; // null: no Redis ingest
    // Request, anomaly and LLM-latency counters for /metrics; the server records requests into
    // it. Null: /metrics leaves those families out.
    api::metrics* metrics = nullptr;
    // Changes whenever the journal's or Redis' status does; /status is rebuilt when it moves.
    std::function<std::uint64_t()> status_version{};
};

class router {
public:
    router(settings const& s, services svc);

    // Never throws for bad input: every refusal is a response with {"detail": ...}.
    // `now` is the wall clock; `scratch` is reused between requests of one connection.
    response handle(request const& req, core::timestamp now, ingest::batch& scratch);

    void apply(settings const& s); // tokens and limits (SIGHUP)

    // Every path and method handle() serves (GET implies HEAD), in table order. `open`: served
    // without the read token (the API description and its page hold no plant data).
    struct endpoint {
        std::string_view path;
        api::method verb;
        bool open;
    };
    static std::span<endpoint const> endpoints() noexcept;

private:
    struct route;
    static std::span<route const> routes() noexcept;

    struct cache {
        std::uint64_t version = ~std::uint64_t{0};
        std::string key;
        core::timestamp built_at;
        std::shared_ptr<std::string const> body;
    };

    response get_anomalies(request const& req);
    response get_summary(request const& req);
    response get_status(core::timestamp now);
    response get_metrics(core::timestamp now);
    response post_readings(request const& req, core::timestamp now, ingest::batch& scratch);

    settings settings_;
    services svc_;
    cache anomalies_;
    cache summary_;
    cache status_;
    std::size_t metrics_size_ = 0;               // of the last /metrics page, to reserve the next
    std::shared_ptr<std::string const> openapi_; // fixed for the life of the process
    std::shared_ptr<std::string const> docs_;
};

// {"detail": "..."} with the given status.
response error_response(unsigned status, std::string_view detail);

} // namespace wtf::api
