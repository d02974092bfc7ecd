/* test_smtp_reply.c - the SMTP reply parser of the --smtp probe (RFC 5321
 * section 4.2) on well-formed, incomplete and hostile input: multi-line
 * replies, EHLO keywords and STARTTLS (RFC 3207), bare LF, the bounds on
 * line length, line count and kept text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "probe/smtp_reply.h"

static tm_smtp_parse_t parse(const char *data, size_t len, tm_smtp_reply_t *r, size_t *used,
                             const char **why)
{
    return tm_smtp_reply_parse(data, len, r, used, why);
}

#define PARSE_STR(s, r, used, why) parse((s), strlen(s), (r), (used), (why))

static void test_single_line(void **state)
{
    (void)state;
    tm_smtp_reply_t r;
    size_t used;
    const char *why;
    const char *in = "220 mx.example ESMTP ready\r\n";
    assert_int_equal(PARSE_STR(in, &r, &used, &why), TM_SMTP_PARSE_DONE);
    assert_int_equal(r.code, 220);
    assert_int_equal(r.nlines, 1);
    assert_int_equal(used, strlen(in));
    assert_int_equal(r.text_len, strlen("mx.example ESMTP ready"));
    assert_memory_equal(r.text, "mx.example ESMTP ready", r.text_len);
    assert_false(r.starttls);
    assert_int_equal(r.keywords_len, 0);
}

static void test_ehlo_reply(void **state)
{
    (void)state;
    tm_smtp_reply_t r;
    size_t used;
    const char *why;
    const char *in = "250-mx.example Hello\r\n"
                     "250-PIPELINING\r\n"
                     "250-SIZE 10240000\r\n"
                     "250-auth PLAIN LOGIN\r\n"
                     "250-starttls\r\n"
                     "250 8BITMIME\r\n"
                     "221 leftover";
    assert_int_equal(PARSE_STR(in, &r, &used, &why), TM_SMTP_PARSE_DONE);
    assert_int_equal(r.code, 250);
    assert_int_equal(r.nlines, 6);
    /* the next reply's bytes are not consumed */
    assert_int_equal(used, strlen(in) - strlen("221 leftover"));
    assert_true(r.starttls);
    assert_string_equal(r.keywords, "PIPELINING SIZE AUTH STARTTLS 8BITMIME");
    /* the text keeps every line, joined by '\n' */
    assert_memory_equal(r.text, "mx.example Hello\nPIPELINING\nSIZE 10240000", 40);
}

/* STARTTLS must be the whole keyword, and never the first line's text. */
static void test_starttls_keyword_exact(void **state)
{
    (void)state;
    tm_smtp_reply_t r;
    size_t used;
    const char *why;
    assert_int_equal(PARSE_STR("250-STARTTLS here\r\n250 STARTTLSX\r\n", &r, &used, &why),
                     TM_SMTP_PARSE_DONE);
    assert_false(r.starttls);
    assert_string_equal(r.keywords, "STARTTLSX");
    assert_int_equal(PARSE_STR("250-x\r\n250 STARTTLS=yes\r\n", &r, &used, &why),
                     TM_SMTP_PARSE_DONE);
    assert_true(r.starttls);
}

static void test_bare_lf_and_bare_code(void **state)
{
    (void)state;
    tm_smtp_reply_t r;
    size_t used;
    const char *why;
    assert_int_equal(PARSE_STR("250-a\n250\n", &r, &used, &why), TM_SMTP_PARSE_DONE);
    assert_int_equal(r.nlines, 2);
    assert_int_equal(used, 10);
    assert_int_equal(r.text_len, 2); /* "a" "\n" "" */
    assert_int_equal(PARSE_STR("221\r\n", &r, &used, &why), TM_SMTP_PARSE_DONE);
    assert_int_equal(r.code, 221);
    assert_int_equal(r.text_len, 0);
}

/* Every prefix of a valid reply is MORE, never BAD or DONE. */
static void test_incomplete_is_more(void **state)
{
    (void)state;
    const char *in = "250-mx.example\r\n250-SIZE 1\r\n250 STARTTLS\r\n";
    size_t len = strlen(in);
    for (size_t n = 0; n < len; n++) {
        tm_smtp_reply_t r;
        size_t used = 99;
        const char *why = NULL;
        assert_int_equal(parse(in, n, &r, &used, &why), TM_SMTP_PARSE_MORE);
        assert_int_equal(used, 0);
    }
}

static void expect_bad(const char *in, size_t len, const char *reason_part)
{
    tm_smtp_reply_t r;
    size_t used;
    const char *why = NULL;
    assert_int_equal(parse(in, len, &r, &used, &why), TM_SMTP_PARSE_BAD);
    assert_non_null(why);
    assert_non_null(strstr(why, reason_part));
}

static void test_malformed(void **state)
{
    (void)state;
    /* not SMTP at all: known early, before a line ends */
    expect_bad("HTTP/1.1 400", 12, "3-digit");
    expect_bad("SSH-2.0-OpenSSH", 15, "3-digit");
    expect_bad("2x0 hi\r\n", 8, "3-digit");
    expect_bad("620 hi\r\n", 8, "3-digit");
    expect_bad("22\r\n", 4, "3-digit");
    expect_bad("220_hi\r\n", 8, "3-digit");
    expect_bad("250-a\r\n251 b\r\n", 14, "different codes");
}

static void test_bounds(void **state)
{
    (void)state;
    /* a line without end is refused once it passes the bound */
    size_t len = TM_SMTP_LINE_MAX + 10;
    char *big = malloc(len);
    assert_non_null(big);
    memcpy(big, "220 ", 4);
    memset(big + 4, 'a', len - 4);
    expect_bad(big, len, "too long");
    tm_smtp_reply_t r;
    size_t used;
    const char *why;
    assert_int_equal(parse(big, TM_SMTP_LINE_MAX - 10, &r, &used, &why), TM_SMTP_PARSE_MORE);
    free(big);

    /* too many lines */
    size_t lines = TM_SMTP_REPLY_LINES_MAX + 1;
    char *many = malloc(lines * 7 + 1);
    assert_non_null(many);
    for (size_t i = 0; i < lines; i++)
        memcpy(many + i * 7, "250-x\r\n", 7);
    expect_bad(many, lines * 7, "too many lines");
    free(many);
}

/* The text kept stops at TM_SMTP_TEXT_MAX; the reply still parses. */
static void test_text_is_cut(void **state)
{
    (void)state;
    size_t lines = 40, len = lines * 60;
    char *in = malloc(len + 1);
    assert_non_null(in);
    for (size_t i = 0; i < lines; i++) {
        memcpy(in + i * 60, i + 1 < lines ? "250-" : "250 ", 4);
        memset(in + i * 60 + 4, 'k', 54);
        memcpy(in + i * 60 + 58, "\r\n", 2);
    }
    tm_smtp_reply_t r;
    size_t used;
    const char *why;
    assert_int_equal(parse(in, len, &r, &used, &why), TM_SMTP_PARSE_DONE);
    assert_int_equal(used, len);
    assert_int_equal(r.nlines, lines);
    assert_true(r.text_cut);
    assert_int_equal(r.text_len, TM_SMTP_TEXT_MAX);
    assert_true(r.keywords_len < TM_SMTP_KEYWORDS_MAX);
    free(in);
}

/* Control and NUL bytes in the text are kept as they are (the check
 * quotes them); they never end the reply early. */
static void test_raw_bytes_kept(void **state)
{
    (void)state;
    static const char in[] = "220 \x1b[2J\0evil\r\n";
    tm_smtp_reply_t r;
    size_t used;
    const char *why;
    assert_int_equal(parse(in, sizeof(in) - 1, &r, &used, &why), TM_SMTP_PARSE_DONE);
    assert_int_equal(r.text_len, 9);
    assert_memory_equal(r.text, "\x1b[2J\0evil", 9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_line),
        cmocka_unit_test(test_ehlo_reply),
        cmocka_unit_test(test_starttls_keyword_exact),
        cmocka_unit_test(test_bare_lf_and_bare_code),
        cmocka_unit_test(test_incomplete_is_more),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_text_is_cut),
        cmocka_unit_test(test_raw_bytes_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
