#!/usr/bin/env bash
# ci/install.sh - makes tmems-check available to a CI job (docs/ci.md):
#   - TMEMS_CHECK_BIN set: that program is used (its directory is put on
#     the PATH of the later steps);
#   - tmems-check already on PATH (a .deb installed): nothing to do;
#   - otherwise the sources this script belongs to are built with CMake
#     into TMEMS_CHECK_BUILD_DIR (default $RUNNER_TEMP/tmems-check-build, else
#     /tmp/tmems-check-build), after installing the Debian build packages
#     that are missing (apt-get; sudo when not root).
# On GitHub the directory is appended to GITHUB_PATH; elsewhere the last
# line of standard output is the program's path.
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

publish() { # DIR
    if [ -n "${GITHUB_PATH:-}" ]; then
        echo "$1" >>"$GITHUB_PATH"
    fi
    echo "$1/tmems-check"
}

if [ -n "${TMEMS_CHECK_BIN:-}" ]; then
    if [ ! -x "$TMEMS_CHECK_BIN" ]; then
        echo "ci/install.sh: TMEMS_CHECK_BIN '$TMEMS_CHECK_BIN' is not an executable" >&2
        exit 2
    fi
    publish "$(cd "$(dirname "$TMEMS_CHECK_BIN")" && pwd)"
    exit 0
fi
if command -v tmems-check >/dev/null 2>&1; then
    publish "$(dirname "$(command -v tmems-check)")"
    exit 0
fi

# The build packages of the program (scripts/bootstrap.sh lists them with
# the test tools).
PACKAGES=(build-essential cmake pkg-config gettext libc-ares-dev libcurl4-openssl-dev
          libcjson-dev libknot-dev libidn2-dev libssl-dev libyaml-dev)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
        missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    SUDO=()
    [ "$(id -u)" -eq 0 ] || SUDO=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update -qq
    "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

build=${TMEMS_CHECK_BUILD_DIR:-${RUNNER_TEMP:-/tmp}/tmems-check-build}
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DTM_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target tmems-check -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
publish "$build"
