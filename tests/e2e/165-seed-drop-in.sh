#!/usr/bin/env bash
# What a site running the seed system relies on keeps working with wtfd: a generator that adds a
# text field to its readings (over HTTP and on Redis sensor-data), a client that asks for 5000
# anomalies, and a /status whose last_received Python's datetime.fromisoformat reads (3.7+).
source "$(dirname "$0")/lib.sh"

start_redis
redis_config "ingest = true"
start_wtfd
wait_for 5 /status '.redis.ingest.subscribed'

post_json /readings '{"sensor_id": "wtf-pipe-1", "temperature": 45.2, "pressure": 2.1, "flow": 55.0, "status": "ok", "site": {"line": 2}}'
expect_status 200
expect_json '.accepted == 1 and .ignored_fields == 2'
http GET /anomalies
expect_json '[.[] | select(.sensor_id == "wtf-pipe-1" and .value == 45.2)] | length == 1'
post_json /readings '{"sensor_id": "wtf-pipe-1", "temperature": "hot", "status": "ok"}'
expect_status 422 "a configured parameter that is not a number"
expect_json '.detail == "item 0: field '"'"'temperature'"'"' must be a finite number"'
pass "a text field is ignored and counted; a configured parameter must still be a number"

redis PUBLISH sensor-data "{\"timestamp\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\", \"sensor_id\": \"seed-pipe\", \"temperature\": 47.5, \"pressure\": 2.1, \"flow\": 55.0, \"status\": \"ok\"}" >/dev/null
wait_for 5 /anomalies '[.[] | select(.sensor_id == "seed-pipe" and .value == 47.5)] | length == 1'
wait_for 5 /status '.readings.by_source.redis == 1 and .readings.ignored_fields == 3'
http GET /metrics
grep -q '^wtfd_reading_fields_ignored_total 3$' <<<"$BODY" || fail "metrics: $(grep ignored <<<"$BODY")"
pass "the same from Redis sensor-data, counted in /status and /metrics"

http GET '/anomalies?limit=5000'
expect_status 200 "a seed client's limit=5000"
expect_json 'length == 2'
http GET '/anomalies?limit=0'
expect_status 422
pass "a limit beyond the history is served whole, as the seed did"

http GET /status
last=$(jq -r .data_stream.last_received <<<"$BODY")
[[ "$last" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\+00:00$ ]] \
    || fail "last_received is not in the seed's format: $last"
if command -v python3 >/dev/null; then
    python3 -c 'import datetime, sys; datetime.datetime.fromisoformat(sys.argv[1])' "$last" \
        || fail "Python cannot read $last"
fi
pass "last_received is written as the seed wrote it"

stop_wtfd
expect_priority_prefixes
