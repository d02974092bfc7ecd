/* test_zone_live.c - the rules of what a DNS-as-code file leaves to the
 * DNS provider (src/lib/resolve/zone_live.c): globs, types, precedence,
 * the bound on rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "resolve/zone_live.h"

static void test_empty_set(void **state)
{
    (void)state;
    const char *where = "untouched";
    assert_int_equal(zone_live_match(NULL, "@", TM_RR_MX, &where), TM_ZONE_LIVE_NONE);
    assert_string_equal(where, "untouched");
    zone_live_destroy(NULL);
}

static void test_globs_and_types(void **state)
{
    (void)state;
    zone_live_t *set = NULL;
    assert_int_equal(zone_live_add(&set, "@", TM_RR_MX, TM_ZONE_LIVE_IGNORED, "apex mx"), TM_OK);
    assert_int_equal(zone_live_add(&set, "mail?", 0, TM_ZONE_LIVE_IGNORED, "mail"), TM_OK);
    assert_int_equal(zone_live_add(&set, "*.{a,b}.x", TM_RR_A, TM_ZONE_LIVE_IGNORED, "alt"), TM_OK);
    assert_int_equal(zone_live_add(&set, "alias", TM_RR_CNAME, TM_ZONE_LIVE_IGNORED, "cname"),
                     TM_OK);
    assert_int_equal(zone_live_add(&set, "lit\\*", TM_RR_TXT, TM_ZONE_LIVE_IGNORED, "esc"), TM_OK);
    const char *where = NULL;
    assert_int_equal(zone_live_match(set, "@", TM_RR_MX, &where), TM_ZONE_LIVE_IGNORED);
    assert_string_equal(where, "apex mx");
    assert_int_equal(zone_live_match(set, "@", TM_RR_TXT, NULL), TM_ZONE_LIVE_NONE);
    /* '?' one character, any type; case does not matter */
    assert_int_equal(zone_live_match(set, "mail2", TM_RR_TXT, NULL), TM_ZONE_LIVE_IGNORED);
    assert_int_equal(zone_live_match(set, "MAIL2", TM_RR_A, NULL), TM_ZONE_LIVE_IGNORED);
    assert_int_equal(zone_live_match(set, "mail", TM_RR_A, NULL), TM_ZONE_LIVE_NONE);
    /* '*' crosses dots; {a,b} is either alternative */
    assert_int_equal(zone_live_match(set, "h.q.a.x", TM_RR_A, NULL), TM_ZONE_LIVE_IGNORED);
    assert_int_equal(zone_live_match(set, "h.b.x", TM_RR_A, &where), TM_ZONE_LIVE_IGNORED);
    assert_string_equal(where, "alt");
    assert_int_equal(zone_live_match(set, "h.c.x", TM_RR_A, NULL), TM_ZONE_LIVE_NONE);
    assert_int_equal(zone_live_match(set, "h.a.y", TM_RR_A, NULL), TM_ZONE_LIVE_NONE);
    /* a CNAME rule covers every type */
    assert_int_equal(zone_live_match(set, "alias", TM_RR_MX, NULL), TM_ZONE_LIVE_IGNORED);
    /* an escaped '*' is a literal star */
    assert_int_equal(zone_live_match(set, "lit*", TM_RR_TXT, NULL), TM_ZONE_LIVE_IGNORED);
    assert_int_equal(zone_live_match(set, "litx", TM_RR_TXT, NULL), TM_ZONE_LIVE_NONE);
    zone_live_destroy(set);
}

static void test_braces(void **state)
{
    (void)state;
    zone_live_t *set = NULL;
    /* nested groups, an escaped comma, an empty alternative */
    assert_int_equal(zone_live_add(&set, "{m{x,y},n\\,o,}z", TM_RR_A, TM_ZONE_LIVE_IGNORED, ""),
                     TM_OK);
    static const char *const yes[] = {"mxz", "myz", "n,oz", "z"};
    static const char *const no[] = {"mz", "nz", "oz", "mxyz"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(zone_live_match(set, yes[i], TM_RR_A, NULL), TM_ZONE_LIVE_IGNORED);
        assert_int_equal(zone_live_match(set, no[i], TM_RR_A, NULL), TM_ZONE_LIVE_NONE);
    }
    zone_live_destroy(set);
    /* unbalanced: from the brace on, anything */
    set = NULL;
    assert_int_equal(zone_live_add(&set, "w{a,b", TM_RR_A, TM_ZONE_LIVE_IGNORED, ""), TM_OK);
    assert_int_equal(zone_live_match(set, "wzzz", TM_RR_A, NULL), TM_ZONE_LIVE_IGNORED);
    assert_int_equal(zone_live_match(set, "v", TM_RR_A, NULL), TM_ZONE_LIVE_NONE);
    zone_live_destroy(set);
    /* 2^10 alternatives: past the bound the rest match through '*', so
     * every name the pattern meant still matches */
    set = NULL;
    assert_int_equal(zone_live_add(&set, "{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}",
                                   TM_RR_A, TM_ZONE_LIVE_IGNORED, ""),
                     TM_OK);
    assert_int_equal(zone_live_match(set, "aaaaaaaaaa", TM_RR_A, NULL), TM_ZONE_LIVE_IGNORED);
    assert_int_equal(zone_live_match(set, "bbbbbbbbbb", TM_RR_A, NULL), TM_ZONE_LIVE_IGNORED);
    assert_int_equal(zone_live_match(set, "abababbbab", TM_RR_A, NULL), TM_ZONE_LIVE_IGNORED);
    zone_live_destroy(set);
}

static void test_kept_wins(void **state)
{
    (void)state;
    zone_live_t *set = NULL;
    /* an empty pattern is every owner */
    assert_int_equal(zone_live_add(&set, "", TM_RR_MX, TM_ZONE_LIVE_IGNORED, "ignore"), TM_OK);
    assert_int_equal(zone_live_add(&set, "*", 0, TM_ZONE_LIVE_KEPT, "no purge"), TM_OK);
    const char *where = NULL;
    assert_int_equal(zone_live_match(set, "@", TM_RR_MX, &where), TM_ZONE_LIVE_KEPT);
    assert_string_equal(where, "no purge");
    zone_live_destroy(set);
}

static void test_bound(void **state)
{
    (void)state;
    zone_live_t *set = NULL;
    tm_status_t st = TM_OK;
    size_t added = 0;
    while ((st = zone_live_add(&set, "n", TM_RR_A, TM_ZONE_LIVE_IGNORED, "")) == TM_OK)
        added++;
    assert_int_equal(st, TM_ERANGE);
    assert_int_equal(added, 65536);
    zone_live_destroy(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_set),
        cmocka_unit_test(test_globs_and_types),
        cmocka_unit_test(test_braces),
        cmocka_unit_test(test_kept_wins),
        cmocka_unit_test(test_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
