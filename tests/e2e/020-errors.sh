#!/usr/bin/env bash
# Every refusal has the right status and a {"detail": ...} naming what was wrong, and a refused
# batch applies nothing.
source "$(dirname "$0")/lib.sh"

test_config 'ingest_token = "s3cret"
max_body_bytes = 2048'
start_wtfd
auth=(-H 'Authorization: Bearer s3cret')

post_json /readings '{"sensor_id": "a", "temperature": 20.0}'
expect_status 401 "POST without a token"
expect_json '.detail | test("token")'
expect_header 'WWW-Authenticate: Bearer'
post_json /readings '{"sensor_id": "a", "temperature": 20.0}' -H 'Authorization: Bearer wrong'
expect_status 401 "POST with a wrong token"
http GET /status
expect_status 200 "GET stays open without a read token"
pass "401 without or with a wrong ingest token; GET open"

post_json /readings '{"sensor_id": "a", "temperature": ' "${auth[@]}"
expect_status 400 "malformed JSON"
expect_json '.detail | type == "string" and length > 0'
pass "400 for malformed JSON"

big=$(printf '{"sensor_id": "a", "temperature": 20.0, "pad": %s}' "$(printf '1%.0s' $(seq 3000))")
post_json /readings "$big" "${auth[@]}"
expect_status 413 "body over max_body_bytes"
expect_json '.detail | test("2048")'
pass "413 for a body over api.max_body_bytes"

batch='[{"sensor_id": "a", "temperature": 20.0},
        {"sensor_id": "b", "temperature": "hot"}]'
post_json /readings "$batch" "${auth[@]}"
expect_status 422 "invalid item"
expect_json '.detail == "item 1: field '"'"'temperature'"'"' must be a finite number"'
post_json /readings '[{"temperature": 20.0}]' "${auth[@]}"
expect_status 422
expect_json '.detail | test("item 0") and test("sensor_id")'
post_json /readings '{"sensor_id": "a", "timestamp": "yesterday", "flow": 50}' "${auth[@]}"
expect_status 422
expect_json '.detail | test("timestamp")'
post_json /readings '{"sensor_id": "a"}' "${auth[@]}"
expect_status 422 "no parameter"
post_json /readings "{\"sensor_id\": \"a\", \"timestamp\": \"$(time_from_now 3600)\", \"flow\": 50}" "${auth[@]}"
expect_status 422 "an hour in the future"
expect_json '.detail | test("future")'
http GET /status
expect_json '.readings.accepted == 0' "nothing of a refused batch is applied"
pass "422 names the item and the field; a refused batch applies nothing"

for q in 'limit=0' 'limit=-1' 'limit=abc' 'type=meteor' 'active=maybe' 'colour=red'; do
    http GET "/anomalies?$q"
    expect_status 422 "GET /anomalies?$q"
    expect_json '.detail | test("'"${q%%=*}"'")' "detail names ${q%%=*}"
done
pass "422 for every bad query parameter, naming it"

http GET /nowhere
expect_status 404
expect_json '. == {"detail": "Not Found"}'
http DELETE /anomalies
expect_status 405
expect_json '. == {"detail": "Method Not Allowed"}'
expect_header 'Allow: GET'
http GET /readings
expect_status 405
pass "404 for an unknown path, 405 with Allow for a wrong method"

printf '{"sensor_id": "n1", "temperature": 20.0}\n\n{"sensor_id": "n2", "flow": 50.0}\n' >"$work/ndjson"
http POST /readings -H 'Content-Type: application/x-ndjson' --data-binary @"$work/ndjson" "${auth[@]}"
expect_status 200 "NDJSON"
expect_json '.accepted == 2'
post_json /readings '[{"sensor_id": "n1", "temperature": 20.5}]' "${auth[@]}"
expect_json '.accepted == 1'
http GET /status
expect_json '.readings.accepted == 3 and .sensors.count == 2'
http GET /sensors
expect_json '[.sensors[].sensor_id] == ["n1", "n2"]'
expect_json '.sensors[0].last_seen != null' "a missing timestamp means now"
pass "NDJSON and arrays are accepted; a missing timestamp means now"

stop_wtfd
expect_priority_prefixes
