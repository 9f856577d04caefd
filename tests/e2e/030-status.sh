#!/usr/bin/env bash
# GET /status keeps the seed's shape and adds uptime, version and per-sensor state.
source "$(dirname "$0")/lib.sh"

test_config
start_wtfd

http GET /status
expect_status 200
expect_json '.data_stream == {"healthy": false, "last_received": null, "message": "No data received yet"}'
expect_json '.redis.connected == false and (.redis.message | type == "string")'
expect_json '(.version | test("^[0-9]+\\.[0-9]+\\.[0-9]+$")) and .uptime_seconds >= 0'
expect_json '.sensors == {} and .anomalies.active == 0'
pass "status before any reading"

post_json /readings '{"sensor_id": "wtf-pipe-1", "temperature": 45.0, "pressure": 2.0}'
expect_status 200
http GET /status
expect_json '.data_stream.healthy == true and .data_stream.message == "Data flowing normally"'
expect_json '.data_stream.last_received | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}\\+00:00$")'
expect_json '.sensors["wtf-pipe-1"].readings == 1 and .sensors["wtf-pipe-1"].active_anomalies == 1'
expect_json '.anomalies.active == 1 and .anomalies.total == 1'
expect_json '.readings.by_source.http == 1'
pass "status after a reading: healthy, per-sensor state, counters"

http GET /summary
expect_status 200
expect_json '. == {"summaries": [], "count": 0}'
pass "summary keeps the seed's shape while empty"

stop_wtfd
