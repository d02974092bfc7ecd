/* test_report_sarif.c - SARIF 2.1.0 (src/lib/report/sarif.c): the document
 * parses and has the shape of the standard (the full schema check is in
 * tests/integration/test_ci_formats.sh), one rule per catalogue id with the
 * catalogue's description, levels and kinds per status, locations,
 * fingerprints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <cjson/cJSON.h>

#include "report_fixture.h"
#include "tmems/tm_report_ci.h"

static cJSON *render(tm_result_t *const *results, size_t n, bool strict)
{
    tm_sarif_t s = {.version = "9.9", .workspace = "/ws", .strict = strict};
    tm_buf_t out;
    tm_buf_init(&out);
    assert_int_equal(tm_report_sarif_begin(&s, &out), TM_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(tm_report_sarif_result(&s, results[i], NULL, &out), TM_OK);
    assert_int_equal(tm_report_sarif_end(&s, &out), TM_OK);
    assert_int_equal(tm_buf_putc(&out, '\0'), TM_OK);
    cJSON *doc = cJSON_Parse(out.data);
    if (!doc)
        fail_msg("not JSON: %s", out.data);
    tm_buf_clear(&out);
    return doc;
}

static const cJSON *result_for(const cJSON *results, const char *id, const char *domain)
{
    const cJSON *r;
    cJSON_ArrayForEach(r, results)
    {
        const cJSON *props = cJSON_GetObjectItem(r, "properties");
        if (strcmp(cJSON_GetObjectItem(r, "ruleId")->valuestring, id) == 0 &&
            strcmp(cJSON_GetObjectItem(props, "domain")->valuestring, domain) == 0)
            return r;
    }
    fail_msg("no result %s for %s", id, domain);
    return NULL;
}

static const char *str_at(const cJSON *o, const char *a, const char *b)
{
    const cJSON *x = cJSON_GetObjectItem(o, a);
    x = b ? cJSON_GetObjectItem(x, b) : x;
    return cJSON_IsString(x) ? x->valuestring : NULL;
}

static void test_document(void **state)
{
    (void)state;
    tm_result_t *a = fixture_result(), *b = fixture_result();
    fixture_set_text(&b->ascii, "other.example");
    a->findings.items[4].source.file = tm_strdup("/ws/zones/my zone.yaml");
    a->findings.items[4].source.line = 7;
    a->findings.items[4].source.column = 3;
    tm_result_t *both[] = {a, b};
    cJSON *doc = render(both, 2, false);
    assert_string_equal(str_at(doc, "version", NULL), "2.1.0");
    const cJSON *run = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "runs"), 0);
    const cJSON *driver = cJSON_GetObjectItem(cJSON_GetObjectItem(run, "tool"), "driver");
    assert_string_equal(str_at(driver, "name", NULL), "tmems-check");
    assert_string_equal(str_at(driver, "version", NULL), "9.9");
    size_t n;
    const tm_check_def_t *cat = tm_check_catalogue(&n);
    const cJSON *rules = cJSON_GetObjectItem(driver, "rules");
    assert_int_equal(cJSON_GetArraySize(rules), n);
    for (size_t i = 0; i < n; i++) {
        const cJSON *rule = cJSON_GetArrayItem(rules, (int)i);
        assert_string_equal(str_at(rule, "id", NULL), cat[i].id);
        assert_non_null(tm_check_description(cat[i].id));
        assert_string_equal(str_at(rule, "shortDescription", "text"), tm_check_description(cat[i].id));
        assert_non_null(strstr(str_at(rule, "help", "text"), "docs/checks.md"));
    }
    const cJSON *results = cJSON_GetObjectItem(run, "results");
    assert_int_equal(cJSON_GetArraySize(results), 12);
    const cJSON *r = result_for(results, "spf.include", "acme-corp.example");
    assert_string_equal(str_at(r, "level", NULL), "error");
    assert_string_equal(str_at(r, "kind", NULL), "fail");
    const cJSON *phys = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r, "locations"), 0),
                                            "physicalLocation");
    /* relative to the workspace, percent-encoded */
    assert_string_equal(str_at(phys, "artifactLocation", "uri"), "zones/my%20zone.yaml");
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(phys, "region"), "startLine")->valueint, 7);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(phys, "region"), "startColumn")->valueint, 3);
    assert_int_equal(cJSON_GetObjectItem(r, "ruleIndex")->valueint, 20);
    assert_string_equal(cat[20].id, "spf.include");
    assert_non_null(strstr(str_at(r, "message", "text"), "\nFix:\nacme-corp.example. 300 IN TXT"));
    /* a finding without a source points at the domain's file, no region */
    r = result_for(results, "token.present", "acme-corp.example");
    assert_string_equal(str_at(r, "kind", NULL), "pass");
    assert_string_equal(str_at(r, "level", NULL), "none");
    phys = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r, "locations"), 0),
                               "physicalLocation");
    assert_null(cJSON_GetObjectItem(phys, "region"));
    assert_string_equal(str_at(result_for(results, "mx.ttl", "acme-corp.example"), "level", NULL),
                        "warning");
    assert_string_equal(str_at(result_for(results, "inbound.cloud", "acme-corp.example"), "level", NULL),
                        "note");
    assert_string_equal(str_at(result_for(results, "company.relay_host", "acme-corp.example"), "kind", NULL),
                        "notApplicable");
    /* live DNS: no location at all */
    assert_null(cJSON_GetObjectItem(result_for(results, "spf.include", "other.example"), "locations"));
    /* fingerprints: per check and domain */
    const char *f1 = str_at(result_for(results, "spf.include", "acme-corp.example"),
                            "partialFingerprints", "tmemsCheck/v1");
    const char *f2 = str_at(result_for(results, "spf.include", "other.example"),
                            "partialFingerprints", "tmemsCheck/v1");
    const char *f3 = str_at(result_for(results, "mx.ttl", "acme-corp.example"),
                            "partialFingerprints", "tmemsCheck/v1");
    assert_int_equal(strlen(f1), 16);
    assert_string_not_equal(f1, f2);
    assert_string_not_equal(f1, f3);
    char keep[17];
    strcpy(keep, f1);
    cJSON_Delete(doc);
    /* the same finding on another line keeps its fingerprint; strict makes
     * the warning an error */
    a->findings.items[4].source.line = 70;
    doc = render(both, 1, true);
    results = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "runs"), 0), "results");
    assert_string_equal(str_at(result_for(results, "spf.include", "acme-corp.example"),
                               "partialFingerprints", "tmemsCheck/v1"),
                        keep);
    assert_string_equal(str_at(result_for(results, "mx.ttl", "acme-corp.example"), "level", NULL),
                        "error");
    cJSON_Delete(doc);
    fixture_free(a);
    fixture_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_document),
    };
    return cmocka_run_group_tests(tests, fixture_english, NULL);
}
