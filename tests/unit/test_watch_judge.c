/* test_watch_judge.c - one server's view judged with the checks of a
 * normal run (src/lib/watch/judge.c): ready exactly when a normal run
 * after the cutover would say ready, still old, something else with the
 * check that says why, the names the checks need asked first, a name that
 * did not answer never giving a verdict, and an expected state given on
 * the command line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "watch_fixture.h"

#define SITE_SPF                                                                               \
    "v=spf1 ip4:18.176.203.128/26 ip4:18.176.203.192/26 ip4:18.177.156.0/26 "                  \
    "ip4:18.177.156.64/26 ip4:15.168.56.0/25 ip4:15.168.49.64/26 ip4:15.168.56.128/26 -all"

static tm_rules_t *g_rules;
static tm_rrset_t *g_support;

static int setup(void **state)
{
    (void)state;
    wx_locale();
    g_support = tm_rrset_create();
    return g_support && tm_rules_bundled("jp", &g_rules) == TM_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tm_rules_destroy(g_rules);
    tm_rrset_destroy(g_support);
    return 0;
}

/* What a resolver would answer for the names the checks read besides the
 * domain: the TMEmS hosts and the MX targets have an address, the site SPF
 * record is the bundled one, everything else does not exist. */
static tm_answer_t *resolve(const char *name, uint16_t type)
{
    tm_answer_t *a;
    if (type == TM_RR_A && (strstr(name, ".tmems-jp.") || strstr(name, "acme.example"))) {
        const uint8_t addr[4] = {192, 0, 2, 10};
        a = tm_answer_create(name, type, TM_DNS_NOERROR);
        assert_int_equal(tm_answer_add_a(a, 300, addr), TM_OK);
    } else if (type == TM_RR_TXT && strcmp(name, "spf.tmems-jp.trendmicro.com") == 0) {
        a = tm_answer_create(name, type, TM_DNS_NOERROR);
        assert_int_equal(tm_answer_add_txt1(a, 300, SITE_SPF), TM_OK);
    } else {
        a = tm_answer_create(name, type,
                             strstr(name, "tmems-jp") || strstr(name, "acme.example")
                                 ? TM_DNS_NODATA
                                 : TM_DNS_NXDOMAIN);
    }
    assert_non_null(a);
    return a;
}

/* Judges until nothing is missing, answering what the checks ask with
 * resolve() (kept in the support rrset, as the watch does). */
static void judge(tm_answer_t *mx, tm_answer_t *txt, const tm_watch_expect_t *expect,
                  const tm_watch_facts_t *baseline, bool strict, const tm_rrset_t *failed,
                  tm_watch_judgement_t *out)
{
    tm_check_options_t given = {.outbound = true, .phase = TM_PHASE_AUTO}, opts;
    tm_watch_check_options(&given, expect, &opts);
    tm_watch_facts_t facts;
    assert_int_equal(tm_watch_facts_from(g_rules, NULL, mx, txt, &facts), TM_OK);
    tm_watch_view_t v = {WX_DOMAIN, WX_DOMAIN, g_rules, &opts, expect, mx, txt,
                         g_support, failed, &facts, baseline, strict};
    for (int round = 0; round < 20; round++) {
        tm_questions_t need;
        tm_questions_init(&need);
        assert_int_equal(tm_watch_judge(&v, &need, out), TM_OK);
        if (out->state != TM_WATCH_PENDING) {
            assert_int_equal(need.count, 0);
            tm_questions_clear(&need);
            break;
        }
        assert_true(need.count > 0);
        for (size_t i = 0; i < need.count; i++)
            assert_int_equal(tm_rrset_put_own(g_support, resolve(need.items[i].name,
                                                                 need.items[i].type)),
                             TM_OK);
        tm_questions_clear(&need);
        tm_watch_judgement_clear(out);
    }
    tm_watch_facts_clear(&facts);
    tm_answer_unref(mx);
    tm_answer_unref(txt);
}

static void test_options(void **state)
{
    (void)state;
    tm_check_options_t given = {.company = "acme", .authoritative = true, .smtp = true,
                                .only = "mx.", .phase = TM_PHASE_PRE}, out;
    tm_watch_check_options(&given, NULL, &out);
    assert_int_equal(out.phase, TM_PHASE_POST);
    assert_string_equal(out.company, "acme");
    assert_false(out.authoritative);
    assert_false(out.smtp);
    assert_null(out.only);
    assert_non_null(strstr(out.skip, "rules.current"));
    tm_watch_expect_t e = {.mx = {WX_OLD_MX}, .nmx = 1};
    tm_watch_check_options(&given, &e, &out);
    assert_int_equal(out.phase, TM_PHASE_AUTO);
}

static void test_ready_after_cutover(void **state)
{
    (void)state;
    tm_watch_judgement_t j;
    judge(wx_mx1(300, WX_NEW_MX), wx_txt2(WX_TOKEN, WX_SPF), NULL, NULL, false, NULL, &j);
    assert_int_equal(j.state, TM_WATCH_READY);
    assert_int_equal(j.verdict, TM_VERDICT_READY);
    assert_null(j.reason);
    assert_string_equal(j.company, "acme");
    tm_watch_judgement_clear(&j);
}

static void test_old_and_other(void **state)
{
    (void)state;
    tm_watch_judgement_t j;
    tm_watch_facts_t first;
    tm_answer_t *mx = wx_mx1(300, WX_OLD_MX), *txt = wx_txt2(WX_TOKEN, WX_SPF);
    assert_int_equal(tm_watch_facts_from(g_rules, NULL, mx, txt, &first), TM_OK);
    /* what it served first, not what the checks want after the cutover */
    judge(mx, txt, NULL, &first, false, NULL, &j);
    assert_int_equal(j.state, TM_WATCH_OLD);
    assert_int_equal(j.verdict, TM_VERDICT_NOT_READY);
    assert_string_equal(j.check_id, "mx.tmems");
    assert_non_null(strstr(j.reason, "mx.tmems: "));
    tm_watch_judgement_clear(&j);
    /* the new MX, but the SPF record lost its include: something else */
    judge(wx_mx1(300, WX_NEW_MX), wx_txt2(WX_TOKEN, "v=spf1 ip4:192.0.2.1 -all"), NULL, &first,
          false, NULL, &j);
    assert_int_equal(j.state, TM_WATCH_OTHER);
    assert_non_null(j.check_id);
    assert_string_equal(j.check_id, "spf.include");
    tm_watch_judgement_clear(&j);
    tm_watch_facts_clear(&first);
}

static void test_strict(void **state)
{
    (void)state;
    tm_watch_judgement_t j;
    /* ?all warns (docs/checks.md spf.all): ready, not under --strict */
    const char *spf = "v=spf1 include:spf.tmems-jp.trendmicro.com ?all";
    judge(wx_mx1(300, WX_NEW_MX), wx_txt2(WX_TOKEN, spf), NULL, NULL, false, NULL, &j);
    assert_int_equal(j.state, TM_WATCH_READY);
    tm_watch_judgement_clear(&j);
    judge(wx_mx1(300, WX_NEW_MX), wx_txt2(WX_TOKEN, spf), NULL, NULL, true, NULL, &j);
    assert_int_equal(j.state, TM_WATCH_OTHER);
    assert_string_equal(j.check_id, "spf.all");
    tm_watch_judgement_clear(&j);
}

static void test_support_failure_is_no_verdict(void **state)
{
    (void)state;
    tm_rrset_t *fresh = g_support, *failed = tm_rrset_create();
    g_support = tm_rrset_create();
    tm_answer_t *t = tm_answer_create("acme.in.tmems-jp.trendmicro.com", TM_RR_A,
                                      TM_DNS_TIMEOUT);
    assert_int_equal(tm_rrset_put_own(failed, t), TM_OK);
    tm_watch_judgement_t j;
    judge(wx_mx1(300, WX_NEW_MX), wx_txt2(WX_TOKEN, WX_SPF), NULL, NULL, false, failed, &j);
    assert_int_equal(j.state, TM_WATCH_FAILED);
    assert_int_equal(j.verdict, TM_VERDICT_UNKNOWN);
    assert_non_null(j.reason);
    tm_watch_judgement_clear(&j);
    tm_rrset_destroy(failed);
    tm_rrset_destroy(g_support);
    g_support = fresh;
}

static void test_expected_given(void **state)
{
    (void)state;
    tm_watch_expect_t e = {.mx = {WX_OLD_MX}, .nmx = 1};
    tm_watch_judgement_t j;
    judge(wx_mx1(300, WX_OLD_MX), wx_txt2(WX_TOKEN, WX_SPF), &e, NULL, false, NULL, &j);
    assert_int_equal(j.state, TM_WATCH_READY); /* the rollback is what is expected */
    tm_watch_judgement_clear(&j);
    judge(wx_mx1(300, WX_NEW_MX), wx_txt2(WX_TOKEN, WX_SPF), &e, NULL, false, NULL, &j);
    assert_int_equal(j.state, TM_WATCH_OTHER);
    assert_int_equal(j.verdict, TM_VERDICT_READY); /* the checks would pass it */
    assert_string_equal(j.reason, "MX 10 " WX_NEW_MX "; expected " WX_OLD_MX);
    tm_watch_judgement_clear(&j);
    tm_watch_expect_t s = {.spf = "v=spf1 -all"};
    judge(wx_mx1(300, WX_NEW_MX), wx_txt2(WX_TOKEN, WX_SPF), &s, NULL, false, NULL, &j);
    assert_int_equal(j.state, TM_WATCH_OTHER);
    assert_string_equal(j.reason, "SPF \"" WX_SPF "\"; expected v=spf1 -all");
    tm_watch_judgement_clear(&j);
}

static void test_unanswered_view(void **state)
{
    (void)state;
    tm_watch_judgement_t j;
    judge(wx_failed(TM_RR_MX, TM_DNS_TIMEOUT), wx_txt2(WX_TOKEN, NULL), NULL, NULL, false, NULL,
          &j);
    assert_int_equal(j.state, TM_WATCH_FAILED);
    tm_watch_judgement_clear(&j);
    tm_questions_t need;
    tm_questions_init(&need);
    assert_int_equal(tm_watch_judge(NULL, &need, &j), TM_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_ready_after_cutover),
        cmocka_unit_test(test_old_and_other),
        cmocka_unit_test(test_strict),
        cmocka_unit_test(test_support_failure_is_no_verdict),
        cmocka_unit_test(test_expected_given),
        cmocka_unit_test(test_unanswered_view),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
