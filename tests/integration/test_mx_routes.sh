#!/usr/bin/env bash
# test_mx_routes.sh - MX records that cannot work or do not belong together,
# a domain that does not exist, and offline runs no zone file covers, against
# a real BIND 9 on 127.0.0.1 serving tests/zones/ (docs/checks.md, inbound):
#   - an MX target without its trailing dot (nodot.example);
#   - no usable target at the lowest preference (mx-dead, mx-noaddr), or
#     only a backup that is broken (mx-badbackup);
#   - TMEmS hosts of two company IDs (two-companies), TMEmS behind the own
#     server (tmems-late), another region's site (other-site);
#   - NXDOMAIN for the apex (gone.example);
#   - a null MX, alone and beside another MX (nullmx, nullmx-mixed);
#   - --offline for a domain no --zone holds: exit 2, or a failing result in
#     its place for a line of -f.
# Every Fix with pasteable lines is applied to a copy of the zone (its
# fix_records replace the RRsets they name) and the domain checked again
# offline: the finding passes and no other check gets worse.
#
# Run by ctest as: bash test_mx_routes.sh /path/to/tmems-check

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tm_init "$@"
tm_bind_start

Z="$TM_ZONES"
# The vendor's stand-in zones: offline, they answer for the TMEmS hosts.
VENDOR=(--zone "$Z/tmems-jp.trendmicro.com.zone" --zone "$Z/tmes.trendmicro.com.zone")

# scenario DOMAIN EXIT VERDICT PHASE EXPECTATIONS [OPTIONS...] : JSON over DNS
# ("-" leaves VERDICT or PHASE unchecked).
scenario() {
    local domain=$1 rc=$2 verdict=$3 phase=$4 exp=$5
    shift 5
    tm_case "$domain $*"
    tm_json "$@" "$domain"
    expect_exit "$rc"
    expect_valid_json
    [ "$verdict" = - ] || expect_json '.results[0].verdict' "$verdict"
    [ "$phase" = - ] || expect_json '.results[0].phase' "$phase"
    expect_checks "$exp"
}

# field ID FIELD : one field of one check of result 0 (arrays joined by "|").
field() {
    jq -r --arg id "$1" --arg f "$2" \
        '.results[0].checks[] | select(.id == $id) | .[$f] | if type == "array" then join("|") else (. // "") end' \
        "$TM_OUT" 2>/dev/null
}

expect_field_has() { # ID FIELD TEXT
    local got
    got=$(field "$1" "$2")
    case "$got" in
        *"$3"*) tm_pass ;;
        *) tm_fail "$1 $2 lacks '$3': '$got'" ;;
    esac
}

expect_field_lacks() { # ID FIELD TEXT
    local got
    got=$(field "$1" "$2")
    case "$got" in
        *"$3"*) tm_fail "$1 $2 has '$3': '$got'" ;;
        *) tm_pass ;;
    esac
}

expect_field() { # ID FIELD VALUE
    local got
    got=$(field "$1" "$2")
    if [ "$got" = "$3" ]; then tm_pass; else tm_fail "$1 $2 is '$got', expected '$3'"; fi
}

# apply_fix DOMAIN ZONE FIXFILE OUT : the zone in full form with the RRsets
# the Fix lines name replaced by them (docs/json.md, fix_records: same owner
# and type; for TXT the same kind, SPF or token).
apply_fix() {
    named-compilezone -q -s full -i none -k ignore -o - "$1" "$2" | "$TM_PYTHON" -c '
import sys
fix = [l.strip() for l in open(sys.argv[1]) if l.strip()]
def kind(rdata):
    r = rdata.lstrip("\"").lower()
    return "spf" if r.startswith("v=spf1") else "token" if r.startswith("tmes=") else "other"
def key(parts):
    owner, rtype = parts[0].lower().rstrip("."), parts[3].upper()
    return (owner, rtype, kind(" ".join(parts[4:])) if rtype == "TXT" else "")
replaced = {key(l.split()) for l in fix}
for line in sys.stdin:
    parts = line.split()
    if len(parts) >= 5 and key(parts) in replaced:
        continue
    sys.stdout.write(line)
for l in fix:
    print(l)
' "$3" >"$4"
}

# closure DOMAIN ZONE CHECK [OPTIONS...] : CHECK's Fix from an offline run of
# the zone (and the vendor's zones), pasted into a copy, checked again.
closure() {
    local domain=$1 zone=$2 id=$3 before after worse
    shift 3
    tm_case "fix closure: $id of $domain $*"
    before="$TM_TMP/closure.before.json"
    after="$TM_TMP/closure.after.json"
    tm_run_raw --offline --format json --zone "$zone" "${VENDOR[@]}" "$@" "$domain"
    cp "$TM_OUT" "$before"
    jq -r --arg id "$id" '.results[0].checks[] | select(.id == $id) | .fix_records // [] | .[]' \
        "$before" >"$TM_TMP/fix.txt"
    if [ ! -s "$TM_TMP/fix.txt" ]; then
        tm_fail "$id has no fix_records"
        return
    fi
    tm_pass
    apply_fix "$domain" "$zone" "$TM_TMP/fix.txt" "$TM_TMP/fixed.zone"
    tm_run_raw --offline --format json --zone "$TM_TMP/fixed.zone" "${VENDOR[@]}" "$@" "$domain"
    cp "$TM_OUT" "$after"
    expect_check "$id" pass
    # pass, info and skip rank alike; then warn, error, fail
    worse=$(jq -rn --slurpfile b "$before" --slurpfile a "$after" '
        def rank: {"pass":0,"info":0,"skip":0,"warn":1,"error":2,"fail":3}[.];
        ($b[0].results[0].checks | map({(.id): .status}) | add) as $old
        | $a[0].results[0].checks[]
        | select($old[.id] != null and ((.status | rank) > ($old[.id] | rank)))
        | "\(.id): \($old[.id]) -> \(.status)"')
    if [ -z "$worse" ]; then tm_pass; else tm_fail "checks got worse: $worse"; fi
}

# ---- 2: an MX target without its trailing dot --------------------------------

BOGUS="acme.in.tmems-jp.trendmicro.com.nodot.example"
NODOT_EXP="mx.present=pass mx.tmems=fail mx.target=fail mx.bypass=skip company.id=skip
 company.inbound_host=skip company.relay_host=skip inbound.servers=skip"
scenario nodot.example 1 fail post "$NODOT_EXP"
expect_json '.results[0].company' null
expect_field mx.target fix_records "nodot.example. 300 IN MX 10 acme.in.tmems-jp.trendmicro.com."
expect_field_has mx.target detail "$BOGUS is acme.in.tmems-jp.trendmicro.com with the zone's name appended"
expect_field mx.tmems fix_records "nodot.example. 300 IN MX 10 acme.in.tmems-jp.trendmicro.com."
expect_field_has company.id summary "trailing dot"
# The bogus host is never a receiving server to enter in the console.
tm_case "nodot.example --phase pre: no console row for the bogus host"
tm_json --phase pre nodot.example
expect_check mx.tmems fail
expect_check inbound.servers info
expect_field_lacks inbound.servers fix "$BOGUS"
expect_stdout_lacks "no row names the bogus host" "\\| $BOGUS \\|"
# Offline from the zone file, the same verdicts.
tm_case "nodot.example offline"
tm_run_raw --offline --format json --only "$TM_INBOUND_ONLY" --zone "$Z/nodot.example.zone" \
    nodot.example
expect_exit 1
expect_checks "$NODOT_EXP"
tm_case "nodot.example offline, text"
tm_run_raw --offline --zone "$Z/nodot.example.zone" nodot.example
expect_exit 1
expect_stdout_has "heading: after the cutover" '^nodot\.example: after the MX cutover'
expect_stdout_lacks "heading never says before" 'before the MX cutover'
closure nodot.example "$Z/nodot.example.zone" mx.target
expect_check mx.tmems pass
expect_check company.id pass
closure nodot.example "$Z/nodot.example.zone" mx.tmems

# The host misspelt as well, and a wildcard that gives the resulting name
# an address: the cutover made wrong, never "before the cutover".
TYPO_EXP="mx.present=pass mx.tmems=fail mx.bypass=skip company.id=skip"
scenario nodot-typo.example 1 fail post "$TYPO_EXP"
expect_field_has mx.tmems summary "probably acme.in.tmems-jp.trendmicro.com was meant"
expect_field_lacks inbound.servers fix "trendmicro.co.nodot-typo.example"
tm_case "nodot-typo.example offline, text"
tm_run_raw --offline --zone "$Z/nodot-typo.example.zone" "${VENDOR[@]}" nodot-typo.example
expect_exit 1
expect_stdout_has "heading: after the cutover" '^nodot-typo\.example: after the MX cutover'
expect_stdout_lacks "heading never says before" 'before the MX cutover'
# Under a $ORIGIN below the domain, the same host without its dot.
tm_case "a TMEmS host without its dot under another \$ORIGIN"
{ sed '/^@   300 IN MX/d' "$Z/nodot-typo.example.zone"
  printf '$ORIGIN mail.nodot-typo.example.\nnodot-typo.example. 300 IN MX 10 acme.in.tmems-jp.trendmicro.com\n'
} >"$TM_TMP/origin.zone"
tm_run_raw --offline --format json --zone "$TM_TMP/origin.zone" "${VENDOR[@]}" nodot-typo.example
expect_exit 1
expect_json '.results[0].phase' post
expect_check mx.tmems fail
expect_check mx.target fail
# (A near miss: the company ID is a guess, so the Fix says to copy the
# host from the console and shows the line, rather than a pasteable record.)
tm_run_raw --offline --format json --zone "$Z/nodot-typo.example.zone" "${VENDOR[@]}" nodot-typo.example
expect_field_has mx.tmems fix "nodot-typo.example. 300 IN MX 10 acme.in.tmems-jp.trendmicro.com."

# ---- 3: the most preferred route cannot work -------------------------------------

scenario mx-dead.example 1 fail pre "mx.target=fail mx.present=pass mx.tmems=info"
expect_field_has mx.target summary "lowest preference (10)"
expect_field_has mx.target detail "mx1.mx-dead.example has no address record (NXDOMAIN)"
scenario mx-noaddr.example 1 fail pre "mx.target=fail"
expect_field_has mx.target summary "No MX target can take mail"
expect_field_has mx.target detail "203.0.113.72 is an IP address"
expect_field_has mx.target detail "mail.mx-noaddr.example has no address record (NODATA)"
# A broken backup behind a working host stays a warning.
scenario mx-badbackup.example 0 warn pre "mx.target=warn"
expect_field_has mx.target detail "backup.mx-badbackup.example"
# The company ID the Japan site does not have: the only target is NXDOMAIN.
scenario nosuch-company.example 1 fail post "mx.target=fail company.inbound_host=fail"
# Offline, what the zone holds is known: the dead host fails.
tm_case "mx-dead.example offline"
tm_run_raw --offline --format json --only "$TM_INBOUND_ONLY" --zone "$Z/mx-dead.example.zone" \
    mx-dead.example
expect_exit 1
expect_check mx.target fail
# Offline, a target in no zone file is unknown: skip, never fail.
tm_case "offline: the most preferred target in no zone file"
tm_run_raw --offline --format json --only "$TM_INBOUND_ONLY" --zone "$Z/ready.example.zone" \
    ready.example
expect_check mx.target skip

# ---- 4: TMEmS hosts that do not belong together ----------------------------------

# (a) two company IDs: part of the mail goes to another account, any phase.
scenario two-companies.example 1 fail post "mx.bypass=fail"
expect_field_has mx.bypass summary "2 accounts"
expect_field_has mx.bypass summary "acme-corp.in.tmems-jp.trendmicro.com (10)"
expect_field mx.bypass fix_records ""
expect_field_has mx.bypass fix "<company-id>"
scenario two-companies.example 1 fail pre "mx.bypass=fail" --phase pre
scenario two-companies.example 1 fail post "mx.bypass=fail" --company acme
expect_field mx.bypass fix_records "two-companies.example. 300 IN MX 10 acme.in.tmems-jp.trendmicro.com."
closure two-companies.example "$Z/two-companies.example.zone" mx.bypass --company acme

# (b) TMEmS behind the own server: not ready, and not "before the cutover".
scenario tmems-late.example 1 fail post "mx.tmems=fail company.id=pass"
expect_field_has mx.tmems summary "mail.tmems-late.example (preference 10) gets the mail first"
# the same MX set as mx.bypass gives: one report, one replacement per RRset
expect_field mx.tmems fix_records "tmems-late.example. 300 IN MX 10 acme.in.tmems-jp.trendmicro.com."
expect_field mx.bypass fix_records "tmems-late.example. 300 IN MX 10 acme.in.tmems-jp.trendmicro.com."
scenario tmems-late.example 1 fail pre "mx.tmems=fail" --phase pre
tm_case "tmems-late.example, text heading"
tm_run --only "$TM_INBOUND_ONLY" tmems-late.example
expect_exit 1
expect_stdout_has "heading: after the cutover" '^tmems-late\.example: after the MX cutover'
closure tmems-late.example "$Z/tmems-late.example.zone" mx.tmems
# TMEmS alone: mx.bypass passes too
expect_check mx.bypass pass

# (c) another region's site: named, with the --region that selects it.
scenario other-site.example 1 fail post "mx.tmems=fail company.id=skip inbound.servers=skip"
expect_field_has mx.tmems summary "North America, Latin America and Asia Pacific site"
expect_field_has mx.tmems detail "--region us"
expect_field_has mx.tmems fix "--region us"
expect_field mx.tmems fix_records ""
# Checked against that site, the same MX is right.
scenario other-site.example 0 - post "mx.tmems=pass company.id=pass company.inbound_host=pass" \
    --region us
expect_json '.region' us
# With --rules, the bundled sites are still known as the other sites.
scenario other-site.example 1 fail post "mx.tmems=fail" --rules "$TM_SOURCE_DIR/data/rules/jp.json"
expect_field_has mx.tmems detail "--region us"
scenario other-site.example 1 fail post "mx.tmems=fail" --company acme
closure other-site.example "$Z/other-site.example.zone" mx.tmems --company acme

# ---- 9: a domain that does not exist ----------------------------------------------

tm_case "gone.example: one finding, the rest skip"
tm_run --format json gone.example
expect_exit 1
expect_check domain.exists fail
expect_check domain.name pass
expect_json '[.results[0].checks[] | select(.status != "skip" and .id != "domain.name") | .id] | join(" ")' \
    domain.exists
expect_json '[.results[0].checks[] | select(.status == "skip") | select(.summary | contains("does not exist") | not)] | length' 0
expect_json '[.results[0].checks[] | select(.fix != null) | .id] | join(" ")' domain.exists
expect_json '.results[0].phase' auto
tm_case "gone.example, text: the heading claims no phase from the MX"
tm_run gone.example
expect_exit 1
expect_stdout_lacks "no phase from the MX records" 'from the MX records'
expect_stdout_lacks "no advice to publish at a name that does not exist" 'IN TXT|IN MX'
tm_case "gone.example offline (the parent's zone)"
tm_run_raw --offline --format json --zone "$Z/example.zone" gone.example
expect_exit 1
expect_json '[.results[0].checks[] | select(.status != "skip" and .id != "domain.name") | .id] | join(" ")' \
    domain.exists

# ---- 10b: a null MX --------------------------------------------------------------

scenario nullmx.example 1 fail pre "mx.present=fail mx.target=fail inbound.servers=info"
expect_field_has mx.present summary "null MX"
expect_field_lacks mx.present detail "fall back"
expect_field_has mx.present detail "RFC 7505"
expect_field_lacks inbound.servers fix "|  |"
scenario nullmx-mixed.example 1 fail pre "mx.present=fail mx.target=fail inbound.servers=info"
expect_field_has mx.present summary "null MX (\".\") is published beside 1 other MX record"
expect_field_has mx.present detail "RFC 7505 section 3"
expect_field mx.present fix_records "nullmx-mixed.example. 300 IN MX 10 mail.nullmx-mixed.example."
expect_field_lacks inbound.servers fix "|  |"
expect_field_has inbound.servers fix "| mail.nullmx-mixed.example | 25 | 10"
expect_field mx.target fix_records "nullmx-mixed.example. 300 IN MX 10 mail.nullmx-mixed.example."
closure nullmx-mixed.example "$Z/nullmx-mixed.example.zone" mx.present
expect_check mx.target pass
closure nullmx-mixed.example "$Z/nullmx-mixed.example.zone" mx.target
expect_check mx.present pass

# ---- 1: offline, a domain no zone file holds ---------------------------------------

tm_case "--offline, the domain outside the zone given"
tm_run_raw --offline --zone "$Z/ready.example.zone" other.example
expect_usage_error
tm_assert "names the domain and the zone's origin" \
    grep -q "no zone file holds other.example (the --zone file is for ready.example)" "$TM_ERR"
tm_case "--offline, two zones, neither holds the domain"
tm_run_raw --offline --format json --zone "$Z/ready.example.zone" --zone "$Z/example.zone" other.test
expect_usage_error
tm_assert "lists both origins" grep -q "the --zone files are for ready.example, example" "$TM_ERR"
tm_case "--offline without --zone"
tm_run_raw --offline other.example
expect_usage_error
tm_assert "says no zone was given" grep -q -- "--offline without --zone: no zone file holds other.example" "$TM_ERR"
tm_case "--offline, one argument of two outside the zones"
tm_run_raw --offline --zone "$Z/ready.example.zone" ready.example other.example
expect_usage_error
tm_case "--offline, an IDN outside the zones is named as its A-label"
tm_run_raw --offline --zone "$Z/ready.example.zone" 例え.test
expect_usage_error
tm_assert "names xn--r8jz45g.test" grep -q "no zone file holds xn--r8jz45g.test" "$TM_ERR"
# A zone above the domain holds it: the zone's NXDOMAIN is an answer.
tm_case "--offline, the parent's zone holds the domain"
tm_run_raw --offline --zone "$Z/example.zone" --only domain.exists other.example
expect_exit 1
expect_stderr_empty

tm_case "--offline -f: the uncovered line is reported in its place"
printf 'ready.example\nother.example\n' >"$TM_TMP/list.txt"
tm_run_raw --offline --format json --zone "$Z/ready.example.zone" -f "$TM_TMP/list.txt"
expect_exit 1
expect_valid_json
expect_json '[.results[].domain] | join(" ")' "ready.example other.example"
expect_json '.results[1].verdict' fail
expect_json '[.results[1].checks[] | "\(.id)=\(.status)"] | join(" ")' "domain.exists=fail"
expect_json '.results[1].checks[0].summary' \
    "No zone file holds other.example: offline, nothing about it can be checked"
expect_json '.results[0].checks | length > 1' true
tm_assert "stderr names the file, the line and the origin" \
    grep -q "list.txt:2: --offline: no zone file holds other.example (the --zone file is for ready.example)" "$TM_ERR"
expect_stderr_one_line
tm_case "--offline -f, text: the heading claims no phase from the MX"
tm_run_raw --offline --zone "$Z/ready.example.zone" -f "$TM_TMP/list.txt"
expect_exit 1
tm_assert "the second heading decides no phase" \
    grep -q '^other\.example: phase not decided' "$TM_OUT"
tm_case "--offline -f, JUnit"
tm_run_raw --offline --format junit --zone "$Z/ready.example.zone" -f "$TM_TMP/list.txt"
expect_exit 1
expect_stdout_has "the line is a failing test case" 'domain\.exists'

# The spf subcommand is not a domain check: the rules answer for the site.
tm_case "spf --offline for the site's SPF name still evaluates"
tm_run_raw spf --offline spf.tmems-jp.trendmicro.com --ip 18.176.203.130
tm_assert "not a usage error (exit $TM_RC)" test "$TM_RC" -ne 2

tm_finish
