/* test_json_util.c - the JSON writer of the report layer: the three
 * layouts byte for byte, the escaping policy in JSON form for every class
 * of hidden character, numbers at their limits, and misuse and allocation
 * failures reported, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include "report/json_util.h"

/* {"a": 1, "b": [true, {"c": null}, []], "d": {}, "e": "x"} in a layout. */
static void write_sample(tm_jw_t *w)
{
    tm_jw_object(w);
    tm_jw_key(w, "a");
    tm_jw_int(w, 1);
    tm_jw_key(w, "b");
    tm_jw_array(w);
    tm_jw_bool(w, true);
    tm_jw_object(w);
    tm_jw_key(w, "c");
    tm_jw_null(w);
    tm_jw_object_end(w);
    tm_jw_array(w);
    tm_jw_array_end(w);
    tm_jw_array_end(w);
    tm_jw_key(w, "d");
    tm_jw_object(w);
    tm_jw_object_end(w);
    tm_jw_key(w, "e");
    tm_jw_cstring(w, "x");
    tm_jw_object_end(w);
}

static void assert_sample(tm_json_layout_t layout, int level, const char *want)
{
    tm_buf_t out;
    tm_buf_init(&out);
    tm_jw_t w;
    tm_jw_init(&w, &out, layout, level);
    write_sample(&w);
    assert_int_equal(tm_jw_status(&w), TM_OK);
    assert_string_equal(out.data, want);
    tm_buf_clear(&out);
}

static void test_layouts(void **state)
{
    (void)state;
    assert_sample(TM_JSON_COMPACT, 0, "{\"a\":1,\"b\":[true,{\"c\":null},[]],\"d\":{},\"e\":\"x\"}");
    /* objects nest, arrays stay on their line */
    assert_sample(TM_JSON_PRETTY, 0,
                  "{\n"
                  "  \"a\": 1,\n"
                  "  \"b\": [true, {\n"
                  "    \"c\": null\n"
                  "  }, []],\n"
                  "  \"d\": {\n"
                  "  },\n"
                  "  \"e\": \"x\"\n"
                  "}");
    /* the same one level further in: an element of a document's results */
    assert_sample(TM_JSON_PRETTY, 1,
                  "{\n"
                  "    \"a\": 1,\n"
                  "    \"b\": [true, {\n"
                  "      \"c\": null\n"
                  "    }, []],\n"
                  "    \"d\": {\n"
                  "    },\n"
                  "    \"e\": \"x\"\n"
                  "  }");
    /* arrays count as a level too (the spf subcommand's layout) */
    assert_sample(TM_JSON_PRETTY_ARRAYS_NEST, 0,
                  "{\n"
                  "  \"a\": 1,\n"
                  "  \"b\": [true, {\n"
                  "      \"c\": null\n"
                  "    }, []],\n"
                  "  \"d\": {\n"
                  "  },\n"
                  "  \"e\": \"x\"\n"
                  "}");
}

static void assert_string_json(const char *s, size_t len, const char *want)
{
    tm_buf_t out;
    tm_buf_init(&out);
    tm_jw_t w;
    tm_jw_init(&w, &out, TM_JSON_COMPACT, 0);
    tm_jw_string(&w, s, len);
    assert_int_equal(tm_jw_status(&w), TM_OK);
    assert_string_equal(out.data, want);
    tm_buf_clear(&out);
}

#define ASSERT_STRING_JSON(lit, want) assert_string_json((lit), sizeof(lit) - 1, (want))

static void test_escaping(void **state)
{
    (void)state;
    ASSERT_STRING_JSON("plain text", "\"plain text\"");
    ASSERT_STRING_JSON("", "\"\"");
    ASSERT_STRING_JSON("q\"b\\", "\"q\\\"b\\\\\"");
    ASSERT_STRING_JSON("a\nb\tc", "\"a\\nb\\tc\"");
    /* C0 (NUL included), CR, ESC, DEL: \u00XX, lower-case hex */
    ASSERT_STRING_JSON("\0\r\x1b\x7f", "\"\\u0000\\u000d\\u001b\\u007f\"");
    /* C1 CSI and OSC, the soft hyphen */
    ASSERT_STRING_JSON("\xc2\x9b\xc2\x9d\xc2\xad", "\"\\u009b\\u009d\\u00ad\"");
    /* bidirectional overrides and isolates, zero width space, line separator, BOM */
    ASSERT_STRING_JSON("\xe2\x80\xae\xe2\x81\xa6\xe2\x80\x8b\xe2\x80\xa8\xef\xbb\xbf",
                       "\"\\u202e\\u2066\\u200b\\u2028\\ufeff\"");
    /* a tag character: its surrogate pair */
    ASSERT_STRING_JSON("\xf3\xa0\x80\x81", "\"\\udb40\\udc01\"");
    /* bytes that are not UTF-8: each one U+FFFD */
    ASSERT_STRING_JSON("a\xff" "b\xc3", "\"a\\ufffdb\\ufffd\"");
    ASSERT_STRING_JSON("\xe0\x80\x80", "\"\\ufffd\\ufffd\\ufffd\"");
    /* Japanese text and emoji are shown as they are */
    ASSERT_STRING_JSON("会社 \xf0\x9f\x93\xa7", "\"会社 \xf0\x9f\x93\xa7\"");
    /* NULL is null */
    tm_buf_t out;
    tm_buf_init(&out);
    tm_jw_t w;
    tm_jw_init(&w, &out, TM_JSON_COMPACT, 0);
    tm_jw_array(&w);
    tm_jw_cstring(&w, NULL);
    tm_jw_cstring(&w, "n");
    tm_jw_array_end(&w);
    assert_int_equal(tm_jw_status(&w), TM_OK);
    assert_string_equal(out.data, "[null,\"n\"]");
    tm_buf_clear(&out);
}

static void test_numbers(void **state)
{
    (void)state;
    tm_buf_t out;
    tm_buf_init(&out);
    tm_jw_t w;
    tm_jw_init(&w, &out, TM_JSON_PRETTY, 0);
    tm_jw_array(&w);
    tm_jw_int(&w, 0);
    tm_jw_int(&w, -7);
    tm_jw_int(&w, 4294967295LL);
    tm_jw_int(&w, LLONG_MAX);
    tm_jw_int(&w, LLONG_MIN);
    tm_jw_array_end(&w);
    assert_int_equal(tm_jw_status(&w), TM_OK);
    assert_string_equal(out.data, "[0, -7, 4294967295, 9223372036854775807, "
                                  "-9223372036854775808]");
    tm_buf_clear(&out);
}

/* Misuse is reported and stops the writing; nothing crashes. */
static void test_misuse(void **state)
{
    (void)state;
    tm_buf_t out;
    tm_buf_init(&out);
    tm_jw_t w;

    tm_jw_init(&w, &out, TM_JSON_COMPACT, 0);
    tm_jw_object(&w);
    tm_jw_int(&w, 1); /* a member without a key */
    assert_int_equal(tm_jw_status(&w), TM_EINVAL);

    tm_jw_init(&w, &out, TM_JSON_COMPACT, 0);
    tm_jw_array(&w);
    tm_jw_key(&w, "k"); /* a key in an array */
    assert_int_equal(tm_jw_status(&w), TM_EINVAL);

    tm_jw_init(&w, &out, TM_JSON_COMPACT, 0);
    tm_jw_array(&w);
    tm_jw_object_end(&w); /* the wrong closing */
    assert_int_equal(tm_jw_status(&w), TM_EINVAL);

    tm_jw_init(&w, &out, TM_JSON_COMPACT, 0);
    tm_jw_object(&w); /* left open */
    assert_int_equal(tm_jw_status(&w), TM_EINVAL);

    tm_jw_init(&w, &out, TM_JSON_COMPACT, 0);
    tm_jw_object(&w);
    tm_jw_key(&w, "k");
    tm_jw_object_end(&w); /* a key without its value */
    assert_int_equal(tm_jw_status(&w), TM_EINVAL);

    /* nesting past the bound */
    tm_jw_init(&w, &out, TM_JSON_PRETTY, 0);
    for (int i = 0; i < TM_JSON_NEST_MAX + 2; i++)
        tm_jw_array(&w);
    assert_int_equal(tm_jw_status(&w), TM_ERANGE);
    tm_buf_clear(&out);

    /* the buffer's limit */
    out.limit = 8;
    tm_jw_init(&w, &out, TM_JSON_COMPACT, 0);
    tm_jw_cstring(&w, "longer than eight bytes");
    assert_int_equal(tm_jw_status(&w), TM_ERANGE);
    tm_buf_clear(&out);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    for (unsigned long n = 1; n < 10; n++) {
        tm_buf_t out;
        tm_buf_init(&out);
        tm_jw_t w;
        tm_jw_init(&w, &out, TM_JSON_PRETTY, 0);
        tm_alloc_fail_after(n);
        write_sample(&w);
        tm_alloc_fail_after(0);
        tm_status_t st = tm_jw_status(&w);
        tm_buf_clear(&out);
        if (st == TM_OK)
            return;
        assert_int_equal(st, TM_ENOMEM);
    }
    fail_msg("the sample never fit");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layouts),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_misuse),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
