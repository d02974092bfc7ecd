/* test_check_spf_fix.c - the record the outbound checks tell the user to
 * publish (spf_fix.c) and the checks that show it: the suggestion must be a
 * record that clears the finding once published, keeping the user's own
 * senders (CHECKS.md outbound; issue 3 "Fixes"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check/spf_fix.h"
#include "check_fixture.h"
#include "spf_fixture.h"

#define SITE "spf.tmems-jp.trendmicro.com"
#define SITE_RECORD                                                                            \
    SITE " TXT v=spf1 ip4:18.176.203.128/26 ip4:18.176.203.192/26 ip4:18.177.156.0/26 "        \
         "ip4:18.177.156.64/26 ip4:15.168.56.0/25 ip4:15.168.49.64/26 ip4:15.168.56.128/26 -all"
#define LEGACY_RECORD                                                                          \
    "spf.tmes.trendmicro.com TXT v=spf1 ip4:18.176.203.128/25 ip4:18.177.156.0/25 "            \
    "ip4:15.168.56.0/25 ip4:15.168.49.64/26 ip4:15.168.56.128/26 ~all"

/* The analysis of FX_DOMAIN over the zone, fetched round by round as the
 * run layer does; owned by the test (freed with tm_spf_analysis_destroy). */
static tm_spf_analysis_t *analyse(fx_t *fx, const char *const *lines, size_t n)
{
    fx_zone_t z = {lines, n, 0};
    tm_questions_t need;
    tm_questions_init(&need);
    tm_spf_analysis_t *a = NULL;
    for (unsigned round = 0;; round++) {
        tm_spf_analysis_destroy(a);
        a = NULL;
        assert_int_equal(tm_spf_analysis_build(fx->rrset, fx->domain, fx->rules, &need, &a), TM_OK);
        if (need.count == 0)
            break;
        assert_true(round < 20);
        fx_answer_all(&z, fx->rrset, &need);
    }
    tm_questions_clear(&need);
    assert_true(a->complete);
    return a;
}
#define ANALYSE(fx, arr) analyse((fx), (arr), sizeof(arr) / sizeof((arr)[0]))

static void bind_ctx(fx_t *fx, const tm_spf_analysis_t *a)
{
    tm_check_ctx_init(&fx->ctx, fx->domain, fx->display, fx->rrset, fx->rules, &fx->opts);
    fx->ctx.spf = a;
}

/* One check over the analysis (fx_run builds a context without one). */
static tm_finding_t *run_spf(fx_t *fx, const tm_spf_analysis_t *a, tm_check_fn fn)
{
    fx_finding_free(&fx->f);
    bind_ctx(fx, a);
    assert_int_equal(fn(&fx->ctx, &fx->f), TM_OK);
    assert_non_null(fx->f.summary);
    return &fx->f;
}

/* The suggested record as a string in buf. */
static void suggest(fx_t *fx, const tm_spf_analysis_t *a, char *buf, size_t len)
{
    tm_buf_t out;
    tm_buf_init(&out);
    bind_ctx(fx, a);
    assert_int_equal(tm_spf_suggest_record(&fx->ctx, &out), TM_OK);
    snprintf(buf, len, "%s", out.data ? out.data : "");
    tm_buf_clear(&out);
}

/* Every allocation of the check failing in turn: TM_ENOMEM, nothing leaked. */
static void oom(fx_t *fx, const tm_spf_analysis_t *a, tm_check_fn fn)
{
    bind_ctx(fx, a);
    for (unsigned n = 1; n < 10000; n++) {
        fx_finding_free(&fx->f);
        tm_alloc_fail_after(n);
        tm_status_t st = fn(&fx->ctx, &fx->f);
        tm_alloc_fail_after(0);
        if (st == TM_OK) {
            assert_true(n > 1);
            return;
        }
        assert_int_equal(st, TM_ENOMEM);
    }
    fail_msg("the check never succeeded");
}

/* ---- hard-coded data-center ranges ----------------------------------------- */

/* The four pre-2024 ranges typed in (spf-oldranges.example): with the
 * include, every one of them is redundant, and keeping them would leave
 * spf.hardcoded warning after the user followed its own fix. */
static void test_hardcoded_ranges_replaced_by_include(void **state)
{
    fx_t *fx = *state;
    static const char *const zone[] = {
        FX_DOMAIN " TXT v=spf1 ip4:18.176.203.128/26 ip4:18.176.203.192/26 "
                  "ip4:18.177.156.0/26 ip4:18.177.156.64/26 ~all",
        SITE_RECORD,
    };
    tm_spf_analysis_t *a = ANALYSE(fx, zone);
    char rec[1024];
    suggest(fx, a, rec, sizeof(rec));
    assert_string_equal(rec, "v=spf1 include:" SITE " ~all");
    tm_finding_t *f = run_spf(fx, a, tm_check_spf_hardcoded);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->fix, FX_DOMAIN ". 3600 IN TXT \"v=spf1 include:" SITE " ~all\"");
    assert_not_contains(f->fix, "ip4:");
    f = run_spf(fx, a, tm_check_spf_include);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->fix, "\"v=spf1 include:" SITE " ~all\"");
    tm_spf_analysis_destroy(a);
}

/* A term is dropped only when every address it authorises is in the
 * data-center ranges, also through several adjacent ranges; one that reaches
 * outside them, or the user's own, stays. */
static void test_hardcoded_only_covered_terms_dropped(void **state)
{
    fx_t *fx = *state;
    static const char *const zone[] = {
        FX_DOMAIN " TXT v=spf1 ip4:18.176.203.128/25 ip4:15.168.56.64/26 ip4:18.177.156.5 "
                  "ip4:18.176.203.0/24 ip4:192.0.2.0/24 ip4:15.168.48.0/22 ip6:2001:db8::/32 "
                  "ip6:::/0 ip4:15.168.56.0/24 -all",
        SITE_RECORD,
    };
    tm_spf_analysis_t *a = ANALYSE(fx, zone);
    char rec[1024];
    suggest(fx, a, rec, sizeof(rec));
    /* 18.176.203.128/25 = the two /26 ranges; 15.168.56.0/24 = the /25 and
     * the /26 of 15.168.56.128 plus 15.168.56.192/26, which is outside. */
    assert_string_equal(rec, "v=spf1 include:" SITE " ip4:18.176.203.0/24 ip4:192.0.2.0/24 "
                             "ip4:15.168.48.0/22 ip6:2001:db8::/32 ip6:::/0 "
                             "ip4:15.168.56.0/24 -all");
    tm_spf_analysis_destroy(a);
}

/* Hard-coded ranges beside the include (already reachable): they go, the
 * include stays where it was. */
static void test_hardcoded_beside_include(void **state)
{
    fx_t *fx = *state;
    static const char *const zone[] = {
        FX_DOMAIN " TXT v=spf1 ip4:192.0.2.10 include:" SITE " ip4:15.168.56.0/25 -all",
        SITE_RECORD,
    };
    tm_spf_analysis_t *a = ANALYSE(fx, zone);
    char rec[1024];
    suggest(fx, a, rec, sizeof(rec));
    assert_string_equal(rec, "v=spf1 ip4:192.0.2.10 include:" SITE " -all");
    tm_finding_t *f = run_spf(fx, a, tm_check_spf_hardcoded);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->fix, "\"v=spf1 ip4:192.0.2.10 include:" SITE " -all\"");
    tm_spf_analysis_destroy(a);
}

/* The legacy include replaced, the legacy ranges typed in dropped, ?all
 * made ~all: one record that clears spf.include, spf.hardcoded and spf.all. */
static void test_legacy_hardcoded_and_neutral_all(void **state)
{
    fx_t *fx = *state;
    static const char *const zone[] = {
        FX_DOMAIN " TXT v=spf1 include:spf.tmes.trendmicro.com ip4:18.176.203.128/26 ?all",
        SITE_RECORD,
        LEGACY_RECORD,
    };
    tm_spf_analysis_t *a = ANALYSE(fx, zone);
    char rec[1024];
    suggest(fx, a, rec, sizeof(rec));
    assert_string_equal(rec, "v=spf1 include:" SITE " ~all");
    tm_spf_analysis_destroy(a);
}

/* ---- spf.all ------------------------------------------------------------------- */

static void test_plus_all_fix_line(void **state)
{
    fx_t *fx = *state;
    static const char *const zone[] = {
        FX_DOMAIN " TXT v=spf1 include:" SITE " ip4:192.0.2.0/24 +all",
        SITE_RECORD,
    };
    tm_spf_analysis_t *a = ANALYSE(fx, zone);
    tm_finding_t *f = run_spf(fx, a, tm_check_spf_all);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    char line[512];
    assert_true(fx_line(f->fix, 1, line, sizeof(line)));
    assert_string_equal(line, FX_DOMAIN ". 3600 IN TXT \"v=spf1 include:" SITE
                              " ip4:192.0.2.0/24 ~all\"");
    assert_int_equal(fx_count(f->fix, "+all"), 0);
    oom(fx, a, tm_check_spf_all);
    tm_spf_analysis_destroy(a);
}

static void test_neutral_all_fix_line(void **state)
{
    fx_t *fx = *state;
    static const char *const zone[] = {
        FX_DOMAIN " TXT v=spf1 include:" SITE " ?all",
        SITE_RECORD,
    };
    tm_spf_analysis_t *a = ANALYSE(fx, zone);
    tm_finding_t *f = run_spf(fx, a, tm_check_spf_all);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->fix, FX_DOMAIN ". 3600 IN TXT \"v=spf1 include:" SITE " ~all\"");
    tm_spf_analysis_destroy(a);
}

/* No all and no redirect=: other senders get neutral (RFC 7208 section
 * 4.7); the suggestion ends the record in ~all. */
static void test_missing_all_appended(void **state)
{
    fx_t *fx = *state;
    static const char *const zone[] = {
        FX_DOMAIN " TXT v=spf1 include:" SITE " ip4:192.0.2.1",
        SITE_RECORD,
    };
    tm_spf_analysis_t *a = ANALYSE(fx, zone);
    tm_finding_t *f = run_spf(fx, a, tm_check_spf_all);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->fix, "\"v=spf1 include:" SITE " ip4:192.0.2.1 ~all\"");
    oom(fx, a, tm_check_spf_all);
    tm_spf_analysis_destroy(a);
}

/* -all is the user's choice and stays; redirect= decides for itself. */
static void test_fail_all_and_redirect_kept(void **state)
{
    fx_t *fx = *state;
    static const char *const zone[] = {
        FX_DOMAIN " TXT v=spf1 ip4:192.0.2.1 redirect=_spf." FX_DOMAIN,
        "_spf." FX_DOMAIN " TXT v=spf1 include:" SITE " -all",
        SITE_RECORD,
    };
    tm_spf_analysis_t *a = ANALYSE(fx, zone);
    char rec[1024];
    suggest(fx, a, rec, sizeof(rec));
    /* the include is nested, so it is put first; no all is added before
     * redirect= (it would make the redirect ignored, section 6.1) */
    assert_string_equal(rec, "v=spf1 include:" SITE " ip4:192.0.2.1 redirect=_spf." FX_DOMAIN);
    tm_spf_analysis_destroy(a);

    static const char *const zone2[] = {
        FX_DOMAIN " TXT v=spf1 include:" SITE " -all",
        SITE_RECORD,
    };
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    a = ANALYSE(fx, zone2);
    suggest(fx, a, rec, sizeof(rec));
    assert_string_equal(rec, "v=spf1 include:" SITE " -all");
    tm_spf_analysis_destroy(a);
}

/* ---- spf.void_lookups ------------------------------------------------------------ */

/* Names that do not exist match nothing for any client: they go.  A host
 * with only an AAAA record is void for the IPv4 tree but matches IPv6
 * clients: it stays. */
static void test_void_dead_terms_dropped(void **state)
{
    fx_t *fx = *state;
    static const char *const zone[] = {
        FX_DOMAIN " TXT v=spf1 include:" SITE " a:old1." FX_DOMAIN " a:v6only." FX_DOMAIN
                  " mx:gone." FX_DOMAIN " a:old2." FX_DOMAIN "/24 ~all",
        "v6only." FX_DOMAIN " AAAA 2001:db8::25",
        SITE_RECORD,
    };
    tm_spf_analysis_t *a = ANALYSE(fx, zone);
    assert_int_equal(a->void_lookups, 4);
    char rec[1024];
    suggest(fx, a, rec, sizeof(rec));
    assert_string_equal(rec, "v=spf1 include:" SITE " a:v6only." FX_DOMAIN " ~all");
    tm_finding_t *f = run_spf(fx, a, tm_check_spf_void_lookups);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->fix, FX_DOMAIN ". 3600 IN TXT \"v=spf1 include:" SITE " a:v6only."
                    FX_DOMAIN " ~all\"");
    oom(fx, a, tm_check_spf_void_lookups);
    tm_spf_analysis_destroy(a);
}

/* Void terms inside an include are not the apex record's to drop: the fix
 * says what to do but offers no record that would change nothing. */
static void test_void_nested_no_line(void **state)
{
    fx_t *fx = *state;
    static const char *const zone[] = {
        FX_DOMAIN " TXT v=spf1 include:" SITE " include:_spf." FX_DOMAIN " ~all",
        "_spf." FX_DOMAIN " TXT v=spf1 a:old1." FX_DOMAIN " a:old2." FX_DOMAIN " a:old3."
        FX_DOMAIN " -all",
        SITE_RECORD,
    };
    tm_spf_analysis_t *a = ANALYSE(fx, zone);
    assert_int_equal(a->void_lookups, 3);
    tm_finding_t *f = run_spf(fx, a, tm_check_spf_void_lookups);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_non_null(f->fix);
    assert_not_contains(f->fix, "IN TXT");
    char rec[1024];
    suggest(fx, a, rec, sizeof(rec));
    assert_string_equal(rec, "v=spf1 include:" SITE " include:_spf." FX_DOMAIN " ~all");
    tm_spf_analysis_destroy(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_hardcoded_ranges_replaced_by_include, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_hardcoded_only_covered_terms_dropped, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_hardcoded_beside_include, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_legacy_hardcoded_and_neutral_all, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_plus_all_fix_line, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_neutral_all_fix_line, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_missing_all_appended, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_fail_all_and_redirect_kept, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_void_dead_terms_dropped, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_void_nested_no_line, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
