#!/usr/bin/env bash
# test.sh - the whole test suite, from a fresh machine: bootstrap (packages
# and ./build, the program the README's first command runs), then a build
# with AddressSanitizer and UndefinedBehaviorSanitizer in ./build-asan and
# every test on it: unit, fuzz replay, RFC 7208 conformance, integration
# (the binary against a real BIND 9 on loopback), golden, docs, i18n,
# layers and package (the two sweeps on ./build: see below).
# TM_TEST_JOBS: how many tests at once (default: one more than the CPUs).
#
# TM_VALGRIND=1 (CI, .ci/run) adds what takes longer than the rest
# together: every test again on ./build (RelWithDebInfo, the optimised
# program users install), then valgrind over ./build: the unit and
# fuzz-replay executables (ctest memcheck) and the integration and
# conformance scripts with every run of a program of ours wrapped
# (TM_WRAPPER, tests/integration/lib.sh).
# Exits non-zero when anything fails; the last line sums every run.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

jobs=$(nproc 2>/dev/null || echo 2)
# One test more than CPUs: several tests wait (a BIND starting, a watch's
# interval, a probe's timeout) while the others use the CPUs.
test_jobs=${TM_TEST_JOBS:-$((jobs + 1))}
status=0
passed=0
failed=0
log=$(mktemp "${TMPDIR:-/tmp}/tmems-ctest.XXXXXX")
trap 'rm -f "$log"' EXIT

# run_ctest LABEL DIR [CTEST_ARGS...]: runs ctest, keeps its summary line
# for the total.
run_ctest() {
    echo "== ctest: $1"
    local rc
    set +e
    ctest --test-dir "$2" --output-on-failure -j "$test_jobs" "${@:3}" 2>&1 | tee "$log"
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

# Warnings are errors here and in CI (never in a user's build: CMakeLists.txt).
export TM_WERROR=ON
bash scripts/bootstrap.sh

echo "== build-asan (TM_SANITIZE=ON)"
# -O1: the sanitizers' own advice, and a third less time per run of the
# program than -O0, which the suite runs some ten thousand times; the
# checks are the same.  Asserts stay on (no NDEBUG).
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-g -O1" \
    -DTM_SANITIZE=ON -DTM_WERROR=ON
cmake --build build-asan -j "$jobs"
# Leak detection stays on: a leak fails the test that caused it.  (Both
# variables mean nothing to the programs of ./build.)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Two tests are sweeps: the fix closure and the three zone formats run the
# program some two thousand times over every scenario to compare findings,
# code every other test already runs under the sanitizers.  Here they run
# ./build (optimised, what users install: a third to a fifth of the time); CI runs them
# under the sanitizers as well, with every other test, in both builds.
# The browser test likewise renders each scenario in one language here
# (TM_BROWSER_ONE_LANG, tests/integration/test_html_browser.sh), in both in CI.
if [ "${TM_VALGRIND:-0}" != 1 ]; then
    export TM_SWEEP_BIN="$PWD/build/tmems-check"
    export TM_BROWSER_ONE_LANG=1
fi
# ci/install.sh building the program from the sources (what a CI runner
# without the package does) compiles the whole tool again, which is half a
# minute of the two CPUs: the plain pass of CI runs it, not this one.
export TM_SKIP_BUILD_TESTS=1
run_ctest "build-asan (ASan+UBSan)" build-asan
unset TM_SWEEP_BIN TM_SKIP_BUILD_TESTS TM_BROWSER_ONE_LANG

# Valgrind: a definite or indirect leak, or any memory error, is an error
# with its own exit status (97, never one of the tool's 0-3).
if [ "${TM_VALGRIND:-0}" = 1 ]; then
    run_ctest "build (RelWithDebInfo)" build
    vg_opts="--leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=97"
    run_ctest "build under valgrind (unit, fuzz replay)" build \
        -T memcheck -L '^(unit|fuzz)$' \
        --overwrite "MemoryCheckCommand=$(command -v valgrind)" \
        --overwrite "MemoryCheckCommandOptions=$vg_opts"
    vg_logs=$(mktemp -d "${TMPDIR:-/tmp}/tmems-vg.XXXXXX")
    # The scripts (integration, and the RFC 7208 suite through both the
    # evaluator's harness and the command line) put TM_WRAPPER in front of
    # every run of a program of ours; valgrind's reports go to files, so the
    # scripts' stderr checks still hold; TM_TIME_FACTOR widens their time
    # budgets for the slower runs.
    TM_WRAPPER="valgrind -q $vg_opts --log-file=$vg_logs/vg.%p.log" TM_TIME_FACTOR=6 \
        run_ctest "integration and conformance under valgrind" build \
        -L '^(integration|conformance)$'
    for f in "$vg_logs"/vg.*.log; do
        [ -s "$f" ] || continue
        echo "test.sh: valgrind found errors ($f):"
        cat "$f"
        status=1
    done
    rm -rf -- "$vg_logs"
fi

[ "$failed" -eq 0 ] || status=1
echo "total: $passed passed, $failed failed"
exit "$status"
