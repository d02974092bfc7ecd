/* test_spf_ranges.c - check_host over every address of a block
 * (spf.tmems_ranges): whole-block evaluation, splitting, merging back into
 * maximal CIDR blocks, address-dependent terms, and the bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "spf_fixture.h"

#define JP_RECORD                                                                              \
    ("spf.tmems-jp.trendmicro.com TXT v=spf1 ip4:18.176.203.128/26 ip4:18.176.203.192/26 "      \
    "ip4:18.177.156.0/26 ip4:18.177.156.64/26 ip4:15.168.56.0/25 ip4:15.168.49.64/26 "         \
    "ip4:15.168.56.128/26 -all")

static const char *const jp_ranges[] = {"18.176.203.128/26", "18.176.203.192/26", "18.177.156.0/26",
                                        "18.177.156.64/26",  "15.168.56.0/25",    "15.168.49.64/26",
                                        "15.168.56.128/26"};

/* Evaluates range for domain, fetching rounds from the zone until complete. */
static void eval_range(const char *const *lines, size_t n, const char *domain, const char *range,
                       tm_spf_range_t *out, unsigned *rounds)
{
    fx_zone_t z = {lines, n, 0};
    tm_rrset_t *rrset = tm_rrset_create();
    tm_spf_ctx_t *ctx = tm_spf_ctx_create(rrset);
    tm_questions_t need;
    tm_questions_init(&need);
    tm_spf_query_t q;
    tm_spf_query_init(&q);
    q.domain = domain;
    q.helo = domain;
    tm_cidr_t cidr = fx_cidr(range);
    unsigned r = 0;
    for (;;) {
        assert_int_equal(tm_spf_range_eval(ctx, &q, &cidr, &need, out), TM_OK);
        if (need.count == 0)
            break;
        assert_false(out->complete);
        fx_answer_all(&z, rrset, &need);
        assert_true(++r < 20);
    }
    assert_true(out->complete);
    if (rounds)
        *rounds = r;
    tm_spf_ctx_destroy(ctx);
    tm_rrset_destroy(rrset);
}

#define EVAL_RANGE(arr, domain, range, out, rounds)                                            \
    eval_range((arr), sizeof(arr) / sizeof((arr)[0]), (domain), (range), (out), (rounds))

static void assert_part(const tm_spf_range_t *r, size_t i, const char *cidr, tm_spf_result_t result)
{
    char buf[64];
    assert_true(i < r->nparts);
    tm_cidr_format(&r->parts[i].cidr, buf, sizeof(buf));
    assert_string_equal(buf, cidr);
    assert_int_equal(r->parts[i].result, result);
}

static void test_uniform_japan(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "example.co.jp TXT v=spf1 include:spf.tmems-jp.trendmicro.com ~all",
        JP_RECORD,
    };
    tm_spf_range_t r;
    tm_spf_range_init(&r);
    unsigned total = 0;
    for (size_t i = 0; i < 7; i++) {
        unsigned rounds;
        EVAL_RANGE(zone, "example.co.jp", jp_ranges[i], &r, &rounds);
        assert_int_equal(rounds, 2); /* apex TXT, then the include */
        assert_int_equal(r.nparts, 1);
        assert_part(&r, 0, jp_ranges[i], TM_SPF_PASS);
        assert_int_equal(r.parts[0].lookups, 1);
        assert_int_equal(r.evaluations, 1); /* one evaluation for the whole block */
        total += (unsigned)tm_cidr_size_v4(&r.range);
    }
    assert_int_equal(total, 512);
    tm_spf_range_clear(&r);
    assert_null(r.parts);
}

static void test_split_and_merge(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "merged.example TXT v=spf1 ip4:18.176.203.128/27 ip4:18.176.203.160/27 -all",
        "half.example TXT v=spf1 ip4:18.176.203.160/27 -all",
        "soft.example TXT v=spf1 ip4:15.168.56.0/26 ~all",
        "host.example TXT v=spf1 a:relay.example/28 -all",
        "relay.example A 18.177.156.5",
    };
    tm_spf_range_t r;
    tm_spf_range_init(&r);
    /* two halves that both pass merge back into the range */
    EVAL_RANGE(zone, "merged.example", "18.176.203.128/26", &r, NULL);
    assert_int_equal(r.nparts, 1);
    assert_part(&r, 0, "18.176.203.128/26", TM_SPF_PASS);
    assert_int_equal(r.evaluations, 3);
    EVAL_RANGE(zone, "half.example", "18.176.203.128/26", &r, NULL);
    assert_int_equal(r.nparts, 2);
    assert_part(&r, 0, "18.176.203.128/27", TM_SPF_FAIL);
    assert_part(&r, 1, "18.176.203.160/27", TM_SPF_PASS);
    EVAL_RANGE(zone, "soft.example", "15.168.56.0/25", &r, NULL);
    assert_int_equal(r.nparts, 2);
    assert_part(&r, 0, "15.168.56.0/26", TM_SPF_PASS);
    assert_part(&r, 1, "15.168.56.64/26", TM_SPF_SOFTFAIL);
    /* an A record widened to /28 covers part of a /26 */
    EVAL_RANGE(zone, "host.example", "18.177.156.0/26", &r, NULL);
    assert_int_equal(r.nparts, 3);
    assert_part(&r, 0, "18.177.156.0/28", TM_SPF_PASS);
    assert_part(&r, 1, "18.177.156.16/28", TM_SPF_FAIL);
    assert_part(&r, 2, "18.177.156.32/27", TM_SPF_FAIL);
    assert_int_equal(r.parts[0].lookups, 1);
    assert_int_equal(r.evaluations, 5);
    tm_spf_range_clear(&r);
}

static void test_address_dependent(void **state)
{
    (void)state;
    /* %{i} differs per address: every address is its own evaluation */
    static const char *const zone[] = {
        "list.example TXT v=spf1 exists:%{i}.allow.example -all",
        "15.168.56.1.allow.example A 127.0.0.2",
        "15.168.56.2.allow.example A 127.0.0.2",
        "ptr.example TXT v=spf1 ptr:relay.example -all",
        "3.56.168.15.in-addr.arpa PTR mx.relay.example",
        "mx.relay.example A 15.168.56.3",
    };
    tm_spf_range_t r;
    tm_spf_range_init(&r);
    unsigned rounds;
    EVAL_RANGE(zone, "list.example", "15.168.56.0/29", &r, &rounds);
    assert_int_equal(rounds, 2); /* apex TXT, then the 8 names at once */
    assert_int_equal(r.evaluations, 15);
    /* .1 and .2 are listed; .4 to .7 merge back into one block */
    assert_int_equal(r.nparts, 5);
    assert_part(&r, 0, "15.168.56.0/32", TM_SPF_FAIL);
    assert_part(&r, 1, "15.168.56.1/32", TM_SPF_PASS);
    assert_part(&r, 2, "15.168.56.2/32", TM_SPF_PASS);
    assert_part(&r, 3, "15.168.56.3/32", TM_SPF_FAIL);
    assert_part(&r, 4, "15.168.56.4/30", TM_SPF_FAIL);
    tm_spf_range_clear(&r);
    EVAL_RANGE(zone, "list.example", "15.168.56.4/30", &r, NULL);
    assert_int_equal(r.nparts, 1);
    assert_part(&r, 0, "15.168.56.4/30", TM_SPF_FAIL);
    /* ptr splits too; the validated name decides per address */
    EVAL_RANGE(zone, "ptr.example", "15.168.56.0/30", &r, &rounds);
    assert_int_equal(rounds, 3); /* apex TXT, the 4 PTR names, the A of the one found */
    assert_int_equal(r.nparts, 3);
    assert_part(&r, 0, "15.168.56.0/31", TM_SPF_FAIL);
    assert_part(&r, 1, "15.168.56.2/32", TM_SPF_FAIL);
    assert_part(&r, 2, "15.168.56.3/32", TM_SPF_PASS);
    tm_spf_range_clear(&r);
}

static void test_limit_before_include(void **state)
{
    (void)state;
    /* the include sits behind ten lookups: permerror for the whole range */
    static const char *const zone[] = {
        ("late.example TXT v=spf1 a:a1.example a:a2.example a:a3.example a:a4.example a:a5.example "
         "a:a6.example a:a7.example a:a8.example a:a9.example a:a10.example "
         "include:spf.tmems-jp.trendmicro.com -all"),
        "a1.example A 192.0.2.1", "a2.example A 192.0.2.1", "a3.example A 192.0.2.1",
        "a4.example A 192.0.2.1", "a5.example A 192.0.2.1", "a6.example A 192.0.2.1",
        "a7.example A 192.0.2.1", "a8.example A 192.0.2.1", "a9.example A 192.0.2.1",
        "a10.example A 192.0.2.1",
        JP_RECORD,
        "ok.example TXT v=spf1 a:a1.example mx include:spf.tmems-jp.trendmicro.com -all",
        "ok.example MX 10 a2.example",
    };
    tm_spf_range_t r;
    tm_spf_range_init(&r);
    EVAL_RANGE(zone, "late.example", "15.168.49.64/26", &r, NULL);
    assert_int_equal(r.nparts, 1);
    assert_part(&r, 0, "15.168.49.64/26", TM_SPF_PERMERROR);
    assert_int_equal(r.parts[0].lookups, 11);
    EVAL_RANGE(zone, "ok.example", "15.168.49.64/26", &r, NULL);
    assert_part(&r, 0, "15.168.49.64/26", TM_SPF_PASS);
    assert_int_equal(r.parts[0].lookups, 3);
    tm_spf_range_clear(&r);
}

static void test_bounds_and_inputs(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "v6.example TXT v=spf1 exists:%{i}.x.example -all",
        "mapped.example TXT v=spf1 ip4:192.0.2.0/24 -all",
    };
    fx_zone_t z = FX_ZONE(zone);
    tm_rrset_t *rrset = fx_rrset_full(&z);
    tm_spf_ctx_t *ctx = tm_spf_ctx_create(rrset);
    tm_spf_query_t q;
    tm_spf_query_init(&q);
    q.domain = "v6.example";
    tm_spf_range_t r;
    tm_spf_range_init(&r);
    tm_questions_t need;
    tm_questions_init(&need);
    /* 2^64 addresses each needing their own name: refused, not run */
    tm_cidr_t big = fx_cidr("2001:db8::/64");
    assert_int_equal(tm_spf_range_eval(ctx, &q, &big, &need, &r), TM_ERANGE);
    assert_int_equal(r.nparts, 0);
    assert_null(r.parts);
    tm_questions_clear(&need);
    /* an IPv4-mapped range is an IPv4 range */
    q.domain = "mapped.example";
    tm_cidr_t mapped = fx_cidr("::ffff:192.0.2.0/120");
    assert_int_equal(tm_spf_range_eval(ctx, &q, &mapped, &need, &r), TM_OK);
    assert_int_equal(r.nparts, 1);
    assert_part(&r, 0, "192.0.2.0/24", TM_SPF_PASS);
    /* host bits of the range are ignored */
    tm_cidr_t odd = {.addr = fx_ip("192.0.2.77"), .prefix = 25};
    assert_int_equal(tm_spf_range_eval(ctx, &q, &odd, &need, &r), TM_OK);
    assert_part(&r, 0, "192.0.2.0/25", TM_SPF_PASS);
    tm_cidr_t bad = {.prefix = 24};
    assert_int_equal(tm_spf_range_eval(ctx, &q, &bad, &need, &r), TM_EINVAL);
    tm_spf_range_clear(&r);
    tm_questions_clear(&need);
    tm_spf_ctx_destroy(ctx);
    tm_rrset_destroy(rrset);
}

static void test_many_domains(void **state)
{
    (void)state;
    /* the batch case: one context per domain, every range; cheap because a
     * uniform range is one evaluation and records are parsed once */
    static const char *const zone[] = {
        "d.example TXT v=spf1 ip4:192.0.2.0/24 mx a include:_spf.d.example ~all",
        "d.example MX 10 mx.d.example",
        "mx.d.example A 198.51.100.1",
        "d.example A 198.51.100.2",
        "_spf.d.example TXT v=spf1 include:spf.tmems-jp.trendmicro.com -all",
        JP_RECORD,
    };
    fx_zone_t z = FX_ZONE(zone);
    tm_rrset_t *rrset = fx_rrset_full(&z);
    tm_spf_query_t q;
    tm_spf_query_init(&q);
    q.domain = "d.example";
    tm_spf_range_t r;
    tm_spf_range_init(&r);
    unsigned evaluations = 0;
    for (int d = 0; d < 500; d++) {
        tm_spf_ctx_t *ctx = tm_spf_ctx_create(rrset);
        for (size_t i = 0; i < 7; i++) {
            tm_cidr_t c = fx_cidr(jp_ranges[i]);
            assert_int_equal(tm_spf_range_eval(ctx, &q, &c, NULL, &r), TM_OK);
            assert_true(r.complete);
            assert_int_equal(r.nparts, 1);
            assert_int_equal(r.parts[0].result, TM_SPF_PASS);
            assert_int_equal(r.parts[0].lookups, 4);
            evaluations += r.evaluations;
        }
        tm_spf_ctx_destroy(ctx);
    }
    assert_int_equal(evaluations, 500 * 7);
    tm_spf_range_clear(&r);
    tm_rrset_destroy(rrset);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "host.example TXT v=spf1 a:relay.example/28 include:spf.tmems-jp.trendmicro.com -all",
        "relay.example A 18.177.156.5",
        JP_RECORD,
    };
    fx_zone_t z = FX_ZONE(zone);
    tm_rrset_t *rrset = fx_rrset_full(&z);
    tm_spf_query_t q;
    tm_spf_query_init(&q);
    q.domain = "host.example";
    tm_cidr_t c = fx_cidr("18.176.203.128/26");
    tm_spf_range_t r;
    tm_spf_range_init(&r);
    tm_status_t st = TM_ENOMEM;
    unsigned long n;
    for (n = 1; n < 200 && st == TM_ENOMEM; n++) {
        tm_spf_ctx_t *ctx = tm_spf_ctx_create(rrset);
        tm_alloc_fail_after(n);
        st = ctx ? tm_spf_range_eval(ctx, &q, &c, NULL, &r) : TM_ENOMEM;
        tm_alloc_fail_after(0);
        if (st == TM_ENOMEM)
            assert_int_equal(r.nparts, 0);
        tm_spf_ctx_destroy(ctx);
    }
    assert_int_equal(st, TM_OK);
    assert_int_equal(r.nparts, 1);
    assert_int_equal(r.parts[0].result, TM_SPF_PASS);
    tm_spf_range_clear(&r);
    tm_rrset_destroy(rrset);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uniform_japan),
        cmocka_unit_test(test_split_and_merge),
        cmocka_unit_test(test_address_dependent),
        cmocka_unit_test(test_limit_before_include),
        cmocka_unit_test(test_bounds_and_inputs),
        cmocka_unit_test(test_many_domains),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
