/* test_report_catalogue.c - the list of checks of "tmems-check checks"
 * (src/lib/report/catalogue.c): every id of the catalogue once, under its
 * section's heading in the report's order, (!) exactly where the console
 * flags the section, the description; the same as JSON, field for field;
 * and allocation failures that leave nothing behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "tmems/tm_report.h"

static int english(void **state)
{
    (void)state;
    setenv("LANGUAGE", "C", 1);
    setenv("LC_ALL", "C", 1);
    setlocale(LC_ALL, "C");
    return 0;
}

/* The line of id in text, from its indentation to its end, or NULL. */
static const char *line_of(const char *text, const char *id, char *line, size_t cap)
{
    char start[80];
    snprintf(start, sizeof start, "\n  %s ", id);
    const char *p = strstr(text, start);
    if (!p)
        return NULL;
    p += 1;
    size_t len = strcspn(p, "\n");
    snprintf(line, cap, "%.*s", (int)len, p);
    /* once only */
    assert_null(strstr(p + len, start));
    return line;
}

static void test_text(void **state)
{
    (void)state;
    tm_buf_t out;
    tm_buf_init(&out);
    assert_int_equal(tm_report_catalogue_text(&out), TM_OK);
    const char *text = out.data;
    assert_non_null(text);
    size_t n = 0;
    const tm_check_def_t *cat = tm_check_catalogue(&n);
    const char *last = text;
    for (size_t i = 0; i < n; i++) {
        char line[512], want[512];
        if (!line_of(text, cat[i].id, line, sizeof line))
            fail_msg("%s is not listed", cat[i].id);
        /* in catalogue order */
        const char *at = strstr(text, line);
        assert_true(at > last);
        last = at;
        bool flags = cat[i].console && cat[i].console_flags;
        snprintf(want, sizeof want, "%s%s", flags ? "(!) " : "",
                 tm_check_description(cat[i].id));
        const char *rest = line + 2 + strlen(cat[i].id);
        rest += strspn(rest, " ");
        assert_string_equal(rest, want);
        /* the descriptions start in one column */
        assert_int_equal(rest - line, 2 + strlen("company.inbound_host") + 2);
    }
    /* the section headings of the report, in the console's order */
    const char *domain = strstr(text, "Domain name (全般 / ドメイン名)\n");
    const char *inbound = strstr(text, "\nReceiving servers (受信サーバ)\n");
    const char *outbound = strstr(text, "\nSending servers (送信サーバ)\n");
    const char *rules = strstr(text, "\nRules\n");
    assert_ptr_equal(domain, text);
    assert_true(inbound > strstr(text, "dns.consistency"));
    assert_true(outbound > strstr(text, "inbound.smtp"));
    assert_true(rules > strstr(text, "company.relay_host"));
    assert_non_null(strstr(text, "\n(!) The TMEmS console checks this too"));
    tm_buf_clear(&out);
}

static const char *string_of(const cJSON *obj, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

static void test_json(void **state)
{
    (void)state;
    tm_buf_t out;
    tm_buf_init(&out);
    assert_int_equal(tm_report_catalogue_json(&out), TM_OK);
    cJSON *root = cJSON_Parse(out.data);
    assert_non_null(root);
    assert_int_equal(cJSON_GetObjectItem(root, "schema")->valueint, 1);
    const cJSON *checks = cJSON_GetObjectItem(root, "checks");
    size_t n = 0;
    const tm_check_def_t *cat = tm_check_catalogue(&n);
    assert_int_equal(cJSON_GetArraySize(checks), (int)n);
    for (size_t i = 0; i < n; i++) {
        const cJSON *c = cJSON_GetArrayItem(checks, (int)i);
        const tm_check_def_t *def = &cat[i];
        assert_string_equal(string_of(c, "id"), def->id);
        assert_string_equal(string_of(c, "section"), tm_section_name(def->section));
        assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItem(c, "console")), def->console);
        assert_string_equal(string_of(c, "description"), tm_check_description(def->id));
        const cJSON *decisive = cJSON_GetObjectItem(c, "decisive");
        if (def->decisive)
            assert_string_equal(decisive->valuestring, tm_area_name(def->decisive));
        else
            assert_true(cJSON_IsNull(decisive));
        const char *needs = tm_check_needs_option(tm_check_needs(def->id));
        const cJSON *jneeds = cJSON_GetObjectItem(c, "needs");
        if (needs)
            assert_string_equal(jneeds->valuestring, needs);
        else
            assert_true(cJSON_IsNull(jneeds));
        /* the status lists give back the masks */
        const char *keys[] = {"console_flags", "console_expected"};
        unsigned masks[] = {def->console_flags, def->console_expected};
        for (int k = 0; k < 2; k++) {
            unsigned mask = 0;
            const cJSON *s;
            cJSON_ArrayForEach(s, cJSON_GetObjectItem(c, keys[k]))
            {
                for (unsigned st = TM_CHECK_PASS; st <= TM_CHECK_SKIP; st++)
                    if (strcmp(s->valuestring, tm_check_status_name((tm_check_status_t)st)) == 0)
                        mask |= TM_STATUS_BIT(st);
            }
            assert_int_equal(mask, masks[k]);
        }
    }
    /* the examples of docs/json.md */
    const cJSON *mx_tmems = cJSON_GetArrayItem(checks, 7);
    assert_string_equal(string_of(mx_tmems, "id"), "mx.tmems");
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(mx_tmems, "console_expected"), 0)
                            ->valuestring,
                        "info");
    cJSON_Delete(root);
    tm_buf_clear(&out);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    for (int json = 0; json < 2; json++) {
        unsigned long n;
        for (n = 1; n < 100000; n++) {
            tm_buf_t out;
            tm_buf_init(&out);
            tm_alloc_fail_after(n);
            tm_status_t st = json ? tm_report_catalogue_json(&out) : tm_report_catalogue_text(&out);
            tm_alloc_fail_after(0);
            tm_buf_clear(&out);
            if (st == TM_OK)
                break;
            assert_int_equal(st, TM_ENOMEM);
        }
        assert_true(n > 1 && n < 100000);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_text, english),
        cmocka_unit_test_setup(test_json, english),
        cmocka_unit_test_setup(test_out_of_memory, english),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
