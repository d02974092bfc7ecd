#!/usr/bin/env bash
# test_escaping.sh - untrusted bytes, in every format: one escaping policy
# (docs/tmems-check.1, "Untrusted text"; docs/json.md) for the text report,
# -v, JSON, JSON Lines, JUnit and the spf subcommand.  No format lets a
# control, bidirectional or invisible character through raw; each byte is
# shown once (no doubled backslash); nothing after a NUL is hidden; JSON
# stays valid and holds the data exactly.
#
# Run by ctest as: bash test_escaping.sh /path/to/tmems-check

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tm_init "$@"

Z="$TM_TMP/esc.example.zone"
# \000 NUL, \027 ESC, \155 CSI (C2 9B), U+202E RLO, U+2066 LRI, U+200B ZWSP,
# U+2028 LS, U+FEFF BOM, U+00AD SHY, U+FFF9, U+E0041 tag, an invalid byte,
# DEL; a zone-file \" (a quote in the data) and \\ (a backslash).
cat >"$Z" <<'EOF'
$ORIGIN esc.example.
$TTL 300
@   SOA ns hostmaster 1 3600 900 604800 300
@   NS  ns
ns  A   192.0.2.53
@   TXT "v=spf1 include:spf.tmems-jp.trendmicro.com\000 +all"
@   TXT "tmes=\"~all\\x1b\027[2J\194\155" "31m\226\128\174RLO\226\129\166LRI\226\128\139ZW\226\128\168LS\239\187\191BOM\194\173SHY\239\191\185ANN\243\160\129\129TAG\255BAD\127DEL"
@   MX  10 mx\027.esc.example.
EOF
# Every code point the policy escapes, as raw UTF-8 (PCRE over bytes).
HIDDEN='[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f\xad]|\xd8\x9c|\xe2\x80[\x8b-\x8f\xa8-\xae]|\xe2\x81[\xa0-\xa4\xa6-\xa9]|\xef\xbb\xbf|\xef\xbf[\xb9-\xbb\xbe\xbf]|\xf3\xa0[\x80-\x81]'

no_hidden() { # FORMAT-DESCRIPTION
    # Colour is off (not a terminal), so no escape sequence of the tool's own.
    expect_stdout_lacks "$1: no hidden or acting character raw" "$HIDDEN"
    expect_stdout_lacks "$1: no byte that is not UTF-8" '\xff'
}

tm_case "text report"
tm_run_raw --offline --zone "$Z" esc.example
expect_exit 1
no_hidden text
# the SPF record is shown past its NUL (spf.syntax): +all is not hidden
expect_stdout_has "the NUL escaped, +all shown" \
    'esc\.example: "v=spf1 include:spf\.tmems-jp\.trendmicro\.com\\x00 \+all"'
# the token: a quote once escaped, a literal backslash doubled once, ESC as \x1b
expect_stdout_has "each byte once" \
    'Published: "tmes=\\"~all\\\\x1b\\x1b\[2J\\u009b31m\\u202eRLO\\u2066LRI\\u200bZW\\u2028LS\\ufeffBOM\\u00adSHY\\ufff9ANN\\U000e0041TAG\\xffBAD\\x7fDEL"'
expect_stdout_lacks "no doubled escape" '\\\\\\\\x1b|\\\\\\\\"'
expect_stdout_has "the MX host name in its \\DDD form, once" '\| mx\\027\.esc\.example \|'

tm_case "-v records"
tm_run_raw --offline --zone "$Z" -v esc.example
no_hidden "-v"
expect_stdout_has "the NUL record" \
    'esc\.example  TXT  300  "v=spf1 include:spf\.tmems-jp\.trendmicro\.com\\x00 \+all"'
expect_stdout_has "the two strings of the token record, each escaped" \
    'TXT  300  "tmes=\\"~all\\\\x1b\\x1b\[2J\\u009b" "31m\\u202eRLO'
expect_stdout_has "the MX record" 'MX   300  10 mx\\027\.esc\.example'

tm_case "JSON"
tm_run_raw --offline --zone "$Z" --format json esc.example
expect_valid_json
no_hidden JSON
expect_stdout_has "NUL as \\u0000, the record goes on" \
    '"value": "v=spf1 include:spf\.tmems-jp\.trendmicro\.com\\u0000 \+all"'
expect_stdout_has "hidden characters as JSON escapes" \
    '\\u009b31m\\u202eRLO\\u2066LRI\\u200bZW\\u2028LS\\ufeffBOM\\u00adSHY\\ufff9ANN\\udb40\\udc41TAG\\ufffdBAD\\u007fDEL'
tm_assert "the decoded value is the data (python's json)" "$TM_PYTHON" -c '
import json, sys
d = json.load(open(sys.argv[1]))
txt = [t["value"] for t in d["results"][0]["records"]["txt"]]
assert "v=spf1 include:spf.tmems-jp.trendmicro.com\x00 +all" in txt, txt
tok = [t for t in txt if t.startswith("tmes=")][0]
assert tok.startswith("tmes=\"~all\\x1b\x1b[2J\x9b31m\u202eRLO"), repr(tok)
assert "\U000e0041TAG\ufffdBAD\x7fDEL" in tok, repr(tok)
assert d["results"][0]["spf"]["record"].endswith("\x00 +all")
' "$TM_OUT"

tm_case "JSON Lines"
tm_run_raw --offline --zone "$Z" --format jsonl esc.example
no_hidden JSONL
tm_assert "one valid line" bash -c "[ \$(wc -l <'$TM_OUT') -eq 1 ] && jq -e . '$TM_OUT' >/dev/null"
expect_stdout_has "NUL as \\u0000" 'trendmicro\.com\\u0000 \+all'

tm_case "JUnit"
tm_run_raw --offline --zone "$Z" --format junit esc.example
no_hidden JUnit
tm_assert "well-formed XML" "$TM_PYTHON" -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$TM_OUT"
expect_stdout_has "the text report's escapes" \
    'Published: "tmes=\\"~all\\\\x1b\\x1b\[2J\\u009b31m\\u202eRLO'
expect_stdout_has "the NUL record" 'trendmicro\.com\\x00 \+all'

tm_case "spf subcommand, text"
tm_run_raw --offline --zone "$Z" spf esc.example --ip 192.0.2.1
no_hidden "spf text"
tm_case "spf subcommand, JSON"
tm_run_raw --offline --zone "$Z" spf esc.example --ip 192.0.2.1 --format json
expect_valid_json
no_hidden "spf JSON"

tm_finish
