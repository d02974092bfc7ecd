/* test_check_plan.c - the proposed findings against the live ones, check by
 * check (src/lib/check/plan.c): fixed, broken, still failing, unchanged;
 * --strict makes a warning fail; a check on one side only; the two
 * assessments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "tmems/tm_plan.h"

static void add(tm_findings_t *f, const char *id, tm_check_status_t st)
{
    if (f->count == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 8;
        f->items = tm_realloc(f->items, f->cap * sizeof *f->items);
        assert_non_null(f->items);
    }
    tm_finding_t *it = &f->items[f->count++];
    memset(it, 0, sizeof *it);
    it->id = id;
    it->status = st;
}

static const tm_plan_item_t *item(const tm_plan_t *p, const char *id)
{
    for (size_t i = 0; i < p->count; i++) {
        if (strcmp(p->items[i].id, id) == 0)
            return &p->items[i];
    }
    fail_msg("no item %s", id);
    return NULL;
}

static void test_changes(void **state)
{
    (void)state;
    tm_findings_t live, prop;
    tm_findings_init(&live);
    tm_findings_init(&prop);
    add(&live, "mx.tmems", TM_CHECK_FAIL);
    add(&prop, "mx.tmems", TM_CHECK_PASS);
    add(&live, "spf.include", TM_CHECK_PASS);
    add(&prop, "spf.include", TM_CHECK_FAIL);
    add(&live, "spf.single", TM_CHECK_ERROR);
    add(&prop, "spf.single", TM_CHECK_FAIL);
    add(&live, "mx.ttl", TM_CHECK_WARN);
    add(&prop, "mx.ttl", TM_CHECK_PASS);
    add(&live, "mx.bypass", TM_CHECK_SKIP);
    add(&prop, "mx.bypass", TM_CHECK_PASS);
    add(&prop, "token.match", TM_CHECK_FAIL); /* proposed only */
    add(&live, "rules.current", TM_CHECK_FAIL); /* live only */
    tm_plan_t p;
    assert_int_equal(tm_plan_compare("d.example", &live, &prop, false, &p), TM_OK);
    assert_int_equal(p.count, 7);
    assert_int_equal(item(&p, "mx.tmems")->change, TM_PLAN_FIXED);
    assert_int_equal(item(&p, "spf.include")->change, TM_PLAN_BROKEN);
    assert_int_equal(item(&p, "spf.single")->change, TM_PLAN_STILL_FAILING);
    assert_int_equal(item(&p, "mx.ttl")->change, TM_PLAN_UNCHANGED); /* warn passes */
    assert_int_equal(item(&p, "mx.bypass")->change, TM_PLAN_UNCHANGED);
    assert_int_equal(item(&p, "token.match")->change, TM_PLAN_BROKEN);
    assert_null(item(&p, "token.match")->live);
    assert_int_equal(item(&p, "rules.current")->change, TM_PLAN_FIXED);
    assert_null(item(&p, "rules.current")->proposed);
    assert_int_equal(p.changes[TM_PLAN_FIXED], 2);
    assert_int_equal(p.changes[TM_PLAN_BROKEN], 2);
    assert_int_equal(p.proposed.fails, 3);
    assert_int_equal(p.live.errors, 1);
    assert_string_equal(p.domain, "d.example");
    tm_plan_clear(&p);
    /* strict: the warning is a failure, and its removal a fix */
    assert_int_equal(tm_plan_compare("d.example", &live, &prop, true, &p), TM_OK);
    assert_int_equal(item(&p, "mx.ttl")->change, TM_PLAN_FIXED);
    assert_true(p.strict);
    tm_plan_clear(&p);
    tm_plan_clear(NULL);
    tm_free(live.items);
    tm_free(prop.items);
}

static void test_names_and_empty(void **state)
{
    (void)state;
    assert_string_equal(tm_plan_change_name(TM_PLAN_FIXED), "fixed");
    assert_string_equal(tm_plan_change_name(TM_PLAN_BROKEN), "broken");
    assert_string_equal(tm_plan_change_name(TM_PLAN_STILL_FAILING), "still_failing");
    assert_string_equal(tm_plan_change_name(TM_PLAN_UNCHANGED), "unchanged");
    assert_true(tm_plan_failing(TM_CHECK_ERROR, false));
    assert_false(tm_plan_failing(TM_CHECK_WARN, false));
    assert_true(tm_plan_failing(TM_CHECK_WARN, true));
    assert_false(tm_plan_failing(TM_CHECK_SKIP, true));
    tm_findings_t none;
    tm_findings_init(&none);
    tm_plan_t p;
    assert_int_equal(tm_plan_compare("x", &none, &none, false, &p), TM_OK);
    assert_int_equal(p.count, 0);
    tm_plan_clear(&p);
    assert_int_equal(tm_plan_compare("x", NULL, &none, false, &p), TM_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_changes),
        cmocka_unit_test(test_names_and_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
