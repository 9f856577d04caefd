#!/usr/bin/env bash
# /status does not grow with the plant: with 10,000 sensors it is still under 2 KB, while
# GET /sensors pages through all of them.
source "$(dirname "$0")/lib.sh"

test_config '' 'max_sensors = 10000'
start_wtfd

http GET /status
empty=${#BODY}
for batch in $(seq 0 9); do
    awk -v b="$batch" 'BEGIN {
        for (i = 0; i < 1000; i++)
            printf "{\"sensor_id\": \"plant-%05d\", \"temperature\": 21.5, \"pressure\": 2.0, \"flow\": 55.0}\n", b * 1000 + i
    }' >"$work/batch.ndjson"
    http POST /readings -H 'Content-Type: application/x-ndjson' --data-binary @"$work/batch.ndjson"
    expect_status 200 "batch $batch"
done
http GET /status
expect_json '.sensors.count == 10000 and .readings.accepted == 10000'
[ "${#BODY}" -lt 2048 ] || fail "/status is ${#BODY} bytes with 10,000 sensors"
pass "/status is ${#BODY} bytes with 10,000 sensors (${empty} with none)"

pages=0
after=""
seen=0
while :; do
    http GET "/sensors?limit=1000${after:+&after=$after}"
    expect_status 200
    pages=$((pages + 1))
    seen=$((seen + $(jq '.count' <<<"$BODY")))
    after=$(jq -r '.next // empty' <<<"$BODY")
    [ -n "$after" ] || break
    [ "$pages" -le 10 ] || fail "more pages than sensors allow"
done
[ "$seen" = 10000 ] && [ "$pages" = 10 ] || fail "paged $seen sensors in $pages pages"
expect_json '.sensors[-1].sensor_id == "plant-09999" and .sensors[-1].parameters == ["temperature", "pressure", "flow"]'
pass "GET /sensors pages through all 10,000 in 10 pages of 1000"

stop_wtfd
