/* test_report_json_stream.c - the --format json document written in pieces
 * must be byte for byte the document tm_report_json_document writes whole:
 * for no result, one and several, with a --rules path that itself contains
 * the text the cut looks for, and under allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_fixture.h"
#include "tmems/tm_report.h"

#define MAX_RESULTS 3

typedef struct {
    char *parts[MAX_RESULTS];
} parts_t;

/* Three different results as tm_report_json_result renders them. */
static void make_parts(parts_t *p)
{
    static const char *const names[MAX_RESULTS] = {"a.example", "例え.jp", "c\"x.example"};
    for (size_t i = 0; i < MAX_RESULTS; i++) {
        tm_result_t *r = fixture_result();
        fixture_set_text(&r->domain, names[i]);
        if (i == 2)
            fixture_add(r, "token.format", TM_SECTION_DOMAIN, TM_CHECK_ERROR, "\x1b[31m", NULL,
                        NULL);
        tm_buf_t out;
        tm_buf_init(&out);
        assert_int_equal(tm_report_json_result(r, NULL, &out), TM_OK);
        p->parts[i] = tm_buf_take(&out);
        assert_non_null(p->parts[i]);
        fixture_free(r);
    }
}

static void free_parts(parts_t *p)
{
    for (size_t i = 0; i < MAX_RESULTS; i++)
        tm_free(p->parts[i]);
}

static void assert_same_document(const tm_json_meta_t *meta, char *const *parts, size_t n)
{
    tm_buf_t whole, pieces;
    tm_buf_init(&whole);
    tm_buf_init(&pieces);
    assert_int_equal(tm_report_json_document(meta, (const char *const *)parts, n, 1234, &whole),
                     TM_OK);
    assert_int_equal(tm_report_json_stream_begin(meta, &pieces), TM_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(tm_report_json_stream_item(meta, parts[i], i, &pieces), TM_OK);
    assert_int_equal(tm_report_json_stream_end(meta, 1234, &pieces), TM_OK);
    if (whole.len != pieces.len || memcmp(whole.data, pieces.data, whole.len) != 0)
        fail_msg("pieces differ from the whole document:\n--- whole\n%s\n--- pieces\n%s",
                 whole.data, pieces.data);
    tm_buf_clear(&whole);
    tm_buf_clear(&pieces);
}

static void test_same_bytes(void **state)
{
    (void)state;
    parts_t p;
    make_parts(&p);
    tm_json_meta_t meta = {.region = "jp", .rules = "bundled"};
    for (size_t n = 0; n <= MAX_RESULTS; n++)
        assert_same_document(&meta, p.parts, n);
    /* a --rules path holding the very text the cut looks for */
    tm_json_meta_t tricky = {.region = "jp", .rules = "/tmp/\"results\": [] \"results\": [x].json"};
    for (size_t n = 0; n <= MAX_RESULTS; n++)
        assert_same_document(&tricky, p.parts, n);
    free_parts(&p);
}

static void test_pieces_are_valid_prefixes(void **state)
{
    (void)state;
    parts_t p;
    make_parts(&p);
    tm_json_meta_t meta = {.region = "jp", .rules = "bundled"};
    tm_buf_t out;
    tm_buf_init(&out);
    assert_int_equal(tm_report_json_stream_begin(&meta, &out), TM_OK);
    /* the head ends where the results array opens */
    assert_true(out.len > 2);
    assert_string_equal(out.data + out.len - 12, "\"results\": [");
    size_t head = out.len;
    assert_int_equal(tm_report_json_stream_item(&meta, p.parts[0], 0, &out), TM_OK);
    assert_int_equal(out.data[head], '{');
    size_t first = out.len;
    assert_int_equal(tm_report_json_stream_item(&meta, p.parts[1], 1, &out), TM_OK);
    assert_memory_equal(out.data + first, ", {", 3);
    tm_buf_clear(&out);
    free_parts(&p);
}

static void test_bad_input(void **state)
{
    (void)state;
    tm_json_meta_t meta = {.region = "jp", .rules = "bundled"};
    tm_buf_t out;
    tm_buf_init(&out);
    assert_int_equal(tm_report_json_stream_begin(NULL, &out), TM_EINVAL);
    assert_int_equal(tm_report_json_stream_begin(&meta, NULL), TM_EINVAL);
    assert_int_equal(tm_report_json_stream_item(&meta, NULL, 0, &out), TM_EINVAL);
    assert_int_equal(tm_report_json_stream_end(NULL, 0, &out), TM_EINVAL);
    /* not a rendered result: refused, nothing written */
    assert_int_not_equal(tm_report_json_stream_item(&meta, "{not json", 0, &out), TM_OK);
    assert_int_equal(out.len, 0);
    tm_buf_clear(&out);
}

static void test_oom(void **state)
{
    (void)state;
    parts_t p;
    make_parts(&p);
    tm_json_meta_t meta = {.region = "jp", .rules = "bundled"};
    unsigned failures = 0;
    for (unsigned long n = 1;; n++) {
        tm_buf_t out;
        tm_buf_init(&out);
        tm_alloc_fail_after(n);
        tm_status_t st = tm_report_json_stream_begin(&meta, &out);
        if (st == TM_OK)
            st = tm_report_json_stream_item(&meta, p.parts[0], 0, &out);
        if (st == TM_OK)
            st = tm_report_json_stream_end(&meta, 5, &out);
        tm_alloc_fail_after(0);
        tm_buf_clear(&out);
        if (st == TM_OK)
            break;
        assert_int_equal(st, TM_ENOMEM);
        failures++;
        assert_true(n < 100000);
    }
    assert_true(failures > 10);
    free_parts(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_bytes),
        cmocka_unit_test(test_pieces_are_valid_prefixes),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_oom),
    };
    return cmocka_run_group_tests(tests, fixture_english, NULL);
}
