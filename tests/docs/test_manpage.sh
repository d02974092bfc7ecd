#!/usr/bin/env bash
# test_manpage.sh BINARY - docs/tmems-check.1 renders without a groff
# warning, and every option that `tmems-check --help` lists is documented in
# the man page and offered by the bash completion, so that neither falls
# behind when an option is added.
set -uo pipefail

bin=$1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
man=$root/docs/tmems-check.1
comp=$root/completions/tmems-check.bash
failures=0

if command -v groff >/dev/null; then
    warnings=$(groff -man -Tutf8 -k -ww -z "$man" 2>&1)
    if [ -n "$warnings" ]; then
        echo "FAIL groff warnings:"; printf '%s\n' "$warnings"
        failures=$((failures + 1))
    else
        echo "ok   groff renders the page without warnings"
    fi
fi

opts=$(env -i PATH="$PATH" "$bin" --help --lang en | grep -o -- '--[a-z][a-z-]*\|^ *-[a-z]\b\|, -[a-z]\b' |
       sed 's/^[ ,]*//' | LC_ALL=C sort -u)
[ -n "$opts" ] || { echo "FAIL no option found in --help"; exit 1; }
for opt in $opts; do
    # troff writes each '-' of an option as '\-'.
    escaped=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
    if ! grep -q -- "$escaped" "$man"; then
        echo "FAIL $opt is not in docs/tmems-check.1"
        failures=$((failures + 1))
    fi
    if ! grep -q -- "$opt\b" "$comp"; then
        echo "FAIL $opt is not offered by completions/tmems-check.bash"
        failures=$((failures + 1))
    fi
done
echo "checked $(echo "$opts" | wc -w) options: $(echo $opts)"
if [ "$failures" -ne 0 ]; then
    echo "test_manpage: $failures failures"
    exit 1
fi
echo "test_manpage: all passed"
