#!/usr/bin/env bash
# test_json_layout.sh - the JSON outputs byte for byte: the --format json
# document (two-space layout, docs/json.md), --format jsonl and the spf
# subcommand's JSON, for a batch that holds every part of a result (mixed
# ranges, a deep SPF tree, a Unicode name, a null MX, hostile bytes, an
# invalid line, a repeated one), compared with tests/golden/json/*.  The
# layout is a contract: scripts and diffs of reports read it.  elapsed_ms
# is the only field that changes from run to run; it is compared as 0.
#
# Run by ctest as: bash test_json_layout.sh /path/to/tmems-check
# Regenerate after an intended change (tests/golden/update.sh does it too):
#   TM_JSON_GOLDEN_UPDATE=1 bash tests/integration/test_json_layout.sh BIN
# and review the diff before committing.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tm_init "$@"

G="$TM_SOURCE_DIR/tests/golden/json"
ZONES=()
for z in "$TM_ZONES"/*.zone "$G"/esc.example.zone; do
    ZONES+=(--zone "$z")
done

# golden NAME [spf] ARGS... : runs the tool offline on the zones (English, no
# colour) and compares its standard output, elapsed_ms set to 0, with $G/NAME.
golden() {
    local name=$1 sub=()
    shift
    if [ "$1" = spf ]; then
        sub=(spf)
        shift
    fi
    tm_case "$name"
    tm_run_raw "${sub[@]}" --offline "${ZONES[@]}" --lang en --color never "$@"
    # the zone files' paths (findings' "source") relative to the checkout
    sed -E -e 's/^(  "elapsed_ms": )[0-9]+$/\10/' -e "s|\"$TM_SOURCE_DIR/|\"|g" "$TM_OUT" \
        >"$TM_TMP/$name"
    if [ "${TM_JSON_GOLDEN_UPDATE:-0}" = 1 ]; then
        cp "$TM_TMP/$name" "$G/$name"
        tm_log "updated $G/$name"
    fi
    if diff -u --label "$name (expected)" --label "$name (actual)" "$G/$name" \
        "$TM_TMP/$name" >"$TM_TMP/$name.diff"; then
        tm_pass
    else
        head -40 "$TM_TMP/$name.diff" >&2
        tm_fail "$name differs from tests/golden/json/$name"
    fi
}

golden batch.json -f "$G/domains.txt" --format json
expect_exit 1
expect_valid_json
golden batch.jsonl -f "$G/domains.txt" --format jsonl
expect_exit 1
tm_assert "one result a line, each valid JSON" \
    bash -c '[ "$(jq -c . "$1" | wc -l)" = 8 ] && [ "$(wc -l < "$1")" = 8 ]' _ "$TM_OUT"
golden spf.json spf esc.example --ip 192.0.2.1 --format json
expect_exit 0
expect_valid_json
golden spf-13lookups.json spf spf-13lookups.example --ip 192.0.2.1 --format json
expect_exit 0
expect_valid_json

tm_finish
