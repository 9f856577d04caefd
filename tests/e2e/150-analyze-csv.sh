#!/usr/bin/env bash
# wtfd analyze over CSV files: the seed's data.csv (no anomalies, said plainly), a day of the seed
# generator's readings with known injected spikes, drifts and dropouts (exactly those, with their
# times and durations), a SKAB file (parsed completely, labels ignored), and malformed files
# (clear messages with line numbers, never a crash).
source "$(dirname "$0")/lib.sh"
data="$(cd "$(dirname "$0")/../data" && pwd)"

analyze() { "$WTFD" analyze "$@" >"$work/out" 2>"$work/err"; }
expect_in() { # FILE REGEX WHAT
    grep -Eq -- "$2" "$1" || fail "$3: no match for '$2' in $1: $(cat "$1")"
}

# --- The seed script's data.csv: office temperatures, nothing anomalous -----------------------
analyze --no-llm --map sensor-value=temperature "$data/seed/data.csv" \
    || fail "analyze data.csv exited $?: $(cat "$work/err")"
expect_in "$work/out" "data.csv: 10 rows, 0 rejected \(seed, ','-separated, time column timestamp, sensor 'data'\)" "the source line"
expect_in "$work/out" "^Time span: 2025-08-31T03:00:00Z to 2025-08-31T03:09:00Z \(9 min\)" "the span"
expect_in "$work/out" "^Sensors \(1\): data \(10 readings, dropout gap 5 min\)" "the sensor and its auto gap"
expect_in "$work/out" "^Parameters judged \(1\): temperature" "the mapped parameter"
expect_in "$work/out" "^Anomalies: none\." "no anomalies"
expect_in "$work/out" "No anomalies were detected between 2025-08-31T03:00:00Z and 2025-08-31T03:09:00Z" "the summary"
expect_in "$work/out" "no anomalies to describe" "why the LLM was not asked"
pass "data.csv: ten office temperatures, no anomalies, and the report says so"

analyze --no-llm "$data/seed/data.csv" || fail "analyze without --map exited $?"
expect_in "$work/out" "judged only by the multivariate detector \(1\): sensor-value" "unjudged parameter"
pass "without --map the report says sensor-value has no thresholds"

# --- A day of the seed generator's readings with injected anomalies ---------------------------
# Three sensors every 2 s from 2025-05-28T00:00:00Z. Injected:
#   t=600        wtf-pipe-1 temperature 45.2        -> spike 600..602 (2 s)
#   t=1200..1230 wtf-pipe-2 pressure 0.8           -> drift 1200..1232, confirmed at 1216
#   t=1802..1860 wtf-pipe-3 sends nothing          -> dropout 1800..1862, confirmed at 1810
#   t=40000..40004 wtf-pipe-3 flow 130             -> spike 40000..40006 (6 s)
#   t>86298      wtf-pipe-2 sends nothing          -> dropout from 86298, open at the end (86398)
awk 'BEGIN {
    print "timestamp,sensor_id,temperature,pressure,flow"
    for (i = 0; i < 43200; i++) {
        t = 2 * i
        ts = sprintf("2025-05-28T%02d:%02d:%02dZ", int(t / 3600), int((t % 3600) / 60), t % 60)
        for (s = 1; s <= 3; s++) {
            temp = 20 + (i % 7) * 0.5; pres = 2.0 + (i % 5) * 0.1; flow = 50 + (i + s) % 9
            if (s == 1 && t == 600) temp = 45.2
            if (s == 2 && t >= 1200 && t <= 1230) pres = 0.8
            if (s == 3 && t >= 1802 && t <= 1860) continue
            if (s == 3 && t >= 40000 && t <= 40004) flow = 130
            if (s == 2 && t > 86298) continue
            printf "%s,wtf-pipe-%d,%.1f,%.1f,%.1f\n", ts, s, temp, pres, flow
        }
    }
}' >"$work/day.csv"
rows=$(($(wc -l <"$work/day.csv") - 1))
analyze --no-llm --anomalies "$work/anomalies.jsonl" "$work/day.csv" \
    || fail "analyze day.csv exited $?: $(cat "$work/err")"
expect_in "$work/out" "day.csv: $rows rows, 0 rejected \(generator, ','-separated, time column timestamp, sensor column sensor_id\)" "the source line"
expect_in "$work/out" "^Readings: $rows accepted$" "every row accepted"
expect_in "$work/out" "^Time span: 2025-05-28T00:00:00Z to 2025-05-28T23:59:58Z \(23 h 59 min 58 s\)" "the span"
expect_in "$work/out" "^Sensors \(3\): wtf-pipe-1 \(43200 readings, dropout gap 10 s\)" "the sensors"
expect_in "$work/out" "^Anomalies: 5 \(2 spikes, 1 drift, 2 dropouts\); 1 still open at the end of the data" "the counts"
[ "$(wc -l <"$work/anomalies.jsonl")" -eq 5 ] || fail "expected 5 JSON lines: $(cat "$work/anomalies.jsonl")"
jq -s -e '
  map({id, type, sensor_id, parameter, started_at, ended_at, timestamp, duration_seconds, active}) == [
    {"id":1,"type":"spike","sensor_id":"wtf-pipe-1","parameter":"temperature",
     "started_at":"2025-05-28T00:10:00Z","ended_at":"2025-05-28T00:10:02Z",
     "timestamp":"2025-05-28T00:10:00Z","duration_seconds":2.0,"active":false},
    {"id":2,"type":"drift","sensor_id":"wtf-pipe-2","parameter":"pressure",
     "started_at":"2025-05-28T00:20:00Z","ended_at":"2025-05-28T00:20:32Z",
     "timestamp":"2025-05-28T00:20:16Z","duration_seconds":32.0,"active":false},
    {"id":3,"type":"dropout","sensor_id":"wtf-pipe-3","parameter":null,
     "started_at":"2025-05-28T00:30:00Z","ended_at":"2025-05-28T00:31:02Z",
     "timestamp":"2025-05-28T00:30:10Z","duration_seconds":62.0,"active":false},
    {"id":4,"type":"spike","sensor_id":"wtf-pipe-3","parameter":"flow",
     "started_at":"2025-05-28T11:06:40Z","ended_at":"2025-05-28T11:06:46Z",
     "timestamp":"2025-05-28T11:06:40Z","duration_seconds":6.0,"active":false},
    {"id":5,"type":"dropout","sensor_id":"wtf-pipe-2","parameter":null,
     "started_at":"2025-05-28T23:58:18Z","ended_at":null,
     "timestamp":"2025-05-28T23:58:28Z","duration_seconds":100.0,"active":true}
  ]' "$work/anomalies.jsonl" >/dev/null || fail "unexpected anomalies: $(cat "$work/anomalies.jsonl")"
pass "a day of generator readings: exactly the injected spikes, drift and dropouts, timed"

analyze --no-llm --anomalies - "$work/day.csv" || fail "--anomalies - exited $?"
[ "$(wc -l <"$work/out")" -eq 5 ] || fail "stdout should hold only the 5 anomalies: $(head -3 "$work/out")"
expect_in "$work/err" "^Anomalies: 5 " "the report on stderr"
pass "--anomalies - writes JSON Lines to stdout and the report to stderr"

analyze --no-llm --dropout-gap 1 "$work/day.csv" || fail "--dropout-gap 1 exited $?"
expect_in "$work/out" "^Dropout gap: 1 s for every sensor" "the fixed gap"
pass "--dropout-gap sets a fixed gap"

# --- A SKAB file: ';'-separated, naive times, label columns --------------------------------------
cat >"$work/skab.toml" <<'TOML'
[detect]
drift_duration_s = 10.0

[detect.parameters.Temperature]
unit = "°C"
spike = [60.0, 100.0]
normal = [75.0, 90.0]
clear_margin = 0.1
TOML
skab_rows=$(($(wc -l <"$data/skab/valve1-0.csv") - 1))
analyze --no-llm --config "$work/skab.toml" --anomalies "$work/skab.jsonl" "$data/skab/valve1-0.csv" \
    || fail "analyze SKAB exited $?: $(cat "$work/err")"
expect_in "$work/out" "valve1-0.csv: $skab_rows rows, 0 rejected \(wide, ';'-separated, time column datetime, sensor 'valve1-0', ignored: anomaly changepoint\)" "the SKAB source line"
expect_in "$work/out" "^Readings: $skab_rows accepted" "every SKAB row"
expect_in "$work/out" "^Time span: 2020-03-09T10:14:33Z to 2020-03-09T10:34:32Z" "the SKAB span"
expect_in "$work/out" "^Parameters judged \(1\): Temperature" "the configured parameter"
expect_in "$work/out" "judged only by the multivariate detector \(7\): Accelerometer1RMS, Accelerometer2RMS, Current, Pressure, Thermocouple, Voltage, Volume Flow RateRMS" "the other columns"
[ -s "$work/err" ] && fail "SKAB produced warnings: $(cat "$work/err")"
# The labelled anomaly of valve1/0.csv runs from 10:24:33 to 10:31:32: the drift lies inside it.
jq -s -e 'length >= 1 and any(.[]; .type == "drift" and .parameter == "Temperature")
    and all(.[]; .type != "drift" or (.started_at >= "2020-03-09T10:24:33Z" and .started_at <= "2020-03-09T10:31:32Z"))' \
    "$work/skab.jsonl" >/dev/null || fail "unexpected SKAB anomalies: $(cat "$work/skab.jsonl")"
pass "SKAB valve1/0.csv: every row parsed, labels ignored, the temperature drift inside the labelled span"

# With the shipped defaults and no flags: the multivariate detector over all eight columns,
# warming up on the first 400 rows, finds the labelled valve fault and nothing before it.
analyze --no-llm --anomalies "$work/skab-mv.jsonl" "$data/skab/valve1-0.csv" \
    || fail "analyze SKAB with defaults exited $?: $(cat "$work/err")"
expect_in "$work/out" "^Multivariate baselines:" "the baselines section"
expect_in "$work/out" "^  valve1-0: learned from its first 400 readings \(8 parameters, " "the sensor's baseline"
expect_in "$work/out" "top contributors over [0-9]+ episodes?: " "the top contributors"
jq -s -e 'any(.[]; .type == "multivariate" and (.contributions | length) >= 1 and (.cause == "process" or .cause == "instrument"))
    and all(.[]; .type != "multivariate" or (.started_at >= "2020-03-09T10:24:33Z" and .started_at <= "2020-03-09T10:31:32Z"))' \
    "$work/skab-mv.jsonl" >/dev/null || fail "multivariate episodes outside the labelled span: $(cat "$work/skab-mv.jsonl")"
analyze --no-llm --warmup 5 "$data/skab/valve1-0.csv" && fail "--warmup 5 was accepted"
expect_in "$work/err" "--warmup: expected a whole number of readings from 20 to 10000000, got '5'" "the --warmup usage error"
pass "SKAB valve1/0.csv with the defaults: multivariate episodes inside the labelled span, the baseline in the report"

# --- Malformed files ------------------------------------------------------------------------
expect_exit() { # CODE WHAT ARGS...
    local want=$1 what=$2 rc=0
    shift 2
    "$WTFD" analyze --no-llm "$@" >"$work/out" 2>"$work/err" || rc=$?
    [ "$rc" -eq "$want" ] || fail "$what: exit $rc, expected $want: $(cat "$work/err")"
}
printf '2025-05-28T00:00:00Z,wtf-pipe-1,20.0,2.0,50.0\n' >"$work/noheader.csv"
expect_exit 1 "no header" "$work/noheader.csv"
expect_in "$work/err" "noheader.csv:1: .*header" "the missing header"

: >"$work/empty.csv"
expect_exit 1 "empty file" "$work/empty.csv"
expect_in "$work/err" "empty.csv: .*empty" "the empty file"

head -c 3000 /dev/urandom >"$work/garbage.csv"
printf '\0\0\0' >>"$work/garbage.csv"
expect_exit 1 "binary garbage" "$work/garbage.csv"
expect_in "$work/err" "garbage.csv" "the garbage file named"

expect_exit 1 "missing file" "$work/missing.csv"
expect_in "$work/err" "missing.csv: .*No such file or directory" "the missing file"

cat >"$work/bad.csv" <<'CSV'
timestamp,sensor_id,temperature,pressure,flow
2025-05-28T00:00:00Z,wtf-pipe-1,20.0,2.0,50.0
2025-05-28T00:00:02Z,wtf-pipe-1,20.0,2.0
2025-05-28T00:00:04Z,wtf-pipe-1,abc,2.0,50.0
yesterday,wtf-pipe-1,20.0,2.0,50.0
2025-05-28T00:00:08Z,wtf-pipe-1,20.0,2.0,50.0
CSV
expect_exit 0 "bad rows are skipped" "$work/bad.csv"
expect_in "$work/err" "bad.csv:3: .*(4 fields|fields)" "the short row"
expect_in "$work/err" "bad.csv:4: .*temperature.*abc" "the bad number"
expect_in "$work/err" "bad.csv:5: .*timestamp.*yesterday" "the bad time"
expect_in "$work/out" "bad.csv: 5 rows, 3 rejected" "the counts"
expect_in "$work/out" "^Readings: 2 accepted" "the good rows kept"
expect_exit 1 "--strict" --strict "$work/bad.csv"
expect_in "$work/err" "bad.csv:3: " "the first bad row under --strict"

expect_exit 2 "unknown option" --frobnicate "$work/bad.csv"
expect_in "$work/err" "unknown option '--frobnicate'" "the usage error"
expect_exit 2 "no input"
expect_in "$work/err" "nothing to analyse" "the missing input"
pass "malformed files: clear messages with line numbers, bad rows skipped (or fatal with --strict)"
