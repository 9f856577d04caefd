#!/usr/bin/env bash
# Issue 11, end to end: a physically absurd value (1e300 °C) is an implausible value (issue 14)
# whose summary, anomaly,
# journal lines, Redis entries and logs hold exactly what was meant (no stack bytes, valid UTF-8);
# a journal line with an absurd duration is skipped at start-up; a query key that decodes to
# bytes that are not UTF-8 is answered with valid UTF-8; a client that invents field names
# cannot grow the detector past detect.max_parameters.
source "$(dirname "$0")/lib.sh"

start_redis
redis_config "" "[summary]
interval_s = 0.5"
start_wtfd
wait_for 5 /status '.redis.connected'

post_json /readings '{"sensor_id":"a","temperature":1e300}'
expect_status 200 "an absurd but finite value"
http GET /anomalies
expect_json 'length == 1 and .[0].type == "implausible" and .[0].value == 1e300
    and .[0].message == "Temperature implausible value detected: 1e+300"' \
    "the implausible value's value and message"
wait_for 5 /summary '.count == 1'
expect_json '.summaries[0] | contains("implausible temperature of 1.0e+300°C")' "the summary's wording"
expect_json '.summaries[0] | ([explode[] | select(. < 32 or . == 127)] == []) and length < 400' \
    "the summary holds no control character and nothing beyond its words"
[[ "$BODY" != *10000000000000000525* ]] || fail "the summary spells out 1e300's digits: $BODY"
pass "GET /summary describes 1e300 in a few valid bytes"

wait_for 5 /status '.redis.queued == 0'
redis LRANGE summary_history 0 -1 >"$work/redis-summaries"
iconv -f UTF-8 -t UTF-8 "$work/redis-summaries" >/dev/null || fail "summary_history is not UTF-8"
grep -q 'implausible temperature of 1.0e+300°C' "$work/redis-summaries" \
    || fail "summary_history: $(cat "$work/redis-summaries")"
redis LRANGE anomaly_history 0 -1 | jq -e '.value == 1e300' >/dev/null \
    || fail "anomaly_history: $(redis LRANGE anomaly_history 0 -1)"
pass "Redis holds the same summary and anomaly"

http GET '/anomalies?%FF=1'
expect_status 422 "an unknown query key that is not UTF-8"
expect_json '.detail == "query parameter '"'"'\ufffd'"'"' is not supported"'
http GET "/anomalies?$(printf 'k%.0s' $(seq 63))%C2%B0=1"
expect_status 422
expect_json '.detail | endswith("kkk...'"'"' is not supported")' "a long key cut between characters"
pass "query keys are echoed as valid UTF-8"

stop_wtfd
iconv -f UTF-8 -t UTF-8 "$work/state/journal.jsonl" >/dev/null || fail "the journal is not UTF-8"
grep -q '1.0e+300°C' "$work/state/journal.jsonl" || fail "the journal lacks the summary"

# A tampered line: the spike closed with a duration no episode can have.
jq -c '.anomaly.duration_seconds = 1e30 | .anomaly.ended_at = .anomaly.timestamp
    | .change = "closed"' <(grep -m 1 '"change":"opened"' "$work/state/journal.jsonl") \
    >>"$work/state/journal.jsonl"
grep -q '1e+30' "$work/state/journal.jsonl" || fail "the tampered line was not written"
start_wtfd
http GET /anomalies
expect_json 'length == 1 and .[0].value == 1e300 and (.[0].duration_seconds // 0) < 1e12'
grep -q "skipping corrupt line .*reason=bad anomaly: field 'duration_seconds' is not" "$work/stderr" \
    || fail "the tampered line was not reported"
wait_for 5 /summary '.count == 1'
pass "a journal line with duration_seconds 1e30 is skipped and the rest restores"

# A client that invents field names: 3 readings of 30 new ones each for one sensor. The first
# detect.max_parameters (64) are judged; the other 26 are accepted, counted and judged by none.
for batch in 0 1 2; do
    body=$(jq -nc --argjson b "$batch" \
        '{sensor_id: "inventive"} + ([range(30)] | map({("p\($b * 30 + .)"): 1.5}) | add)')
    post_json /readings "$body"
    expect_status 200 "a reading of 30 new parameters (batch $batch)"
done
http GET /metrics
grep -q '^wtfd_values_untracked_total 26$' <<<"$BODY" \
    || fail "metrics: $(grep untracked <<<"$BODY")"
pass "a sensor's parameters beyond detect.max_parameters are accepted, counted and not judged"

stop_wtfd
iconv -f UTF-8 -t UTF-8 "$work/stderr" >/dev/null || fail "the log is not UTF-8"
expect_priority_prefixes

rc=0
MODEL_NAME=$'caf\xe9' "$WTFD" --check-config >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" -eq 1 ] || fail "--check-config with a MODEL_NAME that is not UTF-8 exited $rc: $(cat "$work/out")"
grep -q 'environment: MODEL_NAME: is not valid UTF-8' "$work/err" || fail "not named: $(cat "$work/err")"
iconv -f UTF-8 -t UTF-8 "$work/err" >/dev/null || fail "the error itself is not UTF-8"
out=$(MODEL_NAME='café' "$WTFD" --check-config)
grep -q '^model = "café"' <<<"$out" || fail "a UTF-8 MODEL_NAME: $out"
pass "--check-config refuses environment values that are not UTF-8"
