#!/usr/bin/env bash
# The .deb cpack makes from this build tree (here the test tree, so an asan binary: the layout is
# what counts), read back with dpkg-deb: files, control fields, conffiles, maintainer scripts;
# then the unit it ships, checked offline with systemd-analyze (verify, and security with an
# overall exposure of at most 2.0). Needs dpkg-dev and systemd, which scripts/test installs; no
# running systemd and no root.
set -euo pipefail

build=${1:?usage: $0 BUILD-DIR VERSION [CPACK]}
version=${2:?usage: $0 BUILD-DIR VERSION [CPACK]}
cpack=${3:-cpack}
max_exposure=2.0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

for tool in dpkg-deb dpkg-shlibdeps systemd-analyze; do
    command -v "$tool" >/dev/null || fail "$tool is missing (scripts/test installs it)"
done

"$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 \
    || { cat "$work/cpack.log" >&2; fail "cpack failed"; }
debs=("$work/out"/*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "expected one .deb, got: ${debs[*]}"
deb=${debs[0]}
pass "cpack made $(basename "$deb")"

# Files.
dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\.||' >"$work/contents"
for path in /usr/bin/wtfd /lib/systemd/system/wtfd.service /etc/wtfd/wtfd.toml \
            /usr/share/doc/wtfd/README.md /usr/share/doc/wtfd/docs/architecture.md \
            /usr/share/doc/wtfd/docs/decisions.md /usr/share/doc/wtfd/wtfd.env.example; do
    grep -qxF "$path" "$work/contents" || fail "$path is not in the package: $(cat "$work/contents")"
done
! grep -qxF /etc/wtfd/wtfd.env "$work/contents" || fail "/etc/wtfd/wtfd.env must not be shipped"
! grep -q '^/usr/local/' "$work/contents" || fail "files under /usr/local: $(grep '^/usr/local/' "$work/contents")"
pass "binary, unit, config and docs where Debian 12 expects them"

# Control fields.
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = wtfd ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version), expected $version"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture: $(field Architecture)"
[ "$(field Section)" = net ] || fail "Section: $(field Section)"
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
[ -n "$(field Description)" ] || fail "no Description"
depends=$(field Depends)
for lib in libhiredis0.14 libsystemd0 libboost; do
    [[ "$depends" == *"$lib"* ]] || fail "Depends lacks $lib: '$depends'"
done
pass "control fields; Depends: $depends"

# Control files: conffiles and maintainer scripts.
dpkg-deb -e "$deb" "$work/control"
[ "$(cat "$work/control/conffiles")" = /etc/wtfd/wtfd.toml ] \
    || fail "conffiles: '$(cat "$work/control/conffiles" 2>/dev/null)'"
for script in postinst prerm postrm; do
    file="$work/control/$script"
    [ -x "$file" ] || fail "$script missing or not executable"
    sh -n "$file" || fail "$script: syntax error"
    code=$(grep -v '^[[:space:]]*#' "$file")
    ! grep -Eq 'systemctl[^;|&]*[[:space:]](start|enable|restart|reload-or-restart)([[:space:]]|$)' \
        <<<"$code" || fail "$script starts or enables the service"
    if grep -q systemctl <<<"$code"; then
        grep -qF '[ -d /run/systemd/system ]' <<<"$code" || fail "$script calls systemctl unguarded"
    fi
done
pass "conffiles lists /etc/wtfd/wtfd.toml; maintainer scripts never start or enable wtfd"

# The unit's paths exist in the unpacked package.
root=$work/root
dpkg -x "$deb" "$root"
unit=$root/lib/systemd/system/wtfd.service
exec_start=$(sed -n 's/^ExecStart=[-@:+!]*//p' "$unit")
binary=${exec_start%% *}
[ -x "$root$binary" ] || fail "ExecStart binary $binary is not in the package"
config=$(sed -n 's/.*--config \([^ ]*\).*/\1/p' <<<"$exec_start")
[ -n "$config" ] && [ -f "$root$config" ] || fail "--config '$config' is not in the package"
grep -qx 'EnvironmentFile=-/etc/wtfd/wtfd.env' "$unit" || fail "EnvironmentFile must be optional (-)"
doc=$(sed -n 's|^Documentation=file://||p' "$unit")
[ -z "$doc" ] || [ -f "$root$doc" ] || fail "Documentation=$doc is not in the package"
pass "ExecStart $binary, --config $config and the documentation are in the package"

# systemd-analyze verify needs ExecStart to exist on this machine: point it at the unpacked copy.
# It exits 0 on unknown keys and bad values, so any output is a failure.
mkdir "$work/verify"
sed "s|^ExecStart=$binary |ExecStart=$root$binary |" "$unit" >"$work/verify/wtfd.service"
out=$(systemd-analyze verify "$work/verify/wtfd.service" 2>&1) || fail "verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify: $out"
pass "systemd-analyze verify is silent"

security=$(systemd-analyze security --offline=true "$unit" 2>&1) || fail "security: $security"
exposure=$(sed -n 's/.*Overall exposure level for wtfd\.service: \([0-9.]*\).*/\1/p' <<<"$security")
[ -n "$exposure" ] || fail "no exposure level in: $security"
awk -v e="$exposure" -v m="$max_exposure" 'BEGIN { exit !(e <= m) }' \
    || fail "exposure $exposure > $max_exposure: $(grep '✗' <<<"$security")"
pass "systemd-analyze security: overall exposure $exposure (at most $max_exposure)"
