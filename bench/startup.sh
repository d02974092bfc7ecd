#!/usr/bin/env bash
# startup.sh - what a start of tmems-check costs, against /bin/true, for one
# or more builds side by side (bench/startup.md has the figures and how to
# read them).
#
#   bash bench/startup.sh BIN [BIN...]      e.g. old/tmems-check build/tmems-check
#
# For each binary: hyperfine (one run, so the figures compare) of
# --version and of the offline demo in English and in Japanese; then the
# numbers the machine's load does not move: instructions executed from the
# first one of the dynamic loader (valgrind's callgrind) and page faults
# (perf stat), and the libraries the binary needs.  Needs hyperfine,
# valgrind and perf (linux-perf); run it from the source tree.
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: $0 BIN [BIN...]" >&2; exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
zone="$root/examples/acme-corp.example.zone"
runs=${TM_STARTUP_RUNS:-300}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
cmds=(/bin/true)
for bin in "$@"; do
    cmds+=("$bin --version"
           "$bin --lang en --offline --zone $zone acme-corp.example"
           "$bin --lang ja --offline --zone $zone acme-corp.example")
done
# -N: no shell in between; -i: the demo's exit status is the verdict's.
hyperfine -N -i --warmup 20 --runs "$runs" --style basic "${cmds[@]}" 2>&1 \
    | grep -E '^(Benchmark|  Time|  Range)'

printf '\n%14s %8s  %s\n' "instructions" "faults" "command"
for cmd in "${cmds[@]}"; do
    # shellcheck disable=SC2086 # the command is split into its words on purpose
    ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null $cmd 2>&1 >/dev/null \
         | sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
    # shellcheck disable=SC2086
    pf=$(perf stat -x, -e page-faults -r 20 $cmd 2>&1 >/dev/null | cut -d, -f1 | tail -1)
    short=${cmd//$zone/ZONE}
    printf '%14s %8s  %s\n' "$ir" "$pf" "$short"
done

echo
for bin in "$@"; do
    echo "$bin needs: $(LC_ALL=C readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
done
