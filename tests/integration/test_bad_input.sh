#!/usr/bin/env bash
# test_bad_input.sh - usage errors (exit 2) and DNS that does not answer
# (exit 3) per docs/cli.md, against a real BIND 9 on 127.0.0.1.
#
# Run by ctest as: bash test_bad_input.sh /path/to/tmems-check
#
# docs/cli.md, exit 2: "usage or input error ... A message on stderr, nothing on
# stdout, no query sent".  Exit 3: "no fail, but at least one check is error".

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tm_init "$@"
tm_bind_start

Z="$TM_ZONES"

# usage_error DESCRIPTION ARGS... : the whole usage-error contract.
usage_error() {
    tm_case "$1"
    shift
    tm_run "$@"
    expect_usage_error
}

# ---- invalid domain names (domain.name: fail, exit 2 before any query) ----

long_name=""
for i in 1 2 3 4 5 6; do
    long_name="${long_name}$(printf 'l%.0s' $(seq 1 49))$i."
done
long_name="${long_name}example"  # 6 labels of 50 + "example": over 253

usage_error "a space inside the name" "exa mple.com"
usage_error "a label with leading and trailing hyphens" -- "-bad-.example"
usage_error "a name of ${#long_name} characters" "$long_name"
usage_error "a label of 64 characters" "$(printf 'a%.0s' $(seq 1 64)).example"
usage_error "an empty label" "ready..example"
usage_error "an invalid name among valid ones" ready.example "exa mple.com"

# ---- unreadable input files -------------------------------------------------

usage_error "a zone file that does not exist" --zone "$TM_TMP/missing.zone" ready.example
usage_error "a zone 'file' that is a directory" --zone "$TM_TMP" ready.example
printf '$ORIGIN broken.example.\n@ IN SOA ns1 hostmaster ( 1 2 3\n@ IN MX nonsense\n' \
    >"$TM_TMP/broken.zone"
usage_error "a zone file that does not parse" --offline --zone "$TM_TMP/broken.zone" broken.example
usage_error "a rules file that does not exist" --rules "$TM_TMP/missing.json" ready.example
printf '{"schema": 1, "region": ' >"$TM_TMP/bad-rules.json"
usage_error "a rules file that is not JSON" --rules "$TM_TMP/bad-rules.json" ready.example
usage_error "a domain file that does not exist" -f "$TM_TMP/missing.txt"

# ---- options ----------------------------------------------------------------

usage_error "an unknown option" --frobnicate ready.example
usage_error "an unknown --phase" --phase middle ready.example
usage_error "an unknown --format" --format xml ready.example
usage_error "an unknown --region" --region mars ready.example
usage_error "an unknown --color" --color sometimes ready.example
usage_error "a non-numeric --timeout" --timeout soon ready.example
usage_error "an --only naming no check" --only nosuch.check ready.example
usage_error "a missing option value" ready.example --company

# Bad --server values: each is rejected before any query (tm_run_raw: no
# valid --server is added, so nothing could be asked anyway).
for bad in "1.2.3.4:99999" "localhost" "[::1" "127.0.0.1:" "300.1.1.1"; do
    tm_case "--server $bad"
    tm_run_raw --server "$bad" ready.example
    expect_usage_error
done

tm_case "no domain at all"
tm_run
expect_exit 2
expect_stdout_empty

tm_case "--help"
tm_run_raw --help
expect_exit 0
tm_assert "--help prints usage on stdout" test -s "$TM_OUT"

tm_case "--version"
tm_run_raw --version
expect_exit 0
version=$(sed -n 's/^project(tmems-check VERSION \([0-9.]*\).*/\1/p' "$TM_SOURCE_DIR/CMakeLists.txt")
expect_stdout_has "--version names version $version" "\\Q$version\\E"

# ---- DNS that does not answer: error statuses, exit 3, bounded work ----

# With --tries 1 every question is sent once and never again, whatever the
# server answers: -v's last line counts what went on the wire (the wall
# time that bounds is bench/'s).
# expect_sent_once MAX: at most MAX questions, none sent twice.
expect_sent_once() {
    local line sent
    line=$(grep -E '^DNS: [0-9]+ questions? sent, ' "$TM_ERR" | tail -n 1)
    sent=$(sed -E 's/^DNS: ([0-9]+) .*/\1/' <<<"$line")
    if [ -n "$line" ] && [ "$sent" -le "$1" ] && grep -qE ', 0 retransmitted, ' <<<"$line"; then
        tm_pass
    else
        tm_fail "expected at most $1 questions, none retransmitted: '${line:-no DNS line}'"
    fi
}

# no_answer DESCRIPTION SERVER DOMAIN
no_answer() {
    tm_case "$1"
    tm_run_raw --server "$2" --timeout 300 --tries 1 --format json -v "$3"
    expect_exit 3
    expect_valid_json
    # the apex TXT and MX, the site record of rules.current
    expect_sent_once 3
    expect_check domain.exists error
    expect_json '.results[0].verdict' error
    expect_json '[.results[0].checks[] | select(.status == "fail")] | length' 0
}

BIND="127.0.0.1:$TM_BIND_PORT"

# servfail.example is configured with a master file that does not load:
# BIND answers SERVFAIL for every name in it.
no_answer "SERVFAIL" "$BIND" servfail.example
# elsewhere.test is in no zone this BIND serves; with recursion off it
# answers REFUSED.
no_answer "REFUSED" "$BIND" elsewhere.test

# unreachable DESCRIPTION SERVER DOMAIN CAUSE: no DNS message came at all,
# which is no response code: one error line naming the server and the
# cause, exit 3, no domain judged.
unreachable() {
    tm_case "$1"
    tm_run_raw --server "$2" --timeout 300 --tries 1 --format json "$3"
    expect_exit 3
    expect_valid_json
    expect_json '.results | length' 0
    expect_stderr_one_line
    tm_assert "stderr names the server and the cause" \
        grep -qF "cannot reach the DNS server $2: $4" "$TM_ERR"
}

# A UDP port where nothing listens: the kernel answers ICMP port unreachable.
closed_port=$(tm_free_port)
unreachable "ICMP port unreachable" "127.0.0.1:$closed_port" ready.example "connection refused"

# A socket that reads the query and never answers.
tm_silent_server_start
unreachable "a server that never answers" "127.0.0.1:$TM_SILENT_PORT" ready.example \
    "no answer from the DNS server (1 try of 300 ms)"

tm_case "a silent server: text report, default checks"
tm_run_raw --server "127.0.0.1:$TM_SILENT_PORT" --timeout 300 --tries 1 ready.example
expect_exit 3
expect_stdout_empty
expect_stderr_one_line
tm_assert "one try of each question, then the run stops" \
    grep -qF "no answer from the DNS server (1 try of 300 ms)" "$TM_ERR"

tm_case "offline needs no server at all"
tm_run_raw --offline --server "127.0.0.1:$TM_SILENT_PORT" --timeout 300 --tries 1 -v \
    --only "$TM_INBOUND_ONLY" --format json --zone "$Z/before.example.zone" before.example
expect_exit 0
expect_check domain.exists pass
expect_sent_once 0

tm_case "--zone: 1024 files are accepted, the 1025th is a usage error"
zargs=()
for i in $(seq 1 1024); do zargs+=(--zone "$TM_ZONES/ready.example.zone"); done
tm_run_raw --offline "${zargs[@]}" --zone "$TM_ZONES/ready.example.zone" ready.example
expect_usage_error
tm_assert "the message names the bound" grep -qF "too many --zone options (at most 1024)" "$TM_ERR"
tm_run_raw --offline "${zargs[@]}" ready.example
expect_exit 2
tm_assert "1024 files are read (the same one twice is refused)" grep -qF "have the same origin" "$TM_ERR"

tm_case "a zone file BIND does not load (no SOA, no NS at the origin): exit 2, not a verdict"
printf '$ORIGIN nosoa.example.\n$TTL 300\n@ IN NS ns.example.net.\n@ IN MX 10 acme.in.tmems-jp.trendmicro.com.\n' \
    >"$TM_TMP/nosoa.example.zone"
tm_run_raw --offline --zone "$TM_TMP/nosoa.example.zone" nosoa.example
expect_usage_error
tm_assert "the message names the missing SOA" grep -qF "no SOA record at its origin nosoa.example" "$TM_ERR"
printf '$ORIGIN nons.example.\n$TTL 300\n@ IN SOA ns hm 1 2 3 4 5\n@ IN MX 10 acme.in.tmems-jp.trendmicro.com.\n' \
    >"$TM_TMP/nons.example.zone"
tm_run_raw --offline --zone "$TM_TMP/nons.example.zone" nons.example
expect_usage_error
tm_assert "the message names the missing NS" grep -qF "no NS record at its origin nons.example" "$TM_ERR"
tm_assert "named-checkzone refuses both as well" bash -c \
    '! named-checkzone -q nosoa.example "$1" && ! named-checkzone -q nons.example "$2"' _ \
    "$TM_TMP/nosoa.example.zone" "$TM_TMP/nons.example.zone"

tm_finish
