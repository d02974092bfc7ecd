#!/usr/bin/env bash
# test_input_bounds.sh - input files with bounds: a FIFO or a device named
# (directly or through a symbolic link, as a pull request can) as --zone,
# --rules or -f is refused at once without being read; a file over its cap
# is refused without reading past it; a NUL in a rules file is refused, raw
# or escaped; a large MX set is processed (its time is measured in
# bench/mx_scale.sh, never here).
#
# Run by ctest as: bash test_input_bounds.sh /path/to/tmems-check

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tm_init "$@"

SRC="$TM_SOURCE_DIR"
READY="$SRC/tests/zones/ready.example.zone"

# The usage-error contract: exit 2, one line on stderr, nothing on stdout.
refused() { # DESCRIPTION EXPECTED-MESSAGE ARGS...
    tm_case "$1"
    local want=$2
    shift 2
    tm_run_raw "$@"
    expect_exit 2
    expect_stdout_empty
    expect_stderr_one_line
    tm_assert "message: $want" grep -qF -- "$want" "$TM_ERR"
}

# ---- FIFOs and devices: refused without opening them for reading ------------------

mkfifo "$TM_TMP/fifo"
ln -s "$TM_TMP/fifo" "$TM_TMP/zone-link.zone"
ln -s /dev/zero "$TM_TMP/zero-link.zone"
NOT_REGULAR="not a regular file (a FIFO, device or directory)"
# Without the fix these runs wait forever in open(): the lib.sh time limit
# would kill them and the exit status would be 124, not 2.
refused "--zone FIFO" "cannot read zone file '$TM_TMP/fifo': $NOT_REGULAR" \
    --offline --zone "$TM_TMP/fifo" ready.example
refused "--zone symlink to a FIFO" "cannot read zone file '$TM_TMP/zone-link.zone': $NOT_REGULAR" \
    --offline --zone "$TM_TMP/zone-link.zone" ready.example
refused "--rules FIFO" "cannot read rules file '$TM_TMP/fifo': $NOT_REGULAR" \
    --offline --rules "$TM_TMP/fifo" ready.example
refused "-f FIFO" "cannot read domain file '$TM_TMP/fifo': $NOT_REGULAR" \
    --offline -f "$TM_TMP/fifo"
refused "--zone /dev/zero" "cannot read zone file '/dev/zero': $NOT_REGULAR" \
    --offline --zone /dev/zero ready.example
refused "--zone symlink to /dev/zero" "cannot read zone file '$TM_TMP/zero-link.zone': $NOT_REGULAR" \
    --offline --zone "$TM_TMP/zero-link.zone" ready.example
refused "--rules /dev/zero" "cannot read rules file '/dev/zero': $NOT_REGULAR" \
    --offline --rules /dev/zero ready.example
refused "-f /dev/zero" "cannot read domain file '/dev/zero': $NOT_REGULAR" \
    --offline -f /dev/zero
refused "--zone a directory" "cannot read zone file '$TM_TMP': Is a directory" \
    --offline --zone "$TM_TMP" ready.example

# Standard input may be anything, and is read to the cap only.
tm_case "-f - from /dev/zero stops at 64 MiB"
TM_CMD="tmems-check --offline -f - </dev/zero"
timeout -k 5 "$TM_RUN_LIMIT_S" "$TM_BIN" --offline -f - </dev/zero >"$TM_OUT" 2>"$TM_ERR"
TM_RC=$?
expect_exit 2
tm_assert "the cap in the message" \
    grep -qF "cannot read domain file '-': larger than 64 MiB" "$TM_ERR"

tm_case "-f - from a pipe still works"
TM_CMD="echo ready.example | tmems-check --offline --zone READY -f - -q"
echo ready.example | timeout -k 5 "$TM_RUN_LIMIT_S" "$TM_BIN" --offline --zone "$READY" -f - -q \
    >"$TM_OUT" 2>"$TM_ERR"
TM_RC=$?
expect_exit 0
expect_stdout_has "the verdict" '^ready\.example: '

# ---- caps -------------------------------------------------------------------------

# Sparse files: the size is there, the disk blocks are not.
truncate -s $((64 * 1024 * 1024 + 1)) "$TM_TMP/big.zone"
truncate -s $((64 * 1024 * 1024 + 1)) "$TM_TMP/big.txt"
truncate -s $((1024 * 1024 + 1)) "$TM_TMP/big.json"
refused "a zone file one byte over 64 MiB" "cannot read zone file '$TM_TMP/big.zone': larger than 64 MiB" \
    --offline --zone "$TM_TMP/big.zone" ready.example
refused "a domain file one byte over 64 MiB" "cannot read domain file '$TM_TMP/big.txt': larger than 64 MiB" \
    --offline -f "$TM_TMP/big.txt"
refused "a rules file one byte over 1 MiB" "cannot read rules file '$TM_TMP/big.json': larger than 1 MiB" \
    --offline --rules "$TM_TMP/big.json" ready.example

# ---- a NUL in a rules file ---------------------------------------------------------

RULES="$SRC/data/rules/jp.json"
# Writes both files; prints the line and column of the NUL.
read -r line col < <("$TM_PYTHON" - "$RULES" "$TM_TMP" <<'EOF'
import sys
src, tmp = sys.argv[1], sys.argv[2]
text = open(src, 'rb').read()
key = b'"spf_include": "spf.tmems-jp.trendmicro.com'
at = text.index(key) + len(key)
open(tmp + '/raw-nul.json', 'wb').write(text[:at] + b'\x00.evil.example' + text[at:])
open(tmp + '/escaped-nul.json', 'wb').write(text[:at] + b'\\u0000.evil.example' + text[at:])
print(text[:at].count(b'\n') + 1, at - (text.rfind(b'\n', 0, at) + 1) + 1)
EOF
)
refused "a raw NUL inside a rules string" \
    "rules file '$TM_TMP/raw-nul.json': \$: a NUL byte is not allowed (line $line, column $col)" \
    --offline --rules "$TM_TMP/raw-nul.json" --zone "$READY" ready.example
refused "\\u0000 inside a rules string" \
    "rules file '$TM_TMP/escaped-nul.json': \$: \\u0000 is not allowed (line $line, column $col)" \
    --offline --rules "$TM_TMP/escaped-nul.json" --zone "$READY" ready.example

# ---- a large MX set: processed, whatever it costs (bench/mx_scale.sh times it) ------

awk 'BEGIN {
    print "$ORIGIN many.example.\n$TTL 300\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1"
    for (i = 0; i < 20000; i++) printf "@ MX 10 h%d\nh%d A 192.0.2.%d\n", i, i, i % 250 + 1
}' >"$TM_TMP/many.zone"
tm_case "20,000 MX records"
tm_run_raw --offline --zone "$TM_TMP/many.zone" --format json --only inbound.servers,mx.target many.example
expect_exit 0
expect_json '.results[0].records.mx | length' 20000
expect_json '[.results[0].checks[] | select(.id == "inbound.servers") | .fix | split("\n") | length] | .[0]' 20001

tm_finish
