/* test_check_company.c - the company ID (会社 ID, docs/checks.md "Company ID"):
 * company.id (a 3-63 character host label, equal to --company when given),
 * company.inbound_host and company.relay_host (the ID's hosts exist in the
 * Japan data center), and the relay question they ask for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check_fixture.h"

#define L63 "abcdefghij" "abcdefghij" "abcdefghij" "abcdefghij" "abcdefghij" "abcdefghij" "abc"
#define L64 L63 "d"

/* ---- company.id ----------------------------------------------------------- */

static void test_id_unknown_skips(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, "mail.acme.example"});
    tm_finding_t *f = fx_run(fx, tm_check_company_id);
    assert_int_equal(f->status, TM_CHECK_SKIP);
    assert_contains(f->summary, "--company");
}

static void test_id_from_mx_passes(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS});
    tm_finding_t *f = fx_run(fx, tm_check_company_id);
    assert_int_equal(f->status, TM_CHECK_PASS);
    assert_contains(f->summary, "\"acme\"");
    assert_contains(f->summary, "MX");
}

static void test_id_option_agrees(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS});
    fx->opts.company = "ACME"; /* host labels compare without case */
    tm_finding_t *f = fx_run(fx, tm_check_company_id);
    assert_int_equal(f->status, TM_CHECK_PASS);
    assert_contains(f->summary, "--company");
}

static void test_id_option_without_mx_passes(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, "mail.acme.example"});
    fx->opts.company = "acme";
    assert_int_equal(fx_run(fx, tm_check_company_id)->status, TM_CHECK_PASS);
}

static void test_id_option_differs_fails(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS});
    fx->opts.company = "beta";
    tm_finding_t *f = fx_run(fx, tm_check_company_id);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->summary, "\"acme\"");
    assert_contains(f->summary, "\"beta\"");
    assert_string_equal(f->fix, FX_DOMAIN ". 300 IN MX 10 beta.in.tmems-jp.trendmicro.com.");
}

static void test_id_option_differs_pre_fails(void **state)
{
    fx_t *fx = *state;
    /* TMEmS as a backup already names the wrong account, in either phase */
    FX_MX(fx, 300, {10, "mail.acme.example"}, {20, FX_TMEMS});
    fx->opts.company = "beta";
    tm_finding_t *f = fx_run(fx, tm_check_company_id);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    fx->opts.phase = TM_PHASE_PRE;
    assert_int_equal(fx_run(fx, tm_check_company_id)->status, TM_CHECK_FAIL);
}

static void test_id_unknown_says_why(void **state)
{
    fx_t *fx = *state;
    /* the bogus host of a missing trailing dot names no company */
    FX_MX(fx, 300, {10, FX_TMEMS "." FX_DOMAIN});
    tm_finding_t *f = fx_run(fx, tm_check_company_id);
    assert_int_equal(f->status, TM_CHECK_SKIP);
    assert_contains(f->summary, "trailing dot");
    assert_contains(f->summary, "mx.target");
    assert_int_equal(fx_run(fx, tm_check_company_inbound_host)->status, TM_CHECK_SKIP);
    assert_int_equal(fx_run(fx, tm_check_company_relay_host)->status, TM_CHECK_SKIP);
    /* neither does another site's host */
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_MX(fx, 300, {10, "acme.in.tmes.trendmicro.com"});
    f = fx_run(fx, tm_check_company_id);
    assert_int_equal(f->status, TM_CHECK_SKIP);
    assert_contains(f->summary, "another site");
    assert_contains(f->summary, "mx.tmems");
    /* nor an own server */
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_MX(fx, 300, {10, "mail.acme.example"});
    assert_contains(fx_run(fx, tm_check_company_id)->summary, "no MX names TMEmS yet");
}

static void expect_invalid_option(fx_t *fx, const char *company)
{
    fx->opts.company = company;
    tm_finding_t *f = fx_run(fx, tm_check_company_id);
    if (f->status != TM_CHECK_FAIL)
        fail_msg("company \"%s\": expected fail, got %s (%s)", company,
                 tm_check_status_name(f->status), f->summary);
    assert_contains(f->summary, company);
    assert_contains(f->detail, "3 to 63");
    assert_non_null(f->fix);
}

static void test_id_invalid_labels_fail(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_NODATA);
    expect_invalid_option(fx, "ab");
    expect_invalid_option(fx, "-acme");
    expect_invalid_option(fx, "acme-");
    expect_invalid_option(fx, "ac_me");
    expect_invalid_option(fx, "ac.me");
    expect_invalid_option(fx, "ac me");
    expect_invalid_option(fx, "例え株式会社");
}

static void test_id_64_characters_fail(void **state)
{
    fx_t *fx = *state;
    /* docs/checks.md: 3 to 63 characters.  A 64-character --company must not be
     * cut to 63 and then pass. */
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_NODATA);
    expect_invalid_option(fx, L64);
    /* far longer, too */
    expect_invalid_option(fx, L63 L63 L63);
}

static void test_id_boundaries_pass(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_NODATA);
    const char *ok[] = {"abc", L63, "a-b", "123", "x--y"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        fx->opts.company = ok[i];
        tm_finding_t *f = fx_run(fx, tm_check_company_id);
        if (f->status != TM_CHECK_PASS)
            fail_msg("company \"%s\": %s", ok[i], f->summary);
    }
}

static void test_id_invalid_from_mx_fails(void **state)
{
    fx_t *fx = *state;
    /* the MX names a host whose label is no valid company ID */
    FX_MX(fx, 300, {10, "ab.in.tmems-jp.trendmicro.com"});
    tm_finding_t *f = fx_run(fx, tm_check_company_id);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->summary, "\"ab\"");
}

static void test_id_phase_independent(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS});
    fx->opts.phase = TM_PHASE_PRE;
    assert_int_equal(fx_run(fx, tm_check_company_id)->status, TM_CHECK_PASS);
    fx->opts.phase = TM_PHASE_POST;
    assert_int_equal(fx_run(fx, tm_check_company_id)->status, TM_CHECK_PASS);
}

/* ---- company.inbound_host and company.relay_host ------------------------- */

typedef struct {
    tm_check_fn fn;
    const char *host;
    const char *role;
} host_case_t;

static const host_case_t host_cases[] = {
    {tm_check_company_inbound_host, FX_TMEMS, "inbound host"},
    {tm_check_company_relay_host, FX_RELAY, "relay host"},
};

static void test_host_exists_passes(void **state)
{
    fx_t *fx = *state;
    fx->opts.company = "acme";
    fx_host_ok(fx, FX_TMEMS);
    fx_host_ok(fx, FX_RELAY);
    for (size_t i = 0; i < 2; i++) {
        tm_finding_t *f = fx_run(fx, host_cases[i].fn);
        assert_int_equal(f->status, TM_CHECK_PASS);
        assert_contains(f->summary, host_cases[i].host);
        assert_contains(f->summary, host_cases[i].role);
    }
}

static void test_host_nxdomain_fails(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS}); /* company from the MX */
    fx_outcome(fx, FX_TMEMS, TM_RR_A, TM_DNS_NXDOMAIN);
    fx_outcome(fx, FX_RELAY, TM_RR_A, TM_DNS_NXDOMAIN);
    for (size_t i = 0; i < 2; i++) {
        tm_finding_t *f = fx_run(fx, host_cases[i].fn);
        assert_int_equal(f->status, TM_CHECK_FAIL);
        assert_contains(f->summary, host_cases[i].host);
        assert_contains(f->summary, "NXDOMAIN");
        assert_contains(f->detail, "\"acme\"");
        assert_contains(f->detail, "Japan");
        assert_non_null(f->fix);
    }
}

static void test_host_nodata_fails(void **state)
{
    fx_t *fx = *state;
    fx->opts.company = "acme";
    fx_outcome(fx, FX_TMEMS, TM_RR_A, TM_DNS_NODATA);
    fx_outcome(fx, FX_RELAY, TM_RR_A, TM_DNS_NODATA);
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(fx_run(fx, host_cases[i].fn)->status, TM_CHECK_FAIL);
}

static void test_host_unknown_company_skips(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, "mail.acme.example"});
    for (size_t i = 0; i < 2; i++) {
        tm_finding_t *f = fx_run(fx, host_cases[i].fn);
        assert_int_equal(f->status, TM_CHECK_SKIP);
        assert_contains(f->summary, "unknown");
    }
}

static void test_host_invalid_company_skips(void **state)
{
    fx_t *fx = *state;
    /* company.id reports the ID; the hosts are not asked about */
    const char *bad[] = {"ab", "-acme", L64};
    for (size_t b = 0; b < 3; b++) {
        fx->opts.company = bad[b];
        for (size_t i = 0; i < 2; i++) {
            tm_finding_t *f = fx_run(fx, host_cases[i].fn);
            if (f->status != TM_CHECK_SKIP)
                fail_msg("company \"%s\": %s", bad[b], f->summary);
        }
    }
}

static void test_host_dns_failure_errors(void **state)
{
    fx_t *fx = *state;
    fx->opts.company = "acme";
    fx_outcome(fx, FX_TMEMS, TM_RR_A, TM_DNS_SERVFAIL);
    fx_outcome(fx, FX_RELAY, TM_RR_A, TM_DNS_TIMEOUT);
    tm_finding_t *f = fx_run(fx, tm_check_company_inbound_host);
    assert_int_equal(f->status, TM_CHECK_ERROR);
    assert_contains(f->summary, "SERVFAIL");
    f = fx_run(fx, tm_check_company_relay_host);
    assert_int_equal(f->status, TM_CHECK_ERROR);
    assert_contains(f->summary, "TIMEOUT");
}

static void test_host_offline_skips(void **state)
{
    fx_t *fx = *state;
    fx->opts.company = "acme";
    fx->opts.offline = true;
    fx_outcome(fx, FX_TMEMS, TM_RR_A, TM_DNS_UNKNOWN);
    fx_outcome(fx, FX_RELAY, TM_RR_A, TM_DNS_UNKNOWN);
    for (size_t i = 0; i < 2; i++) {
        tm_finding_t *f = fx_run(fx, host_cases[i].fn);
        assert_int_equal(f->status, TM_CHECK_SKIP);
        assert_contains(f->summary, host_cases[i].host);
    }
}

static void test_host_not_fetched_errors(void **state)
{
    fx_t *fx = *state;
    fx->opts.company = "acme";
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(fx_run(fx, host_cases[i].fn)->status, TM_CHECK_ERROR);
}

static void test_host_uses_option_not_mx(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS});
    fx->opts.company = "beta";
    fx_host_ok(fx, FX_TMEMS);
    fx_outcome(fx, "beta.in.tmems-jp.trendmicro.com", TM_RR_A, TM_DNS_NXDOMAIN);
    tm_finding_t *f = fx_run(fx, tm_check_company_inbound_host);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->summary, "beta.in.tmems-jp.trendmicro.com");
}

/* ---- what the relay check asks for ---------------------------------------- */

static void test_relay_needs(void **state)
{
    fx_t *fx = *state;
    tm_questions_t q;
    tm_questions_init(&q);
    tm_check_ctx_init(&fx->ctx, fx->domain, NULL, fx->rrset, fx->rules, &fx->opts);
    assert_int_equal(tm_relay_needs(&fx->ctx, &q), TM_OK);
    assert_int_equal(q.count, 0);

    fx->opts.company = "Acme";
    tm_check_ctx_init(&fx->ctx, fx->domain, NULL, fx->rrset, fx->rules, &fx->opts);
    assert_int_equal(tm_relay_needs(&fx->ctx, &q), TM_OK);
    assert_int_equal(q.count, 1);
    assert_string_equal(q.items[0].name, FX_RELAY);
    assert_int_equal(q.items[0].type, TM_RR_A);
    tm_questions_clear(&q);

    /* answered: nothing more to ask */
    fx_host_ok(fx, FX_RELAY);
    assert_int_equal(tm_relay_needs(&fx->ctx, &q), TM_OK);
    assert_int_equal(q.count, 0);

    const char *bad[] = {"ab", L64};
    for (size_t i = 0; i < 2; i++) {
        fx->opts.company = bad[i];
        tm_check_ctx_init(&fx->ctx, fx->domain, NULL, fx->rrset, fx->rules, &fx->opts);
        assert_int_equal(tm_relay_needs(&fx->ctx, &q), TM_OK);
        assert_int_equal(q.count, 0);
        assert_int_equal(tm_inbound_needs(&fx->ctx, &q), TM_OK);
        assert_int_equal(q.count, 0);
    }
    tm_questions_clear(&q);
}

/* ---- allocation failures -------------------------------------------------- */

static void test_oom(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS});
    fx_outcome(fx, FX_TMEMS, TM_RR_A, TM_DNS_NXDOMAIN);
    fx_outcome(fx, FX_RELAY, TM_RR_A, TM_DNS_SERVFAIL);
    const tm_check_fn fns[] = {tm_check_company_id, tm_check_company_inbound_host,
                               tm_check_company_relay_host};
    for (size_t i = 0; i < 3; i++)
        (void)fx_oom(fx, fns[i]);
    fx->opts.company = "beta";
    assert_true(fx_oom(fx, tm_check_company_id) > 0);
    assert_int_equal(fx->f.status, TM_CHECK_FAIL);
    fx->opts.company = "-x";
    assert_true(fx_oom(fx, tm_check_company_id) > 0);
    assert_int_equal(fx->f.status, TM_CHECK_FAIL);
}

#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_id_unknown_skips),
        T(test_id_from_mx_passes),
        T(test_id_option_agrees),
        T(test_id_option_without_mx_passes),
        T(test_id_option_differs_fails),
        T(test_id_option_differs_pre_fails),
        T(test_id_unknown_says_why),
        T(test_id_invalid_labels_fail),
        T(test_id_64_characters_fail),
        T(test_id_boundaries_pass),
        T(test_id_invalid_from_mx_fails),
        T(test_id_phase_independent),
        T(test_host_exists_passes),
        T(test_host_nxdomain_fails),
        T(test_host_nodata_fails),
        T(test_host_unknown_company_skips),
        T(test_host_invalid_company_skips),
        T(test_host_dns_failure_errors),
        T(test_host_offline_skips),
        T(test_host_not_fetched_errors),
        T(test_host_uses_option_not_mx),
        T(test_relay_needs),
        T(test_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
