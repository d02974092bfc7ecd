#!/usr/bin/env bash
# run.sh BINARY SCENARIO LANG - runs one golden scenario (scenarios.txt) and
# compares its text report byte for byte with SCENARIO.LANG.txt.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=lib.sh
. "$root/tests/golden/lib.sh"

bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
golden=$root/tests/golden/$2.$3.txt
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

golden_run "$bin" "$2" "$3" > "$tmp"
rc=$?
if [ "$rc" -eq 2 ]; then
    echo "golden $2.$3: the tool exited 2 (usage or input error)" >&2
    exit 1
fi
if [ ! -f "$golden" ]; then
    echo "golden $2.$3: $golden is missing; create it with tests/golden/update.sh" >&2
    exit 1
fi
if ! diff -u --label "$2.$3.txt (expected)" --label "$2.$3.txt (actual)" "$golden" "$tmp"; then
    echo "golden $2.$3: the report differs; if the change is intended, run" \
         "tests/golden/update.sh and review the diff" >&2
    exit 1
fi
echo "golden $2.$3: identical ($(wc -c < "$golden") bytes, exit status $rc)"
