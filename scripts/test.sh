#!/usr/bin/env bash
# test.sh - the whole test suite, from a fresh machine: bootstrap (packages
# and ./build), ctest on ./build, then a second build with AddressSanitizer
# and UndefinedBehaviorSanitizer in ./build-asan and ctest on it.
# Exits non-zero when anything fails; the last line sums both runs.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

jobs=$(nproc 2>/dev/null || echo 2)
status=0
passed=0
failed=0
log=$(mktemp "${TMPDIR:-/tmp}/tmems-ctest.XXXXXX")
trap 'rm -f "$log"' EXIT

# run_ctest LABEL DIR: runs ctest, keeps its summary line for the total.
run_ctest() {
    echo "== ctest: $1"
    local rc
    set +e
    ctest --test-dir "$2" --output-on-failure -j "$jobs" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    [ "$rc" -eq 0 ] || status=1
    # "100% tests passed, 0 tests failed out of 42"
    local line total bad
    line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1 || true)
    if [ -z "$line" ]; then
        echo "test.sh: ctest in $2 gave no summary"
        status=1
        return
    fi
    total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
    bad=$(sed -E 's/.*, ([0-9]+) tests? failed.*/\1/' <<<"$line")
    passed=$((passed + total - bad))
    failed=$((failed + bad))
}

bash scripts/bootstrap.sh

run_ctest "build (RelWithDebInfo)" build

echo "== build-asan (TM_SANITIZE=ON)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DTM_SANITIZE=ON
cmake --build build-asan -j "$jobs"
# Leak detection stays on: a leak fails the test that caused it.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
run_ctest "build-asan (ASan+UBSan)" build-asan

[ "$failed" -eq 0 ] || status=1
echo "total: $passed passed, $failed failed"
exit "$status"
