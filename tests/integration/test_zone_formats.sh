#!/usr/bin/env bash
# test_zone_formats.sh - --zone reads octoDNS YAML and DNSControl print-ir
# JSON as it reads zone files (docs/ci.md, docs/tmems-check.1 --zone-format):
# the same findings from all three over every scenario of the suite, every
# spelling the formats allow, the source location of each finding, and
# errors that name the file and the line (exit 2).
#
# Run by ctest as: bash test_zone_formats.sh /path/to/tmems-check
# Offline: no server is started.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tm_init "$@"

DUMP="${TM_BUILD_DIR:-$(dirname "$TM_BIN")}/tests/zone_dump"
D="$TM_TMP/z"
mkdir -p "$D"

# ---- the three formats agree over every fix-closure scenario -----------------
# (TM_SWEEP_BIN, when set, is the program this sweep runs, as in
# test_fix_closure.sh; the cases after it always run the program under test.)
tm_case "identical findings from zone files, octoDNS and DNSControl"
TM_CMD="zone_formats.py"
sweep_bin=$TM_BIN
if [ -n "${TM_SWEEP_BIN:-}" ]; then
    sweep_bin=$TM_SWEEP_BIN
    DUMP="$(dirname "$TM_SWEEP_BIN")/tests/zone_dump"
fi
if python3 "$TM_SOURCE_DIR/tests/integration/zone_formats.py" "$sweep_bin" "$TM_SOURCE_DIR" \
       "$DUMP" >"$TM_OUT" 2>"$TM_ERR"; then
    tm_pass
else
    TM_RC=$?
    tm_fail "the formats disagree"
fi
tail -n 1 "$TM_OUT" >&2

# ---- octoDNS: every spelling of the YamlProvider -----------------------------
cat >"$D/yaml.example.yaml" <<'YAML'
---
# the apex as a complex key, a list of records
? ''
: - type: MX
    ttl: 300
    values:
      - exchange: acme.in.tmems-jp.trendmicro.com.
        preference: 10
  - type: TXT
    values:
      - tmes=88vf4Tw3IPext5MmvoQSYF5mxwOczSpc
      - v=spf1 include:spf.tmems-jp.trendmicro.com ~all
    octodns:
      ignored: false
  - type: CAA
    value:
      flags: 0
      tag: issue
      value: ca.example.net
  - type: SPF
    value: v=spf1 -all
old:
  type: MX
  value:
    priority: 5
    value: mx.yaml.example.
semi:
  type: TXT
  value: a\;b
chunks:
  type: TXT
  value: '"v=spf1 ip4:192.0.2.1" " -all"'
YAML
tm_case "octoDNS: complex apex key, lists, TTL, metadata, other types"
tm_run_raw --offline --zone "$D/yaml.example.yaml" --format json --phase post yaml.example
expect_exit 0
expect_check mx.tmems pass
expect_check spf.include pass
expect_check token.format pass
# the SPF type is not TXT: one SPF record, not two (RFC 7208 section 3.1)
expect_check spf.single pass
expect_json '.results[0].records.mx[0].ttl' 300
expect_json '[.results[0].checks[] | select(.id == "mx.tmems") | .source] | .[0] | "\(.line):\(.column)"' "7:9"
expect_json '[.results[0].checks[] | select(.id == "spf.include") | .source.line] | .[0]' 12
expect_json '[.results[0].checks[] | select(.id == "token.present") | .source.line] | .[0]' 11

tm_case "octoDNS: quoted chunks joined into one record, legacy MX"
tm_run_raw spf --offline --zone "$D/yaml.example.yaml" --format json chunks.yaml.example \
    --ip 192.0.2.1
expect_json '.result' pass
tm_run_raw --offline --zone "$D/yaml.example.yaml" --format json --only mx. old.yaml.example
expect_json '.results[0].records.mx[0] | "\(.preference) \(.host)"' "5 mx.yaml.example"

tm_case "octoDNS: the split layout (a ZONE. directory of YAML files)"
mkdir -p "$D/split.example."
printf -- "---\n'':\n  type: MX\n  value: {preference: 10, exchange: acme.in.tmems-jp.trendmicro.com.}\n" \
    >"$D/split.example./\$split.example.yaml"
printf -- "---\n'':\n  type: TXT\n  values: [tmes=88vf4Tw3IPext5MmvoQSYF5mxwOczSpc, 'v=spf1 include:spf.tmems-jp.trendmicro.com ~all']\n" \
    >"$D/split.example./txt.yaml"
echo "not yaml: [" >"$D/split.example./README.md"
tm_run_raw --offline --zone "$D/split.example." --format json split.example
expect_exit 0
expect_check spf.include pass
expect_json '[.results[0].checks[] | select(.id == "spf.include") | .source.file] | .[0]' \
    "$D/split.example./txt.yaml"

tm_case "format by content: a YAML document with another name"
cp "$D/yaml.example.yaml" "$D/zone-data"
tm_run_raw --offline --zone "$D/zone-data" --only mx.tmems --phase post yaml.example
expect_exit 0

# ---- DNSControl: both filepos shapes, target and txtstrings ------------------
mkdir -p "$D/repo"
cat >"$D/repo/ir.json" <<'JSON'
{"domains": [{"name": "ir.example", "records": [
  {"type": "MX", "name": "@", "ttl": 300, "target": "acme.in.tmems-jp.trendmicro.com.",
   "mxpreference": 10, "filepos": "[line:12:5]"},
  {"type": "TXT", "name": "@", "target": "tmes=88vf4Tw3IPext5MmvoQSYF5mxwOczSpc",
   "filepos": "dnsconfig.js:13:5"},
  {"type": "TXT", "name": "@", "txtstrings": ["v=spf1 include:spf.tmems-jp.", "trendmicro.com ~all"],
   "filepos": "zones/ir.js:14:7"},
  {"type": "CAA", "name": "@", "target": "ca.example.net"}
]}]}
JSON
tm_case "DNSControl: filepos as [line:L:C] and FILE:L:C, txtstrings joined"
tm_run_raw --offline --zone "$D/repo/ir.json" --format json ir.example
expect_exit 0
expect_check spf.include pass
expect_json '[.results[0].checks[] | select(.id == "mx.tmems") | .source] | .[0] | "\(.file):\(.line):\(.column)"' \
    "$D/repo/dnsconfig.js:12:5"
expect_json '[.results[0].checks[] | select(.id == "token.present") | .source.line] | .[0]' 13
expect_json '[.results[0].checks[] | select(.id == "spf.include") | .source] | .[0] | "\(.file):\(.line):\(.column)"' \
    "$D/repo/zones/ir.js:14:7"

tm_case "DNSControl: many domains checked from one file"
printf '{"domains":[{"name":"one.example","records":[{"type":"MX","name":"@","ttl":300,"target":"acme.in.tmems-jp.trendmicro.com.","mxpreference":10,"filepos":"[line:3:1]"}]},{"name":"two.example","records":[{"type":"TXT","name":"@","target":"v=spf1 -all","filepos":"[line:9:1]"}]}]}\n' >"$D/repo/many.json"
tm_run_raw --offline --zone "$D/repo/many.json" --format json one.example two.example
expect_json '[.results[] | .domain] | join(" ")' "one.example two.example"
expect_check mx.tmems pass 0
expect_check spf.include fail 1
expect_json '[.results[1].checks[] | select(.id == "spf.include") | .source.line] | .[0]' 9

tm_case "-v shows where the record is written"
tm_run_raw --offline --zone "$D/repo/ir.json" -v --only mx.tmems ir.example
expect_stdout_has "Source line" '^ +Source: /.*/repo/dnsconfig\.js:12:5$'

tm_case "a missing record belongs in the file: no line"
printf '{"domains":[{"name":"nospf.example","records":[]}]}\n' >"$D/nospf.json"
tm_run_raw --offline --zone "$D/nospf.json" --format json nospf.example
expect_json '[.results[0].checks[] | select(.id == "spf.present") | .source] | .[0] | "\(.file) \(.line)"' \
    "$D/nospf.json null"

# ---- errors name the file and the line -----------------------------------------
err_case() { # NAME EXPECTED-STDERR-PCRE ARGS...
    local name=$1 want=$2
    shift 2
    tm_case "$name"
    tm_run_raw --offline "$@"
    expect_usage_error
    if LC_ALL=C grep -qP -- "$want" "$TM_ERR"; then tm_pass; else
        tm_fail "stderr lacks /$want/"; fi
}
printf -- "---\n'':\n  type: A\n  value: [1, 2\n" >"$D/syntax.example.yaml"
err_case "octoDNS: not YAML" "octoDNS file '.*syntax\\.example\\.yaml' line [45]: " \
    --zone "$D/syntax.example.yaml" syntax.example
printf -- "---\n'':\n  - type: MX\n    values:\n      - exchange: mx.bad.example.\n" >"$D/mx.example.yaml"
err_case "octoDNS: MX without preference" "octoDNS file '.*mx\\.example\\.yaml' line 5: an MX preference must be a number" \
    --zone "$D/mx.example.yaml" mx.example
printf -- "---\nwww:\n  - ttl: 60\n    value: 192.0.2.1\n" >"$D/notype.example.yaml"
err_case "octoDNS: a record without type" "line 3: the record has no type" \
    --zone "$D/notype.example.yaml" notype.example
printf -- "---\nwww:\n  type: A\n  value: 192.0.2.300\n" >"$D/a.example.yaml"
err_case "octoDNS: a bad address" "line 4: an A value must be an IPv4 address" \
    --zone "$D/a.example.yaml" a.example
printf -- "---\n'':\n  type: TXT\n  value: '\"unterminated'\n" >"$D/txt.example.yaml"
err_case "octoDNS: an unterminated chunk" "line 4: a TXT value must be text" \
    --zone "$D/txt.example.yaml" txt.example
printf -- "---\n'www.':\n  type: A\n  value: 192.0.2.1\n" >"$D/abs.example.yaml"
err_case "octoDNS: an absolute record name" "line 2: a record name must be relative" \
    --zone "$D/abs.example.yaml" abs.example
printf '{"domains":[{"name":"bad.example","records":[{"type":"A","name":"@","target":"1.2.3","filepos":"[line:7:3]"}]}]}' >"$D/bad.example.json"
err_case "DNSControl: a bad address names the dnsconfig.js line" \
    "DNSControl file '.*bad\\.example\\.json' \\(.*dnsconfig\\.js line 7\\): an A target" \
    --zone "$D/bad.example.json" bad.example
printf '{"domains":[\n{"name":"bad.example",\n"records":[}]}' >"$D/syntax.json"
err_case "DNSControl: not JSON, with its line" "DNSControl file '.*syntax\\.json' line 3: not valid JSON" \
    --zone "$D/syntax.json" bad.example
printf '{"domains":[{"name":"a.example"},{"name":"b.example"}]}' >"$D/two.json"
err_case "DNSControl: two domains, none checked" "holds no domain 'c\\.example'" \
    --zone "$D/two.json" c.example
printf '{"registrars":[]}' >"$D/noir.json"
err_case "DNSControl: not print-ir" 'no "domains" list' --zone "$D/noir.json" a.example
err_case "--zone-format: an unknown word" "invalid --zone-format 'tf'" \
    --zone-format tf --zone "$D/noir.json" a.example
err_case "forced format: DNSControl JSON read as octoDNS" "octoDNS file '.*two\\.json' line 1" \
    --zone-format octodns --zone "$D/two.json" a.example

tm_finish
