/* test_spf_analysis.c - the per-domain SPF analysis the outbound checks
 * read: apex records, tree facts, where the data-center include sits,
 * hard-coded ranges, sizes and the range verdicts, built round by round. */
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
#define LEGACY_RECORDS                                                                         \
    "spf.tmes.trendmicro.com TXT v=spf1 ip4:18.208.22.64/26 ip4:18.176.203.128/25 "            \
    "ip4:18.177.156.0/25 include:spfb.tmes.trendmicro.com ~all",                               \
        "spfb.tmes.trendmicro.com TXT v=spf1 ip4:107.22.223.18 include:spfc.tmes.trendmicro.com ~all", \
        "spfc.tmes.trendmicro.com TXT v=spf1 ip4:15.168.56.0/25 ip4:15.168.49.64/26 "          \
        "ip4:15.168.56.128/26 ~all"

static tm_rules_range_t ranges[7];
static tm_rules_t rules;

static int setup(void **state)
{
    (void)state;
    static const char *const cidrs[] = {"18.176.203.128/26", "18.176.203.192/26", "18.177.156.0/26",
                                        "18.177.156.64/26",  "15.168.56.0/25",    "15.168.49.64/26",
                                        "15.168.56.128/26"};
    memset(&rules, 0, sizeof(rules));
    for (size_t i = 0; i < 7; i++) {
        ranges[i].cidr = (char *)cidrs[i];
        ranges[i].net = fx_cidr(cidrs[i]);
    }
    rules.region = "jp";
    rules.spf_include = "spf.tmems-jp.trendmicro.com";
    rules.spf_legacy = "spf.tmes.trendmicro.com";
    rules.ranges = ranges;
    rules.nranges = 7;
    return 0;
}

typedef struct {
    tm_rrset_t *rrset;
    tm_spf_analysis_t *a;
    unsigned rounds;
} run_t;

static void analyse(const char *const *lines, size_t n, const char *domain, const tm_rules_t *r,
                    run_t *out)
{
    fx_zone_t z = {lines, n, 0};
    tm_questions_t need;
    tm_questions_init(&need);
    out->rrset = tm_rrset_create();
    out->a = NULL;
    out->rounds = 0;
    for (;;) {
        tm_spf_analysis_destroy(out->a);
        assert_int_equal(tm_spf_analysis_build(out->rrset, domain, r, &need, &out->a), TM_OK);
        if (need.count == 0)
            break;
        assert_false(out->a->complete);
        /* the needs-only entry point asks for the same questions */
        tm_questions_t again;
        tm_questions_init(&again);
        assert_int_equal(tm_spf_analysis_needs(out->rrset, domain, r, &again), TM_OK);
        assert_int_equal(again.count, need.count);
        tm_questions_clear(&again);
        fx_answer_all(&z, out->rrset, &need);
        out->rounds++;
        assert_true(out->rounds < 40);
    }
    assert_true(out->a->complete);
    tm_questions_clear(&need);
}

#define ANALYSE(arr, domain, r, out) analyse((arr), sizeof(arr) / sizeof((arr)[0]), (domain), (r), (out))

static void done(run_t *r)
{
    tm_spf_analysis_destroy(r->a);
    tm_rrset_destroy(r->rrset);
}

static void test_recommended(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "example.co.jp TXT v=spf1 include:_spf.example.co.jp ~all",
        "example.co.jp TXT tmes=0123456789abcdef0123456789abcdef",
        "_spf.example.co.jp TXT v=spf1 ip4:192.0.2.0/24 include:spf.tmems-jp.trendmicro.com -all",
        JP_RECORD,
    };
    run_t r;
    ANALYSE(zone, "Example.CO.JP", &rules, &r);
    const tm_spf_analysis_t *a = r.a;
    assert_string_equal(a->domain, "example.co.jp");
    /* the site record, whose ranges are evaluated too, comes in the first
     * round with the apex */
    assert_int_equal(r.rounds, 2);
    assert_true(a->fetched);
    assert_int_equal(a->outcome, TM_DNS_NOERROR);
    assert_int_equal(a->selection, TM_SPF_SEL_ONE);
    assert_int_equal(a->nrecords, 1);
    assert_string_equal(a->record, "v=spf1 include:_spf.example.co.jp ~all");
    assert_true(a->syntax_ok);
    assert_int_equal(a->lookups, 2);
    assert_int_equal(a->void_lookups, 0);
    assert_false(a->lower_bound);
    assert_int_equal(a->include_depth, 2);
    assert_int_equal(a->include_lookups, 1);
    assert_int_equal(a->legacy_depth, -1);
    assert_int_equal(a->all_qualifier, '~');
    assert_false(a->has_redirect);
    assert_int_equal(a->nhardcoded, 0);
    assert_int_equal(a->max_txt_string, 38);
    assert_int_equal(a->syntax_errors + a->bad_targets + a->dns_errors + a->loops, 0);
    assert_non_null(a->tree);
    assert_int_equal(a->tree->nnodes, 3);
    /* every data-center address passes, each range in one evaluation */
    assert_int_equal(a->nranges, 7);
    for (size_t i = 0; i < 7; i++) {
        assert_true(a->ranges[i].complete);
        assert_int_equal(a->ranges[i].nparts, 1);
        assert_int_equal(a->ranges[i].parts[0].result, TM_SPF_PASS);
        assert_int_equal(a->ranges[i].parts[0].lookups, 2);
        assert_int_equal(a->ranges[i].evaluations, 1);
    }
    done(&r);
}

static void test_legacy_and_hardcoded(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "old.example TXT v=spf1 ip4:18.176.203.128/26 ip4:18.177.156.0/26 include:spf.tmes.trendmicro.com -all",
        LEGACY_RECORDS,
    };
    run_t r;
    ANALYSE(zone, "old.example", &rules, &r);
    const tm_spf_analysis_t *a = r.a;
    assert_int_equal(a->include_depth, -1);
    assert_int_equal(a->legacy_depth, 1);
    assert_int_equal(a->legacy_lookups, 3); /* the chain of three records */
    assert_int_equal(a->lookups, 3);
    assert_int_equal(a->all_qualifier, '-');
    /* the apex's ip4 terms copy the ranges; the legacy records' do not count */
    assert_int_equal(a->nhardcoded, 2);
    assert_string_equal(a->hardcoded[0].term->text, "ip4:18.176.203.128/26");
    assert_int_equal(a->hardcoded[0].range_index, 0);
    assert_string_equal(a->hardcoded[0].node->domain, "old.example");
    assert_int_equal(a->hardcoded[1].range_index, 2);
    /* the ranges pass through the apex terms and the chain */
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(a->ranges[i].parts[0].result, TM_SPF_PASS);
    done(&r);
}

/* An include of an alias (CNAME) of the vendor's record: the record does
 * not name the include (include_alias says through what it is reached),
 * and the vendor's ranges reached through the alias are no hard-coding
 * (QA session 5). */
static void test_include_through_alias(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "alias.example TXT v=spf1 include:_spf.alias.example ~all",
        "_spf.alias.example CNAME spf.tmems-jp.trendmicro.com",
        JP_RECORD,
    };
    run_t r;
    ANALYSE(zone, "alias.example", &rules, &r);
    const tm_spf_analysis_t *a = r.a;
    assert_int_equal(a->include_depth, -1);
    assert_non_null(a->include_alias);
    assert_string_equal(a->include_alias, "_spf.alias.example");
    assert_int_equal(a->nhardcoded, 0);
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(a->ranges[i].parts[0].result, TM_SPF_PASS);
    done(&r);

    /* named as well: no alias to report */
    static const char *const named[] = {
        "alias.example TXT v=spf1 include:_spf.alias.example include:spf.tmems-jp.trendmicro.com ~all",
        "_spf.alias.example CNAME spf.tmems-jp.trendmicro.com",
        JP_RECORD,
    };
    ANALYSE(named, "alias.example", &rules, &r);
    assert_int_equal(r.a->include_depth, 1);
    assert_null(r.a->include_alias);
    done(&r);
}

/* open_to_all: check_host passes the three reserved probe addresses (an
 * exists: of %{i} that meets a record for each); an ordinary record does
 * not (QA session 5). */
static void test_open_to_all(void **state)
{
    (void)state;
    static const char *const open[] = {
        "open.example TXT v=spf1 include:spf.tmems-jp.trendmicro.com exists:%{i}.x.open.example -all",
        "240.0.0.1.x.open.example A 127.0.0.2",
        "198.18.0.1.x.open.example A 127.0.0.2",
        "100.64.0.1.x.open.example A 127.0.0.2",
        JP_RECORD,
    };
    run_t r;
    ANALYSE(open, "open.example", &rules, &r);
    assert_true(r.a->complete);
    assert_true(r.a->open_to_all);
    done(&r);
    /* two of three: no */
    static const char *const partly[] = {
        "open.example TXT v=spf1 include:spf.tmems-jp.trendmicro.com exists:%{i}.x.open.example -all",
        "240.0.0.1.x.open.example A 127.0.0.2",
        "198.18.0.1.x.open.example A 127.0.0.2",
        JP_RECORD,
    };
    ANALYSE(partly, "open.example", &rules, &r);
    assert_false(r.a->open_to_all);
    done(&r);
    static const char *const plain[] = {
        "plain.example TXT v=spf1 ip4:192.0.2.0/24 include:spf.tmems-jp.trendmicro.com -all",
        JP_RECORD,
    };
    ANALYSE(plain, "plain.example", &rules, &r);
    assert_false(r.a->open_to_all);
    done(&r);
}

/* A "-", "~" or "?" term denies or softens the ranges: no hard-coded
 * authorisation (RFC 7208 section 4.6.2); the ranges then fail. */
static void test_denied_range_is_not_hardcoded(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "negip.example TXT v=spf1 -ip4:15.168.56.0/24 ~ip4:18.176.203.128/26 ?ip4:18.177.156.0/26 ~all",
    };
    run_t r;
    ANALYSE(zone, "negip.example", &rules, &r);
    const tm_spf_analysis_t *a = r.a;
    assert_int_equal(a->nhardcoded, 0);
    done(&r);
}

static void test_pre2024_ranges_only(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "stale.example TXT v=spf1 ip4:18.176.203.128/25 ip4:18.177.156.0/25 ~all",
    };
    run_t r;
    ANALYSE(zone, "stale.example", &rules, &r);
    const tm_spf_analysis_t *a = r.a;
    assert_int_equal(a->nhardcoded, 2);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(a->ranges[i].parts[0].result, TM_SPF_PASS);
    for (size_t i = 4; i < 7; i++) {
        assert_int_equal(a->ranges[i].nparts, 1);
        assert_int_equal(a->ranges[i].parts[0].result, TM_SPF_SOFTFAIL);
    }
    assert_int_equal(a->include_depth, -1);
    done(&r);
}

static void test_no_record_and_multiple(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "none.example TXT tmes=0123456789abcdef0123456789abcdef",
        "two.example TXT v=spf1 -all",
        "two.example TXT v=spf1 include:spf.tmems-jp.trendmicro.com ~all",
        "bad.example TXT v=spf1 include:spf.tmems-jp.trendmicro.com ~al",
    };
    run_t r;
    ANALYSE(zone, "none.example", &rules, &r);
    assert_int_equal(r.a->selection, TM_SPF_SEL_NONE);
    assert_int_equal(r.a->nrecords, 0);
    assert_null(r.a->record);
    assert_int_equal(r.a->tree->root->status, TM_SPF_NODE_NO_RECORD);
    assert_int_equal(r.a->nranges, 7);
    assert_int_equal(r.a->ranges[0].parts[0].result, TM_SPF_NONE);
    assert_int_equal(r.a->lookups, 0);
    done(&r);
    ANALYSE(zone, "nx.example", &rules, &r);
    assert_int_equal(r.a->outcome, TM_DNS_NXDOMAIN);
    assert_int_equal(r.a->selection, TM_SPF_SEL_NONE);
    done(&r);
    ANALYSE(zone, "two.example", &rules, &r);
    assert_int_equal(r.a->selection, TM_SPF_SEL_MULTIPLE);
    assert_int_equal(r.a->nrecords, 2);
    assert_string_equal(r.a->records[1], "v=spf1 include:spf.tmems-jp.trendmicro.com ~all");
    assert_null(r.a->record);
    assert_int_equal(r.a->tree->root->status, TM_SPF_NODE_MULTIPLE);
    assert_int_equal(r.a->ranges[3].parts[0].result, TM_SPF_PERMERROR);
    done(&r);
    ANALYSE(zone, "bad.example", &rules, &r);
    assert_false(r.a->syntax_ok);
    assert_int_equal(r.a->syntax_errors, 1);
    assert_int_equal(r.a->error.offset, 44);
    assert_string_equal(r.a->error.term, "~al");
    assert_int_equal(r.a->ranges[6].parts[0].result, TM_SPF_PERMERROR);
    assert_int_equal(r.a->ranges[6].nparts, 1);
    /* the terms that parse are judged: the include is there (1 lookup),
     * and the bad term may be an all, which costs nothing */
    assert_true(r.a->partial);
    assert_true(r.a->partial_may_query); /* "~al" names no known mechanism */
    assert_int_equal(r.a->include_depth, 1);
    assert_int_equal(r.a->lookups, 1);
    assert_int_equal(r.a->all_qualifier, 0);
    done(&r);
}

static void test_defects(void **state)
{
    (void)state;
    static const char *const zone[] = {
        ("d.example TXT v=spf1 include:loop1.example include:gone.example include:broken.example "
         "mx ptr include:slow.example redirect=spf.tmems-jp.trendmicro.com"),
        "loop1.example TXT v=spf1 include:d.example",
        "broken.example TXT v=spf1 ip4:1.2.3.4/40",
        "slow.example SERVFAIL",
        "d.example MX 1 m1.example", "d.example MX 2 m2.example", "d.example MX 3 m3.example",
        "d.example MX 4 m4.example", "d.example MX 5 m5.example", "d.example MX 6 m6.example",
        "d.example MX 7 m7.example", "d.example MX 8 m8.example", "d.example MX 9 m9.example",
        "d.example MX 10 m10.example", "d.example MX 11 m11.example",
        JP_RECORD,
    };
    run_t r;
    ANALYSE(zone, "d.example", &rules, &r);
    const tm_spf_analysis_t *a = r.a;
    assert_int_equal(a->loops, 1);
    assert_int_equal(a->bad_targets, 1); /* gone.example */
    assert_int_equal(a->syntax_errors, 1);
    assert_int_equal(a->dns_errors, 1);
    assert_true(a->mx_overflow);
    assert_true(a->ptr_used);
    assert_true(a->has_redirect);
    assert_int_equal(a->all_qualifier, 0);
    /* reached through redirect=, at depth 1 */
    assert_int_equal(a->include_depth, 1);
    assert_int_equal(a->lookups, 8);
    /* the real evaluation stops at the first defect: permerror everywhere */
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(a->ranges[i].parts[0].result, TM_SPF_PERMERROR);
    done(&r);
}

static void test_offline_and_no_rules(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "o.example TXT v=spf1 include:unknown.example ~all",
        "unknown.example UNKNOWN",
    };
    run_t r;
    ANALYSE(zone, "o.example", &rules, &r);
    assert_int_equal(r.a->offline_unknown, 1);
    assert_int_equal(r.a->ranges[0].parts[0].result, TM_SPF_TEMPERROR);
    done(&r);
    /* without rules: no depths, no hard-coded terms, no ranges */
    ANALYSE(zone, "o.example", NULL, &r);
    assert_int_equal(r.a->include_depth, -1);
    assert_null(r.a->ranges);
    assert_int_equal(r.a->nranges, 0);
    done(&r);
    tm_spf_analysis_t *a = (tm_spf_analysis_t *)1;
    tm_rrset_t *rrset = tm_rrset_create();
    assert_int_equal(tm_spf_analysis_build(rrset, "a..b", &rules, NULL, &a), TM_EINVAL);
    assert_null(a);
    tm_rrset_destroy(rrset);
    tm_spf_analysis_destroy(NULL);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "example.co.jp TXT v=spf1 ip4:18.176.203.128/26 include:_spf.example.co.jp ~all",
        "_spf.example.co.jp TXT v=spf1 a mx include:spf.tmems-jp.trendmicro.com -all",
        "_spf.example.co.jp A 192.0.2.1",
        "_spf.example.co.jp MX 10 mx.example.co.jp",
        "mx.example.co.jp A 192.0.2.2",
        JP_RECORD,
    };
    run_t r;
    ANALYSE(zone, "example.co.jp", &rules, &r);
    tm_spf_analysis_destroy(r.a);
    tm_status_t st = TM_ENOMEM;
    unsigned long n;
    for (n = 1; n < 500 && st == TM_ENOMEM; n++) {
        tm_spf_analysis_t *a = NULL;
        tm_alloc_fail_after(n);
        st = tm_spf_analysis_build(r.rrset, "example.co.jp", &rules, NULL, &a);
        tm_alloc_fail_after(0);
        if (st == TM_OK) {
            assert_true(a->complete);
            assert_int_equal(a->nhardcoded, 1);
            assert_int_equal(a->ranges[6].parts[0].result, TM_SPF_PASS);
        } else {
            assert_null(a);
        }
        tm_spf_analysis_destroy(a);
    }
    assert_int_equal(st, TM_OK);
    assert_true(n > 10);
    tm_rrset_destroy(r.rrset);
}

/* Round by round in place, as a job does: the same analysis as one built
 * afresh, and a record parsed in an earlier round is the same parse. */
static void test_rebuild(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "example.co.jp TXT v=spf1 include:_spf.example.co.jp ~all",
        "_spf.example.co.jp TXT v=spf1 ip4:192.0.2.0/24 include:spf.tmems-jp.trendmicro.com -all",
        JP_RECORD,
    };
    fx_zone_t z = {zone, sizeof zone / sizeof zone[0], 0};
    tm_rrset_t *rrset = tm_rrset_create();
    tm_spf_analysis_t *a = NULL;
    const tm_spf_record_t *root = NULL;
    tm_questions_t need;
    tm_questions_init(&need);
    unsigned rounds = 0;
    for (;;) {
        tm_questions_clear(&need);
        assert_int_equal(tm_spf_analysis_rebuild(&a, rrset, "example.co.jp", &rules, &need),
                         TM_OK);
        assert_non_null(a);
        if (a->tree) {
            if (root)
                assert_ptr_equal(a->tree->root->record, root); /* parsed once */
            root = a->tree->root->record;
        }
        if (need.count == 0)
            break;
        fx_answer_all(&z, rrset, &need);
        assert_true(++rounds < 10);
    }
    /* The apex, then _spf with the site record (asked as soon as the apex
     * record is known: its live ranges are evaluated too); the TMEmS
     * include is then answered already. */
    assert_int_equal(rounds, 2);
    tm_spf_analysis_t *fresh = NULL;
    assert_int_equal(tm_spf_analysis_build(rrset, "example.co.jp", &rules, NULL, &fresh), TM_OK);
    assert_true(a->complete && fresh->complete);
    assert_int_equal(a->lookups, fresh->lookups);
    assert_int_equal(a->include_depth, fresh->include_depth);
    assert_int_equal(a->tree->nnodes, fresh->tree->nnodes);
    assert_int_equal(a->nranges, fresh->nranges);
    for (size_t i = 0; i < a->nranges; i++)
        assert_int_equal(a->ranges[i].parts[0].result, fresh->ranges[i].parts[0].result);
    tm_spf_analysis_destroy(fresh);

    /* another rrset: nothing of the old one is kept */
    tm_rrset_t *other = tm_rrset_create();
    assert_int_equal(tm_spf_analysis_rebuild(&a, other, "example.co.jp", &rules, &need), TM_OK);
    assert_false(a->fetched);
    assert_null(a->tree);
    /* a bad name frees the previous analysis and leaves NULL */
    assert_int_equal(tm_spf_analysis_rebuild(&a, other, "a..b", &rules, &need), TM_EINVAL);
    assert_null(a);
    tm_questions_clear(&need);
    tm_rrset_destroy(other);
    tm_rrset_destroy(rrset);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_recommended, setup),
        cmocka_unit_test_setup(test_legacy_and_hardcoded, setup),
        cmocka_unit_test_setup(test_include_through_alias, setup),
        cmocka_unit_test_setup(test_open_to_all, setup),
        cmocka_unit_test_setup(test_denied_range_is_not_hardcoded, setup),
        cmocka_unit_test_setup(test_pre2024_ranges_only, setup),
        cmocka_unit_test_setup(test_no_record_and_multiple, setup),
        cmocka_unit_test_setup(test_defects, setup),
        cmocka_unit_test_setup(test_offline_and_no_rules, setup),
        cmocka_unit_test_setup(test_out_of_memory, setup),
        cmocka_unit_test_setup(test_rebuild, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
