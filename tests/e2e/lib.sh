# Shared by the end-to-end tests (chrony test/system style). Each test sources this with the
# built wtfd as $1, starts its own daemon on a free loopback port, talks HTTP with curl and
# asserts with jq. Sourced, not executed.
set -euo pipefail

WTFD=${1:?usage: $0 PATH-TO-WTFD}
work=$(mktemp -d)
pid=""
port=""
base=""
STATUS=""
BODY=""

redis_pid=""
redis_port=""
influx_pid=""
influx_port=""

cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    if [ -n "$redis_pid" ]; then kill -KILL "$redis_pid" 2>/dev/null || true; fi
    if [ -n "$influx_pid" ]; then kill -KILL "$influx_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    if [ -f "$work/stderr" ]; then
        echo "--- wtfd stderr (last 40 lines) ---" >&2
        tail -n 40 "$work/stderr" >&2
    fi
    exit 1
}

pass() { echo "ok: $*"; }

# Starts wtfd with the config in $work/wtfd.toml; sets pid, port and base. Call it in the test's
# own shell (not in a pipeline, which would run it in a subshell and lose pid and port). Logs go
# to $work/stderr in the journald format (JOURNAL_STREAM set), so priorities can be checked. The
# journal lives in $work/state unless the test sets WTFD_STATE_DIR.
start_wtfd() {
    WTFD_STATE_DIR=${WTFD_STATE_DIR:-$work/state} JOURNAL_STREAM=8:1234 \
        "$WTFD" --config "$work/wtfd.toml" --listen 127.0.0.1:0 \
        >"$work/stdout" 2>"$work/stderr" &
    pid=$!
    for _ in $(seq 400); do
        # The background job may not have opened its stderr yet on a loaded machine: no file
        # is no port yet, not an error (under set -e a failing sed would end the test).
        port=$(sed -n 's/.*listening address=[^ ]*:\([0-9]*\).*/\1/p' "$work/stderr" 2>/dev/null ||
            true)
        [ -n "$port" ] && break
        kill -0 "$pid" 2>/dev/null || fail "wtfd exited during start-up"
        sleep 0.025
    done
    [ -n "$port" ] || fail "wtfd did not report its port within 10 s"
    base="http://127.0.0.1:$port"
}

# Sends SIGTERM and asserts a clean exit (status 0) within the given seconds (default 2).
stop_wtfd() {
    local limit=${1:-2}
    local started
    started=$(date +%s%N)
    kill -TERM "$pid"
    local rc=0
    wait "$pid" || rc=$?
    local elapsed_ms=$((($(date +%s%N) - started) / 1000000))
    pid=""
    [ "$rc" -eq 0 ] || fail "wtfd exited with status $rc after SIGTERM"
    [ "$elapsed_ms" -le $((limit * 1000)) ] || fail "wtfd took ${elapsed_ms} ms to stop (limit ${limit} s)"
}

# http METHOD PATH [curl arguments...]: sets STATUS and BODY; response headers in $work/headers.
# Every JSON body is checked to be text a JSON reader accepts (expect_json_text).
http() {
    local method=$1 path=$2
    shift 2
    STATUS=$(curl -sS -X "$method" -o "$work/body" -D "$work/headers" -w '%{http_code}' \
        --max-time 5 "$@" "$base$path") || fail "curl $method $path failed"
    BODY=$(cat "$work/body")
    expect_json_text "$method $path"
}

# expect_json_text WHAT: when the last response is JSON, its body must be valid UTF-8 and hold no
# control byte outside tab, CR and LF, whatever wtfd was sent (issue 11: a summary once carried
# raw stack bytes and a NUL). Runs on every response of the e2e suite, through http().
expect_json_text() {
    grep -qi '^content-type: *application/json' "$work/headers" || return 0
    iconv -f UTF-8 -t UTF-8 "$work/body" >/dev/null 2>&1 \
        || fail "$1: the JSON body is not valid UTF-8: $(od -An -c "$work/body" | head -n 8)"
    local controls
    controls=$(LC_ALL=C tr -d '\11\12\15\40-\377' <"$work/body" | wc -c)
    [ "$controls" -eq 0 ] \
        || fail "$1: the JSON body holds $controls control bytes: $(od -An -c "$work/body" | head -n 8)"
}

# post_json PATH JSON [curl arguments...]
post_json() {
    local path=$1 body=$2
    shift 2
    http POST "$path" -H 'Content-Type: application/json' --data-binary "$body" "$@"
}

expect_status() {
    [ "$STATUS" = "$1" ] || fail "${2:-request}: expected HTTP $1, got $STATUS: $BODY"
}

# expect_json JQ-FILTER [description]: the filter must yield true on BODY.
expect_json() {
    jq -e "$1" >/dev/null <<<"$BODY" || fail "${2:-$1}: not true for body: $BODY"
}

expect_header() {
    grep -qi "^$1" "$work/headers" || fail "expected header '$1' in: $(cat "$work/headers")"
}

# Takes "now" (to the millisecond) as the base for time_from_now. Call it in the test's own shell,
# not in $(...), before a group of timestamps whose differences must be exact.
set_time_base() {
    time_base=$(date +%s.%N | awk '{ printf "%.3f", int($1 * 1000) / 1000 }')
}

# RFC 3339 UTC time SECONDS after the base (negative: before it), millisecond precision.
time_from_now() {
    [ -n "${time_base:-}" ] || set_time_base
    date -u -d "@$(awk -v n="$time_base" -v d="$1" 'BEGIN { printf "%.3f", n + d }')" \
        +%Y-%m-%dT%H:%M:%S.%3NZ
}

# wait_for SECONDS PATH JQ-FILTER: polls GET PATH until the filter is true.
wait_for() {
    local limit=$1 path=$2 filter=$3
    local deadline=$(($(date +%s%N) + limit * 1000000000))
    while [ "$(date +%s%N)" -lt "$deadline" ]; do
        http GET "$path"
        if jq -e "$filter" >/dev/null 2>&1 <<<"$BODY"; then return 0; fi
        sleep 0.05
    done
    fail "timed out after ${limit} s waiting for $path to satisfy $filter; last body: $BODY"
}

# Every line wtfd wrote must start with a syslog priority, as journald expects.
expect_priority_prefixes() {
    local bad
    bad=$(grep -v '^<[0-7]>' "$work/stderr" | grep -v '^$' | head -n 3 || true)
    [ -z "$bad" ] || fail "log lines without a <N> priority prefix: $bad"
}

# test_config [API-LINES] [DETECT-LINES]: writes $work/wtfd.toml for tests (generator off, a 1.5 s
# drift and a 1 s dropout gap), with extra lines for the [api] and [detect] tables.
test_config() {
    cat >"$work/wtfd.toml" <<TOML
[api]
${1:-}

[generator]
enabled = false

[detect]
drift_duration_s = 1.5
dropout_gap_s = 1.0
${2:-}

[log]
level = "debug"
TOML
}

# quiet_config [MORE-TABLES]: writes $work/wtfd.toml with the generator and the LLM off and
# dropouts only after 600 s (a test's own readings, nothing else), then MORE-TABLES.
quiet_config() {
    cat >"$work/wtfd.toml" <<TOML
[generator]
enabled = false

[detect]
dropout_gap_s = 600.0

[llm]
enabled = false

${1:-}
TOML
}

# redis_config [REDIS-LINES] [MORE-TABLES]: quiet_config for a test against the redis-server
# start_redis started (a 0.2 s reconnect backoff, a debug log), with extra lines for [redis] and
# further tables after it.
redis_config() {
    quiet_config "[redis]
enabled = true
port = $redis_port
max_backoff_s = 0.2
${1:-}

[log]
level = \"debug\"

${2:-}"
}

# start_redis [redis-server arguments...]: starts a real redis-server on a free loopback port (the
# one in $redis_port if set, for a restart), with no persistence and its files in $work/redis;
# sets redis_pid and redis_port.
start_redis() {
    mkdir -p "$work/redis"
    local want=$redis_port
    for _ in $(seq 20); do
        redis_port=${want:-$((20000 + RANDOM % 40000))}
        redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
            --dir "$work/redis" --daemonize no "$@" >"$work/redis/log" 2>&1 &
        redis_pid=$!
        for _ in $(seq 200); do
            if grep -q 'Ready to accept connections' "$work/redis/log"; then return 0; fi
            kill -0 "$redis_pid" 2>/dev/null || break
            sleep 0.025
        done
        kill -KILL "$redis_pid" 2>/dev/null || true
        wait "$redis_pid" 2>/dev/null || true
        redis_pid=""
        [ -z "$want" ] || sleep 0.2 # the same port: wait for it to be free again
    done
    fail "redis-server did not start: $(cat "$work/redis/log")"
}

stop_redis() {
    kill -TERM "$redis_pid"
    wait "$redis_pid" 2>/dev/null || true
    redis_pid=""
}

# redis ARGS...: runs redis-cli against the test's server, raw output.
redis() { redis-cli -p "$redis_port" --raw "$@"; }

# Starts a real influxd (InfluxDB 1.x, Debian's influxdb package) on free loopback ports with its
# files in $work/influx; `start_influx auth` turns authentication on. Sets influx_pid and
# influx_port and waits for /ping.
start_influx() {
    local auth=false
    [ "${1:-}" = auth ] && auth=true
    mkdir -p "$work/influx"
    for _ in $(seq 10); do
        influx_port=$((20000 + RANDOM % 40000))
        cat >"$work/influx/influxd.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:$((influx_port + 1))"
[meta]
  dir = "$work/influx/meta"
  logging-enabled = false
[data]
  dir = "$work/influx/data"
  wal-dir = "$work/influx/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:$influx_port"
  auth-enabled = $auth
  log-enabled = false
[logging]
  level = "warn"
  suppress-logo = true
[continuous_queries]
  enabled = false
[retention]
  enabled = false
[subscriber]
  enabled = false
CONF
        influxd -config "$work/influx/influxd.conf" >"$work/influx/log" 2>&1 &
        influx_pid=$!
        for _ in $(seq 300); do
            if curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$influx_port/ping" \
                | grep -q 204; then return 0; fi
            kill -0 "$influx_pid" 2>/dev/null || break
            sleep 0.05
        done
        kill -KILL "$influx_pid" 2>/dev/null || true
        wait "$influx_pid" 2>/dev/null || true
        influx_pid=""
    done
    fail "influxd did not start: $(cat "$work/influx/log")"
}

# influx_http PATH ARGS...: curl against the test's influxd (-sS, fails on HTTP errors).
influx_http() {
    local path=$1
    shift
    curl -sS --fail-with-body "http://127.0.0.1:$influx_port$path" "$@"
}

stop_influx() {
    kill -TERM "$influx_pid"
    wait "$influx_pid" 2>/dev/null || true
    influx_pid=""
}
