/* test_wire.c - the DNS message walker and query builder on hand-built
 * messages: every record type, CNAME chains, every outcome, compression
 * (good, forward, looping), truncation at every byte, and garbage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmems/tm_dns.h"

/* ---- a tiny message builder ------------------------------------------------ */

typedef struct {
    uint8_t b[TM_DNS_MSG_MAX + 1024];
    size_t n;
} msg_t;

static void u8(msg_t *m, uint8_t v) { m->b[m->n++] = v; }
static void u16(msg_t *m, uint16_t v)
{
    u8(m, (uint8_t)(v >> 8));
    u8(m, (uint8_t)v);
}
static void u32(msg_t *m, uint32_t v)
{
    u16(m, (uint16_t)(v >> 16));
    u16(m, (uint16_t)v);
}
static void raw(msg_t *m, const void *p, size_t n)
{
    memcpy(m->b + m->n, p, n);
    m->n += n;
}
/* An uncompressed name from dotted text, ending with the root label. */
static void name(msg_t *m, const char *dotted)
{
    const char *p = dotted;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t l = dot ? (size_t)(dot - p) : strlen(p);
        u8(m, (uint8_t)l);
        raw(m, p, l);
        p += l;
        if (*p == '.')
            p++;
    }
    u8(m, 0);
}
static void ptr(msg_t *m, uint16_t off) { u16(m, (uint16_t)(0xC000 | off)); }

#define QR 0x8000
#define TC 0x0200
#define RD 0x0100
#define RA 0x0080

/* Header and one question; the question name starts at offset 12. */
static void start(msg_t *m, uint16_t flags, uint16_t an, const char *qname, uint16_t qtype)
{
    m->n = 0;
    u16(m, 0xBEEF);
    u16(m, flags);
    u16(m, 1);
    u16(m, an);
    u16(m, 0);
    u16(m, 0);
    name(m, qname);
    u16(m, qtype);
    u16(m, 1);
}
/* Type, class IN, TTL and a placeholder RDLENGTH; returns where it is. */
static size_t rr(msg_t *m, uint16_t type, uint32_t ttl)
{
    u16(m, type);
    u16(m, 1);
    u32(m, ttl);
    size_t at = m->n;
    u16(m, 0);
    return at;
}
static void rr_end(msg_t *m, size_t at)
{
    size_t len = m->n - at - 2;
    m->b[at] = (uint8_t)(len >> 8);
    m->b[at + 1] = (uint8_t)len;
}
static void rr_a(msg_t *m, uint32_t ttl, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    size_t at = rr(m, TM_RR_A, ttl);
    uint8_t addr[4] = {a, b, c, d};
    raw(m, addr, 4);
    rr_end(m, at);
}
static void rr_cname(msg_t *m, const char *target)
{
    size_t at = rr(m, TM_RR_CNAME, 60);
    name(m, target);
    rr_end(m, at);
}

static tm_answer_t *parse(const msg_t *m, const char *qname, uint16_t qtype)
{
    tm_answer_t *ans = NULL;
    assert_int_equal(tm_dns_parse_response(m->b, m->n, qname, qtype, &ans), TM_OK);
    assert_non_null(ans);
    return ans;
}

static void expect_formerr(const msg_t *m, const char *qname, uint16_t qtype, const char *why)
{
    tm_answer_t *ans = parse(m, qname, qtype);
    assert_int_equal(ans->outcome, TM_DNS_FORMERR);
    assert_int_equal(ans->count, 0);
    assert_non_null(ans->error);
    if (why && !strstr(ans->error, why))
        fail_msg("reason '%s' lacks '%s'", ans->error, why);
    tm_answer_unref(ans);
}

/* ---- records ---------------------------------------------------------------- */

static void test_a_records_with_ttls(void **state)
{
    (void)state;
    msg_t m;
    start(&m, QR | RD | RA, 2, "WWW.Example.JP", TM_RR_A);
    ptr(&m, 12);
    rr_a(&m, 300, 192, 0, 2, 1);
    ptr(&m, 12);
    rr_a(&m, 42, 192, 0, 2, 2);
    tm_answer_t *ans = parse(&m, "www.example.jp.", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_string_equal(ans->name, "www.example.jp");
    assert_int_equal(ans->type, TM_RR_A);
    assert_int_equal(ans->count, 2);
    assert_int_equal(ans->rrs[0].ttl, 300);
    assert_int_equal(ans->rrs[1].ttl, 42);
    assert_memory_equal(ans->rrs[0].u.a, ((uint8_t[]){192, 0, 2, 1}), 4);
    assert_memory_equal(ans->rrs[1].u.a, ((uint8_t[]){192, 0, 2, 2}), 4);
    assert_null(ans->canonical);
    assert_null(ans->error);
    assert_int_equal(ans->wire_size, m.n);
    assert_false(ans->truncated);
    assert_int_equal(tm_answer_min_ttl(ans), 42);
    tm_answer_unref(ans);
}

static void test_aaaa(void **state)
{
    (void)state;
    msg_t m;
    uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x53};
    start(&m, QR, 1, "v6.example.jp", TM_RR_AAAA);
    ptr(&m, 12);
    size_t at = rr(&m, TM_RR_AAAA, 7);
    raw(&m, v6, 16);
    rr_end(&m, at);
    tm_answer_t *ans = parse(&m, "v6.example.jp", TM_RR_AAAA);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_int_equal(ans->count, 1);
    assert_int_equal(ans->rrs[0].ttl, 7);
    assert_memory_equal(ans->rrs[0].u.aaaa, v6, 16);
    tm_answer_unref(ans);
}

static void test_mx_compressed_target(void **state)
{
    (void)state;
    msg_t m;
    start(&m, QR, 2, "example.jp", TM_RR_MX);
    ptr(&m, 12);
    size_t at = rr(&m, TM_RR_MX, 300);
    size_t first_target = at + 2 + 2; /* RDATA start + preference */
    u16(&m, 10);
    u8(&m, 4);
    raw(&m, "MAIL", 4);
    ptr(&m, 12); /* mail.<example.jp> */
    rr_end(&m, at);
    ptr(&m, 12);
    at = rr(&m, TM_RR_MX, 3600);
    u16(&m, 20);
    ptr(&m, (uint16_t)first_target);  /* a pointer to a name that ends in a pointer */
    rr_end(&m, at);
    tm_answer_t *ans = parse(&m, "example.jp", TM_RR_MX);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_int_equal(ans->count, 2);
    assert_int_equal(ans->rrs[0].u.mx.preference, 10);
    assert_string_equal(ans->rrs[0].u.mx.host, "mail.example.jp");
    assert_int_equal(ans->rrs[0].ttl, 300);
    assert_int_equal(ans->rrs[1].u.mx.preference, 20);
    assert_string_equal(ans->rrs[1].u.mx.host, "mail.example.jp");
    assert_int_equal(ans->rrs[1].ttl, 3600);
    tm_answer_unref(ans);
}

static void test_null_mx(void **state)
{
    (void)state;
    msg_t m;
    /* RFC 7505: "0 ." - the root as target. */
    start(&m, QR, 1, "nomail.example.jp", TM_RR_MX);
    ptr(&m, 12);
    size_t at = rr(&m, TM_RR_MX, 300);
    u16(&m, 0);
    u8(&m, 0);
    rr_end(&m, at);
    tm_answer_t *ans = parse(&m, "nomail.example.jp", TM_RR_MX);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_int_equal(ans->count, 1);
    assert_string_equal(ans->rrs[0].u.mx.host, "");
    tm_answer_unref(ans);
}

static void test_txt_strings_kept_apart(void **state)
{
    (void)state;
    msg_t m;
    start(&m, QR, 2, "example.jp", TM_RR_TXT);
    ptr(&m, 12);
    size_t at = rr(&m, TM_RR_TXT, 120);
    u8(&m, 20);
    raw(&m, "v=spf1 include:spf.t", 20);
    u8(&m, 0); /* an empty string between */
    u8(&m, 17);
    raw(&m, "mems-jp.trendmicr", 17);
    rr_end(&m, at);
    ptr(&m, 12);
    at = rr(&m, TM_RR_TXT, 60);
    u8(&m, 3);
    raw(&m, "a\0b", 3); /* a NUL byte inside */
    rr_end(&m, at);
    tm_answer_t *ans = parse(&m, "example.jp", TM_RR_TXT);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_int_equal(ans->count, 2);
    const tm_rr_t *t = &ans->rrs[0];
    assert_int_equal(t->u.txt.nstrings, 3);
    assert_int_equal(t->u.txt.string_lens[0], 20);
    assert_int_equal(t->u.txt.string_lens[1], 0);
    assert_int_equal(t->u.txt.string_lens[2], 17);
    assert_int_equal(t->u.txt.len, 37);
    assert_memory_equal(t->u.txt.data, "v=spf1 include:spf.tmems-jp.trendmicr", 37);
    assert_int_equal(t->ttl, 120);
    t = &ans->rrs[1];
    assert_int_equal(t->u.txt.nstrings, 1);
    assert_int_equal(t->u.txt.len, 3);
    assert_memory_equal(t->u.txt.data, "a\0b", 3);
    tm_answer_unref(ans);
}

static void test_ns_ptr_soa(void **state)
{
    (void)state;
    msg_t m;
    start(&m, QR, 2, "example.jp", TM_RR_NS);
    ptr(&m, 12);
    size_t at = rr(&m, TM_RR_NS, 86400);
    name(&m, "NS1.Example.JP");
    rr_end(&m, at);
    ptr(&m, 12);
    at = rr(&m, TM_RR_NS, 86400);
    u8(&m, 3);
    raw(&m, "ns2", 3);
    ptr(&m, 12);
    rr_end(&m, at);
    tm_answer_t *ans = parse(&m, "example.jp", TM_RR_NS);
    assert_int_equal(ans->count, 2);
    assert_string_equal(ans->rrs[0].u.name, "ns1.example.jp");
    assert_string_equal(ans->rrs[1].u.name, "ns2.example.jp");
    tm_answer_unref(ans);

    start(&m, QR, 1, "1.2.0.192.in-addr.arpa", TM_RR_PTR);
    ptr(&m, 12);
    at = rr(&m, TM_RR_PTR, 5);
    name(&m, "host.example.jp");
    rr_end(&m, at);
    ans = parse(&m, "1.2.0.192.in-addr.arpa", TM_RR_PTR);
    assert_int_equal(ans->count, 1);
    assert_int_equal(ans->rrs[0].type, TM_RR_PTR);
    assert_string_equal(ans->rrs[0].u.name, "host.example.jp");
    tm_answer_unref(ans);

    start(&m, QR, 1, "example.jp", TM_RR_SOA);
    ptr(&m, 12);
    at = rr(&m, TM_RR_SOA, 900);
    u8(&m, 3);
    raw(&m, "ns1", 3);
    ptr(&m, 12);
    u8(&m, 10);
    raw(&m, "hostmaster", 10);
    ptr(&m, 12);
    u32(&m, 2024082101);
    u32(&m, 7200);
    u32(&m, 3600);
    u32(&m, 1209600);
    u32(&m, 300);
    rr_end(&m, at);
    ans = parse(&m, "example.jp", TM_RR_SOA);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_int_equal(ans->count, 1);
    assert_string_equal(ans->rrs[0].u.soa.mname, "ns1.example.jp");
    assert_string_equal(ans->rrs[0].u.soa.rname, "hostmaster.example.jp");
    assert_int_equal(ans->rrs[0].u.soa.serial, 2024082101u);
    assert_int_equal(ans->rrs[0].u.soa.refresh, 7200);
    assert_int_equal(ans->rrs[0].u.soa.retry, 3600);
    assert_int_equal(ans->rrs[0].u.soa.expire, 1209600);
    assert_int_equal(ans->rrs[0].u.soa.minimum, 300);
    assert_int_equal(ans->rrs[0].ttl, 900);
    tm_answer_unref(ans);
}

static void test_ttl_top_bit_is_zero(void **state)
{
    (void)state;
    msg_t m;
    start(&m, QR, 1, "example.jp", TM_RR_A);
    ptr(&m, 12);
    rr_a(&m, 0x80000001u, 1, 2, 3, 4);
    tm_answer_t *ans = parse(&m, "example.jp", TM_RR_A);
    assert_int_equal(ans->count, 1);
    assert_int_equal(ans->rrs[0].ttl, 0); /* RFC 2181 section 8 */
    tm_answer_unref(ans);
}

/* ---- CNAME chains ------------------------------------------------------------- */

static void test_cname_chain(void **state)
{
    (void)state;
    msg_t m;
    start(&m, QR, 5, "www.example.jp", TM_RR_A);
    name(&m, "other.example.jp"); /* an A of another owner: ignored */
    rr_a(&m, 1, 9, 9, 9, 9);
    ptr(&m, 12);
    rr_cname(&m, "A.cdn.example.net");
    name(&m, "a.cdn.example.net");
    rr_cname(&m, "b.cdn.example.net");
    name(&m, "B.CDN.example.net");
    rr_a(&m, 20, 10, 0, 0, 1);
    name(&m, "b.cdn.example.net");
    rr_a(&m, 30, 10, 0, 0, 2);
    tm_answer_t *ans = parse(&m, "www.example.jp", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_string_equal(ans->name, "www.example.jp");
    assert_non_null(ans->canonical);
    assert_string_equal(ans->canonical, "b.cdn.example.net");
    assert_int_equal(ans->count, 2);
    assert_int_equal(ans->rrs[0].ttl, 20);
    assert_int_equal(ans->rrs[1].u.a[3], 2);
    tm_answer_unref(ans);
}

static void test_cname_asked_directly(void **state)
{
    (void)state;
    msg_t m;
    start(&m, QR, 1, "www.example.jp", TM_RR_CNAME);
    ptr(&m, 12);
    rr_cname(&m, "target.example.jp");
    tm_answer_t *ans = parse(&m, "www.example.jp", TM_RR_CNAME);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_int_equal(ans->count, 1);
    assert_string_equal(ans->rrs[0].u.name, "target.example.jp");
    assert_null(ans->canonical);
    tm_answer_unref(ans);
}

static void test_cname_to_nodata(void **state)
{
    (void)state;
    msg_t m;
    start(&m, QR, 1, "www.example.jp", TM_RR_MX);
    ptr(&m, 12);
    rr_cname(&m, "host.example.jp");
    tm_answer_t *ans = parse(&m, "www.example.jp", TM_RR_MX);
    assert_int_equal(ans->outcome, TM_DNS_NODATA);
    assert_string_equal(ans->canonical, "host.example.jp");
    assert_int_equal(ans->count, 0);
    tm_answer_unref(ans);
}

/* A chain of n CNAMEs c0 -> c1 -> ... -> cn, with an A at cn. */
static void build_chain(msg_t *m, int n, bool loop)
{
    char owner[32], target[32];
    start(m, QR, (uint16_t)(n + 1), "c0.example.jp", TM_RR_A);
    for (int i = 0; i < n; i++) {
        snprintf(owner, sizeof owner, "c%d.example.jp", i);
        snprintf(target, sizeof target, "c%d.example.jp", loop && i == n - 1 ? 0 : i + 1);
        name(m, owner);
        rr_cname(m, target);
    }
    snprintf(owner, sizeof owner, "c%d.example.jp", n);
    name(m, owner);
    rr_a(m, 5, 1, 1, 1, 1);
}

static void test_cname_bounds(void **state)
{
    (void)state;
    msg_t m;
    build_chain(&m, 16, false);
    tm_answer_t *ans = parse(&m, "c0.example.jp", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_string_equal(ans->canonical, "c16.example.jp");
    assert_int_equal(ans->count, 1);
    tm_answer_unref(ans);

    build_chain(&m, 17, false);
    expect_formerr(&m, "c0.example.jp", TM_RR_A, "CNAME chain");

    build_chain(&m, 3, true);
    expect_formerr(&m, "c0.example.jp", TM_RR_A, "loop");

    /* A CNAME to itself. */
    start(&m, QR, 1, "self.example.jp", TM_RR_A);
    ptr(&m, 12);
    size_t at = rr(&m, TM_RR_CNAME, 5);
    ptr(&m, 12);
    rr_end(&m, at);
    expect_formerr(&m, "self.example.jp", TM_RR_A, "loop");
}

/* ---- outcomes -------------------------------------------------------------------- */

static void test_nxdomain(void **state)
{
    (void)state;
    msg_t m;
    start(&m, QR | 3, 0, "nope.example.jp", TM_RR_A);
    tm_answer_t *ans = parse(&m, "nope.example.jp", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_NXDOMAIN);
    assert_int_equal(ans->count, 0);
    assert_null(ans->canonical);
    tm_answer_unref(ans);

    /* RFC 6604: the rcode is about the end of the chain. */
    start(&m, QR | 3, 1, "alias.example.jp", TM_RR_A);
    ptr(&m, 12);
    rr_cname(&m, "gone.example.net");
    ans = parse(&m, "alias.example.jp", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_NXDOMAIN);
    assert_string_equal(ans->canonical, "gone.example.net");
    assert_int_equal(ans->count, 0);
    tm_answer_unref(ans);
}

static void test_nodata_and_wrong_type(void **state)
{
    (void)state;
    msg_t m;
    start(&m, QR, 0, "example.jp", TM_RR_AAAA);
    tm_answer_t *ans = parse(&m, "example.jp", TM_RR_AAAA);
    assert_int_equal(ans->outcome, TM_DNS_NODATA);
    assert_int_equal(ans->count, 0);
    tm_answer_unref(ans);

    /* Records of another type at the name do not answer the question. */
    start(&m, QR, 1, "example.jp", TM_RR_A);
    ptr(&m, 12);
    size_t at = rr(&m, TM_RR_MX, 300);
    u16(&m, 10);
    ptr(&m, 12);
    rr_end(&m, at);
    ans = parse(&m, "example.jp", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_NODATA);
    assert_int_equal(ans->count, 0);
    tm_answer_unref(ans);

    /* Records of class CH are not Internet data. */
    start(&m, QR, 1, "example.jp", TM_RR_A);
    ptr(&m, 12);
    u16(&m, TM_RR_A);
    u16(&m, 3);
    u32(&m, 60);
    u16(&m, 4);
    u32(&m, 0x01020304);
    ans = parse(&m, "example.jp", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_NODATA);
    tm_answer_unref(ans);
}

static void test_rcodes(void **state)
{
    (void)state;
    msg_t m;
    start(&m, QR | 2, 0, "example.jp", TM_RR_A);
    tm_answer_t *ans = parse(&m, "example.jp", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_SERVFAIL);
    tm_answer_unref(ans);

    start(&m, QR | 5, 0, "example.jp", TM_RR_A);
    ans = parse(&m, "example.jp", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_REFUSED);
    tm_answer_unref(ans);

    /* SERVFAIL without a question section (some servers do that). */
    m.n = 0;
    u16(&m, 1);
    u16(&m, QR | 2);
    u16(&m, 0);
    u16(&m, 0);
    u16(&m, 0);
    u16(&m, 0);
    ans = parse(&m, "example.jp", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_SERVFAIL);
    tm_answer_unref(ans);

    start(&m, QR | 4, 0, "example.jp", TM_RR_A);
    expect_formerr(&m, "example.jp", TM_RR_A, "rcode 4");
    start(&m, QR | 1, 0, "example.jp", TM_RR_A);
    expect_formerr(&m, "example.jp", TM_RR_A, "rcode 1");
}

static void test_tc_bit(void **state)
{
    (void)state;
    msg_t m;
    start(&m, QR | TC, 1, "big.example.jp", TM_RR_TXT);
    ptr(&m, 12);
    size_t at = rr(&m, TM_RR_TXT, 1);
    u8(&m, 1);
    u8(&m, 'x');
    rr_end(&m, at);
    tm_answer_t *ans = parse(&m, "big.example.jp", TM_RR_TXT);
    assert_true(ans->truncated);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    tm_answer_unref(ans);
}

/* ---- malformed ---------------------------------------------------------------------- */

static void test_compression_attacks(void **state)
{
    (void)state;
    msg_t m;
    /* A pointer to itself. */
    start(&m, QR, 1, "example.jp", TM_RR_A);
    ptr(&m, (uint16_t)m.n);
    rr_a(&m, 1, 1, 1, 1, 1);
    expect_formerr(&m, "example.jp", TM_RR_A, "backwards");

    /* A forward pointer. */
    start(&m, QR, 1, "example.jp", TM_RR_A);
    ptr(&m, (uint16_t)(m.n + 2));
    name(&m, "example.jp");
    expect_formerr(&m, "example.jp", TM_RR_A, "backwards");

    /* Two pointers pointing at each other: the second jumps back to the
     * first, which would jump forward. */
    start(&m, QR, 1, "example.jp", TM_RR_A);
    size_t p1 = m.n;
    ptr(&m, (uint16_t)(p1 + 2));
    ptr(&m, (uint16_t)p1);
    expect_formerr(&m, "example.jp", TM_RR_A, NULL);

    /* A pointer past the end of the message. */
    start(&m, QR, 1, "example.jp", TM_RR_A);
    ptr(&m, 0x3FFF);
    rr_a(&m, 1, 1, 1, 1, 1);
    expect_formerr(&m, "example.jp", TM_RR_A, NULL);

    /* Extended label types 0x40 and 0x80 (RFC 6891 section 5). */
    start(&m, QR, 1, "example.jp", TM_RR_A);
    u8(&m, 0x41);
    u8(&m, 'x');
    u8(&m, 0);
    rr_a(&m, 1, 1, 1, 1, 1);
    expect_formerr(&m, "example.jp", TM_RR_A, "label type");
}

static void test_name_too_long(void **state)
{
    (void)state;
    msg_t m;
    char big[400];
    /* 4 labels of 63 = 256 octets with the length bytes, 257 with the root. */
    memset(big, 'a', sizeof big);
    for (int i = 0; i < 4; i++)
        big[i * 64 + 63] = '.';
    big[4 * 64 - 1] = '\0';
    start(&m, QR, 0, "example.jp", TM_RR_A);
    m.b[7] = 1; /* ANCOUNT */
    name(&m, big);
    rr_a(&m, 1, 1, 1, 1, 1);
    expect_formerr(&m, "example.jp", TM_RR_A, "255");

    /* Length through compression: a long suffix reached by a pointer. */
    start(&m, QR, 0, "example.jp", TM_RR_A);
    m.b[7] = 2;
    size_t first = m.n;
    big[3 * 64 - 1] = '\0'; /* 3 labels: 193 octets */
    name(&m, big);
    rr_a(&m, 1, 1, 1, 1, 1);
    for (int i = 0; i < 2; i++) {
        u8(&m, 40);
        for (int k = 0; k < 40; k++)
            u8(&m, 'b');
    }
    ptr(&m, (uint16_t)first); /* 82 + 193 > 255 */
    rr_a(&m, 1, 1, 1, 1, 1);
    expect_formerr(&m, "example.jp", TM_RR_A, "255");
}

static void test_bad_rdata(void **state)
{
    (void)state;
    msg_t m;
    start(&m, QR, 1, "example.jp", TM_RR_A);
    ptr(&m, 12);
    size_t at = rr(&m, TM_RR_A, 1);
    u8(&m, 1);
    u8(&m, 2);
    u8(&m, 3);
    rr_end(&m, at);
    expect_formerr(&m, "example.jp", TM_RR_A, "3 bytes");

    start(&m, QR, 1, "example.jp", TM_RR_MX);
    ptr(&m, 12);
    at = rr(&m, TM_RR_MX, 1);
    u16(&m, 10);
    ptr(&m, 12);
    u8(&m, 0xAA); /* a stray byte after the name */
    rr_end(&m, at);
    expect_formerr(&m, "example.jp", TM_RR_MX, "stray");

    start(&m, QR, 1, "example.jp", TM_RR_TXT);
    ptr(&m, 12);
    at = rr(&m, TM_RR_TXT, 1);
    u8(&m, 10); /* claims 10 bytes, has 2 */
    u8(&m, 'a');
    u8(&m, 'b');
    rr_end(&m, at);
    expect_formerr(&m, "example.jp", TM_RR_TXT, "TXT");

    /* No character-string at all (illegal, RFC 1035 section 3.3.14): kept
     * as a record without text, so that the SPF record beside it still
     * counts (the RFC 7208 suite, null-text). */
    start(&m, QR, 2, "example.jp", TM_RR_TXT);
    ptr(&m, 12);
    at = rr(&m, TM_RR_TXT, 1);
    rr_end(&m, at);
    ptr(&m, 12);
    at = rr(&m, TM_RR_TXT, 1);
    u8(&m, 11);
    raw(&m, "v=spf1 -all", 11);
    rr_end(&m, at);
    tm_answer_t *ans = parse(&m, "example.jp", TM_RR_TXT);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_int_equal(ans->count, 2);
    assert_int_equal(ans->rrs[0].u.txt.nstrings, 0);
    assert_int_equal(ans->rrs[0].u.txt.len, 0);
    assert_int_equal(ans->rrs[1].u.txt.len, 11);
    assert_memory_equal(ans->rrs[1].u.txt.data, "v=spf1 -all", 11);
    tm_answer_unref(ans);

    /* RDLENGTH past the end of the message. */
    start(&m, QR, 1, "example.jp", TM_RR_A);
    ptr(&m, 12);
    at = rr(&m, TM_RR_A, 1);
    u32(&m, 0x01020304);
    m.b[at + 1] = 200;
    expect_formerr(&m, "example.jp", TM_RR_A, "past the end");
}

static void test_header_and_question(void **state)
{
    (void)state;
    msg_t m;
    tm_answer_t *ans = NULL;
    assert_int_equal(tm_dns_parse_response((const uint8_t *)"", 0, "example.jp", TM_RR_A, &ans),
                     TM_OK);
    assert_int_equal(ans->outcome, TM_DNS_FORMERR);
    assert_int_equal(ans->wire_size, 0);
    tm_answer_unref(ans);

    start(&m, 0, 0, "example.jp", TM_RR_A); /* QR clear: a query */
    expect_formerr(&m, "example.jp", TM_RR_A, "query");

    start(&m, QR, 0, "other.example.jp", TM_RR_A);
    expect_formerr(&m, "example.jp", TM_RR_A, "another question");

    start(&m, QR, 0, "example.jp", TM_RR_MX);
    expect_formerr(&m, "example.jp", TM_RR_A, "another question");

    start(&m, QR, 0, "example.jp", TM_RR_A);
    m.b[5] = 2; /* QDCOUNT 2 */
    expect_formerr(&m, "example.jp", TM_RR_A, "questions");

    start(&m, QR, 0, "example.jp", TM_RR_A);
    m.b[7] = 200; /* ANCOUNT far beyond the bytes */
    expect_formerr(&m, "example.jp", TM_RR_A, "answer count");

    /* The question matches case-insensitively. */
    start(&m, QR, 0, "EXAMPLE.jp", TM_RR_A);
    ans = parse(&m, "Example.JP.", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_NODATA);
    tm_answer_unref(ans);
}

static void test_every_truncation(void **state)
{
    (void)state;
    msg_t m;
    start(&m, QR, 3, "example.jp", TM_RR_MX);
    ptr(&m, 12);
    size_t at = rr(&m, TM_RR_MX, 300);
    u16(&m, 10);
    name(&m, "mx1.example.jp");
    rr_end(&m, at);
    ptr(&m, 12);
    at = rr(&m, TM_RR_MX, 300);
    u16(&m, 20);
    u8(&m, 3);
    raw(&m, "mx2", 3);
    ptr(&m, 12);
    rr_end(&m, at);
    ptr(&m, 12);
    at = rr(&m, TM_RR_MX, 300);
    u16(&m, 30);
    u8(&m, 0);
    rr_end(&m, at);
    tm_answer_t *full = parse(&m, "example.jp", TM_RR_MX);
    assert_int_equal(full->outcome, TM_DNS_NOERROR);
    assert_int_equal(full->count, 3);
    tm_answer_unref(full);
    /* Every strict prefix lacks part of a record the counts promise. */
    for (size_t len = 0; len < m.n; len++) {
        tm_answer_t *ans = NULL;
        assert_int_equal(tm_dns_parse_response(m.b, len, "example.jp", TM_RR_MX, &ans), TM_OK);
        if (ans->outcome != TM_DNS_FORMERR)
            fail_msg("prefix of %zu bytes gave %s", len, tm_dns_outcome_name(ans->outcome));
        assert_int_equal(ans->wire_size, len);
        tm_answer_unref(ans);
    }
}

static uint32_t rng_state = 12345;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static void test_garbage(void **state)
{
    (void)state;
    static msg_t m;
    unsigned seen[TM_DNS_UNKNOWN + 1] = {0};
    for (int iter = 0; iter < 20000; iter++) {
        if (iter % 2 == 0) {
            /* Random bytes behind a plausible header. */
            size_t len = rnd() % 700;
            for (size_t i = 0; i < len; i++)
                m.b[i] = (uint8_t)rnd();
            if (len >= 12) {
                m.b[2] |= 0x80;
                m.b[4] = 0;
                m.b[5] = 0;
                m.b[3] &= 0xF0; /* rcode 0 */
            }
            m.n = len;
        } else {
            /* A valid message with a few bytes flipped. */
            start(&m, QR, 2, "example.jp", TM_RR_A);
            ptr(&m, 12);
            rr_cname(&m, "x.example.jp");
            name(&m, "x.example.jp");
            rr_a(&m, 60, 1, 2, 3, 4);
            for (int k = 0; k < 3; k++)
                m.b[12 + rnd() % (m.n - 12)] ^= (uint8_t)(1u << (rnd() % 8));
        }
        tm_answer_t *ans = NULL;
        assert_int_equal(tm_dns_parse_response(m.b, m.n, "example.jp", TM_RR_A, &ans), TM_OK);
        assert_true(ans->outcome <= TM_DNS_UNKNOWN);
        assert_true(ans->outcome != TM_DNS_UNKNOWN && ans->outcome != TM_DNS_TIMEOUT);
        if (ans->outcome == TM_DNS_FORMERR)
            assert_non_null(ans->error);
        if (ans->outcome != TM_DNS_NOERROR)
            assert_int_equal(ans->count, 0);
        seen[ans->outcome]++;
        tm_answer_unref(ans);
    }
    /* The flipped messages must still parse sometimes, or the test proves
     * nothing about the good path under noise. */
    assert_true(seen[TM_DNS_FORMERR] > 0);
    assert_true(seen[TM_DNS_NOERROR] > 0);
}

static void test_huge_txt_set(void **state)
{
    (void)state;
    static msg_t m;
    /* 600 TXT records of 3 strings each, all compressed to the question. */
    start(&m, QR, 600, "big.example.jp", TM_RR_TXT);
    for (int i = 0; i < 600; i++) {
        ptr(&m, 12);
        size_t at = rr(&m, TM_RR_TXT, (uint32_t)i);
        for (int k = 0; k < 3; k++) {
            u8(&m, 20);
            for (int c = 0; c < 20; c++)
                u8(&m, (uint8_t)('a' + (i + k + c) % 26));
        }
        rr_end(&m, at);
    }
    assert_true(m.n < TM_DNS_MSG_MAX);
    tm_answer_t *ans = parse(&m, "big.example.jp", TM_RR_TXT);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_int_equal(ans->count, 600);
    for (int i = 0; i < 600; i++) {
        assert_int_equal(ans->rrs[i].ttl, (uint32_t)i);
        assert_int_equal(ans->rrs[i].u.txt.nstrings, 3);
        assert_int_equal(ans->rrs[i].u.txt.len, 60);
        assert_int_equal(ans->rrs[i].u.txt.data[0], 'a' + i % 26);
    }
    tm_answer_unref(ans);

    /* One record with TM_TXT_MAX_STRINGS empty strings is fine, one more is
     * past the bound. */
    for (int extra = 0; extra <= 1; extra++) {
        start(&m, QR, 1, "big.example.jp", TM_RR_TXT);
        ptr(&m, 12);
        size_t at = rr(&m, TM_RR_TXT, 1);
        for (int k = 0; k < TM_TXT_MAX_STRINGS + extra; k++)
            u8(&m, 0);
        rr_end(&m, at);
        ans = parse(&m, "big.example.jp", TM_RR_TXT);
        if (extra) {
            assert_int_equal(ans->outcome, TM_DNS_FORMERR);
        } else {
            assert_int_equal(ans->outcome, TM_DNS_NOERROR);
            assert_int_equal(ans->rrs[0].u.txt.nstrings, TM_TXT_MAX_STRINGS);
        }
        tm_answer_unref(ans);
    }
}

static void test_oversized_and_args(void **state)
{
    (void)state;
    static uint8_t big[TM_DNS_MSG_MAX + 1];
    tm_answer_t *ans = NULL;
    assert_int_equal(tm_dns_parse_response(big, sizeof big, "example.jp", TM_RR_A, &ans), TM_OK);
    assert_int_equal(ans->outcome, TM_DNS_FORMERR);
    tm_answer_unref(ans);
    assert_int_equal(tm_dns_parse_response(NULL, 5, "example.jp", TM_RR_A, &ans), TM_EINVAL);
    assert_int_equal(tm_dns_parse_response(big, 12, NULL, TM_RR_A, &ans), TM_EINVAL);
    assert_int_equal(tm_dns_parse_response(big, 12, "example.jp", TM_RR_A, NULL), TM_EINVAL);
}

static void test_unsupported_type_present(void **state)
{
    (void)state;
    msg_t m;
    /* CAA (257): present, but tm_rr_t has no form for it. */
    start(&m, QR, 1, "example.jp", 257);
    ptr(&m, 12);
    size_t at = rr(&m, 257, 60);
    u8(&m, 0);
    u8(&m, 5);
    raw(&m, "issue", 5);
    rr_end(&m, at);
    tm_answer_t *ans = parse(&m, "example.jp", 257);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_int_equal(ans->count, 0);
    tm_answer_unref(ans);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    msg_t m;
    start(&m, QR, 4, "www.example.jp", TM_RR_TXT);
    ptr(&m, 12);
    rr_cname(&m, "t.example.jp");
    for (int i = 0; i < 3; i++) {
        name(&m, "t.example.jp");
        size_t at = rr(&m, TM_RR_TXT, 60);
        u8(&m, 5);
        raw(&m, "hello", 5);
        u8(&m, 5);
        raw(&m, "world", 5);
        rr_end(&m, at);
    }
    bool succeeded = false;
    for (unsigned long n = 1; n < 200 && !succeeded; n++) {
        tm_answer_t *ans = NULL;
        tm_alloc_fail_after(n);
        tm_status_t st = tm_dns_parse_response(m.b, m.n, "www.example.jp", TM_RR_TXT, &ans);
        tm_alloc_fail_after(0);
        if (st == TM_OK) {
            assert_non_null(ans);
            /* Success after the failure point passed means nothing failed. */
            if (ans->outcome == TM_DNS_NOERROR) {
                assert_int_equal(ans->count, 3);
                succeeded = true;
            }
            tm_answer_unref(ans);
        } else {
            assert_int_equal(st, TM_ENOMEM);
            assert_null(ans);
        }
    }
    assert_true(succeeded);
}

/* ---- the query builder ---------------------------------------------------------------- */

static void test_build_query(void **state)
{
    (void)state;
    uint8_t q[512];
    size_t n = 0;
    assert_int_equal(tm_dns_build_query("Mail.Example.JP.", TM_RR_MX, 0x1234, false, q, sizeof q,
                                        &n),
                     TM_OK);
    static const uint8_t want[] = {
        0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1,           /* header: RD, QD 1, AR 1 */
        4, 'm', 'a', 'i', 'l', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 2, 'j', 'p', 0,
        0, 15, 0, 1,                                              /* MX IN */
        0, 0, 41, 0x10, 0x00, 0, 0, 0, 0, 0, 0};                  /* OPT, 4096 */
    assert_int_equal(n, sizeof want);
    assert_memory_equal(q, want, sizeof want);

    assert_int_equal(tm_dns_build_query("example.jp", TM_RR_A, 7, true, q, sizeof q, &n), TM_OK);
    assert_int_equal(q[2] & 0x01, 0); /* RD clear */
    assert_int_equal(q[3], 0);

    /* Escapes: "a\.b" is one label of three bytes; \065 is 'A' (lowered). */
    assert_int_equal(tm_dns_build_query("a\\.b.\\065x", TM_RR_TXT, 1, false, q, sizeof q, &n),
                     TM_OK);
    assert_memory_equal(q + 12, ((uint8_t[]){3, 'a', '.', 'b', 2, 'a', 'x', 0}), 8);

    /* The root. */
    assert_int_equal(tm_dns_build_query(".", TM_RR_NS, 1, false, q, sizeof q, &n), TM_OK);
    assert_int_equal(q[12], 0);
    assert_int_equal(n, 12 + 1 + 4 + 11);
}

static void test_build_query_rejects(void **state)
{
    (void)state;
    uint8_t q[600];
    size_t n = 99;
    char label64[80], long_name[300];
    memset(label64, 'a', 64);
    label64[64] = '\0';
    /* 5 labels of 50: 5 * 51 + 1 = 256 octets. */
    for (int i = 0; i < 5; i++) {
        memset(long_name + i * 51, 'b', 50);
        long_name[i * 51 + 50] = '.';
    }
    long_name[5 * 51 - 1] = '\0';
    assert_int_equal(tm_dns_build_query("a..b", TM_RR_A, 1, false, q, sizeof q, &n), TM_EINVAL);
    assert_int_equal(tm_dns_build_query(".a", TM_RR_A, 1, false, q, sizeof q, &n), TM_EINVAL);
    assert_int_equal(tm_dns_build_query(label64, TM_RR_A, 1, false, q, sizeof q, &n), TM_EINVAL);
    label64[63] = '\0';
    assert_int_equal(tm_dns_build_query(label64, TM_RR_A, 1, false, q, sizeof q, &n), TM_OK);
    assert_int_equal(tm_dns_build_query(long_name, TM_RR_A, 1, false, q, sizeof q, &n),
                     TM_EINVAL);
    long_name[4 * 51 - 1] = '\0';
    assert_int_equal(tm_dns_build_query(long_name, TM_RR_A, 1, false, q, sizeof q, &n), TM_OK);
    assert_int_equal(tm_dns_build_query("x\\", TM_RR_A, 1, false, q, sizeof q, &n), TM_EINVAL);
    assert_int_equal(tm_dns_build_query("x\\25", TM_RR_A, 1, false, q, sizeof q, &n), TM_EINVAL);
    assert_int_equal(tm_dns_build_query("x\\256", TM_RR_A, 1, false, q, sizeof q, &n), TM_EINVAL);
    /* Too small a buffer. */
    assert_int_equal(tm_dns_build_query("example.jp", TM_RR_A, 1, false, q, 20, &n), TM_ERANGE);
    assert_int_equal(n, 0);
    assert_int_equal(tm_dns_build_query(NULL, TM_RR_A, 1, false, q, sizeof q, &n), TM_EINVAL);
}

static void test_query_round_trip(void **state)
{
    (void)state;
    msg_t m;
    size_t n = 0;
    assert_int_equal(tm_dns_build_query("Spf.TMEMS-jp.trendmicro.com", TM_RR_TXT, 0xABCD, false,
                                        m.b, sizeof m.b, &n),
                     TM_OK);
    /* Turn the query into its answer: QR, ANCOUNT 1, drop the OPT record. */
    m.n = n - 11;
    m.b[2] |= 0x80;
    m.b[7] = 1;
    m.b[11] = 0;
    ptr(&m, 12);
    size_t at = rr(&m, TM_RR_TXT, 3600);
    u8(&m, 6);
    raw(&m, "v=spf1", 6);
    rr_end(&m, at);
    tm_answer_t *ans = parse(&m, "spf.tmems-jp.trendmicro.com", TM_RR_TXT);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_int_equal(ans->count, 1);
    assert_memory_equal(ans->rrs[0].u.txt.data, "v=spf1", 6);
    assert_int_equal(ans->rrs[0].ttl, 3600);
    tm_answer_unref(ans);
}

static void test_escaped_owner_does_not_forge_labels(void **state)
{
    (void)state;
    msg_t m;
    /* The single label "www.example" must not match the two labels
     * www.example (RFC 1035 section 5.1: the dot is escaped). */
    start(&m, QR, 1, "www.example.jp", TM_RR_A);
    u8(&m, 11);
    raw(&m, "www.example", 11);
    u8(&m, 2);
    raw(&m, "jp", 2);
    u8(&m, 0);
    rr_a(&m, 1, 6, 6, 6, 6);
    tm_answer_t *ans = parse(&m, "www.example.jp", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_NODATA);
    tm_answer_unref(ans);

    /* The same label as a CNAME target comes out escaped. */
    start(&m, QR, 1, "alias.example.jp", TM_RR_A);
    ptr(&m, 12);
    size_t at = rr(&m, TM_RR_CNAME, 1);
    u8(&m, 3);
    raw(&m, "a.b", 3);
    u8(&m, 0);
    rr_end(&m, at);
    ans = parse(&m, "alias.example.jp", TM_RR_A);
    assert_string_equal(ans->canonical, "a\\046b");
    tm_answer_unref(ans);

    /* A raw space in the question (an SPF macro can expand to one) matches
     * the same byte on the wire; the answer keeps the caller's spelling. */
    start(&m, QR, 1, "a b.Example.jp", TM_RR_TXT);
    ptr(&m, 12);
    at = rr(&m, TM_RR_TXT, 1);
    u8(&m, 1);
    u8(&m, 'x');
    rr_end(&m, at);
    ans = parse(&m, "A B.example.jp", TM_RR_TXT);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_int_equal(ans->count, 1);
    assert_string_equal(ans->name, "a b.example.jp");
    assert_null(ans->canonical);
    tm_answer_unref(ans);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_records_with_ttls),
        cmocka_unit_test(test_aaaa),
        cmocka_unit_test(test_mx_compressed_target),
        cmocka_unit_test(test_null_mx),
        cmocka_unit_test(test_txt_strings_kept_apart),
        cmocka_unit_test(test_ns_ptr_soa),
        cmocka_unit_test(test_ttl_top_bit_is_zero),
        cmocka_unit_test(test_cname_chain),
        cmocka_unit_test(test_cname_asked_directly),
        cmocka_unit_test(test_cname_to_nodata),
        cmocka_unit_test(test_cname_bounds),
        cmocka_unit_test(test_nxdomain),
        cmocka_unit_test(test_nodata_and_wrong_type),
        cmocka_unit_test(test_rcodes),
        cmocka_unit_test(test_tc_bit),
        cmocka_unit_test(test_compression_attacks),
        cmocka_unit_test(test_name_too_long),
        cmocka_unit_test(test_bad_rdata),
        cmocka_unit_test(test_header_and_question),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_huge_txt_set),
        cmocka_unit_test(test_oversized_and_args),
        cmocka_unit_test(test_unsupported_type_present),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_build_query),
        cmocka_unit_test(test_build_query_rejects),
        cmocka_unit_test(test_query_round_trip),
        cmocka_unit_test(test_escaped_owner_does_not_forge_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
