/* test_check_consistency.c - dns.consistency (docs/checks.md, only with
 * --authoritative) over hand-built views: every authoritative server and
 * the recursive answer agree on serial, MX set, token and SPF (pass); a
 * server that differs is listed with what differs (warn); a server without
 * an answer is an error.  Also the targets (which addresses are asked),
 * what the check needs fetched, and its place in the catalogue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "check_fixture.h"
#include "tmems/tm_probe_view.h"

#define NS1 "ns1.acme.example"
#define NS2 "ns2.acme.example"
#define OLD_MX "mail.acme.example"
#define SERIAL 2024090101u
#define SPF "v=spf1 include:spf.tmems-jp.trendmicro.com ~all"

static tm_auth_view_t *g_view;

static int setup(void **state)
{
    if (fx_setup(state) != 0)
        return -1;
    fx_t *fx = *state;
    fx->opts.authoritative = true;
    g_view = tm_auth_view_create();
    return g_view ? 0 : -1;
}

static int teardown(void **state)
{
    tm_auth_view_destroy(g_view);
    g_view = NULL;
    return fx_teardown(state);
}

/* ---- building answers ------------------------------------------------------ */

static tm_answer_t *soa_answer(uint32_t serial)
{
    tm_answer_t *ans = tm_answer_create(FX_DOMAIN, TM_RR_SOA, TM_DNS_NOERROR);
    assert_non_null(ans);
    assert_int_equal(tm_answer_add_soa(ans, 3600, NS1, "hostmaster." FX_DOMAIN, serial, 3600,
                                       900, 604800, 300),
                     TM_OK);
    return ans;
}

static tm_answer_t *txt_answer(const char *token, const char *spf)
{
    tm_answer_t *ans = tm_answer_create(FX_DOMAIN, TM_RR_TXT, TM_DNS_NOERROR);
    assert_non_null(ans);
    if (token)
        assert_int_equal(tm_answer_add_txt1(ans, 3600, token), TM_OK);
    if (spf)
        assert_int_equal(tm_answer_add_txt1(ans, 3600, spf), TM_OK);
    assert_int_equal(tm_answer_add_txt1(ans, 3600, "google-site-verification=abc"), TM_OK);
    return ans;
}

static tm_answer_t *mx_answer(uint32_t ttl, uint16_t pref, const char *host)
{
    tm_answer_t *ans = tm_answer_create(FX_DOMAIN, TM_RR_MX, TM_DNS_NOERROR);
    assert_non_null(ans);
    assert_int_equal(tm_answer_add_mx(ans, ttl, pref, host), TM_OK);
    return ans;
}

static tm_answer_t *outcome_answer(uint16_t type, tm_dns_outcome_t oc, const char *error)
{
    tm_answer_t *ans = tm_answer_create(FX_DOMAIN, type, oc);
    assert_non_null(ans);
    if (error)
        assert_int_equal(tm_answer_set_error(ans, error), TM_OK);
    return ans;
}

static tm_probe_target_t target(const char *host, const char *addr)
{
    tm_probe_target_t t;
    memset(&t, 0, sizeof(t));
    snprintf(t.host, sizeof(t.host), "%s", host);
    if (addr) {
        assert_true(tm_ip_parse(addr, &t.addr));
        t.has_addr = true;
    } else {
        t.addr_outcome = TM_DNS_NXDOMAIN;
    }
    return t;
}

/* A server entry of the view; takes the answers' references. */
static void add_server(const char *host, const char *addr, tm_answer_t *soa, tm_answer_t *txt,
                       tm_answer_t *mx)
{
    assert_true(g_view->count < TM_PROBE_MAX_TARGETS);
    tm_auth_server_t *s = &g_view->servers[g_view->count++];
    s->target = target(host, addr);
    s->soa = soa;
    s->txt = txt;
    s->mx = mx;
}

static void add_current(const char *host, const char *addr)
{
    add_server(host, addr, soa_answer(SERIAL), txt_answer("tmes=" FX_TOKEN, SPF),
               mx_answer(86400, 10, OLD_MX));
}

/* What the recursive resolver said: the NS set and the current zone. */
static void recursive_current(fx_t *fx)
{
    tm_answer_t *ns = tm_answer_create(FX_DOMAIN, TM_RR_NS, TM_DNS_NOERROR);
    assert_non_null(ns);
    assert_int_equal(tm_answer_add_name(ns, 86400, NS1), TM_OK);
    assert_int_equal(tm_answer_add_name(ns, 86400, NS2), TM_OK);
    fx_put(fx, ns);
    fx_put(fx, soa_answer(SERIAL));
    fx_put(fx, txt_answer("tmes=" FX_TOKEN, SPF));
    fx_put(fx, mx_answer(3000, 10, OLD_MX));
}

static tm_finding_t *run(fx_t *fx)
{
    fx_finding_free(&fx->f);
    tm_check_ctx_init(&fx->ctx, fx->domain, fx->display, fx->rrset, fx->rules, &fx->opts);
    fx->ctx.auth = g_view;
    assert_int_equal(tm_check_dns_consistency(&fx->ctx, &fx->f), TM_OK);
    assert_non_null(fx->f.summary);
    return &fx->f;
}

/* ---- pass ------------------------------------------------------------------ */

static void test_all_agree_pass(void **state)
{
    fx_t *fx = *state;
    recursive_current(fx);
    add_current(NS1, "192.0.2.1");
    add_current(NS2, "192.0.2.2");
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_PASS);
    assert_contains(f->summary, "All 2 authoritative server addresses agree");
    assert_contains(f->summary, "serial 2024090101");
    /* the largest MX TTL: the servers' 86400, not the cache's 3000 left */
    assert_contains(f->detail, "up to 86400 s");
}

/* Record order inside an answer is not a difference (RFC 1035 section
 * 3.6: a record set is unordered). */
static void test_order_is_no_difference(void **state)
{
    fx_t *fx = *state;
    tm_answer_t *ns = tm_answer_create(FX_DOMAIN, TM_RR_NS, TM_DNS_NOERROR);
    assert_non_null(ns);
    assert_int_equal(tm_answer_add_name(ns, 86400, NS1), TM_OK);
    fx_put(fx, ns);
    fx_put(fx, soa_answer(SERIAL));
    fx_put(fx, txt_answer("tmes=" FX_TOKEN, SPF));
    tm_answer_t *mx = tm_answer_create(FX_DOMAIN, TM_RR_MX, TM_DNS_NOERROR);
    assert_non_null(mx);
    assert_int_equal(tm_answer_add_mx(mx, 300, 10, OLD_MX), TM_OK);
    assert_int_equal(tm_answer_add_mx(mx, 300, 20, "backup.acme.example"), TM_OK);
    fx_put(fx, mx);

    tm_answer_t *txt = tm_answer_create(FX_DOMAIN, TM_RR_TXT, TM_DNS_NOERROR);
    assert_non_null(txt);
    assert_int_equal(tm_answer_add_txt1(txt, 3600, "google-site-verification=abc"), TM_OK);
    assert_int_equal(tm_answer_add_txt1(txt, 3600, SPF), TM_OK);
    assert_int_equal(tm_answer_add_txt1(txt, 3600, "tmes=" FX_TOKEN), TM_OK);
    mx = tm_answer_create(FX_DOMAIN, TM_RR_MX, TM_DNS_NOERROR);
    assert_non_null(mx);
    assert_int_equal(tm_answer_add_mx(mx, 300, 20, "backup.acme.example"), TM_OK);
    assert_int_equal(tm_answer_add_mx(mx, 300, 10, OLD_MX), TM_OK);
    add_server(NS1, "192.0.2.1", soa_answer(SERIAL), txt, mx);
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_PASS);
    assert_contains(f->detail, "up to 300 s");

    /* a host more is a real difference */
    tm_answer_t *more = mx_answer(300, 10, OLD_MX);
    assert_int_equal(tm_answer_add_mx(more, 300, 20, "backup.acme.example"), TM_OK);
    assert_int_equal(tm_answer_add_mx(more, 300, 30, "third.acme.example"), TM_OK);
    add_server(NS2, "192.0.2.2", soa_answer(SERIAL), txt_answer("tmes=" FX_TOKEN, SPF), more);
    f = run(fx);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->detail, NS2 " (192.0.2.2): MX 10 " OLD_MX ", 20 backup.acme.example, "
                               "30 third.acme.example vs 10 " OLD_MX ", 20 backup.acme.example");
    assert_not_contains(f->detail, "token");
    assert_not_contains(f->detail, "SPF");
}

/* ---- warn: the cutover in progress ------------------------------------------ */

static void test_stale_secondary_warns(void **state)
{
    fx_t *fx = *state;
    recursive_current(fx);
    add_current(NS1, "192.0.2.1");
    add_server(NS2, "192.0.2.2", soa_answer(SERIAL + 1), txt_answer("tmes=" FX_TOKEN, SPF),
               mx_answer(300, 10, FX_TMEMS));
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->summary, "1 of 2 authoritative server address differs");
    /* one line per differing server, in the brief's words */
    assert_contains(f->detail, NS2 " (192.0.2.2): serial 2024090102 vs 2024090101 (newer); "
                               "MX 10 " FX_TMEMS " vs 10 " OLD_MX);
    assert_not_contains(f->detail, NS1 " (192.0.2.1):");
    assert_contains(f->detail, "Resolvers may keep the old MX for up to 86400 s");
    assert_non_null(f->fix);
}

static void test_token_and_spf_differences(void **state)
{
    fx_t *fx = *state;
    recursive_current(fx);
    add_server(NS1, "192.0.2.1", soa_answer(SERIAL),
               txt_answer("tmes=0123456789abcdef0123456789abcdef", "v=spf1 -all"),
               mx_answer(86400, 10, OLD_MX));
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->detail, "token \"tmes=0123456789abcdef0123456789abcdef\" vs \"tmes=" FX_TOKEN "\"");
    assert_contains(f->detail, "SPF \"v=spf1 -all\" vs \"" SPF "\"");
    assert_not_contains(f->detail, "serial");
}

/* A server without the token where the recursive answer has one. */
static void test_missing_token_shows_none(void **state)
{
    fx_t *fx = *state;
    recursive_current(fx);
    add_server(NS1, "192.0.2.1", soa_answer(SERIAL), txt_answer(NULL, SPF),
               mx_answer(86400, 10, OLD_MX));
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->detail, "token (none) vs \"tmes=" FX_TOKEN "\"");
}

/* RFC 1982: after the wrap, 1 is newer than 4294967295. */
static void test_serial_arithmetic(void **state)
{
    fx_t *fx = *state;
    tm_answer_t *ns = tm_answer_create(FX_DOMAIN, TM_RR_NS, TM_DNS_NOERROR);
    assert_non_null(ns);
    assert_int_equal(tm_answer_add_name(ns, 86400, NS1), TM_OK);
    fx_put(fx, ns);
    fx_put(fx, soa_answer(4294967295u));
    fx_put(fx, txt_answer(NULL, NULL));
    fx_put(fx, mx_answer(300, 10, OLD_MX));
    add_server(NS1, "192.0.2.1", soa_answer(1), txt_answer(NULL, NULL), mx_answer(300, 10, OLD_MX));
    add_server(NS2, "192.0.2.2", soa_answer(4294967000u), txt_answer(NULL, NULL),
               mx_answer(300, 10, OLD_MX));
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->detail, "serial 1 vs 4294967295 (newer)");
    assert_contains(f->detail, "serial 4294967000 vs 4294967295 (older)");
}

/* Hostile TXT data is quoted, never raw. */
static void test_hostile_txt_is_quoted(void **state)
{
    fx_t *fx = *state;
    recursive_current(fx);
    add_server(NS1, "192.0.2.1", soa_answer(SERIAL),
               txt_answer("tmes=\x1b[31mred\"x", SPF), mx_answer(86400, 10, OLD_MX));
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->detail, "\"tmes=\\x1b[31mred\\\"x\"");
    assert_null(strchr(f->detail, '\x1b'));
}

/* ---- error: a server without an answer -------------------------------------- */

static void test_timeout_is_error(void **state)
{
    fx_t *fx = *state;
    recursive_current(fx);
    add_current(NS1, "192.0.2.1");
    add_server(NS2, "192.0.2.2", outcome_answer(TM_RR_SOA, TM_DNS_TIMEOUT, "no answer within 6000 ms"),
               outcome_answer(TM_RR_TXT, TM_DNS_TIMEOUT, NULL),
               outcome_answer(TM_RR_MX, TM_DNS_TIMEOUT, NULL));
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_ERROR);
    assert_contains(f->summary, "1 of 2 authoritative server addresses did not answer");
    assert_contains(f->detail, NS2 " (192.0.2.2): no answer for " FX_DOMAIN " SOA: TIMEOUT "
                               "(no answer within 6000 ms)");
    assert_non_null(f->fix);
}

static void test_refused_and_differences_together(void **state)
{
    fx_t *fx = *state;
    recursive_current(fx);
    add_server(NS1, "192.0.2.1", soa_answer(SERIAL - 1), txt_answer("tmes=" FX_TOKEN, SPF),
               mx_answer(86400, 10, OLD_MX));
    add_server(NS2, "192.0.2.2", soa_answer(SERIAL), outcome_answer(TM_RR_TXT, TM_DNS_REFUSED, NULL),
               mx_answer(86400, 10, OLD_MX));
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_ERROR);
    assert_contains(f->detail, NS2 " (192.0.2.2): no answer for " FX_DOMAIN " TXT: REFUSED");
    /* the server that answered is still compared */
    assert_contains(f->detail, NS1 " (192.0.2.1): serial 2024090100 vs 2024090101 (older)");
}

static void test_no_address_is_error(void **state)
{
    fx_t *fx = *state;
    recursive_current(fx);
    add_current(NS1, "192.0.2.1");
    add_server(NS2, NULL, NULL, NULL, NULL);
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_ERROR);
    assert_contains(f->detail, NS2 ": the name server host has no address (NXDOMAIN)");
}

/* A server that answers but has no SOA at the apex does not serve the zone. */
static void test_lame_server_is_error(void **state)
{
    fx_t *fx = *state;
    recursive_current(fx);
    add_server(NS1, "192.0.2.1", outcome_answer(TM_RR_SOA, TM_DNS_NODATA, NULL),
               outcome_answer(TM_RR_TXT, TM_DNS_NODATA, NULL),
               outcome_answer(TM_RR_MX, TM_DNS_NODATA, NULL));
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_ERROR);
    assert_contains(f->detail, "lame delegation");
}

/* The recursive resolver could not answer for the MX: the servers are
 * compared with the first that could. */
static void test_reference_falls_back_to_first_server(void **state)
{
    fx_t *fx = *state;
    tm_answer_t *ns = tm_answer_create(FX_DOMAIN, TM_RR_NS, TM_DNS_NOERROR);
    assert_non_null(ns);
    assert_int_equal(tm_answer_add_name(ns, 86400, NS1), TM_OK);
    fx_put(fx, ns);
    fx_outcome(fx, FX_DOMAIN, TM_RR_SOA, TM_DNS_SERVFAIL);
    fx_outcome(fx, FX_DOMAIN, TM_RR_TXT, TM_DNS_SERVFAIL);
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_SERVFAIL);
    add_current(NS1, "192.0.2.1");
    add_server(NS2, "192.0.2.2", soa_answer(SERIAL + 5), txt_answer("tmes=" FX_TOKEN, SPF),
               mx_answer(86400, 10, OLD_MX));
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->detail, NS2 " (192.0.2.2): serial 2024090106 vs 2024090101 (newer)");
    assert_int_equal(fx_count(f->detail, "serial"), 1);
}

/* ---- skip and error before any server -------------------------------------- */

static void test_needs_the_option(void **state)
{
    fx_t *fx = *state;
    fx->opts.authoritative = false;
    recursive_current(fx);
    assert_int_equal(run(fx)->status, TM_CHECK_SKIP);
}

static void test_offline_skips(void **state)
{
    fx_t *fx = *state;
    fx->opts.offline = true;
    recursive_current(fx);
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_SKIP);
    assert_contains(f->summary, "Offline");
}

static void test_ns_failure_is_error(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_NS, TM_DNS_SERVFAIL);
    assert_int_equal(run(fx)->status, TM_CHECK_ERROR);
}

static void test_no_ns_skips(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_NS, TM_DNS_NODATA);
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_SKIP);
    assert_contains(f->summary, "not the apex of a zone");
}

static void test_not_probed_skips(void **state)
{
    fx_t *fx = *state;
    recursive_current(fx);
    fx_finding_free(&fx->f);
    tm_check_ctx_init(&fx->ctx, fx->domain, fx->display, fx->rrset, fx->rules, &fx->opts);
    assert_null(fx->ctx.auth); /* init leaves the view out */
    assert_int_equal(tm_check_dns_consistency(&fx->ctx, &fx->f), TM_OK);
    assert_int_equal(fx->f.status, TM_CHECK_SKIP);
}

static void test_truncated_is_said(void **state)
{
    fx_t *fx = *state;
    recursive_current(fx);
    add_current(NS1, "192.0.2.1");
    g_view->truncated = true;
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_PASS);
    assert_contains(f->detail, "Only the first 16 addresses");
}

/* ---- targets and needs ------------------------------------------------------- */

static void put_a(fx_t *fx, const char *host, const uint8_t (*addrs)[4], size_t n)
{
    tm_answer_t *a = tm_answer_create(host, TM_RR_A, n ? TM_DNS_NOERROR : TM_DNS_NODATA);
    assert_non_null(a);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(tm_answer_add_a(a, 300, addrs[i]), TM_OK);
    fx_put(fx, a);
}

static void test_targets(void **state)
{
    fx_t *fx = *state;
    tm_answer_t *ns = tm_answer_create(FX_DOMAIN, TM_RR_NS, TM_DNS_NOERROR);
    assert_non_null(ns);
    assert_int_equal(tm_answer_add_name(ns, 86400, NS1), TM_OK);
    assert_int_equal(tm_answer_add_name(ns, 86400, "ns6.acme.example"), TM_OK);
    assert_int_equal(tm_answer_add_name(ns, 86400, "gone.acme.example"), TM_OK);
    assert_int_equal(tm_answer_add_name(ns, 86400, "NS1.acme.example"), TM_OK); /* repeated */
    fx_put(fx, ns);
    static const uint8_t two[2][4] = {{127, 0, 0, 2}, {127, 0, 0, 3}};
    put_a(fx, NS1, two, 2);
    /* an IPv4 host's AAAA is not asked: a machine without IPv6 would
     * report a working server as silent */
    static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
    tm_answer_t *aaaa = tm_answer_create(NS1, TM_RR_AAAA, TM_DNS_NOERROR);
    assert_non_null(aaaa);
    assert_int_equal(tm_answer_add_aaaa(aaaa, 300, v6), TM_OK);
    fx_put(fx, aaaa);
    put_a(fx, "ns6.acme.example", NULL, 0);
    aaaa = tm_answer_create("ns6.acme.example", TM_RR_AAAA, TM_DNS_NOERROR);
    assert_non_null(aaaa);
    assert_int_equal(tm_answer_add_aaaa(aaaa, 300, v6), TM_OK);
    fx_put(fx, aaaa);
    fx_host_outcome(fx, "gone.acme.example", TM_DNS_NXDOMAIN);

    tm_check_ctx_init(&fx->ctx, fx->domain, fx->display, fx->rrset, fx->rules, &fx->opts);
    tm_probe_targets_t t;
    tm_auth_targets(&fx->ctx, &t);
    assert_int_equal(t.count, 4);
    assert_false(t.truncated);
    char addr[64];
    assert_string_equal(t.items[0].host, NS1);
    tm_ip_format(&t.items[0].addr, addr, sizeof(addr));
    assert_string_equal(addr, "127.0.0.2");
    tm_ip_format(&t.items[1].addr, addr, sizeof(addr));
    assert_string_equal(addr, "127.0.0.3");
    assert_string_equal(t.items[2].host, "ns6.acme.example");
    assert_int_equal(t.items[2].addr.family, 6);
    assert_string_equal(t.items[3].host, "gone.acme.example");
    assert_false(t.items[3].has_addr);
    assert_int_equal(t.items[3].addr_outcome, TM_DNS_NXDOMAIN);
}

static void test_targets_bounded(void **state)
{
    fx_t *fx = *state;
    tm_answer_t *ns = tm_answer_create(FX_DOMAIN, TM_RR_NS, TM_DNS_NOERROR);
    assert_non_null(ns);
    char host[64];
    for (int i = 0; i < 20; i++) {
        snprintf(host, sizeof(host), "ns%d.acme.example", i);
        assert_int_equal(tm_answer_add_name(ns, 86400, host), TM_OK);
        uint8_t one[1][4] = {{192, 0, 2, (uint8_t)i}};
        put_a(fx, host, (const uint8_t(*)[4])one, 1);
    }
    fx_put(fx, ns);
    tm_check_ctx_init(&fx->ctx, fx->domain, fx->display, fx->rrset, fx->rules, &fx->opts);
    tm_probe_targets_t t;
    tm_auth_targets(&fx->ctx, &t);
    assert_int_equal(t.count, TM_PROBE_MAX_TARGETS);
    assert_true(t.truncated);
}

static bool listed(const tm_questions_t *q, const char *name, uint16_t type)
{
    for (size_t i = 0; i < q->count; i++)
        if (strcmp(q->items[i].name, name) == 0 && q->items[i].type == type)
            return true;
    return false;
}

static void test_needs(void **state)
{
    fx_t *fx = *state;
    fx->opts.only = "dns.consistency";
    tm_questions_t q;
    tm_questions_init(&q);
    tm_check_ctx_init(&fx->ctx, fx->domain, fx->display, fx->rrset, fx->rules, &fx->opts);
    assert_int_equal(tm_checks_needs(&fx->ctx, &q), TM_OK);
    assert_true(listed(&q, FX_DOMAIN, TM_RR_NS));
    assert_true(listed(&q, FX_DOMAIN, TM_RR_SOA));
    tm_questions_clear(&q);
    /* next round: the NS hosts' addresses */
    recursive_current(fx);
    tm_check_ctx_init(&fx->ctx, fx->domain, fx->display, fx->rrset, fx->rules, &fx->opts);
    assert_int_equal(tm_checks_needs(&fx->ctx, &q), TM_OK);
    assert_true(listed(&q, NS1, TM_RR_A));
    assert_true(listed(&q, NS2, TM_RR_AAAA));
    assert_false(listed(&q, FX_DOMAIN, TM_RR_NS)); /* answered already */
    tm_questions_clear(&q);
    /* without --authoritative nothing of it is asked */
    fx->opts.authoritative = false;
    tm_check_ctx_init(&fx->ctx, fx->domain, fx->display, fx->rrset, fx->rules, &fx->opts);
    assert_int_equal(tm_checks_needs(&fx->ctx, &q), TM_OK);
    assert_false(listed(&q, NS1, TM_RR_A));
    tm_questions_clear(&q);
}

static void test_wants(void **state)
{
    (void)state;
    tm_check_options_t o;
    memset(&o, 0, sizeof(o));
    assert_false(tm_checks_want_auth_probe(&o));
    o.authoritative = true;
    assert_true(tm_checks_want_auth_probe(&o));
    o.skip = "dns.";
    assert_false(tm_checks_want_auth_probe(&o));
    o.skip = NULL;
    o.offline = true;
    assert_false(tm_checks_want_auth_probe(&o));
    assert_false(tm_checks_want_auth_probe(NULL));
}

/* In the catalogue right after token.match, and run only with the option. */
static void test_registry(void **state)
{
    fx_t *fx = *state;
    size_t n;
    const tm_check_def_t *cat = tm_check_catalogue(&n);
    size_t at = n;
    for (size_t i = 0; i < n; i++)
        if (strcmp(cat[i].id, "dns.consistency") == 0)
            at = i;
    assert_true(at > 0 && at < n);
    assert_string_equal(cat[at - 1].id, "token.match");
    assert_int_equal(cat[at].section, TM_SECTION_DOMAIN);

    recursive_current(fx);
    add_current(NS1, "192.0.2.1");
    fx->opts.only = "token.match,dns.consistency";
    tm_findings_t f;
    tm_findings_init(&f);
    tm_check_ctx_init(&fx->ctx, fx->domain, fx->display, fx->rrset, fx->rules, &fx->opts);
    fx->ctx.auth = g_view;
    assert_int_equal(tm_checks_run(&fx->ctx, &f), TM_OK);
    assert_int_equal(f.count, 2);
    assert_string_equal(f.items[1].id, "dns.consistency");
    assert_int_equal(f.items[1].status, TM_CHECK_PASS);
    tm_findings_clear(&f);

    fx->opts.authoritative = false;
    tm_check_ctx_init(&fx->ctx, fx->domain, fx->display, fx->rrset, fx->rules, &fx->opts);
    assert_int_equal(tm_checks_run(&fx->ctx, &f), TM_OK);
    assert_int_equal(f.count, 1);
    assert_string_equal(f.items[0].id, "token.match");
    tm_findings_clear(&f);
}

/* Every allocation failure gives TM_ENOMEM and leaks nothing. */
static void test_out_of_memory(void **state)
{
    fx_t *fx = *state;
    recursive_current(fx);
    add_current(NS1, "192.0.2.1");
    add_server(NS2, "192.0.2.2", soa_answer(SERIAL + 1), txt_answer("tmes=" FX_TOKEN, "v=spf1 -all"),
               mx_answer(300, 10, FX_TMEMS));
    add_server("ns3.acme.example", "192.0.2.3", outcome_answer(TM_RR_SOA, TM_DNS_TIMEOUT, "x"),
               outcome_answer(TM_RR_TXT, TM_DNS_TIMEOUT, NULL),
               outcome_answer(TM_RR_MX, TM_DNS_TIMEOUT, NULL));
    tm_check_ctx_init(&fx->ctx, fx->domain, fx->display, fx->rrset, fx->rules, &fx->opts);
    fx->ctx.auth = g_view;
    unsigned n;
    for (n = 1; n < 10000; n++) {
        fx_finding_free(&fx->f);
        tm_alloc_fail_after(n);
        tm_status_t st = tm_check_dns_consistency(&fx->ctx, &fx->f);
        tm_alloc_fail_after(0);
        if (st == TM_OK)
            break;
        assert_int_equal(st, TM_ENOMEM);
    }
    assert_true(n > 5 && n < 10000);
    assert_int_equal(fx->f.status, TM_CHECK_ERROR);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_all_agree_pass),
        T(test_order_is_no_difference),
        T(test_stale_secondary_warns),
        T(test_token_and_spf_differences),
        T(test_missing_token_shows_none),
        T(test_serial_arithmetic),
        T(test_hostile_txt_is_quoted),
        T(test_timeout_is_error),
        T(test_refused_and_differences_together),
        T(test_no_address_is_error),
        T(test_lame_server_is_error),
        T(test_reference_falls_back_to_first_server),
        T(test_needs_the_option),
        T(test_offline_skips),
        T(test_ns_failure_is_error),
        T(test_no_ns_skips),
        T(test_not_probed_skips),
        T(test_truncated_is_said),
        T(test_targets),
        T(test_targets_bounded),
        T(test_needs),
        T(test_wants),
        T(test_registry),
        T(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
