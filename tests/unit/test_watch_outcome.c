/* test_watch_outcome.c - when the watch is done and why a server keeps it
 * from its goal (src/lib/watch/outcome.c): a stale secondary, a forgotten
 * provider, a serial not increased, a change not made, servers not asked,
 * and the caches of --until caches; the exit statuses 0, 1 and 3. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "watch_fixture.h"

static tm_watch_facts_t g_new = {.answered = true, .serial_known = true, .serial = 2024090102,
                                 .mname = "ns1.acme.example", .mx = "10 " WX_NEW_MX};
static tm_watch_facts_t g_old = {.answered = true, .serial_known = true, .serial = 2024090101,
                                 .mname = "ns1.acme.example", .mx = "10 " WX_OLD_MX};
static tm_watch_facts_t g_same = {.answered = true, .serial_known = true, .serial = 2024090102,
                                  .mname = "ns1.acme.example", .mx = "10 " WX_OLD_MX};
static tm_watch_facts_t g_other = {.answered = true, .serial_known = true, .serial = 7,
                                   .mname = "ns.oldhost.example", .mx = "10 " WX_OLD_MX};

static tm_watch_row_t auth(tm_watch_state_t s, tm_watch_facts_t *f)
{
    return (tm_watch_row_t){TM_WATCH_AUTHORITATIVE, s, f, false, TM_WATCH_WHY_NONE};
}

static tm_watch_row_t cache(tm_watch_state_t s)
{
    return (tm_watch_row_t){TM_WATCH_RESOLVER, s, NULL, false, TM_WATCH_WHY_NONE};
}

static void test_names_and_exits(void **state)
{
    (void)state;
    assert_string_equal(tm_watch_state_name(TM_WATCH_READY), "ready");
    assert_string_equal(tm_watch_state_name(TM_WATCH_OLD), "old");
    assert_string_equal(tm_watch_state_name(TM_WATCH_FAILED), "failed");
    assert_string_equal(tm_watch_role_name(TM_WATCH_RESOLVER), "resolver");
    assert_string_equal(tm_watch_why_name(TM_WATCH_WHY_STALE_SECONDARY), "stale_secondary");
    assert_string_equal(tm_watch_outcome_name(TM_WATCH_UNASKED_END), "unasked");
    assert_int_equal(tm_watch_outcome_exit_status(TM_WATCH_REACHED), 0);
    assert_int_equal(tm_watch_outcome_exit_status(TM_WATCH_WRONG), 1);
    assert_int_equal(tm_watch_outcome_exit_status(TM_WATCH_UNASKED_END), 3);
}

static void test_goal(void **state)
{
    (void)state;
    tm_watch_horizon_t h = {.known = true, .at_ms = 5000, .ttl_s = 5};
    tm_watch_row_t rows[3] = {auth(TM_WATCH_READY, &g_new), auth(TM_WATCH_READY, &g_new),
                              cache(TM_WATCH_OLD)};
    assert_true(tm_watch_goal_reached(rows, 3, false, &h, 0));
    assert_false(tm_watch_goal_reached(rows, 3, true, &h, 6000)); /* the cache is old */
    rows[2].state = TM_WATCH_READY;
    assert_false(tm_watch_goal_reached(rows, 3, true, &h, 4999)); /* before the horizon */
    assert_true(tm_watch_goal_reached(rows, 3, true, &h, 5000));
    rows[1].state = TM_WATCH_FAILED;
    assert_false(tm_watch_goal_reached(rows, 3, false, &h, 0));
    rows[1].skipped = true; /* no route: not counted */
    assert_true(tm_watch_goal_reached(rows, 3, false, &h, 0));
    assert_false(tm_watch_goal_reached(rows, 0, false, &h, 0));
}

static void test_stale_secondary(void **state)
{
    (void)state;
    tm_watch_row_t rows[3] = {auth(TM_WATCH_READY, &g_new), auth(TM_WATCH_OLD, &g_old),
                              cache(TM_WATCH_OLD)};
    assert_int_equal(tm_watch_outcome_judge(rows, 3, false, false, NULL, 0), TM_WATCH_WRONG);
    assert_int_equal(rows[0].why, TM_WATCH_WHY_NONE);
    assert_int_equal(rows[1].why, TM_WATCH_WHY_STALE_SECONDARY);
    assert_int_equal(rows[2].why, TM_WATCH_WHY_NONE);
}

static void test_forgotten_provider_and_same_serial(void **state)
{
    (void)state;
    tm_watch_row_t rows[3] = {auth(TM_WATCH_READY, &g_new), auth(TM_WATCH_OTHER, &g_other),
                              auth(TM_WATCH_OLD, &g_same)};
    assert_int_equal(tm_watch_outcome_judge(rows, 3, false, false, NULL, 0), TM_WATCH_WRONG);
    assert_int_equal(rows[1].why, TM_WATCH_WHY_OTHER_PROVIDER);
    assert_int_equal(rows[2].why, TM_WATCH_WHY_SAME_SERIAL);
}

static void test_unchanged_and_unasked(void **state)
{
    (void)state;
    tm_watch_row_t rows[2] = {auth(TM_WATCH_OLD, &g_old), auth(TM_WATCH_OLD, &g_old)};
    assert_int_equal(tm_watch_outcome_judge(rows, 2, false, false, NULL, 0), TM_WATCH_WRONG);
    assert_int_equal(rows[0].why, TM_WATCH_WHY_UNCHANGED);
    /* a wrong state wins over a server not asked */
    tm_watch_row_t mixed[2] = {auth(TM_WATCH_OLD, &g_old), auth(TM_WATCH_FAILED, NULL)};
    assert_int_equal(tm_watch_outcome_judge(mixed, 2, false, false, NULL, 0), TM_WATCH_WRONG);
    assert_int_equal(mixed[1].why, TM_WATCH_WHY_UNASKED);
    tm_watch_row_t silent[2] = {auth(TM_WATCH_READY, &g_new), auth(TM_WATCH_PENDING, NULL)};
    assert_int_equal(tm_watch_outcome_judge(silent, 2, false, false, NULL, 0),
                     TM_WATCH_UNASKED_END);
    /* nothing found at all */
    assert_int_equal(tm_watch_outcome_judge(NULL, 0, false, false, NULL, 0),
                     TM_WATCH_UNASKED_END);
    assert_int_equal(tm_watch_outcome_judge(silent, 2, true, false, NULL, 0), TM_WATCH_REACHED);
    assert_int_equal(silent[1].why, TM_WATCH_WHY_NONE);
}

static void test_caches(void **state)
{
    (void)state;
    tm_watch_horizon_t h = {.known = true, .at_ms = 5000, .ttl_s = 5};
    tm_watch_row_t rows[2] = {auth(TM_WATCH_READY, &g_new), cache(TM_WATCH_OLD)};
    assert_int_equal(tm_watch_outcome_judge(rows, 2, false, true, &h, 6000), TM_WATCH_WRONG);
    assert_int_equal(rows[1].why, TM_WATCH_WHY_CACHE_STALE);
    assert_int_equal(tm_watch_outcome_judge(rows, 2, false, true, &h, 4000), TM_WATCH_WRONG);
    assert_int_equal(rows[1].why, TM_WATCH_WHY_BEFORE_HORIZON);
    rows[1].state = TM_WATCH_FAILED;
    assert_int_equal(tm_watch_outcome_judge(rows, 2, false, true, &h, 6000),
                     TM_WATCH_UNASKED_END);
    rows[1].state = TM_WATCH_READY;
    assert_int_equal(tm_watch_outcome_judge(rows, 2, false, true, &h, 4000), TM_WATCH_WRONG);
    assert_int_equal(rows[1].why, TM_WATCH_WHY_BEFORE_HORIZON);
    assert_int_equal(tm_watch_outcome_judge(rows, 2, false, true, &h, 6000), TM_WATCH_REACHED);
    /* without --until caches the resolvers do not count */
    rows[1].state = TM_WATCH_OLD;
    assert_int_equal(tm_watch_outcome_judge(rows, 2, false, false, &h, 0), TM_WATCH_REACHED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_and_exits),
        cmocka_unit_test(test_goal),
        cmocka_unit_test(test_stale_secondary),
        cmocka_unit_test(test_forgotten_provider_and_same_serial),
        cmocka_unit_test(test_unchanged_and_unasked),
        cmocka_unit_test(test_caches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
