#!/usr/bin/env bash
# test_html.sh - the HTML report through the built binary, against a real
# BIND on loopback (docs/html.md): the JSON it embeds reads back as the
# --format json document (scripts/tmems-report-json); hostile TXT data stays
# text (escaped by the one policy, then for HTML; the JSON element cannot be
# closed by it); --html writes beside any format; a batch page links every
# domain; the page loads nothing; usage errors exit 2.  The browser checks
# are test_html_browser.sh.
#
# Run by ctest as: bash test_html.sh /path/to/tmems-check

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tm_init "$@"
tm_bind_start
root=$TM_SOURCE_DIR
extract=$root/scripts/tmems-report-json
tmp=$TM_TMP

# py DESCRIPTION ARGS... : the python check read from stdin passes.
py() {
    local what=$1 why
    shift
    tm_case "$what"
    if why=$(python3 - "$@" 2>&1); then tm_pass; else tm_fail "$what: $why"; fi
}

# ---- the round trip: the page's JSON is the --format json document ------------
tm_case "json + --html: ready"
tm_run --format json --html "$tmp/ready.html" ready.example
cp "$TM_OUT" "$tmp/ready.json"
expect_exit 0
py "the embedded JSON reads back as the --format json document (elapsed_ms included)" \
    "$extract" "$tmp/ready.html" "$tmp/ready.json" <<'PY'
import json, subprocess, sys
extract, page, doc = sys.argv[1:4]
got = json.loads(subprocess.run([extract, page], capture_output=True, text=True, check=True).stdout)
want = json.load(open(doc))
sys.exit(0 if got == want else "the page's JSON differs from --format json")
PY

# ---- --format html on stdout, both languages ----------------------------------
for lang in en ja; do
    tm_case "--format html --lang $lang"
    tm_run --format html --lang "$lang" spf-13lookups.example
    expect_exit 1
    expect_stdout_has "--lang $lang sets <html lang>" "<html lang=\"$lang\">"
    expect_stdout_has "the sending servers' section" 'data-section="outbound"'
    expect_stdout_has "the spf.lookups finding" 'data-id="spf\.lookups"'
    expect_stdout_has "the budget bar: 13 of 10" 'class="budget lookups" data-used="13" data-limit="10"'
    expect_stdout_has "the remedy's zone line, marked as a record" '<span class="rec">spf-13lookups\.example\. 3600 IN TXT'
    expect_stdout_has "the tree's branches open without a script" '<details open class="branch">'
    expect_stdout_has "the JSON element" 'id="tmems-report"'
    bytes=$(wc -c < "$TM_OUT")
    tm_case "a typical domain's page is under 200 KB ($bytes bytes, $lang)"
    tm_assert "$bytes bytes" [ "$bytes" -lt 204800 ]
done
expect_stdout_has "Japanese section names" '送信サーバ'

# Nothing loads: no src, href to elsewhere, url(), @import; a strict policy.
py "the page loads nothing: no source, no link elsewhere, default-src 'none'" "$TM_OUT" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
bad = re.findall(r'\s(?:src|srcset|action|formaction|poster|data)=|url\(|@import|<link|<iframe|<img|<object|<embed', page)
hrefs = [h for h in re.findall(r'href="([^"]*)"', page) if not h.startswith("#")]
csp = re.search(r'Content-Security-Policy" content="([^"]*)"', page)
ok = not bad and not hrefs and csp and "default-src 'none'" in csp.group(1) and "unsafe" not in csp.group(1)
sys.exit(0 if ok else "the page could load something: %r %r %r" % (bad, hrefs, csp and csp.group(1)))
PY

# ---- hostile TXT data ---------------------------------------------------------------
cat > "$tmp/inject.example.zone" <<'ZONE'
$ORIGIN inject.example.
$TTL 3600
@   IN SOA ns1 hostmaster 1 3600 900 604800 300
    IN NS  ns1
ns1 IN A   192.0.2.53
@   IN TXT "tmes=</script><script>alert(1)</script><!--"
@   IN TXT "v=spf1 include:spf.tmems-jp.trendmicro.com \"><img src=x onerror=alert(2)> ~all"
@   IN TXT "\027[2J\226\128\174hidden"
@   IN MX  10 acme.in.tmems-jp.trendmicro.com.
ZONE
tm_run_raw --offline --zone "$tmp/inject.example.zone" --format json --html "$tmp/inject.html" inject.example
cp "$TM_OUT" "$tmp/inject.json"
py "hostile TXT data stays text, and the JSON reads back byte for byte" \
    "$tmp/inject.html" "$tmp/inject.json" "$extract" <<'PY'
import json, re, subprocess, sys
page = open(sys.argv[1], encoding="utf-8").read()
problems = []
if page.count("<script") != 2:
    problems.append("%d script elements" % page.count("<script"))
if re.search(r"<img|<!--|<script>alert", page.split('<script type="application/json"')[0]):
    problems.append("markup from DNS data in the page")
if "\x1b" in page or "\u202e" in page:
    problems.append("a raw control or bidirectional character")
if "&lt;/script&gt;&lt;script&gt;alert(1)" not in page:
    problems.append("the TXT data is not shown escaped")
if "\\x1b[2J\\u202ehidden" not in page:
    problems.append("hidden characters are not shown by the escaping policy")
got = json.loads(subprocess.run([sys.argv[3], sys.argv[1]], capture_output=True, text=True, check=True).stdout)
if got != json.load(open(sys.argv[2])):
    problems.append("the embedded JSON does not read back")
if not any("</script>" in r["value"] for r in got["results"][0]["records"]["txt"]):
    problems.append("the TXT value did not survive the round trip")
sys.exit("; ".join(problems) if problems else 0)
PY

# ---- a batch page ---------------------------------------------------------------------
printf '%s\n' ready.example spf-13lookups.example 'bad name!' before.example > "$tmp/list"
tm_case "a batch with --html beside text"
tm_run --html "$tmp/batch.html" -f "$tmp/list"
expect_exit 1
expect_stdout_has "--html beside text: the text report on stdout" '^ready\.example: '
py "a batch page: a summary table linking to each of the 4 domains" "$tmp/batch.html" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
links = re.findall(r'<a href="#(d\d+)">', page)
ids = re.findall(r'<section class="domain" id="(d\d+)"', page)
ok = len(ids) == 4 and links == ids and 'id="summary"' in page
sys.exit(0 if ok else "summary links %r, sections %r" % (links, ids))
PY

# ---- usage errors ---------------------------------------------------------------------
ready=(--offline --zone "$root/tests/zones/ready.example.zone")
tm_case "--format html with --html: one of them"
tm_run_raw "${ready[@]}" --format html --html "$tmp/x.html" ready.example
expect_usage_error
tm_assert "the message says to give one" grep -q "give one" "$TM_ERR"
tm_case "--html into a directory that does not exist"
tm_run_raw "${ready[@]}" --html "$tmp/no/such/dir/x.html" ready.example
expect_exit 2
tm_assert "the reason is given" grep -q "cannot write the HTML report" "$TM_ERR"
tm_case "the spf subcommand has no HTML page"
tm_run_raw spf "${ready[@]}" --ip 192.0.2.1 --html "$tmp/x.html" ready.example
expect_usage_error
tm_case "--format htm"
tm_run_raw "${ready[@]}" --format htm ready.example
expect_usage_error
tm_assert "the choices are listed" grep -q "text, json, jsonl, junit, html, github, sarif or markdown" "$TM_ERR"
tm_case "--spf-own takes domain names"
tm_run_raw "${ready[@]}" --spf-own "example.net,not a name" ready.example
expect_usage_error

tm_finish
