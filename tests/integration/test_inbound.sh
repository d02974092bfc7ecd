#!/usr/bin/env bash
# test_inbound.sh - the domain and inbound sections (docs/checks.md) of
# tmems-check against a real BIND 9 on 127.0.0.1 serving tests/zones/.
#
# Run by ctest as: bash test_inbound.sh /path/to/tmems-check
#
# The expected statuses are derived from docs/checks.md and docs/cli.md, not from the
# code.  Where a check row is qualified by a phase ("pre: ...", "post: ..."),
# the check is not applicable in the other phase, so its status there is
# `skip` (docs/checks.md "How to read a result": it does not apply, and the
# summary says why):
#   mx.bypass in pre, inbound.servers in post.
# A company ID that is unknown (phase pre, no --company) makes the company.*
# checks `skip`.  Cells docs/checks.md leaves open are written "a|b" (either is
# accepted), each with the reason beside it:
#   mx.ttl after the cutover: the TTL rule is stated for pre only, so post may
#     skip it or still report it (a short TTL passes, a long one is info);
#   inbound.cloud when every MX host is TMEmS: there is no "current" mail
#     service left to judge (skip) or it is simply not a cloud one (pass).

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tm_init "$@"
tm_bind_start

Z="$TM_ZONES"

# Catalogue order of the selected checks (docs/checks.md; company.relay_host sits
# in the outbound table, after the inbound section).
ORDER="domain.name domain.exists token.present token.format token.match mx.present mx.tmems mx.bypass mx.ttl mx.target company.id company.inbound_host inbound.servers inbound.cloud inbound.firewall company.relay_host"

TOKEN_READY="88vf4Tw3IPext5MmvoQSYF5mxwOczSpc"

# ---- expectations per scenario (phase auto, no options) --------------------

# After the cutover; every check passes or is info/skip.
EXP_READY="domain.name=pass domain.exists=pass token.present=pass token.format=pass
 token.match=skip mx.present=pass mx.tmems=pass mx.bypass=pass mx.ttl=pass|skip
 mx.target=pass company.id=pass company.inbound_host=pass inbound.servers=skip
 inbound.cloud=pass|skip inbound.firewall=info company.relay_host=pass"

# Before the cutover, own MX hosts with TTL 86400: only mx.ttl warns.
EXP_BEFORE="domain.name=pass domain.exists=pass token.present=pass token.format=pass
 token.match=skip mx.present=pass mx.tmems=info mx.bypass=skip mx.ttl=warn
 mx.target=pass company.id=skip company.inbound_host=skip inbound.servers=info
 inbound.cloud=pass inbound.firewall=info company.relay_host=skip"

EXP_NOTOKEN="token.present=fail token.format=skip token.match=skip mx.present=pass
 mx.tmems=info mx.bypass=skip mx.ttl=pass mx.target=pass company.id=skip
 inbound.servers=info inbound.firewall=info"

# No token, but the MX at the TMEmS host proves ownership too: info.
EXP_MXPROOF="token.present=info token.format=skip mx.tmems=pass mx.bypass=pass
 mx.ttl=pass|skip company.id=pass company.inbound_host=pass company.relay_host=pass"

EXP_SHORTTOKEN="token.present=pass token.format=fail mx.tmems=info mx.ttl=pass"

# Two well-formed tokens: present warns, each value is well formed.
EXP_TWOTOKENS="token.present=warn token.format=pass token.match=skip mx.tmems=info mx.ttl=pass"

EXP_BACKUP="mx.present=pass mx.tmems=pass mx.bypass=warn mx.ttl=pass|skip mx.target=pass
 company.id=pass company.inbound_host=pass inbound.servers=skip inbound.cloud=pass"

EXP_SAMEPREF="mx.present=pass mx.bypass=fail mx.ttl=pass|skip mx.target=pass company.id=pass
 company.inbound_host=pass inbound.servers=skip"

# The MX names an ID the Japan site does not know: its hosts are NXDOMAIN,
# so the only MX target cannot take mail (mx.target fail).
EXP_NOSUCH="token.present=pass mx.present=pass mx.tmems=pass mx.bypass=pass mx.ttl=pass|skip
 mx.target=fail company.id=pass company.inbound_host=fail company.relay_host=fail"

EXP_M365="mx.present=pass mx.tmems=info mx.bypass=skip mx.ttl=warn mx.target=pass
 company.id=skip company.inbound_host=skip inbound.servers=info inbound.cloud=info
 inbound.firewall=info"

EXP_NOMX="domain.exists=pass token.present=pass mx.present=fail mx.bypass=skip
 company.id=skip company.inbound_host=skip company.relay_host=skip inbound.firewall=info"

# The only MX target is an alias: no usable host at the lowest preference.
EXP_MXCNAME="mx.present=pass mx.tmems=info mx.ttl=pass mx.target=fail company.id=skip"

EXP_HOSTILE="token.present=pass token.format=fail mx.tmems=info"

# scenario DOMAIN EXIT VERDICT PHASE COMPANY EXPECTATIONS [OPTIONS...]
# COMPANY is the JSON value as jq -r prints it ("null" when unknown);
# "-" for PHASE or COMPANY leaves it unchecked.
scenario() {
    local domain=$1 rc=$2 verdict=$3 phase=$4 company=$5 exp=$6
    shift 6
    tm_case "$domain $*"
    tm_json "$@" "$domain"
    expect_exit "$rc"
    expect_valid_json
    expect_json '.results | length' 1
    expect_json '.results[0].domain' "$domain"
    expect_json '.results[0].verdict' "$verdict"
    [ "$phase" = - ] || expect_json '.results[0].phase' "$phase"
    [ "$company" = - ] || expect_json '.results[0].company' "$company"
    expect_checks "$exp"
}

# ---- the scenarios ---------------------------------------------------------

scenario ready.example 0 pass post acme "$EXP_READY"
# The JSON contract (docs/json.md): top-level fields, every check that ran is
# listed in catalogue order, the records with their TTLs.
expect_json '.schema' 1
expect_json '.tool' tmems-check
expect_json '.region' jp
expect_json '.results[0].ascii' ready.example
expect_json '[.results[0].checks[].id | select(. != "inbound.smtp")] | join(" ")' "$ORDER"
# inbound.smtp runs only with --smtp: absent, or listed as skip.
expect_json '[.results[0].checks[] | select(.id == "inbound.smtp" and .status != "skip")] | length' 0
expect_json '[.results[0].checks[] | select(.section == null or .summary == null)] | length' 0
expect_json '[.results[0].checks[] | .section] | unique | join(" ")' "domain inbound outbound"
expect_json '.results[0].records.mx | length' 1
expect_json '.results[0].records.mx[0] | "\(.preference) \(.host) \(.ttl)"' \
    "10 acme.in.tmems-jp.trendmicro.com 300"
expect_json "[.results[0].records.txt[] | select(.value == \"tmes=$TOKEN_READY\")] | length" 1

scenario before.example 0 warn pre null "$EXP_BEFORE"
expect_json '[.results[0].records.mx[] | "\(.preference) \(.host) \(.ttl)"] | sort | join(",")' \
    "10 mail1.before.example 86400,20 mail2.before.example 86400"
# The failing and warning checks carry their explanation and fix.
expect_json '[.results[0].checks[] | select(.id == "mx.ttl") | (.detail != null and .fix != null)] | .[0]' true

scenario notoken.example 1 fail pre null "$EXP_NOTOKEN"
scenario mxproof.example 0 pass post acme "$EXP_MXPROOF"
scenario shorttoken.example 1 fail pre null "$EXP_SHORTTOKEN"
scenario twotokens.example 0 warn pre null "$EXP_TWOTOKENS"
scenario backup-mx.example 0 warn post acme "$EXP_BACKUP"

# Phase auto is post: a TMEmS host is among the lowest-preference MX hosts.
scenario same-pref.example 1 fail post acme "$EXP_SAMEPREF"
# docs/checks.md names one lowest-preference host; with two at the same value the
# TMEmS host is one of them: pass by that reading, fail if read strictly.
expect_check_oneof mx.tmems "pass fail"

scenario nosuch-company.example 1 fail post nosuch "$EXP_NOSUCH"
scenario m365.example 0 warn pre null "$EXP_M365"

scenario nomx.example 1 fail pre null "$EXP_NOMX"
# With no MX at all, docs/checks.md does not say whether the MX-content checks
# still report (info/pass on an empty set) or are not applicable.
expect_check_oneof mx.tmems "info skip"
expect_check_oneof mx.ttl "pass skip"
expect_check_oneof mx.target "pass skip"
expect_check_oneof inbound.servers "info skip"
expect_check_oneof inbound.cloud "pass skip"

scenario mx-cname.example 1 fail pre null "$EXP_MXCNAME"
scenario hostile.example 1 fail pre null "$EXP_HOSTILE"

# An IDN given as its U-label: checked as its A-label, reported as both.
scenario 例え.example 0 pass post acme "$EXP_READY"
expect_json '.results[0].ascii' xn--r8jz45g.example
tm_case "IDN given as its A-label"
tm_json xn--r8jz45g.example
expect_exit 0
expect_json '.results[0].ascii' xn--r8jz45g.example

tm_case "gone.example: never registered (NXDOMAIN)"
tm_json gone.example
expect_exit 1
expect_check domain.name pass
expect_check domain.exists fail

# ---- --phase ------------------------------------------------------------

# Before the cutover the MX is still the own server: asking for post makes
# mx.tmems fail (docs/checks.md: post: fail).
# mx.bypass compares other hosts with the TMEmS host, and there is none:
# every host bypasses (warn/fail) or the comparison does not apply (skip).
scenario before.example 1 fail post null "mx.tmems=fail mx.ttl=info|skip
 inbound.servers=skip token.present=pass mx.present=pass mx.bypass=warn|fail|skip" --phase post
scenario before.example 0 warn pre null "$EXP_BEFORE" --phase pre
scenario before.example 0 warn pre null "$EXP_BEFORE" --phase auto

# After the cutover, asked as pre: the TMEmS host is the lowest MX (pass),
# the TTL rule of pre applies (300 s: pass), the table is shown; mx.bypass
# judges, as the MX names TMEmS whatever the phase is called (TMEmS alone:
# pass).
scenario ready.example 0 pass pre acme "mx.tmems=pass mx.bypass=pass mx.ttl=pass
 inbound.servers=info company.id=pass company.inbound_host=pass" --phase pre
scenario ready.example 0 pass post acme "$EXP_READY" --phase post

# ---- --company ------------------------------------------------------------

scenario ready.example 0 pass post acme "$EXP_READY" --company acme
# The MX points at acme: another expected ID fails company.id; the ID in use
# is the one given (docs/checks.md: known from --company), which does not exist.
# Whether acme's host still makes phase auto "post" is left open.
scenario ready.example 1 fail - nosuchco "company.id=fail company.inbound_host=fail
 company.relay_host=fail" --company nosuchco
scenario nosuch-company.example 1 fail post acme "company.id=fail" --company acme
# Before the cutover --company makes the company checks run.
scenario before.example 0 warn pre acme "company.id=pass company.inbound_host=pass
 company.relay_host=pass mx.tmems=info mx.ttl=warn" --company acme

# ---- --token --------------------------------------------------------------

scenario ready.example 0 pass post acme "token.match=pass" --token "$TOKEN_READY"
scenario ready.example 0 pass post acme "token.match=pass" --token "tmes=$TOKEN_READY"
scenario ready.example 1 fail post acme "token.present=pass token.format=pass token.match=fail" \
    --token 0000aaaa1111bbbb2222cccc3333dddd
scenario twotokens.example 0 warn pre null "token.present=warn token.match=pass" \
    --token 0GCVMFCWByIFOlHZFmxPQGmbVHJ1hQTh
scenario twotokens.example 1 fail pre null "token.present=warn token.match=fail" \
    --token "tmes=$TOKEN_READY"

# ---- several domains in one run: the exit status is the worst -------------

tm_case "two ready-ish domains"
tm_json ready.example before.example
expect_exit 0
expect_json '[.results[].domain] | join(" ")' "ready.example before.example"
expect_json '[.results[].verdict] | join(" ")' "pass warn"
expect_checks "$EXP_READY" 0
expect_checks "$EXP_BEFORE" 1

tm_case "a failing domain among ready ones"
tm_json ready.example notoken.example before.example
expect_exit 1
expect_json '[.results[].verdict] | join(" ")' "pass fail warn"
expect_check token.present fail 1

tm_case "an erring domain (SERVFAIL) beside a ready one"
tm_json ready.example servfail.example
expect_exit 3
expect_json '[.results[].verdict] | join(" ")' "pass error"
expect_check domain.exists error 1

tm_case "fail outranks error"
tm_json servfail.example notoken.example
expect_exit 1
expect_json '[.results[].verdict] | join(" ")' "error fail"

tm_case "-j 1 gives the same results in the same order"
tm_json -j 1 ready.example notoken.example before.example
expect_exit 1
expect_json '[.results[].verdict] | join(" ")' "pass fail warn"

tm_case "domains from a file (-f), comments and blank lines ignored"
printf '# customer domains\nready.example\n\nbackup-mx.example\n' >"$TM_TMP/domains.txt"
tm_json -f "$TM_TMP/domains.txt"
expect_exit 0
expect_json '[.results[].domain] | join(" ")' "ready.example backup-mx.example"

tm_case "jsonl: one result object a line"
tm_run --format jsonl --only "$TM_INBOUND_ONLY" ready.example notoken.example
expect_exit 1
tm_assert "jsonl has 2 lines" test "$(grep -c . "$TM_OUT")" -eq 2
tm_assert "each jsonl line is a result object" \
    test "$(jq -r '.domain' "$TM_OUT" 2>/dev/null | tr '\n' ' ')" = "ready.example notoken.example "

# ---- offline: the same zone file, no network ------------------------------

# The statuses of one run as "id=status" lines in report order.
status_map() { jq -r '.results[0].checks[] | "\(.id)=\(.status)"' "$TM_OUT" 2>/dev/null; }

# offline_same DOMAIN "IDS THAT BECOME SKIP" ZONEFILE...
# Runs DOMAIN over DNS, then offline from the zone files; every status must be
# the same except the listed checks, which need names outside the zone files
# and the bundled rules, so offline they are skip (docs/checks.md "Offline").
offline_same() {
    local domain=$1 skipped=$2 dns_map want got id z
    shift 2
    tm_case "offline $domain (zones: $*)"
    tm_json "$domain"
    dns_map=$(status_map)
    want=$dns_map
    for id in $skipped; do
        want=$(printf '%s\n' "$want" | sed "s/^$id=.*/$id=skip/")
    done
    local zargs=()
    for z in "$@"; do zargs+=(--zone "$Z/$z"); done
    tm_json --offline "${zargs[@]}" "$domain"
    got=$(status_map)
    if [ -n "$dns_map" ] && [ "$got" = "$want" ]; then
        tm_pass
    else
        tm_fail "offline statuses differ from DNS: $(diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | grep '^[<>]' | tr '\n' ' ')"
    fi
}

offline_same ready.example "mx.target company.inbound_host company.relay_host" ready.example.zone
expect_check company.inbound_host skip
expect_exit 0
offline_same before.example "" before.example.zone
expect_exit 0
offline_same notoken.example "" notoken.example.zone
expect_exit 1
offline_same shorttoken.example "" shorttoken.example.zone
offline_same twotokens.example "" twotokens.example.zone
offline_same mx-cname.example "" mx-cname.example.zone
offline_same hostile.example "" hostile.example.zone
offline_same m365.example "mx.target" m365.example.zone
offline_same backup-mx.example "mx.target company.inbound_host company.relay_host" backup-mx.example.zone
# With the vendor's zone beside the customer's, nothing is unknown offline:
# every status equals the DNS run, the NXDOMAIN company included.
offline_same ready.example "" ready.example.zone tmems-jp.trendmicro.com.zone
offline_same nosuch-company.example "" nosuch-company.example.zone tmems-jp.trendmicro.com.zone
expect_check company.inbound_host fail
expect_exit 1
offline_same m365.example "" m365.example.zone protection.outlook.com.zone
offline_same gone.example "" example.zone
expect_check domain.exists fail

# ---- the README's demo command ---------------------------------------------

# examples/acme-corp.example.zone is a company before its cutover whose real
# problems are warnings only; every name of its SPF tree is in the file or in
# the bundled vendor records, so the README's first command judges it all
# offline and exits 0 (ready, with warnings).
tm_case "README demo (all checks, offline)"
tm_run --offline --format json --zone "$TM_SOURCE_DIR/examples/acme-corp.example.zone" \
    acme-corp.example
expect_exit 0
expect_json '.results[0].outcome' ready
expect_json '.results[0].verdict' warn
expect_json '.results[0].phase' pre
expect_json '.results[0].not_judged | join(",")' ""
expect_checks "domain.exists=pass token.present=pass token.format=pass mx.tmems=info
 mx.ttl=warn mx.target=pass inbound.servers=info company.inbound_host=skip spf.include=warn
 spf.lookups=pass spf.tmems_ranges=pass"
expect_json '[.results[0].checks[] | select(.status == "fail" or .status == "error")] | length' 0

tm_case "README demo, text"
tm_run --offline --zone "$TM_SOURCE_DIR/examples/acme-corp.example.zone" acme-corp.example
expect_exit 0
expect_stdout_has "the report names the MX TTL check" 'mx\.ttl'

# ---- the text report ------------------------------------------------------

tm_case "text report of a ready domain"
tm_run --only "$TM_INBOUND_ONLY" ready.example
expect_exit 0
expect_stderr_empty
tm_assert "text report is not empty" test -s "$TM_OUT"
expect_stdout_lacks "no ANSI escape when stdout is not a terminal" '\x1b'
for id in $ORDER; do
    tm_assert "text report names $id" grep -qF "$id" "$TM_OUT"
done
last_line=$(grep . "$TM_OUT" | tail -n 1)

tm_case "-q prints only the verdict line"
tm_run -q --only "$TM_INBOUND_ONLY" ready.example
expect_exit 0
tm_assert "-q prints exactly one line" test "$(grep -c . "$TM_OUT")" -eq 1
# "A last line gives the verdict. -q prints only that line."  The -q line
# leads with the domain and leaves out the counts; the tool's verdict and
# the console's view it states must be those the full report ends with.
q_line=$(grep . "$TM_OUT")
q_verdict=${q_line#ready.example: }
q_tool=${q_verdict%% | *}
q_console=${q_verdict#* | }
tm_assert "-q line names the domain" grep -qF ready.example "$TM_OUT"
tm_assert "-q verdict '$q_tool' ends the full report ('$last_line')" \
    test -n "$q_tool" -a -z "${last_line##"Verdict: $q_tool — "*}"
tm_assert "-q console view '$q_console' ends the full report ('$last_line')" \
    test -n "$q_console" -a -z "${last_line##*" | $q_console"}"

tm_case "text report of a failing domain"
tm_run --only "$TM_INBOUND_ONLY" notoken.example
expect_exit 1
tm_assert "names the failing check" grep -qF token.present "$TM_OUT"

tm_case "--color always forces colour"
tm_run --color always --only "$TM_INBOUND_ONLY" ready.example
expect_exit 0
expect_stdout_has "ANSI escapes present" '\x1b\['

tm_case "--color never on hostile data: control bytes escaped"
tm_run --color never -v --only "$TM_INBOUND_ONLY" hostile.example
expect_exit 1
expect_stdout_lacks "no raw ESC from DNS data" '\x1b'
expect_stdout_lacks "no raw BEL from DNS data" '\x07'

# On a terminal (a pty from script(1)) --color auto colours, unless NO_COLOR.
pty_run() {
    local cmd
    cmd=$(printf '%q ' "$TM_BIN" --server "127.0.0.1:$TM_BIND_PORT" --color auto \
        --only "$TM_INBOUND_ONLY" ready.example)
    TM_CMD="script -qec '$cmd' /dev/null"
    timeout -k 5 "$TM_RUN_LIMIT_S" env TERM=xterm-256color "$@" \
        script -qec "$cmd" /dev/null >"$TM_OUT" 2>"$TM_ERR" </dev/null
    TM_RC=$?
}
if command -v script >/dev/null; then
    tm_case "--color auto on a terminal"
    pty_run
    expect_exit 0
    expect_stdout_has "ANSI escapes on a terminal" '\x1b\['
    tm_case "--color auto on a terminal with NO_COLOR"
    pty_run NO_COLOR=1
    expect_exit 0
    expect_stdout_lacks "NO_COLOR honoured" '\x1b'
    expect_stdout_has "report still printed" 'mx\.tmems'
fi

tm_case "JSON stays valid on hostile data"
tm_json hostile.example
expect_valid_json
expect_stdout_lacks "JSON output has no raw control bytes" '[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]'

tm_finish
