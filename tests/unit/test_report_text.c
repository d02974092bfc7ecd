/* test_report_text.c - the text report: its exact layout, column alignment
 * (CJK-safe), -q and -v, colour only when asked, and DNS data that can never
 * reach the terminal raw. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "report_fixture.h"
#include "tmems/tm_report.h"

static int reset_alloc(void **state)
{
    (void)state;
    tm_alloc_fail_after(0);
    return 0;
}

/* Renders r into a new string (test-owned, free with tm_free). */
static char *render(const tm_result_t *r, bool color, int verbosity)
{
    tm_text_options_t opts = {color, verbosity, NULL, NULL};
    tm_buf_t out;
    tm_buf_init(&out);
    assert_int_equal(tm_report_text(r, &opts, &out), TM_OK);
    char *text = tm_buf_take(&out);
    assert_non_null(text);
    return text;
}

static const char expected_default[] =
    "acme-corp.example: before the MX cutover (phase pre, from the MX records); "
    "company ID acme-corp (from the MX host)\n"
    "\n"
    "Domain name (全般 / ドメイン名)\n"
    "  pass   token.present          The ownership token is published\n"
    "Receiving servers (受信サーバ)\n"
    "  warn   mx.ttl                 The MX TTL is 86400 s; at most 300 s is recommended "
    "before the cutover\n"
    "         A switch or a rollback can take up to 24 h to reach every cache.\n"
    "         Fix: acme-corp.example. 300 IN MX 10 mx1.acme-corp.example.\n"
    "              acme-corp.example. 300 IN MX 20 mx2.acme-corp.example.\n"
    "  info   inbound.firewall       Allow the data-center ranges on the receiving servers\n"
    "  info   inbound.cloud          The receiving servers are not a known cloud service\n"
    "         The receiving server must be the real mail server.\n"
    "         Fix: Enter mx1.acme-corp.example as the receiving server.\n"
    "Sending servers (送信サーバ)\n"
    "  fail   spf.include            (!) The SPF record does not include "
    "spf.tmems-jp.trendmicro.com\n"
    "         Fix: acme-corp.example. 300 IN TXT \"v=spf1 include:spf.tmems-jp.trendmicro.com "
    "include:_spf.example.net ~all\"\n"
    "  skip   company.relay_host     Offline: acme-corp.relay.tmems-jp.trendmicro.com cannot "
    "be looked up\n"
    "Verdict: not ready — 1 failure, 1 warning | TMEmS console: 設定が必要 (configuration "
    "required), (!) on 送信サーバ; not judged: 全般 / ドメイン名, 受信サーバ\n";

static void test_exact_default(void **state)
{
    (void)state;
    tm_result_t *r = fixture_result();
    char *text = render(r, false, 0);
    assert_string_equal(text, expected_default);
    tm_free(text);
    fixture_free(r);
}

/* The report is appended: what the buffer held stays in front of it. */
static void test_appends(void **state)
{
    (void)state;
    tm_result_t *r = fixture_result();
    tm_text_options_t opts = {false, 0, NULL, NULL};
    tm_buf_t out;
    tm_buf_init(&out);
    assert_int_equal(tm_buf_puts(&out, "before\n"), TM_OK);
    assert_int_equal(tm_report_text(r, &opts, &out), TM_OK);
    assert_int_equal(out.len, strlen("before\n") + strlen(expected_default));
    assert_true(strncmp(out.data, "before\n", 7) == 0);
    assert_string_equal(out.data + 7, expected_default);
    tm_buf_clear(&out);
    assert_int_equal(tm_report_text(NULL, &opts, &out), TM_EINVAL);
    assert_int_equal(tm_report_text(r, NULL, &out), TM_EINVAL);
    fixture_free(r);
}

/* The display column where the summary of a finding line starts, with
 * the console's "(!) " in front of it when there is one. */
static size_t summary_column(const char *line, const char *summary)
{
    const char *at = strstr(line, summary);
    assert_non_null(at);
    if (at - line >= 4 && strncmp(at - 4, "(!) ", 4) == 0)
        at -= 4;
    assert_non_null(at);
    char prefix[512];
    size_t n = (size_t)(at - line);
    assert_true(n < sizeof prefix);
    memcpy(prefix, line, n);
    prefix[n] = '\0';
    return tm_text_width(prefix);
}

static void test_alignment(void **state)
{
    (void)state;
    tm_result_t *r = fixture_result();
    /* A long id widens the column of every line; a wide (CJK) one counts
     * two columns per character. */
    fixture_add(r, "rules.an_unusually_long_identifier", TM_SECTION_RULES, TM_CHECK_PASS,
                "LONG-SUMMARY", NULL, NULL);
    fixture_add(r, "規則.幅", TM_SECTION_RULES, TM_CHECK_ERROR, "WIDE-SUMMARY", NULL, NULL);
    char *text = render(r, false, 0);
    size_t want = 2 + 7 + strlen("rules.an_unusually_long_identifier") + 2;
    size_t lines = 0;
    for (size_t i = 0; i < r->findings.count; i++) {
        const char *summary = r->findings.items[i].summary;
        const char *line = strstr(text, summary);
        assert_non_null(line);
        while (line > text && line[-1] != '\n')
            line--;
        char copy[512];
        const char *nl = strchr(line, '\n');
        size_t n = (size_t)(nl - line);
        assert_true(n < sizeof copy);
        memcpy(copy, line, n);
        copy[n] = '\0';
        assert_int_equal(summary_column(copy, summary), want);
        lines++;
    }
    assert_int_equal(lines, 8);
    assert_non_null(strstr(text, "Rules\n"));
    /* Rules comes last, after the sending servers. */
    assert_true(strstr(text, "Rules\n") > strstr(text, "Sending servers"));
    assert_non_null(strstr(text, "1 failure, 1 warning, 1 error | TMEmS console: "));
    tm_free(text);

    /* Without findings wider than the minimum the id column is 21 + 2. */
    tm_result_t *small = fixture_result();
    text = render(small, false, 0);
    assert_non_null(strstr(text, "\n  pass   token.present          The"));
    tm_free(text);
    fixture_free(small);
    fixture_free(r);
}

static void test_sections_omitted(void **state)
{
    (void)state;
    tm_result_t *r = fixture_result();
    tm_findings_clear(&r->findings);
    fixture_add(r, "spf.present", TM_SECTION_OUTBOUND, TM_CHECK_PASS, "An SPF record is published",
                NULL, NULL);
    char *text = render(r, false, 0);
    assert_null(strstr(text, "Domain name"));
    assert_null(strstr(text, "Receiving servers"));
    assert_null(strstr(text, "Rules"));
    assert_non_null(strstr(text, "\n\nSending servers (送信サーバ)\n  pass   spf.present"));
    /* The token and MX checks did not run: no readiness verdict. */
    assert_non_null(strstr(text, "\nVerdict: the selected checks passed; not a readiness "
                                 "verdict (--only/--skip left out: ownership token, MX, SPF) — "
                                 "0 failures, 0 warnings | TMEmS console: unknown (not judged: "
                                 "全般 / ドメイン名, 受信サーバ, 送信サーバ)\n"));
    tm_free(text);
    fixture_free(r);
}

/* The findings of a domain that every decisive check judged, with one more. */
static void judged(tm_result_t *r, const char *id, tm_section_t section, tm_check_status_t status)
{
    tm_findings_clear(&r->findings);
    fixture_add(r, "token.present", TM_SECTION_DOMAIN, TM_CHECK_PASS, "ok", NULL, NULL);
    fixture_add(r, "mx.present", TM_SECTION_INBOUND, TM_CHECK_PASS, "ok", NULL, NULL);
    fixture_add(r, "mx.tmems", TM_SECTION_INBOUND, TM_CHECK_PASS, "ok", NULL, NULL);
    fixture_add(r, "spf.present", TM_SECTION_OUTBOUND, TM_CHECK_PASS, "ok", NULL, NULL);
    fixture_add(r, "token.format", TM_SECTION_DOMAIN, TM_CHECK_PASS, "ok", NULL, NULL);
    fixture_add(r, "token.match", TM_SECTION_DOMAIN, TM_CHECK_SKIP, "no --token", NULL, NULL);
    fixture_add(r, "spf.include", TM_SECTION_OUTBOUND, TM_CHECK_PASS, "ok", NULL, NULL);
    fixture_add(r, "spf.tmems_ranges", TM_SECTION_OUTBOUND, TM_CHECK_PASS, "ok", NULL, NULL);
    if (id)
        fixture_add(r, id, section, status, "one more", NULL, NULL);
    r->verdict = tm_findings_verdict(&r->findings);
}

static void test_quiet(void **state)
{
    (void)state;
    tm_result_t *r = fixture_result();
    char *text = render(r, false, -1);
    assert_string_equal(text, "acme-corp.example: not ready | TMEmS console: 設定が必要 "
                              "(configuration required), (!) on 送信サーバ; not judged: 全般 / "
                              "ドメイン名, 受信サーバ\n");
    tm_free(text);

    judged(r, "mx.ttl", TM_SECTION_INBOUND, TM_CHECK_WARN);
    text = render(r, false, -1);
    assert_string_equal(text, "acme-corp.example: ready | TMEmS console: 完了 (complete)\n");
    tm_free(text);

    judged(r, "domain.exists", TM_SECTION_DOMAIN, TM_CHECK_ERROR);
    text = render(r, false, -1);
    assert_string_equal(text, "acme-corp.example: unknown: DNS did not answer | TMEmS console: "
                              "unknown (not every record was judged)\n");
    tm_free(text);

    /* Before the cutover the console flags 受信サーバ by design. */
    judged(r, NULL, TM_SECTION_DOMAIN, TM_CHECK_PASS);
    r->findings.items[2].status = TM_CHECK_INFO;
    text = render(r, false, -1);
    assert_string_equal(text, "acme-corp.example: ready | TMEmS console: 設定が必要 "
                              "(configuration required), (!) on 受信サーバ (expected before "
                              "the MX cutover)\n");
    tm_free(text);

    /* An IDN shows both forms. */
    fixture_set_text(&r->domain, "例え.jp");
    fixture_set_text(&r->ascii, "xn--r8jz45g.jp");
    judged(r, NULL, TM_SECTION_DOMAIN, TM_CHECK_PASS);
    text = render(r, false, -1);
    assert_string_equal(text, "例え.jp (xn--r8jz45g.jp): ready | TMEmS console: 完了 (complete)\n");
    tm_free(text);
    text = render(r, false, 0);
    assert_true(strncmp(text, "例え.jp (xn--r8jz45g.jp): before the MX cutover", 46) == 0);
    tm_free(text);
    fixture_free(r);
}

/* The verdict of every format comes from the assessment the caller made:
 * with --strict a warning fails it, in the words of the line too. */
static void test_verdict_follows_assessment(void **state)
{
    (void)state;
    tm_result_t *r = fixture_result();
    judged(r, "mx.ttl", TM_SECTION_INBOUND, TM_CHECK_WARN);
    tm_assessment_t a;
    tm_findings_assess(&r->findings, true, &a);
    tm_text_options_t opts = {false, 0, NULL, &a};
    tm_buf_t out;
    tm_buf_init(&out);
    assert_int_equal(tm_report_text(r, &opts, &out), TM_OK);
    assert_non_null(strstr(out.data, "\nVerdict: not ready: --strict makes warnings fail — 0 "
                                     "failures, 1 warning | TMEmS console: 完了 (complete)\n"));
    tm_buf_clear(&out);
    opts.verbosity = -1;
    assert_int_equal(tm_report_text(r, &opts, &out), TM_OK);
    assert_string_equal(out.data, "acme-corp.example: not ready: --strict makes warnings fail | "
                                  "TMEmS console: 完了 (complete)\n");
    tm_buf_clear(&out);

    /* Every decisive check skipped (offline, nothing known): unknown. */
    tm_findings_clear(&r->findings);
    fixture_add(r, "token.present", TM_SECTION_DOMAIN, TM_CHECK_SKIP, "offline", NULL, NULL);
    fixture_add(r, "mx.present", TM_SECTION_INBOUND, TM_CHECK_SKIP, "offline", NULL, NULL);
    fixture_add(r, "inbound.firewall", TM_SECTION_INBOUND, TM_CHECK_INFO, "ranges", NULL, NULL);
    fixture_add(r, "spf.present", TM_SECTION_OUTBOUND, TM_CHECK_SKIP, "offline", NULL, NULL);
    tm_findings_assess(&r->findings, false, &a);
    opts.verbosity = 0;
    assert_int_equal(tm_report_text(r, &opts, &out), TM_OK);
    assert_non_null(strstr(out.data, "\nVerdict: unknown: these records were not judged (their "
                                     "checks skipped): ownership token, MX, SPF — 0 failures, 0 "
                                     "warnings | TMEmS console: unknown (not judged: 全般 / "
                                     "ドメイン名, 受信サーバ, 送信サーバ)\n"));
    tm_buf_clear(&out);
    fixture_free(r);
}

static void test_heading_variants(void **state)
{
    (void)state;
    tm_result_t *r = fixture_result();
    r->phase = TM_PHASE_POST;
    r->phase_derived = false;
    r->company_source = TM_COMPANY_FROM_OPTION;
    char *text = render(r, false, 0);
    assert_true(strncmp(text,
                        "acme-corp.example: after the MX cutover (phase post, as given); "
                        "company ID acme-corp (from --company)\n\n",
                        strlen("acme-corp.example: after the MX cutover (phase post, as given); "
                               "company ID acme-corp (from --company)\n\n")) == 0);
    tm_free(text);

    fixture_set_text(&r->company, NULL);
    r->company_source = TM_COMPANY_UNKNOWN;
    text = render(r, false, 0);
    assert_non_null(strstr(text, "(phase post, as given); company ID unknown\n"));
    tm_free(text);
    fixture_free(r);
}

static void test_verbose(void **state)
{
    (void)state;
    tm_result_t *r = fixture_result();
    char *text = render(r, false, 1);
    /* Detail under pass, info and skip too. */
    assert_non_null(strstr(text, "  pass   token.present          The ownership token is published\n"
                                 "         One apex TXT record starts with tmes=.\n"));
    assert_non_null(strstr(text, "Allow the data-center ranges on the receiving servers\n"
                                 "         18.176.203.128/26\n"
                                 "         15.168.56.0/25 (since 2024-08-21)\n"));
    assert_non_null(strstr(text, "cannot be looked up\n"
                                 "         Run without --offline to check it.\n"));
    /* The apex answers, each character-string quoted, before the verdict;
     * names that are not the apex are left out. */
    assert_non_null(strstr(text, "\nRecords\n"
                                 "  acme-corp.example  TXT  300  \"tmes=0123456789abcdef\" "
                                 "\"0123456789abcdef\"\n"
                                 "  acme-corp.example  TXT  300  \"v=spf1 "
                                 "include:_spf.example.net ~all\"\n"
                                 "  acme-corp.example  MX   86400  10 mx1.acme-corp.example\n"
                                 "  acme-corp.example  MX   86400  20 mx2.acme-corp.example\n"
                                 "Verdict: "));
    assert_null(strstr(text, "v=spf1 -all"));
    tm_free(text);

    /* Without -v: no records, no pass detail. */
    text = render(r, false, 0);
    assert_null(strstr(text, "Records"));
    assert_null(strstr(text, "One apex TXT record"));
    tm_free(text);

    /* A failed lookup is shown by its outcome. */
    tm_rrset_destroy(r->rrset);
    r->rrset = tm_rrset_create();
    assert_non_null(r->rrset);
    tm_answer_t *mx = tm_answer_create("acme-corp.example", TM_RR_MX, TM_DNS_SERVFAIL);
    assert_non_null(mx);
    assert_int_equal(tm_rrset_put_own(r->rrset, mx), TM_OK);
    text = render(r, false, 1);
    assert_non_null(strstr(text, "\nRecords\n  acme-corp.example  MX   SERVFAIL\nVerdict: "));
    tm_free(text);
    fixture_free(r);
}

static void test_color(void **state)
{
    (void)state;
    tm_result_t *r = fixture_result();
    char *plain = render(r, false, 1);
    assert_null(strchr(plain, '\033'));
    tm_free(plain);

    char *text = render(r, true, 0);
    assert_non_null(strstr(text, "\n  \033[32mpass\033[0m   token.present "));
    assert_non_null(strstr(text, "\n  \033[33mwarn\033[0m   mx.ttl "));
    assert_non_null(strstr(text, "\n  \033[36minfo\033[0m   inbound.firewall "));
    assert_non_null(strstr(text, "\n  \033[31mfail\033[0m   spf.include "));
    assert_non_null(strstr(text, "\n  \033[2mskip\033[0m   company.relay_host "));
    assert_non_null(strstr(text, "Verdict: \033[31mnot ready\033[0m — 1 failure"));
    tm_free(text);

    fixture_add(r, "domain.exists", TM_SECTION_DOMAIN, TM_CHECK_ERROR, "SERVFAIL", NULL, NULL);
    text = render(r, true, -1);
    assert_string_equal(text, "acme-corp.example: \033[31mnot ready\033[0m | TMEmS console: "
                              "設定が必要 (configuration required), (!) on 送信サーバ; not "
                              "judged: 全般 / ドメイン名, 受信サーバ\n");
    tm_free(text);
    text = render(r, true, 0);
    assert_non_null(strstr(text, "\n  \033[35merror\033[0m  domain.exists "));
    tm_free(text);
    fixture_free(r);
}

/* Removes our own SGR sequences, so that any ESC left came from the data. */
static void strip_sgr(char *s)
{
    static const char *const sgr[] = {"\033[0m", "\033[2m", "\033[31m", "\033[32m",
                                      "\033[33m", "\033[35m", "\033[36m"};
    char *w = s;
    for (char *p = s; *p;) {
        bool skipped = false;
        for (size_t i = 0; i < sizeof sgr / sizeof sgr[0] && !skipped; i++) {
            size_t n = strlen(sgr[i]);
            if (strncmp(p, sgr[i], n) == 0) {
                p += n;
                skipped = true;
            }
        }
        if (!skipped)
            *w++ = *p++;
    }
    *w = '\0';
}

/* Nothing that could drive a terminal: no C0 control but '\n', no DEL, no C1
 * control, no bidirectional override, and valid UTF-8 throughout. */
static void assert_terminal_safe(const char *text, size_t len)
{
    assert_int_equal(strlen(text), len); /* no NUL inside */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if ((c < 0x20 && c != '\n') || c == 0x7f)
            fail_msg("raw control byte 0x%02x at offset %zu", c, i);
        if (c == 0xc2 && i + 1 < len && (unsigned char)text[i + 1] >= 0x80 &&
            (unsigned char)text[i + 1] <= 0x9f)
            fail_msg("raw C1 control at offset %zu", i);
        if (c == 0xe2 && i + 2 < len && (unsigned char)text[i + 1] == 0x80 &&
            (unsigned char)text[i + 2] == 0xae)
            fail_msg("raw bidirectional override at offset %zu", i);
    }
    assert_true(tm_utf8_valid(text, len));
}

static void test_hostile(void **state)
{
    (void)state;
    /* Clear screen, bell, invalid UTF-8, a C1 CSI both as a raw byte and
     * encoded, DEL, a right-to-left override, an OSC window title. */
    static const char hostile[] =
        "A\033[2J\007B\xff\x9b" "C\xc2\x9b" "D\x7f" "E\xe2\x80\xae" "F\033]0;pwned\007G";
    tm_result_t *r = fixture_result();
    fixture_set_text(&r->domain, hostile);
    fixture_set_text(&r->company, hostile);
    fixture_add(r, "token.format", TM_SECTION_DOMAIN, TM_CHECK_FAIL, hostile, hostile, hostile);
    fixture_add(r, "spf.syntax", TM_SECTION_OUTBOUND, TM_CHECK_PASS, hostile, hostile, hostile);
    fixture_add(r, "mx.target", TM_SECTION_INBOUND, TM_CHECK_INFO, "x\ny\rz", "a\tb", "c\033d");

    /* A TXT record with a NUL inside its length, and hostile MX hosts. */
    tm_rrset_destroy(r->rrset);
    r->rrset = tm_rrset_create();
    assert_non_null(r->rrset);
    const char nul_txt[] = "tmes=\0\033[2J\007\xff\x9b\"quoted\"\\";
    const char *strings[] = {nul_txt, hostile};
    const size_t lens[] = {sizeof nul_txt - 1, sizeof hostile - 1};
    fixture_put_txt(r->rrset, r->ascii, 300, strings, lens, 2);
    tm_answer_t *mx = tm_answer_create(r->ascii, TM_RR_MX, TM_DNS_NOERROR);
    assert_non_null(mx);
    assert_int_equal(tm_answer_add_mx(mx, 300, 10, hostile), TM_OK);
    assert_int_equal(tm_rrset_put_own(r->rrset, mx), TM_OK);

    for (int verbosity = -1; verbosity <= 2; verbosity++) {
        for (int color = 0; color <= 1; color++) {
            tm_text_options_t opts = {color != 0, verbosity, NULL, NULL};
            tm_buf_t out;
            tm_buf_init(&out);
            assert_int_equal(tm_report_text(r, &opts, &out), TM_OK);
            assert_non_null(out.data);
            strip_sgr(out.data);
            assert_terminal_safe(out.data, strlen(out.data));
            /* The bytes are shown, escaped, not dropped. */
            assert_non_null(strstr(out.data, "A\\x1b[2J\\x07B\\xff\\x9bC\\u009bD\\x7fE\\u202eF"));
            if (verbosity >= 1) {
                assert_non_null(strstr(
                    out.data, "\"tmes=\\x00\\x1b[2J\\x07\\xff\\x9b\\\"quoted\\\"\\\\\" \"A\\x1b"));
                assert_non_null(strstr(out.data, "MX   300  10 a\\x1b[2j\\x07b"));
            }
            if (verbosity >= 0) {
                /* A summary stays one line; detail keeps its lines. */
                assert_non_null(strstr(out.data, "mx.target"));
                assert_non_null(strstr(out.data, "x\\x0ay\\x0dz\n"));
            }
            tm_buf_clear(&out);
        }
    }
    fixture_free(r);
}

/* Every allocation may fail: the status is TM_ENOMEM and the caller's buffer
 * is left exactly as it was. */
static void test_out_of_memory(void **state)
{
    (void)state;
    tm_result_t *r = fixture_result();
    tm_text_options_t opts = {true, 1, NULL, NULL};
    unsigned long n;
    for (n = 1;; n++) {
        tm_buf_t out;
        tm_buf_init(&out);
        assert_int_equal(tm_buf_puts(&out, "kept"), TM_OK);
        tm_alloc_fail_after(n);
        tm_status_t st = tm_report_text(r, &opts, &out);
        tm_alloc_fail_after(0);
        if (st == TM_OK) {
            assert_true(out.len > 100);
            tm_buf_clear(&out);
            break;
        }
        assert_int_equal(st, TM_ENOMEM);
        assert_string_equal(out.data, "kept");
        assert_int_equal(out.len, 4);
        tm_buf_clear(&out);
    }
    assert_true(n > 5);
    fixture_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_default),
        cmocka_unit_test(test_appends),
        cmocka_unit_test(test_alignment),
        cmocka_unit_test(test_sections_omitted),
        cmocka_unit_test(test_verdict_follows_assessment),
        cmocka_unit_test(test_quiet),
        cmocka_unit_test(test_heading_variants),
        cmocka_unit_test(test_verbose),
        cmocka_unit_test(test_color),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test_teardown(test_out_of_memory, reset_alloc),
    };
    return cmocka_run_group_tests(tests, fixture_english, NULL);
}
