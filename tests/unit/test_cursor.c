/* test_cursor.c - the bounded reader: every reader at the exact end and one
 * past it must refuse without moving, so no parser can index past its input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "tmems/tm_util.h"

static const uint8_t bytes8[8] = {0x01, 0x02, 0x03, 0x04, 0xfe, 0xff, 0x80, 0x00};

static void test_init_and_left(void **state)
{
    (void)state;
    tm_cursor_t c;
    tm_cursor_init(&c, bytes8, sizeof(bytes8));
    assert_int_equal(tm_cursor_left(&c), 8);
    assert_false(tm_cursor_eof(&c));
    tm_cursor_init(&c, bytes8, 0);
    assert_int_equal(tm_cursor_left(&c), 0);
    assert_true(tm_cursor_eof(&c));
    /* NULL data is an empty input whatever the length says */
    tm_cursor_init(&c, NULL, 100);
    assert_int_equal(tm_cursor_left(&c), 0);
    assert_true(tm_cursor_eof(&c));
    assert_int_equal(tm_cursor_peek(&c), -1);
    assert_int_equal(tm_cursor_next(&c), -1);
}

static void test_next_peek_high_bytes(void **state)
{
    (void)state;
    tm_cursor_t c;
    tm_cursor_init(&c, bytes8, sizeof(bytes8));
    for (size_t i = 0; i < sizeof(bytes8); i++) {
        assert_int_equal(tm_cursor_peek(&c), bytes8[i]); /* 0xff is 255, not -1 */
        assert_int_equal(tm_cursor_next(&c), bytes8[i]);
        assert_int_equal(c.pos, i + 1);
    }
    assert_true(tm_cursor_eof(&c));
    assert_int_equal(tm_cursor_peek(&c), -1);
    assert_int_equal(tm_cursor_next(&c), -1);
    assert_int_equal(tm_cursor_next(&c), -1);
    assert_int_equal(c.pos, 8);
}

static void test_peek_at(void **state)
{
    (void)state;
    tm_cursor_t c;
    tm_cursor_init(&c, bytes8, sizeof(bytes8));
    assert_true(tm_cursor_skip(&c, 2));
    assert_int_equal(tm_cursor_peek_at(&c, 0), 0x03);
    assert_int_equal(tm_cursor_peek_at(&c, 3), 0xff);
    assert_int_equal(tm_cursor_peek_at(&c, 5), 0x00); /* last byte */
    assert_int_equal(tm_cursor_peek_at(&c, 6), -1);   /* one past */
    assert_int_equal(tm_cursor_peek_at(&c, 1000), -1);
    assert_int_equal(tm_cursor_peek_at(&c, SIZE_MAX), -1);
    assert_int_equal(c.pos, 2); /* peeking never moves */
}

static void test_skip(void **state)
{
    (void)state;
    tm_cursor_t c;
    tm_cursor_init(&c, bytes8, sizeof(bytes8));
    assert_true(tm_cursor_skip(&c, 0));
    assert_true(tm_cursor_skip(&c, 3));
    assert_false(tm_cursor_skip(&c, 6)); /* one past the end */
    assert_int_equal(c.pos, 3);
    assert_false(tm_cursor_skip(&c, SIZE_MAX));
    assert_int_equal(c.pos, 3);
    assert_true(tm_cursor_skip(&c, 5)); /* exactly to the end */
    assert_true(tm_cursor_eof(&c));
    assert_true(tm_cursor_skip(&c, 0));
    assert_false(tm_cursor_skip(&c, 1));
    assert_int_equal(c.pos, 8);
}

/* Each fixed-width reader: succeeds with exactly its width left, fails with
 * one byte fewer and leaves both the position and the output untouched. */
static void test_u8_at_end(void **state)
{
    (void)state;
    tm_cursor_t c;
    uint8_t v = 0x55;
    tm_cursor_init(&c, bytes8 + 5, 1);
    assert_true(tm_cursor_u8(&c, &v));
    assert_int_equal(v, 0xff);
    v = 0x55;
    assert_false(tm_cursor_u8(&c, &v));
    assert_int_equal(v, 0x55);
    assert_int_equal(c.pos, 1);
}

static void test_u16_at_end(void **state)
{
    (void)state;
    tm_cursor_t c;
    uint16_t v = 0x5555;
    tm_cursor_init(&c, bytes8 + 4, 2);
    assert_true(tm_cursor_u16(&c, &v));
    assert_int_equal(v, 0xfeff); /* network order */
    assert_true(tm_cursor_eof(&c));
    v = 0x5555;
    assert_false(tm_cursor_u16(&c, &v));
    assert_int_equal(v, 0x5555);

    tm_cursor_init(&c, bytes8, 3);
    assert_true(tm_cursor_u16(&c, &v));
    assert_int_equal(v, 0x0102);
    v = 0x5555;
    assert_false(tm_cursor_u16(&c, &v)); /* one byte left */
    assert_int_equal(v, 0x5555);
    assert_int_equal(c.pos, 2);
    assert_int_equal(tm_cursor_next(&c), 0x03);
}

static void test_u32_at_end(void **state)
{
    (void)state;
    tm_cursor_t c;
    uint32_t v = 0x55555555u;
    tm_cursor_init(&c, bytes8, 8);
    assert_true(tm_cursor_u32(&c, &v));
    assert_int_equal(v, 0x01020304u);
    assert_true(tm_cursor_u32(&c, &v));
    assert_int_equal(v, 0xfeff8000u); /* high bit set: no sign extension */
    v = 0x55555555u;
    assert_false(tm_cursor_u32(&c, &v));
    assert_int_equal(v, 0x55555555u);

    for (size_t short_len = 0; short_len < 4; short_len++) {
        tm_cursor_init(&c, bytes8, short_len);
        assert_false(tm_cursor_u32(&c, &v));
        assert_int_equal(c.pos, 0);
        assert_int_equal(v, 0x55555555u);
    }
}

static void test_bytes(void **state)
{
    (void)state;
    tm_cursor_t c;
    uint8_t out[8];
    memset(out, 0xaa, sizeof(out));
    tm_cursor_init(&c, bytes8, sizeof(bytes8));
    assert_true(tm_cursor_bytes(&c, out, 0));
    assert_true(tm_cursor_bytes(&c, out, 3));
    assert_memory_equal(out, bytes8, 3);
    memset(out, 0xaa, sizeof(out));
    assert_false(tm_cursor_bytes(&c, out, 6)); /* 5 left */
    for (size_t i = 0; i < sizeof(out); i++)
        assert_int_equal(out[i], 0xaa);
    assert_int_equal(c.pos, 3);
    assert_true(tm_cursor_bytes(&c, out, 5));
    assert_memory_equal(out, bytes8 + 3, 5);
    assert_false(tm_cursor_bytes(&c, out, 1));
    assert_true(tm_cursor_bytes(&c, out, 0));
    assert_false(tm_cursor_bytes(&c, out, SIZE_MAX));
}

static void test_accept_ci(void **state)
{
    (void)state;
    static const char text[] = "V=Spf1 include:_spf.Example.com";
    tm_cursor_t c;
    tm_cursor_init(&c, text, strlen(text));
    assert_false(tm_cursor_accept_ci(&c, "v=spf2"));
    assert_int_equal(c.pos, 0);
    assert_true(tm_cursor_accept_ci(&c, "v=spf1"));
    assert_int_equal(c.pos, 6);
    assert_true(tm_cursor_accept_ci(&c, "")); /* empty prefix: always, no move */
    assert_int_equal(c.pos, 6);
    assert_true(tm_cursor_accept_ci(&c, " INCLUDE:"));
    assert_int_equal(tm_cursor_peek(&c), '_');
    assert_false(tm_cursor_accept_ci(&c, "_spf.example.comX")); /* one past the end */
    assert_int_equal(c.pos, 15);
    assert_true(tm_cursor_accept_ci(&c, "_SPF.EXAMPLE.COM")); /* exactly to the end */
    assert_true(tm_cursor_eof(&c));
    assert_false(tm_cursor_accept_ci(&c, "a"));
    assert_true(tm_cursor_accept_ci(&c, ""));
}

/* Only ASCII letters fold; punctuation that differs by 0x20 must not match. */
static void test_accept_ci_ascii_only(void **state)
{
    (void)state;
    static const struct {
        const char *input;
        const char *prefix;
        bool match;
    } cases[] = {
        {"@", "`", false},  /* 0x40 vs 0x60 */
        {"[", "{", false},  /* 0x5b vs 0x7b */
        {"^", "~", false},
        {"\xc9", "\xe9", false}, /* Latin-1 E-acute: not ASCII, no folding */
        {"Z", "z", true},
        {"a", "A", true},
        {"9", "9", true},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        tm_cursor_t c;
        tm_cursor_init(&c, cases[i].input, strlen(cases[i].input));
        assert_int_equal(tm_cursor_accept_ci(&c, cases[i].prefix), cases[i].match);
        assert_int_equal(c.pos, cases[i].match ? 1 : 0);
    }
}

/* The reader must see the bytes of a buffer with a NUL in the middle. */
static void test_embedded_nul(void **state)
{
    (void)state;
    static const char text[] = {'a', '\0', 'b'};
    tm_cursor_t c;
    tm_cursor_init(&c, text, sizeof(text));
    assert_int_equal(tm_cursor_next(&c), 'a');
    assert_int_equal(tm_cursor_next(&c), 0);
    assert_false(tm_cursor_eof(&c));
    assert_int_equal(tm_cursor_next(&c), 'b');
    assert_true(tm_cursor_eof(&c));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_and_left),
        cmocka_unit_test(test_next_peek_high_bytes),
        cmocka_unit_test(test_peek_at),
        cmocka_unit_test(test_skip),
        cmocka_unit_test(test_u8_at_end),
        cmocka_unit_test(test_u16_at_end),
        cmocka_unit_test(test_u32_at_end),
        cmocka_unit_test(test_bytes),
        cmocka_unit_test(test_accept_ci),
        cmocka_unit_test(test_accept_ci_ascii_only),
        cmocka_unit_test(test_embedded_nul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
