#!/usr/bin/env bash
# Readings posted over HTTP become exactly the expected anomalies, in order, with the seed's
# fields; episodes close with their end time and duration; a silent sensor drops out on time.
source "$(dirname "$0")/lib.sh"

test_config
start_wtfd

# One batch: pressure leaves its normal band [1.0, 3.0] for 2.1 s (drift), temperature jumps
# to 45.2 (spike), then both are back inside.
set_time_base
batch=$(cat <<JSON
[
 {"timestamp": "$(time_from_now -4.2)", "sensor_id": "wtf-pipe-1", "temperature": 22.0, "pressure": 2.0, "flow": 50.0},
 {"timestamp": "$(time_from_now -3.5)", "sensor_id": "wtf-pipe-1", "temperature": 22.0, "pressure": 0.8, "flow": 50.0},
 {"timestamp": "$(time_from_now -2.8)", "sensor_id": "wtf-pipe-1", "temperature": 22.1, "pressure": 0.8, "flow": 50.0},
 {"timestamp": "$(time_from_now -2.1)", "sensor_id": "wtf-pipe-1", "temperature": 22.0, "pressure": 0.7, "flow": 50.0},
 {"timestamp": "$(time_from_now -1.4)", "sensor_id": "wtf-pipe-1", "temperature": 22.0, "pressure": 0.8, "flow": 50.0},
 {"timestamp": "$(time_from_now -0.7)", "sensor_id": "wtf-pipe-1", "temperature": 45.2, "pressure": 0.9, "flow": 50.0},
 {"timestamp": "$(time_from_now 0)", "sensor_id": "wtf-pipe-1", "temperature": 22.0, "pressure": 2.0, "flow": 50.0}
]
JSON
)
post_json /readings "$batch"
expect_status 200 "POST /readings"
expect_json '. == {"accepted": 7, "stale": 0, "ignored_fields": 0}'
pass "a batch of seven readings is accepted"

http GET /anomalies
expect_status 200
expect_header 'Content-Type: application/json'
expect_json '[.[] | select(.type != "dropout")] | length == 2' "two episodes"
expect_json '.[0] | .id == 1 and .type == "drift" and .sensor_id == "wtf-pipe-1"
    and .parameter == "pressure" and .value == 0.8 and .duration_seconds == 3.5
    and .message == "Pressure drift detected for 3.5s" and .severity == "warning"
    and .active == false and .peak_value == 0.7 and .unit == "bar"
    and .limits == {"low": 1.0, "high": 3.0}' "the drift"
expect_json '.[1] | .id == 2 and .type == "spike" and .parameter == "temperature"
    and .value == 45.2 and .message == "Temperature spike detected: 45.2"
    and .severity == "critical" and .active == false and .duration_seconds == 0.7' "the spike"
expect_json '.[0].ended_at != null and .[0].started_at < .[0].timestamp' "drift times"
# Numbers as people write them: 45.2 and 0.8, never 4.52E1.
grep -q '"value":45.2,' "$work/body" || fail "45.2 not printed as 45.2: $BODY"
pass "one drift and one spike with the seed's fields, closed with their durations"

http GET '/anomalies?limit=1'
expect_json 'length == 1 and .[0].id >= 2' "limit=1 returns the newest"
http GET '/anomalies?type=drift'
expect_json 'length == 1 and .[0].type == "drift"'
http GET '/anomalies?sensor_id=nobody'
expect_json '. == []'
pass "limit, type and sensor_id filters"

# The sensor now stays silent: one dropout about a second later, not one per tick.
wait_for 5 /anomalies '[.[] | select(.type == "dropout")] | length == 1'
expect_json '[.[] | select(.type == "dropout")][0] | .active == true and .sensor_id == "wtf-pipe-1"
    and .message == "Sensor dropout detected" and (has("parameter") | not)'
sleep 1.5
http GET '/anomalies?type=dropout'
expect_json 'length == 1' "still one dropout after further ticks"
http GET '/anomalies?active=true'
expect_json 'length == 1 and .[0].type == "dropout"'
pass "a silent sensor is one active dropout"

post_json /readings "{\"sensor_id\": \"wtf-pipe-1\", \"temperature\": 22.0, \"pressure\": 2.0, \"flow\": 50.0}"
expect_status 200
http GET '/anomalies?type=dropout'
expect_json '.[0].active == false and .[0].duration_seconds > 1.0'
pass "the dropout ends when the sensor reports again"

stop_wtfd
expect_priority_prefixes
grep -q '^<6>detector: ' "$work/stderr" || fail "no <6> anomaly lines"
pass "clean SIGTERM exit with journald priorities"
