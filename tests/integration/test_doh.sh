#!/usr/bin/env bash
# test_doh.sh - --doh URL: DNS over HTTPS (RFC 8484) against the DoH listener
# of the same private BIND 9 that serves tests/zones/ over UDP.  BIND serves
# DoH over TLS with a certificate of a test CA this script makes with
# openssl (lib.sh tm_test_ca), and the tool is told to trust it the way
# curl users do: --cacert FILE, or CURL_CA_BUNDLE / SSL_CERT_FILE /
# SSL_CERT_DIR in the environment.
#
# Run by ctest as: bash test_doh.sh /path/to/tmems-check
#
# The central assertion (the judge sees the same records whatever the
# transport: docs/design.md "The judge"): the verdicts over DoH equal the
# verdicts over UDP on every integration scenario.  Every domain test_inbound.sh
# checks and every zone in tests/zones/ is run once over UDP (--server) and
# once over https:// DoH, with each option set test_inbound.sh varies; the
# check statuses, verdicts, phases, companies and exit statuses must be the
# same.  Then trust, and the failures: a DoH URL that cannot be used (an
# untrusted certificate, HTTP 404 or 500, another content type, a closed
# port, a server that never answers, http:// to a server that speaks only
# HTTP/2) is one error line naming the URL and the cause, exit 3, and never
# a DNS answer; a body that is not a usable DNS message is the server's
# answer, judged per check.  URLs that are not http(s) are usage errors.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tm_init "$@"
# Loopback only: a proxy from the environment must not carry these requests,
# and the trust is what each case gives, not the caller's.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
unset CURL_CA_BUNDLE SSL_CERT_FILE SSL_CERT_DIR
tm_test_ca "$TM_TMP/tls"
CA="$TM_TMP/tls/ca.pem"
TM_BIND_TLS_DIR="$TM_TMP/tls"
tm_bind_start

DOH_URL="https://127.0.0.1:$TM_BIND_DOHS_PORT/dns-query"
H2C_URL="http://127.0.0.1:$TM_BIND_DOH_PORT/dns-query"
TOKEN_READY="88vf4Tw3IPext5MmvoQSYF5mxwOczSpc"

# BIND opens its TLS listener with the DNS one; make sure it answers before
# the comparison starts (dig speaks DoH with +https).
doh_ready=""
for _ in $(seq 1 50); do
    if [ -n "$(dig +short +tries=1 +time=1 +https +tls-ca="$CA" -p "$TM_BIND_DOHS_PORT" \
                @127.0.0.1 SOA tmems-jp.trendmicro.com 2>/dev/null)" ]; then
        doh_ready=1
        break
    fi
    sleep 0.1
done
[ -n "$doh_ready" ] || { tm_log "BIND's DoH listener on port $TM_BIND_DOHS_PORT does not answer"; exit 2; }

# tm_doh URL ARGS... : the binary over DoH (no --server), trusting the test CA.
tm_doh() {
    local url=$1
    shift
    tm_run_raw --doh "$url" --cacert "$CA" "$@"
}

# expect_one_error FIXED_STRING : exactly one line on stderr, containing it.
expect_one_error() {
    expect_stderr_one_line
    tm_assert "stderr names the cause: $1" grep -qF -- "$1" "$TM_ERR"
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
    tm_case "DoH (https) = UDP, options: ${opts:-none}"
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
printf 'DoH-over-https-vs-UDP: %d of %d (domain, options) scenarios have identical statuses\n' \
    "$EQUAL_SCENARIOS" "$TOTAL_SCENARIOS"
tm_case "every scenario equal"
tm_assert "$EQUAL_SCENARIOS of $TOTAL_SCENARIOS scenarios equal" \
    test "$EQUAL_SCENARIOS" -eq "$TOTAL_SCENARIOS" -a "$TOTAL_SCENARIOS" -gt 0

# ---- one connection, reused, HTTP/2 -------------------------------------------

# Every query of a many-domain run goes over one TLS connection to the DoH
# port (HTTP/2 streams, ALPN h2).  strace sees the connect() calls; skipped
# where ptrace is not allowed or a wrapper already traces the binary.
if [ -z "$TM_WRAPPER" ] && command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null; then
    tm_case "one HTTP/2 connection carries every query"
    trace="$TM_TMP/connect.trace"
    TM_CMD="strace $(basename "$TM_BIN") --doh $DOH_URL ${DOMAINS[*]}"
    timeout -k 5 "$TM_RUN_LIMIT_S" strace -f -e trace=connect -o "$trace" \
        "$TM_BIN" --doh "$DOH_URL" --cacert "$CA" --format json "${DOMAINS[@]}" \
        >"$TM_OUT" 2>"$TM_ERR" </dev/null
    TM_RC=$?
    expect_valid_json
    connects=$(grep -c "sin_port=htons($TM_BIND_DOHS_PORT)" "$trace")
    tm_log "  ${#DOMAINS[@]} domains over DoH: $connects connection(s) to the DoH port"
    tm_assert "exactly one connection to the DoH port (got $connects)" test "$connects" -eq 1
fi

# ---- trust: the test CA, as curl users give it -----------------------------------

tm_case "no CA given: the test CA's certificate is refused, one error line"
tm_run_raw --doh "$DOH_URL" --format json ready.example
expect_exit 3
expect_valid_json
expect_json '.results | length' 0
expect_one_error "cannot use the DoH server $DOH_URL: SSL certificate problem"

tm_case "CURL_CA_BUNDLE names the CA"
CURL_CA_BUNDLE=$CA tm_run_raw --doh "$DOH_URL" --format json --only domain. ready.example
expect_exit 0
expect_check domain.exists pass

tm_case "SSL_CERT_FILE names the CA"
SSL_CERT_FILE=$CA tm_run_raw --doh "$DOH_URL" --format json --only domain. ready.example
expect_exit 0
expect_check domain.exists pass

tm_case "SSL_CERT_DIR holds the CA (hashed, as openssl rehash leaves it)"
mkdir -p "$TM_TMP/certdir"
cp "$CA" "$TM_TMP/certdir/"
if openssl rehash "$TM_TMP/certdir" >/dev/null 2>&1; then
    SSL_CERT_DIR="$TM_TMP/certdir" tm_run_raw --doh "$DOH_URL" --format json --only domain. \
        ready.example
    expect_exit 0
    expect_check domain.exists pass
fi

tm_case "--cacert comes before CURL_CA_BUNDLE, as with curl"
CURL_CA_BUNDLE=/dev/null tm_doh "$DOH_URL" --format json --only domain. ready.example
expect_exit 0
expect_check domain.exists pass

tm_case "a CA that did not sign the server's certificate"
tm_test_ca "$TM_TMP/other-ca"
tm_run_raw --doh "$DOH_URL" --cacert "$TM_TMP/other-ca/ca.pem" --format json ready.example
expect_exit 3
expect_json '.results | length' 0
expect_one_error "cannot use the DoH server $DOH_URL: SSL certificate problem"

tm_case "an unreadable --cacert is an input error"
tm_run_raw --doh "$DOH_URL" --cacert "$TM_TMP/no-such-ca.pem" ready.example
expect_usage_error
tm_assert "stderr names the file" grep -qF "no-such-ca.pem" "$TM_ERR"

tm_case "--cacert without --doh is a usage error"
tm_run_raw --cacert "$CA" ready.example
expect_usage_error

# ---- broken DoH endpoints -----------------------------------------------------

# An HTTP/1.1 server (Python's http.server) with a few broken endpoints,
# over TLS with a certificate of the test CA (no ALPN: HTTP/1.1 is what it
# speaks), or in plain HTTP.
# bad_server_start NAME [CERT KEY] : sets BAD_PORT; with CERT and KEY the
# server speaks TLS.
bad_server_start() {
    local portfile="$TM_TMP/$1.port"
    shift
    rm -f "$portfile"
    "$TM_PYTHON" - "$portfile" "$@" <<'EOF' &
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
        pass  # a client that hangs up is expected

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
bad_server_start tls "$TM_TMP/tls/server.pem" "$TM_TMP/tls/server.key"
TLS_PORT=$BAD_PORT
bad_server_start plain
PLAIN_PORT=$BAD_PORT

# unusable DESCRIPTION URL REASON : no DNS message came: one error line
# naming the URL and the reason, exit 3, no result and no check at all.
unusable() {
    tm_case "$1 (json)"
    tm_doh "$2" --timeout 1000 --tries 2 --format json ready.example
    expect_exit 3
    expect_valid_json
    expect_json '.results | length' 0
    expect_one_error "cannot use the DoH server $2: "
    tm_assert "stderr gives the reason: $3" grep -qF -- "$3" "$TM_ERR"
    tm_case "$1 (text)"
    tm_doh "$2" --timeout 1000 --tries 2 ready.example
    expect_exit 3
    expect_stdout_lacks "no check is printed" 'domain\.exists|DNS could not answer'
    expect_one_error "cannot use the DoH server $2: "
    tm_assert "stderr gives the reason: $3" grep -qF -- "$3" "$TM_ERR"
}

unusable "HTTP 500" "https://127.0.0.1:$TLS_PORT/dns-query" "the server answered HTTP 500"
unusable "HTTP 404" "https://127.0.0.1:$TLS_PORT/elsewhere" "the server answered HTTP 404"
unusable "wrong content type" "https://127.0.0.1:$TLS_PORT/wrong-type" \
    "content type 'text/html; charset=utf-8', not application/dns-message"
unusable "plain http:// (HTTP/1.1) endpoint answering 500" \
    "http://127.0.0.1:$PLAIN_PORT/dns-query" "the server answered HTTP 500"
unusable "http:// to BIND's listener, which speaks only HTTP/2" "$H2C_URL" \
    "(http:// URLs speak HTTP/1.1; a server that speaks only HTTP/2, as BIND's DoH listener does, needs https://)"

# A body that came as a DNS message but is not a usable one: that is what
# the server answered, so each check that needs it errs with the reason.
# broken DESCRIPTION URL REASON_FIXED_STRING
broken() {
    tm_case "$1"
    tm_doh "$2" --timeout 1000 --tries 2 --format json ready.example
    expect_exit 3
    expect_valid_json
    expect_json '.results[0].verdict' error
    expect_check domain.exists error
    expect_json '[.results[0].checks[] | select(.status == "fail")] | length' 0
    # Every erring check says why: the given reason, or the parser's own.
    expect_json '[.results[0].checks[] | select(.status == "error" and (.detail // "") == "")] | length' 0
    expect_json "[.results[0].checks[] | select(.status == \"error\") |
                  select((.detail // \"\") | contains(\"$3\") | not)] | length" 0
    expect_stderr_empty
}

broken "a body that is not a DNS message" "https://127.0.0.1:$TLS_PORT/garbage" ""
broken "a body larger than a DNS message" "https://127.0.0.1:$TLS_PORT/huge" \
    "larger than 65535 bytes"

# A port where nothing listens: refused at once, not tried again.
closed_port=$(tm_free_port)
tm_case "closed port"
tm_doh "https://127.0.0.1:$closed_port/dns-query" --timeout 1000 --tries 2 --format json \
    ready.example
expect_exit 3
expect_valid_json
expect_json '.results | length' 0
expect_one_error "cannot use the DoH server https://127.0.0.1:$closed_port/dns-query: "
tm_assert "the reason is the refused connection" grep -qiF "connect" "$TM_ERR"

# A server that accepts the connection and never answers (not even the TLS
# handshake): every try times out, and a server that never answered
# anything cannot be reached.
tm_silent_server_start
tm_case "a DoH server that never answers"
tm_doh "https://127.0.0.1:$TM_SILENT_PORT/dns-query" --timeout 300 --tries 1 --format json \
    ready.example
expect_exit 3
expect_valid_json
expect_json '.results | length' 0
expect_one_error "cannot use the DoH server https://127.0.0.1:$TM_SILENT_PORT/dns-query: no answer from the DoH server (1 try of 300 ms)"

# ---- usage errors ---------------------------------------------------------------

# docs/cli.md: exit 2, one line on stderr, nothing on stdout, no query sent.
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
usage "--cacert without a value" --doh "$DOH_URL" --cacert
usage "--doh without a value" --doh

tm_case "the usage message names --doh and the reason"
tm_run_raw --doh ftp://127.0.0.1/ ready.example
expect_exit 2
tm_assert "stderr names the option" grep -qF -- "--doh" "$TM_ERR"
tm_assert "stderr says which schemes work" grep -qF "http:// and https://" "$TM_ERR"

tm_case "--help documents --doh and --cacert"
tm_run_raw --help
expect_exit 0
expect_stdout_has "--help names --doh" '--doh URL'
expect_stdout_has "--help names --cacert" '--cacert FILE'

# A URI template as DoH providers publish it: "{?dns}" expands to nothing
# for POST (RFC 8484 section 3).
tm_case "URI template {?dns}"
tm_doh "$DOH_URL{?dns}" --format json --only domain. ready.example
expect_exit 0
expect_check domain.exists pass

tm_finish
