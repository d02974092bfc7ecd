#!/usr/bin/env bash
# test_ci_formats.sh - the formats CI systems read (docs/ci.md):
# --format github (workflow commands: their escaping, the 10 annotations of
# a kind GitHub shows per step, the step summary), --format sarif (valid
# against the official SARIF 2.1.0 schema, stable fingerprints), --format
# markdown (DNS data cannot become a link or HTML), JUnit's file and line.
#
# Run by ctest as: bash test_ci_formats.sh /path/to/tmems-check
# Offline (zone files); the SARIF schema and ajv come from
# tests/tools/sarif/node_modules (scripts/bootstrap.sh).

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tm_init "$@"
unset GITHUB_STEP_SUMMARY GITHUB_WORKSPACE

D="$TM_TMP/ci"
mkdir -p "$D"
VALIDATE="$TM_SOURCE_DIR/tests/tools/sarif/validate.js"

# A zone whose records try to break out of a workflow command: '%', a line
# break (\010), "::" and a property separator in the token, Markdown and
# HTML in another TXT; stored under a file name with ':', ',' and '%'.
HOSTILE="$D/we,ird:na%me.zone"
cat >"$HOSTILE" <<'ZONE'
$ORIGIN gh.example.
$TTL 3600
@   IN SOA ns1 hostmaster 1 3600 900 604800 300
    IN NS  ns1
ns1 IN A   192.0.2.53
@   IN TXT "tmes=%0A::error file=x::pwned\010::warning::injected,title=y"
@   IN TXT "v=spf1 include:spf.tmems-jp.trendmicro.com [click](http://evil.test/) <img src=x> ~all"
@   300 IN MX 10 acme.in.tmems-jp.trendmicro.com.
ZONE

# ---- github: escaping -----------------------------------------------------------
tm_case "github: data and properties escaped, no line from DNS data"
tm_run_raw --offline --zone "$HOSTILE" --format github gh.example
expect_exit 1
# every line is a command of ours or the plain log form, none starts with
# what the records hold
if LC_ALL=C grep -vqP '^(::(error|warning|notice) |tmems-check (error|warning|notice): )' "$TM_OUT"; then
    tm_fail "a line that is neither a workflow command nor the plain form"
else
    tm_pass
fi
expect_stdout_lacks "no raw command from the TXT record" '^::warning::injected'
# the file property: ':' -> %3A, ',' -> %2C, '%' -> %25
expect_stdout_has "file property escaped" '^::error file=[^:]*/we%2Cird%3Ana%25me\.zone,line=6,title=tmems-check token\.format \(gh\.example\)::'
# in the message '%' is %25 and the line break inside the record's text is
# shown escaped (\x0a) by the tool's own policy, never a raw LF
expect_stdout_has "message: % escaped" 'tmes=%250A::error file=x::pwned\\x0a::warning::injected,title=y'
expect_stdout_has "multi-line message joined with %0A" '::[^\n]*%0AFix:%0A'

tm_case "github: paths relative to GITHUB_WORKSPACE"
cp "$TM_ZONES/spf-typo.example.zone" "$D/spf-typo.example.zone"
GITHUB_WORKSPACE="$D" tm_run_raw --offline --zone "$D/spf-typo.example.zone" --format github \
    spf-typo.example
expect_exit 1
expect_stdout_has "relative file" '^::error file=spf-typo\.example\.zone,line=13,title=tmems-check spf\.syntax \(spf-typo\.example\)::1 SPF record in the tree does not parse'

tm_case "github: Japanese messages follow --lang"
tm_run_raw --offline --zone "$D/spf-typo.example.zone" --format github --lang ja spf-typo.example
expect_stdout_has "Japanese message" '^::error file=[^:]*,line=13,title=[^:]*::ツリー内の SPF レコード 1 件に構文エラーがあります'

# ---- github: 10 annotations of a kind, the rest summarised ------------------------
zones=()
for f in "$TM_ZONES"/*.zone; do zones+=(--zone "$f"); done
FAILING="spf-typo.example spf-two.example spf-loop.example spf-13lookups.example notoken.example
shorttoken.example twotokens.example spf-void.example spf-plusall.example nomx.example
spf-none.example two-companies.example"
tm_case "github: at most 10 errors annotated, the last one says how many more"
# shellcheck disable=SC2086
tm_run_raw --offline "${zones[@]}" --format github $FAILING
expect_exit 1
errors=$(grep -c '^::error ' "$TM_OUT")
plain=$(grep -c '^tmems-check error: ' "$TM_OUT")
TM_CMD="count"
if [ "$errors" -eq 10 ]; then tm_pass; else tm_fail "$errors ::error commands, expected 10"; fi
expect_stdout_has "the tenth counts the rest" "^::error title=tmems-check::$((plain)) more errors are not annotated \\(GitHub shows 10 of a kind per step\\)"
# JSON tells how many error-level findings there are: 9 annotated + the rest in plain form
tm_run_raw --offline "${zones[@]}" --format json $FAILING
total=$(jq '[.results[].checks[] | select(.status == "fail" or .status == "error")] | length' "$TM_OUT")
if [ "$((9 + plain))" -eq "$total" ]; then tm_pass; else
    tm_fail "9 annotated + $plain plain lines, but $total failing findings"; fi

tm_case "github: exactly 10 errors are all annotated"
tm_run_raw --offline --zone "$D/spf-typo.example.zone" --format github spf-typo.example
if grep -q 'more errors are not annotated' "$TM_OUT"; then tm_fail "a summary with nothing over"; else tm_pass; fi

# ---- github: the step summary ------------------------------------------------------
tm_case "github: Markdown appended to GITHUB_STEP_SUMMARY"
echo "earlier step" >"$D/summary.md"
GITHUB_STEP_SUMMARY="$D/summary.md" tm_run_raw --offline --zone "$HOSTILE" --format github gh.example
expect_exit 1
TM_OUT_SAVED=$TM_OUT
TM_OUT="$D/summary.md"
expect_stdout_has "kept what was there" '^earlier step$'
expect_stdout_has "its heading" '^## tmems-check$'
expect_stdout_has "the domain" '^### gh\\\.example$'
expect_stdout_has "a row with the line" '^\| fail \| `token\.format` \| .* \| .*we,ird\\:na%me\\\.zone\\:6 \|$'
expect_stdout_lacks "no link from DNS data" '\[click\]\(http'
expect_stdout_lacks "no HTML from DNS data" '<img'
expect_stdout_has "the link shown escaped" '\\\[click\\\]\\\(http\\://evil\\\.test/\\\)'
TM_OUT=$TM_OUT_SAVED

tm_case "github: an unwritable step summary is said, the annotations stay"
GITHUB_STEP_SUMMARY="$D/no/such/dir/summary.md" tm_run_raw --offline --zone "$HOSTILE" \
    --format github gh.example
expect_exit 1
expect_stdout_has "annotations" '^::error '
if grep -q "cannot append to the step summary" "$TM_ERR"; then tm_pass; else tm_fail "no message"; fi

# ---- SARIF ---------------------------------------------------------------------------
tm_case "sarif: valid against the official SARIF 2.1.0 schema"
# shellcheck disable=SC2086
tm_run_raw --offline "${zones[@]}" --zone "$HOSTILE" --format sarif $FAILING gh.example ready.example
expect_exit 1
cp "$TM_OUT" "$D/many.sarif"
TM_CMD="node validate.js many.sarif"
if node "$VALIDATE" "$D/many.sarif" 2>"$TM_ERR"; then tm_pass; else tm_fail "schema validation"; fi
expect_json '.version' 2.1.0
# one rule per check of the catalogue, as docs/checks.md lists them
expect_json '.runs[0].tool.driver.rules | length' "$(grep -c '^### `' "$TM_SOURCE_DIR/docs/checks.md")"
expect_json '[.runs[0].tool.driver.rules[] | select(.help.text | length < 20)] | length' 0
expect_json '[.runs[0].results[] | select(.ruleId == "spf.syntax" and .properties.domain == "spf-typo.example")][0] | "\(.level) \(.locations[0].physicalLocation.region.startLine)"' "error 13"
expect_json '[.runs[0].results[] | select(.properties.domain == "gh.example")][0].locations[0].physicalLocation.artifactLocation.uri | test("we%2Cird%3Ana%25me.zone$")' true
# ruleIndex points at the rule of the same id
expect_json '[.runs[0] as $r | $r.results[] | select($r.tool.driver.rules[.ruleIndex].id != .ruleId)] | length' 0

tm_case "sarif: fingerprints survive records moving; they differ between checks"
tm_run_raw --offline --zone "$D/spf-typo.example.zone" --format sarif spf-typo.example
jq -r '.runs[0].results[] | "\(.ruleId) \(.partialFingerprints["tmemsCheck/v1"])"' "$TM_OUT" >"$D/fp1"
{ echo "; a comment"; echo "; another"; cat "$D/spf-typo.example.zone"; } >"$D/moved.zone"
tm_run_raw --offline --zone "$D/moved.zone" --format sarif spf-typo.example
expect_json '[.runs[0].results[] | select(.ruleId == "spf.syntax")][0].locations[0].physicalLocation.region.startLine' 15
jq -r '.runs[0].results[] | "\(.ruleId) \(.partialFingerprints["tmemsCheck/v1"])"' "$TM_OUT" >"$D/fp2"
if cmp -s "$D/fp1" "$D/fp2"; then tm_pass; else tm_fail "fingerprints changed with the lines"; fi
if [ "$(cut -d' ' -f2 "$D/fp1" | sort -u | wc -l)" -eq "$(wc -l <"$D/fp1")" ]; then tm_pass; else
    tm_fail "two checks share a fingerprint"; fi

tm_case "sarif: the validator rejects what is not SARIF (the test can fail)"
echo '{"version":"2.1.0","runs":[{"tool":{}}]}' >"$D/bad.sarif"
TM_CMD="node validate.js bad.sarif"
if node "$VALIDATE" "$D/bad.sarif" 2>/dev/null; then tm_fail "an invalid log passed"; else tm_pass; fi

# ---- markdown ---------------------------------------------------------------------
tm_case "markdown: the table of what needs attention"
tm_run_raw --offline --zone "$D/spf-typo.example.zone" --format markdown spf-typo.example
expect_exit 1
expect_stdout_has "verdict" '^\*\*Verdict:\*\* not ready \| \*\*TMEmS console:\*\* '
expect_stdout_has "row" '^\| fail \| `spf\.syntax` \| 1 SPF record'
tm_run_raw --offline --zone "$TM_ZONES/ready.example.zone" --format markdown --only domain. ready.example
expect_stdout_has "nothing to change" '^Nothing to change\.$'

# ---- JUnit ---------------------------------------------------------------------------
tm_case "junit: testcases carry file and line"
tm_run_raw --offline --zone "$D/spf-typo.example.zone" --format junit spf-typo.example
expect_stdout_has "file and line" '<testcase classname="outbound" name="spf\.syntax" file="[^"]*spf-typo\.example\.zone" line="13">'
expect_stdout_has "no file without a record" '<testcase classname="domain" name="domain\.name"/>'
tm_run_raw --offline --zone "$HOSTILE" --format junit gh.example
expect_stdout_has "attribute escaped" 'file="[^"]*/we,ird:na%me\.zone" line="6"'

tm_finish
