#!/usr/bin/env bash
# The LLM answer corpus end to end: `wtfd analyze` finds the corpus batch in ten minutes of
# readings (two critical spikes among seven anomalies, one drift still active) and asks the LLM
# stand-in, which serves the corpus answers one request after another. Each honest answer must
# become the summary; each dishonest or useless one must give wtfd's own summary, with the reason
# its entry names.
source "$(dirname "$0")/lib.sh"
STAND_IN=${2:?usage: $0 WTFD LLM-STAND-IN}
corpus="$(cd "$(dirname "$0")/../data" && pwd)/llm-corpus.jsonl"

# Three sensors every 2 s from 08:30:00 to 08:40:00 (tests/support/corpus_batch.hpp's batch).
{
    echo "timestamp,sensor_id,temperature,pressure,flow"
    for s in $(seq 0 2 600); do
        t=$(printf '2025-05-28T08:%02d:%02dZ' $((30 + s / 60)) $((s % 60)))
        p1=2.0; f1=55.0; t1=22.0; p2=2.0; f2=55.0; t3=22.0
        ((s >= 180 && s <= 198)) && p1=0.8
        ((s == 370)) && t1=45.2
        ((s >= 480 && s <= 498)) && f1=18.0
        ((s >= 300 && s <= 320)) && p2=3.4
        ((s == 380)) && f2=130.5
        ((s >= 420)) && t3=36.5
        echo "$t,wtf-pipe-1,$t1,$p1,$f1"
        echo "$t,wtf-pipe-2,22.0,$p2,$f2"
        ((s > 240 && s < 270)) || echo "$t,wtf-pipe-3,$t3,2.0,55.0"
    done
} >"$work/readings.csv"

"$STAND_IN" --port-file "$work/llm-port" --mode script --script "$corpus" \
    --log "$work/llm-requests.jsonl" >"$work/llm.out" 2>&1 &
llm_pid=$!
trap 'kill -KILL "$llm_pid" 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 200); do [ -s "$work/llm-port" ] && break; sleep 0.025; done
[ -s "$work/llm-port" ] || fail "the LLM stand-in did not start: $(cat "$work/llm.out")"
# The readings hold exactly still between the injections, which the flatline rule would call
# stuck transmitters: it is off, so the batch is the corpus's.
cat >"$work/wtfd.toml" <<TOML
[detect]
dropout_gap_s = 10.0

[detect.parameters.temperature]
flat_for_s = 0

[detect.parameters.pressure]
flat_for_s = 0

[detect.parameters.flow]
flat_for_s = 0

[llm]
base_url = "http://127.0.0.1:$(cat "$work/llm-port")/v1"
model = "tiny-test"
timeout_s = 5.0
TOML

analyze() { "$WTFD" analyze --config "$work/wtfd.toml" "$@" "$work/readings.csv" >"$work/out" 2>"$work/err"; }

# The batch: what corpus_batch() holds.
analyze --no-llm --anomalies "$work/anomalies.jsonl" || fail "analyze exited $?: $(cat "$work/err")"
# (The anomalies file has each episode's final state: the active drift's duration reached the end
# of the data there, while the summary describes it as it was noted, 16 s in.)
got=$(jq -s -c 'sort_by(.timestamp) | [.[] | [.sensor_id, .type, (.parameter // ""), (.value // 0),
    .timestamp, (if .ended_at then .duration_seconds else null end)]]' "$work/anomalies.jsonl")
want='[["wtf-pipe-1","drift","pressure",0.8,"2025-05-28T08:33:16Z",20],["wtf-pipe-3","dropout","",0,"2025-05-28T08:34:10Z",30],["wtf-pipe-2","drift","pressure",3.4,"2025-05-28T08:35:16Z",22],["wtf-pipe-1","spike","temperature",45.2,"2025-05-28T08:36:10Z",2],["wtf-pipe-2","spike","flow",130.5,"2025-05-28T08:36:20Z",2],["wtf-pipe-3","drift","temperature",36.5,"2025-05-28T08:37:16Z",null],["wtf-pipe-1","drift","flow",18,"2025-05-28T08:38:16Z",20]]'
[ "$got" = "$want" ] || fail "the readings do not give the corpus batch: $got"
pass "the readings give the corpus batch"

kept=0
refused=0
n=0
while IFS= read -r entry; do
    n=$((n + 1))
    id=$(jq -r .id <<<"$entry")
    expect=$(jq -r .expect <<<"$entry")
    reason=$(jq -r '.reason // ""' <<<"$entry")
    analyze || fail "$id: analyze exited $?: $(cat "$work/err")"
    source_line=$(grep '^Summary (' "$work/out") || fail "$id: no summary: $(cat "$work/out")"
    case "$expect" in
    kept)
        [[ "$source_line" == "Summary (worded by the LLM, model tiny-test, checked against the anomalies):" ]] \
            || fail "$id was not kept: $source_line"
        kept=$((kept + 1))
        ;;
    empty)
        grep -qF "wtfd's deterministic summary: LLM answer was empty" <<<"$source_line" \
            || fail "$id: $source_line"
        refused=$((refused + 1))
        ;;
    *)
        grep -qF "wtfd's deterministic summary: LLM answer $expect: " <<<"$source_line" \
            || fail "$id was not refused as $expect: $source_line"
        grep -qF -- "$reason" <<<"$source_line" || fail "$id: the reason lacks '$reason': $source_line"
        grep -q "During the period from 2025-05-28T08:30:00Z" "$work/out" \
            || fail "$id: not the deterministic summary: $(cat "$work/out")"
        refused=$((refused + 1))
        ;;
    esac
done <"$corpus"
[ "$(wc -l <"$work/llm-requests.jsonl")" -eq "$n" ] || fail "expected $n requests"
[ "$kept" -ge 20 ] && [ "$refused" -ge 20 ] || fail "kept $kept, refused $refused"
pass "$kept honest answers kept, $refused dishonest or useless ones refused with their reason"

grep -q "(The LLM's answer was checked: readable, grounded" "$work/out" \
    || fail "the report does not say what was checked: $(cat "$work/out")"
pass "the report says what the answer was checked for"
