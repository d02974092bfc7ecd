/* test_report_markdown.c - the Markdown report (src/lib/report/markdown.c)
 * and the words the CI formats share (src/lib/report/ci_words.c): DNS data
 * cannot become a link, an image or HTML; the table lists what needs
 * attention with its source; line breaks the tool wrote stay breaks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "report/ci_words.h"
#include "report_fixture.h"
#include "tmems/tm_report_ci.h"

static char *md(const char *s)
{
    tm_buf_t b;
    tm_buf_init(&b);
    assert_int_equal(tm_markdown_escape(&b, s), TM_OK);
    assert_int_equal(tm_buf_putc(&b, '\0'), TM_OK);
    return tm_buf_take(&b);
}

static void test_escape(void **state)
{
    (void)state;
    char *s = md("[x](http://evil.test/) <img src=x> a&b *c* `d` | e\nf");
    assert_string_equal(s, "\\[x\\]\\(http\\://evil\\.test/\\) &lt;img src\\=x&gt; a&amp;b \\*c\\* "
                           "\\`d\\` \\| e<br>f");
    tm_free(s);
    /* an escape sequence from DNS data is neutralised first */
    s = md("a\033[31mb");
    assert_null(strchr(s, '\033'));
    tm_free(s);
    s = md(NULL);
    assert_string_equal(s, "");
    tm_free(s);
}

static void test_words(void **state)
{
    (void)state;
    assert_string_equal(tm_ci_status_word(TM_CHECK_FAIL), "fail");
    assert_string_equal(tm_ci_change_word(TM_PLAN_STILL_FAILING), "still failing");
    tm_buf_t b;
    tm_buf_init(&b);
    tm_source_t src = {.file = "z.yaml", .line = 4, .column = 9};
    assert_int_equal(tm_ci_put_source(&b, &src), TM_OK);
    src.column = 0;
    assert_int_equal(tm_buf_putc(&b, ' '), TM_OK);
    assert_int_equal(tm_ci_put_source(&b, &src), TM_OK);
    src.line = 0;
    assert_int_equal(tm_buf_putc(&b, ' '), TM_OK);
    assert_int_equal(tm_ci_put_source(&b, &src), TM_OK);
    src.file = NULL;
    assert_int_equal(tm_ci_put_source(&b, &src), TM_OK);
    assert_int_equal(tm_buf_putc(&b, '\0'), TM_OK);
    assert_string_equal(b.data, "z.yaml:4:9 z.yaml:4 z.yaml");
    b.len = 0;
    assert_int_equal(tm_ci_neutralize_lines(&b, "a\nb\007c\n"), TM_OK);
    assert_int_equal(tm_buf_putc(&b, '\0'), TM_OK);
    assert_string_equal(b.data, "a\nb\\x07c\n");
    tm_buf_clear(&b);
}

static void test_report(void **state)
{
    (void)state;
    tm_result_t *r = fixture_result();
    r->findings.items[4].source.file = tm_strdup("zones/acme.yaml");
    r->findings.items[4].source.line = 7;
    fixture_set_text(&r->findings.items[1].detail, "Published: \"<script>\"");
    tm_buf_t out;
    tm_buf_init(&out);
    assert_int_equal(tm_report_markdown_result(r, NULL, &out), TM_OK);
    assert_int_equal(tm_buf_putc(&out, '\0'), TM_OK);
    const char *s = out.data;
    assert_non_null(strstr(s, "### acme\\-corp\\.example\n\n**Verdict:** not ready | "));
    assert_non_null(strstr(s, "| Status | Check | Finding | Where |\n|---|---|---|---|\n"));
    assert_non_null(strstr(s, "| fail | `spf.include` | (\\!) The SPF record does not include "));
    assert_non_null(strstr(s, "| zones/acme\\.yaml\\:7 |\n"));
    assert_non_null(strstr(s, "&lt;script&gt;"));
    assert_null(strstr(s, "<script>"));
    /* warn, fail and info with a fix are rows; pass, skip and plain info not */
    assert_non_null(strstr(s, "`mx.ttl`"));
    assert_non_null(strstr(s, "`inbound.cloud`"));
    assert_null(strstr(s, "`token.present`"));
    assert_null(strstr(s, "`inbound.firewall`"));
    assert_null(strstr(s, "`company.relay_host`"));
    tm_buf_clear(&out);
    /* nothing needs attention */
    tm_findings_clear(&r->findings);
    fixture_add(r, "domain.name", TM_SECTION_DOMAIN, TM_CHECK_PASS, "ok", NULL, NULL);
    assert_int_equal(tm_report_markdown_result(r, NULL, &out), TM_OK);
    assert_int_equal(tm_buf_putc(&out, '\0'), TM_OK);
    assert_non_null(strstr(out.data, "Nothing to change.\n"));
    tm_buf_clear(&out);
    fixture_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_report),
    };
    return cmocka_run_group_tests(tests, fixture_english, NULL);
}
