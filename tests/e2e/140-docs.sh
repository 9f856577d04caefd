#!/usr/bin/env bash
# GET /docs renders the API description in a real browser (Debian's chromium, headless) from
# /openapi.json alone, without the read token, and nothing the page asks for leaves loopback.
source "$(dirname "$0")/lib.sh"

chrome=$(command -v chromium || true)
if [ -z "$chrome" ]; then
    echo "skipped: chromium not installed"
    exit 0
fi

test_config 'read_token = "r3ad"
ingest_token = "wr1te"'
start_wtfd
paths=(/anomalies /summary /status /readings /metrics /openapi.json /docs)

http GET /openapi.json
expect_status 200
expect_header 'Content-Type: application/json'
expect_json '.openapi | startswith("3.1")'
for p in "${paths[@]}"; do
    expect_json ".paths[\"$p\"] | length > 0" "/openapi.json describes $p"
done
http GET /docs
expect_status 200
expect_header 'Content-Type: text/html; charset=utf-8'
csp="default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'"
expect_header "Content-Security-Policy: $csp; connect-src 'self'"
http GET /anomalies
expect_status 401 "GET /anomalies without the read token"
pass "/openapi.json and /docs are served without the read token, /docs with its CSP"

# The resolver rules keep the browser's own background traffic (update checks, sign-in, autofill)
# off the network; the net log below, not these rules, is what shows the page stays on loopback.
"$chrome" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --disable-default-apps --no-first-run \
    --user-data-dir="$work/chromium" --host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1" \
    --log-net-log="$work/netlog.json" --virtual-time-budget=5000 \
    --dump-dom "$base/docs" >"$work/dom.html" 2>"$work/chromium.log" ||
    fail "chromium failed: $(tail -n 5 "$work/chromium.log")"

grep -q 'data-loaded="true"' "$work/dom.html" ||
    fail "the page did not finish rendering: $(grep -o 'class="error"[^<]*' "$work/dom.html")"
for p in "${paths[@]}"; do
    grep -q "</span>$p</h2>" "$work/dom.html" || fail "the rendered page does not list $p"
done
grep -q '>Try it<' "$work/dom.html" || fail "no try-it form in the rendered page"
pass "chromium renders every path from /openapi.json"

jq -e . "$work/netlog.json" >/dev/null || fail "chromium's net log does not parse"
# Requests the page made: the navigation itself and everything its origin initiated. The browser's
# own requests carry no initiator ("not an origin") and are not the page's doing.
page_urls=$(jq -r --arg origin "$base" '
    (.constants.logEventTypes.URL_REQUEST_START_JOB) as $start
    | .events[] | select(.type == $start and .params.url != null)
    | select(.params.initiator == $origin or .params.request_type == "main frame")
    | .params.url' "$work/netlog.json")
grep -qx "$base/openapi.json" <<<"$page_urls" ||
    fail "the net log shows no fetch of /openapi.json: $page_urls"
off=$(grep -v "^$base/" <<<"$page_urls" || true)
[ -z "$off" ] || fail "the page requested URLs off loopback: $off"
# Every socket the browser opened at all, for the page or itself, went to 127.0.0.1.
peers=$(jq -r '
    (.constants.logEventTypes | [.TCP_CONNECT, .TCP_CONNECT_ATTEMPT]) as $types
    | .events[] | select(.type as $t | $types | index($t))
    | .params | (.address?, .remote_address?, (.address_list? // [])[]) | strings' \
    "$work/netlog.json")
[ -n "$peers" ] || fail "the net log shows no connection at all"
off=$(grep -v '^127\.0\.0\.1:' <<<"$peers" || true)
[ -z "$off" ] || fail "chromium connected off loopback: $off"
grep -q 'request method=GET target=/docs status=200' "$work/stderr" ||
    fail "wtfd logged no GET /docs"
grep -q 'request method=GET target=/openapi.json status=200' "$work/stderr" ||
    fail "wtfd logged no GET /openapi.json"
pass "every request of the page, and every connection chromium made, stayed on 127.0.0.1"

stop_wtfd
expect_priority_prefixes
