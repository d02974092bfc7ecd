/* test_status.c - tm_strerror and the allocation hook that every
 * out-of-memory test in the suite relies on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "tmems/tm_status.h"

static int reset_hook(void **state)
{
    (void)state;
    tm_alloc_fail_after(0);
    tm_alloc_count_reset();
    return 0;
}

static void test_strerror_all_distinct(void **state)
{
    (void)state;
    static const tm_status_t all[] = {TM_OK,        TM_ENOMEM,    TM_EINVAL,
                                      TM_ERANGE,    TM_EIO,       TM_EPARSE,
                                      TM_ENOTFOUND, TM_ENETWORK,  TM_EUNSUPPORTED};
    size_t n = sizeof(all) / sizeof(all[0]);
    for (size_t i = 0; i < n; i++) {
        const char *a = tm_strerror(all[i]);
        assert_non_null(a);
        assert_true(strlen(a) > 0);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(a, tm_strerror(all[j]));
    }
    assert_non_null(strstr(tm_strerror(TM_ENOMEM), "memory"));
    assert_string_equal(tm_strerror(TM_OK), "success");
}

static void test_strerror_out_of_range(void **state)
{
    (void)state;
    const char *s = tm_strerror((tm_status_t)12345);
    assert_non_null(s);
    assert_true(strlen(s) > 0);
    assert_string_not_equal(s, tm_strerror(TM_OK));
}

static void test_count_each_allocator(void **state)
{
    (void)state;
    tm_alloc_count_reset();
    assert_int_equal(tm_alloc_count(), 0);
    void *a = tm_malloc(10);
    assert_int_equal(tm_alloc_count(), 1);
    void *b = tm_calloc(3, 4);
    assert_int_equal(tm_alloc_count(), 2);
    a = tm_realloc(a, 100);
    assert_int_equal(tm_alloc_count(), 3);
    char *c = tm_strdup("x");
    assert_int_equal(tm_alloc_count(), 4);
    char *d = tm_strndup("xyz", 2);
    assert_int_equal(tm_alloc_count(), 5);
    tm_free(a);
    tm_free(b);
    tm_free(c);
    tm_free(d);
    /* freeing is not an allocation */
    assert_int_equal(tm_alloc_count(), 5);
    tm_alloc_count_reset();
    assert_int_equal(tm_alloc_count(), 0);
}

static void test_fail_next_is_one_shot(void **state)
{
    (void)state;
    tm_alloc_fail_after(1);
    assert_null(tm_malloc(8));
    /* the hook disarms itself after firing */
    void *p = tm_malloc(8);
    assert_non_null(p);
    tm_free(p);
}

static void test_fail_third(void **state)
{
    (void)state;
    tm_alloc_fail_after(3);
    void *a = tm_malloc(1);
    char *b = tm_strdup("b");
    void *c = tm_calloc(1, 1);
    void *d = tm_malloc(1);
    assert_non_null(a);
    assert_non_null(b);
    assert_null(c);
    assert_non_null(d);
    tm_free(a);
    tm_free(b);
    tm_free(d);
}

static void test_fail_disable(void **state)
{
    (void)state;
    tm_alloc_fail_after(2);
    tm_alloc_fail_after(0);
    for (int i = 0; i < 5; i++) {
        void *p = tm_malloc(4);
        assert_non_null(p);
        tm_free(p);
    }
}

/* Each allocator honours the hook, so no allocation can escape a test. */
static void test_fail_each_allocator(void **state)
{
    (void)state;
    tm_alloc_fail_after(1);
    assert_null(tm_calloc(2, 2));
    tm_alloc_fail_after(1);
    assert_null(tm_strdup("abc"));
    tm_alloc_fail_after(1);
    assert_null(tm_strndup("abc", 2));

    char *p = tm_malloc(4);
    assert_non_null(p);
    memcpy(p, "abc", 4);
    tm_alloc_fail_after(1);
    assert_null(tm_realloc(p, 1 << 20));
    /* a failed realloc leaves the block valid and unchanged */
    assert_string_equal(p, "abc");
    tm_free(p);
}

static void test_zero_sizes(void **state)
{
    (void)state;
    void *a = tm_malloc(0);
    void *b = tm_calloc(0, 16);
    void *c = tm_calloc(16, 0);
    void *d = tm_realloc(NULL, 0);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_non_null(d);
    tm_free(a);
    tm_free(b);
    tm_free(c);
    tm_free(d);
    tm_free(NULL);
}

static void test_calloc_zeroed(void **state)
{
    (void)state;
    unsigned char *p = tm_calloc(64, 4);
    assert_non_null(p);
    for (size_t i = 0; i < 256; i++)
        assert_int_equal(p[i], 0);
    tm_free(p);
}

static void test_strdup_strndup(void **state)
{
    (void)state;
    char *a = tm_strdup("");
    assert_non_null(a);
    assert_string_equal(a, "");
    char *b = tm_strdup("Example.COM");
    assert_string_equal(b, "Example.COM");
    char *c = tm_strndup("abcdef", 3);
    assert_string_equal(c, "abc");
    char *d = tm_strndup("abcdef", 0);
    assert_string_equal(d, "");
    tm_free(a);
    tm_free(b);
    tm_free(c);
    tm_free(d);
}

/* strndup semantics: n is a maximum; the copy stops at the terminator and
 * never reads past it (a heap source makes ASan/valgrind see an over-read). */
static void test_strndup_short_source(void **state)
{
    (void)state;
    char *src = malloc(3);
    assert_non_null(src);
    memcpy(src, "ab", 3);
    char *copy = tm_strndup(src, 100);
    assert_non_null(copy);
    assert_string_equal(copy, "ab");
    free(src);
    tm_free(copy);
}

/* tm_array_grow: first, then doubling; a failure (out of memory, or a
 * size that would overflow) leaves the array and its capacity as they were. */
static void test_array_grow(void **state)
{
    (void)state;
    size_t cap = 0;
    int *a = tm_array_grow(NULL, &cap, sizeof(*a), 4);
    assert_non_null(a);
    assert_int_equal(cap, 4);
    for (int i = 0; i < 4; i++)
        a[i] = i;
    int *b = tm_array_grow(a, &cap, sizeof(*b), 4);
    assert_non_null(b);
    assert_int_equal(cap, 8);
    for (int i = 0; i < 4; i++)
        assert_int_equal(b[i], i); /* kept across the move */
    tm_alloc_fail_after(1);
    assert_null(tm_array_grow(b, &cap, sizeof(*b), 4));
    assert_int_equal(cap, 8);
    assert_int_equal(b[3], 3); /* still ours, unmoved */
    size_t huge = SIZE_MAX / 2 + 1;
    assert_null(tm_array_grow(b, &huge, sizeof(*b), 4)); /* doubling overflows */
    assert_int_equal(huge, SIZE_MAX / 2 + 1);
    size_t big = SIZE_MAX / 8 + 1; /* doubled: 2^62 elements of 4 bytes */
    assert_null(tm_array_grow(b, &big, sizeof(*b), 4)); /* the bytes overflow */
    assert_int_equal(big, SIZE_MAX / 8 + 1);
    size_t zero = 0;
    assert_null(tm_array_grow(b, &zero, 0, 4));
    tm_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_strerror_all_distinct, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_strerror_out_of_range, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_count_each_allocator, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_fail_next_is_one_shot, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_fail_third, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_fail_disable, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_fail_each_allocator, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_zero_sizes, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_calloc_zeroed, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_strdup_strndup, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_strndup_short_source, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_array_grow, reset_hook, reset_hook),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
