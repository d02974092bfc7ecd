#!/usr/bin/env bash
# check_columns.sh BINARY - in the text report, Japanese and English alike,
# the check ids and the summaries start at the same terminal column on every
# line, counting East Asian wide characters as two columns (UAX #11), and
# the detail and fix lines sit under the id column.  Runs every zone of
# tests/zones offline.
set -euo pipefail

bin=$1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One run per language over every zone and domain (a batch report is the
# single-domain reports one after the other); the reports are split back
# into one file per domain below.  A zone named for no mail domain (a
# single label) is no domain to check.
zones=() domains=()
for zone in "$root"/tests/zones/*.zone; do
    zones+=(--zone "$zone")
    domain=$(basename "$zone" .zone)
    case "$domain" in *.*) domains+=("$domain") ;; esac
done
for lang in ja en; do
    # Exit status 1 or 3 is a verdict, not a failure of this test.
    "$bin" --offline "${zones[@]}" --lang "$lang" --color never -v "${domains[@]}" \
        > "$tmp/batch.$lang" 2>/dev/null || true
done
python3 - "$tmp" "${domains[@]}" <<'PY'
import os, sys
tmp, domains = sys.argv[1], set(sys.argv[2:])
for lang in ("ja", "en"):
    out = None
    for line in open(os.path.join(tmp, "batch." + lang), encoding="utf-8"):
        # "domain: ...", or "例え.example (xn--r8jz45g.example): ..." for an IDN
        head = line.split(":", 1)[0]
        if " (" in head and head.endswith(")"):
            head = head.split(" (", 1)[1][:-1]
        if not line.startswith(" ") and head in domains:
            out = open(os.path.join(tmp, f"{head}.{lang}.txt"), "w", encoding="utf-8")
        if out:
            out.write(line)
    found = len([f for f in os.listdir(tmp) if f.endswith(f".{lang}.txt")])
    if found != len(domains):
        sys.exit(f"check_columns: {found} of {len(domains)} domains reported in {lang}")
PY

python3 - "$tmp" <<'PY'
import glob, os, re, sys, unicodedata

def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else
               0 if unicodedata.combining(c) else 1 for c in s)

# A finding line: two spaces, a status word, blanks, a check id, blanks, text.
finding = re.compile(r"^  (\S+)( +)([a-z][a-z0-9_]*\.[a-z0-9_.]+)( +)(\S.*)$")
bad = checked = 0
reports = sorted(glob.glob(os.path.join(sys.argv[1], "*.txt")))
for path in reports:
    lines = open(path, encoding="utf-8").read().splitlines()
    id_cols, text_cols = set(), set()
    for no, line in enumerate(lines, 1):
        m = finding.match(line)
        if not m:
            continue
        id_col = 2 + width(m.group(1)) + len(m.group(2))
        text_col = id_col + len(m.group(3)) + len(m.group(4))
        id_cols.add(id_col)
        text_cols.add(text_col)
        # Detail and fix lines under this finding start at the id column;
        # the lines after a "Fix: " label start under the text after it.
        floor = id_col
        for k, follow in enumerate(lines[no:], no + 1):
            if finding.match(follow) or not follow.startswith("  " * 2):
                break
            indent = len(follow) - len(follow.lstrip(" "))
            label = re.match(r"(\S+: )", follow[indent:])
            if indent == id_col:
                floor = id_col + width(label.group(1)) if label else id_col
            elif indent < floor:
                print(f"{os.path.basename(path)}:{k}: indented {indent}, expected {floor}")
                bad += 1
    if len(id_cols) > 1 or len(text_cols) > 1:
        print(f"{os.path.basename(path)}: id columns {sorted(id_cols)}, summary columns {sorted(text_cols)}")
        bad += 1
    if id_cols:
        checked += 1
if checked < len(reports) // 2:
    print(f"only {checked} of {len(reports)} reports have finding lines")
    bad += 1
print(f"check_columns: {checked} reports checked, {bad} problems")
sys.exit(1 if bad else 0)
PY
