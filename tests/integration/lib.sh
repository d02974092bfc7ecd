# lib.sh - sourced by tests/integration/test_*.sh.
#
# Runs a private BIND 9 on 127.0.0.1 serving every tests/zones/*.zone (the
# origin is the file name without ".zone"), runs tmems-check against it and
# counts assertions.  Nothing here reaches beyond loopback: every invocation
# of the binary goes through tm_run, which adds --server 127.0.0.1:PORT.
#
# Usage in a test script:
#   . "$(dirname "$0")/lib.sh"
#   tm_init "$@"            # the binary is $1 (ctest passes it)
#   tm_bind_start
#   tm_case "ready domain"; tm_run --format json ready.example; expect_exit 0
#   tm_finish               # prints "N passed, M failed", exits 1 if M > 0
#
# The zones name RFC 5737 documentation addresses for mail hosts: never pass
# --smtp in these tests, it would try to connect to them.

set -u

TM_PASSED=0
TM_FAILED=0
TM_CASE=""
TM_TMP=""
TM_BIND_PID=""
TM_BIND_PORT=""
TM_BIND_DOH_PORT=""
TM_BIND_DOHS_PORT=""
TM_HELPER_PIDS=""
TM_RC=0
TM_ELAPSED_MS=0
TM_OUT=""
TM_ERR=""
TM_CMD=""

# Guard against a hung binary: no single run may take longer than this.
TM_RUN_LIMIT_S=${TM_RUN_LIMIT_S:-60}

# TM_WRAPPER: a command every run of the binary goes under (word-split), such
# as valgrind in scripts/test.sh.  The wrapper must report its own findings
# with exit status TM_WRAPPER_RC (never 0-4, the tool's own statuses) and
# write them to a file, not to stderr.  No test asserts a wall-clock bound,
# so a slow wrapper changes no result (bench/ measures time).
TM_WRAPPER=${TM_WRAPPER:-}
TM_WRAPPER_RC=${TM_WRAPPER_RC:-97}

# Deterministic, uncoloured, English output unless a test asks otherwise.
export LC_ALL=C.UTF-8
export LANG=C.UTF-8
unset LANGUAGE NO_COLOR CLICOLOR_FORCE

# Debian's interpreter, for which scripts/bootstrap.sh installs python3-yaml,
# python3-dnslib and python3-aiosmtpd; a python3 earlier in PATH (a pyenv
# shim, a virtualenv) may lack them and costs a shell script per call.
TM_PYTHON=python3
[ -x /usr/bin/python3 ] && TM_PYTHON=/usr/bin/python3

tm_log() { printf '%s\n' "$*" >&2; }

tm_init() {
    TM_BIN=${1:-}
    if [ -z "$TM_BIN" ] || [ ! -x "$TM_BIN" ]; then
        tm_log "usage: bash $0 /path/to/tmems-check (not executable: '${TM_BIN}')"
        exit 2
    fi
    TM_SOURCE_DIR=${TM_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
    TM_ZONES="$TM_SOURCE_DIR/tests/zones"
    command -v jq >/dev/null || { tm_log "jq is required (scripts/bootstrap.sh installs it)"; exit 2; }
    TM_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tmems-it.XXXXXX")
    TM_OUT="$TM_TMP/stdout"
    TM_ERR="$TM_TMP/stderr"
    trap tm_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    tm_watchdog_start
}

# A script killed with SIGKILL (a ctest timeout) runs no trap.  This child
# outlives it for at most a second: it then stops every process listed in
# $TM_TMP/pids and removes the temp dir, so no named is left behind.
tm_watchdog_start() {
    local parent=$$ dir=$TM_TMP
    : >"$dir/pids"
    (
        trap '' INT
        while kill -0 "$parent" 2>/dev/null; do sleep 1; done
        while read -r pid; do kill -KILL "$pid" 2>/dev/null; done <"$dir/pids"
        rm -rf -- "$dir"
    ) </dev/null >/dev/null 2>&1 &
    TM_WATCHDOG_PID=$!
}

# Records a child for the watchdog, and forgets it once it is reaped (so a
# reused pid can never be hit).
tm_track_pid() { echo "$1" >>"$TM_TMP/pids"; }
tm_untrack_pid() {
    [ -f "$TM_TMP/pids" ] || return 0
    grep -vx -- "$1" "$TM_TMP/pids" >"$TM_TMP/pids.new"
    mv -f -- "$TM_TMP/pids.new" "$TM_TMP/pids"
}

# Stops everything this script started and removes the temp dir, however
# the script ends (normal end, failed assertion, set -e, signal).
tm_cleanup() {
    local pid
    if [ -n "${TM_WATCHDOG_PID:-}" ]; then
        kill -TERM "$TM_WATCHDOG_PID" 2>/dev/null
        wait "$TM_WATCHDOG_PID" 2>/dev/null
        TM_WATCHDOG_PID=""
    fi
    tm_bind_stop
    for pid in $TM_HELPER_PIDS; do
        tm_stop_pid "$pid"
    done
    TM_HELPER_PIDS=""
    if [ -n "$TM_TMP" ] && [ -d "$TM_TMP" ]; then
        rm -rf -- "$TM_TMP"
    fi
}

# True while PID runs (an exited child not yet reaped is a zombie: not running).
tm_alive() {
    kill -0 "$1" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# Sends TERM to a child, waits up to 5 s, then KILL; always reaps it.
tm_stop_pid() {
    local pid=$1
    if tm_alive "$pid"; then
        kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 1 50); do
            tm_alive "$pid" || break
            sleep 0.1
        done
        tm_alive "$pid" && kill -KILL "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
    tm_untrack_pid "$pid"
    return 0
}

# Prints a port in 20000-60000 on which both TCP and UDP 127.0.0.1 are free.
# Another process may still take it before the caller binds: tm_bind_start
# retries with a new port when named cannot listen.
tm_free_port() {
    "$TM_PYTHON" - <<'EOF'
import random, socket, sys
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
    sys.exit(0)
sys.exit(1)
EOF
}

# tm_test_ca DIR : a test CA (DIR/ca.pem) and a certificate it signed for
# 127.0.0.1 and localhost (DIR/server.pem, DIR/server.key), made with
# openssl, valid two days.  P-256 keys: quick to make.
tm_test_ca() {
    local dir=$1
    mkdir -p "$dir"
    command -v openssl >/dev/null || { tm_log "openssl is required"; exit 2; }
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj "/CN=tmems-check test CA" -keyout "$dir/ca.key" -out "$dir/ca.pem" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" >/dev/null 2>&1 &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=127.0.0.1" \
        -keyout "$dir/server.key" -out "$dir/server.csr" >/dev/null 2>&1 &&
    printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=CA:FALSE" \
        "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" >"$dir/server.ext" &&
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
        -CAcreateserial -days 2 -extfile "$dir/server.ext" -out "$dir/server.pem" \
        >/dev/null 2>&1 || { tm_log "openssl could not make the test CA"; exit 2; }
}

# Writes named.conf into $TM_TMP/bind: one primary zone per tests/zones file,
# plus servfail.example whose master file is broken on purpose (BIND then
# answers SERVFAIL for every name in it).  With a second port, BIND also
# serves DNS over HTTPS there: http://127.0.0.1:DOH_PORT/dns-query (plain
# HTTP, which BIND 9.18 speaks as HTTP/2 only).  With a third port and
# TM_BIND_TLS_DIR (made by tm_test_ca), also over TLS:
# https://127.0.0.1:DOHS_PORT/dns-query with DIR's server certificate.
tm_bind_config() {
    local port=$1 doh_port=${2:-} dohs_port=${3:-} dir="$TM_TMP/bind" f origin doh_listen=""
    local doh_http="" tls_block=""
    if [ -n "$doh_port" ]; then
        doh_listen="listen-on port $doh_port tls none http tm_doh { 127.0.0.1; };"
        doh_http='http tm_doh { endpoints { "/dns-query"; }; };'
    fi
    if [ -n "$dohs_port" ] && [ -n "${TM_BIND_TLS_DIR:-}" ]; then
        tls_block="tls tm_tls { key-file \"$TM_BIND_TLS_DIR/server.key\"; cert-file \"$TM_BIND_TLS_DIR/server.pem\"; };"
        doh_listen="$doh_listen listen-on port $dohs_port tls tm_tls http tm_doh { 127.0.0.1; };"
    fi
    mkdir -p "$dir"
    cat >"$dir/servfail.example.zone" <<'EOF'
$ORIGIN servfail.example.
$TTL 3600
@ IN SOA ns1 hostmaster ( 1 3600 900 604800 300 )
@ IN NS ns1
@ IN MX this-is-not-a-preference mail
EOF
    {
        cat <<EOF
$tls_block
$doh_http
options {
    directory "$dir";
    listen-on port $port { 127.0.0.1; };
    $doh_listen
    listen-on-v6 { none; };
    recursion no;
    dnssec-validation no;
    pid-file none;
    session-keyfile none;
    managed-keys-directory "$dir";
    notify no;
    allow-transfer { none; };
};
controls { };
zone "servfail.example" { type primary; file "$dir/servfail.example.zone"; };
EOF
        for f in "$TM_ZONES"/*.zone; do
            origin=$(basename "$f" .zone)
            printf 'zone "%s" { type primary; file "%s"; };\n' "$origin" "$f"
        done
    } >"$dir/named.conf"
}

# Starts named as a direct child of this script and waits until it answers.
# With TM_BIND_TLS_DIR set (tm_test_ca), it also serves DoH over TLS on
# TM_BIND_DOHS_PORT.
tm_bind_start() {
    local attempt port doh_port dohs_port="" log
    command -v named >/dev/null || { tm_log "named not found (apt-get install bind9)"; exit 2; }
    for attempt in 1 2 3; do
        port=$(tm_free_port) || { tm_log "no free port found"; exit 2; }
        doh_port=$(tm_free_port) || { tm_log "no free port found"; exit 2; }
        [ "$doh_port" != "$port" ] || continue
        if [ -n "${TM_BIND_TLS_DIR:-}" ]; then
            dohs_port=$(tm_free_port) || { tm_log "no free port found"; exit 2; }
            [ "$dohs_port" != "$port" ] && [ "$dohs_port" != "$doh_port" ] || continue
        fi
        tm_bind_config "$port" "$doh_port" "$dohs_port"
        log="$TM_TMP/bind/named.log"
        # -g: foreground, log to stderr; -4: no IPv6 sockets; -n 1: one
        # worker thread is plenty and keeps two-core machines responsive.
        named -g -4 -n 1 -c "$TM_TMP/bind/named.conf" >"$log" 2>&1 &
        TM_BIND_PID=$!
        tm_track_pid "$TM_BIND_PID"
        TM_BIND_PORT=$port
        TM_BIND_DOH_PORT=$doh_port
        TM_BIND_DOHS_PORT=$dohs_port
        for _ in $(seq 1 100); do
            tm_alive "$TM_BIND_PID" || break
            if grep -q 'running$' "$log" 2>/dev/null &&
               [ "$(dig +short +time=1 +tries=1 @127.0.0.1 -p "$port" \
                    SOA tmems-jp.trendmicro.com 2>/dev/null)" != "" ]; then
                # Only servfail.example may fail to load; any other zone
                # that does is a broken test zone, not a test result.
                if grep 'not loaded due to errors' "$log" | grep -qv 'zone servfail\.example/'; then
                    tm_log "a test zone did not load:"
                    grep -E 'zone .*(failed|errors)|dns_rdata|dns_master' "$log" |
                        grep -v 'servfail\.example' | sed 's/^/  named: /' >&2
                    exit 2
                fi
                return 0
            fi
            sleep 0.1
        done
        tm_log "named did not start on port $port (attempt $attempt); its log:"
        sed 's/^/  named: /' "$log" >&2
        tm_bind_stop
    done
    tm_log "giving up: BIND could not be started"
    exit 2
}

tm_bind_stop() {
    if [ -n "$TM_BIND_PID" ]; then
        tm_stop_pid "$TM_BIND_PID"
        TM_BIND_PID=""
    fi
}

# Starts a UDP (and TCP) socket on 127.0.0.1 that accepts queries and never
# answers: a server that times out.  Prints nothing; sets TM_SILENT_PORT.
tm_silent_server_start() {
    local portfile="$TM_TMP/silent.port"
    rm -f "$portfile"
    "$TM_PYTHON" - "$portfile" <<'EOF' &
import os, random, socket, sys, time
for _ in range(200):
    port = random.randint(20000, 60000)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        u.bind(("127.0.0.1", port))
        t.bind(("127.0.0.1", port))
        t.listen(16)
        break
    except OSError:
        u.close()
        t.close()
else:
    sys.exit(1)
tmp = sys.argv[1] + ".tmp"
with open(tmp, "w") as f:
    f.write(str(port))
os.rename(tmp, sys.argv[1])
# Bounded: the harness kills it long before; it never outlives a stuck run.
time.sleep(300)
EOF
    TM_HELPER_PIDS="$TM_HELPER_PIDS $!"
    tm_track_pid "$!"
    for _ in $(seq 1 50); do
        [ -s "$portfile" ] && break
        sleep 0.1
    done
    TM_SILENT_PORT=$(cat "$portfile" 2>/dev/null || true)
    [ -n "$TM_SILENT_PORT" ] || { tm_log "silent server did not start"; exit 2; }
}

# ---- more servers (test_authoritative.sh, test_smtp.sh) --------------------

# tm_free_port_on ADDR... : prints a port in 20000-60000 free for TCP and UDP
# on every ADDR (Linux answers for all of 127.0.0.0/8 on lo).
tm_free_port_on() {
    "$TM_PYTHON" - "$@" <<'EOF'
import random, socket, sys
for _ in range(200):
    port = random.randint(20000, 60000)
    try:
        for addr in sys.argv[1:]:
            for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                s = socket.socket(socket.AF_INET, kind)
                try:
                    s.bind((addr, port))
                finally:
                    s.close()
    except OSError:
        continue
    print(port)
    sys.exit(0)
sys.exit(1)
EOF
}

# tm_helper_stop PID : stops one helper before the end of the script.
tm_helper_stop() {
    local pid=$1 kept="" p
    tm_stop_pid "$pid"
    for p in $TM_HELPER_PIDS; do
        [ "$p" = "$pid" ] || kept="$kept $p"
    done
    TM_HELPER_PIDS=$kept
}

# tm_bind_aux_start NAME ORIGIN=FILE... : another named, a direct child of
# the script stopped by tm_cleanup, serving the given zones on 127.0.0.1 at
# a port of its own, from $TM_TMP/bind-NAME.  Waits until it answers the
# first zone's SOA.  Sets TM_AUX_PID and TM_AUX_PORT.
tm_bind_aux_start() {
    local name=$1 dir="$TM_TMP/bind-$1" log z first attempt
    shift
    first=${1%%=*}
    mkdir -p "$dir"
    log="$dir/named.log"
    for attempt in 1 2 3; do
        TM_AUX_PORT=$(tm_free_port) || { tm_log "no free port found"; exit 2; }
        {
            cat <<EOF
options {
    directory "$dir";
    listen-on port $TM_AUX_PORT { 127.0.0.1; };
    listen-on-v6 { none; };
    recursion no;
    dnssec-validation no;
    pid-file none;
    session-keyfile none;
    managed-keys-directory "$dir";
    notify no;
    allow-transfer { none; };
};
controls { };
EOF
            for z in "$@"; do
                printf 'zone "%s" { type primary; file "%s"; };\n' "${z%%=*}" "${z#*=}"
            done
        } >"$dir/named.conf"
        named -g -4 -n 1 -c "$dir/named.conf" >"$log" 2>&1 &
        TM_AUX_PID=$!
        tm_track_pid "$TM_AUX_PID"
        TM_HELPER_PIDS="$TM_HELPER_PIDS $TM_AUX_PID"
        for _ in $(seq 1 100); do
            tm_alive "$TM_AUX_PID" || break
            if [ -n "$(dig +short +time=1 +tries=1 @127.0.0.1 -p "$TM_AUX_PORT" SOA "$first" \
                       2>/dev/null)" ]; then
                return 0
            fi
            sleep 0.1
        done
        tm_log "named $name did not start on port $TM_AUX_PORT (attempt $attempt); its log:"
        sed 's/^/  named: /' "$log" >&2
        tm_helper_stop "$TM_AUX_PID"
    done
    exit 2
}

# tm_dns_relay_start ADDR PORT TARGET_PORT : relays DNS over UDP and TCP from
# ADDR:PORT to 127.0.0.1:TARGET_PORT, byte for byte.  BIND listens only on
# the addresses of an interface (lo has 127.0.0.1), so a server "at
# 127.0.0.2" is a BIND on 127.0.0.1 behind this relay.  Sets TM_RELAY_PID.
tm_dns_relay_start() {
    local ready="$TM_TMP/relay.$1.$2"
    rm -f "$ready"
    "$TM_PYTHON" - "$1" "$2" "$3" "$ready" <<'EOF' &
import os, socket, sys, threading
addr, port, target, ready = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind((addr, port))
tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind((addr, port))
tcp.listen(16)

def udp_one(data, client):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    try:
        s.sendto(data, ("127.0.0.1", target))
        udp.sendto(s.recv(65535), client)
    except OSError:
        pass
    finally:
        s.close()

def udp_loop():
    while True:
        data, client = udp.recvfrom(65535)
        threading.Thread(target=udp_one, args=(data, client), daemon=True).start()

def pipe(src, dst):
    try:
        while True:
            b = src.recv(65535)
            if not b:
                break
            dst.sendall(b)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

def tcp_loop():
    while True:
        c, _ = tcp.accept()
        try:
            u = socket.create_connection(("127.0.0.1", target), timeout=5)
            u.settimeout(None)
        except OSError:
            c.close()
            continue
        threading.Thread(target=pipe, args=(c, u), daemon=True).start()
        threading.Thread(target=pipe, args=(u, c), daemon=True).start()

threading.Thread(target=udp_loop, daemon=True).start()
threading.Thread(target=tcp_loop, daemon=True).start()
with open(ready + ".tmp", "w") as f:
    f.write("ok")
os.rename(ready + ".tmp", ready)
# Bounded: the harness stops it long before.
threading.Event().wait(600)
EOF
    TM_RELAY_PID=$!
    TM_HELPER_PIDS="$TM_HELPER_PIDS $TM_RELAY_PID"
    tm_track_pid "$TM_RELAY_PID"
    for _ in $(seq 1 50); do
        [ -e "$ready" ] && return 0
        tm_alive "$TM_RELAY_PID" || break
        sleep 0.1
    done
    tm_log "the DNS relay on $1:$2 did not start"
    exit 2
}

# ---- running the binary -------------------------------------------------

# Milliseconds of the wall clock, without a process: the harness runs the
# binary thousands of times, and each fork costs more than the check.
tm_now_ms() {
    local t=${EPOCHREALTIME/[.,]/}
    echo $((t / 1000))
}

# tm_run_raw ARGS... : runs the binary exactly with ARGS (no --server added).
# For tests of option parsing that must not reach DNS at all.
tm_run_raw() {
    local t0=${EPOCHREALTIME/[.,]/} t1
    TM_CMD="${TM_BIN##*/} $*"
    # shellcheck disable=SC2086 # the wrapper is a command line
    timeout -k 5 "$TM_RUN_LIMIT_S" $TM_WRAPPER "$TM_BIN" "$@" >"$TM_OUT" 2>"$TM_ERR" </dev/null
    TM_RC=$?
    t1=${EPOCHREALTIME/[.,]/}
    TM_ELAPSED_MS=$(((t1 - t0) / 1000))
    if [ "$TM_RC" -eq 124 ] || [ "$TM_RC" -eq 137 ]; then
        tm_log "  (run exceeded ${TM_RUN_LIMIT_S}s and was killed: $TM_CMD)"
    fi
    if [ -n "$TM_WRAPPER" ] && [ "$TM_RC" -eq "$TM_WRAPPER_RC" ]; then
        tm_fail "the wrapper reported errors: $TM_WRAPPER"
    fi
}

# tm_run ARGS... : runs the binary against the private BIND.
tm_run() {
    tm_run_raw --server "127.0.0.1:$TM_BIND_PORT" "$@"
}

# The checks of the domain and inbound sections (docs/checks.md); the SPF and rules
# checks are selected out so they cannot change these expectations.
TM_INBOUND_ONLY="domain.,token.,mx.,company.,inbound."

# tm_json DOMAIN... [OPTIONS] : JSON report of the domain/inbound checks.
tm_json() {
    tm_run --format json --only "$TM_INBOUND_ONLY" "$@"
}

# ---- assertions -----------------------------------------------------------

tm_case() { TM_CASE=$*; }

tm_pass() { TM_PASSED=$((TM_PASSED + 1)); }

tm_fail() {
    TM_FAILED=$((TM_FAILED + 1))
    printf 'FAIL [%s] %s\n' "$TM_CASE" "$*"
    printf '  command: %s\n  exit: %s\n' "$TM_CMD" "$TM_RC"
    if [ -s "$TM_ERR" ]; then
        head -c 2000 "$TM_ERR" | sed 's/^/  stderr: /'
    fi
    if [ -s "$TM_OUT" ]; then
        head -c 3000 "$TM_OUT" | sed 's/^/  stdout: /'
        echo
    fi
}

tm_assert() { # DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then tm_pass; else tm_fail "$what"; fi
}

expect_exit() {
    if [ "$TM_RC" -eq "$1" ]; then tm_pass; else tm_fail "exit status $TM_RC, expected $1"; fi
}

# Prints the status of check ID in result IDX (default 0), "" when absent or
# when stdout is not JSON.
tm_status_of() {
    jq -r --arg id "$1" --argjson i "${2:-0}" \
        '[.results[$i].checks[] | select(.id == $id) | .status] | join(",")' \
        "$TM_OUT" 2>/dev/null
}

# expect_check ID STATUS [RESULT_INDEX]
expect_check() {
    local got
    got=$(tm_status_of "$1" "${3:-0}")
    if [ "$got" = "$2" ]; then
        tm_pass
    else
        tm_fail "check $1 is '${got:-<absent>}', expected '$2' (result ${3:-0})"
    fi
}

# expect_check_oneof ID "STATUS STATUS..." [RESULT_INDEX]
# Only where docs/checks.md leaves the status open; each use says why.
expect_check_oneof() {
    local got s
    got=$(tm_status_of "$1" "${3:-0}")
    for s in $2; do
        if [ "$got" = "$s" ]; then tm_pass; return; fi
    done
    tm_fail "check $1 is '${got:-<absent>}', expected one of: $2 (result ${3:-0})"
}

# expect_checks "id=status id=status|status ..." [RESULT_INDEX]
# "a|b" accepts either (only where docs/checks.md leaves the status open).
# One assertion per pair, as expect_check and expect_check_oneof make them,
# from one reading of the report.
expect_checks() {
    local pair id want got s line ok
    local -A status=()
    while IFS= read -r line; do
        id=${line%%=*}
        status[$id]=${status[$id]:+${status[$id]},}${line#*=}
    done < <(jq -r --argjson i "${2:-0}" '.results[$i].checks[] | "\(.id)=\(.status)"' \
                 "$TM_OUT" 2>/dev/null)
    for pair in $1; do
        id=${pair%%=*}
        want=${pair#*=}
        got=${status[$id]:-}
        ok=
        for s in ${want//|/ }; do
            [ "$got" = "$s" ] && ok=1
        done
        if [ -n "$ok" ]; then
            tm_pass
        elif [[ $want == *"|"* ]]; then
            tm_fail "check $id is '${got:-<absent>}', expected one of: ${want//|/ } (result ${2:-0})"
        else
            tm_fail "check $id is '${got:-<absent>}', expected '$want' (result ${2:-0})"
        fi
    done
}

# expect_json FILTER VALUE : jq -r FILTER on stdout prints exactly VALUE.
expect_json() {
    local got
    got=$(jq -r "$1" "$TM_OUT" 2>/dev/null)
    got=${got//$'\n'/ }
    if [ "$got" = "$2" ]; then
        tm_pass
    else
        tm_fail "jq '$1' gave '$got', expected '$2'"
    fi
}

# expect_jsons FILTER VALUE [FILTER VALUE ...] : expect_json for each pair,
# from one run of jq (a jq start costs more than most tools' whole run).
# Each filter's outputs read as jq -r prints them, joined by spaces; meant
# for filters that give strings, numbers, booleans or null (jq -r would
# print an array or object over several lines).  A filter that errs gives
# what it printed before the error, as in expect_json.
expect_jsons() {
    local prog="" sep="" k=0 i
    local -a wants=() filters=() got=()
    while [ $# -ge 2 ]; do
        filters+=("$1")
        wants+=("$2")
        prog+="$sep([try ($1) | if type == \"string\" then . else tojson end]"
        prog+=' | join("\n") | sub("\n+\\z"; "") | gsub("\n"; " "))'
        sep=", "
        shift 2
    done
    mapfile -t got < <(jq -r "$prog" "$TM_OUT" 2>/dev/null)
    for ((i = 0; i < ${#filters[@]}; i++)); do
        k=${got[$i]:-}
        if [ "$k" = "${wants[$i]}" ]; then
            tm_pass
        else
            tm_fail "jq '${filters[$i]}' gave '$k', expected '${wants[$i]}'"
        fi
    done
}

expect_valid_json() {
    if jq -e . "$TM_OUT" >/dev/null 2>&1; then tm_pass; else tm_fail "stdout is not JSON"; fi
}

# expect_stdout_has DESCRIPTION PCRE / expect_stdout_lacks DESCRIPTION PCRE
# Byte-wise (C locale), so '\x1b' means the ESC byte.
expect_stdout_has() {
    if LC_ALL=C grep -qP -- "$2" "$TM_OUT"; then tm_pass; else tm_fail "$1: /$2/ not in stdout"; fi
}
expect_stdout_lacks() {
    if LC_ALL=C grep -qP -- "$2" "$TM_OUT"; then tm_fail "$1: /$2/ found in stdout"; else tm_pass; fi
}

expect_stdout_empty() {
    if [ ! -s "$TM_OUT" ]; then tm_pass; else tm_fail "stdout is not empty"; fi
}

expect_stderr_empty() {
    if [ ! -s "$TM_ERR" ]; then tm_pass; else tm_fail "stderr is not empty"; fi
}

# Exactly one non-empty line on stderr (the usage-error contract).
expect_stderr_one_line() {
    local n
    n=$(wc -l <"$TM_ERR")
    # A message without a final newline still counts as one line.
    if [ -s "$TM_ERR" ] && [ "$(tail -c 1 "$TM_ERR" | od -An -c | tr -d ' ')" != '\n' ]; then
        n=$((n + 1))
    fi
    if [ "$n" -eq 1 ] && [ -n "$(tr -d '[:space:]' <"$TM_ERR")" ]; then
        tm_pass
    else
        tm_fail "stderr has $n lines, expected exactly one message line"
    fi
}

# The usage-error contract of docs/cli.md: exit 2, one line on stderr, no stdout.
expect_usage_error() {
    expect_exit 2
    expect_stdout_empty
    expect_stderr_one_line
}

tm_finish() {
    printf '%d passed, %d failed\n' "$TM_PASSED" "$TM_FAILED"
    [ "$TM_FAILED" -eq 0 ]
    exit $?
}
