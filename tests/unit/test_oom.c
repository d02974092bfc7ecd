/* test_oom.c - out of memory everywhere (docs/design.md "Conventions"): every
 * allocation of a full check of a realistic domain is failed in turn, and
 * each time the whole pipeline must stop with TM_ENOMEM, free everything
 * (run under ASan or valgrind to see a leak) and never crash.
 *
 * The pipeline is what tmems-check does for one domain: the bundled Japan
 * rules, an offline resolver over a zone file this test writes, tm_run_domain
 * (domain, inbound and outbound checks, the SPF tree and the range
 * evaluation), then the text report (-v) and the JSON document.  A second
 * walk does the same for the SPF engine alone (tree, analysis, check_host
 * with its trace). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tmems/tm_report.h"
#include "tmems/tm_resolve.h"
#include "tmems/tm_rules.h"
#include "tmems/tm_run.h"
#include "tmems/tm_spf.h"

#define DOMAIN "oom.example"

/* A domain mid-migration: the token, TMEmS as the lowest MX with the old
 * server left behind it (mx.bypass), an SPF tree three levels deep with the
 * data-center include, mx, a, a void lookup and a hard-coded range. */
static const char zone_text[] =
    "$ORIGIN oom.example.\n"
    "$TTL 3600\n"
    "@       IN SOA ns1 hostmaster 2024090101 3600 900 604800 300\n"
    "        IN NS  ns1\n"
    "ns1     IN A   192.0.2.53\n"
    "@       IN TXT \"tmes=0123456789abcdefghijKLMNOPQRSTUV\"\n"
    "@       IN TXT \"google-site-verification=abc\"\n"
    "@       IN TXT \"v=spf1 include:_spf.oom.example include:spf.tmems-jp.trendmicro.com \" "
    "\"mx a:mail.oom.example ip4:15.168.56.0/25 ~all\"\n"
    "@   300 IN MX  10 acme.in.tmems-jp.trendmicro.com.\n"
    "@   300 IN MX  20 backup\n"
    "backup  IN A   192.0.2.25\n"
    "mail    IN A   192.0.2.26\n"
    "mail    IN AAAA 2001:db8::26\n"
    "_spf    IN TXT \"v=spf1 ip4:198.51.100.0/24 include:_spf2.oom.example -all\"\n"
    "_spf2   IN TXT \"v=spf1 ip6:2001:db8::/32 a:%{d} exists:gone.%{d} ?all\"\n"
    "www     IN CNAME @\n";

static char zone_dir[64];
static char zone_path[128];

static int setup(void **state)
{
    (void)state;
    snprintf(zone_dir, sizeof zone_dir, "/tmp/tm-oom.XXXXXX");
    if (!mkdtemp(zone_dir))
        return -1;
    snprintf(zone_path, sizeof zone_path, "%s/oom.example.zone", zone_dir);
    FILE *f = fopen(zone_path, "w");
    if (!f)
        return -1;
    size_t n = fwrite(zone_text, 1, sizeof zone_text - 1, f);
    return fclose(f) == 0 && n == sizeof zone_text - 1 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    unlink(zone_path);
    rmdir(zone_dir);
    return 0;
}

/* The whole check; text and json get the two reports. */
static tm_status_t full_check(tm_buf_t *text, tm_buf_t *json, tm_check_status_t *verdict)
{
    tm_rules_t *rules = NULL;
    tm_static_records_t *records = NULL;
    tm_resolver_t *res = NULL;
    tm_result_t *result = NULL;
    tm_buf_t one;
    char err[256];
    const char *zones[] = {zone_path};
    tm_status_t st;

    tm_buf_init(&one);
    if ((st = tm_rules_bundled("jp", &rules)) != TM_OK)
        goto done;
    if ((st = tm_run_rules_records(rules, &records)) != TM_OK)
        goto done;
    tm_resolver_options_t ropts = {
        .timeout_ms = 2000,
        .tries = 3,
        .offline = true,
        .zone_files = zones,
        .nzones = 1,
        .records = records,
    };
    if ((st = tm_resolver_create(&ropts, &res, err, sizeof err)) != TM_OK)
        goto done;
    tm_check_options_t copts = {.phase = TM_PHASE_AUTO, .outbound = true, .offline = true};
    if ((st = tm_run_domain(res, rules, &copts, DOMAIN, DOMAIN, &result)) != TM_OK)
        goto done;
    *verdict = result->verdict;
    tm_text_options_t topts = {.color = false, .verbosity = 1, .rules = rules};
    if ((st = tm_report_text(result, &topts, text)) != TM_OK)
        goto done;
    if ((st = tm_report_json_result(result, NULL, &one)) != TM_OK)
        goto done;
    const tm_result_t *results[] = {result};
    tm_json_meta_t meta = {.region = "jp", .rules = "bundled"};
    st = tm_report_json_document(&meta, results, NULL, 1, 0, json);
done:
    tm_buf_clear(&one);
    tm_result_destroy(result);
    tm_resolver_destroy(res);
    tm_static_records_destroy(records);
    tm_rules_destroy(rules);
    return st;
}

/* The check works, and its reports are what the walk compares against. */
static void test_full_check_baseline(void **state)
{
    (void)state;
    tm_buf_t text, json;
    tm_check_status_t verdict = TM_CHECK_PASS;
    tm_buf_init(&text);
    tm_buf_init(&json);
    tm_alloc_count_reset();
    assert_int_equal(full_check(&text, &json, &verdict), TM_OK);
    /* Enough allocations that the walk below means something. */
    assert_true(tm_alloc_count() > 200);
    /* The backup MX behind TMEmS: mx.bypass warns; nothing fails. */
    assert_int_equal(verdict, TM_CHECK_WARN);
    assert_non_null(strstr(text.data, "mx.bypass"));
    assert_non_null(strstr(json.data, "\"spf.include\""));
    assert_non_null(strstr(json.data, "_spf2.oom.example"));
    tm_buf_clear(&text);
    tm_buf_clear(&json);
}

/* Fails allocation n for every n of the check: TM_ENOMEM each time, and a
 * run whose n is past the last allocation gives the baseline reports. */
static void test_full_check_every_allocation(void **state)
{
    (void)state;
    tm_buf_t base_text, base_json;
    tm_check_status_t base_verdict = TM_CHECK_PASS;
    tm_buf_init(&base_text);
    tm_buf_init(&base_json);
    tm_alloc_count_reset();
    assert_int_equal(full_check(&base_text, &base_json, &base_verdict), TM_OK);
    unsigned long total = tm_alloc_count();

    unsigned long failures = 0;
    for (unsigned long n = 1; n <= total + 1; n++) {
        tm_buf_t text, json;
        tm_check_status_t verdict = TM_CHECK_PASS;
        tm_buf_init(&text);
        tm_buf_init(&json);
        tm_alloc_count_reset();
        tm_alloc_fail_after(n);
        tm_status_t st = full_check(&text, &json, &verdict);
        tm_alloc_fail_after(0);
        bool fired = tm_alloc_count() >= n;
        if (fired) {
            if (st != TM_ENOMEM)
                print_error("allocation %lu of %lu failed: status %s\n", n, total,
                            tm_strerror(st));
            assert_int_equal(st, TM_ENOMEM);
            failures++;
        } else {
            /* Deterministic: past the last allocation, nothing changed. */
            assert_int_equal(st, TM_OK);
            assert_int_equal(verdict, base_verdict);
            assert_string_equal(text.data, base_text.data);
            assert_string_equal(json.data, base_json.data);
        }
        tm_buf_clear(&text);
        tm_buf_clear(&json);
    }
    assert_int_equal(failures, total);
    tm_buf_clear(&base_text);
    tm_buf_clear(&base_json);
}

/* ---- the SPF engine alone -------------------------------------------------- */

static tm_status_t put_txt(tm_rrset_t *set, const char *name, const char *text)
{
    tm_answer_t *a = tm_answer_create(name, TM_RR_TXT, TM_DNS_NOERROR);
    if (!a)
        return TM_ENOMEM;
    tm_status_t st = tm_answer_add_txt1(a, 300, text);
    if (st != TM_OK) {
        tm_answer_unref(a);
        return st;
    }
    return tm_rrset_put_own(set, a);
}

/* An A answer with addr, or NXDOMAIN for (name, type) when addr is NULL. */
static tm_status_t put_a(tm_rrset_t *set, const char *name, uint16_t type, const uint8_t addr[4])
{
    tm_answer_t *a = tm_answer_create(name, type, addr ? TM_DNS_NOERROR : TM_DNS_NXDOMAIN);
    if (!a)
        return TM_ENOMEM;
    tm_status_t st = addr ? tm_answer_add_a(a, 300, addr) : TM_OK;
    if (st != TM_OK) {
        tm_answer_unref(a);
        return st;
    }
    return tm_rrset_put_own(set, a);
}

/* Builds the rrset, runs the analysis to completion the way tm_run does
 * (answering what it asks from a fixed table), then check_host with a
 * trace.  *result gets check_host's result. */
static tm_status_t spf_pipeline(tm_spf_result_t *result, unsigned *lookups)
{
    static const uint8_t mail[4] = {192, 0, 2, 26};
    tm_rules_t *rules = NULL;
    tm_static_records_t *records = NULL;
    tm_rrset_t *set = NULL;
    tm_spf_analysis_t *a = NULL;
    tm_questions_t need;
    tm_spf_eval_t ev;
    tm_status_t st;

    tm_questions_init(&need);
    tm_spf_eval_init(&ev);
    if ((st = tm_rules_bundled("jp", &rules)) != TM_OK ||
        (st = tm_run_rules_records(rules, &records)) != TM_OK)
        goto done;
    if (!(set = tm_rrset_create())) {
        st = TM_ENOMEM;
        goto done;
    }
    for (int round = 0; round < 8; round++) {
        tm_spf_analysis_destroy(a);
        a = NULL;
        tm_questions_clear(&need);
        if ((st = tm_spf_analysis_build(set, DOMAIN, rules, &need, &a)) != TM_OK)
            goto done;
        if (need.count == 0)
            break;
        for (size_t i = 0; i < need.count && st == TM_OK; i++) {
            const char *n = need.items[i].name;
            uint16_t type = need.items[i].type;
            if (type == TM_RR_TXT && strcmp(n, DOMAIN) == 0)
                st = put_txt(set, n, "v=spf1 include:_spf.oom.example "
                                     "include:spf.tmems-jp.trendmicro.com a:mail.oom.example "
                                     "ip4:15.168.56.0/25 exp=why.%{d} ~all");
            else if (type == TM_RR_TXT && strcmp(n, "_spf.oom.example") == 0)
                st = put_txt(set, n, "v=spf1 ip4:198.51.100.0/24 mx:%{d} -all");
            else if (type == TM_RR_TXT && strcmp(n, rules->spf_include) == 0) {
                tm_answer_t *rules_ans = NULL;
                st = tm_static_records_answer(records, n, type, &rules_ans);
                if (st == TM_OK)
                    st = rules_ans ? tm_rrset_put_own(set, rules_ans) : TM_ENOTFOUND;
            } else
                st = put_a(set, n, type,
                           type == TM_RR_A && strcmp(n, "mail.oom.example") == 0 ? mail : NULL);
        }
        if (st != TM_OK)
            goto done;
    }
    tm_spf_query_t q;
    tm_spf_query_init(&q);
    tm_ip_parse("203.0.113.9", &q.ip);
    q.domain = DOMAIN;
    q.sender = "someone@" DOMAIN;
    q.trace = true;
    q.default_explanation = "not allowed";
    tm_questions_clear(&need);
    if ((st = tm_spf_check_host(set, &q, &need, &ev)) != TM_OK)
        goto done;
    *result = ev.result;
    *lookups = a ? a->lookups : 0;
done:
    tm_spf_eval_clear(&ev);
    tm_questions_clear(&need);
    tm_spf_analysis_destroy(a);
    tm_rrset_destroy(set);
    tm_static_records_destroy(records);
    tm_rules_destroy(rules);
    return st;
}

static void test_spf_every_allocation(void **state)
{
    (void)state;
    tm_spf_result_t base = TM_SPF_NONE, got;
    unsigned base_lookups = 0, lookups;
    tm_alloc_count_reset();
    assert_int_equal(spf_pipeline(&base, &base_lookups), TM_OK);
    unsigned long total = tm_alloc_count();
    /* 203.0.113.9 is in no range and ~all ends the record: softfail.  The
     * worst case counts include, include, a and the nested mx: 4. */
    assert_int_equal(base, TM_SPF_SOFTFAIL);
    assert_int_equal(base_lookups, 4);
    assert_true(total > 50);

    for (unsigned long n = 1; n <= total + 1; n++) {
        got = TM_SPF_NONE;
        lookups = 0;
        tm_alloc_count_reset();
        tm_alloc_fail_after(n);
        tm_status_t st = spf_pipeline(&got, &lookups);
        tm_alloc_fail_after(0);
        if (tm_alloc_count() >= n) {
            if (st != TM_ENOMEM)
                print_error("allocation %lu of %lu failed: status %s\n", n, total,
                            tm_strerror(st));
            assert_int_equal(st, TM_ENOMEM);
        } else {
            assert_int_equal(st, TM_OK);
            assert_int_equal(got, base);
            assert_int_equal(lookups, base_lookups);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_check_baseline),
        cmocka_unit_test(test_full_check_every_allocation),
        cmocka_unit_test(test_spf_every_allocation),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
