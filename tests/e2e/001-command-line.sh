#!/usr/bin/env bash
# --help, --version and --check-config behave as documented.
source "$(dirname "$0")/lib.sh"

"$WTFD" --version | grep -Eq '^wtfd [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version"
"$WTFD" --help | grep -q -- '--check-config' || fail "--help does not list --check-config"
pass "--help and --version"

out=$("$WTFD" --check-config) || fail "--check-config on the embedded defaults exited non-zero"
grep -q '^\[detect.parameters.temperature\]' <<<"$out" || fail "effective config lacks parameters: $out"
pass "--check-config prints the effective defaults"

repo_config="$(dirname "$0")/../../config/wtfd.toml"
"$WTFD" --check-config --config "$repo_config" >/dev/null || fail "config/wtfd.toml is not valid"
pass "the shipped config/wtfd.toml is valid"

cat >"$work/bad.toml" <<'TOML'
[detect]
drift_duration_s = -1
drfit_duration_s = 3

[api]
listen = "nohost"
TOML
rc=0
"$WTFD" --check-config --config "$work/bad.toml" >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" -eq 1 ] || fail "--check-config on a bad file exited $rc, expected 1"
grep -q 'bad.toml:2: detect.drift_duration_s' "$work/err" || fail "no error for line 2: $(cat "$work/err")"
grep -q 'bad.toml:3: detect.drfit_duration_s' "$work/err" || fail "unknown key not named: $(cat "$work/err")"
grep -q 'bad.toml:6: api.listen' "$work/err" || fail "bad listen not named: $(cat "$work/err")"
pass "--check-config names every bad key with its line and exits 1"

rc=0
"$WTFD" --config "$work/missing.toml" 2>"$work/err" || rc=$?
[ "$rc" -eq 1 ] || fail "a missing config file exited $rc, expected 1"
grep -q 'missing.toml' "$work/err" || fail "missing file not named: $(cat "$work/err")"
pass "a missing config file is named and fatal"

rc=0
TEMPERATURE=hot "$WTFD" --check-config 2>"$work/err" >/dev/null || rc=$?
[ "$rc" -eq 1 ] && grep -q 'TEMPERATURE' "$work/err" || fail "bad TEMPERATURE not reported (rc $rc)"
out=$(MODEL_NAME=tiny SUMMARY_INTERVAL=5 "$WTFD" --check-config)
grep -q '^model = "tiny"' <<<"$out" || fail "MODEL_NAME did not override the model: $out"
pass "the seed's environment variables override the file"

rc=0
"$WTFD" --check-config --listen nohost 2>"$work/err" >/dev/null || rc=$?
[ "$rc" -eq 1 ] && grep -q -- '--listen nohost' "$work/err" || fail "a bad --listen not reported (rc $rc)"
out=$("$WTFD" --check-config --listen '[::1]:9000')
grep -q '^listen = "\[::1\]:9000"' <<<"$out" || fail "--listen did not override api.listen: $out"
pass "--listen overrides [api] listen and a bad one is refused"

rc=0
"$WTFD" --frobnicate 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "an unknown argument exited $rc, expected 2"
pass "an unknown argument is a usage error"
