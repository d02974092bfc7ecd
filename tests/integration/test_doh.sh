#!/usr/bin/env bash
# test_doh.sh - --doh URL: DNS over HTTPS (RFC 8484) against the DoH listener
# of the same private BIND 9 that serves tests/zones/ over UDP (lib.sh opens
# http://127.0.0.1:$TM_BIND_DOH_PORT/dns-query, HTTP/2 only).
#
# Run by ctest as: bash test_doh.sh /path/to/tmems-check
#
# The central assertion (issue 4): the verdicts over DoH equal the verdicts
# over UDP on every integration scenario.  Every domain test_inbound.sh
# checks and every zone in tests/zones/ is run once over UDP (--server) and
# once over DoH, with each option set test_inbound.sh varies; the check
# statuses, verdicts, phases, companies and exit statuses must be the same.
# Then the failures: an endpoint that answers HTTP 500 (and other broken
# answers), a closed port, a server that never answers, and URLs that are
# not http(s), which are usage errors.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tm_init "$@"
# Loopback only: a proxy from the environment must not carry these requests.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
tm_bind_start

DOH_URL="http://127.0.0.1:$TM_BIND_DOH_PORT/dns-query"
TOKEN_READY="88vf4Tw3IPext5MmvoQSYF5mxwOczSpc"

# BIND opens its HTTP listener with the DNS one; make sure it answers
# before the comparison starts (dig speaks DoH with +http-plain).
doh_ready=""
for _ in $(seq 1 50); do
    if [ -n "$(dig +short +tries=1 +time=1 +http-plain -p "$TM_BIND_DOH_PORT" @127.0.0.1 \
                SOA tmems-jp.trendmicro.com 2>/dev/null)" ]; then
        doh_ready=1
        break
    fi
    sleep 0.1
done
[ -n "$doh_ready" ] || { tm_log "BIND's DoH listener on port $TM_BIND_DOH_PORT does not answer"; exit 2; }

# tm_doh URL ARGS... : the binary over DoH (no --server).
tm_doh() {
    local url=$1
    shift
    tm_run_raw --doh "$url" "$@"
}

# ---- the domains: every scenario of test_inbound.sh, every test zone --------

declare -A seen=()
DOMAINS=()
add_domain() {
    [ -n "${seen[$1]:-}" ] && return
    seen[$1]=1
    DOMAINS+=("$1")
}
# The scenario lines and the extra tm_json runs of test_inbound.sh name
# their domain as an argument ending in a known test suffix.
while read -r d; do
    add_domain "$d"
done < <(grep -E '^(scenario|tm_json) ' "$TM_SOURCE_DIR/tests/integration/test_inbound.sh" |
         grep -oE '[^ "]+\.example\b' | grep -v '^\$' | sort -u)
# (example.zone's own origin is one label, not a mail domain: it is there
# for gone.example.)
for f in "$TM_ZONES"/*.zone; do
    d=$(basename "$f" .zone)
    case "$d" in *.*) add_domain "$d" ;; esac
done
# A name BIND has no zone for (REFUSED) rounds the list off.
add_domain elsewhere.test
tm_log "comparing ${#DOMAINS[@]} domains over UDP and over DoH"

# The statuses of one run: "domain verdict phase company id=status ..." a line.
status_lines() {
    jq -r '.results[] | [.domain, .verdict, (.phase // "-"), (.company // "null"),
           ([.checks[] | "\(.id)=\(.status)"] | join(" "))] | join(" ")' "$1" 2>/dev/null
}

# shellcheck disable=SC2317 # called through tm_assert
is_json() { jq -e . "$1" >/dev/null 2>&1; }

TOTAL_SCENARIOS=0
EQUAL_SCENARIOS=0

# compare "OPTIONS" : all domains over UDP, then over DoH, with OPTIONS.
compare() {
    local opts=$1 udp="$TM_TMP/udp.json" doh="$TM_TMP/doh.json" udp_rc n
    tm_case "DoH = UDP, options: ${opts:-none}"
    # shellcheck disable=SC2086 # OPTIONS is a word list
    tm_run --format json $opts "${DOMAINS[@]}"
    udp_rc=$TM_RC
    cp "$TM_OUT" "$udp"
    # shellcheck disable=SC2086
    tm_doh "$DOH_URL" --format json $opts "${DOMAINS[@]}"
    cp "$TM_OUT" "$doh"
    tm_assert "UDP run produced JSON" is_json "$udp"
    tm_assert "DoH run produced JSON" is_json "$doh"
    tm_assert "same exit status (UDP $udp_rc, DoH $TM_RC)" test "$udp_rc" -eq "$TM_RC"
    # 例え.example and xn--r8jz45g.example are one domain, which the CLI
    # may check once or twice: one result per domain at least.
    n=$(jq '.results | length' "$udp")
    tm_assert "UDP run has a result per domain (got $n)" \
        test "${n:-0}" -ge $((${#DOMAINS[@]} - 1))
    tm_assert "DoH run has as many results" test "$(jq '.results | length' "$doh")" = "$n"
    # Per domain: the whole status line must be equal.
    local diffs
    diffs=$(diff <(status_lines "$udp") <(status_lines "$doh"))
    if [ -z "$diffs" ] && [ "$n" -gt 0 ]; then
        tm_pass
    else
        tm_fail "statuses differ between UDP and DoH: $diffs"
    fi
    # Beyond the statuses, the records with their TTLs are the same too:
    # both transports end in the same parser.  (BIND rotates the order of
    # a record set between answers, so the records are compared as sets.)
    local records='[.results[] | {domain, records: ((.records // {}) |
                   with_entries(.value |= ((. // []) | sort)))}]'
    if [ "$(jq -S "$records" "$udp")" = "$(jq -S "$records" "$doh")" ]; then
        tm_pass
    else
        tm_fail "the records differ between UDP and DoH"
    fi
    # Results come in input order: line k of one run is line k of the other.
    local line_udp line_doh
    while IFS=$'\t' read -r line_udp line_doh; do
        TOTAL_SCENARIOS=$((TOTAL_SCENARIOS + 1))
        [ "$line_udp" = "$line_doh" ] && EQUAL_SCENARIOS=$((EQUAL_SCENARIOS + 1))
    done < <(paste <(status_lines "$udp") <(status_lines "$doh"))
}

# The comparison table for the run without options, for the test log.
print_table() {
    local udp="$TM_TMP/udp.json" doh="$TM_TMP/doh.json"
    printf '\n%-32s %-8s %-8s %-6s %s\n' "domain" "UDP" "DoH" "checks" "equal"
    paste -d '\t' \
        <(jq -r '.results[] | "\(.domain)\t\(.verdict)\t\([.checks[] | "\(.id)=\(.status)"] | join(","))"' "$udp") \
        <(jq -r '.results[] | "\(.verdict)\t\([.checks[] | "\(.id)=\(.status)"] | join(","))"' "$doh") |
        while IFS=$'\t' read -r dom v_udp c_udp v_doh c_doh; do
            local n_checks eq=no
            n_checks=$(tr ',' '\n' <<<"$c_udp" | grep -c .)
            [ "$v_udp" = "$v_doh" ] && [ "$c_udp" = "$c_doh" ] && eq=yes
            printf '%-32s %-8s %-8s %-6s %s\n' "$dom" "$v_udp" "$v_doh" "$n_checks" "$eq"
        done
    echo
}

compare ""
print_table
compare "--phase pre"
compare "--phase post"
compare "--company acme"
compare "--token $TOKEN_READY"
compare "--no-outbound"
printf 'DoH-vs-UDP: %d of %d (domain, options) scenarios have identical statuses\n' \
    "$EQUAL_SCENARIOS" "$TOTAL_SCENARIOS"
tm_case "every scenario equal"
tm_assert "$EQUAL_SCENARIOS of $TOTAL_SCENARIOS scenarios equal" \
    test "$EQUAL_SCENARIOS" -eq "$TOTAL_SCENARIOS" -a "$TOTAL_SCENARIOS" -gt 0

# ---- one connection, reused, HTTP/2 -------------------------------------------

# Every query of a many-domain run goes over one TCP connection to the DoH
# port (HTTP/2 streams).  strace sees the connect() calls; skipped where
# ptrace is not allowed or a wrapper already traces the binary.
if [ -z "$TM_WRAPPER" ] && command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null; then
    tm_case "one HTTP/2 connection carries every query"
    trace="$TM_TMP/connect.trace"
    TM_CMD="strace $(basename "$TM_BIN") --doh $DOH_URL ${DOMAINS[*]}"
    timeout -k 5 "$TM_RUN_LIMIT_S" strace -f -e trace=connect -o "$trace" \
        "$TM_BIN" --doh "$DOH_URL" --format json "${DOMAINS[@]}" >"$TM_OUT" 2>"$TM_ERR" </dev/null
    TM_RC=$?
    expect_valid_json
    connects=$(grep -c "sin_port=htons($TM_BIND_DOH_PORT)" "$trace")
    tm_log "  ${#DOMAINS[@]} domains over DoH: $connects connection(s) to the DoH port"
    tm_assert "exactly one connection to the DoH port (got $connects)" test "$connects" -eq 1
fi

# ---- timing of one domain, DoH and UDP ----------------------------------------

# Best of five runs each (the first run of a process pays for loading; the
# best shows the transport).  Printed for the log; DoH must stay within a
# small factor of UDP on loopback.
best_ms() {
    local best=999999
    for _ in 1 2 3 4 5; do
        "$@"
        [ "$TM_ELAPSED_MS" -lt "$best" ] && best=$TM_ELAPSED_MS
    done
    echo "$best"
}
tm_case "timing of ready.example"
udp_ms=$(best_ms tm_run --format json ready.example)
doh_ms=$(best_ms tm_doh "$DOH_URL" --format json ready.example)
printf 'timing, ready.example against local BIND (best of 5): UDP %d ms, DoH %d ms\n' \
    "$udp_ms" "$doh_ms"
tm_assert "DoH within 1 s of UDP for one domain (UDP $udp_ms ms, DoH $doh_ms ms)" \
    test "$doh_ms" -lt $((udp_ms + 1000 * TM_TIME_FACTOR))

# ---- broken DoH endpoints -----------------------------------------------------

# An HTTP/1.1 server (Python's http.server) with a few broken endpoints.  It
# does not speak HTTP/2: the client's prior-knowledge preface fails and it
# falls back to HTTP/1.1, so the HTTP status itself is what gets reported.
# bad_server_start NAME [CERT KEY] : sets BAD_PORT; with CERT and KEY the
# server speaks TLS.
bad_server_start() {
    local portfile="$TM_TMP/$1.port"
    shift
    rm -f "$portfile"
    python3 - "$portfile" "$@" <<'EOF' &
import http.server, os, random, ssl, sys, threading

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, status, ctype, body):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(min(n, 65536))
        if self.path == "/dns-query":
            self.answer(500, "text/plain", b"internal server error\n")
        elif self.path == "/wrong-type":
            self.answer(200, "text/html; charset=utf-8", b"<html>not DNS</html>")
        elif self.path == "/garbage":
            self.answer(200, "application/dns-message", b"\x12\x34\x81")
        elif self.path == "/huge":
            self.answer(200, "application/dns-message", b"\0" * 70000)
        else:
            self.answer(404, "text/plain", b"no such endpoint\n")

    def log_message(self, *args):
        pass

class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client that hangs up (the HTTP/2 preface) is expected

for _ in range(200):
    try:
        srv = Server(("127.0.0.1", random.randint(20000, 60000)), Handler)
        break
    except OSError:
        continue
else:
    sys.exit(1)
if len(sys.argv) > 3:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[2], sys.argv[3])
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
tmp = sys.argv[1] + ".tmp"
with open(tmp, "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(tmp, sys.argv[1])
# Bounded: the harness stops it long before; it never outlives a stuck run.
threading.Timer(300, os._exit, [0]).start()
srv.serve_forever()
EOF
    TM_HELPER_PIDS="$TM_HELPER_PIDS $!"
    tm_track_pid "$!"
    for _ in $(seq 1 50); do
        [ -s "$portfile" ] && break
        sleep 0.1
    done
    BAD_PORT=$(cat "$portfile" 2>/dev/null || true)
    [ -n "$BAD_PORT" ] || { tm_log "the HTTP test server did not start"; exit 2; }
}
bad_server_start plain

# broken DESCRIPTION URL REASON_FIXED_STRING
broken() {
    tm_case "$1"
    tm_doh "$2" --timeout 1000 --tries 2 --format json ready.example
    expect_exit 3
    expect_valid_json
    expect_elapsed_below_ms 5000
    expect_json '.results[0].verdict' error
    expect_check domain.exists error
    expect_json '[.results[0].checks[] | select(.status == "fail")] | length' 0
    # Every erring check says why: the given reason, or (for a body that is
    # not DNS) the parser's own.
    expect_json '[.results[0].checks[] | select(.status == "error" and (.detail // "") == "")] | length' 0
    expect_json "[.results[0].checks[] | select(.status == \"error\") |
                  select((.detail // \"\") | contains(\"$3\") | not)] | length" 0
}

broken "HTTP 500" "http://127.0.0.1:$BAD_PORT/dns-query" "DoH server answered HTTP 500"
broken "HTTP 404" "http://127.0.0.1:$BAD_PORT/elsewhere" "DoH server answered HTTP 404"
broken "wrong content type" "http://127.0.0.1:$BAD_PORT/wrong-type" \
    "content type 'text/html; charset=utf-8', not application/dns-message"
broken "a body that is not a DNS message" "http://127.0.0.1:$BAD_PORT/garbage" ""
broken "a body larger than a DNS message" "http://127.0.0.1:$BAD_PORT/huge" \
    "larger than 65535 bytes"

tm_case "HTTP 500, text report names the reason"
tm_doh "http://127.0.0.1:$BAD_PORT/dns-query" --timeout 1000 --tries 2 ready.example
expect_exit 3
expect_stdout_has "the reason is printed" 'DoH server answered HTTP 500'

# TLS verification is on: a server whose certificate no CA signed is
# refused (RFC 8484 section 10), whatever it would answer.
if command -v openssl >/dev/null; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
        -addext "subjectAltName=IP:127.0.0.1" \
        -keyout "$TM_TMP/tls.key" -out "$TM_TMP/tls.crt" >/dev/null 2>&1
    bad_server_start tls "$TM_TMP/tls.crt" "$TM_TMP/tls.key"
    tm_case "https with a self-signed certificate"
    # Under valgrind (TM_WRAPPER) a TLS handshake can outlast a 1 s try and
    # turn into a timeout; the point here is the verification failure.
    tls_timeout=1000
    [ -z "$TM_WRAPPER" ] || tls_timeout=10000
    tm_doh "https://127.0.0.1:$BAD_PORT/dns-query" --timeout "$tls_timeout" --tries 2 \
        --format json ready.example
    expect_exit 3
    expect_valid_json
    expect_check domain.exists error
    expect_json '[.results[0].checks[] | select(.status == "error") |
                  select((.detail // "") | test("certificate") | not)] | length' 0
    # Verification failures are not tried again: the answer would not change.
    expect_json '[.results[0].checks[] | select(.status == "error") |
                  select((.detail // "") | startswith("DoH request failed after 1 tries")
                  | not)] | length' 0
fi

# A port where nothing listens: the connection is refused at once; every
# try fails fast, so the run ends far inside the timeout budget.
closed_port=$(tm_free_port)
tm_case "closed port"
tm_doh "http://127.0.0.1:$closed_port/dns-query" --timeout 1000 --tries 2 --format json \
    ready.example
expect_exit 3
expect_valid_json
expect_elapsed_below_ms 5000
expect_check domain.exists error
expect_json '[.results[0].checks[] | select(.status == "fail")] | length' 0
expect_json '[.results[0].checks[] | select(.status == "error") |
              select((.detail // "") | test("DoH request failed after 2 tries: .*connect") | not)] | length' 0

# A server that accepts the connection and never answers: every try times
# out.  --timeout 300 --tries 1 (as test_bad_input.sh does for UDP): a few
# rounds of queries, well under 5 s.
tm_silent_server_start
tm_case "a DoH server that never answers"
tm_doh "http://127.0.0.1:$TM_SILENT_PORT/dns-query" --timeout 300 --tries 1 --format json \
    ready.example
expect_exit 3
expect_valid_json
expect_elapsed_below_ms 5000
expect_check domain.exists error
expect_json '[.results[0].checks[] | select(.status == "error") |
              select((.detail // "") | startswith("no answer from the DoH server (1 tries, 300 ms timeout)") | not)] | length' 0

# ---- usage errors ---------------------------------------------------------------

# CLI.md: exit 2, one line on stderr, nothing on stdout, no query sent.
usage() {
    tm_case "$1"
    shift
    tm_run_raw "$@" ready.example
    expect_usage_error
}
usage "ftp:// URL" --doh ftp://127.0.0.1/dns-query
usage "no scheme" --doh 127.0.0.1/dns-query
usage "dns:// URL" --doh "dns://127.0.0.1"
usage "no host" --doh "https:///dns-query"
usage "credentials in the URL" --doh "https://user:secret@dns.example/dns-query"
usage "port out of range" --doh "http://127.0.0.1:70000/dns-query"
usage "space in the URL" --doh "http://127.0.0.1/dns query"
usage "empty URL" --doh ""
usage "--doh with --offline" --doh "$DOH_URL" --offline
usage "--doh with --server" --doh "$DOH_URL" --server "127.0.0.1:$TM_BIND_PORT"
usage "--doh without a value" --doh

tm_case "the usage message names --doh and the reason"
tm_run_raw --doh ftp://127.0.0.1/ ready.example
expect_exit 2
tm_assert "stderr names the option" grep -qF -- "--doh" "$TM_ERR"
tm_assert "stderr says which schemes work" grep -qF "http:// and https://" "$TM_ERR"

tm_case "--help documents --doh"
tm_run_raw --help
expect_exit 0
expect_stdout_has "--help names --doh" '--doh URL'

# A URI template as DoH providers publish it: "{?dns}" expands to nothing
# for POST (RFC 8484 section 3).
tm_case "URI template {?dns}"
tm_doh "$DOH_URL{?dns}" --format json --only domain. ready.example
expect_exit 0
expect_check domain.exists pass

tm_finish
