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
    "description": "Every GET path also answers HEAD (same headers, no body). Errors are JSON {\"detail\": \"...\"}. An unknown path is 404; a known path with another method is 405 with an Allow header. Request heads larger than api.max_header_bytes (8 KiB) get 431 and malformed HTTP gets 400, on any path. When api.ingest_token is set, POST /readings needs it as Authorization: Bearer <token>. The operator's commands (acknowledge, comment, shelve, unshelve, out of service, in service) need api.operator_token, or the ingest token when no operator token is set; each names who acts in its body (field by). When api.read_token is set, the GETs of plant data need the read token, the ingest token or the operator token. GET /openapi.json and GET /docs never need a token: they describe the API and hold no plant data."
  },
  "servers": [{"url": "/"}],
  "tags": [
    {"name": "data", "description": "Readings, anomalies and summaries"},
    {"name": "alarms", "description": "Working alarms (ISA-18.2, EEMUA 191): acknowledge, comment, shelve, sensors out of service, alarm-load figures, live events"},
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
        "security": [{}, {"readToken": []}, {"ingestToken": []}, {"operatorToken": []}],
        "parameters": [
          {"$ref": "#/components/parameters/AnomalyLimit"},
          {"$ref": "#/components/parameters/SensorId"},
          {"$ref": "#/components/parameters/AnomalyType"},
          {"$ref": "#/components/parameters/Active"},
          {"$ref": "#/components/parameters/Acknowledged"},
          {"$ref": "#/components/parameters/Shelved"}
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
    "/anomalies/{id}": {
      "get": {
        "tags": ["alarms"],
        "operationId": "getAnomaly",
        "summary": "One anomaly with its alarm state",
        "description": "As GET /anomalies shows it, while it is in the history.",
        "security": [{}, {"readToken": []}, {"ingestToken": []}, {"operatorToken": []}],
        "parameters": [{"$ref": "#/components/parameters/AnomalyIdPath"}],
        "responses": {
          "200": {"description": "The anomaly.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Anomaly"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/UnknownAlarm"},
          "422": {"$ref": "#/components/responses/InvalidQuery"},
          "431": {"$ref": "#/components/responses/HeadersTooLarge"}
        }
      }
    },
    "/anomalies/{id}/ack": {
      "post": {
        "tags": ["alarms"],
        "operationId": "acknowledgeAlarm",
        "summary": "Acknowledge an alarm, with an optional comment",
        "description": "An alarm still active becomes acknowledged; one that has returned to normal unacknowledged becomes normal. Acknowledging twice is 409. Journaled, mirrored to the Redis entry, sent as an acknowledged event.",
        "security": [{}, {"operatorToken": []}, {"ingestToken": []}],
        "parameters": [{"$ref": "#/components/parameters/AnomalyIdPath"}],
        "requestBody": {"$ref": "#/components/requestBodies/Note"},
        "responses": {
          "200": {"description": "The anomaly with its new alarm state.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Anomaly"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/UnknownAlarm"},
          "409": {"$ref": "#/components/responses/Conflict"},
          "413": {"$ref": "#/components/responses/BodyTooLarge"},
          "422": {"$ref": "#/components/responses/InvalidCommand"},
          "431": {"$ref": "#/components/responses/HeadersTooLarge"}
        }
      }
    },
    "/anomalies/{id}/comments": {
      "post": {
        "tags": ["alarms"],
        "operationId": "commentAlarm",
        "summary": "Add a comment to an alarm",
        "description": "The comment is required here. At most alarms.max_comments (32) per alarm: more is 409.",
        "security": [{}, {"operatorToken": []}, {"ingestToken": []}],
        "parameters": [{"$ref": "#/components/parameters/AnomalyIdPath"}],
        "requestBody": {"$ref": "#/components/requestBodies/Comment"},
        "responses": {
          "200": {"description": "The anomaly with its comments.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Anomaly"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/UnknownAlarm"},
          "409": {"$ref": "#/components/responses/Conflict"},
          "413": {"$ref": "#/components/responses/BodyTooLarge"},
          "422": {"$ref": "#/components/responses/InvalidCommand"},
          "431": {"$ref": "#/components/responses/HeadersTooLarge"}
        }
      }
    },
    "/anomalies/{id}/shelve": {
      "post": {
        "tags": ["alarms"],
        "operationId": "shelveAlarm",
        "summary": "Shelve the alarm's point for a while, or until the alarm returns to normal",
        "description": "Shelves the point (sensor, parameter, kind): this alarm and its later repeats are recorded but marked shelved, kept out of summaries and of the active counts. duration_s is 1 to alarms.max_shelve_s (8 h); until_normal ends the shelf when this alarm ends, and after alarms.max_shelve_s at the latest. A point already shelved is 409.",
        "security": [{}, {"operatorToken": []}, {"ingestToken": []}],
        "parameters": [{"$ref": "#/components/parameters/AnomalyIdPath"}],
        "requestBody": {"$ref": "#/components/requestBodies/Shelve"},
        "responses": {
          "200": {"description": "The anomaly, shelved.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Anomaly"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/UnknownAlarm"},
          "409": {"$ref": "#/components/responses/Conflict"},
          "413": {"$ref": "#/components/responses/BodyTooLarge"},
          "422": {"$ref": "#/components/responses/InvalidCommand"},
          "431": {"$ref": "#/components/responses/HeadersTooLarge"}
        }
      }
    },
    "/anomalies/{id}/unshelve": {
      "post": {
        "tags": ["alarms"],
        "operationId": "unshelveAlarm",
        "summary": "End the shelf that covers this alarm",
        "description": "409 when the alarm is not shelved.",
        "security": [{}, {"operatorToken": []}, {"ingestToken": []}],
        "parameters": [{"$ref": "#/components/parameters/AnomalyIdPath"}],
        "requestBody": {"$ref": "#/components/requestBodies/Note"},
        "responses": {
          "200": {"description": "The anomaly, no longer shelved.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Anomaly"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/UnknownAlarm"},
          "409": {"$ref": "#/components/responses/Conflict"},
          "413": {"$ref": "#/components/responses/BodyTooLarge"},
          "422": {"$ref": "#/components/responses/InvalidCommand"},
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
        "security": [{}, {"readToken": []}, {"ingestToken": []}, {"operatorToken": []}],
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
        "security": [{}, {"readToken": []}, {"ingestToken": []}, {"operatorToken": []}],
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
    "/sensors": {
      "get": {
        "tags": ["alarms"],
        "operationId": "getSensors",
        "summary": "The sensors, a page at a time, with last reading, parameters, active alarms and service state",
        "description": "Sorted by sensor id. Pass next as after for the following page. Sensors the detector knows (they reported, or are expected) and sensors out of service.",
        "security": [{}, {"readToken": []}, {"ingestToken": []}, {"operatorToken": []}],
        "parameters": [
          {"$ref": "#/components/parameters/SensorLimit"},
          {"$ref": "#/components/parameters/After"},
          {"$ref": "#/components/parameters/SensorActive"},
          {"$ref": "#/components/parameters/OutOfService"}
        ],
        "responses": {
          "200": {"description": "One page.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SensorPage"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "422": {"$ref": "#/components/responses/InvalidQuery"},
          "431": {"$ref": "#/components/responses/HeadersTooLarge"}
        }
      }
    },
    "/sensors/{id}/readings": {
      "get": {
        "tags": ["alarms"],
        "operationId": "getSensorReadings",
        "summary": "A sensor's recent readings, oldest first",
        "description": "From a ring of the newest alarms.recent_readings (128) readings per sensor. With since: the first limit readings after it (gap: some after since were already overwritten); without: the newest limit.",
        "security": [{}, {"readToken": []}, {"ingestToken": []}, {"operatorToken": []}],
        "parameters": [
          {"$ref": "#/components/parameters/SensorIdPath"},
          {"$ref": "#/components/parameters/Since"},
          {"$ref": "#/components/parameters/ReadingsLimit"}
        ],
        "responses": {
          "200": {"description": "The readings.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SensorReadings"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/UnknownSensor"},
          "422": {"$ref": "#/components/responses/InvalidQuery"},
          "431": {"$ref": "#/components/responses/HeadersTooLarge"}
        }
      }
    },
    "/sensors/{id}/out-of-service": {
      "post": {
        "tags": ["alarms"],
        "operationId": "takeSensorOutOfService",
        "summary": "Take a sensor out of service (maintenance)",
        "description": "Its alarms, active and new, are marked out_of_service: recorded, kept out of summaries and active counts. Already out of service is 409.",
        "security": [{}, {"operatorToken": []}, {"ingestToken": []}],
        "parameters": [{"$ref": "#/components/parameters/SensorIdPath"}],
        "requestBody": {"$ref": "#/components/requestBodies/Note"},
        "responses": {
          "200": {"description": "The sensor.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Sensor"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/UnknownSensor"},
          "409": {"$ref": "#/components/responses/Conflict"},
          "413": {"$ref": "#/components/responses/BodyTooLarge"},
          "422": {"$ref": "#/components/responses/InvalidCommand"},
          "431": {"$ref": "#/components/responses/HeadersTooLarge"}
        }
      }
    },
    "/sensors/{id}/in-service": {
      "post": {
        "tags": ["alarms"],
        "operationId": "returnSensorToService",
        "summary": "Put a sensor back in service",
        "description": "A sensor in service is 409.",
        "security": [{}, {"operatorToken": []}, {"ingestToken": []}],
        "parameters": [{"$ref": "#/components/parameters/SensorIdPath"}],
        "requestBody": {"$ref": "#/components/requestBodies/Note"},
        "responses": {
          "200": {"description": "The sensor.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Sensor"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/UnknownSensor"},
          "409": {"$ref": "#/components/responses/Conflict"},
          "413": {"$ref": "#/components/responses/BodyTooLarge"},
          "422": {"$ref": "#/components/responses/InvalidCommand"},
          "431": {"$ref": "#/components/responses/HeadersTooLarge"}
        }
      }
    },
    "/alarm-performance": {
      "get": {
        "tags": ["alarms"],
        "operationId": "getAlarmPerformance",
        "summary": "Alarm-load figures (EEMUA 191, ISA-18.2) over a window, beside the standards' targets",
        "description": "An alarm is an anomaly that opened while not shelved and its sensor in service. Alarms per 10 minutes (average, peak, current), flood periods (more than 10), chattering points (3 or more within 60 s), stale alarms (active over 24 h), the top 10 points and their share, and the alarms by state; each figure with its target and whether it is met.",
        "security": [{}, {"readToken": []}, {"ingestToken": []}, {"operatorToken": []}],
        "parameters": [{"$ref": "#/components/parameters/Window"}],
        "responses": {
          "200": {"description": "The figures.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AlarmPerformance"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "422": {"$ref": "#/components/responses/InvalidQuery"},
          "431": {"$ref": "#/components/responses/HeadersTooLarge"}
        }
      }
    },
    "/events": {
      "get": {
        "tags": ["alarms"],
        "operationId": "getEvents",
        "summary": "Live events as Server-Sent Events",
        "description": "Events: opened, updated, ended (data: the anomaly), acknowledged, commented, shelved, unshelved, suppressed, out_of_service, in_service (data: {\"transition\": {...}, \"anomaly\": {...} or null}), summary (the record), and reading (a reading of a sensor named in readings). Each has an id; a client that reconnects with Last-Event-ID gets every event after it as far as the buffer (events.buffer_events) goes, preceded by a lost event when it goes back further. A comment line every events.heartbeat_s (15 s) without events. A client that falls further behind than the buffer is disconnected and counted in /metrics. At most events.max_streams (100) streams: more get 503.",
        "security": [{}, {"readToken": []}, {"ingestToken": []}, {"operatorToken": []}],
        "parameters": [
          {"$ref": "#/components/parameters/EventNames"},
          {"$ref": "#/components/parameters/WatchedReadings"},
          {"$ref": "#/components/parameters/LastEventId"}
        ],
        "responses": {
          "200": {"description": "The stream, until the client or the server ends it.", "content": {"text/event-stream": {"schema": {"type": "string"}, "example": "id: 1748390483000001\nevent: acknowledged\ndata: {\"transition\":{\"alarm\":\"acknowledged\",\"id\":12,...},\"anomaly\":{...}}\n\n"}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "422": {"$ref": "#/components/responses/InvalidQuery"},
          "431": {"$ref": "#/components/responses/HeadersTooLarge"},
          "503": {"$ref": "#/components/responses/Busy"}
        }
      }
    },
    "/metrics": {
      "get": {
        "tags": ["operations"],
        "operationId": "getMetrics",
        "summary": "Prometheus text format 0.0.4",
        "description": "Readings by source and sensor, rejections by reason, anomalies, summaries, LLM latency, HTTP requests by route and status, Redis and journal health, memory, uptime and build info.",
        "security": [{}, {"readToken": []}, {"ingestToken": []}, {"operatorToken": []}],
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
      "readToken": {"type": "http", "scheme": "bearer", "description": "api.read_token. Needed by the GETs of plant data when set."},
      "operatorToken": {"type": "http", "scheme": "bearer", "description": "api.operator_token. Needed by the operator's commands when set (when it is not, they need the ingest token, if that is set); also accepted wherever the read token is."}
    },
    "parameters": {
      "AnomalyLimit": {"name": "limit", "in": "query", "description": "How many of the newest matching anomalies, at least 1 (0 or less is 422); more than storage.anomaly_history (1000 by default) gives all that are stored, as the seed did. Default 100, or that capacity if smaller.", "schema": {"type": "integer", "minimum": 1, "default": 100}},
      "PathSensorId": {"name": "id", "in": "path", "required": true, "description": "The sensor id, %-encoded.", "schema": {"type": "string", "minLength": 1}},
      "SensorId": {"name": "sensor_id", "in": "query", "description": "Only this sensor's anomalies.", "schema": {"type": "string", "minLength": 1}},
      "AnomalyType": {"name": "type", "in": "query", "description": "Only anomalies of this type.", "schema": {"type": "string", "enum": ["@ANOMALY_TYPES@"]}},
      "Active": {"name": "active", "in": "query", "description": "Only open (true) or only closed (false) anomalies; 1 and 0 work too.", "schema": {"type": "boolean"}},
      "Acknowledged": {"name": "acknowledged", "in": "query", "description": "Only acknowledged (true) or only unacknowledged (false) alarms.", "schema": {"type": "boolean"}},
      "Shelved": {"name": "shelved", "in": "query", "description": "Only alarms shelved now (true) or only those that are not (false).", "schema": {"type": "boolean"}},
      "AnomalyIdPath": {"name": "id", "in": "path", "required": true, "description": "The anomaly's id.", "schema": {"type": "integer", "minimum": 1}, "example": 1},
      "SensorIdPath": {"name": "id", "in": "path", "required": true, "description": "The sensor's id, %-encoded where needed.", "schema": {"type": "string", "minLength": 1}, "example": "wtf-pipe-1"},
      "SensorLimit": {"name": "limit", "in": "query", "description": "Sensors per page, at least 1 (0 or less is 422); more than 1000 gives a page of 1000, as every limit here is cut to what can be served.", "schema": {"type": "integer", "minimum": 1, "default": 100}},
      "After": {"name": "after", "in": "query", "description": "Start after this sensor id (the next of the previous page).", "schema": {"type": "string"}},
      "SensorActive": {"name": "active", "in": "query", "description": "Only sensors with (true) or without (false) active anomalies.", "schema": {"type": "boolean"}},
      "OutOfService": {"name": "out_of_service", "in": "query", "description": "Only sensors out of service (true) or in service (false).", "schema": {"type": "boolean"}},
      "Since": {"name": "since", "in": "query", "description": "Only readings strictly after this time (RFC 3339).", "schema": {"type": "string", "format": "date-time"}, "example": "2025-05-28T00:00:00Z"},
      "ReadingsLimit": {"name": "limit", "in": "query", "description": "Readings at most, at least 1 (0 or less is 422); more than alarms.recent_readings (128 by default) gives all the ring holds. Default 100, or the ring's size if smaller.", "schema": {"type": "integer", "minimum": 1, "default": 100}},
      "Window": {"name": "window", "in": "query", "description": "Whole minutes, hours or days (90m, 24h, 1d), rounded up to 10-minute periods; at most alarms.performance_window_s (24h), the default.", "schema": {"type": "string", "pattern": "^[0-9]+[mhd]$", "default": "24h"}, "example": "24h"},
      "EventNames": {"name": "events", "in": "query", "description": "Only these events, comma-separated.", "schema": {"type": "string"}, "example": "opened,ended,acknowledged"},
      "WatchedReadings": {"name": "readings", "in": "query", "description": "Also send the readings of these sensors (comma-separated, at most 16) as reading events.", "schema": {"type": "string"}, "example": "wtf-pipe-1"},
      "LastEventId": {"name": "Last-Event-ID", "in": "header", "description": "The id of the last event received: the stream resumes after it.", "schema": {"type": "string", "pattern": "^[0-9]+$"}},
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
      "UnknownAlarm": {"description": "No anomaly with this id in the history.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "UnknownSensor": {"description": "No sensor with this id: it never reported, is not expected and is not out of service.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "Conflict": {"description": "Not possible in the alarm's present state (already acknowledged, not shelved, already out of service) or a limit is reached; the detail says which.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "InvalidCommand": {"description": "The body lacks by, has an unknown or mistyped field, or a value out of range (a shelf longer than alarms.max_shelve_s, a comment too long); the detail names the field.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "Busy": {"description": "events.max_streams streams are open.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "BodyTooLarge": {"description": "The body is larger than api.max_body_bytes.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "InvalidQuery": {"description": "An unknown, repeated or out-of-range query parameter; the detail names it.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "InvalidReading": {"description": "An invalid reading (the detail names the item and the field), a timestamp more than api.max_clock_skew_s in the future, too many readings, or more distinct sensors than the detector tracks.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "HeadersTooLarge": {"description": "The request head is larger than api.max_header_bytes.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "NotReady": {"description": "The daemon is starting or stopping and takes no readings.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    },
    "requestBodies": {
      "Note": {
        "required": true,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Note"}, "example": {"by": "alice", "comment": "pump 2 restarted"}}}
      },
      "Comment": {
        "required": true,
        "content": {"application/json": {"schema": {"allOf": [{"$ref": "#/components/schemas/Note"}, {"required": ["comment"]}]}, "example": {"by": "alice", "comment": "valve replaced, watching it"}}}
      },
      "Shelve": {
        "required": true,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ShelveNote"}, "example": {"by": "alice", "duration_s": 3600, "comment": "known nuisance while the filter is backwashed"}}}
      }
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
          "contributions": {"type": "array", "description": "Multivariate: each parameter's share of the statistic at its peak, largest first.", "items": {"type": "object", "required": ["parameter", "share"], "properties": {"parameter": {"type": "string"}, "share": {"type": "number", "minimum": 0, "maximum": 1}}}},
          "alarm": {"oneOf": [{"$ref": "#/components/schemas/Alarm"}, {"type": "null"}], "description": "Its alarm state; null only for an anomaly older than the alarms kept."}
        }
      },
      "Note": {
        "type": "object",
        "required": ["by"],
        "additionalProperties": false,
        "properties": {
          "by": {"type": "string", "minLength": 1, "maxLength": 64, "description": "Who acts: an operator's name or initials. No control characters."},
          "comment": {"type": "string", "maxLength": 1000, "description": "At most alarms.max_comment_bytes; tabs and newlines allowed, other control characters not."}
        }
      },
      "ShelveNote": {
        "type": "object",
        "required": ["by"],
        "additionalProperties": false,
        "description": "Exactly one of duration_s and until_normal.",
        "properties": {
          "by": {"type": "string", "minLength": 1, "maxLength": 64},
          "comment": {"type": "string", "maxLength": 1000},
          "duration_s": {"type": "integer", "minimum": 1, "maximum": 28800, "description": "Up to alarms.max_shelve_s."},
          "until_normal": {"type": "boolean", "const": true, "description": "Until the alarm returns to normal (and alarms.max_shelve_s at the latest)."}
        }
      },
      "Alarm": {
        "type": "object",
        "description": "The operator's side of an anomaly (ISA-18.2).",
        "required": ["state", "suppressed", "acknowledged", "shelf", "out_of_service", "raised_while", "comments"],
        "properties": {
          "state": {"type": "string", "enum": ["unacknowledged", "acknowledged", "returned_unacknowledged", "normal"], "description": "returned_unacknowledged: it ended before anyone acknowledged it."},
          "suppressed": {"type": ["string", "null"], "enum": ["shelved", "out_of_service", null], "description": "Why it is not annunciated now."},
          "acknowledged": {"type": ["object", "null"], "properties": {"by": {"type": "string"}, "at": {"type": "string", "format": "date-time"}, "comment": {"type": "string"}}},
          "shelf": {"type": ["object", "null"], "description": "The shelf of its point, while shelved.", "properties": {"alarm_id": {"type": "integer"}, "by": {"type": "string"}, "at": {"type": "string", "format": "date-time"}, "until": {"type": "string", "format": "date-time"}, "until_normal": {"type": "boolean"}, "comment": {"type": "string"}}},
          "out_of_service": {"type": ["object", "null"], "description": "Its sensor's maintenance record.", "properties": {"by": {"type": "string"}, "since": {"type": "string", "format": "date-time"}, "comment": {"type": "string"}}},
          "raised_while": {"type": "string", "enum": ["none", "shelved", "out_of_service"], "description": "Whether it opened suppressed."},
          "comments": {"type": "array", "items": {"type": "object", "properties": {"by": {"type": "string"}, "at": {"type": "string", "format": "date-time"}, "text": {"type": "string"}}}}
        }
      },
      "Sensor": {
        "type": "object",
        "required": ["sensor_id", "last_seen", "readings", "parameters", "last_reading", "active_anomalies", "active_alarms", "out_of_service"],
        "properties": {
          "sensor_id": {"type": "string"},
          "last_seen": {"$ref": "#/components/schemas/Timestamp"},
          "readings": {"type": "integer", "minimum": 0, "description": "Accepted since start."},
          "parameters": {"type": "array", "items": {"type": "string"}, "description": "In the order they first appeared."},
          "last_reading": {"type": ["object", "null"], "description": "timestamp and one member per parameter."},
          "active_anomalies": {"type": "integer", "minimum": 0},
          "active_alarms": {"type": "array", "items": {"type": "object", "required": ["id", "type"], "properties": {"id": {"type": "integer"}, "type": {"type": "string"}, "parameter": {"type": "string"}, "state": {"type": "string"}, "suppressed": {"type": ["string", "null"]}}}},
          "out_of_service": {"type": ["object", "null"], "properties": {"by": {"type": "string"}, "since": {"type": "string", "format": "date-time"}, "comment": {"type": "string"}}}
        }
      },
      "SensorPage": {
        "type": "object",
        "required": ["sensors", "count", "matching", "next"],
        "properties": {
          "sensors": {"type": "array", "items": {"$ref": "#/components/schemas/Sensor"}},
          "count": {"type": "integer", "minimum": 0},
          "matching": {"type": "integer", "minimum": 0, "description": "Sensors after `after` that match the filters."},
          "next": {"type": ["string", "null"], "description": "Pass as after for the next page; null on the last."}
        }
      },
      "SensorReadings": {
        "type": "object",
        "required": ["sensor_id", "parameters", "readings", "count", "truncated", "oldest", "gap"],
        "properties": {
          "sensor_id": {"type": "string"},
          "parameters": {"type": "array", "items": {"type": "string"}},
          "readings": {"type": "array", "items": {"type": "object", "required": ["timestamp"]}},
          "count": {"type": "integer", "minimum": 0},
          "truncated": {"type": "boolean", "description": "More readings remain (newer with since, older without)."},
          "oldest": {"$ref": "#/components/schemas/Timestamp"},
          "gap": {"type": "boolean", "description": "Readings after since were already overwritten."}
        }
      },
      "AlarmPerformance": {
        "type": "object",
        "description": "Each figure with its target (EEMUA 191 table 35, ISA-18.2 table 5) and whether it is met; see the README.",
        "required": ["window", "alarms", "rate", "flood", "chattering", "stale", "top_contributors", "states", "exact"]
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
        "required": ["data_stream", "redis", "journal", "llm", "version", "uptime_seconds", "readings", "anomalies", "sensors", "alarms"],
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
            "description": "Counts; each sensor is in GET /sensors.",
            "required": ["count", "never_reported", "with_active_anomalies"],
            "properties": {
              "count": {"type": "integer", "minimum": 0},
              "never_reported": {"type": "integer", "minimum": 0, "description": "Expected sensors that have not reported."},
              "with_active_anomalies": {"type": "integer", "minimum": 0},
              "out_of_service": {"type": "integer", "minimum": 0}
            }
          },
          "alarms": {
            "type": "object",
            "description": "The alarms in the history by state; shelved and out_of_service ones are not in the others.",
            "required": ["active", "unacknowledged", "acknowledged", "returned_unacknowledged", "shelved", "out_of_service", "shelved_points"],
            "properties": {
              "active": {"type": "integer", "minimum": 0, "description": "Active and annunciated: unacknowledged plus acknowledged."},
              "unacknowledged": {"type": "integer", "minimum": 0},
              "acknowledged": {"type": "integer", "minimum": 0},
              "returned_unacknowledged": {"type": "integer", "minimum": 0},
              "shelved": {"type": "integer", "minimum": 0},
              "out_of_service": {"type": "integer", "minimum": 0},
              "shelved_points": {"type": "integer", "minimum": 0}
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
