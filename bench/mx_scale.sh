#!/usr/bin/env bash
# bench/mx_scale.sh - does the cost per record stay flat as a zone's MX set
# grows?  (bench/mx_scale.md)
#
#   bash bench/mx_scale.sh [BINARY] [SIZES...]
#
# For each size N it writes two zones of the same shape into a temp dir:
#   mx: the apex has N MX records, each naming its own host, which has an A
#       record: the checks ask A and AAAA of every host (2N questions);
#   a:  the same N hosts with their A records, and N A records at the apex
#       instead of the MX set (one MX, so the same checks run).
# and times `tmems-check --offline --zone FILE big.example -q` on each (the
# median of 3 runs, wall time and peak RSS from /usr/bin/time).  Offline and
# from a zone: no network, no root, nothing else running.  Timing never
# decides a test: this is a benchmark, not run by ctest.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${1:-$ROOT/build/tmems-check}
shift || true
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(25000 50000 100000)
[ -x "$BIN" ] || { echo "mx_scale.sh: no binary at $BIN (build first)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "mx_scale.sh: needs /usr/bin/time (Debian package time)" >&2; exit 2; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

zone() { # KIND N
    awk -v kind="$1" -v n="$2" 'BEGIN {
        print "$ORIGIN big.example.\n$TTL 300\n@ SOA ns hostmaster 1 7200 900 1209600 300\n@ NS ns\nns A 192.0.2.1"
        if (kind == "a") print "@ MX 10 h0"
        for (i = 0; i < n; i++) {
            printf "h%d A 192.0.2.%d\n", i, i % 250 + 1
            if (kind == "mx") printf "@ MX 10 h%d\n", i
            else printf "@ A 198.51.%d.%d\n", int(i / 250) % 250, i % 250 + 1
        }
    }'
}

# "seconds KB" of one run; the exit status (1: the zone is not ready) is expected.
one_run() {
    /usr/bin/time -f '%e %M' -o "$TMP/time" "$BIN" --offline --zone "$1" big.example -q \
        >/dev/null 2>&1 || true
    tail -n 1 "$TMP/time"
}

median() { sort -n | sed -n 2p; }

printf '%-5s %8s %9s %9s %10s %7s\n' kind records seconds "peak MiB" "us/record" "mx/a"
for n in "${SIZES[@]}"; do
    zone mx "$n" >"$TMP/mx.zone"
    zone a "$n" >"$TMP/a.zone"
    a_secs=0
    for kind in a mx; do
        runs=$(for _ in 1 2 3; do one_run "$TMP/$kind.zone"; done)
        s=$(awk '{print $1}' <<<"$runs" | median)
        kb=$(awk '{print $2}' <<<"$runs" | sort -n | tail -n 1)
        [ "$kind" = a ] && a_secs=$s
        awk -v kind="$kind" -v n="$n" -v s="$s" -v kb="$kb" -v a="$a_secs" 'BEGIN {
            printf "%-5s %8d %9.2f %9.1f %10.1f %7s\n", kind, n, s, kb / 1024, s * 1e6 / n,
                   (kind == "mx" && a > 0) ? sprintf("%.1f", s / a) : "" }'
    done
done
