#include "api/detail/openapi.hpp"

#include <wtf/core/anomaly.hpp>
#include <wtf/core/json_writer.hpp>
#include <wtf/core/reading.hpp>
#include <wtf/core/version.hpp>

#include <algorithm>
#include <array>
#include <string>
#include <utility>

namespace wtf::api::detail {
namespace {

// Kept by hand next to the code it describes: the route table in router.cpp, the queries in
// query.cpp, core::append_json (Anomaly), store::append_json (SummaryRecord), get_status
// (Status). tests/unit/api/openapi_test.cpp checks it lists every route and resolves every $ref.
constexpr std::string_view document = R"json({
  "openapi": "3.1.0",
  "info": {
    "title": "wtfd",
    "version": "@VERSION@",
    "summary": "Water-treatment anomaly daemon: readings in, anomalies and summaries out.",
    "description": "Every GET path also answers HEAD (same headers, no body). Errors are JSON {\"detail\": \"...\"}. An unknown path is 404; a known path with another method is 405 with an Allow header. Request heads larger than api.max_header_bytes (8 KiB) get 431 and malformed HTTP gets 400, on any path. When api.ingest_token is set, POST needs it as Authorization: Bearer <token>; when api.read_token is set, GET /anomalies, /summary, /status and /metrics need the read token or the ingest token. GET /openapi.json and GET /docs never need a token: they describe the API and hold no plant data."
  },
  "servers": [{"url": "/"}],
  "tags": [
    {"name": "data", "description": "Readings, anomalies and summaries"},
    {"name": "operations", "description": "Health and metrics"},
    {"name": "meta", "description": "This description and its page"}
  ],
  "paths": {
    "/anomalies": {
      "get": {
        "tags": ["data"],
        "operationId": "getAnomalies",
        "summary": "The newest anomalies, oldest first",
        "description": "A bare JSON array of the newest `limit` anomalies that match every filter given, oldest first. Each anomaly episode keeps its id while it changes and closes.",
        "security": [{}, {"readToken": []}, {"ingestToken": []}],
        "parameters": [
          {"$ref": "#/components/parameters/AnomalyLimit"},
          {"$ref": "#/components/parameters/SensorId"},
          {"$ref": "#/components/parameters/AnomalyType"},
          {"$ref": "#/components/parameters/Active"}
        ],
        "responses": {
          "200": {
            "description": "The anomalies, oldest first; [] when none match.",
            "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Anomaly"}}}}
          },
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "422": {"$ref": "#/components/responses/InvalidQuery"},
          "431": {"$ref": "#/components/responses/HeadersTooLarge"}
        }
      }
    },
    "/summary": {
      "get": {
        "tags": ["data"],
        "operationId": "getSummary",
        "summary": "Summaries of the anomalies, as texts or as full records",
        "description": "Without `detail`: the seed system's list of texts, oldest first. With `detail=true`: the newest `limit` full records, oldest first, saying how each was made (LLM or wtfd's own fallback).",
        "security": [{}, {"readToken": []}, {"ingestToken": []}],
        "parameters": [
          {"$ref": "#/components/parameters/SummaryDetail"},
          {"$ref": "#/components/parameters/SummaryLimit"}
        ],
        "responses": {
          "200": {
            "description": "SummaryTexts without detail, SummaryRecords with detail=true.",
            "content": {"application/json": {"schema": {"oneOf": [
              {"$ref": "#/components/schemas/SummaryTexts"},
              {"$ref": "#/components/schemas/SummaryRecords"}
            ]}}}
          },
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "422": {"$ref": "#/components/responses/InvalidQuery"},
          "431": {"$ref": "#/components/responses/HeadersTooLarge"}
        }
      }
    },
    "/status": {
      "get": {
        "tags": ["operations"],
        "operationId": "getStatus",
        "summary": "Health of the data stream, Redis, the journal and the LLM, with counters",
        "description": "Rebuilt at most once a second while nothing changes. Query parameters are ignored.",
        "security": [{}, {"readToken": []}, {"ingestToken": []}],
        "responses": {
          "200": {"description": "The daemon's state.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "431": {"$ref": "#/components/responses/HeadersTooLarge"}
        }
      }
    },
    "/readings": {
      "post": {
        "tags": ["data"],
        "operationId": "postReadings",
        "summary": "Ingest one reading, a JSON array of readings, or NDJSON",
        "description": "A batch is all-or-nothing: one invalid reading refuses the whole batch (422, the detail names the item and the field). Readings not newer than their sensor's last one are accepted but ignored and counted as stale. At most api.max_body_bytes (1 MiB) and api.max_readings_per_request (10000) readings.",
        "security": [{}, {"ingestToken": []}],
        "requestBody": {
          "required": true,
          "description": "application/json: one Reading object or an array of them. application/x-ndjson: one Reading object per line.",
          "content": {
            "application/json": {
              "schema": {"oneOf": [
                {"$ref": "#/components/schemas/Reading"},
                {"type": "array", "items": {"$ref": "#/components/schemas/Reading"}, "maxItems": 10000}
              ]},
              "example": {"sensor_id": "wtf-pipe-7", "temperature": 45.2, "pressure": 2.1, "flow": 55.0}
            },
            "application/x-ndjson": {
              "schema": {"type": "string", "description": "One Reading JSON object per line; blank lines are skipped."},
              "example": "{\"sensor_id\": \"wtf-pipe-1\", \"temperature\": 23.4}\n{\"sensor_id\": \"wtf-pipe-2\", \"flow\": 55.0}\n"
            }
          }
        },
        "responses": {
          "200": {"description": "Every reading was taken.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/IngestResult"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "413": {"$ref": "#/components/responses/BodyTooLarge"},
          "422": {"$ref": "#/components/responses/InvalidReading"},
          "431": {"$ref": "#/components/responses/HeadersTooLarge"},
          "503": {"$ref": "#/components/responses/NotReady"}
        }
      }
    },
    "/sensors/{id}/baseline": {
      "get": {
        "tags": ["data"],
        "operationId": "getBaseline",
        "summary": "A sensor's multivariate baseline: what the detector learned of its normal operation",
        "description": "state: learning (warmup_readings of warmup so far), learned, waiting (restored from the state dir until the sensor's next reading) or off. While learned: the last reading's statistic and the threshold it is judged against. baseline: per parameter its centre, scale, whether it was constant (active false) or integrating (slow); the components kept, eigenvalues, loadings and the T² and Q limits.",
        "security": [{}, {"readToken": []}],
        "parameters": [{"$ref": "#/components/parameters/PathSensorId"}],
        "responses": {
          "200": {"description": "The sensor's baseline.", "content": {"application/json": {"schema": {"type": "object", "required": ["sensor_id", "state", "warmup", "warmup_readings"]}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "431": {"$ref": "#/components/responses/HeadersTooLarge"},
          "404": {"description": "No such sensor.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
      }
    },
    "/sensors/{id}/baseline/relearn": {
      "post": {
        "tags": ["data"],
        "operationId": "relearnBaseline",
        "summary": "Forget a sensor's baseline: it learns again from its next readings",
        "description": "After maintenance. An open multivariate episode of the sensor ends. Needs the ingest token when one is set.",
        "security": [{}, {"ingestToken": []}],
        "parameters": [{"$ref": "#/components/parameters/PathSensorId"}],
        "responses": {
          "200": {"description": "Learning again.", "content": {"application/json": {"schema": {"type": "object", "required": ["sensor_id", "state"]}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "413": {"$ref": "#/components/responses/BodyTooLarge"},
          "431": {"$ref": "#/components/responses/HeadersTooLarge"},
          "404": {"description": "No such sensor.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
      }
    },
    "/metrics": {
      "get": {
        "tags": ["operations"],
        "operationId": "getMetrics",
        "summary": "Prometheus text format 0.0.4",
        "description": "Readings by source and sensor, rejections by reason, anomalies, summaries, LLM latency, HTTP requests by route and status, Redis and journal health, memory, uptime and build info.",
        "security": [{}, {"readToken": []}, {"ingestToken": []}],
        "responses": {
          "200": {"description": "The exposition.", "content": {"text/plain; version=0.0.4; charset=utf-8": {"schema": {"type": "string"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "431": {"$ref": "#/components/responses/HeadersTooLarge"}
        }
      }
    },
    "/openapi.json": {
      "get": {
        "tags": ["meta"],
        "operationId": "getOpenApi",
        "summary": "This OpenAPI 3.1 document",
        "description": "Never needs a token: it describes the API and holds no plant data.",
        "security": [],
        "responses": {
          "200": {"description": "The document.", "content": {"application/json": {"schema": {"type": "object"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "431": {"$ref": "#/components/responses/HeadersTooLarge"}
        }
      }
    },
    "/docs": {
      "get": {
        "tags": ["meta"],
        "operationId": "getDocs",
        "summary": "This description as a web page, with a form to try each endpoint",
        "description": "One self-contained HTML page: it loads nothing but /openapi.json from the same origin, and its Content-Security-Policy forbids anything else. Never needs a token.",
        "security": [],
        "responses": {
          "200": {
            "description": "The page.",
            "headers": {"Content-Security-Policy": {"description": "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'", "schema": {"type": "string"}}},
            "content": {"text/html; charset=utf-8": {"schema": {"type": "string"}}}
          },
          "400": {"$ref": "#/components/responses/BadRequest"},
          "431": {"$ref": "#/components/responses/HeadersTooLarge"}
        }
      }
    }
  },
  "components": {
    "securitySchemes": {
      "ingestToken": {"type": "http", "scheme": "bearer", "description": "api.ingest_token. Needed by POST /readings when set; also accepted wherever the read token is."},
      "readToken": {"type": "http", "scheme": "bearer", "description": "api.read_token. Needed by GET /anomalies, /summary, /status and /metrics when set."}
    },
    "parameters": {
      "AnomalyLimit": {"name": "limit", "in": "query", "description": "How many of the newest matching anomalies, at least 1 (0 or less is 422); more than storage.anomaly_history (1000 by default) gives all that are stored, as the seed did. Default 100, or that capacity if smaller.", "schema": {"type": "integer", "minimum": 1, "default": 100}},
      "PathSensorId": {"name": "id", "in": "path", "required": true, "description": "The sensor id, %-encoded.", "schema": {"type": "string", "minLength": 1}},
      "SensorId": {"name": "sensor_id", "in": "query", "description": "Only this sensor's anomalies.", "schema": {"type": "string", "minLength": 1}},
      "AnomalyType": {"name": "type", "in": "query", "description": "Only anomalies of this type.", "schema": {"type": "string", "enum": ["@ANOMALY_TYPES@"]}},
      "Active": {"name": "active", "in": "query", "description": "Only open (true) or only closed (false) anomalies; 1 and 0 work too.", "schema": {"type": "boolean"}},
      "SummaryDetail": {"name": "detail", "in": "query", "description": "true: full records instead of texts.", "schema": {"type": "boolean", "default": false}},
      "SummaryLimit": {"name": "limit", "in": "query", "description": "How many of the newest records, at least 1; needs detail=true. More than storage.summary_history (100 by default, also the default) gives all that are stored.", "schema": {"type": "integer", "minimum": 1, "default": 100}}
    },
    "responses": {
      "BadRequest": {"description": "Malformed JSON, HTTP or request target.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "Unauthorized": {
        "description": "The token this request needs is missing or wrong.",
        "headers": {"WWW-Authenticate": {"schema": {"type": "string", "const": "Bearer"}}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
      },
      "NotFound": {"description": "No such path (any path not listed here).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "MethodNotAllowed": {
        "description": "A listed path with a method it does not serve.",
        "headers": {"Allow": {"description": "GET, HEAD or POST", "schema": {"type": "string"}}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
      },
      "BodyTooLarge": {"description": "The body is larger than api.max_body_bytes.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "InvalidQuery": {"description": "An unknown, repeated or out-of-range query parameter; the detail names it.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "InvalidReading": {"description": "An invalid reading (the detail names the item and the field), a timestamp more than api.max_clock_skew_s in the future, too many readings, or more distinct sensors than the detector tracks.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "HeadersTooLarge": {"description": "The request head is larger than api.max_header_bytes.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "NotReady": {"description": "The daemon is starting or stopping and takes no readings.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    },
    "schemas": {
      "Error": {
        "type": "object",
        "required": ["detail"],
        "properties": {"detail": {"type": "string", "description": "For people; 500 says only \"internal error\"."}}
      },
      "Reading": {
        "type": "object",
        "description": "The seed generator's format. Every numeric field besides timestamp and sensor_id is a parameter and must be finite. Other fields (a \"status\": \"ok\" label, say) are ignored and counted, unless they are configured parameters ([detect.parameters]), which must be numbers. At most 64 fields besides timestamp and sensor_id.",
        "required": ["sensor_id"],
        "properties": {
          "timestamp": {"type": "string", "format": "date-time", "description": "RFC 3339; missing means now."},
          "sensor_id": {"type": "string", "minLength": 1, "maxLength": 128, "description": "No control characters."}
        },
        "additionalProperties": {"description": "A parameter: a finite number. Anything else is ignored, unless the name is a configured parameter."},
        "maxProperties": 66,
        "examples": [{"timestamp": "2025-05-28T00:01:23Z", "sensor_id": "wtf-pipe-1", "temperature": 23.4, "pressure": 2.1, "flow": 55.0}]
      },
      "IngestResult": {
        "type": "object",
        "required": ["accepted", "stale"],
        "properties": {
          "accepted": {"type": "integer", "minimum": 0, "description": "Readings taken, stale ones included."},
          "stale": {"type": "integer", "minimum": 0, "description": "Readings not newer than their sensor's last one: ignored."},
          "ignored_fields": {"type": "integer", "minimum": 0, "description": "Fields that were not numbers and not configured parameters: ignored."}
        }
      },
      "Anomaly": {
        "type": "object",
        "required": ["id", "type", "timestamp", "sensor_id", "message", "severity", "active", "started_at", "ended_at", "detector", "cause"],
        "properties": {
          "id": {"type": "integer", "minimum": 1, "description": "Stays the same while the episode changes and closes."},
          "type": {"type": "string", "enum": ["@ANOMALY_TYPES@"]},
          "timestamp": {"type": "string", "format": "date-time", "description": "When it was detected."},
          "sensor_id": {"type": "string"},
          "parameter": {"type": "string", "description": "Absent for a dropout."},
          "value": {"type": "number", "description": "The reading that tripped it (absent for a dropout)."},
          "duration_seconds": {"type": "number", "description": "Drift and dropout: how long so far, to the millisecond."},
          "message": {"type": "string"},
          "severity": {"type": "string", "enum": ["@SEVERITIES@"]},
          "active": {"type": "boolean"},
          "started_at": {"type": "string", "format": "date-time"},
          "ended_at": {"type": ["string", "null"], "format": "date-time"},
          "peak_value": {"type": "number", "description": "The furthest value from the band during the episode."},
          "unit": {"type": "string"},
          "limits": {
            "type": "object",
            "required": ["low", "high"],
            "properties": {"low": {"type": "number"}, "high": {"type": "number"}}
          },
          "detector": {"type": "string", "description": "Which detector reported it, e.g. threshold."},
          "never_seen": {"type": "boolean", "const": true, "description": "Only on the dropout of an expected sensor that never reported."},
          "closed_at_restart": {"type": "boolean", "const": true, "description": "Only when the episode was closed because wtfd restarted."},
          "cause": {"type": "string", "enum": ["instrument", "process"], "description": "Whom to send: a failing instrument (a technician) or a real change of the process (an operator)."},
          "evidence": {"type": "object", "required": ["basis"], "description": "Why the cause: basis (one_reading, returned, stayed, unchanged, out_of_range, z_score, residual, together, components, ...), the figures it rests on as numbers, and end (calm, settled, too_long, ...) for detectors that end episodes more than one way.", "additionalProperties": true},
          "score": {"type": "number", "description": "The statistic at the episode's peak: |z|, change per second, seconds unchanged, or the multivariate statistic over its limit."},
          "threshold": {"type": "number", "description": "The limit the score was judged against."},
          "contributions": {"type": "array", "description": "Multivariate: each parameter's share of the statistic at its peak, largest first.", "items": {"type": "object", "required": ["parameter", "share"], "properties": {"parameter": {"type": "string"}, "share": {"type": "number", "minimum": 0, "maximum": 1}}}}
        }
      },
      "SummaryTexts": {
        "type": "object",
        "required": ["summaries", "count"],
        "properties": {
          "summaries": {"type": "array", "items": {"type": "string"}, "description": "Oldest first."},
          "count": {"type": "integer", "minimum": 0}
        }
      },
      "SummaryRecords": {
        "type": "object",
        "required": ["summaries", "count"],
        "properties": {
          "summaries": {"type": "array", "items": {"$ref": "#/components/schemas/SummaryRecord"}, "description": "Oldest first."},
          "count": {"type": "integer", "minimum": 0}
        }
      },
      "SummaryRecord": {
        "type": "object",
        "required": ["text", "created_at", "window_start", "window_end", "anomaly_count", "left_out", "source", "model", "fallback_reason", "latency_ms"],
        "properties": {
          "text": {"type": "string"},
          "created_at": {"type": "string", "format": "date-time"},
          "window_start": {"type": "string", "format": "date-time"},
          "window_end": {"type": "string", "format": "date-time"},
          "anomaly_count": {"type": "integer", "minimum": 0},
          "left_out": {"type": "integer", "minimum": 0, "description": "Anomalies of the window not given to the LLM (over summary.max_buffer)."},
          "source": {"type": "string", "enum": ["llm", "fallback"]},
          "model": {"type": ["string", "null"]},
          "fallback_reason": {"type": ["string", "null"], "description": "Why wtfd wrote the summary itself, e.g. LLM disabled."},
          "latency_ms": {"type": "integer"}
        }
      },
      "Timestamp": {"type": ["string", "null"], "format": "date-time"},
      "Status": {
        "type": "object",
        "required": ["data_stream", "redis", "journal", "llm", "version", "uptime_seconds", "readings", "anomalies", "sensors"],
        "properties": {
          "data_stream": {
            "type": "object",
            "required": ["healthy", "last_received", "message"],
            "properties": {
              "healthy": {"type": "boolean", "description": "A reading arrived within 60 s."},
              "last_received": {"type": ["string", "null"], "format": "date-time", "description": "When the newest reading arrived, in the seed's format: 2025-05-28T00:01:23.456789+00:00 (what Python's datetime.fromisoformat reads before 3.11)."},
              "message": {"type": "string"}
            }
          },
          "redis": {
            "type": "object",
            "required": ["enabled", "connected", "message"],
            "description": "Only enabled, connected and message when Redis mirroring is off.",
            "properties": {
              "enabled": {"type": "boolean"},
              "connected": {"type": "boolean"},
              "message": {"type": "string"},
              "queued": {"type": "integer", "minimum": 0},
              "dropped": {"type": "integer", "minimum": 0},
              "written": {"type": "integer", "minimum": 0},
              "command_errors": {"type": "integer", "minimum": 0},
              "ingest": {
                "type": "object",
                "required": ["enabled"],
                "properties": {
                  "enabled": {"type": "boolean"},
                  "subscribed": {"type": "boolean"},
                  "channel": {"type": "string"},
                  "messages": {"type": "integer", "minimum": 0},
                  "rejected": {"type": "integer", "minimum": 0}
                }
              }
            }
          },
          "journal": {
            "type": "object",
            "required": ["enabled"],
            "description": "Only enabled when storage.journal is off.",
            "properties": {
              "enabled": {"type": "boolean"},
              "healthy": {"type": "boolean"},
              "message": {"type": "string"},
              "path": {"type": "string"},
              "events_written": {"type": "integer", "minimum": 0},
              "events_lost": {"type": "integer", "minimum": 0},
              "pending_bytes": {"type": "integer", "minimum": 0},
              "last_sync": {"$ref": "#/components/schemas/Timestamp"},
              "compactions": {"type": "integer", "minimum": 0}
            }
          },
          "llm": {
            "type": "object",
            "required": ["enabled"],
            "description": "Only enabled when summaries are not built into this daemon.",
            "properties": {
              "enabled": {"type": "boolean"},
              "endpoint": {"type": ["string", "null"]},
              "last_success": {"$ref": "#/components/schemas/Timestamp"},
              "last_failure": {"$ref": "#/components/schemas/Timestamp"},
              "last_failure_reason": {"type": ["string", "null"]},
              "summaries": {
                "type": "object",
                "required": ["llm", "fallback"],
                "properties": {"llm": {"type": "integer", "minimum": 0}, "fallback": {"type": "integer", "minimum": 0}}
              }
            }
          },
          "version": {"type": "string"},
          "uptime_seconds": {"type": "number", "minimum": 0, "description": "To a tenth of a second."},
          "readings": {
            "type": "object",
            "required": ["accepted", "stale", "rejected", "by_source"],
            "properties": {
              "accepted": {"type": "integer", "minimum": 0},
              "stale": {"type": "integer", "minimum": 0},
              "rejected": {"type": "integer", "minimum": 0, "description": "Refused batches."},
              "ignored_fields": {"type": "integer", "minimum": 0, "description": "Fields of accepted readings that were not numbers and not configured parameters, ignored."},
              "by_source": {
                "type": "object",
                "required": ["@SOURCES@"],
                "additionalProperties": {"type": "integer", "minimum": 0}
              }
            }
          },
          "anomalies": {
            "type": "object",
            "required": ["active", "total", "stored"],
            "properties": {
              "active": {"type": "integer", "minimum": 0},
              "total": {"type": "integer", "minimum": 0},
              "stored": {"type": "integer", "minimum": 0}
            }
          },
          "sensors": {
            "type": "object",
            "description": "By sensor id.",
            "additionalProperties": {
              "type": "object",
              "required": ["last_seen", "readings", "active_anomalies"],
              "properties": {
                "last_seen": {"$ref": "#/components/schemas/Timestamp"},
                "readings": {"type": "integer", "minimum": 0},
                "active_anomalies": {"type": "integer", "minimum": 0}
              }
            }
          }
        }
      }
    }
  }
})json";

// The closed sets the document lists come from their tables in core, so it cannot miss a kind:
// "\"spike\", \"drift\", ..." for the names `name_of` gives each row.
template <class Table, class NameOf>
std::string json_names(Table const& table, NameOf name_of)
{
    std::string out;
    for (auto const& row : table) {
        if (!out.empty()) out += ", ";
        core::append_json_string(out, name_of(row));
    }
    return out;
}

// Replaces every placeholder ("@NAME@" with its quotes) by the JSON text given for it.
std::string build()
{
    std::string version;
    core::append_json_string(version, core::version());
    std::array<std::pair<std::string_view, std::string>, 4> const values{{
        {"\"@VERSION@\"", std::move(version)},
        {"\"@ANOMALY_TYPES@\"", json_names(core::anomaly_kinds, [](auto& k) { return k.name; })},
        {"\"@SEVERITIES@\"", json_names(core::severities, [](auto s) { return to_string(s); })},
        {"\"@SOURCES@\"", json_names(core::source_kinds, [](auto& k) { return k.name; })},
    }};
    std::string out;
    out.reserve(document.size() + 256);
    std::size_t from = 0;
    for (;;) {
        auto const at = document.find("\"@", from);
        if (at == std::string_view::npos) break;
        auto const it = std::find_if(values.begin(), values.end(), [&](auto const& v) {
            return document.substr(at, v.first.size()) == v.first;
        });
        if (it == values.end()) { // not a placeholder: a string that starts with @
            out += document.substr(from, at + 2 - from);
            from = at + 2;
            continue;
        }
        out += document.substr(from, at - from);
        out += it->second;
        from = at + it->first.size();
    }
    out += document.substr(from);
    return out;
}

} // namespace

std::string_view openapi_json()
{
    static std::string const text = build();
    return text;
}

} // namespace wtf::api::detail
