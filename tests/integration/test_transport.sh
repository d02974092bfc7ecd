#!/usr/bin/env bash
# test_transport.sh - when the DNS server itself cannot be used, and how
# long the tool waits for it.
#
# Run by ctest as: bash test_transport.sh /path/to/tmems-check
#
# A failure to reach the given server is one error line naming the server
# and the cause, exit 3, never a DNS response code and never a report of
# checks that all say the same: nothing listening (ICMP port unreachable),
# a server that never answers.  A response code is only ever what a server
# sent (BIND's REFUSED for a zone it does not serve stays a per-check
# error).  --timeout is the wait of every try alike and --tries the number
# of tries, counted by a server that logs every query it reads and answers
# none; --deadline bounds the whole run.  Counts, orderings and exit
# statuses only: the wall time of these cases is bench/'s (bench/README.md,
# "timeouts").

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tm_init "$@"
tm_bind_start

BIND="127.0.0.1:$TM_BIND_PORT"

# A UDP socket that reads every query and never replies; each query is
# logged as "NAME TYPE ID", one a line.  Sets SILENT_PORT and SILENT_LOG.
SILENT_LOG="$TM_TMP/silent.log"
logging_silent_start() {
    local portfile="$TM_TMP/logging-silent.port"
    rm -f "$portfile"
    : >"$SILENT_LOG"
    "$TM_PYTHON" - "$portfile" "$SILENT_LOG" <<'EOF' &
import os, random, socket, struct, sys, time
for _ in range(200):
    port = random.randint(20000, 60000)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", port))
        break
    except OSError:
        u.close()
else:
    sys.exit(1)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(port))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
log = open(sys.argv[2], "a")
u.settimeout(1.0)
end = time.time() + 300  # bounded: the harness stops it long before
while time.time() < end:
    try:
        msg, _ = u.recvfrom(4096)
    except socket.timeout:
        continue
    # RFC 1035 section 4.1: the ID, then the question after the header.
    qid = struct.unpack("!H", msg[:2])[0]
    at, labels = 12, []
    while at < len(msg) and msg[at] != 0:
        n = msg[at]
        labels.append(msg[at + 1:at + 1 + n].decode("ascii", "replace"))
        at += 1 + n
    qtype = struct.unpack("!H", msg[at + 1:at + 3])[0] if at + 3 <= len(msg) else 0
    log.write("%s %d %d\n" % (".".join(labels).lower(), qtype, qid))
    log.flush()
EOF
    TM_HELPER_PIDS="$TM_HELPER_PIDS $!"
    tm_track_pid "$!"
    for _ in $(seq 1 50); do
        [ -s "$portfile" ] && break
        sleep 0.1
    done
    SILENT_PORT=$(cat "$portfile" 2>/dev/null || true)
    [ -n "$SILENT_PORT" ] || { tm_log "the logging silent server did not start"; exit 2; }
}

# expect_one_error FIXED_STRING : exactly one line on stderr, containing it.
expect_one_error() {
    expect_stderr_one_line
    tm_assert "stderr says: $1" grep -qF -- "$1" "$TM_ERR"
}

# shellcheck disable=SC2317 # called through tm_assert
no_rcode_refused() { ! grep -q 'REFUSED' "$TM_OUT" "$TM_ERR"; }

# ---- nothing listens -------------------------------------------------------------

closed=$(tm_free_port)
CLOSED="127.0.0.1:$closed"

tm_case "nothing listens: one error line, no report"
tm_run_raw --server "$CLOSED" ready.example
expect_exit 3
expect_stdout_empty
expect_one_error "tmems-check: cannot reach the DNS server $CLOSED: connection refused"
tm_assert "no REFUSED response code is invented" no_rcode_refused

tm_case "nothing listens, JSON: a document without results"
tm_run_raw --server "$CLOSED" --format json ready.example
expect_exit 3
expect_valid_json
expect_json '.results | length' 0
expect_one_error "cannot reach the DNS server $CLOSED: connection refused"

tm_case "nothing listens, three domains: still one line, with the count"
tm_run_raw --server "$CLOSED" ready.example before.example notoken.example
expect_exit 3
expect_stdout_empty
expect_one_error "cannot reach the DNS server $CLOSED: connection refused; 0 of 3 domains checked"

tm_case "nothing listens, JUnit: a document without test suites' checks"
tm_run_raw --server "$CLOSED" --format junit ready.example
expect_exit 3
expect_stdout_lacks "no testcase" '<testcase'
expect_one_error "cannot reach the DNS server $CLOSED: connection refused"

tm_case "two servers, both closed: both named"
closed2=$(tm_free_port)
tm_run_raw --server "$CLOSED" --server "127.0.0.1:$closed2" ready.example
expect_exit 3
expect_one_error "cannot reach the DNS servers $CLOSED, 127.0.0.1:$closed2: connection refused"

tm_case "a closed server before a working one: the working one answers"
tm_run_raw --server "$CLOSED" --server "$BIND" --format json --only domain. ready.example
expect_exit 0
expect_check domain.exists pass
expect_stderr_empty

tm_case "the spf subcommand: the same one line"
tm_run_raw spf --server "$CLOSED" ready.example --ip 192.0.2.1
expect_exit 3
expect_stdout_empty
expect_one_error "cannot reach the DNS server $CLOSED: connection refused"

# ---- a response code is what a server sent --------------------------------------

tm_case "BIND's own REFUSED (a zone it does not serve) stays a per-check error"
tm_run_raw --server "$BIND" --format json --only domain. elsewhere.test
expect_exit 3
expect_check domain.exists error
expect_json '.results[0].checks[] | select(.id == "domain.exists") | .summary' \
    "DNS could not answer for elsewhere.test: REFUSED"
expect_stderr_empty

# ---- a server that never answers: tries, timeout, deadline ---------------------------

logging_silent_start
SILENT="127.0.0.1:$SILENT_PORT"

tm_case "a server that never answers: each question tried --tries times"
: >"$SILENT_LOG"
tm_run_raw --server "$SILENT" --timeout 300 --tries 3 --format json ready.example
expect_exit 3
expect_json '.results | length' 0
expect_one_error "cannot reach the DNS server $SILENT: no answer from the DNS server (3 tries of 300 ms each)"
sleep 0.2 # the last datagram may still be on its way to the log
# Every question the first round asked arrived exactly three times, always
# with its one ID, and nothing else was asked (no second round on silence).
questions=$(awk '{print $1, $2}' "$SILENT_LOG" | sort -u | wc -l)
tm_assert "the first round's questions were asked ($questions)" test "$questions" -ge 2
tm_assert "each question three times: $(awk '{print $1, $2}' "$SILENT_LOG" | sort | uniq -c | tr '\n' ';')" \
    test -z "$(awk '{print $1, $2}' "$SILENT_LOG" | sort | uniq -c | awk '$1 != 3')"
tm_assert "each question keeps its ID over its tries" \
    test "$(sort -u "$SILENT_LOG" | wc -l)" -eq "$questions"
# Every try of a round waits the same timeout, so the tries come in
# rounds: all first tries, then all second tries, then all third.
tm_assert "tries come in rounds: $(tr '\n' ';' <"$SILENT_LOG")" \
    test "$(awk '{n[$1" "$2]++; print n[$1" "$2]}' "$SILENT_LOG" | tr -d '\n')" = \
    "$(for t in 1 2 3; do printf "%0.s$t" $(seq 1 "$questions"); done)"

tm_case "--tries 1: once each"
: >"$SILENT_LOG"
tm_run_raw --server "$SILENT" --timeout 300 --tries 1 --format json ready.example
expect_exit 3
sleep 0.2
tm_assert "once each" \
    test -z "$(awk '{print $1, $2}' "$SILENT_LOG" | sort | uniq -c | awk '$1 != 1')"
expect_one_error "no answer from the DNS server (1 try of 300 ms)"

# The spf command is a check_host() front end: a question whose tries all
# time out is temperror (RFC 7208 section 5), the evaluation completes.
tm_case "the spf subcommand on a silent server: temperror, not a transport error"
tm_run_raw spf --server "$SILENT" --timeout 300 --tries 1 --format json ready.example --ip 192.0.2.1
expect_exit 0
expect_json '.result' temperror
expect_stderr_empty

tm_case "-v counts the retransmissions"
: >"$SILENT_LOG"
tm_run_raw --server "$SILENT" --timeout 300 --tries 2 -v ready.example
expect_exit 3
sleep 0.2
sent=$(awk '{print $1, $2}' "$SILENT_LOG" | sort -u | wc -l)
tm_assert "stderr: $sent questions sent, $sent retransmitted ($(tr '\n' ' ' <"$TM_ERR"))" \
    grep -qE "^DNS: $sent questions sent, at most $sent in flight \(window [0-9]+ of 512\), $sent retransmitted, [0-9.]+ s$" "$TM_ERR"

# The deadline comes long before the first timeout: every question was
# asked once, and the run ends on the deadline, saying so.
tm_case "--deadline bounds the whole run"
: >"$SILENT_LOG"
tm_run_raw --server "$SILENT" --timeout 10000 --tries 3 --deadline 1 ready.example before.example
expect_exit 3
expect_stdout_empty
expect_one_error "tmems-check: the checks did not finish within --deadline 1 second; 0 of 2 domains checked"
sleep 0.2
tm_assert "each question asked once" \
    test -z "$(awk '{print $1, $2}' "$SILENT_LOG" | sort | uniq -c | awk '$1 != 1')"

tm_case "--deadline leaves a run that ends in time alone"
tm_run_raw --server "$BIND" --deadline 1 --format json --only domain. ready.example
expect_exit 0
expect_check domain.exists pass

tm_case "the deadline in Japanese"
tm_run_raw --server "$SILENT" --timeout 10000 --deadline 1 --lang ja ready.example
expect_exit 3
expect_stderr_one_line
tm_assert "stderr is Japanese and names the option" grep -q -- '--deadline.*秒' "$TM_ERR"

# ---- usage -------------------------------------------------------------------------

for bad in 0 86401 x 1.5 ""; do
    tm_case "--deadline '$bad' is a usage error"
    tm_run_raw --deadline "$bad" ready.example
    expect_usage_error
done

tm_case "--help documents --deadline and --timeout per try"
tm_run_raw --help
expect_exit 0
expect_stdout_has "--deadline" '--deadline S'
expect_stdout_has "--timeout is per try" '--timeout MS +the wait for each try'

tm_finish
