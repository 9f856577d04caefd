#!/usr/bin/env bash
# With a real redis-server: the seed's keys hold what the API shows (anomaly_history trimmed and
# updated as episodes end, summary_history, the anomalies channel, last_data_received); writes
# made while Redis is down arrive in order once it is back; readings published on sensor-data are
# ingested; and a wrong password shows in /status without stopping wtfd.
source "$(dirname "$0")/lib.sh"

start_redis
redis_config "anomaly_history = 3
ingest = true" "[summary]
interval_s = 0.5"
start_wtfd
wait_for 5 /status '.redis.connected and .redis.message == "Redis connected"'
redis-cli -p "$redis_port" SUBSCRIBE anomalies >"$work/published" &
subscriber=$!
for _ in $(seq 100); do [ "$(redis PUBSUB NUMSUB anomalies | tail -n 1)" = 1 ] && break; sleep 0.02; done

set_time_base
spikes=""
for n in 1 2 3 4; do
    spikes+="{\"timestamp\": \"$(time_from_now -$((10 - n)))\", \"sensor_id\": \"wtf-pipe-$n\", \"temperature\": 4$n.5}"$'\n'
done
http POST /readings -H 'Content-Type: application/x-ndjson' --data-binary "$spikes"
expect_status 200

# same_as_api: anomaly_history, newest first, equals the newest three of GET /anomalies.
same_as_api() {
    local deadline=$(($(date +%s%N) + 5000000000))
    while [ "$(date +%s%N)" -lt "$deadline" ]; do
        http GET /anomalies
        local redis_json
        redis_json=$(redis LRANGE anomaly_history 0 -1 | jq -s -c .)
        if jq -e --argjson r "$redis_json" '(.[-3:] | reverse) == $r' <<<"$BODY" >/dev/null; then
            return 0
        fi
        sleep 0.05
    done
    fail "anomaly_history differs from the API: redis $redis_json api $BODY"
}
same_as_api
[ "$(redis LLEN anomaly_history)" = 3 ] || fail "anomaly_history is not trimmed to 3"
pass "anomaly_history holds the API's newest anomalies, trimmed"

ends=""
for n in 1 2 3 4; do
    ends+="{\"timestamp\": \"$(time_from_now -$((5 - n)))\", \"sensor_id\": \"wtf-pipe-$n\", \"temperature\": 22.0}"$'\n'
done
http POST /readings -H 'Content-Type: application/x-ndjson' --data-binary "$ends"
expect_status 200
same_as_api
expect_json '[.[] | .active] == [false, false, false, false]'
pass "entries are updated in place when episodes end"

wait_for 5 /summary '.count >= 1'
summary=$(jq -r '.summaries[-1]' <<<"$BODY")
for _ in $(seq 100); do [ "$(redis LINDEX summary_history 0)" = "$summary" ] && break; sleep 0.05; done
[ "$(redis LINDEX summary_history 0)" = "$summary" ] || fail "summary_history: $(redis LRANGE summary_history 0 -1)"
# Set at most once a second, so it may take that long to appear.
for _ in $(seq 60); do [ -n "$(redis GET last_data_received)" ] && break; sleep 0.05; done
redis GET last_data_received | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{6}\+00:00$' \
    || fail "last_data_received is not in the seed's format: $(redis GET last_data_received)"
published=$(grep -c '^{' "$work/published" || true)
[ "$published" = 4 ] || fail "expected 4 anomalies on the channel, got $published: $(cat "$work/published")"
grep '^{' "$work/published" | jq -s -e '[.[] | .sensor_id] == ["wtf-pipe-1", "wtf-pipe-2", "wtf-pipe-3", "wtf-pipe-4"]' \
    >/dev/null || fail "published anomalies out of order"
kill "$subscriber" 2>/dev/null || true
pass "summary_history, last_data_received and the anomalies channel carry the seed's data"

# Redis goes away: writes wait in the queue and arrive in order when it is back.
stop_redis
wait_for 5 /status '.redis.connected == false and (.redis.message | startswith("Redis error:"))'
late=""
for n in 5 6; do
    late+="{\"timestamp\": \"$(time_from_now 0)\", \"sensor_id\": \"wtf-pipe-$n\", \"temperature\": 4$n.0}"$'\n'
done
http POST /readings -H 'Content-Type: application/x-ndjson' --data-binary "$late"
expect_status 200
wait_for 5 /status '.redis.queued >= 2'
start_redis
wait_for 10 /status '.redis.connected and .redis.queued == 0'
got=$(redis LRANGE anomaly_history 0 -1 | jq -s -c '[.[] | .sensor_id]')
[ "$got" = '["wtf-pipe-6","wtf-pipe-5"]' ] || fail "queued anomalies after the restart: $got"
pass "anomalies recorded while Redis was down arrive in order once it is back"

# Ingest has its own connection, which reconnects on its own schedule.
wait_for 10 /status '.redis.ingest.subscribed'
redis PUBLISH sensor-data "{\"timestamp\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\", \"sensor_id\": \"seed-pipe\", \"temperature\": 47.5, \"pressure\": 2.1, \"flow\": 55.0}" >/dev/null
redis PUBLISH sensor-data 'not a reading' >/dev/null
wait_for 5 /anomalies '[.[] | select(.sensor_id == "seed-pipe" and .type == "spike" and .value == 47.5)] | length == 1'
wait_for 5 /status '.readings.by_source.redis == 1'
kill -0 "$pid" || fail "wtfd died on a bad message"
pass "a seed-format reading published on sensor-data is ingested; a bad one is not fatal"
stop_wtfd
expect_priority_prefixes

# A Redis that refuses the password: reported in /status, wtfd keeps serving.
stop_redis
start_redis --requirepass right-password
REDIS_PASSWORD=wrong-password start_wtfd
wait_for 5 /status '.redis.connected == false and (.redis.message | test("^Redis error: .*(WRONGPASS|invalid)"))'
grep -q 'wrong-password' "$work/stderr" && fail "the password appears in the log"
http GET /anomalies
expect_status 200
pass "a wrong password is reported in /status and is not fatal"
stop_wtfd
