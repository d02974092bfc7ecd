#!/usr/bin/env bash
# bench/cpu.sh - instructions per domain of a batch, for one or more builds,
# under valgrind --tool=callgrind (bench/README.md, "CPU per domain").
#
#   bash bench/cpu.sh [-n COUNT] [-j JOBS] [--keep DIR] BIN [BIN...]
#
# Instructions, not seconds: the machine is shared, and an instruction count
# does not change with the load.  A private BIND 9 on 127.0.0.1 (a free port,
# no delay, no namespace: root is not needed) serves the batch zones of
# bench/gen_batch.py and bench/zones; each BIN checks the first COUNT
# (default 1000) batch domains with -j JOBS (default 256) in --format jsonl
# and --format json, and the one domain bigcorp.example, under callgrind.
# Printed per build and format: the whole process, per domain (process
# start included), marginal per domain (minus the one-domain run), the top
# functions by their own instructions and the inclusive cost of the report.
# The trap stops BIND by its process id and removes the temp dir.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
COUNT=1000
JOBS=256
KEEP=""
BINS=()
while [ $# -gt 0 ]; do
    case "$1" in
        -n) COUNT=$2; shift ;;
        -j) JOBS=$2; shift ;;
        --keep) KEEP=$(realpath -m "$2"); shift ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "cpu.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
        *) BINS+=("$(realpath -e "$1")") ;;
    esac
    shift
done
[ ${#BINS[@]} -gt 0 ] || { echo "cpu.sh: name at least one tmems-check binary" >&2; exit 2; }
for tool in named valgrind callgrind_annotate python3; do
    command -v "$tool" >/dev/null || { echo "cpu.sh: needs $tool" >&2; exit 2; }
done

TMP=$(mktemp -d)
BIND_PID=""
cleanup() {
    if [ -n "$BIND_PID" ]; then
        kill "$BIND_PID" 2>/dev/null || true
        wait "$BIND_PID" 2>/dev/null || true
    fi
    if [ -n "$KEEP" ]; then
        mkdir -p "$KEEP" && cp "$TMP"/callgrind.* "$KEEP"/ 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

python3 "$HERE/gen_batch.py" "$TMP/gen" "$COUNT" >/dev/null
head -n "$COUNT" "$TMP/gen/domains.txt" > "$TMP/domains.txt"

PORT=$(python3 - <<'EOF'
import random, socket
for _ in range(200):
    port = random.randint(20000, 60000)
    try:
        for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            s = socket.socket(socket.AF_INET, kind)
            try:
                s.bind(("127.0.0.1", port))
            finally:
                s.close()
    except OSError:
        continue
    print(port)
    break
EOF
)
mkdir -p "$TMP/bind"
{
    cat <<EOF
options {
    directory "$TMP/bind";
    listen-on port $PORT { 127.0.0.1; };
    listen-on-v6 { none; };
    recursion no;
    dnssec-validation no;
    pid-file none;
    session-keyfile none;
    managed-keys-directory "$TMP/bind";
    notify no;
    allow-transfer { none; };
    minimal-responses yes;
    max-records-per-type 0;
};
controls { };
logging { category default { null; }; category lame-servers { null; }; };
EOF
    for z in "$HERE"/zones/*.zone; do
        origin=$(basename "$z" .zone)
        [ "$origin" = tmems-jp.trendmicro.com ] && continue
        echo "zone \"$origin\" { type primary; file \"$z\"; };"
    done
    echo "zone \"tmems-jp.trendmicro.com\" { type primary; file \"$TMP/gen/tmems-jp.trendmicro.com.zone\"; };"
    echo "zone \"example\" { type primary; file \"$TMP/gen/example.zone\"; };"
} > "$TMP/bind/named.conf"
named -g -4 -n 1 -c "$TMP/bind/named.conf" > "$TMP/bind/named.log" 2>&1 &
BIND_PID=$!
for _ in $(seq 1 100); do
    if dig +short +time=1 +tries=1 -p "$PORT" @127.0.0.1 SOA example 2>/dev/null | grep -q .; then
        break
    fi
    kill -0 "$BIND_PID" 2>/dev/null || { cat "$TMP/bind/named.log" >&2; exit 1; }
    sleep 0.2
done

# callgrind TAG BIN ARGS... : prints the total instructions; keeps the profile.
callgrind() {
    local tag=$1 bin=$2
    shift 2
    valgrind --tool=callgrind --callgrind-out-file="$TMP/callgrind.$tag" \
        "$bin" --server "127.0.0.1:$PORT" --timeout 10000 --color never "$@" \
        >"$TMP/out.$tag" 2>/dev/null || true
    awk '/^(totals|summary):/ { print $2; exit }' "$TMP/callgrind.$tag"
}

top_functions() {
    callgrind_annotate --inclusive=no "$TMP/callgrind.$1" 2>/dev/null |
        awk '/^ *[0-9,]+ +\( *[0-9.]+%\)/ && !/PROGRAM TOTALS/ { print; if (++n == 5) exit }' |
        sed -E 's/^ *//; s/ +/ /g; s/\[[^]]*\/([^/]*)\]$/[\1]/' || true
}

inclusive() { # TAG FUNCTION
    callgrind_annotate --inclusive=yes "$TMP/callgrind.$1" 2>/dev/null |
        awk -v fn=":$2 " 'index($0, fn) { gsub(",", "", $1); print $1; exit }' || true
}

echo "bench/cpu.sh: $COUNT batch domains, -j $JOBS, BIND 9 on 127.0.0.1:$PORT, no delay;" \
     "load average $(cut -d' ' -f1 /proc/loadavg) ($(nproc) cores)"
i=0
for bin in "${BINS[@]}"; do
    i=$((i + 1))
    echo
    echo "== build $i: $bin ($("$bin" --version 2>/dev/null | head -1))"
    one=$(callgrind "one.$i" "$bin" --format json bigcorp.example)
    printf '  one domain (bigcorp.example, json): %s instructions\n' "$one"
    for format in jsonl json; do
        total=$(callgrind "$format.$i" "$bin" -j "$JOBS" -f "$TMP/domains.txt" --format "$format")
        results=$(grep -c '"ascii":' "$TMP/out.$format.$i" || true)
        if [ "$format" = json ]; then
            report=$(inclusive "$format.$i" tm_report_json_stream_item)
        else
            report=$(inclusive "$format.$i" tm_report_json_result)
        fi
        printf '  %-5s %s domains (%s results): %s instructions, %s a domain, marginal %s;' \
            "$format" "$COUNT" "$results" "$total" "$((total / COUNT))" \
            "$(((total - one) / COUNT))"
        printf ' the report %s a domain\n' "$(( ${report:-0} / COUNT ))"
        top_functions "$format.$i" | sed 's/^/      /'
    done
done
