#!/usr/bin/env bash
# test_cli_contract.sh - parts of the command-line contract (docs/cli.md)
# that need no DNS server: the checks subcommand in both languages and as
# JSON, --only selections that would run nothing, and exit status 4 when the
# report cannot be written to standard output (/dev/full).  Offline, over
# the zone files of tests/zones; no BIND is started.
#
# Run by ctest as: bash test_cli_contract.sh /path/to/tmems-check

. "$(dirname "$0")/lib.sh"
tm_init "$@"

# The text, as it is, on stdout / stderr.
stdout_has() { if grep -qF -- "$1" "$TM_OUT"; then tm_pass; else tm_fail "stdout lacks [$1]"; fi; }
expect_stderr_has() { if grep -qF -- "$1" "$TM_ERR"; then tm_pass; else tm_fail "stderr lacks [$1]"; fi; }

ready=(--offline --zone "$TM_ZONES/ready.example.zone" ready.example)
notoken=(--offline --zone "$TM_ZONES/notoken.example.zone" notoken.example)

# ---- tmems-check checks ---------------------------------------------------

tm_case "checks --format json: the catalogue"
tm_run_raw checks --format json
expect_exit 0
expect_stderr_empty
expect_valid_json
expect_json '.schema' 1
expect_json '.checks | length' 33
expect_json '[.checks[].id] | .[0]' domain.name
expect_json '[.checks[].id] | .[-1]' rules.current
expect_json '[.checks[] | select(.needs != null) | "\(.id)=\(.needs)"] | join(" ")' \
    "dns.consistency=--authoritative inbound.smtp=--smtp"
expect_json '[.checks[] | select(.decisive != null) | "\(.id)=\(.decisive)"] | join(" ")' \
    "token.present=token token.format=token token.match=token mx.present=mx mx.tmems=mx spf.present=spf spf.include=spf spf.tmems_ranges=spf"
expect_json '[.checks[] | select(.console_flags != []) | .id] | join(" ")' \
    "token.present token.format token.match mx.tmems spf.include"
expect_json '[.checks[] | select(.id == "mx.tmems") | .console_expected[]] | join(" ")' info
expect_json '[.checks[] | select(.description == "" or .description == null)] | length' 0
expect_json '[.checks[].section] | unique | join(" ")' "domain inbound outbound rules"
ids=$(jq -r '.checks[].id' "$TM_OUT")

tm_case "checks: one line per id under the report's section headings"
tm_run_raw checks --lang en
expect_exit 0
expect_stderr_empty
for id in $ids; do
    tm_assert "$id is listed once" [ "$(grep -cE "^  $id +" "$TM_OUT")" -eq 1 ]
done
stdout_has "Domain name (全般 / ドメイン名)"
stdout_has "Sending servers (送信サーバ)"
tm_assert "(!) marks exactly the checks the console flags" \
    [ "$(grep -E '^  [a-z_.]+ +\(!\) ' "$TM_OUT" | awk '{print $1}' | tr '\n' ' ')" = \
      "token.present token.format token.match mx.tmems spf.include " ]
stdout_has "  dns.consistency       With --authoritative: "
stdout_has "--only and --skip"

tm_case "checks --lang ja: the console's Japanese"
tm_run_raw checks --lang ja
expect_exit 0
stdout_has "受信サーバ"
stdout_has "  spf.lookups           SPF ツリーの DNS 検索は"
tm_assert "every id line has a Japanese description" \
    [ "$(grep -E '^  [a-z_]+\.[a-z_]+ ' "$TM_OUT" | grep -cvP '[\x{3000}-\x{30ff}\x{4e00}-\x{9fff}]')" -eq 0 ]

tm_case "checks --help"
tm_run_raw checks --help
expect_exit 0
stdout_has "Usage: tmems-check checks [--format text|json]"

for bad in "--format xml" "--format" "--bogus" "-x" "extra" "--format json --format text"; do
    tm_case "checks $bad: a usage error"
    # shellcheck disable=SC2086 # the words are the arguments
    tm_run_raw checks $bad
    expect_usage_error
done
tm_case "checks --bogus names the checks subcommand's help"
tm_run_raw checks --bogus
expect_stderr_has "unknown option '--bogus'; see tmems-check checks --help"

# ---- --only and --skip ----------------------------------------------------

tm_case "an unknown id points at tmems-check checks"
tm_run_raw --only mx.tll "${ready[@]}"
expect_usage_error
expect_stderr_has "--only: 'mx.tll' names no check; tmems-check checks lists them"

tm_case "--only dns.consistency without --authoritative: a usage error, not an empty report"
tm_run_raw --only dns.consistency "${ready[@]}"
expect_usage_error
expect_stderr_has "--only dns.consistency: the check runs only with --authoritative"

tm_case "--only dns. without --authoritative"
tm_run_raw --only dns. "${ready[@]}"
expect_usage_error
expect_stderr_has "--only dns.: dns.consistency runs only with --authoritative"

tm_case "--only inbound.smtp without --smtp"
tm_run_raw --format json --only inbound.smtp "${ready[@]}"
expect_usage_error
expect_stderr_has "--only inbound.smtp: the check runs only with --smtp"

tm_case "--only and --skip that leave nothing"
tm_run_raw --only mx.ttl --skip mx. "${ready[@]}"
expect_usage_error
expect_stderr_has "leave no check to run"

tm_case "--only dns.consistency with --authoritative runs it (offline: skip)"
tm_run_raw --format json --authoritative --only dns.consistency "${ready[@]}"
expect_exit 0
expect_json '[.results[0].checks[] | "\(.id)=\(.status)"] | join(" ")' "dns.consistency=skip"

tm_case "--only mx.,dns.consistency: the item that cannot run is refused"
tm_run_raw --only mx.,dns.consistency "${ready[@]}"
expect_usage_error

tm_case "without their options dns.consistency and inbound.smtp are absent"
tm_run_raw --format json "${ready[@]}"
expect_json '[.results[0].checks[].id | select(. == "dns.consistency" or . == "inbound.smtp")] | length' 0
expect_json '.results[0].checks | length' 31

# ---- exit status 4: the report could not be written -------------------------

# run_full ARGS... : the binary with standard output on /dev/full.
run_full() {
    TM_CMD="$(basename "$TM_BIN") $* >/dev/full"
    # shellcheck disable=SC2086 # the wrapper is a command line
    timeout -k 5 "$TM_RUN_LIMIT_S" $TM_WRAPPER "$TM_BIN" "$@" >/dev/full 2>"$TM_ERR" </dev/null
    TM_RC=$?
    if [ -n "$TM_WRAPPER" ] && [ "$TM_RC" -eq "$TM_WRAPPER_RC" ]; then
        tm_fail "the wrapper reported errors: $TM_WRAPPER"
    fi
}

for format in text json jsonl junit; do
    for domain in ready notoken; do
        tm_case "--format $format of $domain.example to /dev/full: exit 4"
        if [ "$domain" = ready ]; then run_full --format "$format" "${ready[@]}"
        else run_full --format "$format" "${notoken[@]}"; fi
        expect_exit 4
        expect_stderr_one_line
        expect_stderr_has "tmems-check: the report could not be written to standard output"
    done
done
for args in "-q" "--help" "--version" "checks" "checks --format json" "spf --help"; do
    tm_case "$args to /dev/full: exit 4"
    # shellcheck disable=SC2086 # the words are the arguments
    if [ "$args" = "-q" ]; then run_full -q "${notoken[@]}"; else run_full $args; fi
    expect_exit 4
    expect_stderr_one_line
done
tm_case "spf to /dev/full: exit 4"
run_full spf --offline --zone "$TM_ZONES/ready.example.zone" ready.example --ip 15.168.56.10
expect_exit 4
expect_stderr_has "could not be written"

tm_case "--html to a full disk: exit 4, whatever the verdict"
tm_run_raw --html /dev/full "${ready[@]}"
expect_exit 4
expect_stderr_has "tmems-check: the HTML report could not be written to '/dev/full'"

tm_case "a usage error stays 2 when standard output is full (nothing was written)"
run_full --bogus ready.example
expect_exit 2

tm_case "the same runs to a file exit as before"
tm_run_raw --format junit "${notoken[@]}"
expect_exit 1
tm_run_raw --format json "${ready[@]}"
expect_exit 0

tm_finish
