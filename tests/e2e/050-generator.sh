#!/usr/bin/env bash
# The built-in generator feeds the same pipeline: readings arrive and injected episodes are
# detected.
source "$(dirname "$0")/lib.sh"

cat >"$work/wtfd.toml" <<'TOML'
[generator]
enabled = true
sensors = ["sim-1", "sim-2"]
interval_s = 0.05
seed = 7
spikes_per_hour = 3600
drifts_per_hour = 0
dropouts_per_hour = 0

[detect]
dropout_gap_s = 1.0
TOML
start_wtfd

wait_for 10 /status '.data_stream.healthy and .sensors.count == 2'
http GET /sensors
expect_json '[.sensors[].sensor_id] == ["sim-1", "sim-2"]'
wait_for 10 /anomalies '[.[] | select(.type == "spike")] | length >= 1'
expect_json 'all(.[]; .sensor_id == "sim-1" or .sensor_id == "sim-2")'
http GET /status
expect_json '.readings.by_source.generator > 0'
pass "generator readings reach the detector"

stop_wtfd
