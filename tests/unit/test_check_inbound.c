/* test_check_inbound.c - the informational rows of 受信サーバ (docs/checks.md
 * inbound): inbound.servers (the console's table to fill in before the
 * cutover), inbound.cloud (Microsoft 365 or Google Workspace in front) and
 * inbound.firewall (the data-center ranges, the 2024-08-21 additions marked). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check_fixture.h"

#define M365 "contoso-example.mail.protection.outlook.com"

/* ---- inbound.servers ------------------------------------------------------ */

static void test_servers_table_sorted(void **state)
{
    fx_t *fx = *state;
    fx->opts.phase = TM_PHASE_PRE;
    FX_MX(fx, 86400, {20, "mail2.acme.example"}, {10, "mail1.acme.example"},
          {10, "a-mail.acme.example"}, {30, FX_TMEMS});
    tm_finding_t *f = fx_run(fx, tm_check_inbound_servers);
    assert_int_equal(f->status, TM_CHECK_INFO);
    assert_contains(f->summary, "受信サーバ");
    /* header, then one row per non-TMEmS host by preference, then name */
    assert_int_equal(fx_lines(f->fix), 4);
    char line[256];
    assert_true(fx_line(f->fix, 0, line, sizeof(line)));
    assert_contains(line, "ポート");
    assert_true(fx_line(f->fix, 1, line, sizeof(line)));
    assert_string_equal(line, "*@" FX_DOMAIN " | a-mail.acme.example | 25 | 10");
    assert_true(fx_line(f->fix, 2, line, sizeof(line)));
    assert_string_equal(line, "*@" FX_DOMAIN " | mail1.acme.example | 25 | 10");
    assert_true(fx_line(f->fix, 3, line, sizeof(line)));
    assert_string_equal(line, "*@" FX_DOMAIN " | mail2.acme.example | 25 | 20");
    assert_not_contains(f->fix, FX_TMEMS);
    /* port 25 only, never the submission or mailbox ports */
    assert_contains(f->detail, "587");
}

static void test_servers_rows_are_own_servers_only(void **state)
{
    fx_t *fx = *state;
    /* the "." of a null MX, a TMEmS host without its trailing dot and
     * another site's host are no receiving servers: never a row, never an
     * empty host */
    fx->opts.phase = TM_PHASE_PRE;
    FX_MX(fx, 300, {0, "."}, {10, "mail1.acme.example"}, {20, FX_TMEMS "." FX_DOMAIN},
          {30, "acme.in.tmes.trendmicro.com"});
    tm_finding_t *f = fx_run(fx, tm_check_inbound_servers);
    assert_int_equal(f->status, TM_CHECK_INFO);
    assert_int_equal(fx_lines(f->fix), 2);
    char line[256];
    assert_true(fx_line(f->fix, 1, line, sizeof(line)));
    assert_string_equal(line, "*@" FX_DOMAIN " | mail1.acme.example | 25 | 10");
    assert_not_contains(f->fix, "|  |");
    assert_not_contains(f->fix, "tmes");
    /* with no own server left, the placeholder row */
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_MX(fx, 300, {10, FX_TMEMS "." FX_DOMAIN});
    f = fx_run(fx, tm_check_inbound_servers);
    assert_int_equal(f->status, TM_CHECK_INFO);
    assert_contains(f->summary, "No MX to copy");
    assert_not_contains(f->fix, FX_TMEMS);
}

static void test_servers_post_skips(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS});
    tm_finding_t *f = fx_run(fx, tm_check_inbound_servers);
    assert_int_equal(fx->ctx.phase, TM_PHASE_POST);
    assert_int_equal(f->status, TM_CHECK_SKIP);
}

static void test_servers_forced_pre(void **state)
{
    fx_t *fx = *state;
    fx->opts.phase = TM_PHASE_PRE;
    FX_MX(fx, 300, {10, FX_TMEMS}, {20, "mail.acme.example"});
    tm_finding_t *f = fx_run(fx, tm_check_inbound_servers);
    assert_int_equal(f->status, TM_CHECK_INFO);
    assert_contains(f->fix, "*@" FX_DOMAIN " | mail.acme.example | 25 | 20");
    assert_not_contains(f->fix, FX_TMEMS);
}

static void test_servers_no_mx(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_NODATA);
    tm_finding_t *f = fx_run(fx, tm_check_inbound_servers);
    assert_int_equal(f->status, TM_CHECK_INFO);
    assert_contains(f->fix, "*@" FX_DOMAIN " | ");
    assert_contains(f->fix, " | 25 | ");
}

static void test_servers_failure_and_offline(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_SERVFAIL);
    assert_int_equal(fx_run(fx, tm_check_inbound_servers)->status, TM_CHECK_ERROR);
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_UNKNOWN);
    assert_int_equal(fx_run(fx, tm_check_inbound_servers)->status, TM_CHECK_SKIP);
}

/* ---- inbound.cloud -------------------------------------------------------- */

static void test_cloud_m365(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {0, M365});
    tm_finding_t *f = fx_run(fx, tm_check_inbound_cloud);
    assert_int_equal(f->status, TM_CHECK_INFO);
    assert_contains(f->summary, "Microsoft 365");
    assert_contains(f->fix, "inbound connector");
    assert_contains(f->fix, "inbound.firewall");
}

static void test_cloud_m365_case_and_dot(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {0, "CONTOSO.Mail.Protection.Outlook.COM."});
    assert_contains(fx_run(fx, tm_check_inbound_cloud)->summary, "Microsoft 365");
}

static void test_cloud_google(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {1, "aspmx.l.google.com"}, {5, "alt1.aspmx.l.google.com"},
          {10, "alt3.aspmx.l.googlemail.com"});
    tm_finding_t *f = fx_run(fx, tm_check_inbound_cloud);
    assert_int_equal(f->status, TM_CHECK_INFO);
    assert_contains(f->summary, "Google Workspace");
    assert_contains(f->fix, "Google Workspace");
    assert_not_contains(f->summary, "Microsoft");
}

static void test_cloud_googlemail_only(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, "aspmx2.googlemail.com"});
    assert_contains(fx_run(fx, tm_check_inbound_cloud)->summary, "Google Workspace");
}

static void test_cloud_own_server_passes(void **state)
{
    fx_t *fx = *state;
    /* look-alikes are no cloud service: suffixes match on label boundaries */
    FX_MX(fx, 300, {10, "mail.acme.example"}, {20, "notgoogle.com"},
          {30, "mail.protection.outlook.com.evil.example"}, {40, "xmail.protection.outlook.com"});
    tm_finding_t *f = fx_run(fx, tm_check_inbound_cloud);
    assert_int_equal(f->status, TM_CHECK_PASS);
}

static void test_cloud_behind_tmems(void **state)
{
    fx_t *fx = *state;
    /* post with the cloud as backup: still named */
    FX_MX(fx, 300, {10, FX_TMEMS}, {20, M365});
    tm_finding_t *f = fx_run(fx, tm_check_inbound_cloud);
    assert_int_equal(f->status, TM_CHECK_INFO);
    assert_contains(f->summary, "Microsoft 365");
}

static void test_cloud_ignores_tmems_of_any_form(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, "acme.in.tmes.trendmicro.com"}, {20, FX_TMEMS "." FX_DOMAIN},
          {30, M365});
    tm_finding_t *f = fx_run(fx, tm_check_inbound_cloud);
    assert_int_equal(f->status, TM_CHECK_INFO);
    assert_contains(f->summary, "Microsoft 365");
}

static void test_cloud_only_tmems_skips(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS});
    assert_int_equal(fx_run(fx, tm_check_inbound_cloud)->status, TM_CHECK_SKIP);
}

static void test_cloud_no_mx_failure_offline(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_NXDOMAIN);
    assert_int_equal(fx_run(fx, tm_check_inbound_cloud)->status, TM_CHECK_SKIP);
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_TIMEOUT);
    assert_int_equal(fx_run(fx, tm_check_inbound_cloud)->status, TM_CHECK_ERROR);
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_UNKNOWN);
    assert_int_equal(fx_run(fx, tm_check_inbound_cloud)->status, TM_CHECK_SKIP);
}

/* ---- inbound.firewall ----------------------------------------------------- */

static void test_firewall_ranges(void **state)
{
    fx_t *fx = *state;
    static const char *const old[] = {"18.176.203.128/26", "18.176.203.192/26",
                                      "18.177.156.0/26", "18.177.156.64/26"};
    static const char *const added[] = {"15.168.56.0/25", "15.168.49.64/26",
                                        "15.168.56.128/26"};
    /* always info, even with nothing fetched */
    tm_finding_t *f = fx_run(fx, tm_check_inbound_firewall);
    assert_int_equal(f->status, TM_CHECK_INFO);
    assert_contains(f->summary, "7");
    assert_contains(f->summary, "25");
    assert_contains(f->summary, "Japan");
    assert_int_equal(fx_lines(f->fix), 7);
    assert_int_equal(fx_count(f->fix, "2024-08-21"), 3);
    char line[256];
    for (size_t i = 0; i < 7; i++) {
        assert_true(fx_line(f->fix, i, line, sizeof(line)));
        bool marked = strstr(line, "2024-08-21") != NULL;
        bool is_old = false, is_added = false;
        for (size_t j = 0; j < 4; j++)
            is_old = is_old || strcmp(line, old[j]) == 0;
        for (size_t j = 0; j < 3; j++)
            is_added = is_added || (strncmp(line, added[j], strlen(added[j])) == 0 &&
                                    line[strlen(added[j])] == ' ');
        if (!(is_old && !marked) && !(is_added && marked))
            fail_msg("unexpected firewall line \"%s\"", line);
    }
    for (size_t j = 0; j < 4; j++)
        assert_contains(f->fix, old[j]);
    for (size_t j = 0; j < 3; j++)
        assert_contains(f->fix, added[j]);
    assert_contains(f->detail, "受信サーバに接続できません");
}

static void test_firewall_phase_independent(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS});
    fx_run(fx, tm_check_inbound_firewall);
    char *post = tm_strdup(fx->f.fix);
    assert_non_null(post);
    fx->opts.phase = TM_PHASE_PRE;
    tm_finding_t *f = fx_run(fx, tm_check_inbound_firewall);
    assert_int_equal(f->status, TM_CHECK_INFO);
    assert_string_equal(f->fix, post);
    tm_free(post);
}

/* ---- allocation failures -------------------------------------------------- */

static void test_oom(void **state)
{
    fx_t *fx = *state;
    fx->opts.phase = TM_PHASE_PRE;
    FX_MX(fx, 300, {20, "mail2.acme.example"}, {10, M365}, {30, FX_TMEMS}, {40, "."});
    const tm_check_fn fns[] = {tm_check_inbound_servers, tm_check_inbound_cloud,
                               tm_check_inbound_firewall};
    for (size_t i = 0; i < 3; i++)
        assert_true(fx_oom(fx, fns[i]) > 0);
    assert_int_equal(fx->f.status, TM_CHECK_INFO);
    (void)fx_oom(fx, tm_check_inbound_servers);
    assert_int_equal(fx_lines(fx->f.fix), 3); /* header, M365, mail2 */
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_MX(fx, 300, {10, "aspmx.l.google.com"});
    assert_true(fx_oom(fx, tm_check_inbound_cloud) > 0);
    assert_contains(fx->f.summary, "Google Workspace");
}

#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_servers_table_sorted),
        T(test_servers_rows_are_own_servers_only),
        T(test_servers_post_skips),
        T(test_servers_forced_pre),
        T(test_servers_no_mx),
        T(test_servers_failure_and_offline),
        T(test_cloud_m365),
        T(test_cloud_m365_case_and_dot),
        T(test_cloud_google),
        T(test_cloud_googlemail_only),
        T(test_cloud_own_server_passes),
        T(test_cloud_behind_tmems),
        T(test_cloud_ignores_tmems_of_any_form),
        T(test_cloud_only_tmems_skips),
        T(test_cloud_no_mx_failure_offline),
        T(test_firewall_ranges),
        T(test_firewall_phase_independent),
        T(test_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
