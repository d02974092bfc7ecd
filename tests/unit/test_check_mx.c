/* test_check_mx.c - the MX rows of the 受信サーバ section (docs/checks.md
 * inbound): mx.present, mx.tmems, mx.bypass, mx.ttl, mx.target, pre and post
 * the cutover, with DNS failures (error) and offline unknowns (skip), and
 * the questions the inbound checks ask for (tm_inbound_needs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check_fixture.h"

#define CUTOVER_ACME FX_DOMAIN ". 300 IN MX 10 " FX_TMEMS "."
#define CUTOVER_ANY FX_DOMAIN ". 300 IN MX 10 <company-id>.in.tmems-jp.trendmicro.com."

static char *last_line(const char *text, char *buf, size_t len)
{
    assert_true(fx_line(text, fx_lines(text) - 1, buf, len));
    return buf;
}

/* ---- mx.present ----------------------------------------------------------- */

static void test_present_pass(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, "mail1.acme.example"}, {20, "mail2.acme.example"});
    tm_finding_t *f = fx_run(fx, tm_check_mx_present);
    assert_int_equal(f->status, TM_CHECK_PASS);
    assert_string_equal(f->summary, "2 MX records are published");
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_MX(fx, 300, {10, "mail1.acme.example"});
    assert_string_equal(fx_run(fx, tm_check_mx_present)->summary, "1 MX record is published");
}

static void test_present_nodata_fails(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_NODATA);
    tm_finding_t *f = fx_run(fx, tm_check_mx_present);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->summary, FX_DOMAIN);
    assert_contains(f->detail, "A record");
    assert_string_equal(f->fix, CUTOVER_ANY);
}

static void test_present_fix_names_company(void **state)
{
    fx_t *fx = *state;
    fx->opts.company = "acme";
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_NODATA);
    tm_finding_t *f = fx_run(fx, tm_check_mx_present);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_string_equal(f->fix, CUTOVER_ACME);
}

static void test_present_nxdomain_fails(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_NXDOMAIN);
    assert_int_equal(fx_run(fx, tm_check_mx_present)->status, TM_CHECK_FAIL);
}

static void test_present_null_mx_fails(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {0, "."});
    tm_finding_t *f = fx_run(fx, tm_check_mx_present);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->summary, "null MX");
    assert_contains(f->summary, "accepts no mail");
    /* RFC 7505: no fallback to the address record */
    assert_not_contains(f->detail, "fall back");
    assert_contains(f->detail, "do not try the address record");
    assert_contains(f->fix, CUTOVER_ANY);
    /* "." published twice is still a null MX, never a Fix without lines */
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_MX(fx, 300, {0, "."}, {0, "."});
    f = fx_run(fx, tm_check_mx_present);
    assert_contains(f->summary, "null MX (RFC 7505)");
    assert_contains(f->fix, CUTOVER_ANY);
    f = fx_run(fx, tm_check_mx_target);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->fix, CUTOVER_ANY);
}

static void test_present_null_mx_mixed_fails(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 600, {0, "."}, {20, "mail2.acme.example"}, {10, FX_TMEMS "." FX_DOMAIN});
    tm_finding_t *f = fx_run(fx, tm_check_mx_present);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->summary, "beside 2 other MX records");
    assert_contains(f->detail, "RFC 7505 section 3");
    /* the set without ".", hosts as meant */
    assert_string_equal(f->fix_records, FX_DOMAIN ". 300 IN MX 10 " FX_TMEMS ".\n" FX_DOMAIN
                                        ". 300 IN MX 20 mail2.acme.example.");
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_MX(fx, 600, {0, "."}, {20, "mail2.acme.example"});
    assert_contains(fx_run(fx, tm_check_mx_present)->summary, "beside 1 other MX record");
}

static void test_present_servfail_error(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_SERVFAIL);
    tm_finding_t *f = fx_run(fx, tm_check_mx_present);
    assert_int_equal(f->status, TM_CHECK_ERROR);
    assert_contains(f->summary, "SERVFAIL");
}

static void test_present_offline_skip(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_UNKNOWN);
    assert_int_equal(fx_run(fx, tm_check_mx_present)->status, TM_CHECK_SKIP);
}

static void test_present_not_fetched_error(void **state)
{
    fx_t *fx = *state;
    assert_int_equal(fx_run(fx, tm_check_mx_present)->status, TM_CHECK_ERROR);
}

/* ---- mx.tmems ------------------------------------------------------------- */

static void test_tmems_post_pass(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS});
    tm_finding_t *f = fx_run(fx, tm_check_mx_tmems);
    assert_int_equal(f->status, TM_CHECK_PASS);
    assert_contains(f->summary, FX_TMEMS);
}

/* The domain is an alias: the Fix names the canonical owner, never the
 * alias (a record beside a CNAME makes the zone unloadable). */
static void test_tmems_fix_written_at_canonical_name(void **state)
{
    fx_t *fx = *state;
    tm_answer_t *mx = tm_answer_create(FX_DOMAIN, TM_RR_MX, TM_DNS_NOERROR);
    assert_non_null(mx);
    assert_int_equal(tm_answer_add_mx(mx, 300, 5, "mail.hanbun.example"), TM_OK);
    assert_int_equal(tm_answer_add_mx(mx, 300, 10, FX_TMEMS), TM_OK);
    assert_int_equal(tm_answer_set_canonical(mx, "hanbun.example"), TM_OK);
    fx_put(fx, mx);
    tm_finding_t *f = fx_run(fx, tm_check_mx_tmems);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_non_null(f->fix_records);
    assert_string_equal(f->fix_records, "hanbun.example. 300 IN MX 10 " FX_TMEMS ".");
    assert_null(strstr(f->fix, FX_DOMAIN "."));
}

/* A misspelt TMEmS host fails in either phase and names the host meant;
 * the line is shown to check, never a pasteable record (a guess). */
static void test_tmems_near_miss_fails(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, "acme.in.tmem-jp.trendmicro.com"});
    for (int pre = 0; pre < 2; pre++) {
        fx->opts.phase = pre ? TM_PHASE_PRE : TM_PHASE_AUTO;
        tm_finding_t *f = fx_run(fx, tm_check_mx_tmems);
        assert_int_equal(f->status, TM_CHECK_FAIL);
        assert_contains(f->summary, "probably " FX_TMEMS " was meant");
        assert_contains(f->fix, FX_DOMAIN ". 300 IN MX 10 " FX_TMEMS ".");
        assert_null(f->fix_records);
    }
}

/* With the TMEmS host most preferred, a misspelt backup is mx.bypass's. */
static void test_tmems_near_miss_backup(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS}, {20, "acme.in.tmem-jp.trendmicro.com"});
    assert_int_equal(fx_run(fx, tm_check_mx_tmems)->status, TM_CHECK_PASS);
    assert_int_equal(fx_run(fx, tm_check_company_id)->status, TM_CHECK_PASS);
}

/* An MX at an alias of the TMEmS inbound host: the cutover was made
 * (phase post, the company from the chain's end), mx.tmems fails with the
 * host itself as the Fix, and mx.target names the alias. */
static void test_tmems_alias_of_tmems_fails(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, "mx.acme.example"});
    fx_host_alias(fx, "mx.acme.example", FX_TMEMS);
    tm_finding_t *f = fx_run(fx, tm_check_mx_tmems);
    assert_int_equal(fx->ctx.phase, TM_PHASE_POST);
    assert_string_equal(fx->ctx.company, "acme");
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->summary, "alias (CNAME) of the TMEmS inbound host " FX_TMEMS);
    assert_string_equal(f->fix_records, FX_DOMAIN ". 300 IN MX 10 " FX_TMEMS ".");
    f = fx_run(fx, tm_check_mx_target);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->detail, "mx.acme.example is an alias (CNAME)");
}

/* Offline or from a server that does not follow the chain: the alias is
 * still known from the CNAME, and the target is not "in no zone file". */
static void test_target_alias_of_tmems_unanswered(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, "mx.acme.example"});
    const uint16_t types[2] = {TM_RR_A, TM_RR_AAAA};
    for (size_t i = 0; i < 2; i++) {
        tm_answer_t *ans = tm_answer_create("mx.acme.example", types[i], TM_DNS_UNKNOWN);
        assert_non_null(ans);
        ans->source = TM_SRC_NONE;
        assert_int_equal(tm_answer_set_canonical(ans, FX_TMEMS), TM_OK);
        fx_put(fx, ans);
    }
    tm_finding_t *f = fx_run(fx, tm_check_mx_target);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->detail, "alias (CNAME)");
    assert_int_equal(fx_run(fx, tm_check_mx_tmems)->status, TM_CHECK_FAIL);
}

static void test_tmems_pre_info(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, "mail.acme.example"});
    tm_finding_t *f = fx_run(fx, tm_check_mx_tmems);
    assert_int_equal(fx->ctx.phase, TM_PHASE_PRE);
    assert_int_equal(f->status, TM_CHECK_INFO);
    char line[256];
    assert_string_equal(last_line(f->fix, line, sizeof(line)), CUTOVER_ANY);
}

static void test_tmems_not_first_fails(void **state)
{
    fx_t *fx = *state;
    /* TMEmS added, but behind the own server: the mail skips the scan.  Not
     * "before the cutover": the phase is post and the check fails. */
    FX_MX(fx, 600, {10, "mail.acme.example"}, {20, FX_TMEMS}, {30, "backup.acme.example"});
    tm_finding_t *f = fx_run(fx, tm_check_mx_tmems);
    assert_int_equal(fx->ctx.phase, TM_PHASE_POST);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->summary, "mail.acme.example (preference 10)");
    assert_contains(f->summary, FX_TMEMS " is at 20");
    assert_contains(f->detail, "skips the scan");
    /* TMEmS alone, the same MX set as mx.bypass gives, with the TTL at
     * most the recommended 300 s */
    assert_string_equal(f->fix_records, CUTOVER_ACME);
    tm_finding_t *bypass = fx_run(fx, tm_check_mx_bypass);
    assert_string_equal(bypass->fix_records, CUTOVER_ACME);
    /* the same with --phase pre */
    fx->opts.phase = TM_PHASE_PRE;
    assert_int_equal(fx_run(fx, tm_check_mx_tmems)->status, TM_CHECK_FAIL);
}

static void test_tmems_not_first_fix_keeps_spacing(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 120, {0, "mail.acme.example"}, {5, "mail2.acme.example"}, {50, FX_TMEMS},
          {60, "beta.in.tmems-jp.trendmicro.com"});
    tm_finding_t *f = fx_run(fx, tm_check_mx_tmems);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    /* the domain's own TMEmS host alone, at the TTL published */
    assert_string_equal(f->fix_records, FX_DOMAIN ". 120 IN MX 10 " FX_TMEMS ".");
}

static void test_tmems_not_first_no_room(void **state)
{
    fx_t *fx = *state;
    /* no preference value is left above TMEmS: TMEmS alone */
    FX_MX(fx, 300, {65530, "mail.acme.example"}, {65535, FX_TMEMS});
    tm_finding_t *f = fx_run(fx, tm_check_mx_tmems);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_string_equal(f->fix_records, CUTOVER_ACME);
}

static void test_tmems_post_not_tmems_fails(void **state)
{
    fx_t *fx = *state;
    fx->opts.phase = TM_PHASE_POST;
    fx->opts.company = "acme";
    FX_MX(fx, 300, {10, "mail.acme.example"}, {20, "mail2.acme.example"});
    tm_finding_t *f = fx_run(fx, tm_check_mx_tmems);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    /* the console's message */
    assert_contains(f->summary, "MXレコードがTrend Micro Email Security");
    assert_non_null(f->detail);
    char line[256];
    assert_string_equal(last_line(f->fix, line, sizeof(line)), CUTOVER_ACME);
}

/* The onboarding guide, Steps 4-1 and 4-2: the relay host takes only the
 * domain's outgoing mail, and the inbound suffix alone is no company's
 * host.  Either in the MX fails in both phases, never "not switched yet". */
static void test_tmems_relay_host_fails(void **state)
{
    fx_t *fx = *state;
    static const tm_phase_t phases[] = {TM_PHASE_PRE, TM_PHASE_POST};
    for (size_t i = 0; i < 2; i++) {
        fx->opts.phase = phases[i];
        FX_MX(fx, 300, {10, "acme.relay.tmems-jp.trendmicro.com"});
        tm_finding_t *f = fx_run(fx, tm_check_mx_tmems);
        assert_int_equal(f->status, TM_CHECK_FAIL);
        assert_contains(f->summary, "acme.relay.tmems-jp.trendmicro.com");
        assert_contains(f->summary, "relay host");
        char line[256];
        assert_string_equal(last_line(f->fix, line, sizeof(line)), CUTOVER_ANY);
    }
}

static void test_tmems_bare_suffix_fails(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, "in.tmems-jp.trendmicro.com"});
    tm_finding_t *f = fx_run(fx, tm_check_mx_tmems);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->summary, "without a company ID");
}

/* Beside the inbound host too: mail sent to the relay host is lost. */
static void test_tmems_relay_host_beside_inbound_fails(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS}, {20, "acme.relay.tmems-jp.trendmicro.com"});
    tm_finding_t *f = fx_run(fx, tm_check_mx_tmems);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    tm_mx_host_t h;
    tm_mx_host_classify(&fx->ctx, "ACME.Relay.tmems-jp.trendmicro.com.", &h);
    assert_int_equal(h.kind, TM_MX_HOST_NOT_INBOUND);
    tm_mx_host_classify(&fx->ctx, "relay.tmems-jp.trendmicro.com", &h);
    assert_int_equal(h.kind, TM_MX_HOST_NOT_INBOUND);
    tm_mx_host_classify(&fx->ctx, "acme.in.tmems-jp.trendmicro.com", &h);
    assert_int_equal(h.kind, TM_MX_HOST_TMEMS);
    tm_mx_host_classify(&fx->ctx, "relay.example.co.jp", &h);
    assert_int_equal(h.kind, TM_MX_HOST_OTHER);
}

static void test_tmems_no_mx_by_phase(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_NODATA);
    assert_int_equal(fx_run(fx, tm_check_mx_tmems)->status, TM_CHECK_INFO);
    fx->opts.phase = TM_PHASE_POST;
    assert_int_equal(fx_run(fx, tm_check_mx_tmems)->status, TM_CHECK_FAIL);
}

static void test_tmems_other_region_post_fails(void **state)
{
    fx_t *fx = *state;
    fx->opts.phase = TM_PHASE_POST;
    FX_MX(fx, 300, {10, "acme.in.tmes.trendmicro.com"});
    assert_int_equal(fx_run(fx, tm_check_mx_tmems)->status, TM_CHECK_FAIL);
}

static void test_tmems_other_region_names_site(void **state)
{
    fx_t *fx = *state;
    /* phase auto: another site's host is a cutover made, never "before" */
    FX_MX(fx, 300, {10, "ACME.in.tmes.trendmicro.eu"});
    tm_finding_t *f = fx_run(fx, tm_check_mx_tmems);
    assert_int_equal(fx->ctx.phase, TM_PHASE_POST);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->summary, "Europe and Africa");
    assert_contains(f->summary, "Japan");
    assert_contains(f->detail, "--region eu");
    assert_contains(f->fix, "--region eu");
    /* which Japan account is meant is unknown: no pasteable line */
    assert_null(f->fix_records);
    assert_contains(f->fix, CUTOVER_ANY);
    /* with --company the Japan line is exact */
    fx->opts.company = "acme";
    f = fx_run(fx, tm_check_mx_tmems);
    assert_string_equal(f->fix_records, CUTOVER_ACME);
    /* in pre as well, and behind an own server too */
    fx->opts.phase = TM_PHASE_PRE;
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_MX(fx, 300, {10, "mail.acme.example"}, {20, "acme.in.tmes-anz.trendmicro.com"});
    f = fx_run(fx, tm_check_mx_tmems);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->summary, "Australia and New Zealand");
    assert_contains(f->detail, "--region anz");
}

static void test_tmems_no_dot_fails(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS "." FX_DOMAIN});
    tm_finding_t *f = fx_run(fx, tm_check_mx_tmems);
    assert_int_equal(fx->ctx.phase, TM_PHASE_POST);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->summary, "trailing dot");
    assert_contains(f->summary, "mx.target");
    assert_string_equal(f->fix_records, CUTOVER_ACME);
    fx->opts.phase = TM_PHASE_PRE;
    assert_int_equal(fx_run(fx, tm_check_mx_tmems)->status, TM_CHECK_FAIL);
    /* a TMEmS host at the lowest value passes; the broken one is
     * mx.target's */
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_MX(fx, 300, {10, FX_TMEMS}, {20, "beta.in.tmems-jp.trendmicro.com.example"});
    assert_int_equal(fx_run(fx, tm_check_mx_tmems)->status, TM_CHECK_PASS);
}

static void test_tmems_no_dot_behind_own_server(void **state)
{
    fx_t *fx = *state;
    /* with the dot added TMEmS would still be second: the Fix puts it first
     * too, so that it makes this row pass */
    FX_MX(fx, 86400, {10, "mail.acme.example"}, {20, FX_TMEMS "." FX_DOMAIN});
    tm_finding_t *f = fx_run(fx, tm_check_mx_tmems);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->fix, "most preferred");
    assert_string_equal(f->fix_records, FX_DOMAIN ". 300 IN MX 10 " FX_TMEMS ".\n" FX_DOMAIN
                                        ". 300 IN MX 20 mail.acme.example.");
    /* another site's host without its dot: with the dot it is still the
     * wrong site, so the corrected lines are shown but are no Fix */
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_MX(fx, 300, {10, "acme.in.tmes.trendmicro.com." FX_DOMAIN});
    f = fx_run(fx, tm_check_mx_tmems);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_null(f->fix_records);
    assert_contains(f->fix, FX_DOMAIN ". 300 IN MX 10 acme.in.tmes.trendmicro.com.");
}

static void test_tmems_failure_and_offline(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_TIMEOUT);
    fx->opts.phase = TM_PHASE_POST;
    assert_int_equal(fx_run(fx, tm_check_mx_tmems)->status, TM_CHECK_ERROR);
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_UNKNOWN);
    assert_int_equal(fx_run(fx, tm_check_mx_tmems)->status, TM_CHECK_SKIP);
}

/* ---- mx.bypass ------------------------------------------------------------ */

static void test_bypass_only_tmems_pass(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS}, {20, "ACME.in.tmems-jp.trendmicro.com"});
    tm_finding_t *f = fx_run(fx, tm_check_mx_bypass);
    assert_int_equal(fx->ctx.phase, TM_PHASE_POST);
    assert_int_equal(f->status, TM_CHECK_PASS);
}

static void test_bypass_two_companies_fails(void **state)
{
    fx_t *fx = *state;
    /* round robin, or the other when the first does not answer: part of
     * the mail goes to another account */
    FX_MX(fx, 300, {10, FX_TMEMS}, {10, "kabu-shiki.in.tmems-jp.trendmicro.com"});
    tm_finding_t *f = fx_run(fx, tm_check_mx_bypass);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->summary, "2 accounts");
    assert_contains(f->summary, FX_TMEMS " (10)");
    assert_contains(f->summary, "kabu-shiki.in.tmems-jp.trendmicro.com (10)");
    assert_contains(f->detail, "not the domain's");
    /* which account is the domain's is the customer's to say */
    assert_null(f->fix_records);
    assert_contains(f->fix, CUTOVER_ANY);
    fx->opts.company = "acme";
    f = fx_run(fx, tm_check_mx_bypass);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_string_equal(f->fix_records, CUTOVER_ACME);
    /* in any phase, and at different preference values too */
    fx->opts.phase = TM_PHASE_PRE;
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_MX(fx, 300, {10, FX_TMEMS}, {20, "beta.in.tmems-jp.trendmicro.com"});
    assert_int_equal(fx_run(fx, tm_check_mx_bypass)->status, TM_CHECK_FAIL);
}

static void test_bypass_other_site_is_another_account(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS}, {20, "acme.in.tmes.trendmicro.com"});
    tm_finding_t *f = fx_run(fx, tm_check_mx_bypass);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->summary, "2 accounts");
}

static void test_bypass_same_preference_fails(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS}, {10, "mail.acme.example"});
    tm_finding_t *f = fx_run(fx, tm_check_mx_bypass);
    assert_int_equal(fx->ctx.phase, TM_PHASE_POST);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->summary, "mail.acme.example (10)");
    assert_contains(f->detail, "round robin");
    char line[256];
    assert_string_equal(last_line(f->fix, line, sizeof(line)), CUTOVER_ACME);
}

static void test_bypass_backup_warns(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS}, {20, "backup.acme.example"});
    tm_finding_t *f = fx_run(fx, tm_check_mx_bypass);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->summary, "backup.acme.example (20)");
    assert_not_contains(f->summary, FX_TMEMS);
}

static void test_bypass_both_fails(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {20, "backup.acme.example"}, {10, FX_TMEMS}, {10, "mail.acme.example"});
    tm_finding_t *f = fx_run(fx, tm_check_mx_bypass);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->summary, "mail.acme.example (10)");
    assert_contains(f->summary, "backup.acme.example (20)");
}

static void test_bypass_pre_skips(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, "mail.acme.example"}, {20, "mail2.acme.example"});
    tm_finding_t *f = fx_run(fx, tm_check_mx_bypass);
    assert_int_equal(fx->ctx.phase, TM_PHASE_PRE);
    assert_int_equal(f->status, TM_CHECK_SKIP);
    /* forced pre while the MX already names TMEmS beside another host at
     * the same preference: half the mail bypasses the scan whatever the
     * phase is called (QA session 5: this was skip, and ready) */
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_MX(fx, 300, {10, FX_TMEMS}, {10, "mail.acme.example"});
    fx->opts.phase = TM_PHASE_PRE;
    assert_int_equal(fx_run(fx, tm_check_mx_bypass)->status, TM_CHECK_FAIL);
    /* and with TMEmS alone it passes */
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_MX(fx, 300, {10, FX_TMEMS});
    assert_int_equal(fx_run(fx, tm_check_mx_bypass)->status, TM_CHECK_PASS);
}

static void test_bypass_post_without_tmems_skips(void **state)
{
    fx_t *fx = *state;
    fx->opts.phase = TM_PHASE_POST;
    FX_MX(fx, 300, {10, "mail.acme.example"});
    tm_finding_t *f = fx_run(fx, tm_check_mx_bypass);
    assert_int_equal(f->status, TM_CHECK_SKIP);
    assert_contains(f->summary, "mx.tmems");
}

static void test_bypass_better_preference_fails(void **state)
{
    fx_t *fx = *state;
    /* forced post, a non-TMEmS host before TMEmS: most mail skips the scan */
    fx->opts.phase = TM_PHASE_POST;
    FX_MX(fx, 300, {5, "mail.acme.example"}, {10, FX_TMEMS});
    assert_int_equal(fx_run(fx, tm_check_mx_bypass)->status, TM_CHECK_FAIL);
}

static void test_bypass_failure_offline_absent(void **state)
{
    fx_t *fx = *state;
    fx->opts.phase = TM_PHASE_POST;
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_SERVFAIL);
    assert_int_equal(fx_run(fx, tm_check_mx_bypass)->status, TM_CHECK_ERROR);
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_UNKNOWN);
    assert_int_equal(fx_run(fx, tm_check_mx_bypass)->status, TM_CHECK_SKIP);
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_NODATA);
    assert_int_equal(fx_run(fx, tm_check_mx_bypass)->status, TM_CHECK_SKIP);
}

/* ---- mx.ttl --------------------------------------------------------------- */

static void test_ttl_86400_pre_warns(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 86400, {10, "mail1.acme.example"}, {20, "mail2.acme.example"});
    tm_finding_t *f = fx_run(fx, tm_check_mx_ttl);
    assert_int_equal(fx->ctx.phase, TM_PHASE_PRE);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->summary, "86400");
    assert_contains(f->summary, "24 h");
    assert_contains(f->detail, "300");
    /* one zone-file line per MX, with the recommended TTL */
    assert_int_equal(fx_lines(f->fix), 2);
    assert_string_equal(f->fix, f->fix_records);
    char line[256];
    assert_true(fx_line(f->fix, 0, line, sizeof(line)));
    assert_string_equal(line, FX_DOMAIN ". 300 IN MX 10 mail1.acme.example.");
    assert_true(fx_line(f->fix, 1, line, sizeof(line)));
    assert_string_equal(line, FX_DOMAIN ". 300 IN MX 20 mail2.acme.example.");
}

static void test_ttl_300_passes(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, "mail1.acme.example"});
    tm_finding_t *f = fx_run(fx, tm_check_mx_ttl);
    assert_int_equal(f->status, TM_CHECK_PASS);
    assert_contains(f->summary, "300");
    assert_null(f->fix);
}

static void test_ttl_boundaries(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 301, {10, "mail1.acme.example"});
    tm_finding_t *f = fx_run(fx, tm_check_mx_ttl);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->summary, "301 s");
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_MX(fx, 0, {10, "mail1.acme.example"});
    assert_int_equal(fx_run(fx, tm_check_mx_ttl)->status, TM_CHECK_PASS);
}

static void test_ttl_duration_words(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 3600, {10, "mail1.acme.example"});
    tm_finding_t *f = fx_run(fx, tm_check_mx_ttl);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->summary, "1 h");
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_MX(fx, 1800, {10, "mail1.acme.example"});
    assert_contains(fx_run(fx, tm_check_mx_ttl)->summary, "30 min");
}

static void test_ttl_min_over_records(void **state)
{
    fx_t *fx = *state;
    /* RFC 2181 section 5.2: differing TTLs in one RRset count as the lowest */
    tm_answer_t *ans = tm_answer_create(FX_DOMAIN, TM_RR_MX, TM_DNS_NOERROR);
    assert_non_null(ans);
    assert_int_equal(tm_answer_add_mx(ans, 86400, 10, "mail1.acme.example"), TM_OK);
    assert_int_equal(tm_answer_add_mx(ans, 600, 20, "mail2.acme.example"), TM_OK);
    fx_put(fx, ans);
    tm_finding_t *f = fx_run(fx, tm_check_mx_ttl);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->summary, "600 s");
    assert_contains(f->summary, "10 min");
}

static void test_ttl_post_not_a_warning(void **state)
{
    fx_t *fx = *state;
    /* docs/checks.md states the 300 s rule for pre only; after the cutover a long
     * TTL only slows a rollback: information */
    FX_MX(fx, 86400, {10, FX_TMEMS});
    tm_finding_t *f = fx_run(fx, tm_check_mx_ttl);
    assert_int_equal(fx->ctx.phase, TM_PHASE_POST);
    assert_int_equal(f->status, TM_CHECK_INFO);
    assert_contains(f->summary, "24 h");
}

static void test_ttl_failure_offline_absent(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_SERVFAIL);
    assert_int_equal(fx_run(fx, tm_check_mx_ttl)->status, TM_CHECK_ERROR);
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_UNKNOWN);
    assert_int_equal(fx_run(fx, tm_check_mx_ttl)->status, TM_CHECK_SKIP);
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_NXDOMAIN);
    assert_int_equal(fx_run(fx, tm_check_mx_ttl)->status, TM_CHECK_SKIP);
}

/* ---- mx.target ------------------------------------------------------------ */

static void test_target_pass(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, "mail1.acme.example"}, {20, "mail2.acme.example"});
    fx_host_ok(fx, "mail1.acme.example");
    /* IPv6 only is fine too */
    static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
    fx_outcome(fx, "mail2.acme.example", TM_RR_A, TM_DNS_NODATA);
    tm_answer_t *aaaa = tm_answer_create("mail2.acme.example", TM_RR_AAAA, TM_DNS_NOERROR);
    assert_non_null(aaaa);
    assert_int_equal(tm_answer_add_aaaa(aaaa, 300, v6), TM_OK);
    fx_put(fx, aaaa);
    tm_finding_t *f = fx_run(fx, tm_check_mx_target);
    assert_int_equal(f->status, TM_CHECK_PASS);
    assert_null(f->detail);
}

static void test_target_cname_warns(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {20, "mx.acme.example"}, {10, "mail2.acme.example"});
    fx_host_alias(fx, "mx.acme.example", "mail.acme.example");
    fx_host_ok(fx, "mail2.acme.example");
    tm_finding_t *f = fx_run(fx, tm_check_mx_target);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->summary, "1 of 2");
    assert_contains(f->detail, "mx.acme.example");
    assert_contains(f->detail, "CNAME");
    assert_not_contains(f->detail, "mail2.acme.example");
    assert_non_null(f->fix);
}

static void test_target_cname_lowest_fails(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, "mx.acme.example"}, {20, "mail2.acme.example"});
    fx_host_alias(fx, "mx.acme.example", "mail.acme.example");
    fx_host_ok(fx, "mail2.acme.example");
    tm_finding_t *f = fx_run(fx, tm_check_mx_target);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->summary, "lowest preference (10)");
    assert_contains(f->detail, "CNAME");
    assert_contains(f->detail, "next preference");
}

static void test_target_ip_literal_fails(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, "192.0.2.25"});
    tm_finding_t *f = fx_run(fx, tm_check_mx_target);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->summary, "bounces");
    assert_contains(f->detail, "192.0.2.25");
    assert_contains(f->detail, "IP address");
}

static void test_target_nxdomain_fails(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, "gone.acme.example"});
    fx_host_outcome(fx, "gone.acme.example", TM_DNS_NXDOMAIN);
    tm_finding_t *f = fx_run(fx, tm_check_mx_target);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->detail, "gone.acme.example");
    assert_contains(f->detail, "NXDOMAIN");
}

static void test_target_nodata_fails(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, "noaddr.acme.example"});
    fx_host_outcome(fx, "noaddr.acme.example", TM_DNS_NODATA);
    tm_finding_t *f = fx_run(fx, tm_check_mx_target);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->detail, "noaddr.acme.example");
}

static void test_target_lowest_partly_usable_warns(void **state)
{
    fx_t *fx = *state;
    /* one of two hosts at the lowest value works: the mail gets through */
    FX_MX(fx, 300, {10, "gone.acme.example"}, {10, "mail1.acme.example"},
          {20, "gone2.acme.example"});
    fx_host_outcome(fx, "gone.acme.example", TM_DNS_NXDOMAIN);
    fx_host_outcome(fx, "gone2.acme.example", TM_DNS_NXDOMAIN);
    fx_host_ok(fx, "mail1.acme.example");
    tm_finding_t *f = fx_run(fx, tm_check_mx_target);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->summary, "2 of 3");
}

static void test_target_backup_bad_warns(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, "mail1.acme.example"}, {20, "gone.acme.example"});
    fx_host_ok(fx, "mail1.acme.example");
    fx_host_outcome(fx, "gone.acme.example", TM_DNS_NXDOMAIN);
    assert_int_equal(fx_run(fx, tm_check_mx_target)->status, TM_CHECK_WARN);
}

static void test_target_no_dot_fails(void **state)
{
    fx_t *fx = *state;
    /* "acme.in.tmems-jp.trendmicro.com" in the zone file of acme.example */
    FX_MX(fx, 3600, {10, FX_TMEMS "." FX_DOMAIN}, {20, "mail1.acme.example"});
    fx_host_outcome(fx, FX_TMEMS "." FX_DOMAIN, TM_DNS_NXDOMAIN);
    fx_host_ok(fx, "mail1.acme.example");
    tm_finding_t *f = fx_run(fx, tm_check_mx_target);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->summary, "trailing dot");
    assert_contains(f->detail, FX_TMEMS "." FX_DOMAIN " is " FX_TMEMS " with");
    /* the corrected set, every record (it replaces the RRset) */
    assert_string_equal(f->fix_records, FX_DOMAIN ". 300 IN MX 10 " FX_TMEMS ".\n" FX_DOMAIN
                                        ". 300 IN MX 20 mail1.acme.example.");
}

static void test_target_no_dot_beside_a_dead_host(void **state)
{
    fx_t *fx = *state;
    /* the dot can be added, but another target is dead too: the corrected
     * lines are shown, never as a Fix that would not make the check pass */
    FX_MX(fx, 300, {10, FX_TMEMS "." FX_DOMAIN}, {20, "gone.acme.example"});
    fx_host_outcome(fx, FX_TMEMS "." FX_DOMAIN, TM_DNS_NXDOMAIN);
    fx_host_outcome(fx, "gone.acme.example", TM_DNS_NXDOMAIN);
    tm_finding_t *f = fx_run(fx, tm_check_mx_target);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_null(f->fix_records);
    assert_contains(f->fix, "A or AAAA");
    assert_contains(f->fix, FX_DOMAIN ". 300 IN MX 10 " FX_TMEMS ".");
    assert_contains(f->detail, "gone.acme.example");
}

static void test_target_no_dot_parent_zone(void **state)
{
    fx_t *fx = *state;
    /* a subdomain in its parent's zone file: the parent's name is appended;
     * another site's host, in upper case, is recognised too */
    fx->domain = "mail.sub.acme.example";
    FX_MX(fx, 300, {10, "Acme.IN.tmes.trendmicro.com.acme.example"});
    tm_finding_t *f = fx_run(fx, tm_check_mx_target);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_string_equal(f->fix_records,
                        "mail.sub.acme.example. 300 IN MX 10 acme.in.tmes.trendmicro.com.");
    /* a name that merely contains the suffix is not this mistake */
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_MX(fx, 300, {10, "x." FX_TMEMS ".acme.example"});
    fx_host_ok(fx, "x." FX_TMEMS ".acme.example");
    assert_int_equal(fx_run(fx, tm_check_mx_target)->status, TM_CHECK_PASS);
}

static void test_target_servfail_error(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, "mail1.acme.example"}, {20, "broken.acme.example"});
    fx_host_ok(fx, "mail1.acme.example");
    fx_outcome(fx, "broken.acme.example", TM_RR_A, TM_DNS_SERVFAIL);
    fx_outcome(fx, "broken.acme.example", TM_RR_AAAA, TM_DNS_NODATA);
    tm_finding_t *f = fx_run(fx, tm_check_mx_target);
    assert_int_equal(f->status, TM_CHECK_ERROR);
    assert_contains(f->summary, "1");
    assert_contains(f->detail, "broken.acme.example");
    assert_contains(f->detail, "SERVFAIL");
}

static void test_target_not_fetched_error(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, "mail1.acme.example"});
    assert_int_equal(fx_run(fx, tm_check_mx_target)->status, TM_CHECK_ERROR);
}

static void test_target_known_bad_beats_error(void **state)
{
    fx_t *fx = *state;
    /* the most preferred target is known to be bad: fail, whatever the
     * backup's DNS said */
    FX_MX(fx, 300, {10, "192.0.2.1"}, {20, "broken.acme.example"});
    fx_host_outcome(fx, "broken.acme.example", TM_DNS_TIMEOUT);
    assert_int_equal(fx_run(fx, tm_check_mx_target)->status, TM_CHECK_FAIL);
    /* a bad backup beside a lowest target DNS could not answer: warn */
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_MX(fx, 300, {20, "192.0.2.1"}, {10, "broken.acme.example"});
    fx_host_outcome(fx, "broken.acme.example", TM_DNS_TIMEOUT);
    assert_int_equal(fx_run(fx, tm_check_mx_target)->status, TM_CHECK_WARN);
}

static void test_target_offline_unknown_lowest_skips(void **state)
{
    fx_t *fx = *state;
    /* offline, an unknown target is never a failure */
    fx->opts.offline = true;
    FX_MX(fx, 300, {10, "mail.elsewhere.example"});
    fx_host_outcome(fx, "mail.elsewhere.example", TM_DNS_UNKNOWN);
    assert_int_equal(fx_run(fx, tm_check_mx_target)->status, TM_CHECK_SKIP);
    /* known for one type only: still unknown */
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_MX(fx, 300, {10, "mail.elsewhere.example"});
    fx_outcome(fx, "mail.elsewhere.example", TM_RR_A, TM_DNS_NODATA);
    fx_outcome(fx, "mail.elsewhere.example", TM_RR_AAAA, TM_DNS_UNKNOWN);
    assert_int_equal(fx_run(fx, tm_check_mx_target)->status, TM_CHECK_SKIP);
}

static void test_target_offline(void **state)
{
    fx_t *fx = *state;
    fx->opts.offline = true;
    FX_MX(fx, 300, {10, FX_TMEMS}, {20, "mail1.acme.example"});
    fx_host_outcome(fx, FX_TMEMS, TM_DNS_UNKNOWN);
    fx_host_outcome(fx, "mail1.acme.example", TM_DNS_UNKNOWN);
    tm_finding_t *f = fx_run(fx, tm_check_mx_target);
    assert_int_equal(f->status, TM_CHECK_SKIP);
    assert_contains(f->summary, "Offline");
}

static void test_target_partly_offline_skips(void **state)
{
    fx_t *fx = *state;
    /* one target cannot be judged offline, so the check cannot pass */
    fx->opts.offline = true;
    FX_MX(fx, 300, {10, FX_TMEMS}, {20, "mail1.acme.example"});
    fx_host_outcome(fx, FX_TMEMS, TM_DNS_UNKNOWN);
    fx_host_ok(fx, "mail1.acme.example");
    tm_finding_t *f = fx_run(fx, tm_check_mx_target);
    assert_int_equal(f->status, TM_CHECK_SKIP);
    assert_contains(f->summary, "1 of 2");
}

static void test_target_offline_still_warns(void **state)
{
    fx_t *fx = *state;
    /* what is known still counts: a bad target warns even beside an unknown */
    fx->opts.offline = true;
    FX_MX(fx, 300, {10, FX_TMEMS}, {20, "192.0.2.1"});
    fx_host_outcome(fx, FX_TMEMS, TM_DNS_UNKNOWN);
    assert_int_equal(fx_run(fx, tm_check_mx_target)->status, TM_CHECK_WARN);
}

static void test_target_null_mx_mixed(void **state)
{
    fx_t *fx = *state;
    /* RFC 7505 section 3: "." is valid only as the single MX record.  Mixed
     * with others it names no host; DNS answered, so this is no error.  At
     * the lowest value no usable target is left: fail. */
    FX_MX(fx, 300, {0, "."}, {10, "mail1.acme.example"});
    fx_host_ok(fx, "mail1.acme.example");
    tm_check_ctx_init(&fx->ctx, fx->domain, NULL, fx->rrset, fx->rules, &fx->opts);
    tm_questions_t q;
    tm_questions_init(&q);
    assert_int_equal(tm_inbound_needs(&fx->ctx, &q), TM_OK);
    assert_int_equal(q.count, 0); /* nothing left to wait for */
    tm_questions_clear(&q);
    tm_finding_t *f = fx_run(fx, tm_check_mx_target);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->summary, "lowest preference (0)");
    assert_contains(f->detail, "RFC 7505");
    /* deleting "." is the whole repair: pasteable */
    assert_string_equal(f->fix_records, FX_DOMAIN ". 300 IN MX 10 mail1.acme.example.");
    /* behind a usable host it is one bad target */
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_MX(fx, 300, {20, "."}, {10, "mail1.acme.example"});
    fx_host_ok(fx, "mail1.acme.example");
    f = fx_run(fx, tm_check_mx_target);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->summary, "1 of 2");
}

static void test_target_null_mx_fails(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {0, "."});
    tm_finding_t *f = fx_run(fx, tm_check_mx_target);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->summary, "null MX");
    assert_contains(f->fix, CUTOVER_ANY);
    assert_null(f->fix_records);
}

static void test_target_no_mx(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_NODATA);
    assert_int_equal(fx_run(fx, tm_check_mx_target)->status, TM_CHECK_SKIP);
}

/* ---- what the inbound checks ask for ------------------------------------- */

static bool asks(const tm_questions_t *q, const char *name, uint16_t type)
{
    for (size_t i = 0; i < q->count; i++)
        if (q->items[i].type == type && strcmp(q->items[i].name, name) == 0)
            return true;
    return false;
}

static void test_inbound_needs(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS}, {20, "Mail1.Acme.Example."}, {30, "192.0.2.7"});
    fx_host_ok(fx, "mail1.acme.example");
    tm_check_ctx_init(&fx->ctx, fx->domain, NULL, fx->rrset, fx->rules, &fx->opts);
    tm_questions_t q;
    tm_questions_init(&q);
    assert_int_equal(tm_inbound_needs(&fx->ctx, &q), TM_OK);
    /* the TMEmS host's addresses (also the company host's A), not the
     * answered host, never an IP literal */
    assert_true(asks(&q, FX_TMEMS, TM_RR_A));
    assert_true(asks(&q, FX_TMEMS, TM_RR_AAAA));
    assert_false(asks(&q, "mail1.acme.example", TM_RR_A));
    assert_false(asks(&q, "192.0.2.7", TM_RR_A));
    assert_int_equal(q.count, 2);
    tm_questions_clear(&q);
}

static void test_inbound_needs_company_option(void **state)
{
    fx_t *fx = *state;
    fx->opts.company = "beta";
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_NODATA);
    tm_check_ctx_init(&fx->ctx, fx->domain, NULL, fx->rrset, fx->rules, &fx->opts);
    tm_questions_t q;
    tm_questions_init(&q);
    assert_int_equal(tm_inbound_needs(&fx->ctx, &q), TM_OK);
    assert_int_equal(q.count, 1);
    assert_true(asks(&q, "beta.in.tmems-jp.trendmicro.com", TM_RR_A));
    tm_questions_clear(&q);

    /* an invalid company ID is never asked about */
    fx->opts.company = "-x";
    tm_check_ctx_init(&fx->ctx, fx->domain, NULL, fx->rrset, fx->rules, &fx->opts);
    assert_int_equal(tm_inbound_needs(&fx->ctx, &q), TM_OK);
    assert_int_equal(q.count, 0);
    tm_questions_clear(&q);
}

/* ---- allocation failures -------------------------------------------------- */

static void test_oom(void **state)
{
    fx_t *fx = *state;
    fx->opts.phase = TM_PHASE_PRE;
    FX_MX(fx, 86400, {10, "mx.acme.example"}, {10, "192.0.2.1"}, {20, "gone.acme.example"},
          {30, "broken.acme.example"});
    fx_host_alias(fx, "mx.acme.example", "mail.acme.example");
    fx_host_outcome(fx, "gone.acme.example", TM_DNS_NXDOMAIN);
    fx_host_outcome(fx, "broken.acme.example", TM_DNS_SERVFAIL);
    const tm_check_fn fns[] = {tm_check_mx_present, tm_check_mx_tmems, tm_check_mx_bypass,
                               tm_check_mx_ttl, tm_check_mx_target};
    for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
        (void)fx_oom(fx, fns[i]);
    fx->opts.phase = TM_PHASE_POST;
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_MX(fx, 300, {10, FX_TMEMS}, {10, "mail.acme.example"}, {20, "backup.acme.example"});
    for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
        (void)fx_oom(fx, fns[i]);
    assert_true(fx_oom(fx, tm_check_mx_bypass) > 0);
    assert_int_equal(fx->f.status, TM_CHECK_FAIL);
}

static void test_oom_new_findings(void **state)
{
    fx_t *fx = *state;
    const tm_check_fn fns[] = {tm_check_mx_present, tm_check_mx_tmems, tm_check_mx_bypass,
                               tm_check_mx_ttl, tm_check_mx_target};
    /* TMEmS behind an own server, a second account, a null MX beside them,
     * and a host without its dot: every Fix builder runs */
    FX_MX(fx, 86400, {0, "."}, {10, "mail.acme.example"}, {20, FX_TMEMS},
          {20, "beta.in.tmems-jp.trendmicro.com"}, {30, "acme.in.tmes.trendmicro.com"},
          {40, "gamma.in.tmems-jp.trendmicro.com." FX_DOMAIN});
    fx_host_ok(fx, "mail.acme.example");
    fx_host_ok(fx, FX_TMEMS);
    fx_host_ok(fx, "beta.in.tmems-jp.trendmicro.com");
    fx_host_ok(fx, "acme.in.tmes.trendmicro.com");
    for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
        assert_true(fx_oom(fx, fns[i]) > 0);
        assert_int_equal(fx->f.status, i == 3 ? TM_CHECK_INFO : TM_CHECK_FAIL);
    }
    fx->opts.phase = TM_PHASE_PRE;
    fx->opts.company = "acme";
    for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
        assert_true(fx_oom(fx, fns[i]) > 0);
    /* TMEmS behind an own server, alone */
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_MX(fx, 300, {10, "mail.acme.example"}, {20, FX_TMEMS});
    assert_true(fx_oom(fx, tm_check_mx_tmems) > 0);
    assert_non_null(fx->f.fix_records);
}

static void test_oom_needs(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS}, {20, "mail1.acme.example"}, {30, "mail2.acme.example"});
    tm_check_ctx_init(&fx->ctx, fx->domain, NULL, fx->rrset, fx->rules, &fx->opts);
    for (unsigned n = 1;; n++) {
        tm_questions_t q;
        tm_questions_init(&q);
        tm_alloc_fail_after(n);
        tm_status_t st = tm_inbound_needs(&fx->ctx, &q);
        tm_alloc_fail_after(0);
        size_t count = q.count;
        tm_questions_clear(&q);
        if (st == TM_OK) {
            assert_int_equal(count, 6);
            break;
        }
        assert_int_equal(st, TM_ENOMEM);
        assert_true(n < 100);
    }
}

#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_present_pass),
        T(test_tmems_fix_written_at_canonical_name),
        T(test_tmems_near_miss_fails),
        T(test_tmems_near_miss_backup),
        T(test_tmems_alias_of_tmems_fails),
        T(test_target_alias_of_tmems_unanswered),
        T(test_present_nodata_fails),
        T(test_present_fix_names_company),
        T(test_present_nxdomain_fails),
        T(test_present_null_mx_fails),
        T(test_present_null_mx_mixed_fails),
        T(test_present_servfail_error),
        T(test_present_offline_skip),
        T(test_present_not_fetched_error),
        T(test_tmems_post_pass),
        T(test_tmems_pre_info),
        T(test_tmems_not_first_fails),
        T(test_tmems_not_first_fix_keeps_spacing),
        T(test_tmems_not_first_no_room),
        T(test_tmems_post_not_tmems_fails),
        T(test_tmems_no_mx_by_phase),
        T(test_tmems_other_region_post_fails),
        T(test_tmems_other_region_names_site),
        T(test_tmems_no_dot_fails),
        T(test_tmems_relay_host_fails),
        T(test_tmems_bare_suffix_fails),
        T(test_tmems_relay_host_beside_inbound_fails),
        T(test_tmems_no_dot_behind_own_server),
        T(test_tmems_failure_and_offline),
        T(test_bypass_only_tmems_pass),
        T(test_bypass_two_companies_fails),
        T(test_bypass_other_site_is_another_account),
        T(test_bypass_same_preference_fails),
        T(test_bypass_backup_warns),
        T(test_bypass_both_fails),
        T(test_bypass_pre_skips),
        T(test_bypass_post_without_tmems_skips),
        T(test_bypass_better_preference_fails),
        T(test_bypass_failure_offline_absent),
        T(test_ttl_86400_pre_warns),
        T(test_ttl_300_passes),
        T(test_ttl_boundaries),
        T(test_ttl_duration_words),
        T(test_ttl_min_over_records),
        T(test_ttl_post_not_a_warning),
        T(test_ttl_failure_offline_absent),
        T(test_target_pass),
        T(test_target_cname_warns),
        T(test_target_cname_lowest_fails),
        T(test_target_ip_literal_fails),
        T(test_target_nxdomain_fails),
        T(test_target_nodata_fails),
        T(test_target_lowest_partly_usable_warns),
        T(test_target_backup_bad_warns),
        T(test_target_no_dot_fails),
        T(test_target_no_dot_beside_a_dead_host),
        T(test_target_no_dot_parent_zone),
        T(test_target_servfail_error),
        T(test_target_not_fetched_error),
        T(test_target_known_bad_beats_error),
        T(test_target_offline_unknown_lowest_skips),
        T(test_target_offline),
        T(test_target_partly_offline_skips),
        T(test_target_offline_still_warns),
        T(test_target_null_mx_mixed),
        T(test_target_null_mx_fails),
        T(test_target_no_mx),
        T(test_inbound_needs),
        T(test_inbound_needs_company_option),
        T(test_oom),
        T(test_oom_new_findings),
        T(test_oom_needs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
