#!/usr/bin/env bash
# GET /metrics is Prometheus text format 0.0.4 that a scraper accepts, behind the read token
# like the other GETs, and its counters move as readings, refusals and anomalies arrive.
source "$(dirname "$0")/lib.sh"

test_config 'read_token = "r3ad"
ingest_token = "wr1te"
max_body_bytes = 2048'
start_wtfd
read=(-H 'Authorization: Bearer r3ad')
write=(-H 'Authorization: Bearer wr1te')

# check_exposition FILE: what Prometheus' text parser insists on, in awk. Every line is a
# comment or a sample; every sample's family (less _bucket/_sum/_count for a histogram) has
# exactly one # HELP and one # TYPE line before it; counters end in _total; names start wtfd_.
check_exposition() {
    awk '
        function fail(why) { printf "line %d: %s: %s\n", NR, why, $0; bad = 1; exit 1 }
        /^# HELP / { if (help[$3]++) fail("second HELP"); next }
        /^# TYPE / {
            if (!help[$3]) fail("TYPE before HELP")
            if (type[$3] != "") fail("second TYPE")
            if ($4 !~ /^(counter|gauge|histogram|summary|untyped)$/) fail("unknown type")
            if ($4 == "counter" && $3 !~ /_total$/) fail("counter without _total")
            type[$3] = $4; next
        }
        /^#/ { next }
        {
            if ($0 !~ /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\[\\"n])*",?)*\})? ([0-9eE.+-]+|NaN|[+-]Inf)$/)
                fail("not a sample line")
            name = $0; sub(/[{ ].*/, "", name)
            family = name
            if (type[family] == "") {
                base = name; sub(/_(bucket|sum|count)$/, "", base)
                if (type[base] == "histogram") family = base
            }
            if (type[family] == "") fail("sample without HELP/TYPE")
            if (family !~ /^wtfd_/) fail("name without the wtfd_ prefix")
            if (name ~ /_bucket$/ && $0 !~ /le="/) fail("bucket without le")
            samples++
        }
        END { if (!bad && samples == 0) { print "no samples"; exit 1 } }
    ' "$1"
}

# metric SERIES: the value of one series ("wtfd_readings_total{source=\"http\"}") in $BODY.
# (ENVIRON, not -v: awk -v would undo the label escapes.)
metric() {
    SERIES=$1 awk 'index($0, ENVIRON["SERIES"] " ") == 1 { print $NF; found = 1 }
                   END { exit !found }' <<<"$BODY" || fail "no series $1 in: $BODY"
}

expect_metric() {
    local got
    got=$(metric "$1")
    awk -v g="$got" -v w="$2" 'BEGIN { exit !(g + 0 == w + 0) }' ||
        fail "$1: expected $2, got $got"
}

http GET /metrics
expect_status 401 "GET /metrics without the read token"
http GET /metrics "${read[@]}"
expect_status 200
expect_header 'Content-Type: text/plain; version=0.0.4; charset=utf-8'
check_exposition "$work/body" || fail "GET /metrics does not parse"
expect_metric 'wtfd_readings_total{source="http"}' 0
expect_metric 'wtfd_active_anomalies' 0
expect_metric 'wtfd_journal_healthy' 1
version=$("$WTFD" --version | awk '{ print $2 }')
expect_metric "wtfd_build_info{version=\"$version\"}" 1
[ "$(metric wtfd_resident_memory_bytes)" -gt 1000000 ] || fail "resident memory too small"
awk -v u="$(metric wtfd_uptime_seconds)" 'BEGIN { exit !(u >= 0 && u < 60) }' ||
    fail "uptime out of range"
if grep -q '^wtfd_redis_' "$work/body"; then fail "Redis metrics while Redis is off"; fi
pass "GET /metrics parses as Prometheus text 0.0.4, behind the read token"

http HEAD /metrics -I "${read[@]}"
expect_status 200
expect_header 'Content-Type: text/plain; version=0.0.4'
http POST /metrics "${write[@]}"
expect_status 405
expect_header 'Allow: GET, HEAD'
pass "HEAD /metrics like GET; POST is 405"

post_json /readings '{"sensor_id": "wtf-pipe-1", "temperature": 45.0, "pressure": 2.0}' "${write[@]}"
expect_status 200
post_json /readings '{"sensor_id": "wtf-pipe-\"2\"", "temperature": 21.0}' "${write[@]}"
expect_status 200
post_json /readings '{"sensor_id": ' "${write[@]}"
expect_status 400
post_json /readings '{"sensor_id": "a", "flow": "fast"}' "${write[@]}"
expect_status 422
post_json /readings '{"timestamp": "2999-01-01T00:00:00Z", "sensor_id": "a", "flow": 1.0}' \
    "${write[@]}"
expect_status 422
http GET /anomalies "${read[@]}"
expect_status 200
big=$(printf '{"sensor_id": "a", "pad": "%s"}' "$(printf 'x%.0s' $(seq 3000))")
post_json /readings "$big" "${write[@]}"
expect_status 413

http GET /metrics "${read[@]}"
expect_status 200
check_exposition "$work/body" || fail "GET /metrics does not parse after readings"
expect_metric 'wtfd_readings_total{source="http"}' 2
expect_metric 'wtfd_sensor_readings_total{sensor="wtf-pipe-1"}' 1
expect_metric 'wtfd_sensor_readings_total{sensor="wtf-pipe-\"2\""}' 1
expect_metric 'wtfd_rejected_total{reason="malformed"}' 1
expect_metric 'wtfd_rejected_total{reason="invalid"}' 1
expect_metric 'wtfd_rejected_total{reason="clock_skew"}' 1
expect_metric 'wtfd_active_anomalies' 1
spikes=$(awk '/^wtfd_anomalies_total\{type="spike"/ { n += $NF } END { print n + 0 }' <<<"$BODY")
[ "$spikes" -eq 1 ] || fail "expected 1 spike in wtfd_anomalies_total, got $spikes"
expect_metric 'wtfd_http_requests_total{route="/readings",status="200"}' 2
expect_metric 'wtfd_http_requests_total{route="/readings",status="400"}' 1
expect_metric 'wtfd_http_requests_total{route="/readings",status="422"}' 2
expect_metric 'wtfd_http_requests_total{route="/readings",status="413"}' 1
expect_metric 'wtfd_http_requests_total{route="/metrics",status="401"}' 1
expect_metric 'wtfd_http_requests_total{route="/metrics",status="405"}' 1
expect_metric 'wtfd_http_request_duration_seconds_count{route="/anomalies"}' 1
expect_metric 'wtfd_http_request_duration_seconds_bucket{route="/anomalies",le="+Inf"}' 1
for _ in $(seq 100); do
    http GET /metrics "${read[@]}"
    [ "$(metric wtfd_journal_events_written_total)" -ge 1 ] && break
    sleep 0.05
done
[ "$(metric wtfd_journal_events_written_total)" -ge 1 ] || fail "the journal wrote nothing"
pass "counters moved: readings, rejections by reason, anomalies, HTTP requests"

http GET /status "${read[@]}"
expect_json '.readings.rejected == 3 and .readings.accepted == 2'
pass "/status still reports the refused batches as one sum"

stop_wtfd
expect_priority_prefixes
