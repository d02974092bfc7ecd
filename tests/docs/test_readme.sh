#!/usr/bin/env bash
# test_readme.sh - the sample report of README.md is the demo's report as
# the tool prints it today: byte for byte the golden file
# tests/golden/demo.en.txt, which golden.demo.en compares with the binary.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

# The block from the report's heading to its verdict line.
sed -n '/^acme-corp.example: /,/^Verdict: /p' "$root/README.md" > "$tmp"
if [ ! -s "$tmp" ]; then
    echo "test_readme: no sample report found in README.md"
    exit 1
fi
if ! diff -u --label "README.md (sample)" --label "tests/golden/demo.en.txt" \
        "$tmp" "$root/tests/golden/demo.en.txt"; then
    echo "test_readme: README.md shows another report than the demo prints; paste" \
         "tests/golden/demo.en.txt into it"
    exit 1
fi
echo "test_readme: README.md's sample is the demo's report ($(wc -l < "$tmp") lines)"
