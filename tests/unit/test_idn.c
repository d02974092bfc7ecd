/* test_idn.c - tm_domain_from_user: what a user types becomes the A-label
 * form DNS uses under IDNA2008 (RFC 5890-5892, via libidn2 in the IDN
 * plugin), shown to people in its U-label form (docs/checks.md domain.name:
 * internationalised names are accepted and shown in both forms); every
 * invalid name is refused with a reason; without the plugin, ASCII names
 * still work and the others are refused as unsupported, never as invalid. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmems/tm_plugin.h"
#include "tmems/tm_util.h"

/* The plugins of the build tree (cmake/plugins.cmake), as the command
 * line's locator finds them. */
static void build_plugins(char *out, size_t outlen)
{
    snprintf(out, outlen, "%s", TM_TEST_PLUGIN_DIR);
}

static void no_plugins(char *out, size_t outlen)
{
    snprintf(out, outlen, "%s", "/nonexistent-tmems-plugins");
}

static int setup(void **state)
{
    (void)state;
    tm_plugin_set_locator(build_plugins);
    setenv("LANGUAGE", "C", 1);
    setenv("LANG", "C", 1);
    setlocale(LC_ALL, "C");
    tm_alloc_fail_after(0);
    return 0;
}

static void accept(const char *input, const char *ascii, const char *display)
{
    char a[TM_NAME_MAX + 1], d[TM_NAME_MAX * 4 + 1];
    const char *why = "untouched";
    tm_status_t st = tm_domain_from_user(input, a, d, &why);
    if (st != TM_OK)
        fail_msg("\"%s\" refused: %s", input, why ? why : "(no reason)");
    assert_null(why);
    assert_string_equal(a, ascii);
    assert_string_equal(d, display);
}

static const char *refuse(const char *input)
{
    char a[TM_NAME_MAX + 1], d[TM_NAME_MAX * 4 + 1];
    const char *why = NULL;
    tm_status_t st = tm_domain_from_user(input, a, d, &why);
    if (st == TM_OK)
        fail_msg("\"%s\" accepted as %s", input, a);
    assert_int_equal(st, TM_EINVAL);
    assert_non_null(why);
    assert_true(strlen(why) > 0);
    return why;
}

static void test_ascii(void **state)
{
    (void)state;
    accept("example.com", "example.com", "example.com");
    accept("Mail.Example.COM.", "mail.example.com", "mail.example.com");
    accept("a-b.example", "a-b.example", "a-b.example");
}

static void test_u_label_to_a_label(void **state)
{
    (void)state;
    accept("例え.jp", "xn--r8jz45g.jp", "例え.jp");
    accept("例え.jp.", "xn--r8jz45g.jp", "例え.jp");
    accept("例え.JP", "xn--r8jz45g.jp", "例え.jp");
    accept("日本語.jp", "xn--wgv71a119e.jp", "日本語.jp");
    accept("メール.例え.jp", "xn--4dkua4c.xn--r8jz45g.jp", "メール.例え.jp");
}

static void test_ideographic_full_stop(void **state)
{
    (void)state;
    /* a Japanese keyboard types 。 between labels (UTS 46 maps it to '.') */
    accept("日本語。jp", "xn--wgv71a119e.jp", "日本語.jp");
}

static void test_nontransitional(void **state)
{
    (void)state;
    /* IDNA2008 keeps ß (IDNA2003 would have mapped it to "ss") */
    accept("faß.de", "xn--fa-hia.de", "faß.de");
}

static void test_nfc(void **state)
{
    (void)state;
    /* が typed decomposed (か + U+3099) is the same name as composed が */
    accept("\xe3\x81\x8b\xe3\x82\x99.jp", "xn--v8j.jp", "が.jp");
    accept("が.jp", "xn--v8j.jp", "が.jp");
}

static void test_a_label_typed(void **state)
{
    (void)state;
    accept("xn--r8jz45g.jp", "xn--r8jz45g.jp", "例え.jp");
    accept("XN--R8JZ45G.JP.", "xn--r8jz45g.jp", "例え.jp");
}

static void test_invalid_a_labels(void **state)
{
    (void)state;
    /* not Punycode at all */
    assert_non_null(strstr(refuse("xn--zz.jp"), "A-label"));
    assert_non_null(strstr(refuse("xn--a.jp"), "A-label"));
    /* Punycode of a code point IDNA2008 disallows (snowman, emoji) */
    assert_non_null(strstr(refuse("xn--n3h.com"), "A-label"));
    assert_non_null(strstr(refuse("xn--ls8h.la"), "A-label"));
    /* an A-label that is not in canonical form: "xn--" + Punycode of ASCII */
    refuse("xn--example-.jp");
    refuse("例え.xn--zz.jp");
}

static void test_disallowed_u_labels(void **state)
{
    (void)state;
    refuse("☃.com");
    refuse("💩.la");
    /* a leading combining mark (RFC 5891 section 5.4) */
    refuse("\xcc\x81" "a.jp");
    /* ZERO WIDTH JOINER outside its CONTEXTJ rule (RFC 5892 appendix A.2) */
    refuse("a\xe2\x80\x8d" "b.jp");
    refuse("例え.-a.jp");
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    assert_non_null(strstr(refuse("\xff.jp"), "UTF-8"));
    refuse("\xe4\xbe.jp");           /* truncated sequence */
    refuse("\xc0\xae.jp");           /* overlong '.' */
    refuse("\xed\xa0\x80.jp");       /* a surrogate */
}

static void test_ldh_rules(void **state)
{
    (void)state;
    refuse("");
    refuse(".");
    refuse("localhost");        /* one label: no mail domain */
    refuse("例え");              /* one label, too */
    refuse("-a.jp");
    refuse("a-.jp");
    refuse("exa mple.jp");
    refuse("ready..example");
    refuse("example.jp..");
    refuse("1.2.3.4");          /* an address, not a name */
    refuse("example.123");
    refuse("a/b.example");
    refuse("a@b.example");
}

static void test_hostile_bytes(void **state)
{
    (void)state;
    refuse("a\x1b[31m.jp");
    refuse("a\n.jp");
    refuse("a\x7f.jp");
    /* a C1 control (CSI) is not a valid code point in a label */
    refuse("a\xc2\x9b" "31m.jp");
}

static void test_lengths(void **state)
{
    (void)state;
    char label63[64], label64[65], name[400];
    memset(label63, 'a', 63);
    label63[63] = '\0';
    memset(label64, 'a', 64);
    label64[64] = '\0';

    snprintf(name, sizeof(name), "%s.jp", label63);
    accept(name, name, name);
    snprintf(name, sizeof(name), "%s.jp", label64);
    assert_non_null(strstr(refuse(name), "63"));

    /* 253 characters is the longest name; 254 is too long */
    snprintf(name, sizeof(name), "%s.%s.%s.%.58s.jp", label63, label63, label63, label63);
    assert_int_equal(strlen(name), 253);
    accept(name, name, name);
    snprintf(name, sizeof(name), "%s.%s.%s.%.59s.jp", label63, label63, label63, label63);
    assert_int_equal(strlen(name), 254);
    refuse(name);

    /* a U-label whose A-label form is over 63 octets */
    char idn[400] = "";
    for (int i = 0; i < 5; i++)
        strcat(idn, "日本語のドメイン名"); /* 45 characters, 75 octets of Punycode */
    strcat(idn, ".jp");
    refuse(idn);

    /* far too long input is refused before conversion */
    char *huge = malloc(5000);
    assert_non_null(huge);
    memset(huge, 'a', 4999);
    huge[4999] = '\0';
    refuse(huge);
    free(huge);
}

static void test_why_may_be_null(void **state)
{
    (void)state;
    char a[TM_NAME_MAX + 1], d[TM_NAME_MAX * 4 + 1];
    assert_int_equal(tm_domain_from_user("bad name.jp", a, d, NULL), TM_EINVAL);
    assert_int_equal(tm_domain_from_user("例え.jp", a, d, NULL), TM_OK);
    assert_string_equal(a, "xn--r8jz45g.jp");
}

/* Without the plugin: plain ASCII names need no IDNA2008; a U-label or an
 * A-label is unsupported (not invalid), and tm_idn_ready names the file. */
static void test_missing_plugin(void **state)
{
    (void)state;
    tm_plugin_set_locator(no_plugins);
    accept("Mail.Example.COM.", "mail.example.com", "mail.example.com");
    char a[TM_NAME_MAX + 1], d[TM_NAME_MAX * 4 + 1];
    const char *why = NULL;
    assert_int_equal(tm_domain_from_user("例え.jp", a, d, &why), TM_EUNSUPPORTED);
    assert_non_null(why);
    assert_non_null(strstr(why, "IDN plugin"));
    why = NULL;
    assert_int_equal(tm_domain_from_user("xn--r8jz45g.jp", a, d, &why), TM_EUNSUPPORTED);
    assert_non_null(why);
    /* Invalid names are still invalid, whatever is installed. */
    assert_int_equal(tm_domain_from_user("bad name.jp", a, d, NULL), TM_EINVAL);
    char err[2048];
    assert_int_equal(tm_idn_ready(err, sizeof err), TM_EUNSUPPORTED);
    assert_non_null(strstr(err, "the IDN plugin is missing or broken"));
    assert_non_null(strstr(err, "/nonexistent-tmems-plugins/idn.so"));
    assert_int_equal(tm_idn_ready(NULL, 0), TM_EUNSUPPORTED);

    tm_plugin_set_locator(build_plugins);
    assert_int_equal(tm_idn_ready(err, sizeof err), TM_OK);
    accept("例え.jp", "xn--r8jz45g.jp", "例え.jp");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_ascii, setup),
        cmocka_unit_test_setup(test_u_label_to_a_label, setup),
        cmocka_unit_test_setup(test_ideographic_full_stop, setup),
        cmocka_unit_test_setup(test_nontransitional, setup),
        cmocka_unit_test_setup(test_nfc, setup),
        cmocka_unit_test_setup(test_a_label_typed, setup),
        cmocka_unit_test_setup(test_invalid_a_labels, setup),
        cmocka_unit_test_setup(test_disallowed_u_labels, setup),
        cmocka_unit_test_setup(test_invalid_utf8, setup),
        cmocka_unit_test_setup(test_ldh_rules, setup),
        cmocka_unit_test_setup(test_hostile_bytes, setup),
        cmocka_unit_test_setup(test_lengths, setup),
        cmocka_unit_test_setup(test_why_may_be_null, setup),
        cmocka_unit_test_setup(test_missing_plugin, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
