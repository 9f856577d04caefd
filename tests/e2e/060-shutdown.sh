#!/usr/bin/env bash
# SIGTERM and SIGINT stop wtfd within 2 s with status 0, even with an idle keep-alive client.
source "$(dirname "$0")/lib.sh"

test_config
start_wtfd
# An idle HTTP/1.1 keep-alive connection that never sends its next request.
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /status HTTP/1.1\r\nHost: x\r\n\r\n' >&3
read -r -t 5 line <&3 || fail "no response on the keep-alive connection"
[[ "$line" == *"200"* ]] || fail "unexpected status line: $line"
stop_wtfd 2
exec 3>&-
grep -q '^<5>daemon: stopping' "$work/stderr" || fail "no stopping notice"
expect_priority_prefixes
pass "SIGTERM with an idle keep-alive connection: exit 0 within 2 s"

test_config
start_wtfd
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
pid=""
[ "$rc" -eq 0 ] || fail "SIGINT exit status $rc"
pass "SIGINT: exit 0"
