#!/usr/bin/env bash
# Under systemd (NOTIFY_SOCKET and WATCHDOG_USEC set): READY=1 with a one-line STATUS= once the
# API listens, WATCHDOG=1 at half the watchdog interval from the event loop, RELOADING=1 and
# READY=1 around a SIGHUP reload, STOPPING=1 on SIGTERM. Without NOTIFY_SOCKET nothing is sent (every other e2e test runs that way).
source "$(dirname "$0")/lib.sh"

sock="$work/notify.sock"
socat -u UNIX-RECV:"$sock" - >"$work/notify" 2>"$work/socat.err" &
listener=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.02; done
[ -S "$sock" ] || fail "socat did not bind $sock: $(cat "$work/socat.err")"

test_config
NOTIFY_SOCKET=$sock WATCHDOG_USEC=200000 start_wtfd
for _ in $(seq 100); do grep -q 'READY=1' "$work/notify" && break; sleep 0.02; done
grep -q 'READY=1' "$work/notify" || fail "no READY=1: $(cat "$work/notify")"
grep -q 'STATUS=0 sensors, 0.0 readings/s, 0 active anomalies' "$work/notify" \
    || fail "no STATUS= line: $(cat "$work/notify")"
pass "READY=1 and STATUS= once the API listens"

post_json /readings '{"sensor_id": "wtf-pipe-1", "temperature": 45.2}'
expect_status 200
sleep 0.6 # three watchdog periods of 100 ms, and then some
pings=$(grep -o 'WATCHDOG=1' "$work/notify" | wc -l)
[ "$pings" -ge 3 ] || fail "expected WATCHDOG=1 every 100 ms, got $pings in 0.6 s"
grep -q 'STATUS=1 sensors, [0-9.]* readings/s, 1 active anomalies' "$work/notify" \
    || fail "STATUS= does not follow the data: $(cat "$work/notify")"
pass "WATCHDOG=1 every half interval ($pings pings) and a fresh STATUS="

kill -HUP "$pid"
for _ in $(seq 100); do grep -q 'RELOADING=1' "$work/notify" && break; sleep 0.02; done
grep -q 'RELOADING=1' "$work/notify" || fail "no RELOADING=1 after SIGHUP: $(cat "$work/notify")"
for _ in $(seq 100); do [ "$(grep -o 'READY=1' "$work/notify" | wc -l)" -ge 2 ] && break; sleep 0.02; done
[ "$(grep -o 'READY=1' "$work/notify" | wc -l)" -ge 2 ] || fail "no READY=1 after the reload"
pass "RELOADING=1 and READY=1 around a SIGHUP reload"

stop_wtfd
grep -q 'STOPPING=1' "$work/notify" || fail "no STOPPING=1: $(cat "$work/notify")"
kill "$listener" 2>/dev/null || true
pass "STOPPING=1 on SIGTERM"
expect_priority_prefixes
