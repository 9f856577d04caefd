#!/usr/bin/env bash
# Working alarms as an operator works them, with curl: acknowledge with a comment, shelve a
# nuisance, take a sensor out of service; the refusals; the operator token; and all of it as it
# was after a SIGKILL and a restart.
source "$(dirname "$0")/lib.sh"

quiet_config '[api]
ingest_token = "in-secret"
operator_token = "op-secret"

[storage]
fsync_interval_s = 0.2

[alarms]
max_shelve_s = 7200

[log]
level = "debug"'
start_wtfd
ingest=(-H 'Authorization: Bearer in-secret')
operator=(-H 'Authorization: Bearer op-secret')

# command PATH JSON [curl arguments]: an operator's POST with the operator token.
command() {
    local path=$1 body=$2
    shift 2
    post_json "$path" "$body" "${operator[@]}" "$@"
}

set_time_base
batch=""
for n in 1 2 3; do
    batch+="{\"timestamp\": \"$(time_from_now -$((10 - n)))\", \"sensor_id\": \"wtf-pipe-$n\", \"temperature\": 4$n.5}"$'\n'
done
http POST /readings -H 'Content-Type: application/x-ndjson' --data-binary "$batch" "${ingest[@]}"
expect_status 200
http GET /anomalies
expect_json 'length == 3 and all(.[]; .alarm.state == "unacknowledged" and .alarm.suppressed == null)'
pass "each anomaly is an alarm, unacknowledged when it opens"

post_json /anomalies/1/ack '{"by": "alice"}'
expect_status 401 "a command without a token"
post_json /anomalies/1/ack '{"by": "alice"}' "${ingest[@]}"
expect_status 401 "the ingest token is not the operator's when api.operator_token is set"
command /anomalies/1/ack '{"by": "alice", "comment": "pump 2 tripped, resetting"}'
expect_status 200
expect_json '.id == 1 and .alarm.state == "acknowledged" and .alarm.acknowledged.by == "alice"
    and .alarm.acknowledged.comment == "pump 2 tripped, resetting"'
command /anomalies/1/ack '{"by": "bob"}'
expect_status 409 "a second acknowledgement"
expect_json '.detail | test("already acknowledged")'
command /anomalies/99/ack '{"by": "bob"}'
expect_status 404 "an unknown alarm"
command /anomalies/nine/ack '{"by": "bob"}'
expect_status 404 "an id that is no number"
command /anomalies/1/ack '{"comment": "who am I"}'
expect_status 422 "no name"
expect_json '.detail | test("by")'
command /anomalies/1/comments '{"by": "alice", "comment": "pump reset, watching it"}'
expect_status 200
expect_json '.alarm.comments | length == 1'
pass "acknowledge with a comment and add one; 401, 409, 404 and 422 refusals"

command /anomalies/2/shelve '{"by": "bob", "duration_s": 7201}'
expect_status 422 "a shelf beyond alarms.max_shelve_s"
expect_json '.detail | test("max_shelve_s")'
command /anomalies/2/shelve '{"by": "bob", "duration_s": 3600, "comment": "backwash"}'
expect_status 200
expect_json '.alarm.suppressed == "shelved" and .alarm.shelf.by == "bob"'
command /sensors/wtf-pipe-3/out-of-service '{"by": "carol", "comment": "replacing the probe"}'
expect_status 200
expect_json '.sensor_id == "wtf-pipe-3" and .out_of_service.by == "carol"'
command /sensors/nowhere/out-of-service '{"by": "carol"}'
expect_status 404 "an unknown sensor"
http GET '/anomalies?acknowledged=true' "${operator[@]}"
expect_json '[.[].id] == [1]'
http GET '/anomalies?shelved=true' "${operator[@]}"
expect_json '[.[].id] == [2]'
http GET /status
expect_json '.alarms.active == 1 and .alarms.acknowledged == 1 and .alarms.shelved == 1
    and .alarms.out_of_service == 1 and .sensors.out_of_service == 1'
pass "shelve for a while, take a sensor out of service; filters and counts follow"

# A shelved point's repeat is recorded but shelved.
post_json /readings "{\"timestamp\": \"$(time_from_now -5)\", \"sensor_id\": \"wtf-pipe-2\", \"temperature\": 22.0}" "${ingest[@]}"
post_json /readings "{\"timestamp\": \"$(time_from_now -4)\", \"sensor_id\": \"wtf-pipe-2\", \"temperature\": 44.0}" "${ingest[@]}"
http GET /anomalies/4
expect_json '.sensor_id == "wtf-pipe-2" and .alarm.suppressed == "shelved" and .alarm.raised_while == "shelved"'
pass "a shelved point's repeat is recorded, marked shelved"

http GET /anomalies
before=$(jq -c '[.[] | {id, alarm: (.alarm | del(.state))}]' <<<"$BODY")
sleep 0.3
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
pid=""

start_wtfd
http GET /anomalies
after=$(jq -c '[.[] | {id, alarm: (.alarm | del(.state))}]' <<<"$BODY")
[ "$before" = "$after" ] || fail "alarm state differs after SIGKILL: before $before after $after"
expect_json '.[0].alarm.state == "normal"' "acknowledged, then ended at the restart: normal"
http GET /sensors "${operator[@]}"
expect_json '[.sensors[] | select(.out_of_service != null) | .sensor_id] == ["wtf-pipe-3"]'
grep -q 'restored history anomalies=4 summaries=0 alarm_transitions=' "$work/stderr" \
    || fail "no restore line with alarm transitions"
pass "acknowledgements, comments, shelves and out of service survive SIGKILL"

command /anomalies/4/unshelve '{"by": "bob"}'
expect_status 200
expect_json '.alarm.suppressed == null'
command /sensors/wtf-pipe-3/in-service '{"by": "carol"}'
expect_status 200
expect_json '.out_of_service == null'
http GET /status
expect_json '.alarms.shelved == 0 and .alarms.out_of_service == 0'
http GET /metrics
grep -q '^wtfd_alarm_transitions_total{action="in_service"} 1$' <<<"$BODY" \
    || fail "transitions are not counted: $(grep wtfd_alarm <<<"$BODY")"
pass "unshelve and back in service after the restart; /metrics counts them"

stop_wtfd
expect_priority_prefixes
