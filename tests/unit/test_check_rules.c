/* test_check_rules.c - rules.current: the live site record against the
 * bundled ranges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "check_fixture.h"

#define SITE "spf.tmems-jp.trendmicro.com"
#define LIVE_NOW                                                                               \
    "v=spf1 ip4:18.176.203.128/26 ip4:18.176.203.192/26 ip4:18.177.156.0/26 "                  \
    "ip4:18.177.156.64/26 ip4:15.168.56.0/25 ip4:15.168.49.64/26 ip4:15.168.56.128/26 -all"

static void put_site(fx_t *fx, const char *record, tm_dns_source_t source)
{
    tm_answer_t *ans = tm_answer_create(SITE, TM_RR_TXT, TM_DNS_NOERROR);
    assert_non_null(ans);
    assert_int_equal(tm_answer_add_txt1(ans, 3600, record), TM_OK);
    ans->source = source;
    fx_put(fx, ans);
}

static void test_same_ranges_pass(void **state)
{
    fx_t *fx = *state;
    put_site(fx, LIVE_NOW, TM_SRC_DNS);
    tm_finding_t *f = fx_run(fx, tm_check_rules_current);
    assert_int_equal(f->status, TM_CHECK_PASS);
    assert_contains(f->summary, "7 bundled ranges");
}

static void test_order_does_not_matter(void **state)
{
    fx_t *fx = *state;
    put_site(fx,
             "v=spf1 ip4:15.168.56.128/26 ip4:15.168.49.64/26 ip4:15.168.56.0/25 "
             "ip4:18.177.156.64/26 ip4:18.177.156.0/26 ip4:18.176.203.192/26 "
             "ip4:18.176.203.128/26 ~all",
             TM_SRC_DNS);
    assert_int_equal(fx_run(fx, tm_check_rules_current)->status, TM_CHECK_PASS);
}

static void test_added_and_removed_ranges_warn(void **state)
{
    fx_t *fx = *state;
    put_site(fx,
             "v=spf1 ip4:18.176.203.128/26 ip4:18.176.203.192/26 ip4:18.177.156.0/26 "
             "ip4:15.168.56.0/25 ip4:15.168.49.64/26 ip4:15.168.56.128/26 "
             "ip4:198.51.100.0/24 -all",
             TM_SRC_DNS);
    tm_finding_t *f = fx_run(fx, tm_check_rules_current);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->detail, "+ 198.51.100.0/24 (live only)");
    assert_contains(f->detail, "- 18.177.156.64/26 (bundled only)");
    assert_int_equal(fx_lines(f->detail), 2);
    assert_non_null(f->fix);
}

static void test_nested_include_warns(void **state)
{
    fx_t *fx = *state;
    put_site(fx, LIVE_NOW " include:spf2.tmems-jp.trendmicro.com", TM_SRC_DNS);
    tm_finding_t *f = fx_run(fx, tm_check_rules_current);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->detail, "include:spf2.tmems-jp.trendmicro.com");
}

static void test_offline_skips(void **state)
{
    fx_t *fx = *state;
    put_site(fx, LIVE_NOW, TM_SRC_RULES);
    assert_int_equal(fx_run(fx, tm_check_rules_current)->status, TM_CHECK_SKIP);
}

static void test_dns_failure_errs(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, SITE, TM_RR_TXT, TM_DNS_SERVFAIL);
    assert_int_equal(fx_run(fx, tm_check_rules_current)->status, TM_CHECK_ERROR);
}

static void test_no_record_warns(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, SITE, TM_RR_TXT, TM_DNS_NXDOMAIN);
    tm_finding_t *f = fx_run(fx, tm_check_rules_current);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->summary, "exactly one SPF record");
}

static void test_unparsable_warns(void **state)
{
    fx_t *fx = *state;
    put_site(fx, "v=spf1 ip4:18.176.203.300/26 -all", TM_SRC_DNS);
    tm_finding_t *f = fx_run(fx, tm_check_rules_current);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->summary, "does not parse");
}

static void test_needs_the_site_record(void **state)
{
    fx_t *fx = *state;
    tm_questions_t need;
    tm_questions_init(&need);
    tm_check_ctx_init(&fx->ctx, fx->domain, NULL, fx->rrset, fx->rules, &fx->opts);
    assert_int_equal(tm_rules_current_needs(&fx->ctx, &need), TM_OK);
    assert_int_equal(need.count, 1);
    assert_string_equal(need.items[0].name, SITE);
    assert_int_equal(need.items[0].type, TM_RR_TXT);
    tm_questions_clear(&need);
}

static void test_out_of_memory(void **state)
{
    fx_t *fx = *state;
    put_site(fx, "v=spf1 ip4:198.51.100.0/24 -all", TM_SRC_DNS);
    assert_true(fx_oom(fx, tm_check_rules_current) > 0);
    assert_int_equal(fx->f.status, TM_CHECK_WARN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_same_ranges_pass, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_order_does_not_matter, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_added_and_removed_ranges_warn, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_nested_include_warns, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_offline_skips, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_dns_failure_errs, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_no_record_warns, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_unparsable_warns, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_needs_the_site_record, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_out_of_memory, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
