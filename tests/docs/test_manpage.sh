#!/usr/bin/env bash
# test_manpage.sh BINARY - docs/tmems-check.1 renders without a groff
# warning; the options of the domain checks, of `tmems-check spf` and of
# `tmems-check checks` are the same set in --help, in the man page and in
# the bash completion; and the check ids are the same list in
# `tmems-check checks`, the completion and docs/checks.md
# (check_options.py), so that none falls behind when an option or a check
# is added.
set -uo pipefail

bin=$1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
man=$root/docs/tmems-check.1
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

python3 "$root/tests/docs/check_options.py" "$bin" "$root" || failures=$((failures + 1))

if [ "$failures" -ne 0 ]; then
    echo "test_manpage: $failures failures"
    exit 1
fi
echo "test_manpage: all passed"
