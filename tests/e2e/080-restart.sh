#!/usr/bin/env bash
# The journal keeps the history across a crash: anomalies and summaries reported before SIGKILL
# are served the same after a restart on the same state dir, an episode open at the kill is
# closed as of the last reading seen, new ids continue after the old ones, and a journal with a
# garbage line and a torn last line still loads.
source "$(dirname "$0")/lib.sh"

cat >"$work/wtfd.toml" <<TOML
[generator]
enabled = false

[detect]
drift_duration_s = 1.5
dropout_gap_s = 600.0

[summary]
interval_s = 0.5

[llm]
enabled = false

[storage]
fsync_interval_s = 0.2

[log]
level = "debug"
TOML
start_wtfd

# One batch: a spike on wtf-pipe-1 that ends, a drift on wtf-pipe-2 that ends, and a drift on
# wtf-pipe-3 still open when wtfd is killed.
set_time_base
batch=""
add() { batch+="{\"timestamp\": \"$(time_from_now "$1")\", \"sensor_id\": \"$2\", $3}"$'\n'; }
add -10 wtf-pipe-1 '"temperature": 45.2'
add -9 wtf-pipe-1 '"temperature": 22.0'
add -10 wtf-pipe-2 '"pressure": 3.5'
add -8 wtf-pipe-2 '"pressure": 3.5'
add -7 wtf-pipe-2 '"pressure": 2.0'
add -6 wtf-pipe-3 '"pressure": 3.4'
add -4 wtf-pipe-3 '"pressure": 3.4'
http POST /readings -H 'Content-Type: application/x-ndjson' --data-binary "$batch"
expect_status 200
wait_for 5 /summary '.count == 1'
http GET /anomalies
expect_json 'length == 3 and ([.[] | .active] == [false, false, true])' "three anomalies, one open"
before_anomalies=$BODY
http GET '/summary?detail=true'
before_summaries=$BODY
# Let one fsync interval pass, so the journal has marked the newest reading.
sleep 0.5
http GET /status
expect_json '.journal.healthy and .journal.events_written >= 6' "the journal wrote the events"

kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
pid=""
[ -s "$work/state/journal.jsonl" ] || fail "no journal in the state dir"

start_wtfd
http GET /anomalies
after_anomalies=$BODY
jq -e --argjson before "$before_anomalies" '
    (.[0:2] == $before[0:2])
    and (.[2] | del(.active, .ended_at, .duration_seconds, .message, .closed_at_restart, .alarm))
        == ($before[2] | del(.active, .ended_at, .duration_seconds, .message, .alarm))
    and .[2].alarm.state == "returned_unacknowledged" and $before[2].alarm.state == "unacknowledged"
    and .[2].active == false and .[2].closed_at_restart == true' <<<"$after_anomalies" >/dev/null \
    || fail "anomalies differ after the restart: before $before_anomalies after $after_anomalies"
# The drift started with the reading at -6 s; the newest reading wtfd saw was at -4 s.
expect_json '.[2].ended_at != null and .[2].duration_seconds == 2.0' \
    "the open drift ends at the last reading seen"
http GET '/summary?detail=true'
[ "$BODY" = "$before_summaries" ] || fail "summaries differ: before $before_summaries after $BODY"
grep -q 'restored history anomalies=3 summaries=1' "$work/stderr" || fail "no restore log line"
pass "anomalies and summaries survive SIGKILL; the open episode is closed at the last reading"

post_json /readings "{\"timestamp\": \"$(time_from_now -1)\", \"sensor_id\": \"wtf-pipe-4\", \"temperature\": 50.0}"
expect_status 200
http GET /anomalies
expect_json 'length == 4 and .[3].id == 4 and ([.[] | .id] == [1, 2, 3, 4])' "ids continue"
pass "new ids continue after the restored ones"

# A garbage line in the middle and a torn last line (a crash mid-write) are skipped with a
# warning naming the file and the line; everything else loads.
stop_wtfd
journal="$work/state/journal.jsonl"
lines=$(wc -l <"$journal")
sed -i '2i this is not json' "$journal"
printf '{"change":"opened","anomaly":{"id":99,"type":"sp' >>"$journal"
start_wtfd
http GET /anomalies
expect_json 'length == 4 and ([.[] | .id] == [1, 2, 3, 4])' "all four anomalies load"
grep -q "^<4>journal: .*line=2\b.*$journal\|^<4>journal: .*$journal.*line=2\b\|^<4>journal: .*$journal:2\b" "$work/stderr" \
    || fail "no warning naming the garbage line: $(grep journal "$work/stderr")"
grep -q "^<4>journal: .*torn" "$work/stderr" || fail "no warning about the torn last line"
post_json /readings "{\"timestamp\": \"$(time_from_now 0)\", \"sensor_id\": \"wtf-pipe-5\", \"temperature\": 51.0}"
expect_status 200
http GET /anomalies
expect_json '.[4].id == 5' "ids continue after a damaged journal"
pass "a garbage line and a torn last line are skipped with warnings (journal had $lines lines)"

stop_wtfd
expect_priority_prefixes

# A state dir that cannot be created: logged, shown in /status, and wtfd keeps working.
touch "$work/not-a-dir"
WTFD_STATE_DIR="$work/not-a-dir/state" start_wtfd
wait_for 5 /status '.journal.healthy == false and (.journal.message | test("^Journal error: "))'
post_json /readings "{\"sensor_id\": \"wtf-pipe-6\", \"temperature\": 52.0}"
expect_status 200
http GET /anomalies
expect_json 'length == 1 and .[0].sensor_id == "wtf-pipe-6"' "ingest goes on without a journal"
grep -q '^<3>journal: ' "$work/stderr" || fail "the journal failure is not logged as an error"
pass "an unusable state dir is reported in /status and the log; the daemon keeps running"
stop_wtfd
