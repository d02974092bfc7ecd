/* test_buf.c - the growable buffer: growth, printf, the size limit, take,
 * and allocation failures that must leave the buffer usable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmems/tm_util.h"

static int reset_hook(void **state)
{
    (void)state;
    tm_alloc_fail_after(0);
    return 0;
}

/* The invariants every operation must keep, success or failure. */
static void assert_buf_sane(const tm_buf_t *b)
{
    if (b->data == NULL) {
        assert_int_equal(b->len, 0);
        return;
    }
    assert_true(b->cap >= b->len + 1);
    assert_int_equal(b->data[b->len], '\0');
}

static void test_init(void **state)
{
    (void)state;
    tm_buf_t b;
    memset(&b, 0xa5, sizeof(b));
    tm_buf_init(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    assert_int_equal(b.limit, 0);
    tm_buf_clear(&b); /* clearing a never-used buffer is fine */
    assert_null(b.data);
}

/* Thousands of appends of varying size against a plain reference copy. */
static void test_growth_many_appends(void **state)
{
    (void)state;
    tm_buf_t b;
    tm_buf_init(&b);
    size_t ref_len = 0, ref_cap = 1 << 20;
    char *ref = malloc(ref_cap);
    assert_non_null(ref);
    char chunk[97];
    for (size_t i = 0; i < 3000; i++) {
        size_t n = i % sizeof(chunk);
        for (size_t k = 0; k < n; k++)
            chunk[k] = (char)('a' + (i + k) % 26);
        assert_int_equal(tm_buf_append(&b, chunk, n), TM_OK);
        memcpy(ref + ref_len, chunk, n);
        ref_len += n;
        assert_int_equal(b.len, ref_len);
        assert_buf_sane(&b);
    }
    assert_memory_equal(b.data, ref, ref_len);
    free(ref);
    tm_buf_clear(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
}

static void test_embedded_nul(void **state)
{
    (void)state;
    tm_buf_t b;
    tm_buf_init(&b);
    assert_int_equal(tm_buf_append(&b, "a\0b", 3), TM_OK);
    assert_int_equal(tm_buf_putc(&b, '\0'), TM_OK);
    assert_int_equal(tm_buf_puts(&b, "c"), TM_OK);
    assert_int_equal(b.len, 5);
    assert_memory_equal(b.data, "a\0b\0c", 6);
    tm_buf_clear(&b);
}

static void test_puts_putc(void **state)
{
    (void)state;
    tm_buf_t b;
    tm_buf_init(&b);
    assert_int_equal(tm_buf_puts(&b, "hello"), TM_OK);
    assert_int_equal(tm_buf_putc(&b, ','), TM_OK);
    assert_int_equal(tm_buf_puts(&b, ""), TM_OK);
    assert_int_equal(tm_buf_puts(&b, " world"), TM_OK);
    assert_string_equal(b.data, "hello, world");
    assert_int_equal(b.len, 12);
    assert_int_equal(tm_buf_append(&b, NULL, 0), TM_OK);
    assert_int_equal(b.len, 12);
    tm_buf_clear(&b);
}

static void test_printf(void **state)
{
    (void)state;
    tm_buf_t b;
    tm_buf_init(&b);
    assert_int_equal(tm_buf_printf(&b, "%s=%d;", "ttl", 3600), TM_OK);
    assert_int_equal(tm_buf_printf(&b, "%05u|%x|%zu|%c", 42u, 255u, (size_t)7, 'Z'), TM_OK);
    assert_string_equal(b.data, "ttl=3600;00042|ff|7|Z");
    assert_int_equal(b.len, strlen("ttl=3600;00042|ff|7|Z"));
    /* a single printf far larger than the first capacity */
    char big[1000];
    memset(big, 'q', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(tm_buf_printf(&b, "<%s>", big), TM_OK);
    assert_int_equal(b.len, 21 + 1001);
    assert_int_equal(b.data[21], '<');
    assert_int_equal(b.data[21 + 1000], '>');
    assert_buf_sane(&b);
    tm_buf_clear(&b);
}

static void test_printf_empty(void **state)
{
    (void)state;
    tm_buf_t b;
    tm_buf_init(&b);
    assert_int_equal(tm_buf_printf(&b, "%s", ""), TM_OK);
    assert_int_equal(b.len, 0);
    assert_buf_sane(&b);
    char *s = tm_buf_take(&b);
    assert_non_null(s);
    assert_string_equal(s, "");
    tm_free(s);
}

static void test_limit(void **state)
{
    (void)state;
    tm_buf_t b;
    tm_buf_init(&b);
    b.limit = 10;
    assert_int_equal(tm_buf_puts(&b, "0123456"), TM_OK);
    assert_int_equal(tm_buf_printf(&b, "%d", 789), TM_OK); /* exactly at the limit */
    assert_string_equal(b.data, "0123456789");

    assert_int_equal(tm_buf_putc(&b, 'x'), TM_ERANGE);
    assert_int_equal(tm_buf_append(&b, "xy", 2), TM_ERANGE);
    assert_int_equal(tm_buf_puts(&b, "x"), TM_ERANGE);
    assert_int_equal(tm_buf_printf(&b, "%s", "x"), TM_ERANGE);
    /* an absurd length must not wrap around the check */
    assert_int_equal(tm_buf_append(&b, "x", SIZE_MAX), TM_ERANGE);
    assert_int_equal(tm_buf_append(&b, "x", SIZE_MAX - 5), TM_ERANGE);
    /* zero bytes still fit */
    assert_int_equal(tm_buf_append(&b, "", 0), TM_OK);

    assert_string_equal(b.data, "0123456789");
    assert_int_equal(b.len, 10);
    assert_buf_sane(&b);

    /* clear keeps the limit so a reused buffer stays bounded */
    tm_buf_clear(&b);
    assert_int_equal(b.limit, 10);
    assert_int_equal(tm_buf_append(&b, "01234567890", 11), TM_ERANGE);
    assert_null(b.data);
    assert_int_equal(tm_buf_append(&b, "0123456789", 10), TM_OK);
    tm_buf_clear(&b);
}

static void test_default_limit(void **state)
{
    (void)state;
    tm_buf_t b;
    tm_buf_init(&b);
    size_t chunk = (size_t)1 << 20;
    char *block = malloc(chunk);
    assert_non_null(block);
    memset(block, 'm', chunk);
    for (size_t i = 0; i < TM_BUF_DEFAULT_LIMIT / chunk; i++)
        assert_int_equal(tm_buf_append(&b, block, chunk), TM_OK);
    assert_int_equal(b.len, TM_BUF_DEFAULT_LIMIT);
    assert_int_equal(tm_buf_putc(&b, 'x'), TM_ERANGE);
    assert_int_equal(b.len, TM_BUF_DEFAULT_LIMIT);
    assert_int_equal(b.data[b.len - 1], 'm');
    assert_buf_sane(&b);
    free(block);
    tm_buf_clear(&b);
}

static void test_take(void **state)
{
    (void)state;
    tm_buf_t b;
    tm_buf_init(&b);
    char *empty = tm_buf_take(&b);
    assert_non_null(empty);
    assert_string_equal(empty, "");
    tm_free(empty);

    assert_int_equal(tm_buf_puts(&b, "first"), TM_OK);
    char *first = tm_buf_take(&b);
    assert_string_equal(first, "first");
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);

    /* reusable after take, and the taken string is independent */
    assert_int_equal(tm_buf_puts(&b, "second"), TM_OK);
    assert_string_equal(b.data, "second");
    assert_string_equal(first, "first");
    char *second = tm_buf_take(&b);
    assert_string_equal(second, "second");
    tm_free(first);
    tm_free(second);
    tm_buf_clear(&b);
}

static void test_take_keeps_limit(void **state)
{
    (void)state;
    tm_buf_t b;
    tm_buf_init(&b);
    b.limit = 4;
    assert_int_equal(tm_buf_puts(&b, "abcd"), TM_OK);
    char *s = tm_buf_take(&b);
    assert_string_equal(s, "abcd");
    tm_free(s);
    assert_int_equal(tm_buf_puts(&b, "abcde"), TM_ERANGE);
    tm_buf_clear(&b);
}

static void test_take_empty_enomem(void **state)
{
    (void)state;
    tm_buf_t b;
    tm_buf_init(&b);
    tm_alloc_fail_after(1);
    assert_null(tm_buf_take(&b));
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(tm_buf_puts(&b, "ok"), TM_OK);
    assert_string_equal(b.data, "ok");
    tm_buf_clear(&b);
}

static void test_first_append_enomem(void **state)
{
    (void)state;
    tm_buf_t b;
    tm_buf_init(&b);
    tm_alloc_fail_after(1);
    assert_int_equal(tm_buf_puts(&b, "abc"), TM_ENOMEM);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    tm_alloc_fail_after(1);
    assert_int_equal(tm_buf_putc(&b, 'x'), TM_ENOMEM);
    tm_alloc_fail_after(1);
    assert_int_equal(tm_buf_printf(&b, "%d", 5), TM_ENOMEM);
    assert_null(b.data);
    assert_int_equal(tm_buf_puts(&b, "abc"), TM_OK);
    assert_string_equal(b.data, "abc");
    tm_buf_clear(&b);
}

/* A failed growth leaves the existing bytes, length and capacity untouched. */
static void test_growth_enomem_keeps_content(void **state)
{
    (void)state;
    tm_buf_t b;
    tm_buf_init(&b);
    char fill[200];
    memset(fill, 'f', sizeof(fill));
    assert_int_equal(tm_buf_append(&b, fill, sizeof(fill)), TM_OK);
    size_t cap = b.cap;
    size_t grow = cap - b.len; /* one more byte than fits with the NUL */

    tm_alloc_fail_after(1);
    assert_int_equal(tm_buf_append(&b, fill, grow), TM_ENOMEM);
    assert_int_equal(b.len, sizeof(fill));
    assert_int_equal(b.cap, cap);
    assert_memory_equal(b.data, fill, sizeof(fill));
    assert_buf_sane(&b);

    tm_alloc_fail_after(1);
    assert_int_equal(tm_buf_printf(&b, "%*s", (int)grow, "z"), TM_ENOMEM);
    assert_int_equal(b.len, sizeof(fill));
    assert_buf_sane(&b);

    /* data that still fits needs no allocation, so the hook does not fire */
    tm_alloc_fail_after(1);
    assert_int_equal(tm_buf_putc(&b, '!'), TM_OK);
    tm_alloc_fail_after(0);
    assert_int_equal(b.len, sizeof(fill) + 1);

    assert_int_equal(tm_buf_append(&b, fill, grow), TM_OK);
    assert_int_equal(b.len, sizeof(fill) + 1 + grow);
    assert_buf_sane(&b);
    tm_buf_clear(&b);
}

static void test_strprintf(void **state)
{
    (void)state;
    char *s = tm_strprintf("%s.%s", "mail", "example.com");
    assert_string_equal(s, "mail.example.com");
    tm_free(s);
    char *e = tm_strprintf("%s", "");
    assert_non_null(e);
    assert_string_equal(e, "");
    tm_free(e);
}

static void test_strprintf_enomem(void **state)
{
    (void)state;
    tm_alloc_count_reset();
    char *s = tm_strprintf("%0300d", 1);
    unsigned long needed = tm_alloc_count();
    assert_true(needed >= 1);
    assert_int_equal(strlen(s), 300);
    tm_free(s);
    for (unsigned long n = 1; n <= needed; n++) {
        tm_alloc_fail_after(n);
        assert_null(tm_strprintf("%0300d", 1));
        tm_alloc_fail_after(0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_init, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_growth_many_appends, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_embedded_nul, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_puts_putc, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_printf, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_printf_empty, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_limit, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_default_limit, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_take, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_take_keeps_limit, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_take_empty_enomem, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_first_append_enomem, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_growth_enomem_keeps_content, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_strprintf, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_strprintf_enomem, reset_hook, reset_hook),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
