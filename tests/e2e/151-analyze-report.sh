#!/usr/bin/env bash
# wtfd analyze saves the report the seed's script used to save: the LLM's chat completion in
# responses/model_response_YYYYmmdd_HHMMSS.json and a row in results.csv, against a stand-in LLM
# server. An answer that invents a number is not saved as the summary: wtfd's own summary is,
# marked as such. A file without anomalies never reaches the LLM.
source "$(dirname "$0")/lib.sh"
STAND_IN=${2:?usage: $0 WTFD LLM-STAND-IN}
data="$(cd "$(dirname "$0")/../data" && pwd)"

llm_pid=""
start_llm() { # MODE
    rm -f "$work/llm-port"
    "$STAND_IN" --port-file "$work/llm-port" --mode "$1" --content "$llm_text" \
        --log "$work/llm-requests.jsonl" >"$work/llm.out" 2>&1 &
    llm_pid=$!
    for _ in $(seq 200); do [ -s "$work/llm-port" ] && break; sleep 0.025; done
    [ -s "$work/llm-port" ] || fail "the LLM stand-in did not start: $(cat "$work/llm.out")"
    llm_port=$(cat "$work/llm-port")
    cat >"$work/wtfd.toml" <<TOML
[llm]
base_url = "http://127.0.0.1:$llm_port/v1"
model = "tiny-test"
timeout_s = 5.0
TOML
}
stop_llm() { kill -TERM "$llm_pid"; wait "$llm_pid" || true; }
trap 'if [ -n "$llm_pid" ]; then kill -KILL "$llm_pid" 2>/dev/null || true; fi; cleanup' EXIT

cat >"$work/readings.csv" <<'CSV'
timestamp,sensor_id,temperature,pressure,flow
2025-05-28T00:01:21Z,wtf-pipe-1,23.1,2.1,55.0
2025-05-28T00:01:23Z,wtf-pipe-1,45.2,2.1,55.0
2025-05-28T00:01:25Z,wtf-pipe-1,23.4,2.1,55.0
2025-05-28T00:01:27Z,wtf-pipe-1,23.3,2.1,55.0
CSV

llm_text="Sensor wtf-pipe-1 reported a temperature spike of 45.2 °C at 00:01:23."
start_llm normal
(cd "$work" && "$WTFD" analyze --config wtfd.toml --out report readings.csv >out 2>err) \
    || fail "analyze exited $?: $(cat "$work/err")"
grep -q "worded by the LLM, model tiny-test" "$work/out" || fail "no LLM summary: $(cat "$work/out")"
grep -qF "$llm_text" "$work/out" || fail "the LLM's text is not in the report"
responses=("$work"/report/responses/model_response_*.json)
[ "${#responses[@]}" -eq 1 ] || fail "expected one response file: ${responses[*]}"
name=$(basename "${responses[0]}")
[[ "$name" =~ ^model_response_[0-9]{8}_[0-9]{6}\.json$ ]] || fail "unexpected file name $name"
jq -e --arg text "$llm_text" '.object == "chat.completion" and .choices[0].message.content == $text
    and .wtfd == null' "${responses[0]}" >/dev/null || fail "not the LLM's response: $(cat "${responses[0]}")"
[ "$(head -n 1 "$work/report/results.csv")" = "timestamp,model_api_url,output_filename" ] \
    || fail "results.csv header: $(cat "$work/report/results.csv")"
row=$(sed -n 2p "$work/report/results.csv")
[[ "$row" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{4},http://127\.0\.0\.1:$llm_port/v1/chat/completions,responses/$name$ ]] \
    || fail "unexpected results.csv row: $row"
jq -e '.body.model == "tiny-test" and (.body.messages[1].content | test("45.2"))' \
    "$work/llm-requests.jsonl" >/dev/null || fail "unexpected request: $(cat "$work/llm-requests.jsonl")"
pass "the LLM's chat completion is saved in responses/ with its row in results.csv"

(cd "$work" && "$WTFD" analyze --config wtfd.toml --out report readings.csv >out 2>err) \
    || fail "second analyze exited $?: $(cat "$work/err")"
[ "$(ls "$work"/report/responses | wc -l)" -eq 2 ] || fail "the second run did not add a file"
[ "$(wc -l <"$work/report/results.csv")" -eq 3 ] || fail "results.csv: $(cat "$work/report/results.csv")"
[ "$(grep -c '^timestamp,' "$work/report/results.csv")" -eq 1 ] || fail "the header was written twice"
pass "a second run adds its own file and one row, never overwriting"
stop_llm

# An answer with a number that is not in the data: wtfd's summary is saved, marked, with the
# rejected answer kept for the record.
llm_text="Sensor wtf-pipe-1 reported a temperature spike of 47.3 °C."
start_llm normal
"$WTFD" analyze --config "$work/wtfd.toml" --out "$work/checked" "$work/readings.csv" \
    >"$work/out" 2>"$work/err" || fail "analyze exited $?: $(cat "$work/err")"
grep -q "wtfd's deterministic summary: LLM answer not grounded: number 47.3" "$work/out" \
    || fail "the invented number was not caught: $(cat "$work/out")"
file=$(ls "$work"/checked/responses/*.json)
jq -e '.wtfd.source == "deterministic" and (.wtfd.reason | test("not grounded"))
    and .wtfd.rejected_response.choices[0].message.content == "Sensor wtf-pipe-1 reported a temperature spike of 47.3 °C."
    and (.choices[0].message.content | test("45.2")) and .wtfd.anomalies == 1' "$file" >/dev/null \
    || fail "unexpected fallback document: $(cat "$file")"
grep -q ",http://127.0.0.1:$llm_port/v1/chat/completions,responses/" "$work/checked/results.csv" \
    || fail "results.csv: $(cat "$work/checked/results.csv")"
pass "an answer that invents a number is replaced by wtfd's summary, marked, the answer kept"

# No anomalies: the LLM is not asked at all.
: >"$work/llm-requests.jsonl"
"$WTFD" analyze --config "$work/wtfd.toml" --out "$work/quiet" --map sensor-value=temperature \
    "$data/seed/data.csv" >"$work/out" 2>"$work/err" || fail "analyze exited $?: $(cat "$work/err")"
[ -s "$work/llm-requests.jsonl" ] && fail "the LLM was asked about a file without anomalies"
jq -e '.wtfd.reason == "no anomalies to describe" and .wtfd.anomalies == 0
    and (.choices[0].message.content | startswith("No anomalies were detected"))' \
    "$work"/quiet/responses/*.json >/dev/null || fail "unexpected document: $(cat "$work"/quiet/responses/*.json)"
pass "a file without anomalies says so, and the LLM is not asked to invent any"
stop_llm

# No LLM running: the deterministic summary, and the reason.
"$WTFD" analyze --config "$work/wtfd.toml" --out "$work/down" "$work/readings.csv" \
    >"$work/out" 2>"$work/err" || fail "analyze exited $?: $(cat "$work/err")"
grep -q "wtfd's deterministic summary: LLM request failed" "$work/out" || fail "$(cat "$work/out")"
jq -e '.wtfd.source == "deterministic" and .wtfd.rejected_response == null' \
    "$work"/down/responses/*.json >/dev/null || fail "unexpected document"
pass "with the LLM down, wtfd's own summary is saved and says why"

mkdir -p "$work/ro" && chmod 555 "$work/ro"
if [ "$(id -u)" != 0 ]; then
    rc=0
    "$WTFD" analyze --no-llm --out "$work/ro" "$work/readings.csv" >"$work/out" 2>"$work/err" || rc=$?
    [ "$rc" -eq 1 ] || fail "an unwritable --out exited $rc"
    grep -q "ro/responses: cannot create" "$work/err" || fail "$(cat "$work/err")"
    pass "an unwritable --out directory is a clear error"
fi
