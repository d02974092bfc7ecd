/* test_report_github.c - GitHub Actions workflow commands
 * (src/lib/report/github.c): the escaping of data (%, CR, LF) and of
 * properties (also ':' and ','), which statuses become which command, the
 * file/line/col properties, the workspace prefix, and the 10 annotations
 * of a kind per step with the rest summarised. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "report_fixture.h"
#include "tmems/tm_report_ci.h"

static char *escaped(bool property, const char *s)
{
    tm_buf_t b;
    tm_buf_init(&b);
    assert_int_equal(property ? tm_github_escape_property(&b, s) : tm_github_escape_data(&b, s),
                     TM_OK);
    assert_int_equal(tm_buf_putc(&b, '\0'), TM_OK);
    return tm_buf_take(&b);
}

static void test_escaping(void **state)
{
    (void)state;
    char *s = escaped(false, "100% a:b,c\r\nd");
    assert_string_equal(s, "100%25 a:b,c%0D%0Ad");
    tm_free(s);
    s = escaped(true, "dir/a:b,c%.zone");
    assert_string_equal(s, "dir/a%3Ab%2Cc%25.zone");
    tm_free(s);
    s = escaped(true, "");
    assert_string_equal(s, "");
    tm_free(s);
}

static size_t count_lines(const char *s, const char *prefix)
{
    size_t n = 0;
    for (const char *p = s; p && *p;) {
        if (strncmp(p, prefix, strlen(prefix)) == 0)
            n++;
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return n;
}

static void test_commands(void **state)
{
    (void)state;
    tm_result_t *r = fixture_result();
    r->findings.items[4].source.file = tm_strdup("/ws/zones/a,b.zone");
    r->findings.items[4].source.line = 12;
    r->findings.items[4].source.column = 3;
    r->findings.items[1].source.file = tm_strdup("/elsewhere/z.zone");
    tm_github_t gh = {.workspace = "/ws/"};
    tm_buf_t out;
    tm_buf_init(&out);
    assert_int_equal(tm_report_github_result(&gh, r, NULL, &out), TM_OK);
    assert_int_equal(tm_report_github_end(&gh, &out), TM_OK);
    assert_int_equal(tm_buf_putc(&out, '\0'), TM_OK);
    /* spf.include fails: an error on its line, the path relative to the
     * workspace, the ',' of the file name escaped, the console's (!) */
    assert_non_null(strstr(out.data, "::error file=zones/a%2Cb.zone,line=12,col=3,title=tmems-check "
                                     "spf.include (acme-corp.example)::(!) The SPF record does not "
                                     "include spf.tmems-jp.trendmicro.com%0AFix:%0Aacme-corp.example. 300 IN TXT"));
    /* mx.ttl warns: a file without a line, the detail and the two fix lines */
    assert_non_null(strstr(out.data, "::warning file=/elsewhere/z.zone,title=tmems-check mx.ttl "
                                     "(acme-corp.example)::The MX TTL is 86400 s"));
    assert_non_null(strstr(out.data, "%0Aacme-corp.example. 300 IN MX 10 mx1.acme-corp.example.%0A"
                                     "acme-corp.example. 300 IN MX 20"));
    /* info with a fix is a notice; info without one, pass and skip: nothing */
    assert_int_equal(count_lines(out.data, "::notice "), 1);
    assert_int_equal(count_lines(out.data, "::"), 3);
    assert_null(strchr(strstr(out.data, "::warning"), '\r'));
    tm_buf_clear(&out);
    tm_github_clear(&gh);

    /* strict: the warning is an error */
    gh = (tm_github_t){.strict = true};
    assert_int_equal(tm_report_github_result(&gh, r, NULL, &out), TM_OK);
    assert_int_equal(tm_buf_putc(&out, '\0'), TM_OK);
    assert_int_equal(count_lines(out.data, "::error "), 2);
    tm_buf_clear(&out);
    tm_github_clear(&gh);
    fixture_free(r);
}

/* n failing findings through one state: what reaches the output. */
static char *run_errors(size_t n)
{
    tm_result_t *r = fixture_result();
    tm_findings_clear(&r->findings);
    for (size_t i = 0; i < n; i++)
        fixture_add(r, "spf.syntax", TM_SECTION_OUTBOUND, TM_CHECK_FAIL, "broken", NULL, NULL);
    tm_github_t gh = {0};
    tm_buf_t out;
    tm_buf_init(&out);
    /* two domains' worth, through the same state */
    assert_int_equal(tm_report_github_result(&gh, r, NULL, &out), TM_OK);
    assert_int_equal(tm_report_github_end(&gh, &out), TM_OK);
    assert_int_equal(tm_buf_putc(&out, '\0'), TM_OK);
    tm_github_clear(&gh);
    fixture_free(r);
    return tm_buf_take(&out);
}

static void test_limit(void **state)
{
    (void)state;
    char *s = run_errors(10);
    assert_int_equal(count_lines(s, "::error "), 10);
    assert_int_equal(count_lines(s, "tmems-check error: "), 0);
    assert_null(strstr(s, "not annotated"));
    tm_free(s);
    s = run_errors(14);
    assert_int_equal(count_lines(s, "::error "), 10);
    /* the tenth to the fourteenth in the log, plainly */
    assert_int_equal(count_lines(s, "tmems-check error: title=tmems-check spf.syntax"), 5);
    assert_non_null(strstr(s, "::error title=tmems-check::5 more errors are not annotated "
                              "(GitHub shows 10 of a kind per step)"));
    /* the summary is the last command */
    assert_null(strstr(strstr(s, "more errors are not annotated"), "\n::"));
    tm_free(s);
    s = run_errors(11);
    assert_non_null(strstr(s, "::error title=tmems-check::2 more errors are not annotated"));
    tm_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_commands),
        cmocka_unit_test(test_limit),
    };
    return cmocka_run_group_tests(tests, fixture_english, NULL);
}
