/* test_zone_text.c - a zone file's text rewritten for libzscanner: bytes
 * outside printable ASCII as \DDD, CR as BIND reads it, $GENERATE expanded,
 * and every line of the result mapped back to the file's line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "resolve/zone_text.h"
#include "tmems/tm_status.h"

static int reset_alloc(void **state)
{
    (void)state;
    tm_alloc_fail_after(0);
    return 0;
}

/* Rewrites src (len bytes) and compares the result with want. */
static void expect_text(const char *src, size_t len, const char *want)
{
    zone_text_t t;
    uint64_t line = 99;
    char why[256];
    assert_int_equal(zone_text_prepare(src, len, 1000, &t, &line, why, sizeof why), TM_OK);
    assert_string_equal(t.text.data, want);
    zone_text_free(&t);
}

static void test_plain_text_unchanged(void **state)
{
    (void)state;
    static const char z[] = "$ORIGIN example.jp.\n@ 300 IN TXT \"v=spf1 -all\" ; c\n"
                            "www\tA 192.0.2.1\n";
    expect_text(z, sizeof z - 1, z);
    expect_text("", 0, "");
    /* the last line without its LF gets one */
    expect_text("@ A 192.0.2.1", 13, "@ A 192.0.2.1\n");
}

/* BIND keeps these bytes as they are; libzscanner takes them as \DDD. */
static void test_bytes_as_ddd(void **state)
{
    (void)state;
    static const char utf8[] = "@ TXT \"\xe4\xbc\x9a\xe7\xa4\xbe\"\n";
    expect_text(utf8, sizeof utf8 - 1, "@ TXT \"\\228\\188\\154\\231\\164\\190\"\n");
    static const char unquoted[] = "\xc3\xa9 TXT caf\xc3\xa9\n";
    expect_text(unquoted, sizeof unquoted - 1, "\\195\\169 TXT caf\\195\\169\n");
    static const char ctrl[] = "@ TXT \"a\x01" "b\x7f" "c\0d\"\n";
    expect_text(ctrl, sizeof ctrl - 1, "@ TXT \"a\\001b\\127c\\000d\"\n");
    /* \X is the byte X: a backslash before such a byte becomes its \DDD */
    static const char escaped[] = "@ TXT \"a\\\xe4\" \"\\\\\" \"\\\"\" \"\\065\"\n";
    expect_text(escaped, sizeof escaped - 1, "@ TXT \"a\\228\" \"\\\\\" \"\\\"\" \"\\065\"\n");
    /* a tab inside quotes stays (libzscanner takes it); after \ it is a byte */
    expect_text("@ TXT \"a\tb\\\tc\"\n", 14, "@ TXT \"a\tb\\009c\"\n");
    /* comments are kept as they are, bytes and all */
    static const char comment[] = "@ TXT x ; \xe4\xbc\x9a \"\n";
    expect_text(comment, sizeof comment - 1, comment);
}

static void test_nul_noted(void **state)
{
    (void)state;
    zone_text_t t;
    uint64_t line;
    char why[64];
    assert_int_equal(zone_text_prepare("a TXT b\n", 8, 10, &t, &line, why, sizeof why), TM_OK);
    assert_false(t.has_nul);
    zone_text_free(&t);
    assert_int_equal(zone_text_prepare("a TXT b\0\n", 9, 10, &t, &line, why, sizeof why), TM_OK);
    assert_true(t.has_nul);
    zone_text_free(&t);
    assert_int_equal(zone_text_prepare("a ; \0\n", 6, 10, &t, &line, why, sizeof why), TM_OK);
    assert_true(t.has_nul);
    zone_text_free(&t);
}

/* BIND: CR ends a line outside quotes and comments (CRLF once); inside
 * quotes it is a byte of the string; in a comment it is dropped. */
static void test_cr(void **state)
{
    (void)state;
    expect_text("a A 192.0.2.1\r\nb A 192.0.2.2\r\n", 30, "a A 192.0.2.1\nb A 192.0.2.2\n");
    expect_text("@ TXT \"ab\"\r@ TXT \"c\"\n", 21, "@ TXT \"ab\"\n@ TXT \"c\"\n");
    expect_text("@ TXT \"a\rb\"\r\n", 13, "@ TXT \"a\\013b\"\n");
    expect_text("@ TXT x ; c\r@ TXT y\n", 20, "@ TXT x ; c@ TXT y\n");
    expect_text("@ TXT ( \"a\" \r\n \"b\" )\r\n", 22, "@ TXT ( \"a\" \n \"b\" )\n");
}

static void expect_lines(const char *src, size_t len, const uint64_t *want, size_t n)
{
    zone_text_t t;
    uint64_t line;
    char why[256];
    assert_int_equal(zone_text_prepare(src, len, 1000, &t, &line, why, sizeof why), TM_OK);
    assert_int_equal(t.out_line, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(zone_text_source_line(&t, i + 1), want[i]);
    zone_text_free(&t);
}

/* Errors name the file's line whatever the rewriting did. */
static void test_line_map(void **state)
{
    (void)state;
    static const uint64_t plain[] = {1, 2, 3};
    expect_lines("a\nb\nc\n", 6, plain, 3);
    /* a lone CR splits a line: both parts are the file's line 2 */
    static const uint64_t lone_cr[] = {1, 2, 2, 3, 4};
    expect_lines("a\nb\rc\nd\ne\n", 10, lone_cr, 5);
    /* $GENERATE on line 2 writes three lines, all line 2 */
    static const char gen[] = "$ORIGIN x.\n$GENERATE 1-3 h$ A 192.0.2.$\nz A 192.0.2.9\n";
    static const uint64_t gen_lines[] = {1, 2, 2, 2, 3};
    expect_lines(gen, sizeof gen - 1, gen_lines, 5);
}

static void test_generate(void **state)
{
    (void)state;
    static const char a[] = "$GENERATE 1-3 h$ A 192.0.2.$\n";
    expect_text(a, sizeof a - 1, "h1 A 192.0.2.1\nh2 A 192.0.2.2\nh3 A 192.0.2.3\n");
    /* step, ttl and class, ${offset,width,base} */
    static const char b[] = "$generate 1-10/4 ${2,3,d}.x 60 IN CNAME h$.y. ; comment\n";
    expect_text(b, sizeof b - 1,
                "003.x 60 IN CNAME h1.y.\n007.x 60 IN CNAME h5.y.\n011.x 60 IN CNAME h9.y.\n");
    /* $$ and \$ are a '$'; hex, octal of a negative value, nibbles */
    static const char c[] = "$GENERATE 0-1 $$h\\$$ TXT \"v=$ ${0,2,x} ${-1,2,o} ${26,3,n} ${26,0,N}\"\n";
    expect_text(c, sizeof c - 1,
                "\\$h\\$0 TXT v=0 00 37777777777 a.1 A.1\n"
                "\\$h\\$1 TXT v=1 01 00 b.1 B.1\n");
    /* class before ttl, as BIND also reads it */
    static const char d[] = "$GENERATE 5-5 a$ IN 30 A 192.0.2.$\n";
    expect_text(d, sizeof d - 1, "a5 30 IN A 192.0.2.5\n");
}

static void expect_generate_error(const char *src, tm_status_t want_st, const char *want_why)
{
    zone_text_t t;
    uint64_t line = 0;
    char why[256];
    assert_int_equal(zone_text_prepare(src, strlen(src), 100, &t, &line, why, sizeof why),
                     want_st);
    assert_int_equal(line, 2);
    assert_string_equal(why, want_why);
    assert_null(t.text.data);
}

/* What BIND refuses is refused, with the line. */
static void test_generate_errors(void **state)
{
    (void)state;
    expect_generate_error("; x\n$GENERATE 3-1 h$ A 192.0.2.$\n", TM_EPARSE,
                          "$GENERATE: invalid range");
    expect_generate_error("; x\n$GENERATE 1-2/0 h$ A 192.0.2.$\n", TM_EPARSE,
                          "$GENERATE: invalid range");
    expect_generate_error("; x\n$GENERATE 1-2 @ MX 10 mx$\n", TM_EPARSE,
                          "extra text after $GENERATE");
    expect_generate_error("; x\n$GENERATE 1-2 h$ A\n", TM_EPARSE,
                          "$GENERATE needs a range, an owner, a type and data");
    expect_generate_error("; x\n$GENERATE 1-2 h${1,2,q} A 192.0.2.1\n", TM_EPARSE,
                          "$GENERATE: invalid ${offset,width,base}");
    expect_generate_error("; x\n$GENERATE 1-2 h${1 A 192.0.2.1\n", TM_EPARSE,
                          "$GENERATE: invalid ${offset,width,base}");
    /* a bound on what one line can make */
    expect_generate_error("; x\n$GENERATE 0-4294967295 h$ A 192.0.2.1\n", TM_ERANGE,
                          "$GENERATE makes more than 100 records");
}

static void test_origin_before_records(void **state)
{
    (void)state;
    zone_text_t t;
    uint64_t line;
    char why[64];
    static const char set[] = "; c\n$TTL 60\n$ORIGIN a.example.\n@ SOA ns hm 1 2 3 4 5\n";
    assert_int_equal(zone_text_prepare(set, sizeof set - 1, 1, &t, &line, why, sizeof why), TM_OK);
    assert_true(t.origin_set);
    zone_text_free(&t);
    static const char late[] = "@ SOA ns hm 1 2 3 4 5\n$ORIGIN a.example.\n";
    assert_int_equal(zone_text_prepare(late, sizeof late - 1, 1, &t, &line, why, sizeof why),
                     TM_OK);
    assert_false(t.origin_set);
    zone_text_free(&t);
}

static void test_enomem(void **state)
{
    (void)state;
    static const char z[] = "$GENERATE 1-50 h$ A 192.0.2.$\n\xe4 TXT x\r\ny TXT z\n";
    int failures = 0;
    for (unsigned long n = 1; n < 200; n++) {
        zone_text_t t;
        uint64_t line;
        char why[64];
        tm_alloc_fail_after(n);
        tm_status_t st = zone_text_prepare(z, sizeof z - 1, 100, &t, &line, why, sizeof why);
        tm_alloc_fail_after(0);
        if (st == TM_OK) {
            assert_int_equal(t.out_line, 52);
            zone_text_free(&t);
            break;
        }
        assert_int_equal(st, TM_ENOMEM);
        assert_null(t.text.data);
        failures++;
    }
    assert_true(failures > 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_text_unchanged),
        cmocka_unit_test(test_bytes_as_ddd),
        cmocka_unit_test(test_nul_noted),
        cmocka_unit_test(test_cr),
        cmocka_unit_test(test_line_map),
        cmocka_unit_test(test_generate),
        cmocka_unit_test(test_generate_errors),
        cmocka_unit_test(test_origin_before_records),
        cmocka_unit_test_teardown(test_enomem, reset_alloc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
