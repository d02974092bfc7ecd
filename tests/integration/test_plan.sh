#!/usr/bin/env bash
# test_plan.sh - --plan: the proposed zone (any --zone format) judged
# against the live DNS of the same domain, here a real BIND 9 on 127.0.0.1
# serving tests/zones/ (the "before" of each pair); the "after" is a copy of
# the zone file edited the way a pull request would (docs/ci.md).
#
# Run by ctest as: bash test_plan.sh /path/to/tmems-check
#
# Expectations are derived from docs/checks.md: which checks each edit
# must fix or break, and that the exit status is that of the proposed zone
# (0 ready, 1 a check fails, 2 usage).

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tm_init "$@"
tm_bind_start

DUMP="${TM_BUILD_DIR:-$(dirname "$TM_BIN")}/tests/zone_dump"
CONVERT="$TM_SOURCE_DIR/tests/tools/zone_convert.py"
P="$TM_TMP/proposed"
mkdir -p "$P"

# change_of ID : the change of check ID in the JSON plan (first domain).
change_of() {
    jq -r --arg id "$1" '[.plans[0].checks[] | select(.id == $id) | .change] | join(",")' \
        "$TM_OUT" 2>/dev/null
}
expect_change() {
    local got
    got=$(change_of "$1")
    if [ "$got" = "$2" ]; then tm_pass; else tm_fail "$1 is '${got:-<absent>}', expected '$2'"; fi
}

# ---- pair 1: the misspelt include corrected: spf.syntax fixed ---------------
sed 's/inculde:/include:/' "$TM_ZONES/spf-typo.example.zone" >"$P/spf-typo.example.zone"
tm_case "plan: a typo in the SPF record corrected"
tm_run --plan --zone "$P/spf-typo.example.zone" --format json spf-typo.example
expect_exit 0
expect_valid_json
expect_change spf.syntax fixed
expect_change spf.include unchanged
expect_change mx.tmems unchanged
expect_json '.plans[0].live.outcome' not_ready
expect_json '.plans[0].live.exit_status' 1
expect_json '.plans[0].proposed.outcome' ready
expect_json '.plans[0].changes.fixed' 1
expect_json '.plans[0].changes.broken' 0
# the proposed side keeps the line of the record in the proposed file
expect_json '[.plans[0].checks[] | select(.id == "spf.syntax") | .proposed.source.line] | .[0]' 13
expect_json '[.plans[0].checks[] | select(.id == "spf.syntax") | .live.source] | .[0]' null

tm_case "plan text: the fixed check is named, the verdicts close it"
tm_run --plan --zone "$P/spf-typo.example.zone" spf-typo.example
expect_exit 0
expect_stdout_has "header" '^spf-typo\.example: plan: the proposed zone against the live DNS$'
expect_stdout_has "fixed line" '^  fixed +spf\.syntax +fail -> pass '
expect_stdout_has "verdicts" '^Live DNS: not ready \| Proposed: ready \(exit status 0\)$'
expect_stdout_lacks "no unchanged line of its own" '^  unchanged '

# ---- pair 2: the TMEmS include removed from a ready domain: broken ----------
sed 's/ include:spf.tmems-jp.trendmicro.com//' "$TM_ZONES/ready.example.zone" \
    >"$P/ready.example.zone"
tm_case "plan: the include dropped from a ready domain"
tm_run --plan --zone "$P/ready.example.zone" --format json ready.example
expect_exit 1
expect_change spf.include broken
expect_change spf.tmems_ranges broken
expect_change mx.tmems unchanged
expect_json '.plans[0].live.outcome' ready
expect_json '.plans[0].proposed.outcome' not_ready
expect_json '.plans[0].proposed.exit_status' 1
expect_json '.plans[0].changes.fixed' 0

tm_case "plan markdown: broken first, escaped, with the line"
tm_run --plan --zone "$P/ready.example.zone" --format markdown ready.example
expect_exit 1
expect_stdout_has "heading" '^### ready\\\.example: what this change does$'
expect_stdout_has "broken row" '^\| \*\*broken\*\* \| `spf\.include` \| pass \| fail \| .*ready\\\.example\\\.zone\\:13\)'
expect_stdout_has "verdict line" '^\*\*Live DNS:\*\* ready \| \*\*Proposed:\*\* not ready \(exit status 1\)$'

# ---- pair 3: the MX cutover proposed (before.example, company acme) ---------
sed -e 's/^@ 86400 IN MX   10 mail1.before.example./@   300 IN MX   10 acme.in.tmems-jp.trendmicro.com./' \
    -e '/^@ 86400 IN MX   20/d' "$TM_ZONES/before.example.zone" >"$P/before.example.zone"
tm_case "plan: the MX cutover judged after it (--phase post)"
tm_run --plan --zone "$P/before.example.zone" --format json --phase post before.example
expect_change mx.tmems fixed
# skip live (no MX names TMEmS yet) and pass proposed: neither fails
expect_change mx.bypass unchanged
expect_json '[.plans[0].checks[] | select(.id == "mx.bypass") | .live.status, .proposed.status] | join(" ")' "skip pass"
expect_exit 0

# ---- the same plans from octoDNS and DNSControl files ------------------------
python3 "$CONVERT" "$DUMP" spf-typo.example "$P/spf-typo.example.zone" "$P" ||
    tm_fail "zone_convert failed"
python3 "$CONVERT" "$DUMP" ready.example "$P/ready.example.zone" "$P" ||
    tm_fail "zone_convert failed"
for fmt in yaml json; do
    tm_case "plan from the proposed $fmt: the typo fixed"
    tm_run --plan --zone "$P/spf-typo.example.$fmt" --format json spf-typo.example
    expect_exit 0
    expect_change spf.syntax fixed
    expect_json '.plans[0].changes.broken' 0
    tm_case "plan from the proposed $fmt: the include dropped"
    tm_run --plan --zone "$P/ready.example.$fmt" --format json ready.example
    expect_exit 1
    expect_change spf.include broken
done

# ---- nothing proposed changes: every check unchanged or still failing --------
tm_case "plan: the live zone proposed as it is"
tm_run --plan --zone "$TM_ZONES/spf-two.example.zone" --format json spf-two.example
expect_exit 1
expect_json '.plans[0].changes.fixed' 0
expect_json '.plans[0].changes.broken' 0
expect_change spf.single still_failing

# ---- the github format: annotations of the proposal, the plan in the summary --
tm_case "plan github: the proposal's annotations, the plan in the step summary"
TM_SUMMARY="$TM_TMP/summary.md"
: >"$TM_SUMMARY"
GITHUB_STEP_SUMMARY="$TM_SUMMARY" tm_run --plan --zone "$P/ready.example.zone" \
    --format github ready.example
expect_exit 1
expect_stdout_has "error on the SPF line" '^::error file=[^,]*ready\.example\.zone,line=13,title=tmems-check spf\.include \(ready\.example\)::'
if grep -q '^| \*\*broken\*\* | `spf.include` |' "$TM_SUMMARY"; then tm_pass; else
    tm_fail "the step summary lacks the plan: $(head -c 600 "$TM_SUMMARY")"; fi

# ---- usage ---------------------------------------------------------------
tm_case "plan without --zone"
tm_run --plan ready.example
expect_usage_error
if grep -q 'plan needs --zone' "$TM_ERR"; then tm_pass; else tm_fail "no reason given"; fi
tm_case "plan of a domain no --zone holds"
tm_run --plan --zone "$P/ready.example.zone" spf-typo.example
expect_exit 2
if grep -q 'no --zone holds this domain' "$TM_ERR"; then tm_pass; else tm_fail "no reason given"; fi
tm_case "plan with --offline"
tm_run_raw --plan --offline --zone "$P/ready.example.zone" ready.example
expect_usage_error
tm_case "plan as junit"
tm_run --plan --zone "$P/ready.example.zone" --format junit ready.example
expect_usage_error

tm_finish
