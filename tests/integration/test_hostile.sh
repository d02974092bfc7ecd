#!/usr/bin/env bash
# test_hostile.sh - tmems-check against a DNS server that misbehaves on
# purpose (hostile_dns.py, on 127.0.0.1): garbage, a wrong query ID,
# truncation then a reset TCP connection, a 64 KB TXT set, 1,000 TXT records,
# a CNAME loop, a 20-step CNAME chain, an include fan-out bomb, macros that
# expand to the longest name, answers after the timeout, and a TCP server
# that trickles one byte a second (DNS data is untrusted: docs/design.md).
#
# Run by ctest as: bash test_hostile.sh /path/to/tmems-check
#
# For every case: the exact status of the check the case is about and a
# substring of its message; no question goes out more often than --tries
# allows (what bounds the run's time; the time itself is bench/'s); peak
# RSS stays under 64 MB; the tool exits 0, 1 or 3 (never a signal); the text
# report (-v, so DNS data is shown) has no control byte but the line feed.
# Each case is a function on its own name (<case>.hostile.test), so any
# subset can run: TM_HOSTILE_CASES="bomb slow" bash test_hostile.sh BIN

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tm_init "$@"

TIMEOUT_MS=500
TRIES=1
# What bounds a run's time is counted, not timed (bench/ measures time): each
# question goes out at most TRIES times over UDP, and as often again over
# TCP after a truncated answer, and each try waits at most TIMEOUT_MS.
RSS_LIMIT_KB=$((64 * 1024))
# hostile_dns.py: 1,000 TXT records, 10 includes per name.
SPF_TREE_BOUND=30      # TM_SPF_TREE_BOUND (docs/checks.md: 10 + 20)
SPF_DEPTH_MAX=12       # TM_SPF_TREE_DEPTH_MAX

PY=/usr/bin/python3
"$PY" -c 'import dnslib' 2>/dev/null || PY=python3
"$PY" -c 'import dnslib' 2>/dev/null || {
    tm_log "python3-dnslib is required (scripts/bootstrap.sh installs it)"
    exit 2
}

# ---- the server ----------------------------------------------------------

QLOG="$TM_TMP/queries.log"
hostile_start() {
    local portfile="$TM_TMP/hostile.port" lifetime=120
    [ -n "$TM_WRAPPER" ] && lifetime=900
    : >"$QLOG"
    "$PY" "$(dirname "${BASH_SOURCE[0]}")/hostile_dns.py" "$portfile" "$QLOG" "$lifetime" \
        2>"$TM_TMP/hostile.err" &
    TM_HELPER_PIDS="$TM_HELPER_PIDS $!"
    tm_track_pid "$!"
    for _ in $(seq 1 100); do
        [ -s "$portfile" ] && break
        sleep 0.1
    done
    HOSTILE_PORT=$(cat "$portfile" 2>/dev/null || true)
    [ -n "$HOSTILE_PORT" ] || { tm_log "hostile_dns.py did not start"; cat "$TM_TMP/hostile.err" >&2; exit 2; }
}

# ---- running the binary ----------------------------------------------------

# hostile_run FORMAT DOMAIN: one run against the hostile server.  Without a
# wrapper of its own, the run goes under /usr/bin/time for its peak RSS.
RSS_FILE="$TM_TMP/rss"
hostile_run() {
    local fmt=$1 domain=$2 saved=$TM_WRAPPER
    local extra=()
    [ "$fmt" = text ] && extra=(-v --color never)
    rm -f "$RSS_FILE"
    QLOG_FROM=$(wc -l <"$QLOG")
    if [ -z "$saved" ] && [ -x /usr/bin/time ]; then
        TM_WRAPPER="/usr/bin/time -f %M -o $RSS_FILE"
    fi
    tm_run_raw --server "127.0.0.1:$HOSTILE_PORT" --timeout "$TIMEOUT_MS" --tries "$TRIES" \
        --format "$fmt" "${extra[@]}" "$domain"
    TM_WRAPPER=$saved
    # /usr/bin/time reports a signal as "Command terminated by signal N".
    if [ -s "$RSS_FILE" ] && grep -q 'terminated by signal' "$RSS_FILE"; then
        TM_RC=$((128 + $(grep -o 'signal [0-9]*' "$RSS_FILE" | grep -o '[0-9]*')))
    fi
}

expect_no_signal() {
    case "$TM_RC" in
        0 | 1 | 3) tm_pass ;;
        *) tm_fail "exit status $TM_RC: a crash, a kill or a usage error, expected 0, 1 or 3" ;;
    esac
}

expect_rss_bounded() {
    [ -z "$TM_WRAPPER" ] || return 0 # under valgrind the RSS is valgrind's own
    [ -s "$RSS_FILE" ] || { tm_fail "no peak RSS measured (/usr/bin/time, package 'time')"; return; }
    local kb
    kb=$(tail -n 1 "$RSS_FILE")
    if [ "$kb" -lt "$RSS_LIMIT_KB" ]; then
        tm_pass
    else
        tm_fail "peak RSS ${kb} KB, limit ${RSS_LIMIT_KB} KB"
    fi
}

# The text report shows DNS data: no byte may reach the terminal raw.
expect_text_clean() {
    expect_stdout_lacks "no control byte in the text report" '[\x00-\x09\x0b-\x1f\x7f]'
    tm_assert "the text report is not empty" test -s "$TM_OUT"
}

# expect_message ID SUBSTRING: the check's summary or detail contains it.
expect_message() {
    local got
    got=$(jq -r --arg id "$1" '.results[0].checks[] | select(.id == $id) |
          "\(.summary)\n\(.detail // "")"' "$TM_OUT" 2>/dev/null)
    case "$got" in
        *"$2"*) tm_pass ;;
        *) tm_fail "check $1 does not say '$2': $(head -c 300 <<<"$got")" ;;
    esac
}

# queries_of CASE [PROTO]: how many questions under <case>.hostile.test.
queries_of() {
    grep -c -E "^${2:-(udp|tcp)} ([^ ]*\\.)?$1\\.hostile\\.test " "$QLOG"
}

# expect_tries_bounded: in the last run, no question went out more than
# TRIES times over each transport (QLOG_FROM: the log's length before it).
expect_tries_bounded() {
    local worst
    worst=$(tail -n +"$((QLOG_FROM + 1))" "$QLOG" | sort | uniq -c | sort -rn | head -n 1)
    if [ -z "$worst" ] || [ "$(awk '{print $1}' <<<"$worst")" -le "$TRIES" ]; then
        tm_pass
    else
        tm_fail "a question went out more than $TRIES times: $worst"
    fi
}

# hostile_common NAME EXIT CHECK STATUS MESSAGE: what every case asserts,
# over a JSON run and a text run of NAME.hostile.test.  Afterwards $TM_OUT
# holds the JSON report again, for the case's own assertions.
hostile_common() {
    local name=$1 exit=$2 check=$3 status=$4 message=$5
    local domain="$name.hostile.test"
    tm_case "$name: JSON"
    hostile_run json "$domain"
    expect_no_signal
    expect_exit "$exit"
    expect_valid_json
    expect_tries_bounded
    expect_rss_bounded
    expect_check "$check" "$status"
    expect_message "$check" "$message"
    cp "$TM_OUT" "$TM_TMP/$name.json"

    tm_case "$name: text"
    hostile_run text "$domain"
    expect_no_signal
    expect_exit "$exit"
    expect_tries_bounded
    expect_rss_bounded
    expect_text_clean
    # Later assertions of the case read the JSON report.
    cp "$TM_TMP/$name.json" "$TM_OUT"
}

# ---- the cases -------------------------------------------------------------

# Right ID and question, then junk claiming five answers: the wire walker
# refuses it (FORMERR) with the reason; nothing is judged on it.
case_garbage() {
    hostile_common garbage 3 domain.exists error \
        "DNS could not answer for garbage.hostile.test: FORMERR"
    expect_check spf.present error
    expect_json '.results[0].verdict' error
}

# c-ares drops an answer whose ID does not match (RFC 5452 section 4.3):
# the question times out.
case_wrongid() {
    hostile_common wrongid 3 domain.exists error \
        "DNS could not answer for wrongid.hostile.test: TIMEOUT"
    expect_message domain.exists "no answer from the DNS server (1 try of 500 ms)"
}

# TC over UDP, then the TCP connection is reset: the server cannot be used
# for that answer, a transport failure (RFC 7766 section 5), never the
# REFUSED response code.  One error line naming the server, exit 3, no
# domain judged.
case_tcrefused() {
    local why="cannot reach the DNS server 127.0.0.1:$HOSTILE_PORT: the TCP connection for a truncated answer was refused or closed without an answer"
    tm_case "tcrefused: JSON"
    hostile_run json tcrefused.hostile.test
    expect_no_signal
    expect_exit 3
    expect_valid_json
    expect_tries_bounded
    expect_json '.results | length' 0
    expect_stderr_one_line
    tm_assert "stderr names the server and the cause" grep -qF -- "$why" "$TM_ERR"
    tm_assert "no REFUSED anywhere" bash -c "! grep -q REFUSED '$TM_OUT' '$TM_ERR'"
    tm_case "tcrefused: text"
    hostile_run text tcrefused.hostile.test
    expect_exit 3
    expect_stdout_lacks "no check is printed" 'domain\.exists'
    tm_assert "stderr names the server and the cause" grep -qF -- "$why" "$TM_ERR"
    tm_assert "the retry went over TCP" test "$(queries_of tcrefused tcp)" -ge 1
}

# 239 TXT records in a 63,881-byte message, over TCP after TC: every byte
# arrives (the SPF record among them is found and judged), and spf.size
# warns that receivers need TCP.
case_bigtxt() {
    hostile_common bigtxt 1 spf.size warn "over 512"
    expect_message spf.size "The TXT answer is 63881 bytes"
    expect_checks "spf.present=pass spf.single=pass spf.include=pass token.present=fail"
    expect_json '.results[0].records.txt | length' 239
    tm_assert "the TXT set came over TCP" test "$(queries_of bigtxt tcp)" -ge 1
}

# 1,000 TXT records, 999 of them ownership tokens.
case_many() {
    hostile_common many 1 token.present warn "999 ownership tokens are published"
    expect_checks "spf.present=pass spf.single=pass spf.size=warn"
    expect_json '.results[0].records.txt | length' 1000
}

# apex CNAME loop2, loop2 CNAME apex, in one answer.
case_cnameloop() {
    hostile_common cnameloop 3 domain.exists error \
        "CNAME loop at cnameloop.hostile.test"
    expect_message token.present FORMERR
}

# 20 CNAMEs before the data: past the walker's bound of 16 (tm_dns.h).
case_chain20() {
    hostile_common chain20 3 domain.exists error "CNAME chain longer than 16 steps"
}

# Every name includes ten more.  docs/checks.md: expansion stops once the tree
# passed 10 + 20 lookups, and the count is then a lower bound.  The work is
# bounded: each fetch round adds at most the bound's worth of names, and
# there are at most as many rounds as the depth limit allows.
case_bomb() {
    hostile_common bomb 1 spf.lookups fail "SPF needs at least"
    expect_json '.results[0].spf.lower_bound' true
    expect_json "(.results[0].spf.lookups > $SPF_TREE_BOUND)" true
    expect_check spf.tmems_ranges fail
    local n max=$(((SPF_DEPTH_MAX + 1) * (SPF_TREE_BOUND + 1)))
    n=$(queries_of bomb)
    # The JSON and the text run each ask the tree once.
    tm_assert "the fan-out bomb cost $n questions for two runs (bound 2 x $max)" \
        test "$n" -le $((2 * max))
}

# exists:<230 bytes>.%{d} is exactly 253 bytes and is asked as is; a: with
# twelve %{d} is 275 bytes, shortened from the left to 252 (RFC 7208
# section 7.3); no question is ever longer than 253.
case_longmacro() {
    hostile_common longmacro 1 spf.lookups pass "SPF needs 3 DNS lookups"
    expect_checks "spf.syntax=pass spf.void_lookups=pass spf.include=pass spf.tmems_ranges=pass"
    local lens
    lens=$(awk '$2 ~ /longmacro\.hostile\.test$/ && $3 == "A" { print length($2) }' "$QLOG" |
           sort -n | uniq | tr '\n' ' ')
    tm_assert "questions of 252 and 253 bytes were asked (got: $lens)" \
        test "$lens" = "252 253 "
    tm_assert "no question longer than 253 bytes" \
        test -z "$(awk 'length($2) > 253' "$QLOG")"
}

# The answer arrives 3 s later, after the 500 ms timeout: a TIMEOUT, the
# question is not asked again, and the late answer is not taken (had the run
# waited for it, the check would have passed).
case_slow() {
    hostile_common slow 3 domain.exists error \
        "DNS could not answer for slow.hostile.test: TIMEOUT"
    expect_message domain.exists "no answer from the DNS server (1 try of 500 ms)"
}

# TC over UDP, then one byte a second over TCP: the timeout still applies
# (the whole answer would take minutes and make the check pass).
case_trickle() {
    hostile_common trickle 3 domain.exists error \
        "DNS could not answer for trickle.hostile.test: TIMEOUT"
    tm_assert "the retry went over TCP" test "$(queries_of trickle tcp)" -ge 1
}

ALL_CASES="garbage wrongid tcrefused bigtxt many cnameloop chain20 bomb longmacro slow trickle"

hostile_start
for c in ${TM_HOSTILE_CASES:-$ALL_CASES}; do
    "case_$c"
done
tm_finish
