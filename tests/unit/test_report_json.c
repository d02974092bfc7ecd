/* test_report_json.c - the JSON of docs/json.md: every field, in order, with the
 * right types and values; strings always valid UTF-8, control characters
 * escaped by cJSON (ESC as \u001b). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "report_fixture.h"
#include "tmems/tm_report.h"

static int reset_alloc(void **state)
{
    (void)state;
    tm_alloc_fail_after(0);
    return 0;
}

static char *render_result(const tm_result_t *r)
{
    tm_buf_t out;
    tm_buf_init(&out);
    assert_int_equal(tm_report_json_result(r, NULL, &out), TM_OK);
    char *text = tm_buf_take(&out);
    assert_non_null(text);
    return text;
}

/* The member names of obj, in order, equal names (NULL-terminated). */
static void assert_keys(const cJSON *obj, const char *const *names)
{
    assert_true(cJSON_IsObject(obj));
    const cJSON *c = obj->child;
    size_t i = 0;
    for (; names[i]; i++, c = c->next) {
        if (!c)
            fail_msg("missing key \"%s\"", names[i]);
        assert_string_equal(c->string, names[i]);
    }
    if (c)
        fail_msg("unexpected key \"%s\"", c->string);
}

static const cJSON *get(const cJSON *obj, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!item)
        fail_msg("no key \"%s\"", key);
    return item;
}

static void assert_str(const cJSON *obj, const char *key, const char *want)
{
    const cJSON *item = get(obj, key);
    assert_true(cJSON_IsString(item));
    assert_string_equal(item->valuestring, want);
}

static void assert_num(const cJSON *obj, const char *key, double want)
{
    const cJSON *item = get(obj, key);
    assert_true(cJSON_IsNumber(item));
    assert_true(item->valuedouble == want);
}

static void test_result_fields(void **state)
{
    (void)state;
    static const char *const result_keys[] = {
        "domain",     "ascii",        "phase",  "company", "verdict", "outcome",
        "exit_status", "strict",      "not_judged", "not_selected", "console_view",
        "checks",     "records",      "spf",    "ranges",  NULL};
    static const char *const check_keys[] = {"id",     "section", "status",  "summary",
                                             "detail", "fix",     "console", "console_flag",
                                             NULL};
    tm_result_t *r = fixture_result();
    char *text = render_result(r);
    assert_null(strchr(text, '\n')); /* compact: one line of jsonl */
    assert_true(tm_utf8_valid(text, strlen(text)));

    cJSON *root = cJSON_Parse(text);
    assert_non_null(root);
    assert_keys(root, result_keys);
    assert_str(root, "domain", "acme-corp.example");
    assert_str(root, "ascii", "acme-corp.example");
    assert_str(root, "phase", "pre");
    assert_str(root, "company", "acme-corp");
    assert_str(root, "verdict", "fail");
    /* spf.include fails: not ready, exit 1; the fixture lacks token.format,
     * token.match, mx.present, mx.tmems, spf.present and spf.tmems_ranges,
     * so every record counts as not selected. */
    assert_str(root, "outcome", "not_ready");
    assert_num(root, "exit_status", 1);
    assert_true(cJSON_IsFalse(get(root, "strict")));
    assert_int_equal(cJSON_GetArraySize(get(root, "not_judged")), 0);
    const cJSON *unsel = get(root, "not_selected");
    assert_int_equal(cJSON_GetArraySize(unsel), 3);
    assert_string_equal(cJSON_GetArrayItem(unsel, 0)->valuestring, "token");
    assert_string_equal(cJSON_GetArrayItem(unsel, 1)->valuestring, "mx");
    assert_string_equal(cJSON_GetArrayItem(unsel, 2)->valuestring, "spf");
    const cJSON *view = get(root, "console_view");
    static const char *const view_keys[] = {"status", "flagged", "expected", "unknown", NULL};
    assert_keys(view, view_keys);
    assert_str(view, "status", "configuration_required");
    assert_int_equal(cJSON_GetArraySize(get(view, "flagged")), 1);
    assert_string_equal(cJSON_GetArrayItem(get(view, "flagged"), 0)->valuestring, "outbound");
    assert_int_equal(cJSON_GetArraySize(get(view, "expected")), 0);
    /* the console checks of the token and the MX did not run */
    const cJSON *unknown = get(view, "unknown");
    assert_int_equal(cJSON_GetArraySize(unknown), 2);
    assert_string_equal(cJSON_GetArrayItem(unknown, 0)->valuestring, "domain");
    assert_string_equal(cJSON_GetArrayItem(unknown, 1)->valuestring, "inbound");

    const cJSON *checks = get(root, "checks");
    assert_true(cJSON_IsArray(checks));
    assert_int_equal(cJSON_GetArraySize(checks), (int)r->findings.count);
    size_t i = 0;
    for (const cJSON *c = checks->child; c; c = c->next, i++) {
        const tm_finding_t *f = &r->findings.items[i];
        assert_keys(c, check_keys);
        assert_str(c, "id", f->id);
        assert_str(c, "section", tm_section_name(f->section));
        assert_str(c, "status", tm_check_status_name(f->status));
        assert_str(c, "summary", f->summary);
        if (f->detail)
            assert_str(c, "detail", f->detail);
        else
            assert_true(cJSON_IsNull(get(c, "detail")));
        if (f->fix)
            assert_str(c, "fix", f->fix);
        else
            assert_true(cJSON_IsNull(get(c, "fix")));
        /* the catalogue's console flag, and whether this finding sets a (!) */
        bool console = strcmp(f->id, "token.present") == 0 || strcmp(f->id, "spf.include") == 0;
        assert_true(cJSON_IsBool(get(c, "console")));
        assert_int_equal(cJSON_IsTrue(get(c, "console")), console);
        assert_int_equal(cJSON_IsTrue(get(c, "console_flag")),
                         strcmp(f->id, "spf.include") == 0);
    }
    /* Spot checks against the fixture's literal values. */
    assert_str(checks->child->next, "id", "mx.ttl");
    assert_str(checks->child->next, "section", "inbound");
    assert_str(checks->child->next, "status", "warn");
    assert_true(cJSON_IsNull(get(checks->child, "fix")));

    const cJSON *records = get(root, "records");
    static const char *const record_keys[] = {"txt", "mx", NULL};
    assert_keys(records, record_keys);
    const cJSON *txt = get(records, "txt");
    assert_int_equal(cJSON_GetArraySize(txt), 2);
    static const char *const txt_keys[] = {"value", "ttl", NULL};
    assert_keys(txt->child, txt_keys);
    /* The character-strings joined, as SPF and the token check read them. */
    assert_str(txt->child, "value", "tmes=0123456789abcdef0123456789abcdef");
    assert_num(txt->child, "ttl", 300);
    assert_str(txt->child->next, "value", "v=spf1 include:_spf.example.net ~all");
    const cJSON *mx = get(records, "mx");
    assert_int_equal(cJSON_GetArraySize(mx), 2);
    static const char *const mx_keys[] = {"preference", "host", "ttl", NULL};
    assert_keys(mx->child, mx_keys);
    assert_num(mx->child, "preference", 10);
    assert_str(mx->child, "host", "mx1.acme-corp.example");
    assert_num(mx->child, "ttl", 86400);
    assert_num(mx->child->next, "preference", 20);

    assert_true(cJSON_IsNull(get(root, "spf")));
    assert_true(cJSON_IsArray(get(root, "ranges")));
    assert_int_equal(cJSON_GetArraySize(get(root, "ranges")), 0);
    cJSON_Delete(root);
    tm_free(text);
    fixture_free(r);
}

static void test_nulls_and_empty(void **state)
{
    (void)state;
    tm_result_t *r = fixture_result();
    fixture_set_text(&r->company, NULL);
    r->company_source = TM_COMPANY_UNKNOWN;
    r->phase = TM_PHASE_POST;
    r->verdict = TM_CHECK_PASS;
    tm_findings_clear(&r->findings);
    tm_rrset_destroy(r->rrset);
    r->rrset = tm_rrset_create();
    assert_non_null(r->rrset);
    /* The MX lookup failed: no records, not an error of the renderer. */
    tm_answer_t *mx = tm_answer_create(r->ascii, TM_RR_MX, TM_DNS_NXDOMAIN);
    assert_non_null(mx);
    assert_int_equal(tm_rrset_put_own(r->rrset, mx), TM_OK);

    char *text = render_result(r);
    cJSON *root = cJSON_Parse(text);
    assert_non_null(root);
    assert_true(cJSON_IsNull(get(root, "company")));
    assert_str(root, "phase", "post");
    assert_str(root, "verdict", "pass");
    assert_true(cJSON_IsArray(get(root, "checks")));
    assert_int_equal(cJSON_GetArraySize(get(root, "checks")), 0);
    const cJSON *records = get(root, "records");
    assert_int_equal(cJSON_GetArraySize(get(records, "txt")), 0);
    assert_int_equal(cJSON_GetArraySize(get(records, "mx")), 0);
    cJSON_Delete(root);
    tm_free(text);

    /* No rrset at all. */
    tm_rrset_destroy(r->rrset);
    r->rrset = NULL;
    text = render_result(r);
    assert_non_null(strstr(text, "\"records\":{\"txt\":[],\"mx\":[]}"));
    tm_free(text);
    tm_buf_t out;
    tm_buf_init(&out);
    assert_int_equal(tm_report_json_result(NULL, NULL, &out), TM_EINVAL);
    fixture_free(r);
}

/* The verdict fields follow the assessment the caller made, --strict
 * included, while "verdict" keeps its meaning (the worst status). */
static void test_outcome_follows_assessment(void **state)
{
    (void)state;
    tm_result_t *r = fixture_result();
    tm_findings_clear(&r->findings);
    fixture_add(r, "token.present", TM_SECTION_DOMAIN, TM_CHECK_PASS, "ok", NULL, NULL);
    fixture_add(r, "token.format", TM_SECTION_DOMAIN, TM_CHECK_PASS, "ok", NULL, NULL);
    fixture_add(r, "token.match", TM_SECTION_DOMAIN, TM_CHECK_SKIP, "no --token", NULL, NULL);
    fixture_add(r, "mx.present", TM_SECTION_INBOUND, TM_CHECK_PASS, "ok", NULL, NULL);
    fixture_add(r, "mx.tmems", TM_SECTION_INBOUND, TM_CHECK_INFO, "not yet", NULL, NULL);
    fixture_add(r, "mx.ttl", TM_SECTION_INBOUND, TM_CHECK_WARN, "long TTL", NULL, NULL);
    fixture_add(r, "spf.present", TM_SECTION_OUTBOUND, TM_CHECK_PASS, "ok", NULL, NULL);
    fixture_add(r, "spf.include", TM_SECTION_OUTBOUND, TM_CHECK_PASS, "ok", NULL, NULL);
    fixture_add(r, "spf.tmems_ranges", TM_SECTION_OUTBOUND, TM_CHECK_PASS, "ok", NULL, NULL);
    r->verdict = tm_findings_verdict(&r->findings);
    static const struct {
        bool strict;
        const char *outcome;
        int exit_status;
    } runs[] = {{false, "ready", 0}, {true, "not_ready", 1}};
    for (size_t i = 0; i < 2; i++) {
        tm_assessment_t a;
        tm_findings_assess(&r->findings, runs[i].strict, &a);
        tm_buf_t out;
        tm_buf_init(&out);
        assert_int_equal(tm_report_json_result(r, &a, &out), TM_OK);
        cJSON *root = cJSON_Parse(out.data);
        assert_non_null(root);
        assert_str(root, "verdict", "warn");
        assert_str(root, "outcome", runs[i].outcome);
        assert_num(root, "exit_status", runs[i].exit_status);
        assert_int_equal(cJSON_IsTrue(get(root, "strict")), runs[i].strict);
        const cJSON *view = get(root, "console_view");
        assert_str(view, "status", "configuration_required");
        assert_string_equal(cJSON_GetArrayItem(get(view, "flagged"), 0)->valuestring, "inbound");
        assert_string_equal(cJSON_GetArrayItem(get(view, "expected"), 0)->valuestring,
                            "inbound");
        cJSON_Delete(root);
        tm_buf_clear(&out);
    }
    /* every decisive check skipped: unknown, exit 3, although "verdict" is pass */
    tm_findings_clear(&r->findings);
    fixture_add(r, "token.present", TM_SECTION_DOMAIN, TM_CHECK_SKIP, "offline", NULL, NULL);
    fixture_add(r, "mx.present", TM_SECTION_INBOUND, TM_CHECK_SKIP, "offline", NULL, NULL);
    fixture_add(r, "mx.tmems", TM_SECTION_INBOUND, TM_CHECK_SKIP, "offline", NULL, NULL);
    fixture_add(r, "spf.present", TM_SECTION_OUTBOUND, TM_CHECK_SKIP, "offline", NULL, NULL);
    r->verdict = tm_findings_verdict(&r->findings);
    char *text = render_result(r);
    cJSON *root = cJSON_Parse(text);
    assert_str(root, "verdict", "pass");
    assert_str(root, "outcome", "unknown");
    assert_num(root, "exit_status", 3);
    assert_int_equal(cJSON_GetArraySize(get(root, "not_judged")), 3);
    assert_str(get(root, "console_view"), "status", "unknown");
    cJSON_Delete(root);
    tm_free(text);
    fixture_free(r);
}

static void test_hostile_strings(void **state)
{
    (void)state;
    static const char hostile[] = "A\033[2J\007B\xff" "C\xc2\x9b" "D";
    tm_result_t *r = fixture_result();
    fixture_set_text(&r->domain, hostile);
    fixture_set_text(&r->company, hostile);
    fixture_add(r, "token.format", TM_SECTION_DOMAIN, TM_CHECK_FAIL, hostile, NULL, hostile);
    tm_rrset_destroy(r->rrset);
    r->rrset = tm_rrset_create();
    assert_non_null(r->rrset);
    const char nul_txt[] = "tmes=\0x\"q\"\\\xc3";
    const char *strings[] = {nul_txt};
    const size_t lens[] = {sizeof nul_txt - 1};
    fixture_put_txt(r->rrset, r->ascii, 300, strings, lens, 1);

    char *text = render_result(r);
    size_t len = strlen(text);
    assert_true(tm_utf8_valid(text, len));
    for (size_t i = 0; i < len; i++)
        assert_true((unsigned char)text[i] >= 0x20);
    /* The escaping policy in JSON's form: every hidden character as \uXXXX
     * (the C1 CSI too), the invalid byte as \ufffd, visible in the text. */
    assert_non_null(strstr(text, "\"domain\":\"A\\u001b[2J\\u0007B\\ufffdC\\u009bD\""));
    assert_null(strstr(text, "\xc2\x9b"));

    cJSON *root = cJSON_Parse(text);
    assert_non_null(root);
    const char want[] = "A\033[2J\007B\xef\xbf\xbd" "C\xc2\x9b" "D";
    assert_str(root, "domain", want);
    assert_str(root, "company", want);
    const cJSON *last = get(root, "checks")->child;
    while (last->next)
        last = last->next;
    assert_str(last, "summary", want);
    assert_str(last, "fix", want);
    assert_true(cJSON_IsNull(get(last, "detail")));
    /* NUL inside the TXT length is \u0000 (JSON holds it exactly: cJSON,
     * which keeps C strings, reads the value up to it); a cut-off UTF-8
     * sequence is U+FFFD. */
    assert_non_null(strstr(text, "\"value\":\"tmes=\\u0000x\\\"q\\\"\\\\\\ufffd\""));
    const cJSON *txt = get(get(root, "records"), "txt");
    assert_str(txt->child, "value", "tmes=");
    cJSON_Delete(root);
    tm_free(text);
    fixture_free(r);
}

static void test_document(void **state)
{
    (void)state;
    static const char *const doc_keys[] = {"schema", "tool",    "version",    "region",
                                           "rules",  "results", "elapsed_ms", NULL};
    tm_result_t *r = fixture_result();
    tm_result_t *r2 = fixture_result();
    char *one = render_result(r);
    fixture_set_text(&r2->domain, "例え.jp");
    fixture_set_text(&r2->ascii, "xn--r8jz45g.jp");
    const tm_result_t *results[] = {r, r2};
    tm_json_meta_t meta = {"jp", "/etc/rules\033.json"};
    tm_buf_t out;
    tm_buf_init(&out);
    assert_int_equal(tm_report_json_document(&meta, results, NULL, 2, 41, &out), TM_OK);
    assert_true(out.len > 0 && out.data[out.len - 1] == '\n');
    assert_non_null(strchr(out.data, '\n')); /* pretty-printed */
    assert_non_null(strstr(out.data, "\\u001b.json"));
    /* Two-space indentation, one space after ':', as in docs/json.md. */
    assert_null(strchr(out.data, '\t'));
    static const char head[] = "{\n  \"schema\": 1,\n  \"tool\": \"tmems-check\",\n";
    assert_true(strncmp(out.data, head, sizeof head - 1) == 0);

    cJSON *root = cJSON_Parse(out.data);
    assert_non_null(root);
    assert_keys(root, doc_keys);
    assert_num(root, "schema", 1);
    assert_str(root, "tool", "tmems-check");
    assert_str(root, "version", TM_VERSION);
    assert_str(root, "region", "jp");
    assert_str(root, "rules", "/etc/rules\033.json");
    assert_num(root, "elapsed_ms", 41);
    const cJSON *arr = get(root, "results");
    assert_int_equal(cJSON_GetArraySize(arr), 2);
    assert_str(arr->child, "domain", "acme-corp.example");
    assert_str(arr->child->next, "domain", "例え.jp");
    assert_str(arr->child->next, "ascii", "xn--r8jz45g.jp");
    /* Each element is the result as rendered alone. */
    char *again = cJSON_PrintUnformatted(arr->child);
    assert_non_null(again);
    assert_string_equal(again, one);
    cJSON_free(again);
    cJSON_Delete(root);
    tm_buf_clear(&out);

    /* No results: an empty array. */
    assert_int_equal(tm_report_json_document(&meta, NULL, NULL, 0, 0, &out), TM_OK);
    root = cJSON_Parse(out.data);
    assert_non_null(root);
    assert_int_equal(cJSON_GetArraySize(get(root, "results")), 0);
    cJSON_Delete(root);
    tm_buf_clear(&out);

    /* A missing result is the caller's mistake: nothing is written. */
    const tm_result_t *bad[] = {r, NULL};
    assert_int_equal(tm_report_json_document(&meta, bad, NULL, 2, 0, &out), TM_EINVAL);
    assert_int_equal(out.len, 0);
    tm_buf_clear(&out);
    tm_free(one);
    fixture_free(r);
    fixture_free(r2);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    tm_result_t *r = fixture_result();
    unsigned long n;
    for (n = 1;; n++) {
        tm_buf_t out;
        tm_buf_init(&out);
        tm_alloc_fail_after(n);
        tm_status_t st = tm_report_json_result(r, NULL, &out);
        tm_alloc_fail_after(0);
        size_t left = out.len;
        tm_buf_clear(&out);
        if (st == TM_OK)
            break;
        assert_int_equal(st, TM_ENOMEM);
        assert_int_equal(left, 0); /* nothing half-written */
    }
    /* The writer allocates only as its buffer grows: a few failures to
     * walk, each of them handled. */
    assert_true(n > 1);

    const tm_result_t *results[] = {r};
    tm_json_meta_t meta = {"jp", "bundled"};
    for (n = 1;; n++) {
        tm_buf_t out;
        tm_buf_init(&out);
        tm_alloc_fail_after(n);
        tm_status_t st = tm_report_json_document(&meta, results, NULL, 1, 5, &out);
        tm_alloc_fail_after(0);
        tm_buf_clear(&out);
        if (st == TM_OK)
            break;
        assert_int_equal(st, TM_ENOMEM);
    }
    assert_true(n > 1);
    fixture_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_result_fields),
        cmocka_unit_test(test_nulls_and_empty),
        cmocka_unit_test(test_outcome_follows_assessment),
        cmocka_unit_test(test_hostile_strings),
        cmocka_unit_test(test_document),
        cmocka_unit_test_teardown(test_out_of_memory, reset_alloc),
    };
    return cmocka_run_group_tests(tests, fixture_english, NULL);
}
