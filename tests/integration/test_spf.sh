#!/usr/bin/env bash
# test_spf.sh - the outbound section (送信サーバ, docs/checks.md) and the spf
# subcommand (docs/tmems-check.1) of tmems-check against a real BIND 9 on 127.0.0.1
# serving tests/zones/, and the same zones read offline with --zone.
#
# Run by ctest as: bash test_spf.sh /path/to/tmems-check
#
# Every expectation below is derived by hand from RFC 7208, docs/checks.md
# ("Sending servers") and docs/tmems-check.1, not from the code.
# The lookup counts per scenario (the first TXT query of the checked domain
# does not count; include, a, mx, ptr, exists and redirect count 1 each,
# wherever they sit, RFC 7208 section 4.6.4):
#
#   ready          include:spf.tmems-jp                                   = 1
#   legacy         include:spf.tmes -> include:spfb -> include:spfc       = 3
#   oldranges      ip4 x4                                                 = 0
#   halfrange      ip4 x5                                                 = 0
#   13lookups      the count in the zone file's comment                   = 13
#   late           a: x10, include:spf.tmems-jp                           = 11
#   two            two records: permerror before any term (section 4.5)   = 0
#   plusall        include                                                = 1
#   void           include, a: x3 (all three NXDOMAIN: 3 void)            = 4
#   loop           include:spf.tmems-jp, include:_spf -> include:_spf2
#                  -> include:_spf (the loop: counted once, not expanded) = 4
#   split          include (the two strings joined, section 3.3)          = 1
#   refused        include:...elsewhere.test (REFUSED), include           = 2
#   mx11           include, mx (its 11 names are not lookups)             = 2
#   ptr            include, ptr                                           = 2
#   exists         include, exists:%{i}... (sender-dependent, counted 1)  = 2
#   none           no record: "spf" is null
#   badterm        ip4:192.0.2.300 does not parse: permerror for the record;
#                  the terms that parse: include                           = 1
#   typo           "inculde:" does not parse; the terms that parse: ip4    = 0
#   mxfirst        mx:big (11 MX names: permerror), include               = 2
#   fixable        legacy include (3), a: x8 (two NXDOMAIN: 2 void)       = 11
#
# Range verdicts are check_host() for the data-center addresses as the relay
# sends them (sender postmaster@domain): the record's "all" qualifier for an
# address nothing matches (~all: softfail), permerror past 10 lookups, the
# include's temperror when its target answers REFUSED (section 5.2).

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tm_init "$@"
tm_bind_start

Z="$TM_ZONES"
VENDOR_ZONES=(--zone "$Z/tmems-jp.trendmicro.com.zone" --zone "$Z/tmes.trendmicro.com.zone")
SITE=spf.tmems-jp.trendmicro.com
SITE_RECORD="v=spf1 include:$SITE ~all"

# The outbound SPF checks in catalogue order (docs/checks.md).
SPF_IDS="spf.present spf.single spf.syntax spf.include spf.lookups spf.void_lookups
 spf.mx_names spf.ptr spf.loop spf.include_target spf.all spf.tmems_ranges spf.hardcoded
 spf.size"

# The seven Japan ranges in rules order, and the date the last three came.
RANGE_CIDRS="18.176.203.128/26 18.176.203.192/26 18.177.156.0/26 18.177.156.64/26
 15.168.56.0/25 15.168.49.64/26 15.168.56.128/26"
RANGE_SINCE="null null null null 2024-08-21 2024-08-21 2024-08-21"
# The same lists on one line, single spaces, as jq's join gives them.
# shellcheck disable=SC2086,SC2116
{ SPF_IDS_LINE=$(echo $SPF_IDS); RANGE_CIDRS_LINE=$(echo $RANGE_CIDRS); }
ALL_PASS="pass pass pass pass pass pass pass"

# jq_ok ARGS... : jq -e, quiet (for tm_assert).
# shellcheck disable=SC2317
jq_ok() { jq -e "$@" >/dev/null 2>&1; }

# spf_exp DEFAULT "id=status ..." : an expectation for all 14 checks, each
# DEFAULT unless listed.
spf_exp() {
    local def=$1 over=${2:-} out="" id s p
    for id in $SPF_IDS; do
        s=$def
        for p in $over; do
            [ "${p%%=*}" = "$id" ] && s=${p#*=}
        done
        out="$out $id=$s"
    done
    printf '%s\n' "$out"
}

# ---- the expectations per scenario --------------------------------------

EXP_READY=$(spf_exp pass)
# Only the legacy chain: docs/checks.md spf.include, "only the legacy": warn.
EXP_LEGACY=$(spf_exp pass "spf.include=warn")
# No include, four pre-2024 ranges typed in: the 2024 ranges softfail.
EXP_OLDRANGES=$(spf_exp pass "spf.include=fail spf.tmems_ranges=fail spf.hardcoded=warn")
EXP_HALFRANGE=$EXP_OLDRANGES
EXP_13LOOKUPS=$(spf_exp pass "spf.lookups=fail")
# The include is the 11th DNS term: counted (so spf.include passes: the
# tree includes it), but check_host never gets there.
EXP_LATE=$(spf_exp pass "spf.lookups=fail spf.tmems_ranges=fail")
# Two records: single fails, nothing else can be judged (not applicable).
EXP_TWO=$(spf_exp skip "spf.present=pass spf.single=fail")
EXP_PLUSALL=$(spf_exp pass "spf.all=fail")
EXP_VOID=$(spf_exp pass "spf.void_lookups=fail")
EXP_LOOP=$(spf_exp pass "spf.loop=fail")
EXP_SPLIT=$(spf_exp pass)
# REFUSED is temperror, never void and never "no record": the target check
# and the ranges have no verdict (error), nothing fails, exit 3.
# A REFUSED subtree may hold any number of lookups: the count is a lower
# bound, so spf.lookups has no verdict either.
EXP_REFUSED=$(spf_exp pass "spf.include_target=error spf.lookups=error spf.tmems_ranges=error")
EXP_MX11=$(spf_exp pass "spf.mx_names=fail")
EXP_PTR=$(spf_exp pass "spf.ptr=warn")
EXP_EXISTS=$(spf_exp pass)
EXP_NONE=$(spf_exp skip "spf.present=fail")
# One bad term: spf.syntax fails, once; the checks judge the terms that parse
# (the include is there, the record ends in ~all, 1 lookup), and the ranges,
# which get permerror from the record as published, skip with that reason.
EXP_BADTERM=$(spf_exp pass "spf.syntax=fail spf.tmems_ranges=skip")
# The include itself is the bad term ("inculde:"): whether the record
# includes it and what it costs depend on the correction, so both skip.
EXP_TYPO=$(spf_exp pass "spf.syntax=fail spf.include=skip spf.lookups=skip spf.tmems_ranges=skip")
# The mx term is evaluated before the include: permerror for every address.
EXP_MXFIRST=$(spf_exp pass "spf.mx_names=fail spf.tmems_ranges=fail")
EXP_FIXABLE=$(spf_exp pass "spf.include=warn spf.lookups=fail")

# Saved JSON reports, by domain, for the fix and offline cases below.
JSON_DIR="$TM_TMP/json"
mkdir -p "$JSON_DIR"

# A one-line summary of the outbound statuses, for comparing two runs.
spf_summary() {
    jq -r '.results[0] | ([.checks[] | select(.id | startswith("spf.")) | "\(.id)=\(.status)"]
        | join(" ")) + " | " + (if .spf == null then "null" else
        "\(.spf.lookups) \(.spf.void_lookups) \(.spf.lower_bound)" end) + " | " +
        ([.ranges[]? | .result] | join(" "))' "$1" 2>/dev/null
}

# check_json_common DOMAIN EXIT VERDICT LOOKUPS VOID RANGES EXPECTATIONS
# Assertions on the JSON in $TM_OUT.  LOOKUPS "-" means "spf" is null.
check_json_common() {
    local domain=$1 rc=$2 verdict=$3 lookups=$4 void=$5 ranges=$6 exp=$7
    local -a spf
    expect_exit "$rc"
    expect_valid_json
    if [ "$lookups" = - ]; then
        spf=('.results[0].spf' null)
    else
        spf=('.results[0].spf.lookups' "$lookups"
             '.results[0].spf.void_lookups' "$void"
             '.results[0].spf.lower_bound' false
             '.results[0].spf.tree.lookups' "$lookups")
    fi
    # Every SPF check ran, once, in catalogue order, in the outbound
    # section; a range that is not "mixed" is one block with its own
    # verdict; every warning and failure says what to do about it.
    expect_jsons \
        '.results[0].domain' "$domain" \
        '.results[0].verdict' "$verdict" \
        '[.results[0].checks[] | select(.id | startswith("spf.")) | .id] | join(" ")' \
        "$SPF_IDS_LINE" \
        '[.results[0].checks[] | select(.id | startswith("spf.")) | .section] | unique | join(" ")' \
        outbound \
        "${spf[@]}" \
        '.results[0].ranges | length' 7 \
        '[.results[0].ranges[] | .cidr] | join(" ")' "$RANGE_CIDRS_LINE" \
        '[.results[0].ranges[] | .result] | join(" ")' "$ranges" \
        '[.results[0].ranges[] | select(.result != "mixed")
        | select((.parts | length) != 1 or .parts[0].result != .result or .parts[0].cidr != .cidr)] | length' 0 \
        '[.results[0].checks[] | select(.section == "outbound" and
        (.status == "fail" or .status == "warn") and ((.fix // "") | length) == 0) | .id] | join(" ")' ""
    expect_checks "$exp"
}

# scenario DOMAIN EXIT VERDICT LOOKUPS VOID RANGES EXPECTATIONS
# The full report over DNS.  The domain and inbound checks of every SPF zone
# pass (the zones differ only in SPF), so the exit status is the SPF one.
scenario() {
    local domain=$1
    tm_case "$domain over DNS"
    tm_run --format json "$domain"
    check_json_common "$@"
    expect_json '[.results[0].checks[] | select(.section != "outbound") |
        select(.status == "fail" or .status == "warn" or .status == "error") | .id] | join(" ")' ""
    cp "$TM_OUT" "$JSON_DIR/$domain.json"
}

# ---- the scenarios over DNS ----------------------------------------------

scenario ready.example 0 pass 1 0 "$ALL_PASS" "$EXP_READY"
expect_json '.results[0].spf.record' "$SITE_RECORD"
expect_json '.results[0].spf.tree.domain' ready.example
expect_json '[.results[0].spf.tree.terms[] | "\(.term):\(.lookups)"] | join(" ")' \
    "include:$SITE:1 ~all:0"
expect_json '.results[0].spf.tree.terms[0].child.domain' "$SITE"
expect_json '.results[0].spf.tree.terms[0].child.lookups' 0
expect_json '[.results[0].ranges[] | .since] | map(. // "null") | join(" ")' "$RANGE_SINCE"
# Each range gets its verdict at the include, lookup 1.
expect_json '[.results[0].ranges[] | .lookups] | unique | join(" ")' 1
expect_json '.results[0].company' acme

scenario spf-legacy.example 0 warn 3 0 "$ALL_PASS" "$EXP_LEGACY"
# Three lookups: spf.tmes (1) -> spfb (1) -> spfc (1); the 2024 ranges are
# authorised by spfc, at the third lookup.
expect_json '.results[0].spf.tree.terms[0].term' "include:spf.tmes.trendmicro.com"
expect_json '.results[0].spf.tree.terms[0].lookups' 3
expect_json '[.results[0].ranges[4,5,6] | .lookups] | unique | join(" ")' 3
tm_assert "spf.include names the lookups the switch saves" \
    jq_ok '.results[0].checks[] | select(.id == "spf.include") | .summary | test("saves 2 ")' "$TM_OUT"

scenario spf-oldranges.example 1 fail 0 0 "pass pass pass pass softfail softfail softfail" "$EXP_OLDRANGES"
# spf.tmems_ranges names exactly the three 2024-08-21 ranges and their result.
# ($c is a jq variable, not a shell one.)
# shellcheck disable=SC2016
for cidr in 15.168.56.0/25 15.168.49.64/26 15.168.56.128/26; do
    tm_assert "spf.tmems_ranges names $cidr" jq_ok --arg c "$cidr" \
        '.results[0].checks[] | select(.id == "spf.tmems_ranges") | .detail | contains($c + " ")' "$TM_OUT"
done
tm_assert "spf.tmems_ranges names the result softfail" jq_ok \
    '.results[0].checks[] | select(.id == "spf.tmems_ranges") | .detail | test("softfail")' "$TM_OUT"
# shellcheck disable=SC2016
for cidr in 18.176.203.128/26 18.176.203.192/26 18.177.156.0/26 18.177.156.64/26; do
    tm_assert "spf.tmems_ranges does not name the passing $cidr" jq_ok --arg c "$cidr" \
        '.results[0].checks[] | select(.id == "spf.tmems_ranges") | .detail | contains($c) | not' "$TM_OUT"
done
# spf.hardcoded lists the four ip4: terms.
expect_json '[.results[0].checks[] | select(.id == "spf.hardcoded") | .detail | scan("ip4:[0-9./]+")] | join(" ")' \
    "ip4:18.176.203.128/26 ip4:18.176.203.192/26 ip4:18.177.156.0/26 ip4:18.177.156.64/26"

# 15.168.56.0/25 was entered as /26: its lower half passes, the upper half
# meets nothing and gets the record's ~all.
scenario spf-halfrange.example 1 fail 0 0 "pass pass pass pass mixed pass pass" "$EXP_HALFRANGE"
expect_json '[.results[0].ranges[4].parts[] | "\(.cidr)=\(.result)"] | join(" ")' \
    "15.168.56.0/26=pass 15.168.56.64/26=softfail"
tm_assert "spf.tmems_ranges names the failing half, not the passing one" jq_ok \
    '.results[0].checks[] | select(.id == "spf.tmems_ranges") | .detail |
     (contains("15.168.56.64/26") and (contains("15.168.56.0/26") | not))' "$TM_OUT"

scenario spf-13lookups.example 1 fail 13 0 "$ALL_PASS" "$EXP_13LOOKUPS"
# The count per branch (docs/checks.md spf.lookups: the count per branch).
expect_json '[.results[0].spf.tree.terms[] | select(.lookups > 0) | "\(.lookups) \(.term)"] | join(", ")' \
    "1 include:$SITE, 1 include:spf.protection.outlook.com, 3 include:_spf.hr.spf-13lookups.example, 3 include:_spf.crm.spf-13lookups.example, 1 a, 1 mx, 1 a:gw1.spf-13lookups.example, 1 a:gw2.spf-13lookups.example, 1 include:_spf.news.spf-13lookups.example"
tm_assert "spf.lookups says 13" jq_ok \
    '.results[0].checks[] | select(.id == "spf.lookups") | .summary | test("\\b13\\b")' "$TM_OUT"
tm_assert "spf.lookups shows the count of the 3-lookup branches" jq_ok \
    '.results[0].checks[] | select(.id == "spf.lookups") | .detail |
     test("3 +include:_spf\\.hr\\.spf-13lookups\\.example") and test("3 +include:_spf\\.crm\\.")' "$TM_OUT"
# The ranges get their verdict at lookup 1, long before the limit.
expect_json '[.results[0].ranges[] | .lookups] | unique | join(" ")' 1

scenario spf-late.example 1 fail 11 0 \
    "permerror permerror permerror permerror permerror permerror permerror" "$EXP_LATE"
expect_json '[.results[0].ranges[] | .lookups] | unique | join(" ")' 11
tm_assert "spf.tmems_ranges says permerror after 11 lookups" jq_ok \
    '.results[0].checks[] | select(.id == "spf.tmems_ranges") | .detail | test("permerror \\(after 11 ")' "$TM_OUT"

# RFC 7208 section 4.5: two records are permerror for every address.
scenario spf-two.example 1 fail 0 0 \
    "permerror permerror permerror permerror permerror permerror permerror" "$EXP_TWO"
expect_json '.results[0].spf.records' 2
tm_assert "spf.single quotes both records" jq_ok \
    '.results[0].checks[] | select(.id == "spf.single") | .detail |
     contains("v=spf1 include:spf.tmems-jp.trendmicro.com ~all") and contains("v=spf1 ip4:203.0.113.90 -all")' "$TM_OUT"

scenario spf-plusall.example 1 fail 1 0 "$ALL_PASS" "$EXP_PLUSALL"

# The include comes first, so the ranges pass before the void terms.
scenario spf-void.example 1 fail 4 3 "$ALL_PASS" "$EXP_VOID"
expect_json '[.results[0].spf.tree.terms[] | select(.flags | index("void")) | .term] | join(" ")' \
    "a:old1.spf-void.example a:old2.spf-void.example a:old3.spf-void.example"

scenario spf-loop.example 1 fail 4 0 "$ALL_PASS" "$EXP_LOOP"
expect_json '[.results[0].spf.tree | .. | objects | select(has("flags")) | select(.flags | index("loop")) | .term] | join(" ")' \
    "include:_spf.spf-loop.example"
tm_assert "spf.loop names where the loop closes" jq_ok \
    '.results[0].checks[] | select(.id == "spf.loop") | .detail | contains("_spf2.spf-loop.example: include:_spf.spf-loop.example")' "$TM_OUT"

# RFC 7208 section 3.3: the strings are joined with nothing between them.
scenario spf-split.example 0 pass 1 0 "$ALL_PASS" "$EXP_SPLIT"
expect_json '.results[0].spf.record' "v=spf1 ip4:203.0.113.110 include:$SITE ~all"
expect_json '.results[0].spf.tree.terms[1].target' "$SITE"

scenario spf-refused.example 3 error 2 0 \
    "temperror temperror temperror temperror temperror temperror temperror" "$EXP_REFUSED"
expect_json '.results[0].spf.tree.terms[0].child.status' dns-error
tm_assert "spf.include_target names the REFUSED target" jq_ok \
    '.results[0].checks[] | select(.id == "spf.include_target") | .detail | test("spf\\.mailer\\.elsewhere\\.test: REFUSED")' "$TM_OUT"
# The temperror comes at the first include, lookup 1.
expect_json '[.results[0].ranges[] | .lookups] | unique | join(" ")' 1

scenario spf-mx11.example 1 fail 2 0 "$ALL_PASS" "$EXP_MX11"
expect_json '[.results[0].spf.tree.terms[] | select(.term == "mx") | "\(.lookups) \(.flags | join(","))"] | join(" ")' \
    "1 mx_overflow"
expect_check company.relay_host skip # before the cutover: company unknown

scenario spf-ptr.example 0 warn 2 0 "$ALL_PASS" "$EXP_PTR"
expect_json '[.results[0].spf.tree.terms[] | select(.term == "ptr") | .lookups] | join(" ")' 1

# A term whose name depends on the sender counts 1 and is marked; the ranges
# are still evaluated address by address (the include matches first).
scenario spf-exists.example 0 pass 2 0 "$ALL_PASS" "$EXP_EXISTS"
expect_json '[.results[0].spf.tree.terms[] | select(.term == "exists:%{i}._spf.spf-exists.example")
    | "\(.lookups) \(.flags | join(",")) \(.target)"] | join(" ")' "1 sender_dependent null"

scenario spf-none.example 1 fail - - "none none none none none none none" "$EXP_NONE"

PERMERROR7="permerror permerror permerror permerror permerror permerror permerror"
# The record does not parse: receivers get permerror for every address, and
# the tree holds the terms that parse (the bad one is no term of it).
scenario spf-badterm.example 1 fail 1 0 "$PERMERROR7" "$EXP_BADTERM"
expect_json '.results[0].spf.tree.status' syntax-error
expect_json '[.results[0].spf.tree.terms[] | .term] | join(" ")' "include:$SITE ~all"
tm_assert "spf.syntax names the term and its position" jq_ok \
    '.results[0].checks[] | select(.id == "spf.syntax") | .detail |
     contains("term 1, \"ip4:192.0.2.300\", byte 12: not a valid IPv4 address")' "$TM_OUT"
tm_assert "spf.tmems_ranges says why it skips" jq_ok \
    '.results[0].checks[] | select(.id == "spf.tmems_ranges") | .summary | test("does not parse \\(see spf.syntax\\)")' "$TM_OUT"
# Reported once: no other check fails or warns, and no Fix prints a record
# (one without the bad term would drop the customer's sender).
expect_json '[.results[0].checks[] | select(.section == "outbound" and
    (.status == "fail" or .status == "warn")) | .id] | join(" ")' spf.syntax
expect_json '[.results[0].checks[] | select(.fix_records) | .id] | join(" ")' ""
tm_assert "the spf.syntax Fix says what to correct" jq_ok \
    '.results[0].checks[] | select(.id == "spf.syntax") | .fix | test("Correct each term listed above")' "$TM_OUT"

scenario spf-typo.example 1 fail 0 0 "$PERMERROR7" "$EXP_TYPO"
tm_assert "spf.include skips for the misspelt include" jq_ok \
    '.results[0].checks[] | select(.id == "spf.include") | .summary |
     test("term that names spf\\.tmems-jp\\.trendmicro\\.com does not parse")' "$TM_OUT"
tm_assert "spf.syntax names the unknown mechanism" jq_ok \
    '.results[0].checks[] | select(.id == "spf.syntax") | .detail |
     contains("term 2, \"inculde:spf.tmems-jp.trendmicro.com\", byte 26: unknown mechanism")' "$TM_OUT"

# The mx term of 11 names ends every evaluation with permerror at lookup 1.
scenario spf-mxfirst.example 1 fail 2 0 "$PERMERROR7" "$EXP_MXFIRST"
expect_json '[.results[0].ranges[] | .lookups] | unique | join(" ")' 1

# 11 lookups: the legacy include (3) and two a: terms naming hosts that do
# not exist (2 void lookups: at the limit, not over it).
scenario spf-fixable.example 1 fail 11 2 "$ALL_PASS" "$EXP_FIXABLE"

# ---- fixes: a zone-file line to paste -------------------------------------

# fix_lines DOMAIN ID : the zone-file lines in the fix of check ID.
fix_lines() {
    jq -r --arg id "$2" '.results[0].checks[] | select(.id == $id) | .fix // "" | split("\n")[]' \
        "$JSON_DIR/$1.json" | grep -E '^[^ ]+\. [0-9]+ IN TXT ' || true
}

# fix_record DOMAIN ID : the record in that line, its strings joined.
fix_record() {
    fix_lines "$1" "$2" | head -n 1 | grep -oE '"[^"]*"' | tr -d '"\n'
}

# expect_fix_line DOMAIN ID : the fix of check ID holds exactly one
# "<domain>. 3600 IN TXT "v=spf1 ..."" line, in strings of at most 255 bytes.
expect_fix_line() {
    local domain=$1 id=$2 lines re
    tm_case "$domain: $id fix is a zone-file line"
    cp "$JSON_DIR/$domain.json" "$TM_OUT"
    lines=$(fix_lines "$domain" "$id")
    re="^${domain//./\\.}\\. 3600 IN TXT( \"[^\"]{1,255}\")+\$"
    if [ "$(printf '%s\n' "$lines" | grep -cE "$re")" -eq 1 ] &&
       [ "$(printf '%s\n' "$lines" | grep -c .)" -eq 1 ]; then
        tm_pass
    else
        tm_fail "fix of $id has no single zone-file line for $domain: '$lines'"
    fi
    case "$(fix_record "$domain" "$id")" in
        "v=spf1 "*) tm_pass ;;
        *) tm_fail "the fix line of $id does not publish a v=spf1 record" ;;
    esac
}

# publish_fix DOMAIN ID [EXTRA_ZONE...] : publishes the record from the fix of ID
# in place of the apex SPF record(s) of a copy of the zone, checks that BIND
# loads that zone, and runs the report on it offline (result in $TM_OUT).
publish_fix() {
    local domain=$1 id=$2 line copy z
    shift 2
    tm_case "$domain: the record from the $id fix, published"
    line=$(fix_lines "$domain" "$id" | head -n 1)
    if [ -z "$line" ]; then
        tm_fail "no record to publish in the fix of $id"
        return 1
    fi
    copy="$TM_TMP/pasted-$domain-$id.zone"
    grep -vE '^@[[:space:]]+IN[[:space:]]+TXT[[:space:]]+"v=spf1' "$Z/$domain.zone" >"$copy"
    printf '%s\n' "$line" >>"$copy"
    if named-checkzone -q "$domain" "$copy" >/dev/null 2>&1; then
        tm_pass
    else
        tm_fail "named-checkzone rejects the pasted line: $line"
    fi
    local extra=()
    for z in "$@"; do extra+=(--zone "$Z/$z.zone"); done
    tm_run_raw --offline --zone "$copy" "${VENDOR_ZONES[@]}" "${extra[@]}" --format json "$domain"
    expect_json '.results[0].spf.record' "$(fix_record "$domain" "$id")"
    expect_json '.results[0].spf.records' 1
}

# spf.present: which servers send besides TMEmS is the customer's to say, so
# the line has a placeholder and no pasteable record (a record of TMEmS
# alone would turn their own mail from none into softfail); with the
# placeholder filled in, the record passes (docs/checks.md spf.present).
tm_case "spf-none.example: spf.present gives a line to fill in, no fix_records"
cp "$JSON_DIR/spf-none.example.json" "$TM_OUT"
expect_json '.results[0].checks[] | select(.id == "spf.present") | .fix_records | length' 0
tm_assert "spf.present line holds the placeholder" \
    test "$(fix_lines spf-none.example spf.present)" = "spf-none.example. 3600 IN TXT \"v=spf1 ip4:<your-mail-server> include:spf.tmems-jp.trendmicro.com ~all\""
tm_case "spf-none.example: the spf.present line, filled in and published"
filled="$TM_TMP/filled-spf-none.example.zone"
cp "$Z/spf-none.example.zone" "$filled"
fix_lines spf-none.example spf.present | sed 's/<your-mail-server>/198.51.100.25/' >>"$filled"
if named-checkzone -q spf-none.example "$filled" >/dev/null 2>&1; then tm_pass; else tm_fail "named-checkzone rejects the filled-in line"; fi
tm_run_raw --offline --zone "$filled" "${VENDOR_ZONES[@]}" --format json spf-none.example
expect_check spf.present pass
expect_check spf.include pass
expect_check spf.tmems_ranges pass

# Legacy include: replaced by the site include, 3 lookups become 1.
expect_fix_line spf-legacy.example spf.include
tm_assert "the legacy fix replaces spf.tmes by spf.tmems-jp" \
    test "$(fix_record spf-legacy.example spf.include)" = "$SITE_RECORD"
if publish_fix spf-legacy.example spf.include; then
    expect_exit 0
    expect_json '.results[0].verdict' pass
    expect_checks "$(spf_exp pass)"
    expect_json '.results[0].spf.lookups' 1
    expect_json '[.results[0].ranges[] | .result] | join(" ")' "$ALL_PASS"
fi

# 13 lookups with the include already first, 11 with it behind ten a:
# terms: the old Fix repeated the record, or moved the include first and
# pushed a:gw10 past the limit.  The remedy flattens the customer's own
# terms and proves the record authorises the same addresses
# (test_spf_remedy.sh checks it in depth); the detail lists what each term
# costs.
for domain in spf-13lookups.example spf-late.example; do
    tm_case "$domain: the spf.lookups Fix is the proven remedy"
    cp "$JSON_DIR/$domain.json" "$TM_OUT"
    expect_json '.results[0].checks[] | select(.id == "spf.lookups") | .fix_records // [] | length' 1
    tm_assert "the Fix gives the proof's summary" jq_ok \
        '.results[0].checks[] | select(.id == "spf.lookups") | .fix | test("Proof: check_host\\(\\) gives pass to exactly")' "$TM_OUT"
    tm_assert "the detail marks the TMEmS include as needed" jq_ok \
        '.results[0].checks[] | select(.id == "spf.lookups") | .detail |
         test("1 +include:spf\\.tmems-jp\\.trendmicro\\.com +\\(needed for TMEmS")' "$TM_OUT"
done
tm_assert "13 lookups: the own includes flattened, 7 lookups" jq_ok \
    '.results[0].checks[] | select(.id == "spf.lookups") | .fix |
     test("it needs 7 DNS lookups \\(13 today\\)")' "$JSON_DIR/spf-13lookups.example.json"
tm_assert "11 lookups: the own a: terms flattened, 8 lookups" jq_ok \
    '.results[0].checks[] | select(.id == "spf.lookups") | .fix |
     test("it needs 8 DNS lookups \\(11 today\\)")' "$JSON_DIR/spf-late.example.json"
# Moving the include first would not fix the ranges without losing a:gw10.
tm_case "spf-late.example: no record in the spf.tmems_ranges Fix"
cp "$JSON_DIR/spf-late.example.json" "$TM_OUT"
expect_json '.results[0].checks[] | select(.id == "spf.tmems_ranges") | .fix_records // [] | length' 0
tm_assert "it says why" jq_ok \
    '.results[0].checks[] | select(.id == "spf.tmems_ranges") | .fix |
     test("would need 11 DNS lookups, over the limit")' "$TM_OUT"

# The mx term before the include: the ranges Fix puts the include first.
expect_fix_line spf-mxfirst.example spf.tmems_ranges
tm_assert "the mx-first fix puts the include before the mx term" \
    test "$(fix_record spf-mxfirst.example spf.tmems_ranges)" = \
    "v=spf1 include:$SITE mx:big.spf-mxfirst.example -all"
if publish_fix spf-mxfirst.example spf.tmems_ranges; then
    expect_exit 1
    expect_checks "$(spf_exp pass "spf.mx_names=fail")"
    expect_json '[.results[0].ranges[] | .result] | join(" ")' "$ALL_PASS"
fi

# Safe changes that are enough: the legacy include replaced and the two
# terms naming hosts that do not exist removed: 11 lookups become 7.
expect_fix_line spf-fixable.example spf.lookups
tm_assert "the safe changes keep the six gateways" \
    test "$(fix_record spf-fixable.example spf.lookups)" = \
    "v=spf1 include:$SITE a:gw1.spf-fixable.example a:gw2.spf-fixable.example a:gw3.spf-fixable.example a:gw4.spf-fixable.example a:gw5.spf-fixable.example a:gw6.spf-fixable.example ~all"
if publish_fix spf-fixable.example spf.lookups; then
    expect_exit 0
    expect_checks "$(spf_exp pass)"
    expect_json '.results[0].spf.lookups' 7
    expect_json '.results[0].spf.void_lookups' 0
fi

# Hard-coded ranges: the include instead of the data-center addresses.
for domain in spf-oldranges.example spf-halfrange.example; do
    for id in spf.include spf.tmems_ranges spf.hardcoded; do
        expect_fix_line $domain $id
    done
    if publish_fix $domain spf.hardcoded; then
        expect_exit 0
        expect_checks "$(spf_exp pass)"
        expect_json '[.results[0].ranges[] | .result] | join(" ")' "$ALL_PASS"
    fi
done

# +all: the record with ~all (docs/checks.md spf.all: ~all or -all pass).
expect_fix_line spf-plusall.example spf.all
if publish_fix spf-plusall.example spf.all; then
    expect_exit 0
    expect_checks "$(spf_exp pass)"
fi

# Void lookups: the terms naming hosts that do not exist, removed.
expect_fix_line spf-void.example spf.void_lookups
if publish_fix spf-void.example spf.void_lookups; then
    expect_exit 0
    expect_checks "$(spf_exp pass)"
    expect_json '.results[0].spf.void_lookups' 0
fi

# Failures whose fix cannot be a mechanical rewrite of the apex record
# (which of two records to keep, which MX hosts really send, which of two
# records closes the loop): the fix says what to do, in words.
for pair in spf-two.example:spf.single spf-mx11.example:spf.mx_names spf-loop.example:spf.loop; do
    tm_case "${pair%%:*}: ${pair#*:} has a fix"
    cp "$JSON_DIR/${pair%%:*}.json" "$TM_OUT"
    expect_json ".results[0].checks[] | select(.id == \"${pair#*:}\") | (.fix // \"\") | length > 0" true
done

# ---- text report ----------------------------------------------------------

tm_case "text: a failing spf.lookups shows the count per branch without -v"
tm_run spf-13lookups.example
expect_exit 1
expect_stdout_has "the failing check" '^ *fail +spf\.lookups '
expect_stdout_has "a 3-lookup branch" '^ +3 +include:_spf\.hr\.spf-13lookups\.example'
expect_stdout_has "the remedy" 'Fix: A record that fits, with every sender kept: it needs 7 DNS lookups \(13 today\)'
expect_stdout_has "its record line" '^ +spf-13lookups\.example\. 3600 IN TXT "v=spf1 '

tm_case "text: one bad term is reported once, by spf.syntax"
tm_run spf-badterm.example
expect_exit 1
expect_stdout_has "the failing check" '^ *fail +spf\.syntax '
expect_stdout_has "the term and its position" 'term 1, "ip4:192\.0\.2\.300", byte 12'
expect_stdout_has "the verdict counts one failure" '1 failure, 0 warnings'

tm_case "text -v: the SPF tree with its count"
tm_run -v ready.example
expect_exit 0
expect_stdout_has "the tree heading" 'SPF tree \(1 DNS lookup'
expect_stdout_has "the include in the tree" '^ +1 +include:spf\.tmems-jp\.trendmicro\.com'

# ---- --no-outbound ---------------------------------------------------------

# no_outbound DOMAIN EXIT EXPECTATIONS : without outbound protection the
# TMEmS include is not required, so what only concerns it (spf.include,
# spf.tmems_ranges, spf.hardcoded, company.relay_host) and every warning
# becomes info; a record that gives receivers permerror (spf.single,
# spf.syntax, spf.lookups over 10, spf.void_lookups, spf.mx_names, spf.loop,
# spf.include_target) or authorises everyone (+all) breaks the domain's mail
# and stays a failure (docs/checks.md "Sending servers").
KEPT_WITHOUT_OUTBOUND="spf.single spf.syntax spf.lookups spf.void_lookups spf.mx_names spf.loop
 spf.include_target spf.all"
no_outbound() {
    local domain=$1 rc=$2 exp=$3 out="" pair id st
    tm_case "$domain --no-outbound"
    tm_run --format json --no-outbound "$domain"
    expect_exit "$rc"
    for pair in $exp; do
        id=${pair%%=*} st=${pair#*=}
        case "$st" in
            warn) st=info ;;
            fail) case " $(echo $KEPT_WITHOUT_OUTBOUND) " in *" $id "*) ;; *) st=info ;; esac ;;
        esac
        out="$out $id=$st"
    done
    expect_checks "$out"
    # A kept failure says why it still counts; a softened one that it is
    # information now.
    expect_json '[.results[0].checks[] | select(.section == "outbound" and .status == "fail")
        | select((.detail // "") | contains("but this still counts") | not) | .id] | join(" ")' ""
    expect_json '[.results[0].checks[] | select(.section == "outbound" and .status == "info")
        | select((.detail // "") | contains("information only") | not) | .id] | join(" ")' ""
}
no_outbound spf-legacy.example 0 "$EXP_LEGACY"
no_outbound spf-oldranges.example 0 "$EXP_OLDRANGES"
no_outbound spf-halfrange.example 0 "$EXP_HALFRANGE"
no_outbound spf-13lookups.example 1 "$EXP_13LOOKUPS"
no_outbound spf-late.example 1 "$EXP_LATE"
no_outbound spf-two.example 1 "$EXP_TWO"
no_outbound spf-plusall.example 1 "$EXP_PLUSALL"
no_outbound spf-void.example 1 "$EXP_VOID"
no_outbound spf-loop.example 1 "$EXP_LOOP"
no_outbound spf-mx11.example 1 "$EXP_MX11"
no_outbound spf-ptr.example 0 "$EXP_PTR"
no_outbound spf-none.example 0 "$EXP_NONE"
no_outbound spf-badterm.example 1 "$EXP_BADTERM"
no_outbound spf-mxfirst.example 1 "$EXP_MXFIRST"
no_outbound ready.example 0 "$EXP_READY"
# The kept failures say why, in words an admin without outbound protection
# understands: permerror for every message, or anyone may send.
tm_run --format json --no-outbound spf-plusall.example
tm_assert "+all: any server may send as the domain" jq_ok \
    '.results[0].checks[] | select(.id == "spf.all") | .detail | test("the record lets any server send as the domain")' "$TM_OUT"
# --strict cannot make the softened information fail.
tm_case "spf-oldranges.example --no-outbound --strict"
tm_run --format json --no-outbound --strict spf-oldranges.example
expect_exit 0
# Without outbound protection no Fix adds the TMEmS include where the
# finding is not about it.
tm_case "spf-plusall.example --no-outbound: the +all Fix"
tm_run --format json --no-outbound spf-plusall.example
expect_json '.results[0].checks[] | select(.id == "spf.all") | .fix_records | join(" ")' \
    "spf-plusall.example. 3600 IN TXT \"v=spf1 include:$SITE ~all\""
# The facts are still reported.
tm_run --format json --no-outbound spf-13lookups.example
expect_json '.results[0].spf.lookups' 13
# REFUSED is no finding about the record but DNS without an answer:
# --no-outbound never changes an error (docs/checks.md "Sending servers").
tm_case "spf-refused.example --no-outbound"
tm_run --format json --no-outbound spf-refused.example
expect_check spf.include_target error
expect_exit 3

# ---- offline: the same verdicts from the zone files -----------------------

# offline DOMAIN [EXTRA_ZONE...] : --offline with the customer zone and the
# vendor zones gives exactly the statuses, counts and range verdicts of the
# run over DNS (spf.size may only lose the message size, not its status).
offline() {
    local domain=$1 extra=() z want
    shift
    for z in "$@"; do extra+=(--zone "$Z/$z.zone"); done
    tm_case "$domain offline"
    tm_run_raw --offline --zone "$Z/$domain.zone" "${VENDOR_ZONES[@]}" "${extra[@]}" \
        --format json "$domain"
    expect_exit "$(jq -r '.results[0].verdict | if . == "fail" then 1 elif . == "error" then 3 else 0 end' \
        "$JSON_DIR/$domain.json")"
    want=$(spf_summary "$JSON_DIR/$domain.json")
    if [ -n "$want" ] && [ "$(spf_summary "$TM_OUT")" = "$want" ]; then
        tm_pass
    else
        tm_fail "offline: '$(spf_summary "$TM_OUT")', over DNS: '$want'"
    fi
}
for domain in ready.example spf-legacy.example spf-oldranges.example spf-halfrange.example \
    spf-late.example spf-two.example spf-plusall.example spf-void.example spf-loop.example \
    spf-split.example spf-mx11.example spf-ptr.example spf-exists.example spf-none.example \
    spf-badterm.example spf-typo.example spf-mxfirst.example spf-fixable.example; do
    offline $domain
done
# spf.protection.outlook.com is outside the customer and vendor zones: with
# its stand-in zone given too, the count is the same 13.
offline spf-13lookups.example protection.outlook.com
# spf.mailer.elsewhere.test is in no zone: offline it is unknown, which is
# skip, never error (docs/checks.md "Offline"); the rest of the record is
# judged, but neither the lookup count nor, since it comes before the TMEmS
# include, whether the data-center addresses pass: the verdict is unknown
# (exit 3), never ready.
tm_case "spf-refused.example offline"
tm_run_raw --offline --zone "$Z/spf-refused.example.zone" "${VENDOR_ZONES[@]}" --format json spf-refused.example
expect_exit 3
expect_json '.results[0].outcome' unknown
expect_json '.results[0].not_judged | join(",")' spf
expect_checks "spf.present=pass spf.single=pass spf.syntax=pass spf.include=pass
 spf.include_target=skip spf.tmems_ranges=skip spf.all=pass"
expect_json '[.results[0].checks[] | select(.status == "error") | .id] | join(" ")' ""

# ---- tmems-check spf: one address, with its trace -------------------------

# spf_eval ARGS... : the subcommand against the private BIND.
spf_eval() {
    tm_run_raw spf --server "127.0.0.1:$TM_BIND_PORT" "$@"
}

# The last step that matched, as "domain term".
LAST_MATCH='[.trace[] | select(.match)] | last | "\(.domain) \(.term)"'

tm_case "spf: a data-center address passes through the include"
spf_eval --format json ready.example --ip 15.168.56.10
expect_exit 0
expect_valid_json
expect_json '.schema' 1
expect_json '"\(.domain) \(.ip) \(.sender) \(.helo)"' \
    "ready.example 15.168.56.10 postmaster@ready.example ready.example"
expect_json '.result' pass
expect_json '.explanation' null
expect_json '"\(.lookups) \(.void_lookups)"' "1 0"
expect_json '.trace[0] | "\(.domain) \(.term) \(.match)"' "ready.example include:$SITE true"
expect_json "$LAST_MATCH" "$SITE ip4:15.168.56.0/25"

tm_case "spf: an address outside gets the record's ~all"
spf_eval --format json ready.example --ip 203.0.113.5
expect_exit 0
expect_json '.result' softfail
expect_json "$LAST_MATCH" "ready.example ~all"

tm_case "spf: an address outside a -all record gets fail"
spf_eval --format json "$SITE" --ip 203.0.113.5
expect_exit 0
expect_json '.result' fail
expect_json "$LAST_MATCH" "$SITE -all"

tm_case "spf: an IPv4-mapped IPv6 client is evaluated as IPv4"
spf_eval --format json ready.example --ip ::ffff:15.168.56.10
expect_exit 0
expect_json '.result' pass
expect_json "$LAST_MATCH" "$SITE ip4:15.168.56.0/25"

tm_case "spf: an IPv6 client meets no ip4 term"
spf_eval --format json ready.example --ip 2001:db8::25
expect_exit 0
expect_json '.result' softfail

tm_case "spf: --sender and --helo"
spf_eval --format json --sender user@ready.example --helo mx.ready.example ready.example --ip 15.168.56.10
expect_exit 0
expect_json '"\(.sender) \(.helo) \(.result)"' "user@ready.example mx.ready.example pass"

# 13 lookups: 203.0.113.70 is the domain's own A (the 9th term: pass);
# 203.0.113.130 is only in _spf.news, the 13th: permerror at the 11th.
tm_case "spf: an address matched before the limit"
spf_eval --format json spf-13lookups.example --ip 203.0.113.70
expect_exit 0
expect_json '.result' pass
expect_json '.lookups' 9
expect_json "$LAST_MATCH" "spf-13lookups.example a"

tm_case "spf: an address matched only after the limit"
spf_eval --format json spf-13lookups.example --ip 203.0.113.130
expect_exit 0
expect_json '.result' permerror
expect_json '.lookups' 11
expect_json '[.trace[] | select(.domain == "_spf.news.spf-13lookups.example")] | length' 0

tm_case "spf: the include behind ten a: terms"
spf_eval --format json spf-late.example --ip 15.168.56.10
expect_exit 0
expect_json '.result' permerror
spf_eval --format json spf-late.example --ip 203.0.113.10
expect_json '"\(.result) \(.lookups)"' "pass 10"

tm_case "spf: REFUSED is temperror, and the evaluation completed"
spf_eval --format json spf-refused.example --ip 15.168.56.10
expect_exit 0
expect_json '.result' temperror
expect_json '.lookups' 1

tm_case "spf: exists:%{i} is evaluated for the address given"
spf_eval --format json spf-exists.example --ip 203.0.113.1
expect_exit 0
expect_json '.result' pass
expect_json "$LAST_MATCH" "spf-exists.example exists:%{i}._spf.spf-exists.example"
spf_eval --format json spf-exists.example --ip 203.0.113.2
expect_json '"\(.result) \(.lookups) \(.void_lookups)"' "softfail 2 1"

tm_case "spf: two records, no record, a loop"
spf_eval --format json spf-two.example --ip 15.168.56.10
expect_exit 0
expect_json '.result' permerror
spf_eval --format json spf-none.example --ip 15.168.56.10
expect_exit 0
expect_json '"\(.result) \(.trace | length)"' "none 0"
spf_eval --format json spf-loop.example --ip 192.0.2.99
expect_exit 0
expect_json '.result' permerror
spf_eval --format json spf-loop.example --ip 203.0.113.101
expect_json '"\(.result) \(.lookups)"' "pass 3"

tm_case "spf: the split record is one record"
spf_eval --format json spf-split.example --ip 15.168.49.70
expect_exit 0
expect_json '.result' pass
expect_json "$LAST_MATCH" "$SITE ip4:15.168.49.64/26"

tm_case "spf: text shows the result and the trace"
spf_eval ready.example --ip 15.168.56.10
expect_exit 0
expect_stdout_has "the result" '= pass$'
expect_stdout_has "the matching step" 'spf\.tmems-jp\.trendmicro\.com: ip4:15\.168\.56\.0/25'
expect_stdout_has "the first step" 'ready\.example: include:spf\.tmems-jp\.trendmicro\.com'

tm_case "spf offline, from the zone files"
tm_run_raw spf --offline --zone "$Z/ready.example.zone" "${VENDOR_ZONES[@]}" --format json \
    ready.example --ip 15.168.56.10
expect_exit 0
expect_json '"\(.result) \(.lookups)"' "pass 1"

tm_case "spf: several --ip, one result each in the order given, as single runs give them"
spf_eval --format jsonl spf-exists.example --ip 203.0.113.1 --ip 203.0.113.2 --ip 2001:db8::7
expect_exit 0
cp "$TM_OUT" "$TM_TMP/several.jsonl"
tm_assert "three lines, each a JSON object" \
    bash -c '[ "$(wc -l < "$1")" = 3 ] && [ "$(jq -c . "$1" | wc -l)" = 3 ]' _ "$TM_OUT"
n=0
for ip in 203.0.113.1 203.0.113.2 2001:db8::7; do
    n=$((n + 1))
    spf_eval --format json spf-exists.example --ip "$ip"
    tm_assert "line $n is the single run for $ip" \
        bash -c 'diff <(jq -c . "$1") <(sed -n "${3}p" "$2" | jq -c .)' _ "$TM_OUT" \
        "$TM_TMP/several.jsonl" "$n"
done
tm_case "spf: a repeated address asks the DNS nothing more"
spf_eval -v --format jsonl spf-exists.example --ip 203.0.113.1
sent_once=$(grep -oE '[0-9]+ questions? sent' "$TM_ERR" | head -n 1)
spf_eval -v --format jsonl spf-exists.example --ip 203.0.113.1 --ip 203.0.113.1
sent_twice=$(grep -oE '[0-9]+ questions? sent' "$TM_ERR" | head -n 1)
tm_assert "-v counts questions ('$sent_once')" test -n "$sent_once"
tm_assert "the same questions for one address and for it twice ($sent_once, $sent_twice)" \
    test "$sent_once" = "$sent_twice"
tm_case "spf: several --ip in text, a block each"
spf_eval spf-exists.example --ip 203.0.113.1 --ip 203.0.113.2
expect_exit 0
tm_assert "two results" bash -c '[ "$(grep -c "^check_host(" "$1")" = 2 ]' _ "$TM_OUT"
expect_stdout_has "the first" '^check_host\(203\.0\.113\.1, spf-exists\.example, postmaster@spf-exists\.example\) = pass$'
expect_stdout_has "the second" '^check_host\(203\.0\.113\.2, spf-exists\.example, postmaster@spf-exists\.example\) = softfail$'
tm_case "spf: several --ip and --format json, one document, is a usage error"
spf_eval --format json spf-exists.example --ip 203.0.113.1 --ip 203.0.113.2
expect_usage_error
tm_assert "the message points at jsonl" grep -q -- '--format jsonl' "$TM_ERR"

# RFC 7208 section 4.3: check_host() returns none for a malformed domain;
# the subcommand is its front end, so these are results (exit 0), not
# usage errors.  The domain of the RFC 7208 suite's tests domain-literal,
# emptylabel, toolonglabel and helo-not-fqdn.
LABEL64=A123456789012345678901234567890123456789012345678901234567890123
for bad in "[1.2.3.5]" "A...example.com" "$LABEL64.example.com" "A2345678"; do
    tm_case "spf: malformed domain '$bad' gives none"
    spf_eval --format json "$bad" --ip 1.2.3.4 --sender "" --helo "$bad"
    expect_exit 0
    expect_stderr_empty
    expect_json '"\(.result) \(.lookups)"' "none 0"
    expect_json '.reason | startswith("not a valid domain name (RFC 7208 section 4.3): ")' true
    expect_json '.domain' "$bad"
done
tm_case "spf: malformed domain in text"
spf_eval "A...example.com" --ip 1.2.3.4
expect_exit 0
expect_stdout_has "the result" '^check_host\(1\.2\.3\.4, A\.\.\.example\.com, postmaster@A\.\.\.example\.com\) = none$'
expect_stdout_has "the reason" '^  reason: not a valid domain name \(RFC 7208 section 4\.3\): the name has an empty label \(two dots in a row\)$'
tm_case "spf: a name check_host() accepts is evaluated, though not a host name"
spf_eval --format json _spf.ready.example --ip 1.2.3.4
expect_exit 0
expect_json '.result' none
expect_json '.reason' "_spf.ready.example has no SPF record"
tm_case "spf: the malformed domain stays a usage error outside the subcommand"
tm_run "A...example.com"
expect_usage_error
tm_case "spf: an over-long --sender is a usage error"
spf_eval --format json ready.example --ip 1.2.3.4 --sender "$(printf 'a%.0s' $(seq 1 513))"
expect_usage_error

tm_case "spf: --ip is required"
spf_eval --format json ready.example
expect_usage_error
tm_case "spf: --ip is required, whatever the domain"
spf_eval --format json "[1.2.3.5]"
expect_usage_error
tm_case "spf: --ip must be an address"
spf_eval --format json ready.example --ip 15.168.56.999
expect_usage_error

tm_finish
