/* test_name.c - host-name rules: the exact error for each kind of bad name,
 * canonical lower case, the company-ID label rule, and name comparison. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "tmems/tm_util.h"

static char label63[64], label64[65], name253[254], name254[255];
static char name253dot[255], name254dot[256], label63com[80], label64com[80];
static char last64[80], label63upper[64];

static void fill(char *dst, char c, size_t n)
{
    memset(dst, c, n);
    dst[n] = '\0';
}

static int build_names(void **state)
{
    (void)state;
    fill(label63, 'a', 63);
    fill(label64, 'b', 64);
    fill(label63upper, 'Q', 63);
    /* 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 */
    snprintf(name253, sizeof(name253), "%s.%s.%s.%.61s", label63, label63, label63, label63);
    /* one more character in the last label: 254 */
    snprintf(name254, sizeof(name254), "%s.%s.%s.%.62s", label63, label63, label63, label63);
    snprintf(name253dot, sizeof(name253dot), "%s.", name253);
    snprintf(name254dot, sizeof(name254dot), "%s.", name254);
    snprintf(label63com, sizeof(label63com), "%s.com", label63);
    snprintf(label64com, sizeof(label64com), "%s.com", label64);
    snprintf(last64, sizeof(last64), "example.%s", label64);
    assert_int_equal(strlen(name253), 253);
    assert_int_equal(strlen(name254), 254);
    return 0;
}

typedef struct {
    const char *in;
    tm_name_error_t name_err;   /* tm_name_normalize */
    tm_name_error_t domain_err; /* tm_domain_normalize */
    const char *canonical;      /* expected out when valid */
} name_case_t;

static void check_cases(const name_case_t *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char out[TM_NAME_MAX + 1];
        char dout[TM_NAME_MAX + 1];
        memset(out, 'Z', sizeof(out));
        memset(dout, 'Z', sizeof(dout));
        tm_name_error_t ne = tm_name_normalize(cases[i].in, out);
        tm_name_error_t de = tm_domain_normalize(cases[i].in, dout);
        if (ne != cases[i].name_err || de != cases[i].domain_err)
            print_error("case %zu \"%s\": name %d (want %d), domain %d (want %d)\n", i,
                        cases[i].in, ne, cases[i].name_err, de, cases[i].domain_err);
        assert_int_equal(ne, cases[i].name_err);
        assert_int_equal(de, cases[i].domain_err);
        if (ne == TM_NAME_OK)
            assert_string_equal(out, cases[i].canonical);
        if (de == TM_NAME_OK)
            assert_string_equal(dout, cases[i].canonical);
    }
}

static void test_valid_names(void **state)
{
    (void)state;
    const name_case_t cases[] = {
        {"example.com", TM_NAME_OK, TM_NAME_OK, "example.com"},
        {"example.com.", TM_NAME_OK, TM_NAME_OK, "example.com"},
        {"Example.COM.", TM_NAME_OK, TM_NAME_OK, "example.com"},
        {"MiXeD-Case.Example.ORG", TM_NAME_OK, TM_NAME_OK, "mixed-case.example.org"},
        {"mail.example.co.jp", TM_NAME_OK, TM_NAME_OK, "mail.example.co.jp"},
        {"_spf.example.com", TM_NAME_OK, TM_NAME_OK, "_spf.example.com"},
        {"_DMARC.Example.com", TM_NAME_OK, TM_NAME_OK, "_dmarc.example.com"},
        {"a_b.example.com", TM_NAME_OK, TM_NAME_OK, "a_b.example.com"},
        {"xn--r8jz45g.jp", TM_NAME_OK, TM_NAME_OK, "xn--r8jz45g.jp"},
        {"a.b", TM_NAME_OK, TM_NAME_OK, "a.b"},
        {"123.example", TM_NAME_OK, TM_NAME_OK, "123.example"},
        {"example.c0m", TM_NAME_OK, TM_NAME_OK, "example.c0m"},
        {"1-2.3-4", TM_NAME_OK, TM_NAME_OK, "1-2.3-4"},
        {"example.1com", TM_NAME_OK, TM_NAME_OK, "example.1com"},
        {label63com, TM_NAME_OK, TM_NAME_OK, label63com},
        {name253, TM_NAME_OK, TM_NAME_OK, name253},
        {name253dot, TM_NAME_OK, TM_NAME_OK, name253},
        /* one label: a host name, not a mail domain */
        {"localhost", TM_NAME_OK, TM_NAME_SINGLE_LABEL, "localhost"},
        {"LOCALHOST.", TM_NAME_OK, TM_NAME_SINGLE_LABEL, "localhost"},
        {"_spf", TM_NAME_OK, TM_NAME_SINGLE_LABEL, "_spf"},
        {label63, TM_NAME_OK, TM_NAME_SINGLE_LABEL, label63},
    };
    check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_lower_casing(void **state)
{
    (void)state;
    char want[64];
    fill(want, 'q', 63);
    char out[TM_NAME_MAX + 1];
    assert_int_equal(tm_name_normalize(label63upper, out), TM_NAME_OK);
    assert_string_equal(out, want);
    char all[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ.abcdefghijklmnopqrstuvwxyz-0123456789_X";
    assert_int_equal(tm_name_normalize(all, out), TM_NAME_OK);
    assert_string_equal(out, "abcdefghijklmnopqrstuvwxyz.abcdefghijklmnopqrstuvwxyz-0123456789_x");
}

static void test_invalid_structure(void **state)
{
    (void)state;
    const name_case_t cases[] = {
        {"", TM_NAME_EMPTY, TM_NAME_EMPTY, NULL},
        {".", TM_NAME_EMPTY, TM_NAME_EMPTY, NULL},
        {"..", TM_NAME_LABEL_EMPTY, TM_NAME_LABEL_EMPTY, NULL},
        {"example..com", TM_NAME_LABEL_EMPTY, TM_NAME_LABEL_EMPTY, NULL},
        {".example.com", TM_NAME_LABEL_EMPTY, TM_NAME_LABEL_EMPTY, NULL},
        {"example.com..", TM_NAME_LABEL_EMPTY, TM_NAME_LABEL_EMPTY, NULL},
        {label64com, TM_NAME_LABEL_TOO_LONG, TM_NAME_LABEL_TOO_LONG, NULL},
        {last64, TM_NAME_LABEL_TOO_LONG, TM_NAME_LABEL_TOO_LONG, NULL},
        {label64, TM_NAME_LABEL_TOO_LONG, TM_NAME_LABEL_TOO_LONG, NULL},
        {name254, TM_NAME_TOO_LONG, TM_NAME_TOO_LONG, NULL},
        {name254dot, TM_NAME_TOO_LONG, TM_NAME_TOO_LONG, NULL},
        {"-example.com", TM_NAME_HYPHEN_EDGE, TM_NAME_HYPHEN_EDGE, NULL},
        {"example-.com", TM_NAME_HYPHEN_EDGE, TM_NAME_HYPHEN_EDGE, NULL},
        {"example.-com", TM_NAME_HYPHEN_EDGE, TM_NAME_HYPHEN_EDGE, NULL},
        {"example.com-", TM_NAME_HYPHEN_EDGE, TM_NAME_HYPHEN_EDGE, NULL},
        {"example.com-.", TM_NAME_HYPHEN_EDGE, TM_NAME_HYPHEN_EDGE, NULL},
        {"-", TM_NAME_HYPHEN_EDGE, TM_NAME_HYPHEN_EDGE, NULL},
    };
    check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_bad_characters(void **state)
{
    (void)state;
    const name_case_t cases[] = {
        {"exa mple.com", TM_NAME_BAD_CHAR, TM_NAME_BAD_CHAR, NULL},
        {" example.com", TM_NAME_BAD_CHAR, TM_NAME_BAD_CHAR, NULL},
        {"example.com ", TM_NAME_BAD_CHAR, TM_NAME_BAD_CHAR, NULL},
        {"exa\tmple.com", TM_NAME_BAD_CHAR, TM_NAME_BAD_CHAR, NULL},
        {"example.com\n", TM_NAME_BAD_CHAR, TM_NAME_BAD_CHAR, NULL},
        {"caf\xc3\xa9.com", TM_NAME_BAD_CHAR, TM_NAME_BAD_CHAR, NULL},   /* UTF-8 e-acute */
        {"caf\xe9.com", TM_NAME_BAD_CHAR, TM_NAME_BAD_CHAR, NULL},       /* Latin-1 e-acute */
        {"\xe4\xbe\x8b\xe3\x81\x88.jp", TM_NAME_BAD_CHAR, TM_NAME_BAD_CHAR, NULL},
        {"\xff.com", TM_NAME_BAD_CHAR, TM_NAME_BAD_CHAR, NULL},
        {"example.\x80", TM_NAME_BAD_CHAR, TM_NAME_BAD_CHAR, NULL},
        {"*.example.com", TM_NAME_BAD_CHAR, TM_NAME_BAD_CHAR, NULL},
        {"ex@mple.com", TM_NAME_BAD_CHAR, TM_NAME_BAD_CHAR, NULL},
        {"example.com/", TM_NAME_BAD_CHAR, TM_NAME_BAD_CHAR, NULL},
        {"example,com", TM_NAME_BAD_CHAR, TM_NAME_BAD_CHAR, NULL},
        {"user@example.com", TM_NAME_BAD_CHAR, TM_NAME_BAD_CHAR, NULL},
        {"exa\x7fmple.com", TM_NAME_BAD_CHAR, TM_NAME_BAD_CHAR, NULL},
    };
    check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

/* RFC 1123 section 2.1: an all-numeric last label would read as an address. */
static void test_ip_literals(void **state)
{
    (void)state;
    const name_case_t cases[] = {
        {"192.0.2.1", TM_NAME_ALL_NUMERIC_TLD, TM_NAME_ALL_NUMERIC_TLD, NULL},
        {"192.0.2.1.", TM_NAME_ALL_NUMERIC_TLD, TM_NAME_ALL_NUMERIC_TLD, NULL},
        {"example.123", TM_NAME_ALL_NUMERIC_TLD, TM_NAME_ALL_NUMERIC_TLD, NULL},
        {"123", TM_NAME_ALL_NUMERIC_TLD, TM_NAME_ALL_NUMERIC_TLD, NULL},
        {"a.0", TM_NAME_ALL_NUMERIC_TLD, TM_NAME_ALL_NUMERIC_TLD, NULL},
        /* tm_util.h: "A name that is an IP literal fails with
         * TM_NAME_ALL_NUMERIC_TLD" - IPv6 literals too */
        {"2001:db8::1", TM_NAME_ALL_NUMERIC_TLD, TM_NAME_ALL_NUMERIC_TLD, NULL},
        {"::1", TM_NAME_ALL_NUMERIC_TLD, TM_NAME_ALL_NUMERIC_TLD, NULL},
        {"::ffff:192.0.2.1", TM_NAME_ALL_NUMERIC_TLD, TM_NAME_ALL_NUMERIC_TLD, NULL},
        /* not an address, just a colon */
        {"example.com:25", TM_NAME_BAD_CHAR, TM_NAME_BAD_CHAR, NULL},
    };
    check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_strerror(void **state)
{
    (void)state;
    for (int a = TM_NAME_OK; a <= TM_NAME_ALL_NUMERIC_TLD; a++) {
        const char *sa = tm_name_strerror((tm_name_error_t)a);
        assert_non_null(sa);
        assert_true(strlen(sa) > 0);
        for (int b = TM_NAME_OK; b < a; b++)
            assert_string_not_equal(sa, tm_name_strerror((tm_name_error_t)b));
    }
    assert_non_null(strstr(tm_name_strerror(TM_NAME_TOO_LONG), "253"));
    assert_non_null(strstr(tm_name_strerror(TM_NAME_LABEL_TOO_LONG), "63"));
    assert_non_null(tm_name_strerror((tm_name_error_t)999));
}

static void test_label_valid(void **state)
{
    (void)state;
    char l64[65];
    fill(l64, 'x', 64);
    static const struct {
        const char *label;
        bool ok;
    } cases[] = {
        {"abc", true},   {"ABC", true},   {"123", true},   {"a-b", true},
        {"a--b", true},  {"tm-jp1", true}, {"ab", false},  {"a", false},
        {"", false},     {"-ab", false},  {"ab-", false},  {"---", false},
        {"a_b", false},  {"a.b", false},  {"a b", false},  {" abc", false},
        {"abc\n", false}, {"\xc3\xa9" "ab", false}, {"ab\xff", false}, {"ab/", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (tm_label_valid(cases[i].label, 3, 63) != cases[i].ok)
            print_error("label \"%s\"\n", cases[i].label);
        assert_int_equal(tm_label_valid(cases[i].label, 3, 63), cases[i].ok);
    }
    assert_true(tm_label_valid(label63, 3, 63));
    assert_false(tm_label_valid(l64, 3, 63));
    /* the bounds are the caller's */
    assert_true(tm_label_valid("ab", 2, 2));
    assert_false(tm_label_valid("abc", 2, 2));
    assert_true(tm_label_valid("a", 1, 63));
    assert_false(tm_label_valid("", 0, 63));
}

static void test_name_equal(void **state)
{
    (void)state;
    static const struct {
        const char *a, *b;
        bool eq;
    } cases[] = {
        {"example.com", "example.com", true},
        {"example.com", "EXAMPLE.COM.", true},
        {"Example.Com.", "example.com", true},
        {"example.com.", "example.com.", true},
        {"example.com", "example.co", false},
        {"example.co", "example.com", false},
        {"example.com", "example.com..", false},
        {"example.com", "xample.com", false},
        {"mail.example.com", "example.com", false},
        {"a", "b", false},
        {"_spf.example.com", "_SPF.example.com", true},
        {"[.example.com", "{.example.com", false}, /* 0x5b vs 0x7b: not letters */
        {"\xc9.example.com", "\xe9.example.com", false}, /* RFC 4343: ASCII only */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(tm_name_equal(cases[i].a, cases[i].b), cases[i].eq);
        assert_int_equal(tm_name_equal(cases[i].b, cases[i].a), cases[i].eq);
    }
}

static void test_has_suffix(void **state)
{
    (void)state;
    static const struct {
        const char *name, *suffix;
        bool match;
    } cases[] = {
        {"mail.example.com", "example.com", true},
        {"example.com", "example.com", true},
        {"EXAMPLE.COM.", "example.com", true},
        {"example.com", "Example.Com.", true},
        {"a.b.example.com", "b.example.com", true},
        {"mail.example.com", "com", true},
        {"mail.example.com.", "COM.", true},
        {"example.com", "ample.com", false}, /* not on a label boundary */
        {"badexample.com", "example.com", false},
        {"xample.com", "example.com", false},
        {"example.com.evil.net", "example.com", false},
        {"mail.example.com", "mail.example", false},
        {"mail.example.com", "m", false},
        {"mail.example.com", "", false},
        {"mail.example.com", ".", false},
        {"", "example.com", false},
        {"", "", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (tm_name_has_suffix(cases[i].name, cases[i].suffix) != cases[i].match)
            print_error("has_suffix(\"%s\", \"%s\")\n", cases[i].name, cases[i].suffix);
        assert_int_equal(tm_name_has_suffix(cases[i].name, cases[i].suffix), cases[i].match);
    }
}

/* gettext needs setlocale(); in a Latin-1 locale the <ctype.h> classes
 * accept and fold bytes >= 0x80.  The name rules are ASCII (RFC 1123,
 * RFC 4343) whatever the user's locale. */
static bool enter_latin1_locale(void)
{
    static const char *const names[] = {"de_DE.ISO-8859-1", "en_US.ISO-8859-1", "de_DE",
                                        "en_US", "fr_FR.ISO-8859-1", "fr_FR"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (setlocale(LC_ALL, names[i]))
            return true;
    }
    return false;
}

static void test_locale_independent(void **state)
{
    (void)state;
    if (!enter_latin1_locale()) {
        skip();
        return;
    }
    char out[TM_NAME_MAX + 1];
    tm_name_error_t e1 = tm_name_normalize("caf\xe9.com", out);
    tm_name_error_t e2 = tm_name_normalize("\xc9" "cole.fr", out);
    bool lv = tm_label_valid("caf\xe9", 3, 63);
    bool eq = tm_name_equal("\xc9.example.com", "\xe9.example.com");
    bool sfx = tm_name_has_suffix("a.\xc9.com", "\xe9.com");
    setlocale(LC_ALL, "C");
    assert_int_equal(e1, TM_NAME_BAD_CHAR);
    assert_int_equal(e2, TM_NAME_BAD_CHAR);
    assert_false(lv);
    assert_false(eq);
    assert_false(sfx);
}

/* The one canonical spelling: ASCII lower case, one trailing dot dropped,
 * every other byte (escapes, bytes >= 0x80) kept. */
static void test_canonical(void **state)
{
    (void)state;
    char out[32];
    assert_true(tm_name_canonical("WWW.Example.COM.", 16, out, sizeof out));
    assert_string_equal(out, "www.example.com");
    assert_true(tm_name_canonical("a..", 3, out, sizeof out));
    assert_string_equal(out, "a.");
    assert_true(tm_name_canonical("\\046X\xc9.", 7, out, sizeof out));
    assert_string_equal(out, "\\046x\xc9");
    assert_true(tm_name_canonical(".", 1, out, sizeof out));
    assert_string_equal(out, "");
    /* len bounds the input: no NUL needed there */
    assert_true(tm_name_canonical("ABCDEF", 3, out, sizeof out));
    assert_string_equal(out, "abc");
    /* the name and its NUL must fit */
    assert_true(tm_name_canonical("ABCD", 4, out, 5));
    assert_string_equal(out, "abcd");
    assert_false(tm_name_canonical("ABCD", 4, out, 4));
    assert_true(tm_name_canonical("ABCD.", 5, out, 5));

    char *dup = tm_name_canonical_dup("Mail.Example.JP.");
    assert_non_null(dup);
    assert_string_equal(dup, "mail.example.jp");
    tm_free(dup);
    tm_alloc_fail_after(1);
    assert_null(tm_name_canonical_dup("x"));
    tm_alloc_fail_after(0);
}

/* tm_name_hash agrees with tm_name_equal: case and one trailing dot do
 * not change it; the type and the name do.  It is FNV-1a over the
 * canonical name, then the type's two bytes in network order. */
static void test_name_hash(void **state)
{
    (void)state;
    uint64_t h = tm_name_hash("example.com", 16);
    assert_true(h == tm_name_hash("Example.COM.", 16));
    assert_true(h == tm_name_hash("EXAMPLE.com", 16));
    assert_true(h != tm_name_hash("example.com", 15));
    assert_true(h != tm_name_hash("example.org", 16));
    assert_true(h != tm_name_hash("example.com..", 16));
    const uint8_t type_bytes[] = {0, 16};
    uint64_t want = tm_fnv1a(tm_fnv1a(TM_FNV1A_INIT, "example.com", 11), type_bytes, 2);
    assert_true(h == want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_names),
        cmocka_unit_test(test_lower_casing),
        cmocka_unit_test(test_invalid_structure),
        cmocka_unit_test(test_bad_characters),
        cmocka_unit_test(test_ip_literals),
        cmocka_unit_test(test_strerror),
        cmocka_unit_test(test_label_valid),
        cmocka_unit_test(test_name_equal),
        cmocka_unit_test(test_has_suffix),
        cmocka_unit_test(test_locale_independent),
        cmocka_unit_test(test_canonical),
        cmocka_unit_test(test_name_hash),
    };
    return cmocka_run_group_tests(tests, build_names, NULL);
}
