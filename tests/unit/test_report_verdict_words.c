/* test_report_verdict_words.c - the verdict in words (verdict_words.c):
 * each of tmems-check's verdicts in words other than the console's, the
 * records left out or not judged, the console's view with every section it
 * flags and the expected (!) before the cutover marked, and the colour. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "report/verdict_words.h"

static int english(void **state)
{
    (void)state;
    setenv("LANGUAGE", "C", 1);
    setenv("LC_ALL", "C", 1);
    setlocale(LC_ALL, "C");
    return 0;
}

static void expect_words(const tm_assessment_t *a, const char *verdict, const char *console)
{
    tm_buf_t out;
    tm_buf_init(&out);
    assert_int_equal(tm_report_verdict_words(a, &out), TM_OK);
    assert_string_equal(out.data, verdict);
    tm_buf_clear(&out);
    assert_int_equal(tm_report_console_words(a, &out), TM_OK);
    assert_string_equal(out.data, console);
    tm_buf_clear(&out);
}

static void test_verdicts(void **state)
{
    (void)state;
    tm_assessment_t a = {.verdict = TM_VERDICT_READY, .console = TM_CONSOLE_COMPLETE};
    expect_words(&a, "ready", "完了 (complete)");
    assert_int_equal(tm_report_verdict_colour(&a), TM_CHECK_PASS);
    a.warns = 2;
    assert_int_equal(tm_report_verdict_colour(&a), TM_CHECK_WARN);

    a = (tm_assessment_t){.verdict = TM_VERDICT_NOT_READY, .fails = 1};
    expect_words(&a, "not ready", "完了 (complete)");
    assert_int_equal(tm_report_verdict_colour(&a), TM_CHECK_FAIL);
    a = (tm_assessment_t){.verdict = TM_VERDICT_NOT_READY, .warns = 1, .strict = true};
    expect_words(&a, "not ready: --strict makes warnings fail", "完了 (complete)");

    a = (tm_assessment_t){.verdict = TM_VERDICT_UNKNOWN, .errors = 1,
                          .console = TM_CONSOLE_UNKNOWN};
    expect_words(&a, "unknown: DNS did not answer", "unknown (not every record was judged)");
    assert_int_equal(tm_report_verdict_colour(&a), TM_CHECK_ERROR);
    a = (tm_assessment_t){.verdict = TM_VERDICT_UNKNOWN, .not_judged = TM_AREA_ALL,
                          .console = TM_CONSOLE_UNKNOWN};
    expect_words(&a,
                 "unknown: these records were not judged (their checks skipped): ownership "
                 "token, MX, SPF",
                 "unknown (not every record was judged)");
    a.not_judged = TM_AREA_SPF;
    expect_words(&a, "unknown: these records were not judged (their checks skipped): SPF",
                 "unknown (not every record was judged)");

    a = (tm_assessment_t){.verdict = TM_VERDICT_SELECTED_PASSED,
                          .not_selected = TM_AREA_TOKEN | TM_AREA_SPF,
                          .console = TM_CONSOLE_UNKNOWN};
    expect_words(&a,
                 "the selected checks passed; not a readiness verdict (--only/--skip left out: "
                 "ownership token, SPF)",
                 "unknown (not every record was judged)");
    assert_int_equal(tm_report_verdict_colour(&a), TM_CHECK_INFO);
}

static void test_console_sections(void **state)
{
    (void)state;
    unsigned domain = 1u << TM_SECTION_DOMAIN, inbound = 1u << TM_SECTION_INBOUND,
             outbound = 1u << TM_SECTION_OUTBOUND;
    tm_assessment_t a = {.verdict = TM_VERDICT_READY, .console = TM_CONSOLE_REQUIRED,
                         .console_flagged = inbound, .console_expected = inbound};
    expect_words(&a, "ready",
                 "設定が必要 (configuration required), (!) on 受信サーバ (expected before the MX "
                 "cutover)");
    a.console_flagged = domain | inbound | outbound;
    a.verdict = TM_VERDICT_NOT_READY;
    a.fails = 2;
    expect_words(&a, "not ready",
                 "設定が必要 (configuration required), (!) on 全般 / ドメイン名, 受信サーバ "
                 "(expected before the MX cutover), 送信サーバ");
    a.console_expected = 0;
    expect_words(&a, "not ready",
                 "設定が必要 (configuration required), (!) on 全般 / ドメイン名, 受信サーバ, "
                 "送信サーバ");
    assert_string_equal(tm_report_console_section(TM_SECTION_RULES), "");
    assert_string_equal(tm_report_console_section(TM_SECTION_OUTBOUND), "送信サーバ");
}

/* Out of memory: an error, never a half sentence taken for a verdict. */
static void test_out_of_memory(void **state)
{
    (void)state;
    tm_assessment_t a = {.verdict = TM_VERDICT_NOT_READY, .fails = 1,
                         .console = TM_CONSOLE_REQUIRED,
                         .console_flagged = (1u << TM_SECTION_DOMAIN) | (1u << TM_SECTION_INBOUND),
                         .console_expected = 1u << TM_SECTION_INBOUND};
    bool done = false;
    for (unsigned long n = 1; !done && n < 100; n++) {
        tm_buf_t out;
        tm_buf_init(&out);
        tm_alloc_fail_after(n);
        tm_status_t st = tm_report_console_words(&a, &out);
        tm_alloc_fail_after(0);
        if (st == TM_OK)
            done = true;
        else
            assert_int_equal(st, TM_ENOMEM);
        tm_buf_clear(&out);
    }
    assert_true(done);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdicts),
        cmocka_unit_test(test_console_sections),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, english, NULL);
}
