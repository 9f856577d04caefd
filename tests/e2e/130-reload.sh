#!/usr/bin/env bash
# SIGHUP re-reads the config file: a new threshold and a new drift duration decide the next
# anomalies while an open episode and the history survive; systemd hears RELOADING=1 then
# READY=1; an invalid file is refused with every error named and the running config stays;
# settings that need a restart say so.
source "$(dirname "$0")/lib.sh"

sock="$work/notify.sock"
socat -u UNIX-RECV:"$sock" - >"$work/notify" 2>"$work/socat.err" &
listener=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.02; done

write_config() { # drift_duration_s temperature-spike-high temperature-normal-high [extra lines]
    cat >"$work/wtfd.toml" <<TOML
[generator]
enabled = false

[detect]
drift_duration_s = $1
dropout_gap_s = 600.0

[detect.parameters.temperature]
spike = [5.0, $2]
normal = [10.0, $3]

${4:-}

[log]
level = "debug"
TOML
}
write_config 1.5 40.0 35.0
NOTIFY_SOCKET=$sock start_wtfd

set_time_base
reading() { echo "{\"timestamp\": \"$(time_from_now "$1")\", \"sensor_id\": \"$2\", $3}"; }
http POST /readings -H 'Content-Type: application/x-ndjson' --data-binary \
    "$(reading -20 wtf-pipe-1 '"pressure": 3.5')
$(reading -18 wtf-pipe-1 '"pressure": 3.5')"
expect_status 200
http GET /anomalies
expect_json 'length == 1 and .[0].type == "drift" and .[0].active' "an open drift before the reload"
drift_id=$(jq '.[0].id' <<<"$BODY")

# reload_and_wait: SIGHUP, then wait for the Nth outcome line (reloaded or refused).
outcomes=0
reload_and_wait() {
    outcomes=$((outcomes + 1))
    kill -HUP "$pid"
    for _ in $(seq 200); do
        [ "$(grep -c 'configuration reloaded\|reload refused, the running' "$work/stderr")" -ge "$outcomes" ] && return 0
        sleep 0.025
    done
    fail "no reload outcome logged after SIGHUP"
}

write_config 5.0 30.0 25.0
reload_and_wait
grep -q '^<5>config: configuration reloaded' "$work/stderr" || fail "no reload notice"
grep -q 'RELOADING=1' "$work/notify" || fail "no RELOADING=1: $(cat "$work/notify")"
[ "$(grep -o 'READY=1' "$work/notify" | wc -l)" -ge 2 ] || fail "no READY=1 after the reload"
pass "SIGHUP reloads, with RELOADING=1 and READY=1 for systemd"

# 32 °C was inside the old spike band (5-40) and is outside the new one (5-30).
http POST /readings -H 'Content-Type: application/x-ndjson' --data-binary \
    "$(reading -10 wtf-pipe-2 '"temperature": 32.0')
$(reading -10 wtf-pipe-3 '"pressure": 3.5')
$(reading -7 wtf-pipe-3 '"pressure": 3.5')"
expect_status 200
http GET /anomalies
expect_json '[.[] | select(.sensor_id == "wtf-pipe-2" and .type == "spike" and .value == 32.0)] | length == 1' \
    "the new spike threshold decides"
expect_json '[.[] | select(.sensor_id == "wtf-pipe-3")] | length == 0' \
    "3 s out of band is no drift under the new 5 s duration"
expect_json ".[0].id == $drift_id and .[0].active and length == 2" "the open drift and the history survive"
pass "the new threshold and drift duration decide the next anomalies; the open episode survives"

# An invalid file: every error is named, and the running configuration stays.
write_config -1 30.0 25.0 'colour = "blue"'
reload_and_wait
grep -q '^<3>config: reload refused: .*detect.drift_duration_s' "$work/stderr" \
    || fail "the bad duration is not named: $(grep config "$work/stderr")"
grep -q '^<3>config: reload refused: .*colour.*unknown key\|^<3>config: reload refused: .*unknown key.*colour' "$work/stderr" \
    || fail "the unknown key is not named: $(grep config "$work/stderr")"
http POST /readings -H 'Content-Type: application/x-ndjson' --data-binary \
    "$(reading -5 wtf-pipe-4 '"temperature": 31.0')"
expect_status 200
http GET /anomalies
expect_json '[.[] | select(.sensor_id == "wtf-pipe-4" and .type == "spike")] | length == 1' \
    "the reloaded thresholds still apply"
pass "an invalid file is refused with every error named; the running configuration stays"

write_config 5.0 30.0 25.0 $'[storage]\nanomaly_history = 500'
reload_and_wait
grep -q '^<4>config: change needs a restart to take effect settings=\[storage\]' "$work/stderr" \
    || fail "no needs-restart warning for [storage]"
pass "a setting that cannot change live says it needs a restart"

stop_wtfd
kill "$listener" 2>/dev/null || true
expect_priority_prefixes
