#!/usr/bin/env bash
# test_zone_files.sh - every zone file that named-checkzone accepts loads
# with --zone, with the same records; errors keep file:line; $INCLUDE only
# with --zone-include-dir, and never out of that directory.
#
# Run by ctest as: bash test_zone_files.sh /path/to/tmems-check
#
# The comparison, for each zone of the project (tests/zones, tests/zones/bind,
# examples, bench/zones; the origin is the file name, as BIND serves them):
#   BIND:  named-checkzone -w DIR -D ORIGIN FILE writes what BIND loaded as
#          canonical RFC 1035 text in printable ASCII; zone_dump --canonical
#          reads that text with libzscanner alone into wire form;
#   tool:  zone_dump --include-dir DIR ORIGIN FILE loads FILE as tmems-check
#          does (tm_zone_load_with) and writes the same wire form.
# Both sorted, they must be equal line for line (owner, TTL, type, RDATA).

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tm_init "$@"

DUMP="${TM_BUILD_DIR:-$(dirname "$TM_BIN")}/tests/zone_dump"
# What turns named-checkzone's output into the comparable form is test
# tooling, not the loader under test: with TM_SWEEP_BIN (the README's test
# command, scripts/test.sh) it is the optimised build's zone_dump, while
# every zone of the project is still loaded by the one under test.
CANON="$DUMP"
if [ -n "${TM_SWEEP_BIN:-}" ]; then
    CANON="$(dirname "$TM_SWEEP_BIN")/tests/zone_dump"
fi
SRC="$TM_SOURCE_DIR"
BINDZ="$SRC/tests/zones/bind"

# ---- the same records as BIND -------------------------------------------------

compared=0
for f in "$SRC"/tests/zones/*.zone "$BINDZ"/*.zone "$SRC"/examples/*.zone \
         "$SRC"/bench/zones/*.zone; do
    origin=$(basename "$f" .zone)
    dir=$(dirname "$f")
    tm_case "same records as BIND: ${f#"$SRC"/}"
    TM_CMD="named-checkzone -w $dir -D $origin $f"
    TM_RC=0
    if ! named-checkzone -q -w "$dir" -D -o "$TM_TMP/bind.txt" "$origin" "$f" 2>"$TM_ERR"; then
        tm_fail "named-checkzone refuses a zone of the project"
        continue
    fi
    "$CANON" --canonical "$origin" "$TM_TMP/bind.txt" 2>"$TM_ERR" | LC_ALL=C sort -u >"$TM_TMP/bind.rr"
    TM_CMD="zone_dump --include-dir $dir $origin $f"
    "$DUMP" --include-dir "$dir" "$origin" "$f" 2>"$TM_ERR" | LC_ALL=C sort >"$TM_TMP/tool.rr"
    TM_RC=${PIPESTATUS[0]}
    if [ "$TM_RC" -ne 0 ]; then
        tm_fail "tmems-check does not load a zone BIND loads"
    elif cmp -s "$TM_TMP/bind.rr" "$TM_TMP/tool.rr"; then
        tm_pass
        compared=$((compared + 1))
    else
        diff "$TM_TMP/bind.rr" "$TM_TMP/tool.rr" | head -20 >"$TM_OUT"
        tm_fail "records differ (< BIND, > tmems-check)"
    fi
done
tm_case "zones compared"
tm_assert "at least 44 zones compared (got $compared)" [ "$compared" -ge 44 ]

# ---- through the program --------------------------------------------------------

CRLF="$BINDZ/crlf-utf8.example.zone"
tm_case "CRLF, UTF-8, no \$ORIGIN: a ready domain"
tm_run_raw --offline --zone "$CRLF" --format json crlf-utf8.example
expect_exit 0
expect_json '.results[0].verdict' pass
expect_json '[.results[0].records.txt[].value] | map(select(startswith("会社名="))) | .[0]' \
    '会社名=株式会社サンプル'
tm_assert "stderr says the checked domain is the origin" \
    grep -q "zone file '$CRLF' sets no \$ORIGIN: its names are read relative to crlf-utf8.example, the domain checked (as named-checkzone crlf-utf8.example $CRLF does)" "$TM_ERR"

tm_case "the UTF-8 record in the text report"
tm_run_raw --offline --zone "$CRLF" -v crlf-utf8.example
expect_exit 0
expect_stdout_has "the company name as UTF-8" 'TXT  3600  "会社名=株式会社サンプル"'

tm_case "a zone without \$ORIGIN and several domains: no origin to take"
tm_run_raw --offline --zone "$CRLF" crlf-utf8.example ready.example
expect_usage_error
tm_assert "the message says what to do" \
    grep -q "has no \$ORIGIN, so its SOA record is at the root: add \$ORIGIN, or check one domain" "$TM_ERR"

tm_case "\$GENERATE hosts"
tm_run_raw --offline --zone "$BINDZ/generate.example.zone" --format json generate.example
expect_exit 0 # after the cutover: the scenario is the loading
expect_json '.results[0].records.mx[0].host' acme.in.tmems-jp.trendmicro.com

# ---- errors keep file:line ------------------------------------------------------

printf '$ORIGIN e.example.\r\n$TTL 60\r\n@ SOA ns hm 1 2 3 4 5\r\n$GENERATE 1-5 h$ A 192.0.2.$\r\n@ TXT "ok"\r\nbad A 192.0.2\r\n' \
    >"$TM_TMP/crlf-error.zone"
tm_case "an error on line 6 of a CRLF file after \$GENERATE"
tm_run_raw --offline --zone "$TM_TMP/crlf-error.zone" e.example
expect_usage_error
tm_assert "file:line of the bad record" \
    grep -q "zone file '$TM_TMP/crlf-error.zone' line 6: " "$TM_ERR"

printf '$ORIGIN e.example.\n@ SOA ns hm 1 2 3 4 5\n$GENERATE 4-2 h$ A 192.0.2.$\n' >"$TM_TMP/gen-error.zone"
tm_case "a \$GENERATE that BIND refuses"
tm_run_raw --offline --zone "$TM_TMP/gen-error.zone" e.example
expect_usage_error
tm_assert "file:line and the reason" \
    grep -q "zone file '$TM_TMP/gen-error.zone' line 3: \$GENERATE: invalid range" "$TM_ERR"

head -c 4096 /bin/ls >"$TM_TMP/binary.zone"
tm_case "a binary file"
tm_run_raw --offline --zone "$TM_TMP/binary.zone" e.example
expect_usage_error
tm_assert "said to hold NUL bytes, not called a CRLF problem" \
    grep -q "(the file holds NUL bytes: is it a zone file?)" "$TM_ERR"
tm_assert "no mention of CRLF" bash -c "! grep -qi crlf '$TM_ERR'"

# ---- $INCLUDE ---------------------------------------------------------------------

INC="$BINDZ/include.example.zone"
tm_case "\$INCLUDE is off by default"
tm_run_raw --offline --zone "$INC" include.example
expect_usage_error
tm_assert "the message names the option" \
    grep -q "zone file '$INC' line 12: \$INCLUDE is off (--zone-include-dir DIR allows files below DIR)" "$TM_ERR"

tm_case "\$INCLUDE below --zone-include-dir"
tm_run_raw --offline --zone "$INC" --zone-include-dir "$BINDZ" --format json include.example
expect_exit 0
expect_json '.results[0].records.mx[0].host' acme.in.tmems-jp.trendmicro.com
expect_json '[.results[0].records.txt[].value] | length' 1

# A pull request's zone must not read the runner's files: each way out of
# the directory is refused, and a FIFO cannot make the run wait.
JAIL="$TM_TMP/jail"
mkdir -p "$JAIL/sub"
echo 'www A 192.0.2.9' >"$TM_TMP/outside.inc"
ln -s "$TM_TMP/outside.inc" "$JAIL/link-out.inc"
ln -s /etc/hostname "$JAIL/sub/abs-link.inc"
mkfifo "$JAIL/fifo.inc"
echo 'ok A 192.0.2.10' >"$JAIL/sub/fine.inc"
ln -s sub/fine.inc "$JAIL/link-in.inc"
escape() { # DESCRIPTION INCLUDED-NAME EXPECTED-REASON
    printf '$ORIGIN j.example.\n@ SOA ns hm 1 2 3 4 5\n@ NS ns.example.net.\n$INCLUDE %s\n' "$2" >"$JAIL/j.zone"
    tm_case "\$INCLUDE $1"
    tm_run_raw --offline --zone "$JAIL/j.zone" --zone-include-dir "$JAIL" j.example
    expect_usage_error
    tm_assert "refused: $3" grep -qF "$3" "$TM_ERR"
}
escape "with .. out of the directory" "../outside.inc" "outside the directory it must stay in"
escape "of an absolute path outside" "$TM_TMP/outside.inc" "outside the directory it must stay in"
escape "of /etc/passwd" "/etc/passwd" "outside the directory it must stay in"
escape "through a symbolic link out" "link-out.inc" "outside the directory it must stay in"
escape "through an absolute symbolic link" "sub/abs-link.inc" "outside the directory it must stay in"
escape "of a FIFO" "fifo.inc" "not a regular file"
escape "of the directory itself" "sub" "Is a directory"
for ok in sub/fine.inc link-in.inc "$JAIL/sub/fine.inc"; do
    printf '$ORIGIN j.example.\n@ SOA ns hm 1 2 3 4 5\n@ NS ns.example.net.\n$INCLUDE %s\n' "$ok" >"$JAIL/j.zone"
    tm_case "\$INCLUDE $ok inside the directory"
    tm_run_raw --offline --zone "$JAIL/j.zone" --zone-include-dir "$JAIL" --format json j.example
    expect_exit 1
    expect_valid_json
done

printf '$ORIGIN l.example.\n@ SOA ns hm 1 2 3 4 5\n$INCLUDE loop.zone\n' >"$JAIL/loop.zone"
tm_case "\$INCLUDE of itself"
tm_run_raw --offline --zone "$JAIL/loop.zone" --zone-include-dir "$JAIL" l.example
expect_usage_error
tm_assert "a bound, not a hang" grep -q "more than 64 files or 8 levels of \$INCLUDE" "$TM_ERR"

tm_finish
