/* test_check_spf_fix.c - the record the outbound checks tell the user to
 * publish (spf_fix.c) and the checks that show it: the suggestion must be a
 * record that clears the finding once published, keeping the user's own
 * senders, and no record at all where none is a fix (docs/json.md,
 * fix_records; docs/checks.md "Sending servers"). */
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
    /* the include is nested and every data-center address passes: nothing
     * to add; no all is added before redirect= (it would make the redirect
     * ignored, section 6.1) */
    assert_string_equal(rec, "v=spf1 ip4:192.0.2.1 redirect=_spf." FX_DOMAIN);
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


/* ---- no record unless it is a fix -------------------------------------------------- */

/* The suggestion for goal over the current analysis. */
static tm_spf_fixability_t fixability(fx_t *fx, const tm_spf_analysis_t *a, tm_spf_goal_t goal,
                                      unsigned *after)
{
    tm_spf_suggestion_t s;
    bind_ctx(fx, a);
    assert_int_equal(tm_spf_suggest(&fx->ctx, goal, &s), TM_OK);
    if (after)
        *after = s.lookups_after;
    tm_spf_fixability_t r = s.fixability;
    tm_spf_suggestion_clear(&s);
    return r;
}

/* The legacy chain as the vendor publishes it: 3 lookups. */
#define LEGACY_CHAIN                                                                           \
    "spf.tmes.trendmicro.com TXT v=spf1 ip4:18.176.203.128/25 "                                \
    "include:spfb.tmes.trendmicro.com ~all",                                                   \
        "spfb.tmes.trendmicro.com TXT v=spf1 ip4:18.177.156.0/25 "                             \
        "include:spfc.tmes.trendmicro.com ~all",                                               \
        "spfc.tmes.trendmicro.com TXT v=spf1 ip4:15.168.56.0/25 ip4:15.168.49.64/26 "          \
        "ip4:15.168.56.128/26 ~all"

#define GW(n) " a:gw" #n "." FX_DOMAIN
#define GW_A(n) "gw" #n "." FX_DOMAIN " A 203.0.113." #n

/* Ten a: terms of the customer's own hosts, then the include (11 lookups):
 * moving the include first still needs 11 and pushes a:gw10 past the limit,
 * so neither spf.lookups nor spf.tmems_ranges may print a record; the Fix
 * says what to decide and how many lookups must go. */
static void test_ten_own_terms_then_include(void **state)
{
    fx_t *fx = *state;
    static const char *const zone[] = {
        FX_DOMAIN " TXT v=spf1" GW(1) GW(2) GW(3) GW(4) GW(5) GW(6) GW(7) GW(8) GW(9) GW(10)
                  " include:" SITE " ~all",
        GW_A(1), GW_A(2), GW_A(3), GW_A(4), GW_A(5), GW_A(6), GW_A(7), GW_A(8), GW_A(9), GW_A(10),
        SITE_RECORD,
    };
    tm_spf_analysis_t *a = ANALYSE(fx, zone);
    assert_int_equal(a->lookups, 11);
    unsigned after = 0;
    assert_int_equal(fixability(fx, a, TM_SPF_GOAL_LOOKUPS, &after), TM_SPF_NOFIX_LOOKUPS);
    assert_int_equal(after, 11);
    assert_int_equal(fixability(fx, a, TM_SPF_GOAL_RANGES, NULL), TM_SPF_NOFIX_LOOKUPS);
    tm_finding_t *f = run_spf(fx, a, tm_check_spf_lookups);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_null(f->fix_records);
    assert_not_contains(f->fix, "IN TXT");
    assert_contains(f->fix, "your decision");
    assert_contains(f->fix, "at least 1 lookup to get within the limit (3 for headroom)");
    assert_contains(f->detail, "include:" SITE "  (needed for TMEmS: keep)");
    oom(fx, a, tm_check_spf_lookups);
    f = run_spf(fx, a, tm_check_spf_tmems_ranges);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_null(f->fix_records);
    assert_contains(f->fix, "would need 11 DNS lookups, over the limit");
    assert_contains(f->fix, "Make room first (see spf.lookups).");
    oom(fx, a, tm_check_spf_tmems_ranges);
    tm_spf_analysis_destroy(a);
}

/* 13 lookups through nested includes with the include already first: the
 * only record the tool could derive is the published one. */
static void test_thirteen_nested_no_record(void **state)
{
    fx_t *fx = *state;
    static const char *const zone[] = {
        FX_DOMAIN " TXT v=spf1 include:" SITE " include:_a." FX_DOMAIN " include:_b." FX_DOMAIN
                  " a mx ~all",
        "_a." FX_DOMAIN " TXT v=spf1 include:_c." FX_DOMAIN " a:x." FX_DOMAIN " -all",
        "_b." FX_DOMAIN " TXT v=spf1 include:_c." FX_DOMAIN " a:z." FX_DOMAIN " -all",
        "_c." FX_DOMAIN " TXT v=spf1 a:p." FX_DOMAIN " a:q." FX_DOMAIN " -all",
        FX_DOMAIN " A 203.0.113.1",
        FX_DOMAIN " MX 10 mx." FX_DOMAIN,
        "mx." FX_DOMAIN " A 203.0.113.2",
        "x." FX_DOMAIN " A 203.0.113.3",
        "z." FX_DOMAIN " A 203.0.113.5", "p." FX_DOMAIN " A 203.0.113.6",
        "q." FX_DOMAIN " A 203.0.113.7",
        SITE_RECORD,
    };
    tm_spf_analysis_t *a = ANALYSE(fx, zone);
    assert_int_equal(a->lookups, 13);
    assert_int_equal(fixability(fx, a, TM_SPF_GOAL_LOOKUPS, NULL), TM_SPF_NOFIX_SAME);
    tm_finding_t *f = run_spf(fx, a, tm_check_spf_lookups);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_null(f->fix_records);
    assert_contains(f->fix, "at least 3 lookups to get within the limit (5 for headroom)");
    assert_contains(f->detail, "5   include:_a." FX_DOMAIN);
    tm_spf_analysis_destroy(a);
}

/* The safe changes are enough: the legacy include replaced where it stands
 * and two terms naming hosts that do not exist removed, 11 lookups become 7;
 * the record keeps every own sender. */
static void test_safe_changes_fix_lookups(void **state)
{
    fx_t *fx = *state;
    static const char *const zone[] = {
        FX_DOMAIN " TXT v=spf1 ip4:192.0.2.7 include:spf.tmes.trendmicro.com" GW(1) GW(2)
                  " a:old1." FX_DOMAIN GW(3) GW(4) " a:old2." FX_DOMAIN GW(5) GW(6) " -all",
        GW_A(1), GW_A(2), GW_A(3), GW_A(4), GW_A(5), GW_A(6),
        SITE_RECORD,
        LEGACY_CHAIN,
    };
    tm_spf_analysis_t *a = ANALYSE(fx, zone);
    assert_int_equal(a->lookups, 11);
    unsigned after = 0;
    assert_int_equal(fixability(fx, a, TM_SPF_GOAL_LOOKUPS, &after), TM_SPF_FIXABLE);
    assert_int_equal(after, 7);
    tm_finding_t *f = run_spf(fx, a, tm_check_spf_lookups);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_string_equal(f->fix_records,
                        FX_DOMAIN ". 3600 IN TXT \"v=spf1 ip4:192.0.2.7 include:" SITE GW(1) GW(2)
                        GW(3) GW(4) GW(5) GW(6) " -all\"");
    assert_contains(f->fix, "Remove the 2 terms that name hosts that do not exist");
    assert_contains(f->fix, "The record then needs 7 DNS lookups:");
    oom(fx, a, tm_check_spf_lookups);
    tm_spf_analysis_destroy(a);
}

/* The safe changes are not enough (13 become 11): no record for
 * spf.lookups, but spf.include's record (the legacy include replaced) is a
 * fix for spf.include and worsens nothing. */
static void test_safe_changes_not_enough(void **state)
{
    fx_t *fx = *state;
    static const char *const zone[] = {
        FX_DOMAIN " TXT v=spf1 include:spf.tmes.trendmicro.com" GW(1) GW(2) GW(3) GW(4) GW(5)
                  GW(6) GW(7) GW(8) GW(9) GW(10) " ~all",
        GW_A(1), GW_A(2), GW_A(3), GW_A(4), GW_A(5), GW_A(6), GW_A(7), GW_A(8), GW_A(9), GW_A(10),
        SITE_RECORD,
        LEGACY_CHAIN,
    };
    tm_spf_analysis_t *a = ANALYSE(fx, zone);
    assert_int_equal(a->lookups, 13);
    unsigned after = 0;
    assert_int_equal(fixability(fx, a, TM_SPF_GOAL_LOOKUPS, &after), TM_SPF_NOFIX_GOAL);
    assert_int_equal(after, 11);
    tm_finding_t *f = run_spf(fx, a, tm_check_spf_lookups);
    assert_null(f->fix_records);
    assert_contains(f->fix, "bring it to 11 DNS lookups");
    assert_contains(f->fix, "at least 1 lookup to get within the limit (3 for headroom)");
    f = run_spf(fx, a, tm_check_spf_include);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_string_equal(f->fix_records, FX_DOMAIN ". 3600 IN TXT \"v=spf1 include:" SITE GW(1)
                        GW(2) GW(3) GW(4) GW(5) GW(6) GW(7) GW(8) GW(9) GW(10) " ~all\"");
    tm_spf_analysis_destroy(a);
}

/* An mx term of 11 names before the include: permerror for every address
 * at lookup 1.  The include is in the record and reachable, yet the ranges
 * fail: the Fix puts it first (the old one repeated the record). */
static void test_mx_overflow_before_include(void **state)
{
    fx_t *fx = *state;
    static const char *const zone[] = {
        FX_DOMAIN " TXT v=spf1 mx:big." FX_DOMAIN " include:" SITE " -all",
        "big." FX_DOMAIN " MX 1 m1.big." FX_DOMAIN, "big." FX_DOMAIN " MX 2 m2.big." FX_DOMAIN,
        "big." FX_DOMAIN " MX 3 m3.big." FX_DOMAIN, "big." FX_DOMAIN " MX 4 m4.big." FX_DOMAIN,
        "big." FX_DOMAIN " MX 5 m5.big." FX_DOMAIN, "big." FX_DOMAIN " MX 6 m6.big." FX_DOMAIN,
        "big." FX_DOMAIN " MX 7 m7.big." FX_DOMAIN, "big." FX_DOMAIN " MX 8 m8.big." FX_DOMAIN,
        "big." FX_DOMAIN " MX 9 m9.big." FX_DOMAIN, "big." FX_DOMAIN " MX 10 m10.big." FX_DOMAIN,
        "big." FX_DOMAIN " MX 11 m11.big." FX_DOMAIN,
        SITE_RECORD,
    };
    tm_spf_analysis_t *a = ANALYSE(fx, zone);
    assert_true(a->mx_overflow);
    tm_finding_t *f = run_spf(fx, a, tm_check_spf_tmems_ranges);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_string_equal(f->fix_records, FX_DOMAIN ". 3600 IN TXT \"v=spf1 include:" SITE
                        " mx:big." FX_DOMAIN " -all\"");
    tm_spf_analysis_destroy(a);
}

/* Adding the include to a record of 8 lookups leaves no headroom (9): a
 * record would make spf.lookups warn, so none is printed, and the terms to
 * choose from are listed with their cost and the include to add. */
static void test_include_would_cost_headroom(void **state)
{
    fx_t *fx = *state;
    static const char *const zone[] = {
        FX_DOMAIN " TXT v=spf1" GW(1) GW(2) GW(3) GW(4) GW(5) GW(6) GW(7) GW(8) " -all",
        GW_A(1), GW_A(2), GW_A(3), GW_A(4), GW_A(5), GW_A(6), GW_A(7), GW_A(8),
        SITE_RECORD,
    };
    tm_spf_analysis_t *a = ANALYSE(fx, zone);
    assert_int_equal(fixability(fx, a, TM_SPF_GOAL_INCLUDE, NULL), TM_SPF_NOFIX_LOOKUPS);
    tm_finding_t *f = run_spf(fx, a, tm_check_spf_include);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_null(f->fix_records);
    assert_contains(f->fix, "would need 9 DNS lookups, leaving no headroom");
    assert_contains(f->fix, "for headroom, remove terms that cost at least 1 lookup");
    assert_contains(f->fix, "  1   a:gw8." FX_DOMAIN);
    assert_contains(f->fix, "  1   include:" SITE "  (to add, needed for TMEmS)");
    oom(fx, a, tm_check_spf_include);
    tm_spf_analysis_destroy(a);
}

/* Part of the tree is unknown (offline): what the include would add to
 * the count cannot be known, so no record adds it. */
static void test_unknown_tree_no_include_added(void **state)
{
    fx_t *fx = *state;
    static const char *const zone[] = {
        FX_DOMAIN " TXT v=spf1 include:_spf.elsewhere.example ~all",
        "_spf.elsewhere.example UNKNOWN",
        SITE_RECORD,
    };
    tm_spf_analysis_t *a = ANALYSE(fx, zone);
    assert_true(a->offline_unknown > 0);
    assert_int_equal(fixability(fx, a, TM_SPF_GOAL_INCLUDE, NULL), TM_SPF_NOFIX_UNKNOWN);
    tm_spf_analysis_destroy(a);
}

/* The apex TXT answer would pass 512 bytes with the include added. */
static void test_answer_size_guard(void **state)
{
    fx_t *fx = *state;
    static const char *const zone[] = {
        FX_DOMAIN " TXT v=spf1 ip4:192.0.2.1 -all",
        SITE_RECORD,
    };
    tm_spf_analysis_t *a = ANALYSE(fx, zone);
    a->txt_wire_size = 490; /* as if other TXT records filled the answer */
    assert_int_equal(fixability(fx, a, TM_SPF_GOAL_INCLUDE, NULL), TM_SPF_NOFIX_SIZE);
    a->txt_wire_size = 200;
    assert_int_equal(fixability(fx, a, TM_SPF_GOAL_INCLUDE, NULL), TM_SPF_FIXABLE);
    tm_spf_analysis_destroy(a);
}

/* A quote or backslash in a term (an unknown modifier's macro-string may
 * hold them, RFC 7208 section 7.1) is escaped in the zone-file line. */
static void test_zone_line_escapes_quotes(void **state)
{
    fx_t *fx = *state;
    static const char *const zone[] = {
        FX_DOMAIN " TXT v=spf1 include:" SITE " note=\"a\\b\" ?all",
        SITE_RECORD,
    };
    tm_spf_analysis_t *a = ANALYSE(fx, zone);
    tm_finding_t *f = run_spf(fx, a, tm_check_spf_all);
    assert_string_equal(f->fix_records, FX_DOMAIN ". 3600 IN TXT \"v=spf1 include:" SITE
                        " note=\\\"a\\\\b\\\" ~all\"");
    tm_spf_analysis_destroy(a);
}

/* Without outbound protection a Fix about something else does not add the
 * TMEmS include (spf.all with +all); spf.include's own Fix still does. */
static void test_no_outbound_fix_without_include(void **state)
{
    fx_t *fx = *state;
    static const char *const zone[] = {
        FX_DOMAIN " TXT v=spf1 ip4:192.0.2.1 +all",
        SITE_RECORD,
    };
    fx->opts.outbound = false;
    tm_spf_analysis_t *a = ANALYSE(fx, zone);
    tm_finding_t *f = run_spf(fx, a, tm_check_spf_all);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_string_equal(f->fix_records, FX_DOMAIN ". 3600 IN TXT \"v=spf1 ip4:192.0.2.1 ~all\"");
    f = run_spf(fx, a, tm_check_spf_include);
    assert_string_equal(f->fix_records, FX_DOMAIN ". 3600 IN TXT \"v=spf1 include:" SITE
                        " ip4:192.0.2.1 ~all\"");
    tm_spf_analysis_destroy(a);
}

/* +all in a record whose include sits past the limit: moving the include
 * would push a:gw10 out, and spf.all does not need it moved: its record
 * only ends the record in ~all. */
static void test_plus_all_fix_leaves_include_where_it_is(void **state)
{
    fx_t *fx = *state;
    static const char *const zone[] = {
        FX_DOMAIN " TXT v=spf1" GW(1) GW(2) GW(3) GW(4) GW(5) GW(6) GW(7) GW(8) GW(9) GW(10)
                  " include:" SITE " +all",
        GW_A(1), GW_A(2), GW_A(3), GW_A(4), GW_A(5), GW_A(6), GW_A(7), GW_A(8), GW_A(9), GW_A(10),
        SITE_RECORD,
    };
    tm_spf_analysis_t *a = ANALYSE(fx, zone);
    tm_finding_t *f = run_spf(fx, a, tm_check_spf_all);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_string_equal(f->fix_records, FX_DOMAIN ". 3600 IN TXT \"v=spf1" GW(1) GW(2) GW(3) GW(4)
                        GW(5) GW(6) GW(7) GW(8) GW(9) GW(10) " include:" SITE " ~all\"");
    oom(fx, a, tm_check_spf_all);
    tm_spf_analysis_destroy(a);
}

/* ---- a record that does not parse --------------------------------------------------- */

/* One bad term: spf.syntax reports it with its position; the checks judge
 * the terms that parse and none contradicts the record; no Fix prints a
 * record (it would drop or guess the customer's sender). */
static void test_bad_term_reported_once(void **state)
{
    fx_t *fx = *state;
    static const char *const zone[] = {
        FX_DOMAIN " TXT v=spf1 ip4:192.0.2.300 include:" SITE " +all",
        SITE_RECORD,
    };
    tm_spf_analysis_t *a = ANALYSE(fx, zone);
    assert_true(a->partial);
    assert_false(a->partial_may_query);
    assert_int_equal(a->lookups, 1);
    tm_finding_t *f = run_spf(fx, a, tm_check_spf_syntax);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->detail, "term 1, \"ip4:192.0.2.300\", byte 12: not a valid IPv4 address");
    assert_contains(f->fix, "no record is printed");
    assert_null(f->fix_records);
    f = run_spf(fx, a, tm_check_spf_include);
    assert_int_equal(f->status, TM_CHECK_PASS);
    f = run_spf(fx, a, tm_check_spf_lookups);
    assert_int_equal(f->status, TM_CHECK_PASS);
    assert_contains(f->summary, "1 DNS lookup (");
    f = run_spf(fx, a, tm_check_spf_tmems_ranges);
    assert_int_equal(f->status, TM_CHECK_SKIP);
    /* +all among the terms that parse is a finding of its own, whose Fix
     * waits for the syntax error to be corrected */
    f = run_spf(fx, a, tm_check_spf_all);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_null(f->fix_records);
    assert_contains(f->fix, "the published record does not parse");
    assert_contains(f->detail, "Judged on the terms of the record that parse");
    oom(fx, a, tm_check_spf_syntax);
    oom(fx, a, tm_check_spf_all);
    tm_spf_analysis_destroy(a);
}

/* Every bad term is listed, in order; a misspelt include makes spf.include
 * and spf.lookups skip (the corrected term decides them), and a missing
 * all among the terms that parse makes spf.all skip (the bad term may be
 * the all). */
static void test_bad_terms_that_decide_skip(void **state)
{
    fx_t *fx = *state;
    static const char *const zone[] = {
        FX_DOMAIN " TXT v=spf1 ip4:192.0.2.1/33 inculde:" SITE " ~al",
        SITE_RECORD,
    };
    tm_spf_analysis_t *a = ANALYSE(fx, zone);
    assert_true(a->partial);
    assert_true(a->partial_may_query);
    tm_finding_t *f = run_spf(fx, a, tm_check_spf_syntax);
    assert_contains(f->detail, "term 1, \"ip4:192.0.2.1/33\", byte 21: invalid IPv4 CIDR length");
    assert_contains(f->detail, "term 2, \"inculde:" SITE "\", byte 25: unknown mechanism");
    assert_contains(f->detail, "term 3, \"~al\", byte 62: unknown mechanism");
    f = run_spf(fx, a, tm_check_spf_include);
    assert_int_equal(f->status, TM_CHECK_SKIP);
    f = run_spf(fx, a, tm_check_spf_lookups);
    assert_int_equal(f->status, TM_CHECK_SKIP);
    f = run_spf(fx, a, tm_check_spf_all);
    assert_int_equal(f->status, TM_CHECK_SKIP);
    tm_spf_analysis_destroy(a);
}

/* A bad term in an included record: reported there, the tree does not
 * expand it (a receiver stops at it), and the apex record's fixes stay. */
static void test_bad_term_nested(void **state)
{
    fx_t *fx = *state;
    static const char *const zone[] = {
        FX_DOMAIN " TXT v=spf1 include:" SITE " include:_spf." FX_DOMAIN " ?all",
        "_spf." FX_DOMAIN " TXT v=spf1 a:x." FX_DOMAIN " foo:bar -all",
        SITE_RECORD,
    };
    tm_spf_analysis_t *a = ANALYSE(fx, zone);
    assert_false(a->partial);
    assert_int_equal(a->syntax_errors, 1);
    assert_int_equal(a->lookups, 2);
    tm_finding_t *f = run_spf(fx, a, tm_check_spf_syntax);
    assert_contains(f->detail, "term 2, \"foo:bar\"");
    assert_contains(f->fix, "For a record the domain includes");
    f = run_spf(fx, a, tm_check_spf_all);
    assert_non_null(f->fix_records);
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
        cmocka_unit_test_setup_teardown(test_ten_own_terms_then_include, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_thirteen_nested_no_record, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_safe_changes_fix_lookups, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_safe_changes_not_enough, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_mx_overflow_before_include, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_include_would_cost_headroom, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_tree_no_include_added, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_answer_size_guard, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_zone_line_escapes_quotes, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_no_outbound_fix_without_include, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_plus_all_fix_leaves_include_where_it_is, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_bad_term_reported_once, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_bad_terms_that_decide_skip, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_bad_term_nested, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
