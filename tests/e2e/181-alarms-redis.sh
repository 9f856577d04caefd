#!/usr/bin/env bash
# With a real redis-server: an alarm's state changes replace its entry in anomaly_history in
# place, so the seed's consumers see it acknowledged, shelved or out of service as GET /anomalies
# does, also for an entry pushed before a restart.
source "$(dirname "$0")/lib.sh"

start_redis
redis_config
start_wtfd
wait_for 5 /status '.redis.connected'

# same_as_api: every entry of anomaly_history equals its anomaly in GET /anomalies.
same_as_api() {
    local deadline=$(($(date +%s%N) + 5000000000))
    local redis_json=""
    while [ "$(date +%s%N)" -lt "$deadline" ]; do
        http GET /anomalies
        redis_json=$(redis LRANGE anomaly_history 0 -1 | jq -s -c 'sort_by(.id)')
        if jq -e --argjson r "$redis_json" '. == $r' <<<"$BODY" >/dev/null; then return 0; fi
        sleep 0.05
    done
    fail "anomaly_history differs from the API: redis $redis_json api $BODY"
}

set_time_base
post_json /readings "[{\"timestamp\": \"$(time_from_now -3)\", \"sensor_id\": \"wtf-pipe-1\", \"temperature\": 45.5},
                      {\"timestamp\": \"$(time_from_now -3)\", \"sensor_id\": \"wtf-pipe-2\", \"temperature\": 46.5}]"
expect_status 200
same_as_api
post_json /anomalies/1/ack '{"by": "alice", "comment": "seen"}'
expect_status 200
same_as_api
redis LINDEX anomaly_history 1 | jq -e '.id == 1 and .alarm.state == "acknowledged"
    and .alarm.acknowledged.by == "alice" and .alarm.acknowledged.comment == "seen"' >/dev/null \
    || fail "the Redis entry is not acknowledged: $(redis LINDEX anomaly_history 1)"
pass "the Redis entry shows the acknowledgement, in place"

post_json /anomalies/2/shelve '{"by": "bob", "duration_s": 600}'
expect_status 200
post_json /sensors/wtf-pipe-1/out-of-service '{"by": "carol"}'
expect_status 200
same_as_api
[ "$(redis LLEN anomaly_history)" = 2 ] || fail "entries were pushed again: $(redis LRANGE anomaly_history 0 -1)"
redis LINDEX anomaly_history 0 | jq -e '.alarm.suppressed == "shelved"' >/dev/null \
    || fail "the Redis entry is not shelved: $(redis LINDEX anomaly_history 0)"
pass "shelves and out of service update the entries in place, none pushed twice"

stop_wtfd
start_wtfd
wait_for 5 /status '.redis.connected'
post_json /anomalies/2/unshelve '{"by": "bob"}'
expect_status 200
same_as_api
redis LINDEX anomaly_history 0 | jq -e '.id == 2 and .alarm.suppressed == null and .active == false' \
    >/dev/null || fail "an entry from before the restart is not updated: $(redis LINDEX anomaly_history 0)"
pass "an entry pushed before a restart is updated in place too"

stop_wtfd
expect_priority_prefixes
