/* test_text.c - UTF-8 validation, sanitising, terminal escaping and display
 * width, with a randomised property test over hostile byte strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmems/tm_util.h"

#define FFFD "\xef\xbf\xbd"

static int reset_hook(void **state)
{
    (void)state;
    tm_alloc_fail_after(0);
    return 0;
}

typedef struct {
    const char *bytes;
    size_t len; /* 0: strlen */
    bool valid;
} utf8_case_t;

static size_t case_len(const char *bytes, size_t len) { return len ? len : strlen(bytes); }

static void test_utf8_valid(void **state)
{
    (void)state;
    static const utf8_case_t cases[] = {
        {"", 0, true},
        {"abc", 0, true},
        {"a\0b", 3, true},                  /* U+0000 is a code point */
        {"\xc2\x80", 0, true},              /* U+0080, the smallest 2-byte */
        {"\xc3\xa9", 0, true},              /* e-acute */
        {"\xdf\xbf", 0, true},              /* U+07FF */
        {"\xe0\xa0\x80", 0, true},          /* U+0800, the smallest 3-byte */
        {"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 0, true}, /* 日本語 */
        {"\xed\x9f\xbf", 0, true},          /* U+D7FF, just below the surrogates */
        {"\xee\x80\x80", 0, true},          /* U+E000, just above */
        {"\xef\xbf\xbf", 0, true},          /* U+FFFF */
        {"\xf0\x90\x80\x80", 0, true},      /* U+10000, the smallest 4-byte */
        {"\xf0\x9f\x98\x80", 0, true},      /* U+1F600 */
        {"\xf4\x8f\xbf\xbf", 0, true},      /* U+10FFFF, the largest */
        /* overlong forms */
        {"\xc0\x80", 0, false},
        {"\xc1\xbf", 0, false},
        {"\xe0\x80\x80", 0, false},
        {"\xe0\x9f\xbf", 0, false},
        {"\xf0\x80\x80\x80", 0, false},
        {"\xf0\x8f\xbf\xbf", 0, false},
        /* UTF-16 surrogates */
        {"\xed\xa0\x80", 0, false},
        {"\xed\xbf\xbf", 0, false},
        /* beyond U+10FFFF */
        {"\xf4\x90\x80\x80", 0, false},
        {"\xf5\x80\x80\x80", 0, false},
        {"\xf7\xbf\xbf\xbf", 0, false},
        {"\xf8\x88\x80\x80\x80", 0, false},
        {"\xfc\x84\x80\x80\x80\x80", 0, false},
        {"\xfe", 0, false},
        {"\xff", 0, false},
        /* lone continuation bytes */
        {"\x80", 0, false},
        {"\xbf", 0, false},
        {"a\x80" "b", 0, false},
        /* truncated sequences */
        {"\xc3", 0, false},
        {"\xe6\x97", 0, false},
        {"\xf0\x9f\x98", 0, false},
        {"a\xc3", 0, false},
        {"\xe6\x97\xa5\xe6", 0, false},
        {"\xc3\x28", 0, false}, /* a non-continuation where one is due */
        {"\xe6\x97\x41", 0, false},
        {"\xc3\xa9", 1, false}, /* valid bytes, cut by len */
        {"\xf0\x9f\x98\x80", 3, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t len = case_len(cases[i].bytes, cases[i].len);
        if (tm_utf8_valid(cases[i].bytes, len) != cases[i].valid)
            print_error("case %zu\n", i);
        assert_int_equal(tm_utf8_valid(cases[i].bytes, len), cases[i].valid);
    }
}

static void expect_sanitized(const char *in, size_t len, const char *want, size_t want_len)
{
    tm_buf_t b;
    tm_buf_init(&b);
    assert_int_equal(tm_utf8_sanitize(&b, in, len), TM_OK);
    assert_int_equal(b.len, want_len);
    if (want_len)
        assert_memory_equal(b.data, want, want_len);
    tm_buf_clear(&b);
}

#define SANITIZED(in, want) expect_sanitized(in, sizeof(in) - 1, want, sizeof(want) - 1)

static void test_sanitize(void **state)
{
    (void)state;
    SANITIZED("plain", "plain");
    SANITIZED("\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac");
    SANITIZED("\x1b[31m\t", "\x1b[31m\t"); /* controls kept: JSON escapes them */
    SANITIZED("a\0b", "a\0b");
    SANITIZED("\xc0\x80", FFFD FFFD);
    SANITIZED("a\xff" "b", "a" FFFD "b");
    SANITIZED("\xed\xa0\x80", FFFD FFFD FFFD);
    SANITIZED("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD);
    SANITIZED("\xe6\x97" "a", FFFD FFFD "a");
    SANITIZED("\xf0\x9f\x98", FFFD FFFD FFFD);
    SANITIZED("\xc3\xa9\xc3", "\xc3\xa9" FFFD);
    SANITIZED("\x80\x80\xe6\x97\xa5", FFFD FFFD "\xe6\x97\xa5");
    expect_sanitized("", 0, "", 0);

    /* appends after what the buffer holds */
    tm_buf_t b;
    tm_buf_init(&b);
    assert_int_equal(tm_buf_puts(&b, "txt: "), TM_OK);
    assert_int_equal(tm_utf8_sanitize(&b, "x\xfey", 3), TM_OK);
    assert_string_equal(b.data, "txt: x" FFFD "y");
    tm_buf_clear(&b);
}

static void expect_escaped(const char *in, size_t len, const char *want)
{
    tm_buf_t b;
    tm_buf_init(&b);
    assert_int_equal(tm_text_escape(&b, in, len), TM_OK);
    const char *got = b.data ? b.data : "";
    if (strcmp(got, want) != 0)
        print_error("escaped to \"%s\", want \"%s\"\n", got, want);
    assert_string_equal(got, want);
    assert_int_equal(b.len, strlen(want));
    tm_buf_clear(&b);
}

#define ESCAPED(in, want) expect_escaped(in, sizeof(in) - 1, want)

static void test_escape(void **state)
{
    (void)state;
    ESCAPED("", "");
    ESCAPED("v=spf1 -all", "v=spf1 -all");
    ESCAPED("\x1b[2J\x1b]0;owned\a", "\\x1b[2J\\x1b]0;owned\\x07"); /* ESC, BEL */
    ESCAPED("a\0b", "a\\x00b");
    ESCAPED("\x7f", "\\x7f");
    ESCAPED("\t\n\r", "\\x09\\x0a\\x0d");
    ESCAPED("\xc2\x9b" "31m", "\\u009b31m");    /* C1 CSI */
    ESCAPED("\xc2\x80\xc2\x9f", "\\u0080\\u009f");
    ESCAPED("\xc2\xa0", "\xc2\xa0");            /* U+00A0 is printable */
    ESCAPED("abc\xe2\x80\xae" "cba", "abc\\u202ecba"); /* RLO */
    ESCAPED("\xe2\x80\xaa\xe2\x81\xa6\xe2\x81\xa9", "\\u202a\\u2066\\u2069");
    ESCAPED("\xff", "\\xff");
    ESCAPED("\xc0\x80", "\\xc0\\x80");
    ESCAPED("\xed\xa0\x80", "\\xed\\xa0\\x80");
    ESCAPED("\\", "\\\\");
    ESCAPED("\\x1b", "\\\\x1b"); /* a literal backslash-x stays distinguishable */
    ESCAPED("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
    ESCAPED("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");

    tm_buf_t b;
    tm_buf_init(&b);
    assert_int_equal(tm_buf_puts(&b, ">"), TM_OK);
    assert_int_equal(tm_text_escape(&b, "\x1b", 1), TM_OK);
    assert_string_equal(b.data, ">\\x1b");
    tm_buf_clear(&b);
}

/* The policy's other two entry points: inside quotes, and text that holds
 * escapes already (nothing escaped twice). */
static void test_quoted_and_neutralized(void **state)
{
    (void)state;
    tm_buf_t b;
    tm_buf_init(&b);
    assert_int_equal(tm_text_escape_quoted(&b, "a\"b\\c\x1b", 6), TM_OK);
    assert_string_equal(b.data, "a\\\"b\\\\c\\x1b");
    tm_buf_clear(&b);
    /* neutralise: a backslash stays one, hidden characters still escaped */
    assert_int_equal(tm_text_neutralize(&b, "\"x\\x1b\\\"\" \x1b\xc2\x9b\xe2\x80\xae\xff", 17),
                     TM_OK);
    assert_string_equal(b.data, "\"x\\x1b\\\"\" \\x1b\\u009b\\u202e\\xff");
    tm_buf_clear(&b);
    /* every code point of the policy's list, and its neighbours */
    static const uint32_t hidden[] = {0x00,    0x1f,    0x7f,    0x80,    0x9f,   0xad,
                                      0x61c,   0x200b,  0x200f,  0x2028,  0x2029, 0x202a,
                                      0x202e,  0x2060,  0x2064,  0x2066,  0x2069, 0xfeff,
                                      0xfff9,  0xfffb,  0xfffe,  0xffff,  0xe0000, 0xe007f};
    static const uint32_t shown[] = {0x20,   0x7e,   0xa0,   0xac,   0xae,   0x61b,  0x200a,
                                     0x2010, 0x2027, 0x202f, 0x2065, 0x206a, 0xfefe, 0xfff8,
                                     0xfffc, 0xfffd, 0xdffff, 0xe0080, 0x3042, 0x1f600};
    for (size_t i = 0; i < sizeof hidden / sizeof hidden[0]; i++)
        assert_true(tm_text_is_hidden(hidden[i]));
    for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++)
        assert_false(tm_text_is_hidden(shown[i]));
    /* forms: \xNN below 0x80, \uNNNN in the BMP, \UNNNNNNNN beyond */
    ESCAPED("\xc2\xad\xd8\x9c\xe2\x80\xa8\xef\xbf\xb9\xf3\xa0\x80\x80",
            "\\u00ad\\u061c\\u2028\\ufff9\\U000e0000");
}

/* ---- property test ------------------------------------------------------ */

static uint64_t rng_state;

static uint32_t rng(void)
{
    /* xorshift64*: reproducible on every platform, unlike rand() */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

/* Hostile bytes: controls, ESC, backslashes, stray continuation and lead
 * bytes, and whole sequences that are valid or almost valid. */
static size_t random_input(char *out, size_t max)
{
    static const char *const pieces[] = {
        "\x1b", "\x9b", "\xc2\x9b", "\\", "\\x1b", "\\u202e", "\xe2\x80\xae", "\xe2\x81\xa6",
        "\xe6\x97\xa5", "\xf0\x9f\x98\x80", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",
        "\xe6\x97", "\xf0\x9f", "\x7f", "\xc2\xa0", "a", "Z", " ", "\xef\xbf\xbd",
    };
    size_t want = rng() % max, n = 0;
    while (n < want) {
        uint32_t kind = rng() % 4;
        if (kind == 0) {
            out[n++] = (char)(rng() & 0xff); /* any byte */
        } else if (kind == 1) {
            out[n++] = (char)(rng() % 0x20); /* C0 control */
        } else {
            const char *p = pieces[rng() % (sizeof(pieces) / sizeof(pieces[0]))];
            size_t l = strlen(p);
            if (n + l > max)
                break;
            memcpy(out + n, p, l);
            n += l;
        }
    }
    return n;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    out[0] = (char)(0xe0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
}

/* Reverses the escaping: the escaped text must say exactly what the bytes
 * were, or an operator could be shown something other than the record. */
static size_t unescape(const char *s, size_t len, char *out)
{
    size_t i = 0, n = 0;
    while (i < len) {
        if (s[i] != '\\') {
            out[n++] = s[i++];
            continue;
        }
        assert_true(i + 1 < len);
        if (s[i + 1] == '\\') {
            out[n++] = '\\';
            i += 2;
        } else if (s[i + 1] == 'x') {
            assert_true(i + 3 < len);
            int hi = hexval((unsigned char)s[i + 2]), lo = hexval((unsigned char)s[i + 3]);
            assert_true(hi >= 0 && lo >= 0);
            out[n++] = (char)(hi * 16 + lo);
            i += 4;
        } else if (s[i + 1] == 'u') {
            assert_true(i + 5 < len);
            uint32_t cp = 0;
            for (size_t k = 2; k < 6; k++) {
                int v = hexval((unsigned char)s[i + k]);
                assert_true(v >= 0);
                cp = cp * 16 + (uint32_t)v;
            }
            n += put_utf8(out + n, cp);
            i += 6;
        } else {
            fail_msg("lone backslash at %zu", i);
        }
    }
    return n;
}

/* Decodes valid UTF-8 (checked before) and rejects unsafe code points. */
static void assert_terminal_safe(const char *s, size_t len)
{
    assert_true(tm_utf8_valid(s, len));
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n;
        if (p[i] < 0x80) {
            cp = p[i], n = 1;
        } else if (p[i] < 0xe0) {
            cp = ((uint32_t)(p[i] & 0x1f) << 6) | (p[i + 1] & 0x3f), n = 2;
        } else if (p[i] < 0xf0) {
            cp = ((uint32_t)(p[i] & 0x0f) << 12) | ((uint32_t)(p[i + 1] & 0x3f) << 6) |
                 (p[i + 2] & 0x3f);
            n = 3;
        } else {
            cp = 0x10000, n = 4; /* nothing unsafe up there */
        }
        assert_false(cp < 0x20 || cp == 0x7f);
        assert_false(cp >= 0x80 && cp <= 0x9f);
        assert_false(cp >= 0x202a && cp <= 0x202e);
        assert_false(cp >= 0x2066 && cp <= 0x2069);
        i += n;
    }
}

static void test_property_random(void **state)
{
    (void)state;
    rng_state = 0x7e3a5c0ffee15e1dULL;
    char in[96];
    char round[96];
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = random_input(in, sizeof(in));
        tm_buf_t esc, san;
        tm_buf_init(&esc);
        tm_buf_init(&san);
        assert_int_equal(tm_text_escape(&esc, in, len), TM_OK);
        assert_int_equal(tm_utf8_sanitize(&san, in, len), TM_OK);
        const char *e = esc.data ? esc.data : "";
        const char *s = san.data ? san.data : "";

        for (size_t i = 0; i < esc.len; i++) {
            unsigned char c = (unsigned char)e[i];
            assert_false(c < 0x20 || c == 0x7f);
        }
        assert_terminal_safe(e, esc.len);
        assert_true(esc.len >= len);
        size_t n = unescape(e, esc.len, round);
        assert_int_equal(n, len);
        assert_memory_equal(round, in, len);

        assert_true(tm_utf8_valid(s, san.len));
        if (tm_utf8_valid(in, len)) {
            assert_int_equal(san.len, len);
            assert_memory_equal(s, in, len);
        } else {
            assert_true(san.len > len); /* each bad byte became three */
        }
        tm_buf_clear(&esc);
        tm_buf_clear(&san);
    }
}

static void test_limit_and_enomem(void **state)
{
    (void)state;
    tm_buf_t b;
    tm_buf_init(&b);
    b.limit = 8;
    assert_int_equal(tm_text_escape(&b, "\x1b\x1b\x1b", 3), TM_ERANGE); /* 12 bytes */
    assert_true(b.len <= 8);
    assert_int_equal(tm_utf8_sanitize(&b, "\xff\xff\xff\xff", 4), TM_ERANGE);
    assert_true(b.len <= 8);
    tm_buf_clear(&b);

    b.limit = 0;
    tm_alloc_fail_after(1);
    assert_int_equal(tm_text_escape(&b, "\x1b", 1), TM_ENOMEM);
    tm_alloc_fail_after(1);
    assert_int_equal(tm_text_escape(&b, "abc", 3), TM_ENOMEM);
    tm_alloc_fail_after(1);
    assert_int_equal(tm_utf8_sanitize(&b, "\xff", 1), TM_ENOMEM);
    tm_alloc_fail_after(1);
    assert_int_equal(tm_utf8_sanitize(&b, "abc", 3), TM_ENOMEM);
    tm_alloc_fail_after(0);
    assert_null(b.data);
    assert_int_equal(tm_text_escape(&b, "\x1b", 1), TM_OK);
    assert_string_equal(b.data, "\\x1b");
    tm_buf_clear(&b);
}

static void test_width(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t width;
    } cases[] = {
        {"", 0},
        {"abc", 3},
        {"example.com", 11},
        {"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 6},          /* 日本語 */
        {"MX \xe3\x83\xac\xe3\x82\xb3\xe3\x83\xbc\xe3\x83\x89", 11}, /* MX レコード */
        {"e\xcc\x81", 1},                                   /* e + combining acute */
        {"\xe3\x81\x8b\xe3\x82\x99", 2},                    /* か + combining dakuten */
        {"\xef\xbc\xa1\xef\xbc\xa2", 4},                    /* fullwidth AB */
        {"\xef\xbd\xb1", 1},                                /* halfwidth katakana a */
        {"\xed\x95\x9c", 2},                                /* Hangul syllable */
        {"\xf0\x9f\x98\x80", 2},                            /* emoji */
        {"\xf0\xa0\x80\x8b", 2},                            /* CJK extension B */
        {"a\xe2\x80\x8b" "b", 8},                           /* zero-width space, as \u200b */
        {"\xc3\xa9t\xc3\xa9", 3},
        {"\xff", 4}, /* shown as \xff */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (tm_text_width(cases[i].s) != cases[i].width)
            print_error("case %zu: %zu\n", i, tm_text_width(cases[i].s));
        assert_int_equal(tm_text_width(cases[i].s), cases[i].width);
    }
}

/* Data that must be ASCII (an SPF record, an HTTP header field): every byte
 * of a character outside ASCII as \xNN, so that a look-alike shows as the
 * bytes that make the data wrong; the rest as tm_text_escape. */
static void test_escape_ascii(void **state)
{
    (void)state;
    tm_buf_t b;
    tm_buf_init(&b);
    assert_int_equal(tm_text_escape_ascii(&b, "v=spf1 -all", 11), TM_OK);
    assert_string_equal(b.data, "v=spf1 -all");
    tm_buf_clear(&b);
    /* e-acute, a Japanese character, RLO: their bytes, not code points */
    assert_int_equal(tm_text_escape_ascii(&b, "\xc3\xa9|\xe6\x97\xa5|\xe2\x80\xae", 10), TM_OK);
    assert_string_equal(b.data, "\\xc3\\xa9|\\xe6\\x97\\xa5|\\xe2\\x80\\xae");
    tm_buf_clear(&b);
    /* invalid UTF-8, control characters, the backslash; '"' stays */
    assert_int_equal(tm_text_escape_ascii(&b, "\xff\x1b\\\"", 4), TM_OK);
    assert_string_equal(b.data, "\\xff\\x1b\\\\\"");
    tm_buf_clear(&b);
    tm_alloc_fail_after(1);
    assert_int_equal(tm_text_escape_ascii(&b, "\xc3\xa9", 2), TM_ENOMEM);
    tm_buf_clear(&b);
}

static void expect_cut(size_t outlen, const char *in, size_t len, tm_text_escaping_t mode,
                       const char *want)
{
    char out[64];
    memset(out, 'Z', sizeof out);
    assert_true(outlen <= sizeof out);
    const char *got = tm_text_escape_cut(out, outlen, in, len, mode);
    assert_ptr_equal(got, out);
    if (strcmp(got, want) != 0)
        print_error("cut to %zu: \"%s\", want \"%s\"\n", outlen, got, want);
    assert_string_equal(got, want);
    assert_true(strlen(got) < outlen);
}

#define CUT(outlen, in, mode, want) expect_cut(outlen, in, sizeof(in) - 1, mode, want)

/* The fixed-array form for messages: the whole text when its escapes fit,
 * else whole characters and "..." (never half an escape or a character). */
static void test_escape_cut(void **state)
{
    (void)state;
    CUT(16, "hello", TM_TEXT_RAW, "hello");
    CUT(6, "hello", TM_TEXT_RAW, "hello");          /* exactly fits */
    CUT(5, "hello", TM_TEXT_RAW, "h...");
    CUT(8, "abcdefghij", TM_TEXT_RAW, "abcd...");
    CUT(11, "ab\x1b" "cdef", TM_TEXT_RAW, "ab\\x1bcdef"); /* 10 bytes escaped */
    CUT(10, "ab\x1b" "cdef", TM_TEXT_RAW, "ab\\x1b...");
    CUT(9, "ab\x1b" "cdef", TM_TEXT_RAW, "ab...");    /* \x1b is not split */
    CUT(8, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", TM_TEXT_RAW, "\xe6\x97\xa5...");
    CUT(16, "a\"b\\", TM_TEXT_QUOTED, "a\\\"b\\\\");
    CUT(16, "a\"b\\", TM_TEXT_RAW, "a\"b\\\\");
    CUT(16, "a\\x1b\x1b", TM_TEXT_NEUTRALIZE, "a\\x1b\\x1b");
    CUT(16, "\xc3\xa9", TM_TEXT_ASCII, "\\xc3\\xa9");
    CUT(8, "\xc3\xa9", TM_TEXT_ASCII, "...");        /* both bytes or neither */
    CUT(3, "abcdef", TM_TEXT_RAW, "");               /* no room even for "..." */
    CUT(1, "abcdef", TM_TEXT_RAW, "");
    CUT(4, "", TM_TEXT_RAW, "");
    /* no allocation: a failing allocator changes nothing */
    tm_alloc_fail_after(1);
    CUT(8, "abcdefghij", TM_TEXT_RAW, "abcd...");
    tm_alloc_fail_after(0);
    /* outlen 0: nothing written */
    char out[2] = {'Q', 'Q'};
    assert_ptr_equal(tm_text_escape_cut(out, 0, "abc", 3, TM_TEXT_RAW), out);
    assert_int_equal(out[0], 'Q');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_utf8_valid, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_sanitize, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_escape, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_quoted_and_neutralized, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_property_random, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_limit_and_enomem, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_width, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_escape_ascii, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_escape_cut, reset_hook, reset_hook),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
