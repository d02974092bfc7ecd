/* test_spf_macro.c - macro validation and expansion (RFC 7208 section 7),
 * with the examples of section 7.4 computed by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "spf_fixture.h"

typedef struct {
    tm_ip_t ip4, ip6;
    tm_spf_macro_env_t env;
} fix_t;

/* The section 7.4 setting: sender strong-bad@email.example.com, client
 * 192.0.2.3 or 2001:db8::cb01, PTR name mx.example.org. */
static int setup(void **state)
{
    static fix_t f;
    memset(&f, 0, sizeof(f));
    f.ip4 = fx_ip("192.0.2.3");
    f.ip6 = fx_ip("2001:db8::cb01");
    f.env.sender = "strong-bad@email.example.com";
    f.env.local = "strong-bad";
    f.env.sender_domain = "email.example.com";
    f.env.domain = "email.example.com";
    f.env.ip = &f.ip4;
    f.env.helo = "mx.example.org";
    f.env.validated = "mx.example.org";
    *state = &f;
    return 0;
}

static void expect(const tm_spf_macro_env_t *env, const char *macro, bool exp_text, const char *want)
{
    tm_buf_t out;
    tm_buf_init(&out);
    tm_status_t st = tm_spf_macro_expand(macro, strlen(macro), env, exp_text, &out);
    if (st != TM_OK || strcmp(out.data ? out.data : "", want) != 0)
        print_error("%s: got \"%s\" (status %d), want \"%s\"\n", macro, out.data ? out.data : "", st, want);
    assert_int_equal(st, TM_OK);
    assert_string_equal(out.data ? out.data : "", want);
    tm_buf_clear(&out);
}

static void test_rfc_examples_ip4(void **state)
{
    fix_t *f = *state;
    const tm_spf_macro_env_t *e = &f->env;
    expect(e, "%{s}", false, "strong-bad@email.example.com");
    expect(e, "%{o}", false, "email.example.com");
    expect(e, "%{d}", false, "email.example.com");
    expect(e, "%{d4}", false, "email.example.com");
    expect(e, "%{d3}", false, "email.example.com");
    expect(e, "%{d2}", false, "example.com");
    expect(e, "%{d1}", false, "com");
    expect(e, "%{dr}", false, "com.example.email");
    expect(e, "%{d2r}", false, "example.email");
    expect(e, "%{l}", false, "strong-bad");
    expect(e, "%{l-}", false, "strong.bad");
    expect(e, "%{lr}", false, "strong-bad");
    expect(e, "%{lr-}", false, "bad.strong");
    expect(e, "%{l1r-}", false, "strong");
    expect(e, "%{ir}.%{v}._spf.%{d2}", false, "3.2.0.192.in-addr._spf.example.com");
    expect(e, "%{lr-}.lp._spf.%{d2}", false, "bad.strong.lp._spf.example.com");
    expect(e, "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", false,
           "bad.strong.lp.3.2.0.192.in-addr._spf.example.com");
    expect(e, "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", false,
           "3.2.0.192.in-addr.strong.lp._spf.example.com");
    expect(e, "%{d2}.trusted-domains.example.net", false, "example.com.trusted-domains.example.net");
}

static void test_rfc_examples_ip6(void **state)
{
    fix_t *f = *state;
    tm_spf_macro_env_t e = f->env;
    e.ip = &f->ip6;
    expect(&e, "%{ir}.%{v}._spf.%{d2}", false,
           "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com");
    expect(&e, "%{i}", false,
           "2.0.0.1.0.d.b.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.c.b.0.1");
    expect(&e, "%{c}", true, "2001:db8::cb01");
    expect(&e, "%{v}", false, "ip6");
}

static void test_specials(void **state)
{
    fix_t *f = *state;
    expect(&f->env, "a%%b%_c%-d", false, "a%b c%20d");
    expect(&f->env, "%{p}", false, "mx.example.org");
    expect(&f->env, "%{h}", false, "mx.example.org");
    expect(&f->env, "%{v}", false, "in-addr");
    expect(&f->env, "%{c}", true, "192.0.2.3");
    expect(&f->env, "%{i}", false, "192.0.2.3");
    expect(&f->env, "%{r}", true, "unknown");
    tm_spf_macro_env_t e = f->env;
    e.validated = NULL;
    e.receiver = "mx.receiver.example";
    e.timestamp = 1700000000;
    expect(&e, "%{p}", false, "unknown");
    expect(&e, "%{r} at %{t}", true, "mx.receiver.example at 1700000000");
    /* more parts asked for than there are: all of them */
    expect(&e, "%{d100}", false, "email.example.com");
    expect(&e, "%{d99999999999999999999r}", false, "com.example.email");
    /* several delimiters, and the reversal an upper-case R */
    e.local = "foo-bar+zip+quux";
    expect(&e, "%{l2r+-}", false, "bar.foo");
    expect(&e, "%{l2R+-}", false, "bar.foo");
    expect(&e, "%{l=,/_}", false, "foo-bar+zip+quux");
    e.local = "a..b";
    expect(&e, "%{lr}", false, "b..a");
    e.local = "";
    expect(&e, "[%{l}][%{lr}][%{l1}]", false, "[][][]");
}

static void test_url_escape(void **state)
{
    fix_t *f = *state;
    tm_spf_macro_env_t e = f->env;
    /* section 7.3: upper-case letters are URL-escaped (unreserved kept) */
    e.local = "~jack&jill=up-a_b3.c";
    expect(&e, "%{L}", false, "~jack%26jill%3Dup-a_b3.c");
    expect(&e, "%{l}", false, "~jack&jill=up-a_b3.c");
    e.helo = "JUMPIN' JUPITER";
    expect(&e, "%{H}", false, "JUMPIN%27%20JUPITER");
    e.helo = "[192.0.2.1]";
    expect(&e, "%{H}.bar", false, "%5B192.0.2.1%5D.bar");
    expect(&e, "%{D2}", false, "example.com");
    e.local = "a b/c";
    expect(&e, "%{L/}", false, "a%20b.c");
}

static void test_exp_text(void **state)
{
    fix_t *f = *state;
    expect(&f->env, "Mail from %{c} for %{s} is not allowed.", true,
           "Mail from 192.0.2.3 for strong-bad@email.example.com is not allowed.");
    expect(&f->env, "trailing dot.", true, "trailing dot.");
    /* an invalid macro cannot be expanded */
    tm_buf_t out;
    tm_buf_init(&out);
    assert_int_equal(tm_spf_macro_expand("%{x}", 4, &f->env, true, &out), TM_EINVAL);
    assert_int_equal(tm_spf_macro_expand("%{c}", 4, &f->env, false, &out), TM_EINVAL);
    assert_int_equal(tm_spf_macro_expand("50%", 3, &f->env, true, &out), TM_EINVAL);
    assert_int_equal(tm_spf_macro_expand("%(i)", 4, &f->env, true, &out), TM_EINVAL);
    tm_buf_clear(&out);
}

static void test_expansion_bound(void **state)
{
    fix_t *f = *state;
    tm_spf_macro_env_t e = f->env;
    static char sender[TM_SPF_INPUT_MAX + 1];
    memset(sender, 's', TM_SPF_INPUT_MAX);
    e.sender = sender;
    static char spec[2000];
    spec[0] = '\0';
    for (int i = 0; i < 200; i++) /* 200 x 512 bytes > 64 KiB */
        strcat(spec, "%{s}");
    tm_buf_t out;
    tm_buf_init(&out);
    assert_int_equal(tm_spf_macro_expand(spec, strlen(spec), &e, false, &out), TM_ERANGE);
    tm_buf_clear(&out);
    char name[TM_NAME_MAX + 1];
    assert_int_equal(tm_spf_expand_domain(spec, &e, name), TM_EINVAL);
}

static void test_expand_domain(void **state)
{
    fix_t *f = *state;
    char name[TM_NAME_MAX + 1];
    assert_int_equal(tm_spf_expand_domain("%{d2}.Trusted.Example.NET.", &f->env, name), TM_OK);
    assert_string_equal(name, "example.com.trusted.example.net");
    /* section 7.3: longer than 253 bytes loses labels on the left */
    tm_spf_macro_env_t e = f->env;
    e.sender_domain = "somewhat.long.exp.example.com";
    assert_int_equal(tm_spf_expand_domain("foobar.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.example.com",
                                          &e, name),
                     TM_OK);
    assert_int_equal(strlen(name), 251);
    assert_memory_equal(name, "somewhat.long.exp.example.com.somewhat.", 39);
    /* names no query can be made of */
    assert_int_equal(tm_spf_expand_domain("mail.example...com", &f->env, name), TM_EINVAL);
    e.helo = "%%%%%%%%%%%%%%%%%%%%%%";
    assert_int_equal(tm_spf_expand_domain("%{H}.bar", &e, name), TM_EINVAL); /* 66-byte label */
    e.helo = "";
    assert_int_equal(tm_spf_expand_domain("%{h}", &e, name), TM_EINVAL);
    e.helo = ".";
    assert_int_equal(tm_spf_expand_domain("%{h}", &e, name), TM_EINVAL);
    assert_int_equal(tm_spf_expand_domain("%{z}.com", &e, name), TM_EINVAL);
    /* the spaces and percents of %_ %% %- are kept: DNS can carry them */
    assert_int_equal(tm_spf_expand_domain("macro%%percent%_%_space%-url-space.example.com", &e, name),
                     TM_OK);
    assert_string_equal(name, "macro%percent  space%20url-space.example.com");
}

static void test_check(void **state)
{
    (void)state;
    uint32_t letters = 0;
    size_t bad = 99;
    const char *why = NULL;
    assert_true(tm_spf_macro_check("%{i}.%{l2r-}.user.%{D2}", 23, false, true, &letters, &bad, &why));
    assert_int_equal(letters, TM_SPF_MACRO_BIT('i') | TM_SPF_MACRO_BIT('l') | TM_SPF_MACRO_BIT('d'));
    assert_true(tm_spf_macros_sender_dependent(letters));
    assert_false(tm_spf_macros_sender_dependent(TM_SPF_MACRO_BIT('d')));
    assert_true(tm_spf_macros_sender_dependent(TM_SPF_MACRO_BIT('h')));
    assert_true(tm_spf_macros_sender_dependent(TM_SPF_MACRO_BIT('v')));
    /* domain-end: a macro or "." toplabel ["."] */
    assert_true(tm_spf_macro_check("%{d}", 4, false, true, NULL, NULL, NULL));
    assert_true(tm_spf_macro_check("x.%%", 4, false, true, NULL, NULL, NULL));
    assert_true(tm_spf_macro_check("a.b-c", 5, false, true, NULL, NULL, NULL));
    assert_true(tm_spf_macro_check("a.123-456", 9, false, true, NULL, NULL, NULL));
    assert_true(tm_spf_macro_check("%{d}.com.", 9, false, true, NULL, NULL, NULL));
    assert_false(tm_spf_macro_check("%{d}.", 5, false, true, NULL, &bad, &why));
    assert_false(tm_spf_macro_check("", 0, false, true, NULL, &bad, &why));
    assert_false(tm_spf_macro_check("a.1b-", 5, false, true, NULL, &bad, &why));
    assert_int_equal(bad, 2);
    /* explanation text: spaces and c r t allowed */
    assert_true(tm_spf_macro_check("see %{c} %{r} %{t} now", 22, true, false, &letters, NULL, NULL));
    assert_int_equal(letters,
                     TM_SPF_MACRO_BIT('c') | TM_SPF_MACRO_BIT('r') | TM_SPF_MACRO_BIT('t'));
    assert_false(tm_spf_macro_check("a b", 3, false, false, NULL, &bad, &why));
    assert_int_equal(bad, 1);
    assert_false(tm_spf_macro_check("The %{x}-files.", 15, true, false, NULL, &bad, &why));
    assert_int_equal(bad, 6);
    assert_non_null(why);
    assert_false(tm_spf_macro_check("caf\xc3\xa9", 5, true, false, NULL, &bad, &why));
    assert_int_equal(bad, 3);
    assert_false(tm_spf_macro_check("a\tb", 3, true, false, NULL, &bad, &why));
    assert_false(tm_spf_macro_check("%{d-", 4, false, false, NULL, &bad, &why));
    assert_false(tm_spf_macro_check("%", 1, false, false, NULL, &bad, &why));
    assert_int_equal(bad, 0);
    assert_false(tm_spf_macro_check("%{", 2, false, false, NULL, &bad, &why));
}

static void test_out_of_memory(void **state)
{
    fix_t *f = *state;
    const char *spec = "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}";
    tm_status_t st = TM_ENOMEM;
    for (unsigned long n = 1; n < 50 && st == TM_ENOMEM; n++) {
        char name[TM_NAME_MAX + 1];
        tm_alloc_fail_after(n);
        st = tm_spf_expand_domain(spec, &f->env, name);
        tm_alloc_fail_after(0);
        if (st == TM_OK)
            assert_string_equal(name, "3.2.0.192.in-addr.strong.lp._spf.example.com");
    }
    assert_int_equal(st, TM_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_rfc_examples_ip4, setup),
        cmocka_unit_test_setup(test_rfc_examples_ip6, setup),
        cmocka_unit_test_setup(test_specials, setup),
        cmocka_unit_test_setup(test_url_escape, setup),
        cmocka_unit_test_setup(test_exp_text, setup),
        cmocka_unit_test_setup(test_expansion_bound, setup),
        cmocka_unit_test_setup(test_expand_domain, setup),
        cmocka_unit_test_setup(test_check, setup),
        cmocka_unit_test_setup(test_out_of_memory, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
