# Shared by scripts/run, scripts/test and scripts/bench: installs missing Debian packages.
# Sourced, not executed.

# Debian 12 packages wtfd builds with.
WTF_BUILD_PACKAGES=(
    cmake ninja-build g++ pkg-config ccache
    libboost1.81-all-dev libboost-json1.81-dev libboost-url1.81-dev
    libtomlplusplus-dev catch2 libssl-dev libhiredis-dev libsystemd-dev
)

# Packaging (scripts/package, and the "package: deb" test): dpkg-dev's dpkg-shlibdeps works out the
# .deb's Depends; systemd brings the pkg-config file naming the unit directory (/lib/systemd/system)
# and systemd-analyze, which checks the unit without systemd running.
WTF_PACKAGE_TOOLS=(dpkg-dev systemd)

# Installs every named package that is not installed yet, saying which.
wtf_ensure_packages() {
    local missing=()
    local pkg
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$pkg")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0

    echo "wtfd: installing missing Debian packages: ${missing[*]}" >&2
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "wtfd: need root or sudo to install packages" >&2; return 1; }
        sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
        "${missing[@]}"
}

wtf_root() {
    cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd
}
