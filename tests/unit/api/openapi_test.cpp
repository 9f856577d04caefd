#include <wtf/api/router.hpp>
#include <wtf/core/time.hpp>
#include <wtf/core/version.hpp>
#include <wtf/detect/detector.hpp>
#include <wtf/ingest/pipeline.hpp>
#include <wtf/store/history.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "support/router_fixture.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace std::chrono_literals;
using namespace wtf;
namespace json = boost::json;

// The shared router fixture; a POST carries a valid reading unless it is given a body.
struct fixture : test::router_fixture {
    explicit fixture(api::settings s = {}) : router_fixture{{.api = std::move(s)}} {}

    api::response
    send(api::method m, std::string_view target, std::string_view authorization = {},
         std::string_view body = R"({"sensor_id": "wtf-pipe-1", "temperature": 21.0})")
    {
        bool const post = m == api::method::post;
        return router_fixture::send(m, target, t0 + 2s, post ? body : "",
                                    post ? "application/json" : "", authorization);
    }
};

std::string_view verb_name(api::method m)
{
    switch (m) {
    case api::method::get: return "get";
    case api::method::post: return "post";
    default: return "other";
    }
}

json::value document()
{
    fixture f;
    auto const r = f.send(api::method::get, "/openapi.json");
    REQUIRE(r.status == 200);
    REQUIRE(r.body);
    return json::parse(*r.body);
}

// RFC 6901, "#/a/b~1c" form, inside `root`; null when it does not resolve.
json::value const* resolve(json::value const& root, std::string_view ref)
{
    if (!ref.starts_with("#")) return nullptr;
    ref.remove_prefix(1);
    json::value const* at = &root;
    while (!ref.empty()) {
        if (ref.front() != '/') return nullptr;
        ref.remove_prefix(1);
        auto const end = std::min(ref.find('/'), ref.size());
        std::string token;
        for (std::size_t i = 0; i < end; ++i) {
            if (ref[i] == '~' && i + 1 < end && (ref[i + 1] == '0' || ref[i + 1] == '1')) {
                token += ref[i + 1] == '0' ? '~' : '/';
                ++i;
            } else {
                token += ref[i];
            }
        }
        ref.remove_prefix(end);
        auto const* object = at->if_object();
        if (!object) return nullptr;
        at = object->if_contains(token);
        if (!at) return nullptr;
    }
    return at;
}

void collect_refs(json::value const& v, std::vector<std::string>& out)
{
    if (auto const* o = v.if_object()) {
        for (auto const& [key, child] : *o) {
            if (key == "$ref" && child.is_string()) out.emplace_back(child.get_string());
            collect_refs(child, out);
        }
    } else if (auto const* a = v.if_array()) {
        for (auto const& child : *a) collect_refs(child, out);
    }
}

// A value the router accepts for a documented parameter: its example, else one its schema allows.
std::string sample_value(json::object const& param)
{
    if (auto const* example = param.if_contains("example")) {
        if (example->is_string()) return std::string{example->as_string()};
        return json::serialize(*example);
    }
    auto const& schema = param.at("schema").as_object();
    if (auto const* e = schema.if_contains("enum")) return std::string{e->at(0).as_string()};
    auto const type = schema.at("type").as_string();
    if (type == "boolean") return "true";
    if (type == "integer") return std::to_string(schema.at("minimum").to_number<std::int64_t>());
    return "wtf-pipe-1";
}

// `path` with each {parameter} replaced by the example of the operation's parameter of that name.
std::string concrete_path(json::value const& doc, std::string_view path, json::object const& op)
{
    std::string out{path};
    auto const* params = op.if_contains("parameters");
    if (!params) return out;
    for (auto const& p : params->as_array()) {
        auto const* param = resolve(doc, p.at("$ref").as_string());
        REQUIRE(param);
        if (param->at("in") != "path") continue;
        auto const name = "{" + std::string{param->at("name").as_string()} + "}";
        auto const at = out.find(name);
        REQUIRE(at != std::string::npos);
        out.replace(at, name.size(), sample_value(param->as_object()));
    }
    return out;
}

// The example body of an operation, if it documents one for application/json.
std::string example_body(json::value const& doc, json::object const& op)
{
    auto const* body = op.if_contains("requestBody");
    if (!body) return {};
    auto const* resolved =
        body->as_object().contains("$ref") ? resolve(doc, body->at("$ref").as_string()) : body;
    REQUIRE(resolved);
    auto const& media = resolved->at("content").at("application/json").as_object();
    auto const* example = media.if_contains("example");
    return example ? json::serialize(*example) : std::string{};
}

constexpr std::string_view docs_policy = "default-src 'self'; script-src 'self' 'unsafe-inline'; "
                                         "style-src 'unsafe-inline'; connect-src 'self'";

} // namespace

TEST_CASE("GET /openapi.json is an OpenAPI 3.1 document carrying the daemon's version",
          "[unit][api]")
{
    fixture f;
    auto const r = f.send(api::method::get, "/openapi.json");
    REQUIRE(r.status == 200);
    CHECK(r.content_type == "application/json");
    auto const doc = json::parse(*r.body);
    CHECK(doc.at("openapi").as_string().starts_with("3.1"));
    CHECK(doc.at("info").at("version").as_string() == core::version());
    CHECK(f.send(api::method::get, "/openapi.json").body == r.body); // built once, shared
}

TEST_CASE("/openapi.json lists every route the router serves, and the router serves every "
          "path it lists",
          "[unit][api]")
{
    auto const doc = document();
    auto const& paths = doc.at("paths").as_object();
    fixture served;
    auto const endpoints = served.router.endpoints();
    REQUIRE(endpoints.size() == 18);
    for (auto const& e : endpoints) {
        INFO("route " << verb_name(e.verb) << ' ' << e.path);
        auto const* item = paths.if_contains(e.path);
        REQUIRE(item);
        CHECK(item->as_object().contains(verb_name(e.verb)));
    }
    // In the document's order, each operation with its examples: anomaly 1 is acknowledged,
    // commented, shelved and unshelved, its sensor taken out of service and back.
    fixture f;
    REQUIRE(f.post(R"({"timestamp": "2025-05-28T00:00:01Z", "sensor_id": "wtf-pipe-1",
                       "temperature": 45.2})")
                .status == 200);
    std::size_t operations = 0;
    for (auto const& [path, item] : paths) {
        for (auto const& [verb, op] : item.as_object()) {
            INFO(verb << ' ' << path);
            REQUIRE((verb == "get" || verb == "post"));
            ++operations;
            auto const target = concrete_path(doc, path, op.as_object());
            auto const body = example_body(doc, op.as_object());
            auto const r = verb == "get"  ? f.send(api::method::get, target)
                           : body.empty() ? f.send(api::method::post, target)
                                          : f.send(api::method::post, target, {}, body);
            INFO(target << ' ' << body << " -> " << (r.body ? *r.body : std::string{}));
            CHECK(r.status == 200);
        }
    }
    CHECK(operations == endpoints.size());
}

TEST_CASE("every query parameter /openapi.json documents is one the router accepts", "[unit][api]")
{
    auto const doc = document();
    fixture f;
    std::size_t checked = 0;
    REQUIRE(f.post(R"({"timestamp": "2025-05-28T00:00:01Z", "sensor_id": "wtf-pipe-1",
                       "temperature": 45.2})")
                .status == 200);
    for (auto const& [path, item] : doc.at("paths").as_object()) {
        auto const* get = item.as_object().if_contains("get");
        if (!get || !get->as_object().contains("parameters")) continue;
        for (auto const& p : get->at("parameters").as_array()) {
            auto const* param = resolve(doc, p.at("$ref").as_string());
            REQUIRE(param);
            if (param->at("in") != "query") continue;
            std::string target = concrete_path(doc, path, get->as_object());
            target += '?';
            target += param->at("name").as_string();
            target += '=';
            target += sample_value(param->as_object());
            if (path == "/summary" && param->at("name") == "limit") target += "&detail=true";
            INFO(target);
            CHECK(f.send(api::method::get, target).status == 200);
            ++checked;
        }
    }
    CHECK(checked == 17);
}

TEST_CASE("every $ref in /openapi.json resolves inside the document", "[unit][api]")
{
    auto const doc = document();
    std::vector<std::string> refs;
    collect_refs(doc, refs);
    CHECK(refs.size() > 20);
    for (auto const& ref : refs) {
        INFO(ref);
        CHECK(resolve(doc, ref) != nullptr);
    }
}

TEST_CASE("every operation in /openapi.json has a 200 and its error responses", "[unit][api]")
{
    auto const doc = document();
    auto const& schemes = doc.at("components").at("securitySchemes").as_object();
    fixture served;
    for (auto const& e : served.router.endpoints()) {
        auto const& op = doc.at("paths").at(e.path).at(verb_name(e.verb)).as_object();
        INFO(verb_name(e.verb) << ' ' << e.path);
        auto const& responses = op.at("responses").as_object();
        CHECK(responses.contains("200"));
        CHECK(responses.contains("400"));
        CHECK(responses.contains("431"));
        bool const open = e.access == api::access::open;
        CHECK(responses.contains("401") == !open);
        CHECK(op.at("security").as_array().empty() == open);
        for (auto const& requirement : op.at("security").as_array()) {
            for (auto const& [name, scopes] : requirement.as_object()) {
                CHECK(schemes.contains(name));
            }
        }
        if (e.verb == api::method::post) {
            CHECK(responses.contains("413"));
            CHECK(responses.contains("422"));
            auto const& body = op.at("requestBody");
            auto const* resolved = body.as_object().contains("$ref")
                                       ? resolve(doc, body.at("$ref").as_string())
                                       : &body;
            REQUIRE(resolved);
            auto const& content = resolved->at("content").as_object();
            CHECK(content.contains("application/json"));
            CHECK(content.contains("application/x-ndjson") == (e.path == "/readings"));
        }
        // An operator's command takes the operator token; nothing else does.
        bool operator_token = false;
        for (auto const& requirement : op.at("security").as_array())
            operator_token = operator_token || requirement.as_object().contains("operatorToken");
        if (e.access == api::access::operate) CHECK(operator_token);
        if (e.access == api::access::operate) CHECK(responses.contains("409"));
    }
    for (auto const* name : {"Error", "Reading", "Anomaly", "SummaryRecord", "Status", "Alarm",
                             "Sensor", "SensorPage", "SensorReadings", "AlarmPerformance"}) {
        CHECK(doc.at("components").at("schemas").as_object().contains(name));
    }
}

TEST_CASE("/openapi.json and /docs need no read token while the data GETs do", "[unit][api]")
{
    api::settings s;
    s.read_token = "r3ad";
    s.ingest_token = "wr1te";
    fixture f{s};
    CHECK(f.send(api::method::get, "/anomalies").status == 401);
    CHECK(f.send(api::method::get, "/openapi.json").status == 200);
    CHECK(f.send(api::method::get, "/docs").status == 200);
    CHECK(f.send(api::method::head, "/docs").status == 200);
    CHECK(f.send(api::method::get, "/openapi.json", "Bearer wrong").status == 200);
}

TEST_CASE("POST /openapi.json and POST /docs are 405 with Allow: GET, HEAD", "[unit][api]")
{
    fixture f;
    for (auto const* path : {"/openapi.json", "/docs"}) {
        auto const r = f.send(api::method::post, path);
        CHECK(r.status == 405);
        CHECK(r.allow == "GET, HEAD");
    }
}

TEST_CASE("GET /docs is one HTML page with the CSP that loads nothing off-site", "[unit][api]")
{
    fixture f;
    auto const r = f.send(api::method::get, "/docs");
    REQUIRE(r.status == 200);
    CHECK(r.content_type == "text/html; charset=utf-8");
    CHECK(r.content_security_policy == docs_policy);
    std::string_view const page = *r.body;
    CHECK(page.starts_with("<!DOCTYPE html>"));
    CHECK(page.find("openapi.json") != std::string_view::npos);
    CHECK(page.find("http://") == std::string_view::npos);
    CHECK(page.find("https://") == std::string_view::npos);
    CHECK(page.find("@import") == std::string_view::npos);
    CHECK(page.find("url(") == std::string_view::npos);
    for (std::string_view attr : {"src=", "href="}) {
        for (auto at = page.find(attr); at != std::string_view::npos;
             at = page.find(attr, at + 1)) {
            auto const value = page.substr(at + attr.size(), 10);
            INFO(attr << value);
            CHECK(!value.starts_with("\"//"));
            CHECK(value.find(':') == std::string_view::npos);
        }
    }
    // The other responses carry no CSP.
    CHECK(f.send(api::method::get, "/openapi.json").content_security_policy.empty());
}

TEST_CASE("the closed sets /openapi.json lists are the tables in core", "[unit][api]")
{
    auto const doc = document();
    auto const& schemas = doc.at("components").at("schemas");
    auto names = [](json::value const& array) {
        std::vector<std::string> out;
        for (auto const& v : array.as_array()) out.emplace_back(v.as_string());
        return out;
    };
    std::vector<std::string> kinds;
    for (auto const& k : core::anomaly_kinds) kinds.emplace_back(k.name);
    CHECK(names(schemas.at("Anomaly").at("properties").at("type").at("enum")) == kinds);
    CHECK(names(doc.at("components").at("parameters").at("AnomalyType").at("schema").at("enum")) ==
          kinds);

    std::vector<std::string> severities;
    for (auto s : core::severities) severities.emplace_back(core::to_string(s));
    CHECK(names(schemas.at("Anomaly").at("properties").at("severity").at("enum")) == severities);

    std::vector<std::string> sources;
    for (auto const& s : core::source_kinds) sources.emplace_back(s.name);
    auto const& by_source =
        schemas.at("Status").at("properties").at("readings").at("properties").at("by_source");
    CHECK(names(by_source.at("required")) == sources);
}
