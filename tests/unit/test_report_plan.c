/* test_report_plan.c - the report of --plan (src/lib/report/plan_report.c)
 * as text, JSON and Markdown: the changed checks first (broken, fixed,
 * still failing), the unchanged counted, both verdicts and the exit status
 * of the proposal; DNS data escaped in each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <cjson/cJSON.h>

#include "report_fixture.h"
#include "tmems/tm_report_ci.h"

typedef struct {
    tm_result_t *live, *proposed;
    tm_plan_t plan;
} pair_t;

static void pair_make(pair_t *p)
{
    p->live = fixture_result();
    p->proposed = fixture_result();
    /* the proposal fixes spf.include, breaks token.present, keeps mx.ttl */
    p->proposed->findings.items[4].status = TM_CHECK_PASS;
    fixture_set_text(&p->proposed->findings.items[4].summary, "The SPF record includes it");
    p->proposed->findings.items[0].status = TM_CHECK_FAIL;
    fixture_set_text(&p->proposed->findings.items[0].summary, "Token \"\033[2J<b>\" is gone");
    p->proposed->findings.items[0].source.file = tm_strdup("zones/a.yaml");
    p->proposed->findings.items[0].source.line = 3;
    p->proposed->findings.items[0].source.column = 5;
    assert_int_equal(tm_plan_compare("acme-corp.example", &p->live->findings,
                                     &p->proposed->findings, false, &p->plan),
                     TM_OK);
}

static void pair_free(pair_t *p)
{
    tm_plan_clear(&p->plan);
    fixture_free(p->live);
    fixture_free(p->proposed);
}

static void test_text(void **state)
{
    (void)state;
    pair_t p;
    pair_make(&p);
    tm_buf_t out;
    tm_buf_init(&out);
    assert_int_equal(tm_report_plan_text(&p.plan, false, &out), TM_OK);
    assert_int_equal(tm_buf_putc(&out, '\0'), TM_OK);
    const char *s = out.data;
    assert_non_null(strstr(s, "acme-corp.example: plan: the proposed zone against the live DNS\n"));
    const char *broken = strstr(s, "  broken         token.present          pass -> fail  Token ");
    const char *fixed = strstr(s, "  fixed          spf.include            fail -> pass  The SPF record does not");
    assert_non_null(broken);
    assert_non_null(fixed);
    assert_true(broken < fixed);
    assert_non_null(strstr(s, "Source: zones/a.yaml:3:5\n"));
    assert_null(strchr(s, '\033'));
    assert_non_null(strstr(s, "  4 checks unchanged (failing in neither)\n"));
    assert_non_null(strstr(s, "Live DNS: not ready | Proposed: not ready (exit status 1)\n"));
    tm_buf_clear(&out);
    assert_int_equal(tm_report_plan_text(&p.plan, true, &out), TM_OK);
    assert_int_equal(tm_buf_putc(&out, '\0'), TM_OK);
    assert_non_null(strstr(out.data, "\033[31mbroken\033[0m"));
    tm_buf_clear(&out);
    pair_free(&p);
}

static void test_json(void **state)
{
    (void)state;
    pair_t p;
    pair_make(&p);
    tm_buf_t out;
    tm_buf_init(&out);
    assert_int_equal(tm_report_plan_json(&p.plan, &out), TM_OK);
    assert_int_equal(tm_buf_putc(&out, '\0'), TM_OK);
    cJSON *o = cJSON_Parse(out.data);
    assert_non_null(o);
    assert_string_equal(cJSON_GetObjectItem(o, "domain")->valuestring, "acme-corp.example");
    cJSON *changes = cJSON_GetObjectItem(o, "changes");
    assert_int_equal(cJSON_GetObjectItem(changes, "fixed")->valueint, 1);
    assert_int_equal(cJSON_GetObjectItem(changes, "broken")->valueint, 1);
    assert_int_equal(cJSON_GetObjectItem(changes, "unchanged")->valueint, 4);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "proposed"), "outcome")->valuestring,
                        "not_ready");
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "live"), "exit_status")->valueint, 1);
    cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "checks"), 0);
    assert_string_equal(cJSON_GetObjectItem(first, "id")->valuestring, "token.present");
    assert_string_equal(cJSON_GetObjectItem(first, "change")->valuestring, "broken");
    cJSON *src = cJSON_GetObjectItem(cJSON_GetObjectItem(first, "proposed"), "source");
    assert_int_equal(cJSON_GetObjectItem(src, "column")->valueint, 5);
    assert_null(strchr(out.data, '\033')); /* \u001b in JSON */
    cJSON_Delete(o);
    tm_buf_clear(&out);
    pair_free(&p);
}

static void test_markdown(void **state)
{
    (void)state;
    pair_t p;
    pair_make(&p);
    tm_buf_t out;
    tm_buf_init(&out);
    assert_int_equal(tm_report_plan_markdown(&p.plan, &out), TM_OK);
    assert_int_equal(tm_buf_putc(&out, '\0'), TM_OK);
    const char *s = out.data;
    assert_non_null(strstr(s, "### acme\\-corp\\.example: what this change does\n\n"));
    assert_non_null(strstr(s, "| **broken** | `token.present` | pass | fail | Token "));
    assert_non_null(strstr(s, "(zones/a\\.yaml\\:3\\:5) |\n"));
    assert_non_null(strstr(s, "&lt;b&gt;"));
    assert_non_null(strstr(s, "| fixed | `spf.include` | fail | pass | The SPF record does not"));
    assert_non_null(strstr(s, "4 checks unchanged (failing in neither).\n\n"));
    assert_non_null(strstr(s, "**Live DNS:** not ready | **Proposed:** not ready (exit status 1)"));
    tm_buf_clear(&out);
    pair_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_markdown),
    };
    return cmocka_run_group_tests(tests, fixture_english, NULL);
}
