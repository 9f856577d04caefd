#!/usr/bin/env bash
# A sensor listed in detect.expected_sensors that never reports is a dropout from start-up.
source "$(dirname "$0")/lib.sh"

test_config '' 'expected_sensors = ["wtf-pipe-9"]'
start_wtfd

http GET /status
expect_json '.sensors.count == 1 and .sensors.never_reported == 1'
http GET /sensors
expect_json '.sensors[0].sensor_id == "wtf-pipe-9" and .sensors[0].last_seen == null'
wait_for 5 /anomalies 'length == 1'
expect_json '.[0] | .type == "dropout" and .sensor_id == "wtf-pipe-9" and .never_seen == true
    and .active == true'
sleep 1.2
http GET /anomalies
expect_json 'length == 1' "one dropout, not one per tick"
pass "an expected sensor that never reports is one dropout"

stop_wtfd
