/* test_ascii.c - ASCII case folding (tm_ascii_lower in tm_util.h) and the
 * ASCII-only strcasecmp/strncasecmp of util/ascii.c: A-Z fold, nothing
 * else, whatever the locale. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>

#include "tmems/tm_util.h"

static int sign(int v) { return (v > 0) - (v < 0); }

/* tm_ascii_lower folds A-Z only. */
static void test_lower(void **state)
{
    (void)state;
    for (int c = 0; c < 256; c++) {
        char want = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (char)c;
        assert_int_equal(tm_ascii_lower((char)c), want);
    }
}

static void test_ncasecmp(void **state)
{
    (void)state;
    assert_int_equal(tm_ascii_ncasecmp("REDIRECT=x", "redirect", 8), 0);
    assert_int_equal(tm_ascii_ncasecmp("v=SPF1 -all", "v=spf1", 6), 0);
    assert_int_equal(tm_ascii_ncasecmp("abc", "abd", 2), 0);
    assert_int_equal(sign(tm_ascii_ncasecmp("abc", "abd", 3)), -1);
    assert_int_equal(sign(tm_ascii_ncasecmp("ABD", "abc", 3)), 1);
    assert_int_equal(tm_ascii_ncasecmp("", "", 5), 0);
    assert_int_equal(tm_ascii_ncasecmp("anything", "else", 0), 0);
    /* a shorter string compares below: its NUL against a letter */
    assert_int_equal(sign(tm_ascii_ncasecmp("ab", "abc", 3)), -1);
    assert_int_equal(sign(tm_ascii_ncasecmp("abc", "AB", 3)), 1);
    /* equal up to a common NUL: nothing after it is read */
    assert_int_equal(tm_ascii_ncasecmp("ab\0x", "AB\0y", 4), 0);
    /* bytes >= 0x80 compare as themselves, above ASCII */
    assert_int_equal(sign(tm_ascii_ncasecmp("\xc9", "\xe9", 1)), -1);
    assert_int_equal(tm_ascii_ncasecmp("\xc9t\xc9", "\xc9T\xc9", 3), 0);
    assert_int_equal(sign(tm_ascii_ncasecmp("\xe9", "z", 1)), 1);
    /* '@' and '[' sit beside A-Z; '`' and '{' beside a-z: no folding */
    assert_true(tm_ascii_ncasecmp("@", "`", 1) != 0);
    assert_true(tm_ascii_ncasecmp("[", "{", 1) != 0);
}

static void test_casecmp(void **state)
{
    (void)state;
    assert_int_equal(tm_ascii_casecmp("Example.COM", "example.com"), 0);
    assert_int_equal(sign(tm_ascii_casecmp("example", "example.com")), -1);
    assert_int_equal(sign(tm_ascii_casecmp("b", "A")), 1);
    assert_int_equal(tm_ascii_casecmp("", ""), 0);
}

/* Whatever locale gettext's setlocale() chose, the answers stay: 'I' is
 * 'i' (not so under tr_TR for strcasecmp), 0xC9 is not 0xE9 (it is under
 * a Latin-1 LC_CTYPE).  Locales that are not installed are skipped. */
static void test_locale_independent(void **state)
{
    (void)state;
    static const char *names[] = {"tr_TR.UTF-8", "tr_TR.ISO-8859-9", "tr_TR",
                                  "en_US.ISO-8859-1", "de_DE.ISO-8859-1", "C.UTF-8"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!setlocale(LC_ALL, names[i]))
            continue;
        int redirect = tm_ascii_ncasecmp("REDIRECT", "redirect", 8);
        int latin = tm_ascii_casecmp("\xc9", "\xe9");
        setlocale(LC_ALL, "C");
        assert_int_equal(redirect, 0);
        assert_true(latin != 0);
    }
    setlocale(LC_ALL, "C");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lower),
        cmocka_unit_test(test_ncasecmp),
        cmocka_unit_test(test_casecmp),
        cmocka_unit_test(test_locale_independent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
