/* test_run.c - tm_run_domain end to end over an offline resolver: zone files
 * this test writes to a temporary directory answer the domains, the bundled
 * Japan rules the TMEmS SPF names, everything else is UNKNOWN.  Asserts the
 * findings, the number of fetch rounds (one per level the checks follow),
 * the phase and company the result carries, and that an allocation failure
 * anywhere returns TM_ENOMEM without a leak. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_fixture.h"
#include "tmems/tm_resolve.h"
#include "tmems/tm_run.h"

/* SPF and the rules section belong to other layers; leaving them out keeps
 * the number of rounds about the domain and inbound checks. */
#define OTHER_LAYERS "spf.,rules.,dns.,inbound.smtp"

static const char example_zone[] =
    "$ORIGIN example.\n"
    "$TTL 3600\n"
    "@        IN SOA ns1 hostmaster 2024090101 3600 900 604800 300\n"
    "         IN NS  ns1\n"
    "ns1      IN A   192.0.2.53\n"
    "; before the cutover: no token, a day-long MX TTL\n"
    "pre          IN TXT \"v=spf1 include:spf.tmems-jp.trendmicro.com ~all\"\n"
    "pre    86400 IN MX  20 mail2.pre\n"
    "pre    86400 IN MX  10 mail1.pre\n"
    "mail1.pre    IN A   192.0.2.10\n"
    "mail2.pre    IN A   192.0.2.11\n"
    "; after the cutover, ready\n"
    "post         IN TXT \"tmes=" FX_TOKEN "\"\n"
    "post         IN TXT \"v=spf1 include:spf.tmems-jp.trendmicro.com ~all\"\n"
    "post     300 IN MX  10 acme.in.tmems-jp.trendmicro.com.\n"
    "; the MX target is an alias\n"
    "alias        IN TXT \"tmes=" FX_TOKEN_HEX "\"\n"
    "alias    300 IN MX  10 mx.alias\n"
    "mx.alias     IN CNAME mail.alias\n"
    "mail.alias   IN A   192.0.2.20\n"
    "; Microsoft 365 in front\n"
    "m365         IN TXT \"tmes=" FX_TOKEN "\"\n"
    "m365     300 IN MX  0 contoso.mail.protection.outlook.com.\n";

static const char tmems_zone[] =
    "$ORIGIN in.tmems-jp.trendmicro.com.\n"
    "$TTL 300\n"
    "@     IN SOA ns1.trendmicro.com. hostmaster.trendmicro.com. 1 3600 900 604800 300\n"
    "      IN NS  ns1.trendmicro.com.\n"
    "acme  IN A   18.176.203.130\n";

typedef struct {
    char dir[64];
    char paths[2][128];
    tm_rules_t *rules;
    tm_static_records_t *records; /* the rules' records, for the resolver */
    tm_resolver_t *res;
    tm_check_options_t opts;
    tm_result_t *result;
} run_fx_t;

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

static tm_resolver_t *make_resolver(run_fx_t *fx)
{
    const char *zones[2] = {fx->paths[0], fx->paths[1]};
    tm_resolver_options_t ro = {.offline = true, .timeout_ms = 2000, .tries = 1,
                                .zone_files = zones, .nzones = 2, .records = fx->records};
    tm_resolver_t *res = NULL;
    char err[256] = "";
    if (tm_resolver_create(&ro, &res, err, sizeof(err)) != TM_OK)
        fail_msg("resolver: %s", err);
    return res;
}

static int setup(void **state)
{
    fx_locale();
    tm_alloc_fail_after(0);
    run_fx_t *fx = calloc(1, sizeof(*fx));
    if (!fx)
        return -1;
    strcpy(fx->dir, "/tmp/tm_run_XXXXXX");
    if (!mkdtemp(fx->dir)) {
        free(fx);
        return -1;
    }
    snprintf(fx->paths[0], sizeof(fx->paths[0]), "%s/example.zone", fx->dir);
    snprintf(fx->paths[1], sizeof(fx->paths[1]), "%s/tmems.zone", fx->dir);
    write_file(fx->paths[0], example_zone);
    write_file(fx->paths[1], tmems_zone);
    if (tm_rules_bundled("jp", &fx->rules) != TM_OK ||
        tm_run_rules_records(fx->rules, &fx->records) != TM_OK)
        return -1;
    fx->res = make_resolver(fx);
    fx->opts.phase = TM_PHASE_AUTO;
    fx->opts.outbound = true;
    fx->opts.offline = true;
    fx->opts.skip = OTHER_LAYERS;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    run_fx_t *fx = *state;
    tm_alloc_fail_after(0);
    tm_result_destroy(fx->result);
    tm_resolver_destroy(fx->res);
    tm_static_records_destroy(fx->records);
    tm_rules_destroy(fx->rules);
    unlink(fx->paths[0]);
    unlink(fx->paths[1]);
    rmdir(fx->dir);
    free(fx);
    return 0;
}

static tm_result_t *run(run_fx_t *fx, const char *display, const char *ascii)
{
    tm_result_destroy(fx->result);
    fx->result = NULL;
    assert_int_equal(tm_run_domain(fx->res, fx->rules, &fx->opts, display, ascii, &fx->result),
                     TM_OK);
    assert_non_null(fx->result);
    return fx->result;
}

static const tm_finding_t *finding(const tm_result_t *r, const char *id)
{
    for (size_t i = 0; i < r->findings.count; i++)
        if (strcmp(r->findings.items[i].id, id) == 0)
            return &r->findings.items[i];
    fail_msg("no finding %s", id);
    return NULL;
}

static tm_check_status_t status_of(const tm_result_t *r, const char *id)
{
    return finding(r, id)->status;
}

static void test_pre_cutover(void **state)
{
    run_fx_t *fx = *state;
    tm_result_t *r = run(fx, NULL, "pre.example");
    assert_string_equal(r->domain, "pre.example");
    assert_string_equal(r->ascii, "pre.example");
    assert_int_equal(r->phase, TM_PHASE_PRE);
    assert_true(r->phase_derived);
    assert_null(r->company);
    assert_int_equal(r->company_source, TM_COMPANY_UNKNOWN);
    /* round 1: apex TXT and MX; round 2: the two MX hosts' addresses */
    assert_int_equal(r->rounds, 2);
    assert_non_null(tm_rrset_get(r->rrset, "mail1.pre.example", TM_RR_A));
    assert_non_null(tm_rrset_get(r->rrset, "mail2.pre.example", TM_RR_AAAA));

    assert_int_equal(status_of(r, "domain.exists"), TM_CHECK_PASS);
    assert_int_equal(status_of(r, "token.present"), TM_CHECK_FAIL);
    assert_int_equal(status_of(r, "token.format"), TM_CHECK_SKIP);
    assert_int_equal(status_of(r, "mx.present"), TM_CHECK_PASS);
    assert_int_equal(status_of(r, "mx.tmems"), TM_CHECK_INFO);
    assert_int_equal(status_of(r, "mx.bypass"), TM_CHECK_SKIP);
    assert_int_equal(status_of(r, "mx.target"), TM_CHECK_PASS);
    assert_int_equal(status_of(r, "company.id"), TM_CHECK_SKIP);
    assert_int_equal(status_of(r, "company.inbound_host"), TM_CHECK_SKIP);
    assert_int_equal(status_of(r, "company.relay_host"), TM_CHECK_SKIP);

    const tm_finding_t *ttl = finding(r, "mx.ttl");
    assert_int_equal(ttl->status, TM_CHECK_WARN);
    assert_contains(ttl->summary, "86400");
    assert_contains(ttl->fix, "pre.example. 300 IN MX 10 mail1.pre.example.");
    assert_contains(ttl->fix, "pre.example. 300 IN MX 20 mail2.pre.example.");

    const tm_finding_t *servers = finding(r, "inbound.servers");
    assert_int_equal(servers->status, TM_CHECK_INFO);
    assert_contains(servers->fix, "*@pre.example | mail1.pre.example | 25 | 10\n"
                                  "*@pre.example | mail2.pre.example | 25 | 20");
    assert_int_equal(r->verdict, TM_CHECK_FAIL);
    assert_int_equal(r->verdict, tm_findings_verdict(&r->findings));
}

static void test_post_ready(void **state)
{
    run_fx_t *fx = *state;
    tm_result_t *r = run(fx, NULL, "post.example");
    assert_int_equal(r->phase, TM_PHASE_POST);
    assert_true(r->phase_derived);
    assert_non_null(r->company);
    assert_string_equal(r->company, "acme");
    assert_int_equal(r->company_source, TM_COMPANY_FROM_MX);
    /* round 2 asks the TMEmS host's addresses and the relay host together */
    assert_int_equal(r->rounds, 2);
    assert_int_equal(status_of(r, "token.present"), TM_CHECK_PASS);
    assert_int_equal(status_of(r, "token.format"), TM_CHECK_PASS);
    assert_int_equal(status_of(r, "mx.tmems"), TM_CHECK_PASS);
    assert_int_equal(status_of(r, "mx.bypass"), TM_CHECK_PASS);
    assert_int_equal(status_of(r, "mx.ttl"), TM_CHECK_PASS);
    assert_int_equal(status_of(r, "mx.target"), TM_CHECK_PASS);
    assert_int_equal(status_of(r, "company.id"), TM_CHECK_PASS);
    assert_int_equal(status_of(r, "company.inbound_host"), TM_CHECK_PASS);
    assert_int_equal(status_of(r, "inbound.servers"), TM_CHECK_SKIP);
    /* the relay zone is not loaded: offline, unknown, so skip (never error) */
    const tm_finding_t *relay = finding(r, "company.relay_host");
    assert_int_equal(relay->status, TM_CHECK_SKIP);
    assert_contains(relay->summary, FX_RELAY);
    assert_int_equal(r->verdict, TM_CHECK_PASS);
}

static void test_findings_in_catalogue_order(void **state)
{
    run_fx_t *fx = *state;
    tm_result_t *r = run(fx, NULL, "post.example");
    size_t n;
    const tm_check_def_t *cat = tm_check_catalogue(&n);
    size_t pos = 0;
    for (size_t i = 0; i < r->findings.count; i++) {
        while (pos < n && strcmp(cat[pos].id, r->findings.items[i].id) != 0)
            pos++;
        if (pos == n)
            fail_msg("%s out of catalogue order", r->findings.items[i].id);
        assert_non_null(r->findings.items[i].summary);
    }
    size_t selected = 0;
    for (size_t i = 0; i < n; i++)
        selected += tm_check_selected(cat[i].id, NULL, OTHER_LAYERS);
    assert_int_equal(r->findings.count, selected);
}

static void test_company_option_differs(void **state)
{
    run_fx_t *fx = *state;
    fx->opts.company = "beta";
    tm_result_t *r = run(fx, NULL, "post.example");
    assert_string_equal(r->company, "beta");
    assert_int_equal(r->company_source, TM_COMPANY_FROM_OPTION);
    const tm_finding_t *id = finding(r, "company.id");
    assert_int_equal(id->status, TM_CHECK_FAIL);
    assert_contains(id->summary, "\"acme\"");
    assert_contains(id->summary, "\"beta\"");
    /* beta's host is inside the loaded TMEmS zone, and absent */
    const tm_finding_t *host = finding(r, "company.inbound_host");
    assert_int_equal(host->status, TM_CHECK_FAIL);
    assert_contains(host->summary, "beta.in.tmems-jp.trendmicro.com");
    assert_contains(host->summary, "NXDOMAIN");
    assert_int_equal(r->verdict, TM_CHECK_FAIL);
}

static void test_company_option_too_long(void **state)
{
    run_fx_t *fx = *state;
    /* 64 characters: one over the limit of docs/checks.md */
    const char *id64 = "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd";
    assert_int_equal(strlen(id64), 64);
    fx->opts.company = id64;
    tm_result_t *r = run(fx, NULL, "pre.example");
    assert_int_equal(status_of(r, "company.id"), TM_CHECK_FAIL);
    assert_int_equal(status_of(r, "company.inbound_host"), TM_CHECK_SKIP);
    /* the result names the ID as given, not a 63-character cut of it */
    assert_string_equal(r->company, id64);
    assert_contains(finding(r, "company.id")->summary, id64);
}

static void test_phase_forced(void **state)
{
    run_fx_t *fx = *state;
    fx->opts.phase = TM_PHASE_PRE;
    tm_result_t *r = run(fx, NULL, "post.example");
    assert_int_equal(r->phase, TM_PHASE_PRE);
    assert_false(r->phase_derived);
    /* the MX names TMEmS alone: judged even when called "pre" */
    assert_int_equal(status_of(r, "mx.bypass"), TM_CHECK_PASS);
    assert_string_equal(r->company, "acme");

    fx->opts.phase = TM_PHASE_POST;
    r = run(fx, NULL, "pre.example");
    assert_int_equal(r->phase, TM_PHASE_POST);
    assert_false(r->phase_derived);
    assert_int_equal(status_of(r, "mx.tmems"), TM_CHECK_FAIL);
    assert_int_equal(status_of(r, "mx.ttl"), TM_CHECK_INFO);
}

static void test_nxdomain(void **state)
{
    run_fx_t *fx = *state;
    tm_result_t *r = run(fx, NULL, "gone.example");
    /* nothing to follow from an NXDOMAIN apex */
    assert_int_equal(r->rounds, 1);
    assert_int_equal(status_of(r, "domain.exists"), TM_CHECK_FAIL);
    /* one finding: every other check but domain.name skips for that reason */
    for (size_t i = 0; i < r->findings.count; i++) {
        const tm_finding_t *f = &r->findings.items[i];
        if (strcmp(f->id, "domain.exists") == 0 || strcmp(f->id, "domain.name") == 0)
            continue;
        if (f->status != TM_CHECK_SKIP)
            fail_msg("%s: %s (%s)", f->id, tm_check_status_name(f->status), f->summary);
        assert_contains(f->summary, "domain.exists");
    }
    assert_int_equal(status_of(r, "domain.name"), TM_CHECK_PASS);
    /* no MX answer to decide the phase from */
    assert_int_equal(r->phase, TM_PHASE_AUTO);
    assert_false(r->phase_derived);
    assert_int_equal(r->verdict, TM_CHECK_FAIL);
}

static void test_offline_unknown_domain(void **state)
{
    run_fx_t *fx = *state;
    tm_result_t *r = run(fx, "例え.jp", "xn--r8jz45g.jp");
    assert_string_equal(r->domain, "例え.jp");
    assert_string_equal(r->ascii, "xn--r8jz45g.jp");
    assert_int_equal(r->rounds, 1);
    const tm_finding_t *name = finding(r, "domain.name");
    assert_contains(name->summary, "例え.jp");
    assert_contains(name->summary, "xn--r8jz45g.jp");
    /* offline, a name in no zone: skip, never error (docs/checks.md "Offline") */
    const char *skipped[] = {"domain.exists", "token.present", "token.format", "mx.present",
                             "mx.tmems", "mx.ttl", "mx.target", "inbound.servers",
                             "inbound.cloud"};
    for (size_t i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++) {
        const tm_finding_t *f = finding(r, skipped[i]);
        if (f->status != TM_CHECK_SKIP)
            fail_msg("%s: %s (%s)", skipped[i], tm_check_status_name(f->status), f->summary);
    }
    for (size_t i = 0; i < r->findings.count; i++)
        assert_int_not_equal(r->findings.items[i].status, TM_CHECK_ERROR);
    assert_int_equal(r->verdict, TM_CHECK_PASS);
    const tm_answer_t *txt = tm_rrset_get(r->rrset, "xn--r8jz45g.jp", TM_RR_TXT);
    assert_non_null(txt);
    assert_int_equal(txt->outcome, TM_DNS_UNKNOWN);
}

static void test_mx_alias(void **state)
{
    run_fx_t *fx = *state;
    tm_result_t *r = run(fx, NULL, "alias.example");
    const tm_finding_t *target = finding(r, "mx.target");
    /* the only MX target is an alias: no usable host at the lowest value */
    assert_int_equal(target->status, TM_CHECK_FAIL);
    assert_contains(target->detail, "mx.alias.example");
    assert_contains(target->detail, "CNAME");
    assert_int_equal(r->verdict, TM_CHECK_FAIL);
}

static void test_m365(void **state)
{
    run_fx_t *fx = *state;
    tm_result_t *r = run(fx, NULL, "m365.example");
    const tm_finding_t *cloud = finding(r, "inbound.cloud");
    assert_int_equal(cloud->status, TM_CHECK_INFO);
    assert_contains(cloud->summary, "Microsoft 365");
    /* the Microsoft host is outside every zone: its address is unknown */
    assert_int_equal(status_of(r, "mx.target"), TM_CHECK_SKIP);
    assert_int_equal(r->phase, TM_PHASE_PRE);
}

static void test_only_selection_rounds(void **state)
{
    run_fx_t *fx = *state;
    fx->opts.skip = NULL;
    fx->opts.only = "mx.ttl";
    tm_result_t *r = run(fx, NULL, "pre.example");
    assert_int_equal(r->findings.count, 1);
    assert_string_equal(r->findings.items[0].id, "mx.ttl");
    assert_int_equal(r->findings.items[0].status, TM_CHECK_WARN);
    assert_int_equal(r->verdict, TM_CHECK_WARN);

    /* token checks read only the apex: one round */
    fx->opts.only = "token.";
    r = run(fx, NULL, "pre.example");
    assert_int_equal(r->rounds, 1);
    assert_int_equal(r->findings.count, 3);
    assert_string_equal(r->findings.items[0].id, "token.present");
    assert_string_equal(r->findings.items[2].id, "token.match");
    /* the phase is still derived from the MX */
    assert_int_equal(r->phase, TM_PHASE_PRE);
    assert_true(r->phase_derived);
}

static void test_token_option(void **state)
{
    run_fx_t *fx = *state;
    fx->opts.token = FX_TOKEN;
    tm_result_t *r = run(fx, NULL, "post.example");
    assert_int_equal(status_of(r, "token.match"), TM_CHECK_PASS);
    r = run(fx, NULL, "alias.example");
    const tm_finding_t *match = finding(r, "token.match");
    assert_int_equal(match->status, TM_CHECK_FAIL);
    assert_string_equal(match->fix, "alias.example. 3600 IN TXT \"tmes=" FX_TOKEN "\"");
}

static void test_no_outbound(void **state)
{
    run_fx_t *fx = *state;
    fx->opts.outbound = false;
    fx->opts.company = "beta";
    tm_result_t *r = run(fx, NULL, "post.example");
    /* inbound failures are not softened; the relay host stays unknown */
    assert_int_equal(status_of(r, "company.id"), TM_CHECK_FAIL);
    assert_int_equal(status_of(r, "company.relay_host"), TM_CHECK_SKIP);
}

static void test_shared_resolver_cache(void **state)
{
    run_fx_t *fx = *state;
    /* two domains through one resolver: the second reuses what it can and
     * its result holds its own answers */
    tm_result_t *first = NULL, *second = NULL;
    assert_int_equal(tm_run_domain(fx->res, fx->rules, &fx->opts, NULL, "post.example", &first),
                     TM_OK);
    assert_int_equal(tm_run_domain(fx->res, fx->rules, &fx->opts, NULL, "post.example", &second),
                     TM_OK);
    assert_int_equal(first->findings.count, second->findings.count);
    assert_int_equal(first->verdict, second->verdict);
    assert_int_equal(second->rounds, first->rounds);
    assert_int_equal(tm_rrset_size(first->rrset), tm_rrset_size(second->rrset));
    tm_result_destroy(first);
    /* second's answers outlive first */
    const tm_answer_t *mx = tm_rrset_get(second->rrset, "post.example", TM_RR_MX);
    assert_non_null(mx);
    assert_string_equal(mx->rrs[0].u.mx.host, FX_TMEMS);
    tm_result_destroy(second);
    tm_result_destroy(NULL);
}

static void test_oom(void **state)
{
    run_fx_t *fx = *state;
    fx->opts.company = "beta";
    fx->opts.token = FX_TOKEN_HEX;
    unsigned failures = 0;
    for (unsigned n = 1;; n++) {
        /* a fresh resolver each time: its cache must not hide an allocation */
        tm_resolver_t *res = make_resolver(fx);
        tm_result_t *r = NULL;
        tm_alloc_fail_after(n);
        tm_status_t st = tm_run_domain(res, fx->rules, &fx->opts, NULL, "pre.example", &r);
        tm_alloc_fail_after(0);
        tm_resolver_destroy(res);
        if (st == TM_OK) {
            assert_non_null(r);
            assert_int_equal(r->verdict, TM_CHECK_FAIL);
            assert_int_equal(r->rounds, 2);
            tm_result_destroy(r);
            break;
        }
        assert_int_equal(st, TM_ENOMEM);
        assert_null(r);
        failures++;
        assert_true(n < 5000);
    }
    assert_true(failures > 10);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_pre_cutover),
        T(test_post_ready),
        T(test_findings_in_catalogue_order),
        T(test_company_option_differs),
        T(test_company_option_too_long),
        T(test_phase_forced),
        T(test_nxdomain),
        T(test_offline_unknown_domain),
        T(test_mx_alias),
        T(test_m365),
        T(test_only_selection_rounds),
        T(test_token_option),
        T(test_no_outbound),
        T(test_shared_resolver_cache),
        T(test_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
