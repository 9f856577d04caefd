#!/usr/bin/env bash
# The multivariate baselines: learned from a sensor's first readings (a short warm-up here),
# shown by GET /sensors/{id}/baseline, kept in the state dir across a restart, learned again on
# POST .../relearn (ingest token) and forgotten by --relearn.
source "$(dirname "$0")/lib.sh"

quiet_config '[api]
ingest_token = "secret"

[detect.multivariate]
warmup = 30
refine_after = 0

[log]
level = "debug"'
start_wtfd

# 40 readings a second apart of a flow and a pressure that move together, inside their bands.
set_time_base
batch=""
for i in $(seq 0 39); do
    flow=$(awk -v i="$i" 'BEGIN { printf "%.2f", 60 + 5 * sin(i * 0.7) + (i % 3) * 0.3 }')
    pressure=$(awk -v i="$i" 'BEGIN { printf "%.3f", 2 - 0.1 * sin(i * 0.7) + (i % 5) * 0.01 }')
    batch+="{\"timestamp\": \"$(time_from_now $((i - 60)))\", \"sensor_id\": \"wtf-pipe-1\", \"flow\": $flow, \"pressure\": $pressure}"$'\n'
done
http POST /readings -H 'Authorization: Bearer secret' -H 'Content-Type: application/x-ndjson' \
    --data-binary "$batch"
expect_status 200
http GET /sensors/wtf-pipe-1/baseline
expect_status 200
expect_json '.state == "learned" and .baseline.origin == "learned" and (.baseline.parameters | map(.name)) == ["flow", "pressure"] and .baseline.components >= 1' \
    "a learned baseline"
learned=$(jq -c '.baseline' <<<"$BODY")
grep -q 'Multivariate baseline learned sensor=wtf-pipe-1 parameters=2' "$work/stderr" \
    || fail "no log line for the learned baseline"
http GET /sensors/nobody/baseline
expect_status 404
pass "a sensor's baseline is learned and shown"

for _ in $(seq 100); do [ -s "$work/state/baselines.json" ] && break; sleep 0.05; done
[ -s "$work/state/baselines.json" ] || fail "no baselines.json in the state dir"
stop_wtfd
rm -f "$work/stderr" # start_wtfd must not read the last run's port
start_wtfd
grep -q 'baselines restored sensors=1' "$work/stderr" || fail "no restore log line: $(cat "$work/stderr")"
http GET /sensors/wtf-pipe-1/baseline
expect_status 200
expect_json '.state == "waiting"' "the restored baseline waits for the sensor's first reading"
# Numbers to 12 significant digits: Boost.JSON 1.81 reads a double back to within an ulp.
jq -e --argjson before "$learned" 'def r: walk(if type == "number" then (. * 1e12 | round) / 1e12 else . end);
    (.baseline | r) == ($before | r)' <<<"$BODY" \
    >/dev/null || fail "the baseline changed across the restart: before $learned after $BODY"
post_json /readings "{\"timestamp\": \"$(time_from_now 0)\", \"sensor_id\": \"wtf-pipe-1\", \"flow\": 60.0, \"pressure\": 2.0}" \
    -H 'Authorization: Bearer secret'
expect_status 200
http GET /sensors/wtf-pipe-1/baseline
expect_json '.state == "learned" and .warmup_readings == 30' "no new warm-up after the restart"
pass "the baseline survives a restart"

http POST /sensors/wtf-pipe-1/baseline/relearn
expect_status 401
http POST /sensors/wtf-pipe-1/baseline/relearn -H 'Authorization: Bearer secret'
expect_status 200
http GET /sensors/wtf-pipe-1/baseline
expect_json '.state == "learning" and (has("baseline") | not)' "learning again"
grep -q 'Multivariate baseline relearning sensor=wtf-pipe-1 parameters=2 reason="asked"' "$work/stderr" \
    || fail "no log line for the relearn"
http POST /sensors/nobody/baseline/relearn -H 'Authorization: Bearer secret'
expect_status 404
pass "POST .../baseline/relearn forgets the baseline (ingest token)"

stop_wtfd
rm -f "$work/stderr"
WTFD_STATE_DIR=$work/state JOURNAL_STREAM=8:1234 "$WTFD" --config "$work/wtfd.toml" \
    --listen 127.0.0.1:0 --relearn >"$work/stdout" 2>"$work/stderr" &
pid=$!
for _ in $(seq 400); do grep -q 'listening address' "$work/stderr" && break; sleep 0.025; done
grep -q 'saved baselines forgotten (--relearn)' "$work/stderr" || fail "no --relearn log line"
[ -e "$work/state/baselines.json" ] && fail "--relearn left baselines.json"
stop_wtfd
expect_priority_prefixes
pass "--relearn forgets the saved baselines"
