/* test_watch_horizon.c - the cache horizon (src/lib/watch/horizon.c): the
 * poll that saw every name server changed plus the old MX TTL, known only
 * then; the old TTL remembered from the first answers that were not yet
 * the expected state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "watch_fixture.h"

static void test_compute(void **state)
{
    (void)state;
    tm_watch_horizon_t h;
    tm_watch_horizon_compute(-1, true, 3600, false, &h);
    assert_false(h.known); /* a name server still serves the old MX */
    tm_watch_horizon_compute(1000000, false, 0, false, &h);
    assert_false(h.known); /* no old TTL seen */
    tm_watch_horizon_compute(1000000, true, 3600, false, &h);
    assert_true(h.known);
    assert_int_equal(h.at_ms, 1000000 + 3600 * 1000);
    assert_int_equal(h.ttl_s, 3600);
    assert_false(h.ttl_given);
    tm_watch_horizon_compute(5000, true, 0, true, &h);
    assert_true(h.known);
    assert_int_equal(h.at_ms, 5000);
    assert_true(h.ttl_given);
}

static void test_old_ttl(void **state)
{
    (void)state;
    tm_watch_facts_t a = {.answered = true, .mx = "10 " WX_OLD_MX, .mx_ttl = 300};
    tm_watch_facts_t b = {.answered = true, .mx = "10 " WX_OLD_MX, .mx_ttl = 86400};
    tm_watch_facts_t ready = {.answered = true, .mx = "10 " WX_NEW_MX, .mx_ttl = 999999};
    tm_watch_facts_t none = {.answered = true, .mx = "", .mx_ttl = 0};
    bool known = false;
    uint32_t ttl = 0;
    tm_watch_old_ttl_note(&ready, TM_WATCH_READY, &known, &ttl);
    assert_false(known); /* the new MX is not the old one */
    tm_watch_old_ttl_note(&none, TM_WATCH_OLD, &known, &ttl);
    assert_false(known);
    tm_watch_old_ttl_note(&a, TM_WATCH_OLD, &known, &ttl);
    assert_true(known);
    assert_int_equal(ttl, 300);
    tm_watch_old_ttl_note(&b, TM_WATCH_OTHER, &known, &ttl);
    assert_int_equal(ttl, 86400); /* the highest: a cache may hold that long */
    tm_watch_old_ttl_note(&a, TM_WATCH_OLD, &known, &ttl);
    assert_int_equal(ttl, 86400);
    tm_watch_old_ttl_note(NULL, TM_WATCH_OLD, &known, &ttl);
    assert_int_equal(ttl, 86400);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compute),
        cmocka_unit_test(test_old_ttl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
