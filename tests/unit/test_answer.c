/* test_answer.c - answers as data: every record kind with its TTL, TXT
 * strings kept apart and joined, canonical names, reference counting, and
 * allocation failures at every step leaving nothing behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmems/tm_dns.h"

static int reset_hook(void **state)
{
    (void)state;
    tm_alloc_fail_after(0);
    return 0;
}

static void test_create(void **state)
{
    (void)state;
    tm_answer_t *a = tm_answer_create("Example.COM.", TM_RR_MX, TM_DNS_NOERROR);
    assert_non_null(a);
    assert_string_equal(a->name, "example.com");
    assert_int_equal(a->type, TM_RR_MX);
    assert_int_equal(a->outcome, TM_DNS_NOERROR);
    assert_int_equal(a->source, TM_SRC_DNS);
    assert_int_equal(a->refs, 1);
    assert_int_equal(a->count, 0);
    assert_null(a->rrs);
    assert_null(a->canonical);
    assert_null(a->error);
    assert_int_equal(a->wire_size, 0);
    assert_false(a->truncated);
    assert_int_equal(tm_answer_min_ttl(a), 0);
    tm_answer_unref(a);

    a = tm_answer_create("_SPF.Example.com", TM_RR_TXT, TM_DNS_NXDOMAIN);
    assert_string_equal(a->name, "_spf.example.com");
    assert_int_equal(a->outcome, TM_DNS_NXDOMAIN);
    tm_answer_unref(a);

    /* only one trailing dot is the root; the rest is kept as asked */
    a = tm_answer_create("A.B..", TM_RR_A, TM_DNS_FORMERR);
    assert_string_equal(a->name, "a.b.");
    tm_answer_unref(a);

    /* non-ASCII bytes are kept: DNS case folding is ASCII only (RFC 4343) */
    a = tm_answer_create("\xc0X.example", TM_RR_A, TM_DNS_NOERROR);
    assert_string_equal(a->name, "\xc0x.example");
    tm_answer_unref(a);
}

static void test_create_enomem(void **state)
{
    (void)state;
    for (unsigned long n = 1; n <= 2; n++) {
        tm_alloc_fail_after(n);
        assert_null(tm_answer_create("example.com", TM_RR_A, TM_DNS_NOERROR));
        tm_alloc_fail_after(0);
    }
}

static void test_add_a_many(void **state)
{
    (void)state;
    tm_answer_t *a = tm_answer_create("example.com", TM_RR_A, TM_DNS_NOERROR);
    for (uint32_t i = 0; i < 300; i++) {
        uint8_t addr[4] = {192, 0, (uint8_t)(i >> 8), (uint8_t)i};
        assert_int_equal(tm_answer_add_a(a, 1000 + i, addr), TM_OK);
        assert_int_equal(a->count, i + 1);
    }
    /* every record survives each growth of the array */
    for (uint32_t i = 0; i < 300; i++) {
        assert_int_equal(a->rrs[i].type, TM_RR_A);
        assert_int_equal(a->rrs[i].ttl, 1000 + i);
        assert_int_equal(a->rrs[i].u.a[0], 192);
        assert_int_equal(a->rrs[i].u.a[2], (uint8_t)(i >> 8));
        assert_int_equal(a->rrs[i].u.a[3], (uint8_t)i);
    }
    assert_int_equal(tm_answer_min_ttl(a), 1000);
    tm_answer_unref(a);
}

static void test_add_aaaa(void **state)
{
    (void)state;
    tm_answer_t *a = tm_answer_create("example.com", TM_RR_AAAA, TM_DNS_NOERROR);
    uint8_t x[16] = {0x20, 0x01, 0x0d, 0xb8}, y[16];
    memset(y, 0xff, sizeof(y));
    x[15] = 1;
    assert_int_equal(tm_answer_add_aaaa(a, 300, x), TM_OK);
    assert_int_equal(tm_answer_add_aaaa(a, 0xffffffffu, y), TM_OK);
    assert_int_equal(a->count, 2);
    assert_memory_equal(a->rrs[0].u.aaaa, x, 16);
    assert_memory_equal(a->rrs[1].u.aaaa, y, 16);
    assert_int_equal(a->rrs[0].type, TM_RR_AAAA);
    assert_int_equal(a->rrs[1].ttl, 0xffffffffu);
    assert_int_equal(tm_answer_min_ttl(a), 300);
    tm_answer_unref(a);
}

static void test_add_mx(void **state)
{
    (void)state;
    tm_answer_t *a = tm_answer_create("example.com", TM_RR_MX, TM_DNS_NOERROR);
    assert_int_equal(tm_answer_add_mx(a, 3600, 10, "MX1.Example.COM."), TM_OK);
    assert_int_equal(tm_answer_add_mx(a, 60, 20, "mx2.example.com"), TM_OK);
    assert_int_equal(tm_answer_add_mx(a, 120, 0, "."), TM_OK); /* null MX, RFC 7505 */
    assert_int_equal(a->count, 3);
    assert_int_equal(a->rrs[0].type, TM_RR_MX);
    assert_int_equal(a->rrs[0].u.mx.preference, 10);
    assert_string_equal(a->rrs[0].u.mx.host, "mx1.example.com");
    assert_int_equal(a->rrs[0].ttl, 3600);
    assert_int_equal(a->rrs[1].u.mx.preference, 20);
    assert_string_equal(a->rrs[1].u.mx.host, "mx2.example.com");
    assert_string_equal(a->rrs[2].u.mx.host, "");
    assert_int_equal(tm_answer_min_ttl(a), 60);
    tm_answer_unref(a);
}

static void test_add_name(void **state)
{
    (void)state;
    static const uint16_t types[] = {TM_RR_CNAME, TM_RR_PTR, TM_RR_NS};
    for (size_t i = 0; i < 3; i++) {
        tm_answer_t *a = tm_answer_create("x.example.com", types[i], TM_DNS_NOERROR);
        assert_int_equal(tm_answer_add_name(a, 86400, "NS1.Example.NET."), TM_OK);
        assert_int_equal(tm_answer_add_name(a, 30, "ns2.example.net"), TM_OK);
        assert_int_equal(a->count, 2);
        assert_int_equal(a->rrs[0].type, types[i]);
        assert_string_equal(a->rrs[0].u.name, "ns1.example.net");
        assert_string_equal(a->rrs[1].u.name, "ns2.example.net");
        assert_int_equal(tm_answer_min_ttl(a), 30);
        tm_answer_unref(a);
    }
}

/* add_name is for CNAME/PTR/NS answers; on any other answer the copied name
 * would be stored in a record whose type does not own a name, and leak. */
static void test_add_name_wrong_type(void **state)
{
    (void)state;
    static const uint16_t types[] = {TM_RR_A, TM_RR_AAAA, TM_RR_MX, TM_RR_SOA, 99};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        tm_answer_t *a = tm_answer_create("example.com", types[i], TM_DNS_NOERROR);
        assert_int_equal(tm_answer_add_name(a, 60, "target.example.com"), TM_EINVAL);
        assert_int_equal(a->count, 0);
        tm_answer_unref(a);
    }
}

static void test_add_txt_strings(void **state)
{
    (void)state;
    tm_answer_t *a = tm_answer_create("example.com", TM_RR_TXT, TM_DNS_NOERROR);
    const char *strings[] = {"v=spf1 ", "include:a\0b", "", " -all"};
    const size_t lens[] = {7, 11, 0, 5};
    assert_int_equal(tm_answer_add_txt(a, 900, strings, lens, 4), TM_OK);
    assert_int_equal(a->count, 1);
    const tm_rr_t *rr = &a->rrs[0];
    assert_int_equal(rr->type, TM_RR_TXT);
    assert_int_equal(rr->ttl, 900);
    assert_int_equal(rr->u.txt.nstrings, 4);
    assert_int_equal(rr->u.txt.len, 23);
    assert_memory_equal(rr->u.txt.data, "v=spf1 include:a\0b -all", 24); /* and the NUL */
    assert_int_equal(rr->u.txt.string_lens[0], 7);
    assert_int_equal(rr->u.txt.string_lens[1], 11);
    assert_int_equal(rr->u.txt.string_lens[2], 0);
    assert_int_equal(rr->u.txt.string_lens[3], 5);
    /* the copy is the answer's own */
    assert_ptr_not_equal(rr->u.txt.data, strings[0]);
    tm_answer_unref(a);
}

static void test_add_txt_limits(void **state)
{
    (void)state;
    tm_answer_t *a = tm_answer_create("example.com", TM_RR_TXT, TM_DNS_NOERROR);
    char s256[256];
    memset(s256, 'x', sizeof(s256));
    const char *strings[] = {"ok", s256};
    size_t lens[] = {2, 256};
    /* RFC 1035 section 3.3: a character-string is at most 255 octets */
    assert_int_equal(tm_answer_add_txt(a, 60, strings, lens, 2), TM_EINVAL);
    assert_int_equal(a->count, 0);
    lens[1] = 255;
    assert_int_equal(tm_answer_add_txt(a, 60, strings, lens, 2), TM_OK);
    assert_int_equal(a->count, 1);
    assert_int_equal(a->rrs[0].u.txt.len, 257);
    assert_int_equal(a->rrs[0].u.txt.string_lens[1], 255);

    /* an empty string given as NULL with length 0 */
    const char *nulls[] = {NULL, "z"};
    const size_t nlens[] = {0, 1};
    assert_int_equal(tm_answer_add_txt(a, 60, nulls, nlens, 2), TM_OK);
    assert_int_equal(a->rrs[1].u.txt.len, 1);
    assert_string_equal(a->rrs[1].u.txt.data, "z");

    /* the count of strings is bounded */
    size_t many = TM_TXT_MAX_STRINGS + 1;
    const char **ms = calloc(many, sizeof(*ms));
    size_t *ml = calloc(many, sizeof(*ml));
    assert_non_null(ms);
    assert_non_null(ml);
    for (size_t i = 0; i < many; i++) {
        ms[i] = "q";
        ml[i] = 1;
    }
    assert_int_equal(tm_answer_add_txt(a, 60, ms, ml, many), TM_ERANGE);
    assert_int_equal(a->count, 2);
    assert_int_equal(tm_answer_add_txt(a, 60, ms, ml, TM_TXT_MAX_STRINGS), TM_OK);
    assert_int_equal(a->rrs[2].u.txt.len, TM_TXT_MAX_STRINGS);
    assert_int_equal(a->rrs[2].u.txt.nstrings, TM_TXT_MAX_STRINGS);
    free(ms);
    free(ml);
    tm_answer_unref(a);
}

static void test_add_txt1_split(void **state)
{
    (void)state;
    static const struct {
        size_t len;
        size_t nstrings;
        size_t last;
    } cases[] = {
        {0, 1, 0}, {1, 1, 1}, {254, 1, 254}, {255, 1, 255},
        {256, 2, 1}, {510, 2, 255}, {511, 3, 1}, {600, 3, 90},
    };
    char text[700];
    for (size_t i = 0; i < sizeof(text); i++)
        text[i] = (char)('a' + i % 26);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char saved = text[cases[i].len];
        text[cases[i].len] = '\0';
        tm_answer_t *a = tm_answer_create("example.com", TM_RR_TXT, TM_DNS_NOERROR);
        assert_int_equal(tm_answer_add_txt1(a, 77, text), TM_OK);
        const tm_rr_t *rr = &a->rrs[0];
        assert_int_equal(rr->ttl, 77);
        assert_int_equal(rr->u.txt.len, cases[i].len);
        assert_string_equal(rr->u.txt.data, text);
        assert_int_equal(rr->u.txt.nstrings, cases[i].nstrings);
        size_t total = 0;
        for (size_t k = 0; k < rr->u.txt.nstrings; k++) {
            if (k + 1 < rr->u.txt.nstrings)
                assert_int_equal(rr->u.txt.string_lens[k], 255);
            total += rr->u.txt.string_lens[k];
        }
        assert_int_equal(rr->u.txt.string_lens[rr->u.txt.nstrings - 1], cases[i].last);
        assert_int_equal(total, cases[i].len);
        tm_answer_unref(a);
        text[cases[i].len] = saved;
    }
}

static void test_add_txt1_too_long(void **state)
{
    (void)state;
    size_t len = (size_t)TM_TXT_MAX_STRINGS * 255 + 1;
    char *text = malloc(len + 1);
    assert_non_null(text);
    memset(text, 't', len);
    text[len] = '\0';
    tm_answer_t *a = tm_answer_create("example.com", TM_RR_TXT, TM_DNS_NOERROR);
    assert_int_equal(tm_answer_add_txt1(a, 1, text), TM_ERANGE);
    assert_int_equal(a->count, 0);
    text[len - 1] = '\0'; /* exactly the maximum */
    assert_int_equal(tm_answer_add_txt1(a, 1, text), TM_OK);
    assert_int_equal(a->rrs[0].u.txt.nstrings, TM_TXT_MAX_STRINGS);
    free(text);
    tm_answer_unref(a);
}

static void test_add_soa(void **state)
{
    (void)state;
    tm_answer_t *a = tm_answer_create("Example.com", TM_RR_SOA, TM_DNS_NOERROR);
    assert_int_equal(tm_answer_add_soa(a, 3600, "NS1.Example.COM.", "HostMaster.Example.COM.",
                                       2024010101u, 7200, 900, 1209600, 300),
                     TM_OK);
    const tm_rr_t *rr = &a->rrs[0];
    assert_int_equal(rr->type, TM_RR_SOA);
    assert_int_equal(rr->ttl, 3600);
    assert_string_equal(rr->u.soa.mname, "ns1.example.com");
    assert_string_equal(rr->u.soa.rname, "hostmaster.example.com");
    assert_int_equal(rr->u.soa.serial, 2024010101u);
    assert_int_equal(rr->u.soa.refresh, 7200);
    assert_int_equal(rr->u.soa.retry, 900);
    assert_int_equal(rr->u.soa.expire, 1209600);
    assert_int_equal(rr->u.soa.minimum, 300);
    tm_answer_unref(a);
}

static void test_canonical_and_error(void **state)
{
    (void)state;
    tm_answer_t *a = tm_answer_create("www.example.com", TM_RR_A, TM_DNS_NOERROR);
    assert_int_equal(tm_answer_set_canonical(a, "CDN.Example.NET."), TM_OK);
    assert_string_equal(a->canonical, "cdn.example.net");
    assert_int_equal(tm_answer_set_canonical(a, "edge.example.net"), TM_OK); /* replaces */
    assert_string_equal(a->canonical, "edge.example.net");
    /* a reason is text, not a name: kept exactly */
    assert_int_equal(tm_answer_set_error(a, "Truncated RDATA."), TM_OK);
    assert_string_equal(a->error, "Truncated RDATA.");
    assert_int_equal(tm_answer_set_error(a, "second"), TM_OK);
    assert_string_equal(a->error, "second");

    /* a failed replacement keeps the previous value */
    tm_alloc_fail_after(1);
    assert_int_equal(tm_answer_set_canonical(a, "other.example.net"), TM_ENOMEM);
    assert_string_equal(a->canonical, "edge.example.net");
    tm_alloc_fail_after(1);
    assert_int_equal(tm_answer_set_error(a, "third"), TM_ENOMEM);
    assert_string_equal(a->error, "second");
    tm_alloc_fail_after(0);
    tm_answer_unref(a);
}

static void test_min_ttl(void **state)
{
    (void)state;
    static const struct {
        uint32_t ttls[4];
        size_t n;
        uint32_t min;
    } cases[] = {
        {{0}, 0, 0},
        {{300}, 1, 300},
        {{300, 60, 3600}, 3, 60},
        {{3600, 300, 60}, 3, 60},
        {{60, 300, 3600}, 3, 60},
        {{500, 0, 10}, 3, 0},
        {{0xffffffffu}, 1, 0xffffffffu},
        {{0xffffffffu, 0xfffffffeu, 0xffffffffu}, 3, 0xfffffffeu},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        tm_answer_t *a = tm_answer_create("example.com", TM_RR_A, TM_DNS_NOERROR);
        const uint8_t addr[4] = {192, 0, 2, 1};
        for (size_t k = 0; k < cases[i].n; k++)
            assert_int_equal(tm_answer_add_a(a, cases[i].ttls[k], addr), TM_OK);
        assert_int_equal(tm_answer_min_ttl(a), cases[i].min);
        tm_answer_unref(a);
    }
}

static void test_ref_unref(void **state)
{
    (void)state;
    tm_answer_t *a = tm_answer_create("example.com", TM_RR_MX, TM_DNS_NOERROR);
    assert_int_equal(tm_answer_add_mx(a, 60, 10, "mx.example.com"), TM_OK);
    assert_ptr_equal(tm_answer_ref(a), a);
    assert_ptr_equal(tm_answer_ref(a), a);
    assert_int_equal(a->refs, 3);
    tm_answer_unref(a);
    tm_answer_unref(a);
    assert_int_equal(a->refs, 1);
    /* still whole while one reference is left */
    assert_string_equal(a->rrs[0].u.mx.host, "mx.example.com");
    tm_answer_unref(a); /* the last one frees (ASan/valgrind see a leak otherwise) */
    assert_null(tm_answer_ref(NULL));
    tm_answer_unref(NULL);
}

static void test_names_and_outcomes(void **state)
{
    (void)state;
    static const struct {
        uint16_t type;
        const char *name;
    } types[] = {
        {TM_RR_A, "A"},     {TM_RR_NS, "NS"},   {TM_RR_CNAME, "CNAME"}, {TM_RR_SOA, "SOA"},
        {TM_RR_PTR, "PTR"}, {TM_RR_MX, "MX"},   {TM_RR_TXT, "TXT"},     {TM_RR_AAAA, "AAAA"},
    };
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        assert_string_equal(tm_rrtype_name(types[i].type), types[i].name);
    /* tm_dns.h: "TYPE<n>" for the others (RFC 3597 section 5) */
    assert_string_equal(tm_rrtype_name(99), "TYPE99");
    assert_string_equal(tm_rrtype_name(0), "TYPE0");
    assert_string_equal(tm_rrtype_name(65535), "TYPE65535");

    static const struct {
        tm_dns_outcome_t o;
        const char *name;
        bool is_void, is_failure;
    } outcomes[] = {
        {TM_DNS_NOERROR, "NOERROR", false, false},  {TM_DNS_NODATA, "NODATA", true, false},
        {TM_DNS_NXDOMAIN, "NXDOMAIN", true, false}, {TM_DNS_SERVFAIL, "SERVFAIL", false, true},
        {TM_DNS_REFUSED, "REFUSED", false, true},   {TM_DNS_TIMEOUT, "TIMEOUT", false, true},
        {TM_DNS_FORMERR, "FORMERR", false, true},   {TM_DNS_UNKNOWN, "UNKNOWN", false, false},
    };
    for (size_t i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++) {
        assert_string_equal(tm_dns_outcome_name(outcomes[i].o), outcomes[i].name);
        assert_int_equal(tm_dns_outcome_is_void(outcomes[i].o), outcomes[i].is_void);
        assert_int_equal(tm_dns_outcome_is_failure(outcomes[i].o), outcomes[i].is_failure);
    }
}

/* ---- allocation failure at each step ------------------------------------ */

/* Builds a full answer of the given type; on the first failure it checks that
 * the answer still counts only the records that were added, releases it and
 * returns the status.  Run once to count allocations, then with each one
 * failed in turn: valgrind/ASan report any path that leaks. */
static tm_status_t build(uint16_t type)
{
    tm_status_t st = TM_OK;
    size_t added = 0;
    tm_answer_t *a = tm_answer_create("Big.Example.COM.", type, TM_DNS_NOERROR);
    if (!a)
        return TM_ENOMEM;
    for (uint32_t i = 0; i < 5 && st == TM_OK; i++) {
        char host[32];
        snprintf(host, sizeof(host), "H%u.Example.com.", (unsigned)i);
        const uint8_t v4[4] = {192, 0, 2, (uint8_t)i};
        const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = (uint8_t)i};
        const char *strings[] = {"v=spf1 ", host, " -all"};
        const size_t lens[] = {7, strlen(host), 5};
        switch (type) {
        case TM_RR_A: st = tm_answer_add_a(a, 60 + i, v4); break;
        case TM_RR_AAAA: st = tm_answer_add_aaaa(a, 60 + i, v6); break;
        case TM_RR_MX: st = tm_answer_add_mx(a, 60 + i, (uint16_t)(10 * i), host); break;
        case TM_RR_TXT:
            st = i % 2 ? tm_answer_add_txt(a, 60 + i, strings, lens, 3)
                       : tm_answer_add_txt1(a, 60 + i, "v=spf1 include:_spf.example.com ~all");
            break;
        case TM_RR_SOA:
            st = tm_answer_add_soa(a, 60 + i, host, "hostmaster.example.com", i, 1, 2, 3, 4);
            break;
        default: st = tm_answer_add_name(a, 60 + i, host); break;
        }
        if (st == TM_OK)
            added++;
        assert_int_equal(a->count, added);
    }
    if (st == TM_OK)
        st = tm_answer_set_canonical(a, "Final.Example.NET.");
    if (st == TM_OK)
        st = tm_answer_set_error(a, "reason");
    if (st == TM_OK) {
        assert_int_equal(a->count, 5);
        assert_int_equal(tm_answer_min_ttl(a), 60);
        assert_string_equal(a->canonical, "final.example.net");
    } else {
        assert_int_equal(st, TM_ENOMEM);
    }
    tm_answer_unref(a);
    return st;
}

static void test_enomem_every_step(void **state)
{
    (void)state;
    static const uint16_t types[] = {TM_RR_A,   TM_RR_AAAA,  TM_RR_MX, TM_RR_TXT,
                                     TM_RR_SOA, TM_RR_CNAME, TM_RR_NS, TM_RR_PTR};
    for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
        tm_alloc_count_reset();
        assert_int_equal(build(types[t]), TM_OK);
        unsigned long needed = tm_alloc_count();
        assert_true(needed >= 4);
        for (unsigned long n = 1; n <= needed; n++) {
            tm_alloc_fail_after(n);
            assert_int_equal(build(types[t]), TM_ENOMEM);
            tm_alloc_fail_after(0);
        }
    }
}

/* After a failed add, the answer takes the next record normally. */
static void test_enomem_then_continue(void **state)
{
    (void)state;
    tm_answer_t *a = tm_answer_create("example.com", TM_RR_TXT, TM_DNS_NOERROR);
    assert_int_equal(tm_answer_add_txt1(a, 10, "one"), TM_OK);
    for (unsigned long n = 1; n <= 20; n++) {
        tm_alloc_fail_after(n);
        tm_status_t st = tm_answer_add_txt1(a, 20, "two");
        tm_alloc_fail_after(0);
        if (st == TM_OK)
            break;
        assert_int_equal(st, TM_ENOMEM);
        assert_int_equal(a->count, 1);
    }
    assert_int_equal(a->count, 2);
    assert_int_equal(tm_answer_add_txt1(a, 30, "three"), TM_OK);
    assert_int_equal(a->count, 3);
    assert_string_equal(a->rrs[0].u.txt.data, "one");
    assert_string_equal(a->rrs[1].u.txt.data, "two");
    assert_string_equal(a->rrs[2].u.txt.data, "three");
    tm_answer_unref(a);
}

/* Name spelling is ASCII-only whatever LC_CTYPE the program runs in. */
static void test_locale_independent(void **state)
{
    (void)state;
    static const char *const names[] = {"de_DE.ISO-8859-1", "en_US.ISO-8859-1", "de_DE",
                                        "en_US", "fr_FR.ISO-8859-1", "fr_FR"};
    bool entered = false;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !entered; i++)
        entered = setlocale(LC_ALL, names[i]) != NULL;
    if (!entered) {
        skip();
        return;
    }
    tm_answer_t *a = tm_answer_create("\xc0X.Example", TM_RR_MX, TM_DNS_NOERROR);
    tm_status_t st = tm_answer_add_mx(a, 1, 1, "\xc9.Example");
    setlocale(LC_ALL, "C");
    assert_int_equal(st, TM_OK);
    assert_string_equal(a->name, "\xc0x.example");
    assert_string_equal(a->rrs[0].u.mx.host, "\xc9.example");
    tm_answer_unref(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_create_enomem, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_add_a_many, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_add_aaaa, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_add_mx, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_add_name, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_add_name_wrong_type, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_add_txt_strings, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_add_txt_limits, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_add_txt1_split, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_add_txt1_too_long, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_add_soa, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_canonical_and_error, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_min_ttl, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_ref_unref, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_names_and_outcomes, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_enomem_every_step, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_enomem_then_continue, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_locale_independent, reset_hook, reset_hook),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
