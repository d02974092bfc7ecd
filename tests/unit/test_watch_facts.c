/* test_watch_facts.c - what one server serves as canonical texts
 * (src/lib/watch/facts.c): record sets compare as sets (order, repeats
 * and TTLs aside), tokens and SPF records are told apart and quoted, the
 * serial and MNAME come from the SOA, and a failure is not an answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "watch_fixture.h"

static tm_rules_t *g_rules;

static int setup(void **state)
{
    (void)state;
    wx_locale();
    return tm_rules_bundled("jp", &g_rules) == TM_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tm_rules_destroy(g_rules);
    return 0;
}

static void facts_of(tm_answer_t *soa, tm_answer_t *mx, tm_answer_t *txt, tm_watch_facts_t *f)
{
    assert_int_equal(tm_watch_facts_from(g_rules, soa, mx, txt, f), TM_OK);
    tm_answer_unref(soa);
    tm_answer_unref(mx);
    tm_answer_unref(txt);
}

static void test_canonical_texts(void **state)
{
    (void)state;
    const uint16_t prefs[3] = {20, 10, 10};
    const char *hosts[3] = {"b.acme.example", WX_NEW_MX, WX_NEW_MX};
    tm_watch_facts_t f;
    facts_of(wx_soa(2024090102, "ns1.acme.example"), wx_mx(300, 3, prefs, hosts),
             wx_txt2(WX_SPF, WX_TOKEN), &f);
    assert_true(f.answered);
    assert_true(f.serial_known);
    assert_int_equal(f.serial, 2024090102);
    assert_string_equal(f.mname, "ns1.acme.example");
    /* preference order, a repeated record once */
    assert_string_equal(f.mx, "10 " WX_NEW_MX ", 20 b.acme.example");
    assert_int_equal(f.mx_ttl, 300);
    assert_string_equal(f.token, "\"" WX_TOKEN "\"");
    assert_string_equal(f.spf, "\"" WX_SPF "\"");
    tm_watch_facts_clear(&f);
    assert_null(f.mx);
}

static void test_sets_not_lists(void **state)
{
    (void)state;
    const uint16_t p1[2] = {10, 20}, p2[2] = {20, 10};
    const char *h1[2] = {"a.acme.example", "b.acme.example"};
    const char *h2[2] = {"b.acme.example", "a.acme.example"};
    tm_watch_facts_t a, b, c;
    facts_of(NULL, wx_mx(300, 2, p1, h1), wx_txt2(WX_TOKEN, WX_SPF), &a);
    facts_of(NULL, wx_mx(60, 2, p2, h2), wx_txt2(WX_SPF, WX_TOKEN), &b);
    /* the same hosts at other preferences are another set */
    facts_of(NULL, wx_mx(300, 2, p1, h2), wx_txt2(WX_TOKEN, WX_SPF), &c);
    assert_true(tm_watch_facts_same(&a, &b));
    assert_false(tm_watch_facts_same(&a, &c));
    assert_false(a.serial_known);
    tm_watch_facts_clear(&c);
    assert_int_equal(tm_watch_facts_copy(&a, &c), TM_OK);
    assert_true(tm_watch_facts_same(&a, &c));
    tm_watch_facts_clear(&a);
    tm_watch_facts_clear(&b);
    tm_watch_facts_clear(&c);
}

static void test_kinds_of_txt(void **state)
{
    (void)state;
    const char *t[4] = {"google-site-verification=x", "v=spf10 not spf", "TMES=abc",
                        "v=spf1"};
    tm_watch_facts_t f;
    facts_of(NULL, wx_mx1(300, WX_OLD_MX), wx_txt(4, t), &f);
    /* "v=spf1" alone is an SPF record (RFC 7208 section 4.5), "v=spf10" is
     * not; the token prefix matches in any case */
    assert_string_equal(f.spf, "\"v=spf1\"");
    assert_string_equal(f.token, "\"TMES=abc\"");
    tm_watch_facts_clear(&f);
}

static void test_no_records_and_failures(void **state)
{
    (void)state;
    tm_watch_facts_t f, g;
    facts_of(NULL, wx_mx(300, 0, NULL, NULL), wx_txt(0, NULL), &f);
    assert_true(f.answered);
    assert_string_equal(f.mx, "");
    assert_string_equal(f.spf, "");
    /* a timeout says nothing about what the server serves */
    facts_of(NULL, wx_failed(TM_RR_MX, TM_DNS_TIMEOUT), wx_txt(0, NULL), &g);
    assert_false(g.answered);
    assert_null(g.mx);
    assert_false(tm_watch_facts_same(&f, &g));
    assert_false(tm_watch_facts_same(&g, &g));
    tm_watch_facts_clear(&f);
    tm_watch_facts_clear(&g);
    facts_of(NULL, wx_mx1(300, WX_OLD_MX), wx_failed(TM_RR_TXT, TM_DNS_SERVFAIL), &g);
    assert_false(g.answered);
    tm_watch_facts_clear(&g);
}

static void test_hostile_bytes_are_quoted(void **state)
{
    (void)state;
    tm_answer_t *txt = tm_answer_create(WX_DOMAIN, TM_RR_TXT, TM_DNS_NOERROR);
    const char *s = "v=spf1 \x1b[31m -all";
    size_t len = strlen(s);
    assert_int_equal(tm_answer_add_txt(txt, 300, &s, &len, 1), TM_OK);
    tm_watch_facts_t f;
    facts_of(NULL, wx_mx1(300, WX_OLD_MX), txt, &f);
    assert_null(strchr(f.spf, '\x1b'));
    assert_non_null(strstr(f.spf, "\\x1b"));
    tm_watch_facts_clear(&f);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    tm_answer_t *soa = wx_soa(1, "ns1.acme.example"), *mx = wx_mx1(300, WX_OLD_MX),
                *txt = wx_txt2(WX_TOKEN, WX_SPF);
    for (int n = 1; n < 40; n++) {
        tm_watch_facts_t f;
        tm_alloc_fail_after(n);
        tm_status_t st = tm_watch_facts_from(g_rules, soa, mx, txt, &f);
        tm_alloc_fail_after(0);
        if (st == TM_OK) {
            tm_watch_facts_clear(&f);
            break;
        }
        assert_int_equal(st, TM_ENOMEM);
        assert_null(f.mx);
    }
    tm_answer_unref(soa);
    tm_answer_unref(mx);
    tm_answer_unref(txt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canonical_texts),
        cmocka_unit_test(test_sets_not_lists),
        cmocka_unit_test(test_kinds_of_txt),
        cmocka_unit_test(test_no_records_and_failures),
        cmocka_unit_test(test_hostile_bytes_are_quoted),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
