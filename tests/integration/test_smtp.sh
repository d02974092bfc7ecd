#!/usr/bin/env bash
# test_smtp.sh - --smtp and inbound.smtp (docs/checks.md "Receiving servers") against real
# SMTP servers on loopback: Debian's python3-aiosmtpd with and without
# STARTTLS (a self-signed certificate made here with openssl), a closed
# port, a server that accepts and never greets, and one whose greeting
# carries terminal escapes.
#
# Run by ctest as: bash test_smtp.sh /path/to/tmems-check
#
# The MX hosts of the test zones resolve to 127.0.0.1 (and 127.0.0.2), and
# each case points the tool at its server's port with the testing aid
# --smtp-port.  Every server is started and stopped here; nothing leaves
# loopback.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tm_init "$@"

# Debian's aiosmtpd lives in the system interpreter, which may not be the
# first python3 on PATH.
PY=""
for candidate in /usr/bin/python3 python3; do
    if "$candidate" -c 'import aiosmtpd' 2>/dev/null; then
        PY=$candidate
        break
    fi
done
[ -n "$PY" ] || { tm_log "python3-aiosmtpd is required (scripts/bootstrap.sh installs it)"; exit 2; }
command -v openssl >/dev/null || { tm_log "openssl is required"; exit 2; }

Z="$TM_TMP/zones"
mkdir -p "$Z"

# zone ORIGIN MX-LINE... (every name below resolves to loopback)
zone() {
    local origin=$1
    shift
    printf '$ORIGIN %s.\n$TTL 300\n' "$origin"
    printf '@ IN SOA ns1 hostmaster ( 1 3600 900 604800 300 )\n@ IN NS ns1\nns1 IN A 127.0.0.1\n'
    printf 'mx IN A 127.0.0.1\nmx2 IN A 127.0.0.2\n'
    for line in "$@"; do
        printf '@ IN MX %s\n' "$line"
    done
}
zone smtp.example "10 mx" >"$Z/smtp.example"
zone smtp-two.example "10 mx" "20 mx2" >"$Z/smtp-two.example"
zone smtp-post.example "10 acme.in.tmems-jp.trendmicro.com." >"$Z/smtp-post.example"
# Four domains of one batch, each with its own receiving server (all on
# 127.0.0.1: one listening socket sees them all).
BATCH4=()
for d in a b c d; do
    zone "smtp-$d.example" "10 mx" >"$Z/smtp-$d.example"
    BATCH4+=("smtp-$d.example")
done

tm_bind_aux_start dns "smtp.example=$Z/smtp.example" "smtp-two.example=$Z/smtp-two.example" \
    "smtp-post.example=$Z/smtp-post.example" \
    "smtp-a.example=$Z/smtp-a.example" "smtp-b.example=$Z/smtp-b.example" \
    "smtp-c.example=$Z/smtp-c.example" "smtp-d.example=$Z/smtp-d.example" \
    "tmems-jp.trendmicro.com=$TM_ZONES/tmems-jp.trendmicro.com.zone"
DNS_PORT=$TM_AUX_PORT

# A self-signed certificate for mx.smtp.example (P-256: quick to make).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
    -subj "/CN=mx.smtp.example" -keyout "$TM_TMP/key.pem" -out "$TM_TMP/cert.pem" \
    >/dev/null 2>&1 || { tm_log "openssl could not make a test certificate"; exit 2; }

cat >"$TM_TMP/smtpd.py" <<'EOF'
# smtpd.py MODE ADDR PORT READY [CERT KEY]
#   tls      aiosmtpd offering STARTTLS with the certificate
#   plain    aiosmtpd without STARTTLS
#   silent   accepts connections and never says a word
#   counting like silent, and writes "open=N most=M accepted=K first=T
#            last=T" to READY.count whenever a connection opens or closes
#            (T: CLOCK_MONOTONIC seconds of the first accept and of the last
#            close, comparable between two such servers)
#   hostile  greets with terminal escapes, then a minimal EHLO and QUIT
import os, select, socket, ssl, sys, threading, time
mode, addr, port, ready = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]

def say_ready():
    with open(ready + ".tmp", "w") as f:
        f.write("ok")
    os.rename(ready + ".tmp", ready)

if mode in ("tls", "plain"):
    from aiosmtpd.controller import Controller

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            return "250 OK"

    kwargs = {}
    if mode == "tls":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[5], sys.argv[6])
        kwargs = {"tls_context": ctx, "require_starttls": False}
    c = Controller(Sink(), hostname=addr, port=port, server_hostname="mx.smtp.example",
                   ready_timeout=10, **kwargs)
    c.start()
    say_ready()
    try:
        time.sleep(300)  # bounded: the harness stops it long before
    finally:
        c.stop()
    sys.exit(0)

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((addr, port))
srv.listen(16)
say_ready()

def hostile(conn):
    try:
        conn.sendall(b"220 \x1b]0;pwned\x07\x1b[2J\x1b[31mevil\x1b[0m ESMTP \xc2\x9b2J \xff\r\n")
        buf = b""
        while True:
            data = conn.recv(4096)
            if not data:
                return
            buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                verb = line.strip().upper()
                if verb.startswith(b"EHLO"):
                    conn.sendall(b"250-evil\r\n250-X\x1b[5mBAD\r\n250 8BITMIME\r\n")
                elif verb == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                else:
                    conn.sendall(b"502 no\r\n")
    except OSError:
        pass
    finally:
        conn.close()

def counting():
    held, most, accepted, first, last = [], 0, 0, 0.0, 0.0
    def note():
        with open(ready + ".count.tmp", "w") as f:
            f.write("open=%d most=%d accepted=%d first=%.6f last=%.6f\n"
                    % (len(held), most, accepted, first, last))
        os.rename(ready + ".count.tmp", ready + ".count")
    note()
    while True:
        readable, _, _ = select.select([srv] + held, [], [], 1.0)
        for s in readable:
            if s is srv:
                conn, _ = srv.accept()
                held.append(conn)
                accepted += 1
                first = first or time.monotonic()
                most = max(most, len(held))
            else:
                try:
                    gone = not s.recv(4096)
                except OSError:
                    gone = True
                if gone:
                    held.remove(s)
                    s.close()
                    last = time.monotonic()
        note()

if mode == "counting":
    counting()

held = []
while True:
    conn, _ = srv.accept()
    if mode == "silent":
        held.append(conn)  # never a word, never closed
    else:
        threading.Thread(target=hostile, args=(conn,), daemon=True).start()
EOF

# smtpd_start MODE ADDR PORT : starts one server, waits until it listens.
smtpd_start() {
    local ready="$TM_TMP/smtpd.$1.$2.$3"
    rm -f "$ready"
    "$PY" "$TM_TMP/smtpd.py" "$1" "$2" "$3" "$ready" "$TM_TMP/cert.pem" "$TM_TMP/key.pem" \
        >"$TM_TMP/smtpd.$1.log" 2>&1 &
    TM_HELPER_PIDS="$TM_HELPER_PIDS $!"
    tm_track_pid "$!"
    for _ in $(seq 1 100); do
        [ -e "$ready" ] && return 0
        tm_alive "$!" || break
        sleep 0.1
    done
    tm_log "the $1 SMTP server did not start on $2:$3; its log:"
    sed 's/^/  smtpd: /' "$TM_TMP/smtpd.$1.log" >&2
    exit 2
}

port() { tm_free_port_on "$@" || { tm_log "no free port"; exit 2; }; }

smtp_run() { # PORT ARGS...
    local p=$1
    shift
    tm_run_raw --server "127.0.0.1:$DNS_PORT" --smtp --smtp-port "$p" "$@"
}

detail_of() {
    jq -r '.results[0].checks[] | select(.id == "inbound.smtp") | .detail // ""' "$TM_OUT"
}

expect_detail_has() {
    if detail_of | grep -qF -- "$1"; then tm_pass; else tm_fail "inbound.smtp detail lacks: $1"; fi
}

TLS_PORT=$(port 127.0.0.1)
smtpd_start tls 127.0.0.1 "$TLS_PORT"
PLAIN_PORT=$(port 127.0.0.1)
smtpd_start plain 127.0.0.1 "$PLAIN_PORT"
HOSTILE_PORT=$(port 127.0.0.1)
smtpd_start hostile 127.0.0.1 "$HOSTILE_PORT"

# ---- STARTTLS offered and completed: pass --------------------------------------

tm_case "STARTTLS ok passes, certificate shown"
smtp_run "$TLS_PORT" --timeout 5000 --format json --only inbound.smtp smtp.example
expect_exit 0
expect_check inbound.smtp pass
expect_detail_has 'mx.smtp.example (127.0.0.1): 220 "mx.smtp.example'
expect_detail_has 'STARTTLS ok (TLSv1.'
expect_detail_has 'certificate CN "mx.smtp.example", valid until '
# self-signed: reported, not required
expect_detail_has 'not verified against the system'"'"'s trust store (self-signed certificate)'

tm_case "text report shows the certificate with -v"
smtp_run "$TLS_PORT" --timeout 5000 --format text --color never -v --only inbound.smtp smtp.example
expect_exit 0
expect_stdout_has "pass line" 'pass.*inbound\.smtp.*1 receiving server greets with 220 and offers STARTTLS'
expect_stdout_has "subject" 'certificate CN "mx\.smtp\.example"'

tm_case "catalogue position: right after inbound.firewall"
smtp_run "$TLS_PORT" --format json --only "inbound." smtp.example
expect_json '[.results[0].checks[].id] | (index("inbound.smtp") - index("inbound.firewall"))' 1

tm_case "without --smtp the check does not appear"
tm_run_raw --server "127.0.0.1:$DNS_PORT" --format json --only "inbound." smtp.example
expect_json '[.results[0].checks[] | select(.id == "inbound.smtp")] | length' 0

# ---- no STARTTLS: warn -----------------------------------------------------------

tm_case "no STARTTLS warns"
smtp_run "$PLAIN_PORT" --format json --only inbound.smtp smtp.example
expect_exit 0
expect_check inbound.smtp warn
expect_detail_has 'STARTTLS is not offered (EHLO lists:'
expect_detail_has 'RFC 3207'
tm_run_raw --server "127.0.0.1:$DNS_PORT" --smtp --smtp-port "$PLAIN_PORT" --strict --format json \
    --only inbound.smtp smtp.example
expect_exit 1

# ---- closed port: warn, connection refused -----------------------------------------

CLOSED_PORT=$(port 127.0.0.1)
tm_case "closed port warns: connection refused, port 25 note"
smtp_run "$CLOSED_PORT" --format json --only inbound.smtp smtp.example
expect_exit 0
expect_check inbound.smtp warn
expect_detail_has "mx.smtp.example (127.0.0.1): connection refused on TCP $CLOSED_PORT"
expect_detail_has 'Port 25 is often blocked outbound'
expect_detail_has '受信サーバに接続できません'

# ---- a server that accepts and never greets: warn within the timeout ---------------

SILENT_PORT=$(port 127.0.0.1 127.0.0.2)
smtpd_start silent 127.0.0.1 "$SILENT_PORT"
tm_case "silent server warns within the timeout"
smtp_run "$SILENT_PORT" --timeout 700 --format json --only inbound.smtp smtp.example
expect_exit 0
expect_check inbound.smtp warn
expect_detail_has 'connected, but no greeting within 700 ms'

# ---- a hostile greeting: escaped in the text report ---------------------------------

tm_case "hostile greeting is escaped"
smtp_run "$HOSTILE_PORT" --format text --color never -v --only inbound.smtp smtp.example
expect_exit 0
expect_stdout_lacks "raw ESC" '\x1b'
expect_stdout_lacks "raw BEL" '\x07'
expect_stdout_lacks "raw C1 CSI" '\xc2\x9b'
expect_stdout_lacks "invalid UTF-8" '\xff'
expect_stdout_has "escaped greeting" '220 "\\+x1b\]0;pwned\\+x07\\+x1b\[2J\\+x1b\[31mevil'
expect_stdout_has "warn: no STARTTLS" 'warn.*inbound\.smtp'
smtp_run "$HOSTILE_PORT" --format json --only inbound.smtp smtp.example
expect_valid_json
# keywords stop at the first byte that cannot be in one (RFC 5321 4.1.1.1)
expect_detail_has 'EHLO lists: X 8BITMIME'

# ---- two servers at once ----------------------------------------------------------

# The same port on 127.0.0.1 (STARTTLS) and 127.0.0.2 (silent): one result
# each, in preference order.
TWO_PORT=$(port 127.0.0.1 127.0.0.2)
smtpd_start tls 127.0.0.1 "$TWO_PORT"
smtpd_start silent 127.0.0.2 "$TWO_PORT"
tm_case "two servers: one good, one silent"
smtp_run "$TWO_PORT" --timeout 3000 --format json --only inbound.smtp smtp-two.example
expect_exit 0
expect_check inbound.smtp warn
expect_json '.results[0].checks[] | select(.id == "inbound.smtp") | .summary' \
    "1 of 2 receiving servers could not be reached on TCP $TWO_PORT from here"
expect_detail_has 'mx.smtp-two.example (127.0.0.1): 220'
expect_detail_has 'STARTTLS ok'
expect_detail_has 'mx2.smtp-two.example (127.0.0.2): connected, but no greeting within 3000 ms'

# Both silent: the probes run at once, so the run takes one timeout, not
# two: each server's connection was opened before the other's was closed.
SILENT2_PORT=$(port 127.0.0.1 127.0.0.2)
smtpd_start counting 127.0.0.1 "$SILENT2_PORT"
smtpd_start counting 127.0.0.2 "$SILENT2_PORT"
tm_case "two silent servers are waited for at once"
smtp_run "$SILENT2_PORT" --timeout 1500 --format json --only inbound.smtp smtp-two.example
expect_exit 0
expect_check inbound.smtp warn
expect_json '[.results[0].checks[] | select(.id == "inbound.smtp") | .detail | scan("no greeting within 1500 ms")] | length' 2
one="$TM_TMP/smtpd.counting.127.0.0.1.$SILENT2_PORT.count"
two="$TM_TMP/smtpd.counting.127.0.0.2.$SILENT2_PORT.count"
for _ in $(seq 1 50); do
    grep -q '^open=0 ' "$one" 2>/dev/null && grep -q '^open=0 ' "$two" 2>/dev/null && break
    sleep 0.1
done
# shellcheck disable=SC2317 # called through tm_assert
overlap() {
    "$TM_PYTHON" - "$one" "$two" <<'EOF'
import re, sys
def span(path):
    t = open(path).read()
    return float(re.search(r"first=([\d.]+)", t).group(1)), float(re.search(r"last=([\d.]+)", t).group(1))
(a0, a1), (b0, b1) = span(sys.argv[1]), span(sys.argv[2])
sys.exit(0 if a0 > 0 and b0 > 0 and a0 < b1 and b0 < a1 else 1)
EOF
}
tm_assert "both connections were open at once ($(cat "$one") / $(cat "$two"))" overlap

# ---- a batch's probes share one event loop ------------------------------------------

# Four domains, -j 4, each with a receiving server that accepts and never
# greets.  The probes are waits on the same event loop as the DNS of every
# domain, so the server holds all four connections at once; probes that
# stopped the other domains (each on a poll of its own inside its domain's
# final step) would reach it one after another, never two at once.
COUNT_PORT=$(port 127.0.0.1)
smtpd_start counting 127.0.0.1 "$COUNT_PORT"
COUNT_FILE="$TM_TMP/smtpd.counting.127.0.0.1.$COUNT_PORT.count"
tm_case "four domains' probes overlap against a server that never greets"
smtp_run "$COUNT_PORT" -j 4 --timeout 1000 --format json --only inbound.smtp "${BATCH4[@]}"
expect_exit 0
expect_json '[.results[] | .checks[] | select(.id == "inbound.smtp") | .status] | join(" ")' \
    "warn warn warn warn"
expect_json '[.results[] | .checks[] | select(.id == "inbound.smtp") | .detail |
              test("connected, but no greeting within 1000 ms")] | all' true
expect_json '[.results[].domain] | join(" ")' "${BATCH4[*]}"
# The server may see the last close a moment after the tool exits.
for _ in $(seq 1 50); do
    grep -q '^open=0 ' "$COUNT_FILE" 2>/dev/null && break
    sleep 0.1
done
tm_assert "the server accepted four connections ($(cat "$COUNT_FILE"))" \
    grep -q ' accepted=4 ' "$COUNT_FILE"
tm_assert "the server held all four at once ($(cat "$COUNT_FILE"))" \
    grep -q ' most=4 ' "$COUNT_FILE"

# ---- after the cutover: the receiving servers are in the console --------------------

tm_case "post-cutover MX names only TMEmS: skip"
smtp_run "$TLS_PORT" --format json --only inbound.smtp smtp-post.example
expect_exit 0
expect_check inbound.smtp skip
expect_json '.results[0].checks[] | select(.id == "inbound.smtp") | .summary | test("configured in the console")' true

tm_case "offline: not contacted"
# (offline, the domain must be in a --zone file: without one it is exit 2)
tm_run_raw --offline --zone "$Z/smtp.example" --smtp --format json --only inbound.smtp smtp.example
expect_check inbound.smtp skip

# ---- usage -------------------------------------------------------------------------

tm_case "--smtp-port is validated"
tm_run_raw --smtp --smtp-port x smtp.example
expect_usage_error
tm_run_raw --smtp --smtp-port 65536 smtp.example
expect_usage_error

tm_case "--help documents the testing aid"
tm_run_raw --help
expect_stdout_has "--smtp-port" '--smtp-port N'

tm_finish
