#!/usr/bin/env bash
# With an LLM stand-in running, the LLM's summary of ingested anomalies appears in GET /summary
# one interval later; with it stopped, wtfd's own summary of the batch appears instead and
# /status says why.
source "$(dirname "$0")/lib.sh"
STAND_IN=${2:?usage: $0 WTFD LLM-STAND-IN}

llm_text="Sensor wtf-pipe-1 reported a temperature spike of 45.2 °C."
"$STAND_IN" --port-file "$work/llm-port" --mode normal --content "$llm_text" \
    --log "$work/llm-requests.jsonl" >"$work/llm.out" 2>&1 &
llm_pid=$!
for _ in $(seq 200); do [ -s "$work/llm-port" ] && break; sleep 0.025; done
[ -s "$work/llm-port" ] || fail "the LLM stand-in did not start: $(cat "$work/llm.out")"
llm_port=$(cat "$work/llm-port")

cat >"$work/wtfd.toml" <<TOML
[generator]
enabled = false

[summary]
interval_s = 2.0

[llm]
base_url = "http://127.0.0.1:$llm_port/v1"
model = "tiny-test"
timeout_s = 2.0
TOML
OPENAI_API_KEY=test-key start_wtfd

post_json /readings '{"sensor_id": "wtf-pipe-1", "temperature": 45.2, "pressure": 2.0}'
expect_status 200
wait_for 6 '/summary?detail=true' '.count == 1'
expect_json '.summaries[0] | .source == "llm" and .model == "tiny-test"
    and .fallback_reason == null and .anomaly_count == 1' "an LLM summary"
expect_json ".summaries[0].text == \"$llm_text\""
http GET /summary
expect_json ". == {\"summaries\": [\"$llm_text\"], \"count\": 1}" "the seed's shape"
pass "the LLM's summary is stored one interval after the anomaly"

request=$(head -n 1 "$work/llm-requests.jsonl")
jq -e '.path == "/v1/chat/completions" and .authorization == "Bearer test-key"
    and .body.model == "tiny-test" and .body.temperature == 0.1
    and (.body.messages | length == 2)
    and (.body.messages[1].content | test("45.2") and test("wtf-pipe-1"))' <<<"$request" >/dev/null \
    || fail "unexpected LLM request: $request"
grep -q 'test-key' "$work/stderr" && fail "the API key appears in the log"
pass "the request carried the model, temperature, key and the batch"

kill -TERM "$llm_pid"
wait "$llm_pid" || true
post_json /readings '{"sensor_id": "wtf-pipe-2", "temperature": 46.0, "pressure": 2.0}'
expect_status 200
wait_for 8 '/summary?detail=true' '.count == 2'
expect_json '.summaries[1] | .source == "fallback" and (.fallback_reason | test("LLM request failed"))
    and (.text | test("wtf-pipe-2")) and (.text | test("46.0"))' "a fallback summary"
expect_json '.summaries[1].latency_ms >= 400' "a failed request's latency (connect, backoff, retry)"
expect_json 'all(.summaries[]; (.created_at | sub("\\.[0-9]+Z$"; "Z") | fromdate) >= (.window_end | fromdate))' \
    "no window ends after its summary was made"
grep -q '^<4>summarizer: LLM answer not used, storing the deterministic summary reason=LLM request failed: ' \
    "$work/stderr" || fail "the fallback was not logged with its reason"
grep -q '^<6>summarizer: summary stored source=fallback .* reason=LLM request failed: ' "$work/stderr" \
    || fail "the info line lacks the reason"
http GET /status
expect_json '.llm.enabled and (.llm.last_failure_reason | test("LLM request failed"))
    and .llm.last_success != null and .llm.summaries == {"llm": 1, "fallback": 1}'
pass "with the LLM stopped, the deterministic summary is stored and /status says why"

stop_wtfd
expect_priority_prefixes
