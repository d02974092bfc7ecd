/* test_check_domain.c - the 全般 / ドメイン名 section of docs/checks.md:
 * domain.name, domain.exists and the ownership token (token.present,
 * token.format, token.match), each a pure function of a hand-built rrset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check_fixture.h"

#define SPF "v=spf1 include:spf.tmems-jp.trendmicro.com ~all"

/* ---- domain.name ---------------------------------------------------------- */

static void test_name_ascii(void **state)
{
    fx_t *fx = *state;
    tm_finding_t *f = fx_run(fx, tm_check_domain_name);
    assert_int_equal(f->status, TM_CHECK_PASS);
    assert_contains(f->summary, FX_DOMAIN);
    assert_not_contains(f->summary, "A-label");
}

static void test_name_idn_shows_both_forms(void **state)
{
    fx_t *fx = *state;
    fx->domain = "xn--r8jz45g.jp";
    fx->display = "例え.jp";
    tm_finding_t *f = fx_run(fx, tm_check_domain_name);
    assert_int_equal(f->status, TM_CHECK_PASS);
    assert_contains(f->summary, "例え.jp");
    assert_contains(f->summary, "xn--r8jz45g.jp");
}

/* ---- domain.exists -------------------------------------------------------- */

static void test_exists_pass(void **state)
{
    fx_t *fx = *state;
    FX_TXT(fx, 3600, SPF);
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_NODATA);
    tm_finding_t *f = fx_run(fx, tm_check_domain_exists);
    assert_int_equal(f->status, TM_CHECK_PASS);
    assert_contains(f->summary, FX_DOMAIN);
}

static void test_exists_nodata_is_existence(void **state)
{
    fx_t *fx = *state;
    /* an empty non-terminal or a name with only other types exists */
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_NODATA);
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_NODATA);
    assert_int_equal(fx_run(fx, tm_check_domain_exists)->status, TM_CHECK_PASS);
}

static void test_exists_nxdomain_fails(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_NXDOMAIN);
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_NXDOMAIN);
    tm_finding_t *f = fx_run(fx, tm_check_domain_exists);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->summary, FX_DOMAIN);
    assert_contains(f->summary, "NXDOMAIN");
    assert_non_null(f->fix);
}

static void test_exists_servfail_is_error(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_SERVFAIL);
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_SERVFAIL);
    tm_finding_t *f = fx_run(fx, tm_check_domain_exists);
    assert_int_equal(f->status, TM_CHECK_ERROR);
    assert_contains(f->summary, "SERVFAIL");
}

static void test_exists_timeout_is_error(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_TIMEOUT);
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_TIMEOUT);
    tm_finding_t *f = fx_run(fx, tm_check_domain_exists);
    assert_int_equal(f->status, TM_CHECK_ERROR);
    assert_contains(f->summary, "TIMEOUT");
}

static void test_exists_one_answer_is_enough(void **state)
{
    fx_t *fx = *state;
    /* the TXT query timed out, but the MX answer proves the name exists */
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_TIMEOUT);
    FX_MX(fx, 300, {10, "mail.acme.example"});
    assert_int_equal(fx_run(fx, tm_check_domain_exists)->status, TM_CHECK_PASS);
}

static void test_exists_nxdomain_beside_failure(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_SERVFAIL);
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_NXDOMAIN);
    assert_int_equal(fx_run(fx, tm_check_domain_exists)->status, TM_CHECK_FAIL);
}

static void test_exists_offline_unknown_skips(void **state)
{
    fx_t *fx = *state;
    fx->opts.offline = true;
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_UNKNOWN);
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_UNKNOWN);
    tm_finding_t *f = fx_run(fx, tm_check_domain_exists);
    assert_int_equal(f->status, TM_CHECK_SKIP);
    assert_contains(f->summary, FX_DOMAIN);
}

/* ---- token.present -------------------------------------------------------- */

static void test_present_one(void **state)
{
    fx_t *fx = *state;
    FX_TXT(fx, 3600, SPF, "tmes=" FX_TOKEN, "google-site-verification=abc");
    tm_finding_t *f = fx_run(fx, tm_check_token_present);
    assert_int_equal(f->status, TM_CHECK_PASS);
    assert_contains(f->summary, "tmes=");
}

static void test_present_none_fails(void **state)
{
    fx_t *fx = *state;
    FX_TXT(fx, 3600, SPF, "xtmes=" FX_TOKEN);
    FX_MX(fx, 300, {10, "mail.acme.example"});
    tm_finding_t *f = fx_run(fx, tm_check_token_present);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    /* the console's own words */
    assert_contains(f->summary, "ドメインが確認されていません");
    assert_contains(f->fix, FX_DOMAIN ". 3600 IN TXT \"tmes=<the 32 characters");
}

static void test_present_none_fix_uses_token_option(void **state)
{
    fx_t *fx = *state;
    fx->opts.token = FX_TOKEN;
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_NODATA);
    tm_finding_t *f = fx_run(fx, tm_check_token_present);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    char line[256];
    size_t n = fx_lines(f->fix);
    assert_true(fx_line(f->fix, n - 1, line, sizeof(line)));
    assert_string_equal(line, FX_DOMAIN ". 3600 IN TXT \"tmes=" FX_TOKEN "\"");
}

static void test_present_none_nxdomain_fails(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_NXDOMAIN);
    assert_int_equal(fx_run(fx, tm_check_token_present)->status, TM_CHECK_FAIL);
}

static void test_present_none_but_mx_at_tmems_is_info(void **state)
{
    fx_t *fx = *state;
    FX_TXT(fx, 3600, SPF);
    FX_MX(fx, 300, {10, FX_TMEMS});
    tm_finding_t *f = fx_run(fx, tm_check_token_present);
    assert_int_equal(fx->ctx.phase, TM_PHASE_POST);
    assert_int_equal(f->status, TM_CHECK_INFO);
    assert_contains(f->summary, "MX");
}

static void test_present_none_but_mx_at_tmems_backup_is_info(void **state)
{
    fx_t *fx = *state;
    /* TMEmS as a backup MX still proves ownership (mx.tmems fails the
     * order; the token row does not repeat it) */
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_NODATA);
    FX_MX(fx, 300, {10, "mail.acme.example"}, {20, FX_TMEMS});
    tm_finding_t *f = fx_run(fx, tm_check_token_present);
    assert_int_equal(f->status, TM_CHECK_INFO);
    fx->opts.phase = TM_PHASE_PRE;
    assert_int_equal(fx_run(fx, tm_check_token_present)->status, TM_CHECK_INFO);
}

static void test_present_none_mx_without_dot_fails(void **state)
{
    fx_t *fx = *state;
    /* the host that lost its trailing dot is no TMEmS host: no proof */
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_NODATA);
    FX_MX(fx, 300, {10, FX_TMEMS "." FX_DOMAIN});
    assert_int_equal(fx_run(fx, tm_check_token_present)->status, TM_CHECK_FAIL);
}

static void test_present_none_mx_other_region_fails(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_NODATA);
    FX_MX(fx, 300, {10, "acme.in.tmes.trendmicro.com"});
    assert_int_equal(fx_run(fx, tm_check_token_present)->status, TM_CHECK_FAIL);
}

static void test_present_two_warns(void **state)
{
    fx_t *fx = *state;
    FX_TXT(fx, 3600, "tmes=" FX_TOKEN, SPF, "tmes=" FX_TOKEN_HEX);
    tm_finding_t *f = fx_run(fx, tm_check_token_present);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->summary, "2");
    /* each published token is shown, quoted */
    assert_contains(f->detail, "\"tmes=" FX_TOKEN "\"");
    assert_contains(f->detail, "\"tmes=" FX_TOKEN_HEX "\"");
    assert_non_null(f->fix);
}

static void test_present_many_bounded(void **state)
{
    fx_t *fx = *state;
    tm_answer_t *ans = tm_answer_create(FX_DOMAIN, TM_RR_TXT, TM_DNS_NOERROR);
    assert_non_null(ans);
    for (int i = 0; i < 40; i++) {
        char text[64];
        snprintf(text, sizeof(text), "tmes=%032d", i);
        assert_int_equal(tm_answer_add_txt1(ans, 300, text), TM_OK);
    }
    fx_put(fx, ans);
    tm_finding_t *f = fx_run(fx, tm_check_token_present);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->summary, "40");
    /* the detail lists a bounded number of them */
    assert_true(fx_count(f->detail, "\"tmes=") <= 16);
    assert_true(fx_count(f->detail, "\"tmes=") >= 2);
}

static void test_present_malformed_still_counts(void **state)
{
    fx_t *fx = *state;
    /* wrong case and stray quotes are still a token: token.format reports
     * the defect, token.present must not say none is there */
    FX_TXT(fx, 3600, "TMES=" FX_TOKEN);
    assert_int_equal(fx_run(fx, tm_check_token_present)->status, TM_CHECK_PASS);
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_TXT(fx, 3600, "\"tmes=" FX_TOKEN "\"");
    assert_int_equal(fx_run(fx, tm_check_token_present)->status, TM_CHECK_PASS);
}

static void test_present_dns_failure(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_SERVFAIL);
    FX_MX(fx, 300, {10, FX_TMEMS});
    tm_finding_t *f = fx_run(fx, tm_check_token_present);
    assert_int_equal(f->status, TM_CHECK_ERROR);
    assert_contains(f->summary, "SERVFAIL");
}

static void test_present_timeout(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_TIMEOUT);
    assert_int_equal(fx_run(fx, tm_check_token_present)->status, TM_CHECK_ERROR);
}

static void test_present_offline_skips(void **state)
{
    fx_t *fx = *state;
    fx->opts.offline = true;
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_UNKNOWN);
    assert_int_equal(fx_run(fx, tm_check_token_present)->status, TM_CHECK_SKIP);
}

static void test_present_not_fetched_is_error(void **state)
{
    fx_t *fx = *state;
    assert_int_equal(fx_run(fx, tm_check_token_present)->status, TM_CHECK_ERROR);
}

/* ---- token.format --------------------------------------------------------- */

static tm_finding_t *format_of(fx_t *fx, const char *record)
{
    FX_TXT(fx, 3600, SPF, record);
    return fx_run(fx, tm_check_token_format);
}

static void test_format_hex_passes(void **state)
{
    fx_t *fx = *state;
    tm_finding_t *f = format_of(fx, "tmes=" FX_TOKEN_HEX);
    assert_int_equal(f->status, TM_CHECK_PASS);
    assert_contains(f->summary, "32");
}

static void test_format_alnum_passes(void **state)
{
    fx_t *fx = *state;
    /* the onboarding guide says letters and digits: upper case is not a defect */
    assert_int_equal(format_of(fx, "tmes=" FX_TOKEN)->status, TM_CHECK_PASS);
}

static void test_format_short_fails(void **state)
{
    fx_t *fx = *state;
    tm_finding_t *f = format_of(fx, "tmes=0123456789abcdef0123456789abcde");
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->detail, "31 characters");
    assert_contains(f->detail, "32");
    assert_contains(f->fix, FX_DOMAIN ". 3600 IN TXT \"tmes=");
}

static void test_format_long_fails(void **state)
{
    fx_t *fx = *state;
    tm_finding_t *f = format_of(fx, "tmes=" FX_TOKEN_HEX "0");
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->detail, "33 characters");
}

static void test_format_empty_value_fails(void **state)
{
    fx_t *fx = *state;
    tm_finding_t *f = format_of(fx, "tmes=");
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->detail, "0 characters");
}

static void test_format_upper_prefix_fails(void **state)
{
    fx_t *fx = *state;
    tm_finding_t *f = format_of(fx, "TMES=" FX_TOKEN_HEX);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->detail, "lower case");
    /* the length is right, so no length complaint */
    assert_not_contains(f->detail, "characters; exactly");
}

static void test_format_mixed_prefix_fails(void **state)
{
    fx_t *fx = *state;
    assert_int_equal(format_of(fx, "Tmes=" FX_TOKEN_HEX)->status, TM_CHECK_FAIL);
}

static void test_format_quotes_inside_fail(void **state)
{
    fx_t *fx = *state;
    tm_finding_t *f = format_of(fx, "\"tmes=" FX_TOKEN_HEX "\"");
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->detail, "quotes or spaces");
    /* the published value is shown with its quotes escaped */
    assert_contains(f->detail, "\"\\\"tmes=" FX_TOKEN_HEX "\\\"\"");
}

static void test_format_trailing_space_fails(void **state)
{
    fx_t *fx = *state;
    tm_finding_t *f = format_of(fx, "tmes=" FX_TOKEN_HEX " ");
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->detail, "quotes or spaces");
}

static void test_format_space_after_prefix_fails(void **state)
{
    fx_t *fx = *state;
    tm_finding_t *f = format_of(fx, "tmes= " FX_TOKEN_HEX);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->detail, "quotes or spaces");
}

static void test_format_space_inside_fails(void **state)
{
    fx_t *fx = *state;
    tm_finding_t *f = format_of(fx, "tmes=0123456789abcdef 0123456789abcde");
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->detail, "1 character is not an ASCII letter or digit");
}

static void test_format_punctuation_fails(void **state)
{
    fx_t *fx = *state;
    tm_finding_t *f = format_of(fx, "tmes=0123456789abcdef-0123456789abcd_");
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->detail, "2 characters are not ASCII");
}

static void test_format_non_ascii_fails(void **state)
{
    fx_t *fx = *state;
    /* 32 characters, one of them a two-byte é */
    tm_finding_t *f = format_of(fx, "tmes=0123456789abcdef0123456789abcd\xc3\xa9");
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->detail, "characters are not ASCII letters or digits");
}

static void test_format_control_byte_escaped(void **state)
{
    fx_t *fx = *state;
    tm_finding_t *f = format_of(fx, "tmes=0123456789abcdef\x1b[2J0123456789ab");
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->detail, "\\x1b[2J");
    assert_null(strchr(f->detail, 0x1b));
}

static void test_format_split_fails(void **state)
{
    fx_t *fx = *state;
    /* "tmes=0123456789abcdef" "0123456789abcdef": 32 characters, two strings */
    tm_answer_t *ans = tm_answer_create(FX_DOMAIN, TM_RR_TXT, TM_DNS_NOERROR);
    assert_non_null(ans);
    const char *strings[] = {"tmes=0123456789abcdef", "0123456789abcdef"};
    const size_t lens[] = {21, 16};
    assert_int_equal(tm_answer_add_txt(ans, 3600, strings, lens, 2), TM_OK);
    fx_put(fx, ans);
    tm_finding_t *f = fx_run(fx, tm_check_token_format);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->detail, "split into 2 strings");
    /* the joined value has the right length: only the split is wrong */
    assert_not_contains(f->detail, "characters; exactly");
    /* token.present still sees it */
    assert_int_equal(fx_run(fx, tm_check_token_present)->status, TM_CHECK_PASS);
}

static void test_format_fix_uses_token_option(void **state)
{
    fx_t *fx = *state;
    fx->opts.token = FX_TOKEN;
    tm_finding_t *f = format_of(fx, "tmes=" FX_TOKEN "x");
    assert_int_equal(f->status, TM_CHECK_FAIL);
    char line[256];
    assert_true(fx_line(f->fix, fx_lines(f->fix) - 1, line, sizeof(line)));
    assert_string_equal(line, FX_DOMAIN ". 3600 IN TXT \"tmes=" FX_TOKEN "\"");
}

static void test_format_one_bad_of_two(void **state)
{
    fx_t *fx = *state;
    FX_TXT(fx, 3600, "tmes=" FX_TOKEN, "tmes=short");
    tm_finding_t *f = fx_run(fx, tm_check_token_format);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->detail, "\"tmes=short\"");
    assert_not_contains(f->detail, FX_TOKEN);
}

static void test_format_two_good(void **state)
{
    fx_t *fx = *state;
    FX_TXT(fx, 3600, "tmes=" FX_TOKEN, "tmes=" FX_TOKEN_HEX);
    assert_int_equal(fx_run(fx, tm_check_token_format)->status, TM_CHECK_PASS);
}

static void test_format_no_token_skips(void **state)
{
    fx_t *fx = *state;
    FX_TXT(fx, 3600, SPF);
    assert_int_equal(fx_run(fx, tm_check_token_format)->status, TM_CHECK_SKIP);
}

static void test_format_dns_failure(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_REFUSED);
    tm_finding_t *f = fx_run(fx, tm_check_token_format);
    assert_int_equal(f->status, TM_CHECK_ERROR);
    assert_contains(f->summary, "REFUSED");
}

static void test_format_offline_skips(void **state)
{
    fx_t *fx = *state;
    fx->opts.offline = true;
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_UNKNOWN);
    assert_int_equal(fx_run(fx, tm_check_token_format)->status, TM_CHECK_SKIP);
}

static void test_format_phase_independent(void **state)
{
    fx_t *fx = *state;
    FX_TXT(fx, 3600, "tmes=abc");
    fx->opts.phase = TM_PHASE_PRE;
    assert_int_equal(fx_run(fx, tm_check_token_format)->status, TM_CHECK_FAIL);
    fx->opts.phase = TM_PHASE_POST;
    assert_int_equal(fx_run(fx, tm_check_token_format)->status, TM_CHECK_FAIL);
}

/* ---- token.match ---------------------------------------------------------- */

static void test_match_without_option_skips(void **state)
{
    fx_t *fx = *state;
    FX_TXT(fx, 3600, "tmes=" FX_TOKEN);
    tm_finding_t *f = fx_run(fx, tm_check_token_match);
    assert_int_equal(f->status, TM_CHECK_SKIP);
    assert_contains(f->summary, "--token");
}

static void test_match_equal_passes(void **state)
{
    fx_t *fx = *state;
    fx->opts.token = FX_TOKEN;
    FX_TXT(fx, 3600, SPF, "tmes=" FX_TOKEN_HEX, "tmes=" FX_TOKEN);
    assert_int_equal(fx_run(fx, tm_check_token_match)->status, TM_CHECK_PASS);
}

static void test_match_differs_fails(void **state)
{
    fx_t *fx = *state;
    fx->opts.token = FX_TOKEN;
    FX_TXT(fx, 3600, "tmes=" FX_TOKEN_HEX);
    tm_finding_t *f = fx_run(fx, tm_check_token_match);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->summary, "differs");
    assert_string_equal(f->fix, FX_DOMAIN ". 3600 IN TXT \"tmes=" FX_TOKEN "\"");
}

static void test_match_prefix_of_published_fails(void **state)
{
    fx_t *fx = *state;
    fx->opts.token = "0123456789abcdef";
    FX_TXT(fx, 3600, "tmes=" FX_TOKEN_HEX);
    assert_int_equal(fx_run(fx, tm_check_token_match)->status, TM_CHECK_FAIL);
}

static void test_match_not_published_fails(void **state)
{
    fx_t *fx = *state;
    fx->opts.token = FX_TOKEN;
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_NODATA);
    tm_finding_t *f = fx_run(fx, tm_check_token_match);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_contains(f->summary, "not published");
}

static void test_match_dns_failure(void **state)
{
    fx_t *fx = *state;
    fx->opts.token = FX_TOKEN;
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_SERVFAIL);
    assert_int_equal(fx_run(fx, tm_check_token_match)->status, TM_CHECK_ERROR);
}

static void test_match_offline_skips(void **state)
{
    fx_t *fx = *state;
    fx->opts.token = FX_TOKEN;
    fx->opts.offline = true;
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_UNKNOWN);
    assert_int_equal(fx_run(fx, tm_check_token_match)->status, TM_CHECK_SKIP);
}

/* ---- allocation failures -------------------------------------------------- */

static void test_oom(void **state)
{
    fx_t *fx = *state;
    fx->opts.token = FX_TOKEN;
    FX_TXT(fx, 3600, "\"TMES=abc\"", "tmes=" FX_TOKEN_HEX " ", "tmes=x\x01y");
    FX_MX(fx, 300, {10, FX_TMEMS});
    const tm_check_fn fns[] = {tm_check_domain_name, tm_check_domain_exists,
                               tm_check_token_present, tm_check_token_format,
                               tm_check_token_match};
    for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
        (void)fx_oom(fx, fns[i]);
    /* the last, successful run of token.format is complete */
    assert_int_equal(fx_run(fx, tm_check_token_format)->status, TM_CHECK_FAIL);
    assert_int_equal(fx_count(fx->f.detail, "Published:"), 3);
}

static void test_oom_no_token(void **state)
{
    fx_t *fx = *state;
    FX_TXT(fx, 3600, SPF);
    FX_MX(fx, 300, {10, "mail.acme.example"});
    assert_true(fx_oom(fx, tm_check_token_present) > 0);
    assert_int_equal(fx->f.status, TM_CHECK_FAIL);
}

/* ---- a domain that does not exist ---------------------------------------- */

static void test_missing_domain_skips_the_rest(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_NXDOMAIN);
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_NXDOMAIN);
    tm_check_ctx_init(&fx->ctx, fx->domain, NULL, fx->rrset, fx->rules, &fx->opts);
    const char *ids[] = {"token.present", "mx.present", "spf.present", "inbound.firewall",
                         "rules.current"};
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        tm_finding_t f = {.id = ids[i]};
        tm_status_t st = TM_EINVAL;
        assert_true(tm_check_skip_missing_domain(&fx->ctx, &f, &st));
        assert_int_equal(st, TM_OK);
        assert_int_equal(f.status, TM_CHECK_SKIP);
        assert_string_equal(f.summary, FX_DOMAIN " does not exist in DNS (see domain.exists)");
        fx_finding_free(&f);
    }
    /* the name itself, and the one finding an NXDOMAIN makes */
    const char *kept[] = {"domain.name", "domain.exists"};
    for (size_t i = 0; i < 2; i++) {
        tm_finding_t f = {.id = kept[i]};
        tm_status_t st = TM_OK;
        assert_false(tm_check_skip_missing_domain(&fx->ctx, &f, &st));
        assert_null(f.summary);
    }
    assert_int_equal(fx_run(fx, tm_check_domain_exists)->status, TM_CHECK_FAIL);

    /* through the registry: one failure, the rest skip */
    tm_findings_t all;
    tm_findings_init(&all);
    assert_int_equal(tm_checks_run(&fx->ctx, &all), TM_OK);
    size_t fails = 0;
    for (size_t i = 0; i < all.count; i++) {
        const tm_finding_t *f = &all.items[i];
        if (f->status == TM_CHECK_FAIL)
            fails++;
        else if (strcmp(f->id, "domain.name") != 0)
            assert_int_equal(f->status, TM_CHECK_SKIP);
    }
    assert_int_equal(fails, 1);
    tm_findings_clear(&all);

    /* an existing domain runs every check */
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_NODATA);
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_NODATA);
    tm_check_ctx_init(&fx->ctx, fx->domain, NULL, fx->rrset, fx->rules, &fx->opts);
    tm_finding_t f = {.id = "mx.present"};
    tm_status_t st = TM_OK;
    assert_false(tm_check_skip_missing_domain(&fx->ctx, &f, &st));
}

#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_name_ascii),
        T(test_name_idn_shows_both_forms),
        T(test_exists_pass),
        T(test_exists_nodata_is_existence),
        T(test_exists_nxdomain_fails),
        T(test_exists_servfail_is_error),
        T(test_exists_timeout_is_error),
        T(test_exists_one_answer_is_enough),
        T(test_exists_nxdomain_beside_failure),
        T(test_exists_offline_unknown_skips),
        T(test_present_one),
        T(test_present_none_fails),
        T(test_present_none_fix_uses_token_option),
        T(test_present_none_nxdomain_fails),
        T(test_present_none_but_mx_at_tmems_is_info),
        T(test_present_none_but_mx_at_tmems_backup_is_info),
        T(test_present_none_mx_without_dot_fails),
        T(test_missing_domain_skips_the_rest),
        T(test_present_none_mx_other_region_fails),
        T(test_present_two_warns),
        T(test_present_many_bounded),
        T(test_present_malformed_still_counts),
        T(test_present_dns_failure),
        T(test_present_timeout),
        T(test_present_offline_skips),
        T(test_present_not_fetched_is_error),
        T(test_format_hex_passes),
        T(test_format_alnum_passes),
        T(test_format_short_fails),
        T(test_format_long_fails),
        T(test_format_empty_value_fails),
        T(test_format_upper_prefix_fails),
        T(test_format_mixed_prefix_fails),
        T(test_format_quotes_inside_fail),
        T(test_format_trailing_space_fails),
        T(test_format_space_after_prefix_fails),
        T(test_format_space_inside_fails),
        T(test_format_punctuation_fails),
        T(test_format_non_ascii_fails),
        T(test_format_control_byte_escaped),
        T(test_format_split_fails),
        T(test_format_fix_uses_token_option),
        T(test_format_one_bad_of_two),
        T(test_format_two_good),
        T(test_format_no_token_skips),
        T(test_format_dns_failure),
        T(test_format_offline_skips),
        T(test_format_phase_independent),
        T(test_match_without_option_skips),
        T(test_match_equal_passes),
        T(test_match_differs_fails),
        T(test_match_prefix_of_published_fails),
        T(test_match_not_published_fails),
        T(test_match_dns_failure),
        T(test_match_offline_skips),
        T(test_oom),
        T(test_oom_no_token),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
