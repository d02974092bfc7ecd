/* test_spf_parse.c - record selection (RFC 7208 section 4.5) and the record
 * grammar (section 12): every rule and every error path of the parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "spf_fixture.h"

static tm_spf_record_t *parse_ok(const char *text)
{
    tm_spf_record_t *rec = NULL;
    tm_spf_parse_error_t err;
    tm_status_t st = tm_spf_parse(text, strlen(text), &rec, &err);
    if (st != TM_OK)
        print_error("unexpected error for \"%s\": %s at %zu (%s)\n", text, err.reason, err.offset,
                    err.term);
    assert_int_equal(st, TM_OK);
    assert_non_null(rec);
    return rec;
}

/* ---- selection ------------------------------------------------------------- */

static void test_is_record(void **state)
{
    (void)state;
    assert_true(tm_spf_is_record("v=spf1", 6));
    assert_true(tm_spf_is_record("v=spf1 -all", 11));
    assert_true(tm_spf_is_record("V=SpF1 ~all", 11));
    assert_false(tm_spf_is_record("v=spf10", 7));
    assert_false(tm_spf_is_record("v=spf1mx", 8));
    assert_false(tm_spf_is_record("v=spf1\t-all", 11));
    assert_false(tm_spf_is_record("v=spf", 5));
    assert_false(tm_spf_is_record(" v=spf1", 7));
    assert_false(tm_spf_is_record("spf2.0/pra", 10));
}

static void test_select(void **state)
{
    (void)state;
    tm_answer_t *ans = tm_answer_create("example.com", TM_RR_TXT, TM_DNS_NOERROR);
    assert_non_null(ans);
    const tm_rr_t *rr = NULL;
    size_t n = 99;
    assert_int_equal(tm_spf_select(ans, &rr, &n), TM_SPF_SEL_NONE);
    assert_int_equal(n, 0);
    assert_null(rr);
    assert_int_equal(tm_answer_add_txt1(ans, 60, "tmes=0123456789abcdef0123456789abcdef"), TM_OK);
    assert_int_equal(tm_answer_add_txt1(ans, 60, "v=spf10 nope"), TM_OK);
    assert_int_equal(tm_spf_select(ans, &rr, &n), TM_SPF_SEL_NONE);
    assert_int_equal(tm_answer_add_txt1(ans, 60, "v=spf1 -all"), TM_OK);
    assert_int_equal(tm_spf_select(ans, &rr, &n), TM_SPF_SEL_ONE);
    assert_int_equal(n, 1);
    assert_string_equal(rr->u.txt.data, "v=spf1 -all");
    assert_int_equal(tm_answer_add_txt1(ans, 60, "V=SPF1 +all"), TM_OK);
    assert_int_equal(tm_spf_select(ans, &rr, &n), TM_SPF_SEL_MULTIPLE);
    assert_int_equal(n, 2);
    assert_string_equal(rr->u.txt.data, "v=spf1 -all");
    assert_int_equal(tm_spf_select(NULL, NULL, NULL), TM_SPF_SEL_NONE);
    ans->outcome = TM_DNS_SERVFAIL;
    assert_int_equal(tm_spf_select(ans, NULL, &n), TM_SPF_SEL_NONE);
    assert_int_equal(n, 0);
    tm_answer_unref(ans);
}

static void test_select_joined_strings(void **state)
{
    (void)state;
    /* section 3.3: strings are joined without a separator */
    tm_answer_t *ans = tm_answer_create("example.com", TM_RR_TXT, TM_DNS_NOERROR);
    const char *split[] = {"v=spf1", "mx"};
    size_t lens[] = {6, 2};
    assert_int_equal(tm_answer_add_txt(ans, 60, split, lens, 2), TM_OK);
    assert_int_equal(tm_spf_select(ans, NULL, NULL), TM_SPF_SEL_NONE);
    const char *ok[] = {"v=spf1 ip4:", "192.0.2.5 -all"};
    size_t oklens[] = {11, 14};
    assert_int_equal(tm_answer_add_txt(ans, 60, ok, oklens, 2), TM_OK);
    assert_int_equal(tm_answer_add_txt(ans, 60, NULL, NULL, 0), TM_OK); /* no strings */
    const tm_rr_t *rr;
    assert_int_equal(tm_spf_select(ans, &rr, NULL), TM_SPF_SEL_ONE);
    assert_string_equal(rr->u.txt.data, "v=spf1 ip4:192.0.2.5 -all");
    tm_answer_unref(ans);
}

/* ---- valid records ------------------------------------------------------------ */

static void test_empty_record(void **state)
{
    (void)state;
    tm_spf_record_t *rec = parse_ok("v=spf1");
    assert_int_equal(rec->nterms, 0);
    assert_null(rec->all);
    assert_null(rec->redirect);
    assert_null(rec->exp);
    tm_spf_record_destroy(rec);
    rec = parse_ok("v=spf1   ");
    assert_int_equal(rec->nterms, 0);
    tm_spf_record_destroy(rec);
}

static void test_every_mechanism(void **state)
{
    (void)state;
    const char *text = "v=spf1 +all -include:_spf.Example.COM ~a ?mx ptr ip4:192.0.2.0/24 "
                       "ip6:2001:DB8::/32 exists:%{i}.x.example.net a:mail.example.com/24//64 "
                       "mx:example.org//96 ptr:example.net";
    tm_spf_record_t *rec = parse_ok(text);
    assert_int_equal(rec->nterms, 11);
    assert_string_equal(rec->text, text);
    const tm_spf_term_t *t = rec->terms;
    assert_int_equal(t[0].kind, TM_SPF_ALL);
    assert_int_equal(t[0].qualifier, TM_SPF_Q_PASS);
    assert_ptr_equal(rec->all, &t[0]);
    assert_int_equal(t[1].kind, TM_SPF_INCLUDE);
    assert_int_equal(t[1].qualifier, TM_SPF_Q_FAIL);
    assert_string_equal(t[1].spec, "_spf.Example.COM");
    assert_string_equal(t[1].domain, "_spf.example.com");
    assert_false(t[1].has_macro);
    assert_int_equal(t[2].kind, TM_SPF_A);
    assert_int_equal(t[2].qualifier, TM_SPF_Q_SOFTFAIL);
    assert_null(t[2].spec);
    assert_int_equal(t[2].cidr4, 32);
    assert_int_equal(t[2].cidr6, 128);
    assert_int_equal(t[3].kind, TM_SPF_MX);
    assert_int_equal(t[3].qualifier, TM_SPF_Q_NEUTRAL);
    assert_int_equal(t[4].kind, TM_SPF_PTR);
    assert_null(t[4].spec);
    assert_int_equal(t[5].kind, TM_SPF_IP4);
    assert_int_equal(t[5].net.prefix, 24);
    assert_int_equal(t[5].net.addr.family, 4);
    assert_memory_equal(t[5].net.addr.bytes, ((uint8_t[]){192, 0, 2, 0}), 4);
    assert_int_equal(t[6].kind, TM_SPF_IP6);
    assert_int_equal(t[6].net.prefix, 32);
    assert_int_equal(t[6].net.addr.family, 6);
    assert_int_equal(t[6].net.addr.bytes[1], 0x01);
    assert_int_equal(t[6].net.addr.bytes[2], 0x0d);
    assert_int_equal(t[7].kind, TM_SPF_EXISTS);
    assert_true(t[7].has_macro);
    assert_null(t[7].domain);
    assert_int_equal(t[7].macros, TM_SPF_MACRO_BIT('i'));
    assert_true(t[7].sender_dependent);
    assert_int_equal(t[8].kind, TM_SPF_A);
    assert_string_equal(t[8].spec, "mail.example.com");
    assert_int_equal(t[8].cidr4, 24);
    assert_int_equal(t[8].cidr6, 64);
    assert_int_equal(t[9].kind, TM_SPF_MX);
    assert_string_equal(t[9].spec, "example.org");
    assert_int_equal(t[9].cidr4, 32);
    assert_int_equal(t[9].cidr6, 96);
    assert_int_equal(t[10].kind, TM_SPF_PTR);
    assert_string_equal(t[10].domain, "example.net");
    /* include a mx ptr exists a mx ptr: the terms that count */
    assert_int_equal(rec->dns_terms, 8);
    /* offsets point at each term in the record */
    for (size_t i = 0; i < rec->nterms; i++)
        assert_memory_equal(text + t[i].offset, t[i].text, strlen(t[i].text));
    tm_spf_record_destroy(rec);
}

static void test_cidr_forms(void **state)
{
    (void)state;
    tm_spf_record_t *rec = parse_ok("v=spf1 a/24 a//64 a/0//0 mx/32 mx//128 a:x.example.com/8 ip4:10.1.2.3/8 ip6:::1.1.1.1/0");
    const tm_spf_term_t *t = rec->terms;
    assert_int_equal(t[0].cidr4, 24);
    assert_int_equal(t[0].cidr6, 128);
    assert_int_equal(t[1].cidr4, 32);
    assert_int_equal(t[1].cidr6, 64);
    assert_int_equal(t[2].cidr4, 0);
    assert_int_equal(t[2].cidr6, 0);
    assert_int_equal(t[3].cidr4, 32);
    assert_int_equal(t[4].cidr6, 128);
    assert_string_equal(t[5].domain, "x.example.com");
    assert_int_equal(t[5].cidr4, 8);
    /* host bits of the network are cleared */
    assert_memory_equal(t[6].net.addr.bytes, ((uint8_t[]){10, 0, 0, 0}), 4);
    assert_int_equal(t[7].net.prefix, 0);
    tm_spf_record_destroy(rec);
}

static void test_domain_forms(void **state)
{
    (void)state;
    /* a '/' and ':' may sit inside the domain; the CIDR is taken from the end */
    tm_spf_record_t *rec = parse_ok("v=spf1 a:foo:bar/baz.example.com mx:foo.example.xn--zckzah "
                                    "a:trailing.example.com. a:%{d} exists:%{ir}.%{v}._spf.%{d2} "
                                    "a:mail.example...com a:macro%%percent%_%-x.example.com");
    const tm_spf_term_t *t = rec->terms;
    assert_string_equal(t[0].domain, "foo:bar/baz.example.com");
    assert_int_equal(t[0].cidr4, 32);
    assert_string_equal(t[1].domain, "foo.example.xn--zckzah");
    assert_string_equal(t[2].spec, "trailing.example.com.");
    assert_string_equal(t[2].domain, "trailing.example.com");
    assert_true(t[3].has_macro);
    assert_int_equal(t[3].macros, TM_SPF_MACRO_BIT('d'));
    assert_false(t[3].sender_dependent);
    assert_int_equal(t[4].macros,
                     TM_SPF_MACRO_BIT('i') | TM_SPF_MACRO_BIT('v') | TM_SPF_MACRO_BIT('d'));
    /* valid grammar, but no DNS name can be made of it */
    assert_string_equal(t[5].spec, "mail.example...com");
    assert_null(t[5].domain);
    /* %% %_ %- are macros without a letter */
    assert_true(t[6].has_macro);
    assert_int_equal(t[6].macros, 0);
    assert_null(t[6].domain);
    tm_spf_record_destroy(rec);
}

static void test_modifiers(void **state)
{
    (void)state;
    tm_spf_record_t *rec =
        parse_ok("v=spf1 exp=explain.%{d} moo.cow-far_out=man:dog/cat -all REDIRECT=_spf.example.com default=+ x=");
    assert_int_equal(rec->nterms, 6);
    assert_ptr_equal(rec->exp, &rec->terms[0]);
    assert_string_equal(rec->exp->spec, "explain.%{d}");
    assert_string_equal(rec->exp->name, "exp");
    assert_int_equal(rec->terms[1].kind, TM_SPF_UNKNOWN_MOD);
    assert_string_equal(rec->terms[1].name, "moo.cow-far_out");
    assert_string_equal(rec->terms[1].spec, "man:dog/cat");
    assert_ptr_equal(rec->redirect, &rec->terms[3]);
    assert_string_equal(rec->redirect->domain, "_spf.example.com");
    assert_string_equal(rec->redirect->name, "REDIRECT");
    assert_int_equal(rec->terms[4].kind, TM_SPF_UNKNOWN_MOD);
    assert_int_equal(rec->terms[5].kind, TM_SPF_UNKNOWN_MOD);
    assert_string_equal(rec->terms[5].spec, "");
    assert_int_equal(rec->dns_terms, 1); /* redirect */
    tm_spf_record_destroy(rec);
}

static void test_case_and_spaces(void **state)
{
    (void)state;
    tm_spf_record_t *rec = parse_ok("V=SpF1  A  MX   INCLUDE:Example.com  -ALL ");
    assert_int_equal(rec->nterms, 4);
    assert_int_equal(rec->terms[0].kind, TM_SPF_A);
    assert_int_equal(rec->terms[1].kind, TM_SPF_MX);
    assert_int_equal(rec->terms[2].kind, TM_SPF_INCLUDE);
    assert_string_equal(rec->terms[2].domain, "example.com");
    assert_int_equal(rec->terms[3].kind, TM_SPF_ALL);
    assert_int_equal(rec->terms[3].qualifier, TM_SPF_Q_FAIL);
    assert_int_equal(rec->terms[2].offset, 16);
    tm_spf_record_destroy(rec);
}

static void test_long_domain_truncated(void **state)
{
    (void)state;
    /* section 7.3: a name over 253 bytes loses labels on the left */
    char text[600] = "v=spf1 a:";
    for (int i = 0; i < 30; i++)
        strcat(text, "abcdefghi.");
    strcat(text, "example.com");
    tm_spf_record_t *rec = parse_ok(text);
    const char *d = rec->terms[0].domain;
    assert_non_null(d);
    assert_true(strlen(d) <= 253);
    assert_true(strlen(d) > 240);
    assert_string_equal(d + strlen(d) - 12, ".example.com");
    assert_int_equal(d[0], 'a'); /* whole labels dropped */
    tm_spf_record_destroy(rec);
}

/* ---- errors ------------------------------------------------------------------- */

typedef struct {
    const char *text;
    size_t len;    /* 0: strlen */
    size_t offset; /* where the problem is */
    const char *term;
} bad_t;

static const bad_t bad_records[] = {
    {"v=spf1 -all.", 0, 11, "-all."},
    {"v=spf1 -all:foobar", 0, 11, "-all:foobar"},
    {"v=spf1 -all/8", 0, 11, "-all/8"},
    {"v=spf1 ip4:1.2.3.4 -all moo", 0, 24, "moo"},
    {"v=spf1 moo.cow/far_out=man:dog/cat", 0, 7, "moo.cow/far_out=man:dog/cat"},
    {"v=spf1 moo.cow:far_out=man:dog/cat", 0, 7, "moo.cow:far_out=man:dog/cat"},
    {"v=spf1 redirect:t2.example.com", 0, 7, "redirect:t2.example.com"},
    {"v=spf1 exp:t2.example.com", 0, 7, "exp:t2.example.com"},
    {"v=spf1 1up=foo", 0, 7, "1up=foo"},
    {"v=spf1 =all", 0, 7, "=all"},
    {"v=spf1 -", 0, 8, "-"},
    {"v=spf1 ip4:1.2.3.4/33", 0, 18, "ip4:1.2.3.4/33"},
    {"v=spf1 ip4:1.2.3.4/032", 0, 18, "ip4:1.2.3.4/032"},
    {"v=spf1 ip4:1.2.3.4/", 0, 18, "ip4:1.2.3.4/"},
    {"v=spf1 ip4", 0, 10, "ip4"},
    {"v=spf1 ip4:1.2.3", 0, 11, "ip4:1.2.3"},
    {"v=spf1 ip4:1.2.3.4:8080", 0, 11, "ip4:1.2.3.4:8080"},
    {"v=spf1 ip4:1.2.3.04", 0, 11, "ip4:1.2.3.04"},
    {"v=spf1 ip4:256.1.1.1", 0, 11, "ip4:256.1.1.1"},
    {"v=spf1 ip4:1.2.3.4//32", 0, 18, "ip4:1.2.3.4//32"},
    {"v=spf1 ip4:example.com", 0, 11, "ip4:example.com"},
    {"v=spf1 -all ip6", 0, 15, "ip6"},
    {"v=spf1 ip6::CAFE::BABE", 0, 11, "ip6::CAFE::BABE"},
    {"v=spf1 ip6:::1.1.1.1/129", 0, 20, "ip6:::1.1.1.1/129"},
    {"v=spf1 ip6:::1.1.1.1//33", 0, 20, "ip6:::1.1.1.1//33"},
    {"v=spf1 ip6:1.2.3.4", 0, 11, "ip6:1.2.3.4"},
    {"v=spf1 a/33 -all", 0, 8, "a/33"},
    {"v=spf1 a//129 -all", 0, 8, "a//129"},
    {"v=spf1 a/24/64 -all", 0, 11, "a/24/64"},
    {"v=spf1 mx/033", 0, 9, "mx/033"},
    {"v=spf1 a:", 0, 9, "a:"},
    {"v=spf1 a-foo", 0, 8, "a-foo"},
    {"v=spf1 a:foo-bar -all", 0, 9, "a:foo-bar"},
    {"v=spf1 a:abc.123", 0, 13, "a:abc.123"},
    {"v=spf1 a:111.222.33.44", 0, 20, "a:111.222.33.44"},
    {"v=spf1 a:museum", 0, 9, "a:museum"},
    {"v=spf1 a:museum.", 0, 9, "a:museum."},
    {"v=spf1 a:example.-com", 0, 17, "a:example.-com"},
    {"v=spf1 a:example.com-", 0, 17, "a:example.com-"},
    {"v=spf1 a:example.com:8080", 0, 17, "a:example.com:8080"},
    {"v=spf1 mx: -all", 0, 10, "mx:"},
    {"v=spf1 mx:abc.123", 0, 14, "mx:abc.123"},
    {"v=spf1 ptr/0 -all", 0, 10, "ptr/0"},
    {"v=spf1 ptr:", 0, 11, "ptr:"},
    {"v=spf1 include", 0, 14, "include"},
    {"v=spf1 include: -all", 0, 15, "include:"},
    {"v=spf1 include:ip5.example.com/24 -all", 0, 27, "include:ip5.example.com/24"},
    {"v=spf1 exists", 0, 13, "exists"},
    {"v=spf1 exists:", 0, 14, "exists:"},
    {"v=spf1 exists:mail.example.com/24", 0, 27, "exists:mail.example.com/24"},
    {"v=spf1 redirect=", 0, 16, "redirect="},
    {"v=spf1 ?all redirect=", 0, 21, "redirect="},
    {"v=spf1 redirect=-all ?all", 0, 16, "redirect=-all"},
    {"v=spf1 exp=", 0, 11, "exp="},
    {"v=spf1 exp=-all", 0, 11, "exp=-all"},
    {"v=spf1 redirect=a.example redirect=b.example", 0, 26, "redirect=b.example"},
    {"v=spf1 exp=a.example -all exp=b.example", 0, 26, "exp=b.example"},
    {"v=spf1 -all foo=%abc", 0, 16, "foo=%abc"},
    {"v=spf1 a:%{x}.example.com", 0, 11, "a:%{x}.example.com"},
    {"v=spf1 a:%{a}.example.com", 0, 11, "a:%{a}.example.com"},
    {"v=spf1 -all exp=%{r}.example.com", 0, 18, "exp=%{r}.example.com"},
    {"v=spf1 a:%{c}.example.com", 0, 11, "a:%{c}.example.com"},
    {"v=spf1 a:%{t}.example.com", 0, 11, "a:%{t}.example.com"},
    {"v=spf1 a:%{d0}.example.com", 0, 12, "a:%{d0}.example.com"},
    {"v=spf1 -exists:%(ir).sbl.example.com", 0, 15, "-exists:%(ir).sbl.example.com"},
    {"v=spf1 exists:foo%(ir).sbl.example.com", 0, 17, "exists:foo%(ir).sbl.example.com"},
    {"v=spf1 exists:foo%.sbl.example.com", 0, 17, "exists:foo%.sbl.example.com"},
    {"v=spf1 a:%{d", 0, 12, "a:%{d"},
    {"v=spf1 a:%{d2r+x}.com", 0, 15, "a:%{d2r+x}.com"},
    {"v=spf1 a:foo%", 0, 12, "a:foo%"},
    {"v=spf1 a:%{d}x.com%{l", 0, 21, "a:%{d}x.com%{l"},
    {"v=spf1 a:%{d}com", 0, 13, "a:%{d}com"},
    {"v=spf1 \x80" "a:example.net -all", 0, 7, "\\x80a:example.net"},
    {"v=spf1 a:example.net \x96" "all", 0, 21, "\\x96all"},
    {"v=spf1 a:\xEF\xBB\xBFgarbage.example.net -all", 0, 9, "a:\\xef\\xbb\\xbfgarbage.example.net"},
    {"v=spf1 a:ctrl.example.com\rptr -all", 0, 25, "a:ctrl.example.com\\x0dptr"},
    {"v=spf1 ip4:192.0.2.5\n include:x.example.com ~all", 0, 20, "ip4:192.0.2.5\\x0a"},
    {"v=spf1 a:foo.example.com\0", 25, 24, "a:foo.example.com\\x00"},
    {"v=spf1 a\t-all", 0, 8, "a\\x09-all"},
    {"v=spf1 a \x7f", 0, 9, "\\x7f"},
    {"v=spf10 a", 0, 0, "v=spf10"},
    {"spf2.0/pra a", 0, 0, "spf2.0/pra"},
};

static void test_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_records) / sizeof(bad_records[0]); i++) {
        const bad_t *b = &bad_records[i];
        size_t len = b->len ? b->len : strlen(b->text);
        tm_spf_record_t *rec = (tm_spf_record_t *)1;
        tm_spf_parse_error_t err;
        memset(&err, 0, sizeof(err));
        tm_status_t st = tm_spf_parse(b->text, len, &rec, &err);
        if (st != TM_EPARSE || err.offset != b->offset || strcmp(err.term, b->term) != 0)
            print_error("record %zu \"%s\": status %d, offset %zu, term \"%s\" (%s)\n", i, b->text, st,
                        err.offset, err.term, err.reason ? err.reason : "");
        assert_int_equal(st, TM_EPARSE);
        assert_null(rec);
        assert_int_equal(err.offset, b->offset);
        assert_string_equal(err.term, b->term);
        assert_non_null(err.reason);
        assert_true(strlen(err.reason) > 5);
    }
}

static void test_error_without_err(void **state)
{
    (void)state;
    tm_spf_record_t *rec = NULL;
    assert_int_equal(tm_spf_parse("v=spf1 bogus", 12, &rec, NULL), TM_EPARSE);
    assert_null(rec);
}

static void test_limits(void **state)
{
    (void)state;
    /* 512 terms parse; 513 do not */
    static char text[TM_SPF_RECORD_MAX + 16];
    strcpy(text, "v=spf1");
    for (int i = 0; i < TM_SPF_TERMS_MAX; i++)
        strcat(text, " a");
    tm_spf_record_t *rec = parse_ok(text);
    assert_int_equal(rec->nterms, TM_SPF_TERMS_MAX);
    assert_int_equal(rec->dns_terms, TM_SPF_TERMS_MAX);
    tm_spf_record_destroy(rec);
    strcat(text, " a");
    tm_spf_parse_error_t err;
    assert_int_equal(tm_spf_parse(text, strlen(text), &rec, &err), TM_EPARSE);
    /* longer than the record maximum */
    memset(text, 'x', sizeof(text));
    memcpy(text, "v=spf1 a:", 9);
    assert_int_equal(tm_spf_parse(text, TM_SPF_RECORD_MAX + 1, &rec, &err), TM_EPARSE);
    assert_int_equal(err.offset, 0);
    /* a very long term is shown cut */
    memcpy(text, "v=spf1 bogus", 12);
    assert_int_equal(tm_spf_parse(text, 4000, &rec, &err), TM_EPARSE);
    assert_true(strlen(err.term) <= TM_SPF_ERROR_TERM_MAX);
    assert_string_equal(err.term + strlen(err.term) - 3, "...");
}

static void test_out_of_memory(void **state)
{
    (void)state;
    const char *text = "v=spf1 include:_spf.example.com a:%{d} mx/24 ip4:192.0.2.0/24 exp=x.%{d} -all";
    tm_status_t st = TM_ENOMEM;
    unsigned long n;
    for (n = 1; n < 100 && st == TM_ENOMEM; n++) {
        tm_spf_record_t *rec = NULL;
        tm_alloc_fail_after(n);
        st = tm_spf_parse(text, strlen(text), &rec, NULL);
        tm_alloc_fail_after(0);
        if (st == TM_OK)
            tm_spf_record_destroy(rec);
        else
            assert_null(rec);
    }
    assert_int_equal(st, TM_OK);
    assert_true(n > 2); /* at least one allocation was failed and survived */
}


/* ---- partial parse: every bad term, and the terms that parse ----------------- */

static void test_partial_every_error(void **state)
{
    (void)state;
    const char *text = "v=spf1 ip4:192.0.2.300 include:_spf.example.com inculde:x.example.com "
                       "redirect=a.example.com redirect=b.example.com ip6:2001:db8::/129 ~all";
    tm_spf_partial_t p;
    assert_int_equal(tm_spf_parse_partial(text, strlen(text), &p), TM_OK);
    assert_non_null(p.record);
    assert_int_equal(p.nerrors, 4);
    /* term indexes count from 1 after v=spf1; offsets are 0-based */
    assert_int_equal(p.errors[0].term_index, 1);
    assert_string_equal(p.errors[0].term, "ip4:192.0.2.300");
    assert_int_equal(p.errors[0].term_offset, 7);
    assert_int_equal(p.errors[0].offset, 11);
    assert_false(p.errors[0].may_query_dns);
    assert_int_equal(p.errors[1].term_index, 3);
    assert_string_equal(p.errors[1].term, "inculde:x.example.com");
    assert_true(p.errors[1].may_query_dns); /* a misspelt mechanism may be an include */
    assert_int_equal(p.errors[2].term_index, 5); /* the second redirect= */
    assert_string_equal(p.errors[2].term, "redirect=b.example.com");
    assert_true(p.errors[2].may_query_dns);
    assert_int_equal(p.errors[3].term_index, 6);
    assert_false(p.errors[3].may_query_dns);
    /* the terms that parse, with their offsets in the whole record */
    assert_int_equal(p.record->nterms, 3);
    assert_string_equal(p.record->terms[0].text, "include:_spf.example.com");
    assert_int_equal(p.record->terms[0].offset, 23);
    assert_string_equal(p.record->terms[1].text, "redirect=a.example.com");
    assert_string_equal(p.record->terms[2].text, "~all");
    assert_non_null(p.record->all);
    assert_non_null(p.record->redirect);
    assert_int_equal(p.record->dns_terms, 2);
    tm_spf_partial_clear(&p);
    assert_null(p.record);
    assert_null(p.errors);
}

/* A correct record: no error, the same terms as tm_spf_parse gives. */
static void test_partial_of_good_record(void **state)
{
    (void)state;
    const char *text = "v=spf1 a mx/24 include:_spf.example.com -all";
    tm_spf_partial_t p;
    assert_int_equal(tm_spf_parse_partial(text, strlen(text), &p), TM_OK);
    assert_int_equal(p.nerrors, 0);
    tm_spf_record_t *rec = parse_ok(text);
    assert_int_equal(p.record->nterms, rec->nterms);
    for (size_t i = 0; i < rec->nterms; i++) {
        assert_string_equal(p.record->terms[i].text, rec->terms[i].text);
        assert_int_equal(p.record->terms[i].kind, rec->terms[i].kind);
    }
    tm_spf_record_destroy(rec);
    tm_spf_partial_clear(&p);
}

/* A bad byte spoils only its term; the strict parser names the same term. */
static void test_partial_bad_bytes(void **state)
{
    (void)state;
    const char text[] = "v=spf1 ip4:192.0.2.1 include:spf.example.com\t~all "
                        "a:\xe3\x80\x80x.example";
    size_t len = sizeof(text) - 1;
    tm_spf_partial_t p;
    assert_int_equal(tm_spf_parse_partial(text, len, &p), TM_OK);
    assert_int_equal(p.nerrors, 2);
    assert_int_equal(p.errors[0].term_index, 2);
    assert_string_equal(p.errors[0].term, "include:spf.example.com\\x09~all");
    assert_int_equal(p.errors[0].offset, 44);
    assert_int_equal(p.errors[1].term_index, 3);
    assert_int_equal(p.record->nterms, 1);
    tm_spf_record_t *rec = NULL;
    tm_spf_parse_error_t err;
    assert_int_equal(tm_spf_parse(text, len, &rec, &err), TM_EPARSE);
    assert_int_equal(err.term_index, 2);
    assert_int_equal(err.offset, 44);
    assert_true(err.may_query_dns);
    tm_spf_partial_clear(&p);
}

/* The record as a whole refused: no terms to judge, one error. */
static void test_partial_refused(void **state)
{
    (void)state;
    tm_spf_partial_t p;
    const char *notspf = "v=spf2 -all";
    assert_int_equal(tm_spf_parse_partial(notspf, strlen(notspf), &p), TM_OK);
    assert_null(p.record);
    assert_int_equal(p.nerrors, 1);
    assert_int_equal(p.errors[0].term_index, 0);
    tm_spf_partial_clear(&p);
    char big[TM_SPF_RECORD_MAX + 16];
    memset(big, 'a', sizeof(big));
    memcpy(big, "v=spf1 ", 7);
    assert_int_equal(tm_spf_parse_partial(big, sizeof(big), &p), TM_OK);
    assert_null(p.record);
    assert_int_equal(p.nerrors, 1);
    tm_spf_partial_clear(&p);
}

static void test_partial_out_of_memory(void **state)
{
    (void)state;
    const char *text = "v=spf1 ip4:1.2.3.256 include:a.example.com foo:bar redirect=b.example -all";
    tm_status_t st = TM_ENOMEM;
    unsigned long n;
    for (n = 1; n < 100 && st == TM_ENOMEM; n++) {
        tm_spf_partial_t p;
        tm_alloc_fail_after(n);
        st = tm_spf_parse_partial(text, strlen(text), &p);
        tm_alloc_fail_after(0);
        if (st != TM_OK) {
            assert_null(p.record);
            assert_null(p.errors);
        }
        tm_spf_partial_clear(&p);
    }
    assert_int_equal(st, TM_OK);
    assert_true(n > 3);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(tm_spf_result_name(TM_SPF_PASS), "pass");
    assert_string_equal(tm_spf_result_name(TM_SPF_PERMERROR), "permerror");
    assert_string_equal(tm_spf_result_name(TM_SPF_SOFTFAIL), "softfail");
    assert_string_equal(tm_spf_kind_name(TM_SPF_EXISTS), "exists");
    assert_string_equal(tm_spf_kind_name(TM_SPF_UNKNOWN_MOD), "modifier");
    assert_true(tm_spf_kind_queries_dns(TM_SPF_REDIRECT));
    assert_true(tm_spf_kind_queries_dns(TM_SPF_PTR));
    assert_false(tm_spf_kind_queries_dns(TM_SPF_IP4));
    assert_false(tm_spf_kind_queries_dns(TM_SPF_EXP));
    assert_false(tm_spf_kind_queries_dns(TM_SPF_ALL));
    assert_string_equal(tm_spf_node_status_name(TM_SPF_NODE_MULTIPLE), "multiple-records");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_is_record),
        cmocka_unit_test(test_select),
        cmocka_unit_test(test_select_joined_strings),
        cmocka_unit_test(test_empty_record),
        cmocka_unit_test(test_every_mechanism),
        cmocka_unit_test(test_cidr_forms),
        cmocka_unit_test(test_domain_forms),
        cmocka_unit_test(test_modifiers),
        cmocka_unit_test(test_case_and_spaces),
        cmocka_unit_test(test_long_domain_truncated),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_error_without_err),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_partial_every_error),
        cmocka_unit_test(test_partial_of_good_record),
        cmocka_unit_test(test_partial_bad_bytes),
        cmocka_unit_test(test_partial_refused),
        cmocka_unit_test(test_partial_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
