/* test_check_finding.c - the verdict rule of docs/json.md (fail > error > warn >
 * pass; info and skip never change it), the names used in JSON, the
 * summary/detail/fix builders, and tm_quote_dns, which must make every
 * stray quote, backslash and control byte of a DNS record visible. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check_fixture.h"
#include "check/finding.h"

static int setup(void **state)
{
    (void)state;
    fx_locale();
    tm_alloc_fail_after(0);
    return 0;
}

/* A findings list holding the given statuses, in order. */
static void fill(tm_findings_t *f, const tm_check_status_t *statuses, size_t n)
{
    tm_findings_init(f);
    f->items = tm_calloc(n ? n : 1, sizeof(*f->items));
    assert_non_null(f->items);
    f->cap = n;
    for (size_t i = 0; i < n; i++) {
        f->items[i].id = "x";
        f->items[i].status = statuses[i];
        assert_int_equal(tm_finding_set(&f->items[i], statuses[i], "finding %zu", i), TM_OK);
        f->count++;
    }
}

static tm_check_status_t verdict_of(const tm_check_status_t *statuses, size_t n)
{
    tm_findings_t f;
    fill(&f, statuses, n);
    tm_check_status_t v = tm_findings_verdict(&f);
    tm_findings_clear(&f);
    assert_null(f.items);
    assert_int_equal(f.count, 0);
    return v;
}

#define VERDICT(...)                                                                           \
    verdict_of((const tm_check_status_t[]){__VA_ARGS__},                                       \
               sizeof((const tm_check_status_t[]){__VA_ARGS__}) / sizeof(tm_check_status_t))

static void test_verdict_empty_is_pass(void **state)
{
    (void)state;
    tm_findings_t f;
    tm_findings_init(&f);
    assert_int_equal(tm_findings_verdict(&f), TM_CHECK_PASS);
    tm_findings_clear(&f);
}

static void test_verdict_order(void **state)
{
    (void)state;
    assert_int_equal(VERDICT(TM_CHECK_PASS, TM_CHECK_PASS), TM_CHECK_PASS);
    /* info and skip say nothing is wrong */
    assert_int_equal(VERDICT(TM_CHECK_INFO, TM_CHECK_SKIP, TM_CHECK_PASS), TM_CHECK_PASS);
    assert_int_equal(VERDICT(TM_CHECK_PASS, TM_CHECK_WARN, TM_CHECK_INFO), TM_CHECK_WARN);
    /* error outranks warn whatever the order */
    assert_int_equal(VERDICT(TM_CHECK_WARN, TM_CHECK_ERROR), TM_CHECK_ERROR);
    assert_int_equal(VERDICT(TM_CHECK_ERROR, TM_CHECK_WARN), TM_CHECK_ERROR);
    /* fail outranks everything, first or last */
    assert_int_equal(VERDICT(TM_CHECK_ERROR, TM_CHECK_WARN, TM_CHECK_FAIL), TM_CHECK_FAIL);
    assert_int_equal(VERDICT(TM_CHECK_FAIL, TM_CHECK_ERROR, TM_CHECK_WARN), TM_CHECK_FAIL);
    assert_int_equal(VERDICT(TM_CHECK_SKIP, TM_CHECK_FAIL, TM_CHECK_SKIP), TM_CHECK_FAIL);
    assert_int_equal(VERDICT(TM_CHECK_SKIP), TM_CHECK_PASS);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(tm_check_status_name(TM_CHECK_PASS), "pass");
    assert_string_equal(tm_check_status_name(TM_CHECK_INFO), "info");
    assert_string_equal(tm_check_status_name(TM_CHECK_WARN), "warn");
    assert_string_equal(tm_check_status_name(TM_CHECK_FAIL), "fail");
    assert_string_equal(tm_check_status_name(TM_CHECK_ERROR), "error");
    assert_string_equal(tm_check_status_name(TM_CHECK_SKIP), "skip");
    assert_string_equal(tm_section_name(TM_SECTION_DOMAIN), "domain");
    assert_string_equal(tm_section_name(TM_SECTION_INBOUND), "inbound");
    assert_string_equal(tm_section_name(TM_SECTION_OUTBOUND), "outbound");
    assert_string_equal(tm_section_name(TM_SECTION_RULES), "rules");
    assert_string_equal(tm_phase_name(TM_PHASE_PRE), "pre");
    assert_string_equal(tm_phase_name(TM_PHASE_POST), "post");
    assert_string_equal(tm_phase_name(TM_PHASE_AUTO), "auto");
}

static void test_finding_lines(void **state)
{
    (void)state;
    tm_finding_t f = {0};
    assert_int_equal(tm_finding_set(&f, TM_CHECK_WARN, "%d MX, TTL %u", 2, 86400u), TM_OK);
    assert_int_equal(f.status, TM_CHECK_WARN);
    assert_string_equal(f.summary, "2 MX, TTL 86400");
    /* set replaces the summary and the status */
    assert_int_equal(tm_finding_set(&f, TM_CHECK_FAIL, "%s", "second"), TM_OK);
    assert_int_equal(f.status, TM_CHECK_FAIL);
    assert_string_equal(f.summary, "second");
    assert_null(f.detail);
    assert_null(f.fix);
    /* detail and fix append one line each */
    assert_int_equal(tm_finding_detail(&f, "why %d", 1), TM_OK);
    assert_int_equal(tm_finding_detail(&f, "why %d", 2), TM_OK);
    assert_string_equal(f.detail, "why 1\nwhy 2");
    assert_int_equal(tm_finding_fix(&f, "%s. 300 IN MX 10 %s.", "a.example", "b.example"),
                     TM_OK);
    assert_string_equal(f.fix, "a.example. 300 IN MX 10 b.example.");
    /* a % inside an argument is data, not a format */
    assert_int_equal(tm_finding_fix(&f, "%s", "100%s"), TM_OK);
    assert_string_equal(f.fix, "a.example. 300 IN MX 10 b.example.\n100%s");
    fx_finding_free(&f);
}

/* A pasteable line goes to the fix as shown and to fix_records; prose and
 * placeholder lines only to the fix. */
static void test_finding_fix_record(void **state)
{
    (void)state;
    tm_finding_t f = {0};
    assert_int_equal(tm_finding_fix(&f, "%s", "Publish instead:"), TM_OK);
    assert_null(f.fix_records);
    assert_int_equal(tm_finding_fix_record(&f, "%s. 3600 IN TXT \"%s\"", "a.example",
                                           "v=spf1 -all"),
                     TM_OK);
    assert_int_equal(tm_finding_fix_record(&f, "%s. 300 IN MX %u %s.", "a.example", 10u,
                                           "b.example"),
                     TM_OK);
    assert_string_equal(f.fix, "Publish instead:\na.example. 3600 IN TXT \"v=spf1 -all\"\n"
                               "a.example. 300 IN MX 10 b.example.");
    assert_string_equal(f.fix_records, "a.example. 3600 IN TXT \"v=spf1 -all\"\n"
                                       "a.example. 300 IN MX 10 b.example.");
    fx_finding_free(&f);
}

static void test_finding_oom_keeps_old_text(void **state)
{
    (void)state;
    tm_finding_t f = {0};
    assert_int_equal(tm_finding_detail(&f, "first"), TM_OK);
    for (unsigned n = 1; n < 50; n++) {
        tm_alloc_fail_after(n);
        tm_status_t st = tm_finding_detail(&f, "second %u", n);
        tm_alloc_fail_after(0);
        if (st == TM_OK)
            break;
        assert_int_equal(st, TM_ENOMEM);
        /* a failed append leaves the previous lines intact */
        assert_string_equal(f.detail, "first");
    }
    assert_contains(f.detail, "first\nsecond");
    fx_finding_free(&f);
}

static void check_quote(const char *data, size_t len, const char *expected)
{
    char *q = tm_quote_dns_dup(data, len);
    assert_non_null(q);
    assert_string_equal(q, expected);
    tm_free(q);
}

static void test_quote_dns(void **state)
{
    (void)state;
    check_quote("", 0, "\"\"");
    check_quote("tmes=abc", 8, "\"tmes=abc\"");
    /* zone-file quotes inside the record become visible */
    check_quote("\"tmes=abc\"", 10, "\"\\\"tmes=abc\\\"\"");
    check_quote("a\\b", 3, "\"a\\\\b\"");
    check_quote("a b\tc\nd", 7, "\"a b\\x09c\\x0ad\"");
    /* each byte once: a quote after a backslash is two escapes, not four */
    check_quote("\\\"~all", 6, "\"\\\\\\\"~all\"");
    /* control bytes, DEL and an embedded NUL, never raw */
    check_quote("\x1b[31m", 5, "\"\\x1b[31m\"");
    check_quote("a\x7f", 2, "\"a\\x7f\"");
    check_quote("a\0b", 3, "\"a\\x00b\"");
    check_quote("\r", 1, "\"\\x0d\"");
    /* nothing after a NUL is hidden (an SPF record cut there would hide +all) */
    check_quote("v=spf1 include:x\0 +all", 22, "\"v=spf1 include:x\\x00 +all\"");
    /* C1 controls, bidirectional and invisible characters, tags, bad bytes */
    check_quote("\xc2\x9b" "2J\xc2\x9d", 6, "\"\\u009b2J\\u009d\"");
    check_quote("a\xe2\x80\xae" "b\xe2\x81\xa6\xe2\x80\x8b\xef\xbb\xbf\xc2\xad", 16,
                "\"a\\u202eb\\u2066\\u200b\\ufeff\\u00ad\"");
    check_quote("\xf3\xa0\x81\x81\xff", 5, "\"\\U000e0041\\xff\"");
    /* UTF-8 text stays readable */
    check_quote("例え", strlen("例え"), "\"例え\"");
}

static void test_quote_dns_appends(void **state)
{
    (void)state;
    tm_buf_t buf;
    tm_buf_init(&buf);
    assert_int_equal(tm_buf_puts(&buf, "Published: "), TM_OK);
    assert_int_equal(tm_quote_dns(&buf, "x\"y", 3), TM_OK);
    assert_string_equal(buf.data, "Published: \"x\\\"y\"");
    tm_buf_clear(&buf);
}

static void test_quote_dns_oom(void **state)
{
    (void)state;
    for (unsigned n = 1; n < 50; n++) {
        tm_alloc_fail_after(n);
        char *q = tm_quote_dns_dup("a\x01" "b", 3);
        tm_alloc_fail_after(0);
        if (q) {
            assert_string_equal(q, "\"a\\x01b\"");
            tm_free(q);
            return;
        }
    }
    fail_msg("tm_quote_dns_dup never succeeded");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_verdict_empty_is_pass, setup),
        cmocka_unit_test_setup(test_verdict_order, setup),
        cmocka_unit_test_setup(test_names, setup),
        cmocka_unit_test_setup(test_finding_lines, setup),
        cmocka_unit_test_setup(test_finding_fix_record, setup),
        cmocka_unit_test_setup(test_finding_oom_keeps_old_text, setup),
        cmocka_unit_test_setup(test_quote_dns, setup),
        cmocka_unit_test_setup(test_quote_dns_appends, setup),
        cmocka_unit_test_setup(test_quote_dns_oom, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
