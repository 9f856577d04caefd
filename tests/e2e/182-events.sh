#!/usr/bin/env bash
# GET /events with real clients: a fast one (curl) keeps up with a storm of alarms while a slow
# one that stopped reading is cut off and counted, and the daemon's memory stays flat; a client
# that reconnects with Last-Event-ID gets exactly the events it missed; heartbeats keep an idle
# stream alive.
source "$(dirname "$0")/lib.sh"

quiet_config '[events]
buffer_events = 64
buffer_bytes = 65536
heartbeat_s = 0.3

[log]
level = "notice"'
# A small allocator quarantine under AddressSanitizer, so that its resident memory says what
# wtfd holds rather than what ASan keeps of freed blocks.
ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=1:thread_local_quarantine_size_kb=64" start_wtfd

rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
metric() { curl -s "$base/metrics" | awk -v m="$1" '$1 == m {print $2}'; }

# storm ROUND EPISODES: 50 sensors each open and end spikes in turn, every episode two events
# (opened, ended), posted 20 episodes at a time, so that each POST publishes fewer events than
# the buffer holds and a client that reads keeps up. Data time: rounds 20 s apart, a minute or
# two ago.
storm() {
    local round=$1 episodes=$2
    awk -v round="$round" -v n="$episodes" -v now="$(date +%s)" '
        function stamp(ms) {
            return strftime("%Y-%m-%dT%H:%M:%S", int(ms / 1000), 1) sprintf(".%03dZ", ms % 1000)
        }
        BEGIN {
            base = (now - 120 + round * 20) * 1000
            for (i = 0; i < n; i++) {
                printf "{\"timestamp\": \"%s\", \"sensor_id\": \"s%d\", \"temperature\": 45.0}\n", stamp(base + i * 10), i % 50
                printf "{\"timestamp\": \"%s\", \"sensor_id\": \"s%d\", \"temperature\": 22.0}\n", stamp(base + i * 10 + 5), i % 50
            }
        }' >"$work/storm.ndjson"
    split -l 40 "$work/storm.ndjson" "$work/storm-part-"
    for part in "$work"/storm-part-*; do
        http POST /readings -H 'Content-Type: application/x-ndjson' --data-binary @"$part"
        expect_status 200 "storm $round"
        expect_json ".stale == 0" "storm $round: nothing stale"
        rm "$part"
    done
}

curl -sN "$base/events" >"$work/fast" &
fast=$!
# The slow client sends its request and never reads a byte.
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' >&3
for _ in $(seq 100); do [ "$(metric wtfd_event_streams)" = 2 ] && break; sleep 0.05; done
[ "$(metric wtfd_event_streams)" = 2 ] || fail "the two streams did not open"

storm 1 1000 # fills the history (1000 anomalies)
for _ in $(seq 200); do [ "$(grep -c '^event: ended' "$work/fast")" -ge 1000 ] && break; sleep 0.05; done
rss_before=$(rss_kib)
storm 2 1000
for _ in $(seq 200); do [ "$(grep -c '^event: ended' "$work/fast")" -ge 2000 ] && break; sleep 0.05; done
rss_after=$(rss_kib)

opened=$(grep -c '^event: opened' "$work/fast" || true)
ended=$(grep -c '^event: ended' "$work/fast" || true)
[ "$opened" = 2000 ] && [ "$ended" = 2000 ] \
    || fail "the fast client missed events: opened=$opened ended=$ended"
[ "$(metric wtfd_event_streams_cut_total)" = 1 ] \
    || fail "the slow client was not cut: cut=$(metric wtfd_event_streams_cut_total)"
[ "$(metric wtfd_event_streams)" = 1 ] || fail "the slow client's stream is still open"
# What the slow client had been sent, then the end of its connection (or a reset).
set +e
timeout 5 cat <&3 >"$work/slow" 2>/dev/null
rc=$?
set -e
exec 3<&-
[ "$rc" -ne 124 ] || fail "the slow client's connection was not closed"
slow_bytes=$(wc -c <"$work/slow")
growth=$((rss_after - rss_before))
echo "resident memory: ${rss_before} KiB before, ${rss_after} KiB after 2,000 more events" \
    "(slow client cut after ${slow_bytes} bytes)"
[ "$growth" -lt 8192 ] || fail "resident memory grew by ${growth} KiB"
pass "a fast client gets all 4,000 events while a slow one is cut and counted; memory flat (+${growth} KiB)"

# Resume: a client sees some events, goes away, and asks for what it missed.
kill "$fast" 2>/dev/null || true
wait "$fast" 2>/dev/null || true
curl -sN "$base/events" >"$work/first" &
first=$!
for _ in $(seq 100); do [ "$(metric wtfd_event_streams)" = 1 ] && break; sleep 0.05; done
storm 3 5
for _ in $(seq 100); do [ "$(grep -c '^event: ended' "$work/first")" -ge 5 ] && break; sleep 0.05; done
kill "$first"
wait "$first" 2>/dev/null || true
last=$(grep '^id: ' "$work/first" | tail -n 1 | cut -d' ' -f2)
[ -n "$last" ] || fail "no event ids: $(cat "$work/first")"
storm 4 5 # missed: 10 events
curl -sN -H "Last-Event-ID: $last" --max-time 1 "$base/events" >"$work/resumed" || true
mapfile -t got < <(grep '^id: ' "$work/resumed" | cut -d' ' -f2)
expected=()
for i in $(seq 10); do expected+=("$((last + i))"); done
[ "${got[*]}" = "${expected[*]}" ] || fail "resumed with ids ${got[*]}, expected ${expected[*]}"
grep -q '^event: lost' "$work/resumed" && fail "a resume within the buffer reported lost events"
pass "Last-Event-ID: exactly the 10 missed events, in order"

# Idle: heartbeats.
curl -sN --max-time 1 "$base/events" >"$work/idle" || true
[ "$(grep -c '^: heartbeat$' "$work/idle")" -ge 2 ] || fail "no heartbeats: $(cat "$work/idle")"
pass "an idle stream gets heartbeats"

stop_wtfd
expect_priority_prefixes
