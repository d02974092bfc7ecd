/* test_report_json_stream.c - the --format json document written in pieces:
 * the pieces are the whole document, its layout is the two-space one of
 * docs/json.md byte for byte, each element says what the compact result
 * (--format jsonl) says, a --rules path cannot break the frame, and an
 * allocation failure leaves nothing half-written.  (The bytes of whole runs
 * against the previous implementation: tests/integration/test_json_layout.sh.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "report_fixture.h"
#include "tmems/tm_report.h"

#define MAX_RESULTS 3

typedef struct {
    tm_result_t *r[MAX_RESULTS];
} results_t;

/* Three different results: a plain one, a Unicode name, hostile text. */
static void make_results(results_t *p)
{
    static const char *const names[MAX_RESULTS] = {"a.example", "例え.jp", "c\"x.example"};
    for (size_t i = 0; i < MAX_RESULTS; i++) {
        p->r[i] = fixture_result();
        fixture_set_text(&p->r[i]->domain, names[i]);
        if (i == 2)
            fixture_add(p->r[i], "token.format", TM_SECTION_DOMAIN, TM_CHECK_ERROR,
                        "\x1b[31m\xe2\x80\xae", "line\nnext\tcell", NULL);
    }
}

static void free_results(results_t *p)
{
    for (size_t i = 0; i < MAX_RESULTS; i++)
        fixture_free(p->r[i]);
}

static void pieces(const tm_json_meta_t *meta, results_t *p, size_t n, tm_buf_t *out)
{
    assert_int_equal(tm_report_json_stream_begin(meta, out), TM_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(tm_report_json_stream_item(p->r[i], NULL, i, out), TM_OK);
    assert_int_equal(tm_report_json_stream_end(1234, out), TM_OK);
}

static void test_pieces_are_the_document(void **state)
{
    (void)state;
    results_t p;
    make_results(&p);
    tm_json_meta_t meta = {.region = "jp", .rules = "bundled"};
    for (size_t n = 0; n <= MAX_RESULTS; n++) {
        tm_buf_t whole, parts;
        tm_buf_init(&whole);
        tm_buf_init(&parts);
        assert_int_equal(tm_report_json_document(&meta, (const tm_result_t *const *)p.r, NULL, n,
                                                 1234, &whole),
                         TM_OK);
        pieces(&meta, &p, n, &parts);
        assert_int_equal(whole.len, parts.len);
        assert_memory_equal(whole.data, parts.data, whole.len);
        tm_buf_clear(&whole);
        tm_buf_clear(&parts);
    }
    free_results(&p);
}

/* The frame, byte for byte, and the layout of every line. */
static void test_layout(void **state)
{
    (void)state;
    results_t p;
    make_results(&p);
    tm_json_meta_t meta = {.region = "jp", .rules = "bundled"};
    tm_buf_t out;
    tm_buf_init(&out);

    pieces(&meta, &p, 0, &out);
    assert_string_equal(out.data, "{\n"
                                  "  \"schema\": 1,\n"
                                  "  \"tool\": \"tmems-check\",\n"
                                  "  \"version\": \"" TM_VERSION "\",\n"
                                  "  \"region\": \"jp\",\n"
                                  "  \"rules\": \"bundled\",\n"
                                  "  \"results\": [],\n"
                                  "  \"elapsed_ms\": 1234\n"
                                  "}\n");
    tm_buf_clear(&out);

    pieces(&meta, &p, 2, &out);
    static const char first[] = "  \"results\": [{\n    \"domain\": \"a.example\",\n";
    assert_non_null(strstr(out.data, first));
    assert_non_null(strstr(out.data, "\n  }, {\n    \"domain\": \"例え.jp\",\n"));
    static const char tail[] = "\n  }],\n  \"elapsed_ms\": 1234\n}\n";
    assert_true(out.len > sizeof tail);
    assert_string_equal(out.data + out.len - (sizeof tail - 1), tail);
    /* No tab anywhere; every line indented by an even number of spaces;
     * a member line is "key": value. */
    assert_null(strchr(out.data, '\t'));
    for (const char *line = out.data; *line;) {
        size_t len = strcspn(line, "\n");
        size_t spaces = strspn(line, " ");
        assert_int_equal(spaces % 2, 0);
        if (line[spaces] == '"')
            assert_non_null(strstr(line, "\": "));
        line += len + (line[len] == '\n');
    }
    /* The nested objects of a result: one level deeper each. */
    assert_non_null(strstr(out.data, "\n    \"console_view\": {\n      \"status\": "));
    assert_non_null(strstr(out.data, "\n    \"checks\": [{\n      \"id\": "));
    tm_buf_clear(&out);
    free_results(&p);
}

/* Each element of the document says what the compact result says. */
static void test_elements_match_jsonl(void **state)
{
    (void)state;
    results_t p;
    make_results(&p);
    tm_json_meta_t meta = {.region = "jp", .rules = "bundled"};
    tm_buf_t out;
    tm_buf_init(&out);
    pieces(&meta, &p, MAX_RESULTS, &out);
    cJSON *root = cJSON_Parse(out.data);
    assert_non_null(root);
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "results");
    assert_int_equal(cJSON_GetArraySize(arr), MAX_RESULTS);
    const cJSON *el = arr->child;
    for (size_t i = 0; i < MAX_RESULTS; i++, el = el->next) {
        tm_buf_t line;
        tm_buf_init(&line);
        assert_int_equal(tm_report_json_result(p.r[i], NULL, &line), TM_OK);
        assert_null(strchr(line.data, '\n'));
        cJSON *alone = cJSON_Parse(line.data);
        assert_non_null(alone);
        assert_true(cJSON_Compare(alone, el, true));
        cJSON_Delete(alone);
        tm_buf_clear(&line);
    }
    /* the hostile summary: escaped, never raw */
    assert_null(strstr(out.data, "\x1b"));
    assert_non_null(strstr(out.data, "\\u001b[31m\\u202e"));
    assert_non_null(strstr(out.data, "\"line\\nnext\\tcell\""));
    cJSON_Delete(root);
    tm_buf_clear(&out);
    free_results(&p);
}

/* A --rules path holding the frame's own text is a string like any other. */
static void test_tricky_rules_path(void **state)
{
    (void)state;
    results_t p;
    make_results(&p);
    tm_json_meta_t meta = {.region = "jp", .rules = "/tmp/\"results\": [] \"results\": [x].json"};
    tm_buf_t out;
    tm_buf_init(&out);
    pieces(&meta, &p, 2, &out);
    assert_non_null(strstr(out.data, "\"rules\": \"/tmp/\\\"results\\\": [] \\\"results\\\": "
                                     "[x].json\",\n"));
    cJSON *root = cJSON_Parse(out.data);
    assert_non_null(root);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(root, "rules")->valuestring, meta.rules);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "results")), 2);
    cJSON_Delete(root);
    tm_buf_clear(&out);
    free_results(&p);
}

static void test_bad_input(void **state)
{
    (void)state;
    results_t p;
    make_results(&p);
    tm_json_meta_t meta = {.region = "jp", .rules = "bundled"};
    tm_buf_t out;
    tm_buf_init(&out);
    assert_int_equal(tm_report_json_stream_begin(NULL, &out), TM_EINVAL);
    assert_int_equal(tm_report_json_stream_begin(&meta, NULL), TM_EINVAL);
    assert_int_equal(tm_report_json_stream_item(NULL, NULL, 0, &out), TM_EINVAL);
    assert_int_equal(tm_report_json_stream_item(p.r[0], NULL, 0, NULL), TM_EINVAL);
    assert_int_equal(tm_report_json_stream_end(0, NULL), TM_EINVAL);
    assert_int_equal(tm_report_json_document(NULL, NULL, NULL, 0, 0, &out), TM_EINVAL);
    assert_int_equal(tm_report_json_document(&meta, NULL, NULL, 1, 0, &out), TM_EINVAL);
    assert_int_equal(out.len, 0);
    tm_buf_clear(&out);
    free_results(&p);
}

/* Each allocation failure in turn: TM_ENOMEM, and out holds what it held
 * before the piece that failed. */
static void test_oom(void **state)
{
    (void)state;
    results_t p;
    make_results(&p);
    tm_json_meta_t meta = {.region = "jp", .rules = "bundled"};
    unsigned failures = 0;
    for (unsigned long n = 1;; n++) {
        tm_buf_t out;
        tm_buf_init(&out);
        tm_alloc_fail_after(n);
        size_t before = 0;
        tm_status_t st = tm_report_json_stream_begin(&meta, &out);
        for (size_t i = 0; i < MAX_RESULTS && st == TM_OK; i++) {
            before = out.len;
            st = tm_report_json_stream_item(p.r[i], NULL, i, &out);
        }
        if (st == TM_OK) {
            before = out.len;
            st = tm_report_json_stream_end(5, &out);
        }
        tm_alloc_fail_after(0);
        size_t left = out.len;
        tm_buf_clear(&out);
        if (st == TM_OK)
            break;
        assert_int_equal(st, TM_ENOMEM);
        assert_true(left == before || left == 0);
        failures++;
        assert_true(n < 100000);
    }
    assert_true(failures > 2);
    free_results(&p);
}

static int reset_alloc(void **state)
{
    (void)state;
    tm_alloc_fail_after(0);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pieces_are_the_document),
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_elements_match_jsonl),
        cmocka_unit_test(test_tricky_rules_path),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test_teardown(test_oom, reset_alloc),
    };
    return cmocka_run_group_tests(tests, fixture_english, NULL);
}
