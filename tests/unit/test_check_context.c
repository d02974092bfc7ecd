/* test_check_context.c - tm_check_ctx_init against docs/checks.md "Phase":
 * phase auto is post once the MX names a TMEmS inbound host at all (at any
 * preference, another site's, or one without its trailing dot), pre when it
 * names none, undecided without an MX answer to judge; the company comes
 * from --company, else from this site's MX host, else it is unknown.  Also
 * the shared helpers (what an MX host is, null MX, IP literals, lowest
 * preference, missing answers, a domain that does not exist). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check_fixture.h"

static void init(fx_t *fx)
{
    tm_check_ctx_init(&fx->ctx, fx->domain, fx->display, fx->rrset, fx->rules, &fx->opts);
}

static void test_no_answers_yet(void **state)
{
    fx_t *fx = *state;
    init(fx);
    /* nothing to decide from yet: undecided, and not "from the MX" */
    assert_int_equal(fx->ctx.phase, TM_PHASE_AUTO);
    assert_false(fx->ctx.phase_derived);
    assert_string_equal(fx->ctx.company, "");
    assert_string_equal(fx->ctx.mx_company, "");
    assert_int_equal(fx->ctx.company_source, TM_COMPANY_UNKNOWN);
    assert_string_equal(fx->ctx.domain, FX_DOMAIN);
    /* display defaults to the ASCII name */
    assert_string_equal(fx->ctx.display, FX_DOMAIN);
    assert_ptr_equal(fx->ctx.rrset, fx->rrset);
    assert_ptr_equal(fx->ctx.rules, fx->rules);
    assert_ptr_equal(fx->ctx.opts, &fx->opts);
    assert_null(fx->ctx.spf);
}

static void test_display_kept(void **state)
{
    fx_t *fx = *state;
    fx->domain = "xn--r8jz45g.jp";
    fx->display = "例え.jp";
    init(fx);
    assert_string_equal(fx->ctx.domain, "xn--r8jz45g.jp");
    assert_string_equal(fx->ctx.display, "例え.jp");
}

/* RFC 1034 section 3.6.2: an alias's records are its canonical name's, so
 * that name owns every Fix line; without a chain the domain does. */
static void test_owner_is_the_canonical_name_of_an_alias(void **state)
{
    fx_t *fx = *state;
    init(fx);
    assert_string_equal(fx->ctx.owner, FX_DOMAIN);
    tm_answer_t *mx = tm_answer_create(FX_DOMAIN, TM_RR_MX, TM_DNS_NOERROR);
    assert_non_null(mx);
    assert_int_equal(tm_answer_add_mx(mx, 300, 10, FX_TMEMS), TM_OK);
    assert_int_equal(tm_answer_set_canonical(mx, "hanbun.example"), TM_OK);
    fx_put(fx, mx);
    init(fx);
    assert_string_equal(fx->ctx.domain, FX_DOMAIN);
    assert_string_equal(fx->ctx.owner, "hanbun.example");
}

static void test_owner_from_txt_when_mx_has_no_chain(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_NODATA);
    tm_answer_t *txt = tm_answer_create(FX_DOMAIN, TM_RR_TXT, TM_DNS_NODATA);
    assert_non_null(txt);
    assert_int_equal(tm_answer_set_canonical(txt, "target.example"), TM_OK);
    fx_put(fx, txt);
    init(fx);
    assert_string_equal(fx->ctx.owner, "target.example");
}

static void test_auto_post_only_tmems(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS});
    init(fx);
    assert_int_equal(fx->ctx.phase, TM_PHASE_POST);
    assert_true(fx->ctx.phase_derived);
    assert_string_equal(fx->ctx.company, "acme");
    assert_string_equal(fx->ctx.mx_company, "acme");
    assert_int_equal(fx->ctx.company_source, TM_COMPANY_FROM_MX);
}

static void test_auto_post_tied_lowest(void **state)
{
    fx_t *fx = *state;
    /* a TMEmS host among several at the lowest value is enough for post */
    FX_MX(fx, 300, {10, "mail.acme.example"}, {10, FX_TMEMS}, {20, "backup.acme.example"});
    init(fx);
    assert_int_equal(fx->ctx.phase, TM_PHASE_POST);
    assert_string_equal(fx->ctx.company, "acme");
}

static void test_auto_post_tmems_as_backup(void **state)
{
    fx_t *fx = *state;
    /* TMEmS only at a higher preference value: a half-done cutover, never
     * "before the cutover" (mx.tmems fails it) */
    FX_MX(fx, 300, {5, "mail.acme.example"}, {10, FX_TMEMS});
    init(fx);
    assert_int_equal(fx->ctx.phase, TM_PHASE_POST);
    assert_true(fx->ctx.phase_derived);
    /* the company is still known from the MX host */
    assert_string_equal(fx->ctx.company, "acme");
    assert_int_equal(fx->ctx.company_source, TM_COMPANY_FROM_MX);
}

static void test_auto_pre_no_tmems(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 86400, {10, "mail1.acme.example"}, {20, "mail2.acme.example"});
    init(fx);
    assert_int_equal(fx->ctx.phase, TM_PHASE_PRE);
    assert_string_equal(fx->ctx.company, "");
    assert_int_equal(fx->ctx.company_source, TM_COMPANY_UNKNOWN);
}

static void test_auto_undecided_without_mx_answer(void **state)
{
    fx_t *fx = *state;
    /* a DNS error, offline unknown, a domain that does not exist: no MX
     * answer was judged, so the phase is not claimed to come from it */
    const tm_dns_outcome_t undecided[] = {TM_DNS_SERVFAIL, TM_DNS_TIMEOUT, TM_DNS_UNKNOWN,
                                          TM_DNS_NXDOMAIN};
    for (size_t i = 0; i < sizeof(undecided) / sizeof(undecided[0]); i++) {
        tm_rrset_destroy(fx->rrset);
        fx->rrset = tm_rrset_create();
        assert_non_null(fx->rrset);
        fx_outcome(fx, FX_DOMAIN, TM_RR_MX, undecided[i]);
        init(fx);
        assert_int_equal(fx->ctx.phase, TM_PHASE_AUTO);
        assert_false(fx->ctx.phase_derived);
        assert_string_equal(fx->ctx.company, "");
    }
    /* no MX record at all is an answer: pre */
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_NODATA);
    init(fx);
    assert_int_equal(fx->ctx.phase, TM_PHASE_PRE);
    assert_true(fx->ctx.phase_derived);
}

static void test_not_a_company_host(void **state)
{
    fx_t *fx = *state;
    /* two labels before the suffix are no company's inbound host, but a
     * name of the TMEmS site's domain: the cutover made wrong (post); a
     * TMEmS host followed by another domain is the cutover made wrong too */
    FX_MX(fx, 300, {10, "a.b.in.tmems-jp.trendmicro.com"},
          {10, "acme.in.tmems-jp.trendmicro.com.evil.example"});
    init(fx);
    assert_int_equal(fx->ctx.phase, TM_PHASE_POST);
    assert_string_equal(fx->ctx.company, "");
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    /* and so is a TMEmS host with another domain after it: no one's own
     * host starts with it, so the cutover was made, wrong */
    FX_MX(fx, 300, {10, "acme.in.tmems-jp.trendmicro.com.evil.example"});
    init(fx);
    assert_int_equal(fx->ctx.phase, TM_PHASE_POST);
}

/* The bare inbound suffix and the relay host are no company's inbound
 * host, but an MX naming them is a cutover made (with the wrong host):
 * phase post, company unknown, so mx.tmems fails rather than "not yet". */
static void test_non_inbound_tmems_name_is_post(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, "in.tmems-jp.trendmicro.com"});
    init(fx);
    assert_int_equal(fx->ctx.phase, TM_PHASE_POST);
    assert_string_equal(fx->ctx.company, "");
}

static void test_other_site_and_no_dot_are_post_without_company(void **state)
{
    fx_t *fx = *state;
    /* another site's host: the cutover was made, to the wrong site; the
     * company ID of this site stays unknown */
    FX_MX(fx, 300, {10, "acme.in.tmes.trendmicro.com"});
    init(fx);
    assert_int_equal(fx->ctx.phase, TM_PHASE_POST);
    assert_true(fx->ctx.phase_derived);
    assert_string_equal(fx->ctx.company, "");
    /* the missing trailing dot: the same, the bogus host names no account */
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_MX(fx, 300, {10, FX_TMEMS "." FX_DOMAIN});
    init(fx);
    assert_int_equal(fx->ctx.phase, TM_PHASE_POST);
    assert_string_equal(fx->ctx.company, "");
    assert_int_equal(fx->ctx.company_source, TM_COMPANY_UNKNOWN);
}

/* A misspelt inbound host is a near miss, with the host probably meant; a
 * name far from it, and every real TMEmS name, is not. */
static void test_mx_host_near_miss(void **state)
{
    fx_t *fx = *state;
    init(fx);
    tm_mx_host_t h;
    const char *typos[] = {"fuji.in.tmem-jp.trendmicro.com", "fuji.in.tmems-jp.trendmicro.co",
                           "FUJI.in.tmesm-jp.trendmicro.com.", "fuji.tmems-jp.trendmicro.com"};
    for (size_t i = 0; i < sizeof(typos) / sizeof(typos[0]); i++) {
        tm_mx_host_classify(&fx->ctx, typos[i], &h);
        assert_int_equal(h.kind, TM_MX_HOST_NEAR_MISS);
        assert_true(tm_name_equal(h.intended, "fuji.in.tmems-jp.trendmicro.com"));
    }
    tm_mx_host_classify(&fx->ctx, "in.tmems-jp.trendmicro.co", &h);
    assert_int_equal(h.kind, TM_MX_HOST_NEAR_MISS);
    assert_string_equal(h.intended, "<company-id>.in.tmems-jp.trendmicro.com");
    const char *others[] = {"mail.fuji.example", "fuji.in.tmes-sg.trendmicro.com",
                            "fuji.in.tmes.trendmicro.eu", "in.tmems-jp.trendmicro.com",
                            "fuji.relay.tmems-jp.trendmicro.com", "mx.trendmicro.com"};
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        tm_mx_host_classify(&fx->ctx, others[i], &h);
        assert_int_not_equal(h.kind, TM_MX_HOST_NEAR_MISS);
    }
    /* the cutover was made, with a typo: after it, never "before" */
    FX_MX(fx, 300, {10, "fuji.in.tmem-jp.trendmicro.com"});
    init(fx);
    assert_int_equal(fx->ctx.phase, TM_PHASE_POST);
    assert_string_equal(fx->ctx.company, "");
}

static void test_mx_host_classify(void **state)
{
    fx_t *fx = *state;
    fx->domain = "sub.acme.example";
    init(fx);
    tm_mx_host_t h;
    tm_mx_host_classify(&fx->ctx, "", &h);
    assert_int_equal(h.kind, TM_MX_HOST_NULL);
    tm_mx_host_classify(&fx->ctx, "mail.acme.example", &h);
    assert_int_equal(h.kind, TM_MX_HOST_OTHER);
    assert_string_equal(h.intended, "mail.acme.example");
    tm_mx_host_classify(&fx->ctx, "Beta." "in.tmems-jp.trendmicro.com", &h);
    assert_int_equal(h.kind, TM_MX_HOST_TMEMS);
    assert_string_equal(h.company, "beta");
    assert_null(h.site);
    tm_mx_host_classify(&fx->ctx, "beta.in.tmes-sg.trendmicro.com", &h);
    assert_int_equal(h.kind, TM_MX_HOST_OTHER_SITE);
    assert_non_null(h.site);
    assert_string_equal(h.site->region, "sg");
    assert_string_equal(h.site->site, "Singapore");
    /* the zone's name appended: the domain itself, or any parent of it */
    const char *appended[] = {FX_TMEMS ".sub.acme.example", FX_TMEMS ".acme.example",
                              FX_TMEMS ".example"};
    for (size_t i = 0; i < 3; i++) {
        tm_mx_host_classify(&fx->ctx, appended[i], &h);
        assert_int_equal(h.kind, TM_MX_HOST_NO_DOT);
        assert_string_equal(h.intended, FX_TMEMS);
        assert_string_equal(h.company, "acme");
        assert_null(h.site);
    }
    tm_mx_host_classify(&fx->ctx, "beta.in.tmes.trendmicro.eu.acme.example", &h);
    assert_int_equal(h.kind, TM_MX_HOST_NO_DOT);
    assert_string_equal(h.intended, "beta.in.tmes.trendmicro.eu");
    assert_string_equal(h.site->region, "eu");
    /* under a $ORIGIN below the domain, and misspelt as well: the cutover
     * made wrong either way */
    tm_mx_host_classify(&fx->ctx, FX_TMEMS ".mail.sub.acme.example", &h);
    assert_int_equal(h.kind, TM_MX_HOST_NO_DOT);
    assert_string_equal(h.intended, FX_TMEMS);
    tm_mx_host_classify(&fx->ctx, "acme.in.tmems-jp.trendmicro.co.sub.acme.example", &h);
    assert_int_equal(h.kind, TM_MX_HOST_NEAR_MISS);
    assert_string_equal(h.intended, FX_TMEMS);
    tm_mx_host_classify(&fx->ctx, "acme.in.tmems-jp.trendmicro.co.evil.example", &h);
    assert_int_equal(h.kind, TM_MX_HOST_OTHER); /* no origin of the domain's zone */
    /* beside the domain, not below it: no origin its zone file can have,
     * but a name that starts with the TMEmS host is no one's own host */
    tm_mx_host_classify(&fx->ctx, FX_TMEMS ".mail.acme.example", &h);
    assert_int_equal(h.kind, TM_MX_HOST_NEAR_MISS);
    assert_string_equal(h.intended, FX_TMEMS);
    /* the suffix pasted twice; a dot escaped into a label (QA session 5) */
    tm_mx_host_classify(&fx->ctx, FX_TMEMS ".trendmicro.com", &h);
    assert_int_equal(h.kind, TM_MX_HOST_NEAR_MISS);
    assert_string_equal(h.intended, FX_TMEMS);
    assert_string_equal(h.company, "acme");
    tm_mx_host_classify(&fx->ctx, "acme.in.tmems-jp.trendmicro\\046com", &h);
    assert_int_equal(h.kind, TM_MX_HOST_NEAR_MISS);
    assert_string_equal(h.intended, FX_TMEMS);
    tm_mx_host_classify(&fx->ctx, "acme\\046in.tmems-jp.trendmicro.com", &h);
    assert_int_equal(h.kind, TM_MX_HOST_NEAR_MISS);
    tm_mx_host_classify(&fx->ctx, "acme\\.in.tmems-jp.trendmicro.com", &h);
    assert_int_equal(h.kind, TM_MX_HOST_NEAR_MISS);
    assert_string_equal(h.intended, FX_TMEMS);
    tm_mx_host_classify(&fx->ctx, "mail\\046acme.example", &h);
    assert_int_equal(h.kind, TM_MX_HOST_OTHER);
    /* another name in the site's own domain takes no inbound mail either */
    tm_mx_host_classify(&fx->ctx, "acme.inbound.tmems-jp.trendmicro.com", &h);
    assert_int_equal(h.kind, TM_MX_HOST_NOT_INBOUND);
    tm_mx_host_classify(&fx->ctx, "x.acme.in.tmems-jp.trendmicro.com", &h);
    assert_int_equal(h.kind, TM_MX_HOST_NOT_INBOUND);
    tm_mx_host_classify(&fx->ctx, "tmems-jp.trendmicro.community", &h);
    assert_int_equal(h.kind, TM_MX_HOST_OTHER);
    /* not a TMEmS host before the zone's name */
    tm_mx_host_classify(&fx->ctx, "mail.acme.example.acme.example", &h);
    assert_int_equal(h.kind, TM_MX_HOST_OTHER);
    tm_mx_host_classify(&fx->ctx, "example", &h);
    assert_int_equal(h.kind, TM_MX_HOST_OTHER);

    /* tm_mx_has_kind over an answer */
    FX_MX(fx, 300, {10, "mail.acme.example"}, {20, FX_TMEMS ".example"});
    const tm_answer_t *mx = tm_rrset_get(fx->rrset, fx->domain, TM_RR_MX);
    assert_true(tm_mx_has_kind(&fx->ctx, mx, TM_MX_HOST_NO_DOT));
    assert_true(tm_mx_has_kind(&fx->ctx, mx, TM_MX_HOST_OTHER));
    assert_false(tm_mx_has_kind(&fx->ctx, mx, TM_MX_HOST_TMEMS));
    assert_false(tm_mx_has_kind(&fx->ctx, NULL, TM_MX_HOST_OTHER));
}

static void test_domain_missing(void **state)
{
    fx_t *fx = *state;
    init(fx);
    assert_false(tm_ctx_domain_missing(&fx->ctx));
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_NXDOMAIN);
    init(fx);
    assert_true(tm_ctx_domain_missing(&fx->ctx));
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_SERVFAIL);
    init(fx);
    assert_true(tm_ctx_domain_missing(&fx->ctx));
    /* an answer that says the name exists wins */
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_NXDOMAIN);
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_NODATA);
    init(fx);
    assert_false(tm_ctx_domain_missing(&fx->ctx));
    /* offline unknown is not NXDOMAIN */
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_UNKNOWN);
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_UNKNOWN);
    init(fx);
    assert_false(tm_ctx_domain_missing(&fx->ctx));
}

static void test_company_case_folded(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, "ACME.In.TMEMS-JP.TrendMicro.COM."});
    init(fx);
    assert_int_equal(fx->ctx.phase, TM_PHASE_POST);
    assert_string_equal(fx->ctx.company, "acme");
}

static void test_company_from_lowest_tmems_host(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {20, "beta.in.tmems-jp.trendmicro.com"}, {10, FX_TMEMS},
          {30, "gamma.in.tmems-jp.trendmicro.com"});
    init(fx);
    assert_string_equal(fx->ctx.company, "acme");
    assert_string_equal(fx->ctx.mx_company, "acme");
}

static void test_company_tie_independent_of_order(void **state)
{
    fx_t *fx = *state;
    /* servers rotate the records: the first host by name wins either way */
    FX_MX(fx, 300, {10, "zeta.in.tmems-jp.trendmicro.com"}, {10, "beta.in.tmems-jp.trendmicro.com"});
    init(fx);
    assert_string_equal(fx->ctx.company, "beta");
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_MX(fx, 300, {10, "beta.in.tmems-jp.trendmicro.com"}, {10, "zeta.in.tmems-jp.trendmicro.com"});
    init(fx);
    assert_string_equal(fx->ctx.company, "beta");
}

static void test_company_option_wins(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS});
    fx->opts.company = "beta";
    init(fx);
    assert_string_equal(fx->ctx.company, "beta");
    assert_int_equal(fx->ctx.company_source, TM_COMPANY_FROM_OPTION);
    /* the MX's company is kept for company.id to compare */
    assert_string_equal(fx->ctx.mx_company, "acme");
    assert_int_equal(fx->ctx.phase, TM_PHASE_POST);
}

static void test_company_option_without_mx(void **state)
{
    fx_t *fx = *state;
    fx->opts.company = "acme";
    init(fx);
    assert_string_equal(fx->ctx.company, "acme");
    assert_int_equal(fx->ctx.company_source, TM_COMPANY_FROM_OPTION);
    assert_string_equal(fx->ctx.mx_company, "");
}

static void test_empty_company_option_ignored(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS});
    fx->opts.company = "";
    init(fx);
    assert_string_equal(fx->ctx.company, "acme");
    assert_int_equal(fx->ctx.company_source, TM_COMPANY_FROM_MX);
}

static void test_phase_forced(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS});
    fx->opts.phase = TM_PHASE_PRE;
    init(fx);
    assert_int_equal(fx->ctx.phase, TM_PHASE_PRE);
    assert_false(fx->ctx.phase_derived);
    fx->opts.phase = TM_PHASE_POST;
    init(fx);
    assert_int_equal(fx->ctx.phase, TM_PHASE_POST);
    assert_false(fx->ctx.phase_derived);
}

static void test_phase_forced_post_without_mx(void **state)
{
    fx_t *fx = *state;
    fx->opts.phase = TM_PHASE_POST;
    init(fx);
    assert_int_equal(fx->ctx.phase, TM_PHASE_POST);
    assert_false(fx->ctx.phase_derived);
}

static void test_null_mx(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {0, "."});
    const tm_answer_t *mx = tm_rrset_get(fx->rrset, FX_DOMAIN, TM_RR_MX);
    assert_true(tm_mx_is_null(mx));
    init(fx);
    assert_int_equal(fx->ctx.phase, TM_PHASE_PRE);
    assert_false(tm_mx_is_null(NULL));
}

static void test_null_mx_needs_single_record(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {0, "."}, {10, "mail.acme.example"});
    assert_false(tm_mx_is_null(tm_rrset_get(fx->rrset, FX_DOMAIN, TM_RR_MX)));
    /* "." twice still names no host */
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_MX(fx, 300, {0, "."}, {10, "."});
    assert_true(tm_mx_is_null(tm_rrset_get(fx->rrset, FX_DOMAIN, TM_RR_MX)));
}

static void test_lowest_preference(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {30, "c.example"}, {7, "a.example"}, {65535, "z.example"}, {7, "b.example"});
    assert_int_equal(tm_mx_lowest_preference(tm_rrset_get(fx->rrset, FX_DOMAIN, TM_RR_MX)), 7);
}

static void test_ip_literal(void **state)
{
    (void)state;
    assert_true(tm_host_is_ip_literal("192.0.2.1"));
    assert_true(tm_host_is_ip_literal("2001:db8::1"));
    assert_true(tm_host_is_ip_literal("[192.0.2.1]"));
    assert_true(tm_host_is_ip_literal("[IPv6:2001:db8::1]"));
    assert_true(tm_host_is_ip_literal("[ipv6:::1]"));
    assert_false(tm_host_is_ip_literal("mail.example"));
    assert_false(tm_host_is_ip_literal("192.0.2.1.example"));
    assert_false(tm_host_is_ip_literal("[mail.example]"));
    assert_false(tm_host_is_ip_literal("[]"));
    assert_false(tm_host_is_ip_literal(""));
}

static void test_is_tmems_host(void **state)
{
    fx_t *fx = *state;
    init(fx);
    assert_true(tm_ctx_is_tmems_host(&fx->ctx, FX_TMEMS));
    assert_true(tm_ctx_is_tmems_host(&fx->ctx, "X-1.IN.tmems-jp.trendmicro.com."));
    assert_false(tm_ctx_is_tmems_host(&fx->ctx, FX_RELAY));
    assert_false(tm_ctx_is_tmems_host(&fx->ctx, "acme.in.tmes.trendmicro.com"));
    assert_false(tm_ctx_is_tmems_host(&fx->ctx, "xacme.in.tmems-jp.trendmicro.com.example"));
}

static void test_missing_answer(void **state)
{
    fx_t *fx = *state;
    tm_status_t st = TM_EINVAL;
    init(fx);
    /* never fetched: no verdict */
    assert_true(tm_finding_for_missing(&fx->ctx, NULL, "the MX records", &fx->f, &st));
    assert_int_equal(st, TM_OK);
    assert_int_equal(fx->f.status, TM_CHECK_ERROR);
    assert_contains(fx->f.summary, "the MX records");
    fx_finding_free(&fx->f);

    fx_outcome(fx, "u.example", TM_RR_A, TM_DNS_UNKNOWN);
    fx_outcome(fx, "t.example", TM_RR_A, TM_DNS_TIMEOUT);
    fx_outcome(fx, "r.example", TM_RR_A, TM_DNS_REFUSED);
    fx_outcome(fx, "x.example", TM_RR_A, TM_DNS_NXDOMAIN);
    fx_outcome(fx, "n.example", TM_RR_A, TM_DNS_NODATA);

    /* offline and unknown: skip, never error (docs/checks.md "Offline") */
    st = TM_EINVAL;
    assert_true(tm_finding_for_missing(&fx->ctx, tm_rrset_get(fx->rrset, "u.example", TM_RR_A),
                                       "u.example", &fx->f, &st));
    assert_int_equal(st, TM_OK);
    assert_int_equal(fx->f.status, TM_CHECK_SKIP);
    assert_contains(fx->f.summary, "Offline");
    assert_contains(fx->f.summary, "u.example");
    fx_finding_free(&fx->f);

    /* a server that does not answer: error, naming the outcome */
    const char *failures[] = {"t.example", "r.example"};
    const char *names[] = {"TIMEOUT", "REFUSED"};
    for (size_t i = 0; i < 2; i++) {
        st = TM_EINVAL;
        assert_true(tm_finding_for_missing(&fx->ctx,
                                           tm_rrset_get(fx->rrset, failures[i], TM_RR_A),
                                           failures[i], &fx->f, &st));
        assert_int_equal(st, TM_OK);
        assert_int_equal(fx->f.status, TM_CHECK_ERROR);
        assert_contains(fx->f.summary, names[i]);
        assert_contains(fx->f.summary, failures[i]);
        assert_non_null(fx->f.fix);
        fx_finding_free(&fx->f);
    }

    /* NXDOMAIN and NODATA are answers: the check judges them itself */
    assert_false(tm_finding_for_missing(&fx->ctx, tm_rrset_get(fx->rrset, "x.example", TM_RR_A),
                                        "x", &fx->f, &st));
    assert_false(tm_finding_for_missing(&fx->ctx, tm_rrset_get(fx->rrset, "n.example", TM_RR_A),
                                        "n", &fx->f, &st));
    assert_null(fx->f.summary);
}

static void test_missing_answer_carries_reason(void **state)
{
    fx_t *fx = *state;
    tm_answer_t *ans = tm_answer_create("f.example", TM_RR_TXT, TM_DNS_FORMERR);
    assert_non_null(ans);
    assert_int_equal(tm_answer_set_error(ans, "truncated answer section"), TM_OK);
    fx_put(fx, ans);
    init(fx);
    tm_status_t st = TM_EINVAL;
    assert_true(tm_finding_for_missing(&fx->ctx, tm_rrset_get(fx->rrset, "f.example", TM_RR_TXT),
                                       "f.example", &fx->f, &st));
    assert_int_equal(st, TM_OK);
    assert_int_equal(fx->f.status, TM_CHECK_ERROR);
    assert_contains(fx->f.summary, "FORMERR");
    assert_string_equal(fx->f.detail, "truncated answer section");
}

/* The derivation is redone each round: a later MX answer changes it. */
static void test_rederived_each_round(void **state)
{
    fx_t *fx = *state;
    init(fx);
    assert_int_equal(fx->ctx.phase, TM_PHASE_AUTO);
    FX_MX(fx, 300, {10, FX_TMEMS});
    init(fx);
    assert_int_equal(fx->ctx.phase, TM_PHASE_POST);
    assert_string_equal(fx->ctx.company, "acme");
}

#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_no_answers_yet),
        T(test_display_kept),
        T(test_mx_host_near_miss),
        T(test_owner_is_the_canonical_name_of_an_alias),
        T(test_owner_from_txt_when_mx_has_no_chain),
        T(test_auto_post_only_tmems),
        T(test_auto_post_tied_lowest),
        T(test_auto_post_tmems_as_backup),
        T(test_auto_pre_no_tmems),
        T(test_auto_undecided_without_mx_answer),
        T(test_not_a_company_host),
        T(test_non_inbound_tmems_name_is_post),
        T(test_other_site_and_no_dot_are_post_without_company),
        T(test_mx_host_classify),
        T(test_domain_missing),
        T(test_company_case_folded),
        T(test_company_from_lowest_tmems_host),
        T(test_company_tie_independent_of_order),
        T(test_company_option_wins),
        T(test_company_option_without_mx),
        T(test_empty_company_option_ignored),
        T(test_phase_forced),
        T(test_phase_forced_post_without_mx),
        T(test_null_mx),
        T(test_null_mx_needs_single_record),
        T(test_lowest_preference),
        T(test_ip_literal),
        T(test_is_tmems_host),
        T(test_missing_answer),
        T(test_missing_answer_carries_reason),
        T(test_rederived_each_round),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
