/* test_clock.c - the one monotonic clock (util/clock.c): it never goes
 * back, its two units agree, and it is CLOCK_MONOTONIC.  Orderings only:
 * no assertion depends on how long anything takes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <time.h>

#include "tmems/tm_util.h"

static long long monotonic_us_direct(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void test_never_goes_back(void **state)
{
    (void)state;
    long long prev_us = tm_monotonic_us(), prev_ms = tm_monotonic_ms();
    for (int i = 0; i < 10000; i++) {
        long long us = tm_monotonic_us(), ms = tm_monotonic_ms();
        assert_true(us >= prev_us);
        assert_true(ms >= prev_ms);
        prev_us = us;
        prev_ms = ms;
    }
}

/* Milliseconds are the microseconds divided by 1000, and both are read on
 * CLOCK_MONOTONIC: each reading lies between two direct readings. */
static void test_units_and_source(void **state)
{
    (void)state;
    long long before = monotonic_us_direct();
    long long us = tm_monotonic_us();
    long long ms = tm_monotonic_ms();
    long long after = monotonic_us_direct();
    assert_true(before <= us && us <= after);
    assert_true(before / 1000 <= ms && ms <= after / 1000);
    assert_true(us > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_never_goes_back),
        cmocka_unit_test(test_units_and_source),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
