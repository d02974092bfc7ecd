#!/usr/bin/env bash
# test_fix_closure.sh - every Fix fixes: for every scenario zone the tests
# use, every finding's fix_records are pasted into a copy of the zone, and
# the finding must then pass, no other check may get worse, and no address
# the SPF record authorised may lose that (docs/json.md, fix_records; the
# method is described in fix_closure.py).  First the helper's self-test
# shows that it catches deliberately broken Fixes.
#
# Run by ctest as: bash test_fix_closure.sh /path/to/tmems-check
# Offline only (zone files and named-checkzone): no server is started.
# TM_SWEEP_BIN, when set, is the program checked instead (scripts/test.sh:
# the README's command sweeps with the optimised build, CI with both).
set -u
bin=${TM_SWEEP_BIN:-${1:-}}
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
    echo "usage: bash $0 /path/to/tmems-check" >&2
    exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${TM_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
command -v named-checkzone >/dev/null || { echo "named-checkzone is required (bind9-utils)" >&2; exit 2; }

# Debian's interpreter when there is one (lib.sh, TM_PYTHON).
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3

rc=0
"$py" "$here/fix_closure.py" "$bin" "$root" --self-test || rc=1
"$py" "$here/fix_closure.py" "$bin" "$root" || rc=1
exit $rc
