#!/usr/bin/env bash
# bench/run.sh - the whole benchmark in one command (bench/README.md).
#
#   bash bench/run.sh [--quick] [--write-readme] [--build DIR] [--before BIN] [--net-only]
#                     [--batch-only]
#
# Installs what is missing (Debian packages; mailauth from the npm registry
# into bench/node_modules), builds tmems-check (RelWithDebInfo) and the
# delaying proxy, makes a private network namespace whose resolv.conf names
# 127.0.0.1, and runs bench/bench.py inside it: BIND 9, the proxy and every
# tool share that namespace's own loopback, so nothing reaches beyond it.
# Needs root (ip netns).  --quick: fewer runs, under two minutes.
# --before BIN: another tmems-check build (an older commit's) runs the network
# scenarios side by side with this one, in the same session; --net-only runs
# only those (bench/netbench.py); --batch-only only the 10,000-domain batch
# (default settings and -j 256), about 2 minutes with --before.
# Whatever happens (normal end, error, Ctrl-C), the trap stops every process
# left in the namespace, deletes it and removes the temp dir.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
BUILD="$ROOT/build-bench"
ARGS=()
README=0
NET_ONLY=0
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) ARGS+=(--quick) ;;
        --write-readme) README=1 ;;
        --build) BUILD=$(realpath -m "$2"); shift ;;
        --before) ARGS+=(--before "$(realpath -e "$2")"); shift ;;
        --net-only) ARGS+=(--net-only); NET_ONLY=1 ;;
        --batch-only) ARGS+=(--net-only --batch-only); NET_ONLY=1 ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done
[ "$README" = 1 ] && ARGS+=(--write-readme "$BENCH/README.md")

log() { printf 'run.sh: %s\n' "$*" >&2; }

if [ "$(id -u)" != 0 ]; then
    log "needs root: network namespaces (ip netns) and apt-get"
    exit 2
fi

# ---- what the benchmark needs ---------------------------------------------------
# command or file -> Debian package
NEEDS=(
    "named:bind9"
    "dig:bind9-dnsutils"
    "ip:iproute2"
    "cc:gcc"
    "cmake:cmake"
    "/usr/bin/python3:python3"
)
# The peers and the CPU profile: not needed by the network scenarios alone.
[ "$NET_ONLY" = 1 ] || NEEDS+=(
    "valgrind:valgrind"
    "callgrind_annotate:valgrind"
    "node:nodejs"
    "npm:npm"
    "spfquery.libspf2:spfquery"
    "spfquery.mail-spf-perl:spf-tools-perl"
    "/usr/lib/python3/dist-packages/spf.py:python3-spf"
)
missing=()
for pair in "${NEEDS[@]}"; do
    what=${pair%%:*} pkg=${pair#*:}
    if [ "${what#/}" != "$what" ]; then
        [ -e "$what" ] && continue
    else
        command -v "$what" >/dev/null 2>&1 && continue
    fi
    case " ${missing[*]-} " in *" $pkg "*) ;; *) missing+=("$pkg") ;; esac
done
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ "$NET_ONLY" = 0 ] && [ ! -f "$BENCH/node_modules/mailauth/package.json" ]; then
    log "installing mailauth into bench/node_modules (npm registry)"
    (cd "$BENCH" && timeout 600 npm ci --no-audit --no-fund --loglevel=error)
fi

# ---- build ------------------------------------------------------------------------
log "building tmems-check in $BUILD"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j2 --target tmems-check >/dev/null
mkdir -p "$BUILD/bench"
for tool in delayproxy loadgen runone; do
    cc -std=gnu11 -O2 -g -Wall -Wextra -Werror -o "$BUILD/bench/$tool" "$BENCH/$tool.c"
done

# ---- the namespace ------------------------------------------------------------------
NS="tmbench-$$"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tmbench.XXXXXX")
cleanup() {
    local pid
    trap - EXIT INT TERM
    if ip netns list 2>/dev/null | grep -qw "$NS"; then
        # Only processes inside this run's namespace: the ones it started.
        for pid in $(ip netns pids "$NS" 2>/dev/null); do
            kill -TERM "$pid" 2>/dev/null || true
        done
        sleep 0.5
        for pid in $(ip netns pids "$NS" 2>/dev/null); do
            kill -KILL "$pid" 2>/dev/null || true
        done
        ip netns del "$NS" 2>/dev/null || true
    fi
    rm -rf -- "/etc/netns/$NS" "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ip netns add "$NS"
mkdir -p "/etc/netns/$NS"
# glibc, c-ares, Net::DNS, dnspython and node all read this file; a
# resolv.conf cannot name a port, hence the proxy on port 53.
printf 'nameserver 127.0.0.1\noptions timeout:2 attempts:2\n' >"/etc/netns/$NS/resolv.conf"
log "namespace $NS: BIND, proxy and every tool on its own loopback"

# The whole run is bounded: 30 minutes at most (--quick takes under 2).  It
# runs in the background and the script waits for it, so that Ctrl-C or a
# TERM reaches the trap at once (bash runs no trap until a foreground child
# ends); the trap then stops everything in the namespace.
# nice -10: other jobs on the machine (builds, fuzzers) then delay the
# benchmark's processes less; every tool, BIND and the proxy get the same.
ip netns exec "$NS" nice -n -10 timeout -k 10 1800 /usr/bin/python3 "$BENCH/bench.py" \
    --build "$BUILD" --tmp "$TMP" "${ARGS[@]}" </dev/null &
wait $!
