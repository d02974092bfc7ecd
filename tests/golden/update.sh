#!/usr/bin/env bash
# update.sh [BINARY] - regenerates every golden file (tests/golden/*.txt and
# tests/golden/json/) from the built binary (default: ./build/tmems-check).
#
# The golden files are the expected output: regenerate them only for an
# intended change, then READ THE DIFF (git diff tests/golden) before
# committing - a golden file updated without review tests nothing.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=lib.sh
. "$root/tests/golden/lib.sh"

bin=${1:-$root/build/tmems-check}
[ -x "$bin" ] || { echo "update.sh: no binary at $bin (build first, or pass its path)" >&2; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

for name in $(golden_names); do
    for lang in ja en; do
        out=$root/tests/golden/$name.$lang.txt
        rc=0
        golden_run "$bin" "$name" "$lang" > "$out.tmp" || rc=$?
        if [ "$rc" -eq 2 ]; then
            rm -f "$out.tmp"
            echo "update.sh: $name.$lang: the tool exited 2; fix scenarios.txt" >&2
            exit 1
        fi
        mv "$out.tmp" "$out"
        echo "update.sh: $name.$lang.txt (exit status $rc)"
    done
done
# The JSON outputs byte for byte (tests/golden/json, checked by
# tests/integration/test_json_layout.sh).
TM_JSON_GOLDEN_UPDATE=1 bash "$root/tests/integration/test_json_layout.sh" "$bin" >/dev/null
echo "update.sh: json/*.json, json/batch.jsonl"
echo "update.sh: now review: git diff --stat tests/golden; git diff tests/golden"
