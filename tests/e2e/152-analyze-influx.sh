#!/usr/bin/env bash
# wtfd analyze --influx: points written to a real influxd over its HTTP API, then analysed through
# its query API in small chunks: series tags name the sensors, fields are the parameters, and the
# injected anomalies come out exactly. Authentication uses INFLUX_PASSWORD, never argv.
source "$(dirname "$0")/lib.sh"

start_influx auth
influx_http /query --data-urlencode "q=CREATE USER admin WITH PASSWORD 's3cret pw' WITH ALL PRIVILEGES" >/dev/null \
    || fail "cannot create the admin user"
influx_http /query -u 'admin:s3cret pw' --data-urlencode "q=CREATE DATABASE plant" >/dev/null \
    || fail "cannot create the database"

# Two sensors every 2 s for 20 minutes from 2025-05-28T00:00:00Z (1748390400). Injected:
#   t=300       wtf-pipe-1 temperature 45.2   -> spike 300..302
#   t=602..660  wtf-pipe-2 sends nothing      -> dropout 600..662, confirmed at 610
awk 'BEGIN {
    for (i = 0; i < 600; i++) {
        t = 2 * i
        for (s = 1; s <= 2; s++) {
            temp = 20 + (i % 7) * 0.5
            if (s == 1 && t == 300) temp = 45.2
            if (s == 2 && t >= 602 && t <= 660) continue
            # Pressure and flow move a little, as live ones do: constant ones would be stuck.
            printf "readings,sensor_id=wtf-pipe-%d,site=north temperature=%.1f,pressure=%.1f,flow=%.1f %d\n", s, temp, 2.0 + (i % 5) * 0.1, 55 + (i % 3), 1748390400 + t
        }
    }
}' >"$work/points.lp"
influx_http '/write?db=plant&precision=s' -u 'admin:s3cret pw' --data-binary @"$work/points.lp" \
    || fail "cannot write the points"
points=$(wc -l <"$work/points.lp")

query="SELECT temperature, pressure, flow FROM readings WHERE time >= '2025-05-28T00:00:00Z' GROUP BY sensor_id"
rc=0
INFLUX_PASSWORD='s3cret pw' "$WTFD" analyze --no-llm --influx "http://127.0.0.1:$influx_port" \
    --db plant --query "$query" --influx-user admin --anomalies "$work/anomalies.jsonl" \
    >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" -eq 0 ] || fail "analyze --influx exited $rc: $(cat "$work/err")"
grep -q "^  influx http://127.0.0.1:$influx_port db plant: $points rows, 0 rejected (2 series" "$work/out" \
    || fail "unexpected source line: $(cat "$work/out")"
grep -q "^Readings: $points accepted" "$work/out" || fail "$(cat "$work/out")"
grep -q "^Sensors (2): wtf-pipe-1 (600 readings, dropout gap 10 s); wtf-pipe-2" "$work/out" \
    || fail "sensors: $(cat "$work/out")"
grep -q "^Parameters judged (3): flow, pressure, temperature" "$work/out" || fail "$(cat "$work/out")"
grep -q "^Anomalies: 2 (1 spike, 0 drifts, 1 dropout)" "$work/out" || fail "$(cat "$work/out")"
jq -s -e '
  map({type, sensor_id, parameter, started_at, ended_at, timestamp, duration_seconds}) == [
    {"type":"spike","sensor_id":"wtf-pipe-1","parameter":"temperature",
     "started_at":"2025-05-28T00:05:00Z","ended_at":"2025-05-28T00:05:02Z",
     "timestamp":"2025-05-28T00:05:00Z","duration_seconds":2.0},
    {"type":"dropout","sensor_id":"wtf-pipe-2","parameter":null,
     "started_at":"2025-05-28T00:10:00Z","ended_at":"2025-05-28T00:11:02Z",
     "timestamp":"2025-05-28T00:10:10Z","duration_seconds":62.0}
  ]' "$work/anomalies.jsonl" >/dev/null || fail "unexpected anomalies: $(cat "$work/anomalies.jsonl")"
grep -q 's3cret' "$work/out" "$work/err" && fail "the password was printed"
pass "points written over InfluxDB's HTTP API are analysed: sensors from tags, exact anomalies"

rc=0
INFLUX_PASSWORD=wrong "$WTFD" analyze --no-llm --influx "http://127.0.0.1:$influx_port" \
    --db plant --query "$query" --influx-user admin >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" -eq 1 ] || fail "a wrong password exited $rc"
grep -q "401" "$work/err" || fail "no HTTP 401 in: $(cat "$work/err")"
rc=0
INFLUX_PASSWORD='s3cret pw' "$WTFD" analyze --no-llm --influx "http://127.0.0.1:$influx_port" \
    --db plant --query "SELEKT nonsense" --influx-user admin >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" -eq 1 ] || fail "a bad query exited $rc"
grep -q "error parsing query" "$work/err" || fail "no query error in: $(cat "$work/err")"
pass "a wrong password and a bad query are clear errors, exit 1"
stop_influx
