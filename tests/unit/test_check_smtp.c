/* test_check_smtp.c - inbound.smtp (docs/checks.md, only with --smtp)
 * over hand-built views: every receiving server greets with 220 and offers
 * STARTTLS that completes (pass); unreachable, silent, without STARTTLS or
 * with a failed handshake (warn, with the reason and the port-25 note); the
 * greeting quoted, never raw.  Also which servers are greeted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "check_fixture.h"
#include "tmems/tm_probe_view.h"

#define MAIL1 "mail1.acme.example"
#define MAIL2 "mail2.acme.example"
/* 2030-01-01 00:00 UTC and a probe a year before it. */
#define NOT_AFTER 1893456000
#define PROBED 1861920000

static tm_smtp_view_t *g_view;

static int setup(void **state)
{
    if (fx_setup(state) != 0)
        return -1;
    fx_t *fx = *state;
    fx->opts.smtp = true;
    g_view = tm_smtp_view_create();
    if (!g_view)
        return -1;
    g_view->port = 25;
    g_view->timeout_ms = 2000;
    return 0;
}

static int teardown(void **state)
{
    tm_smtp_view_destroy(g_view);
    g_view = NULL;
    return fx_teardown(state);
}

static char *dup_or_null(const char *s) { return s ? tm_strdup(s) : NULL; }

static tm_smtp_server_t *add(const char *host, const char *addr)
{
    assert_true(g_view->count < TM_PROBE_MAX_TARGETS);
    tm_smtp_server_t *s = &g_view->servers[g_view->count++];
    snprintf(s->target.host, sizeof(s->target.host), "%s", host);
    if (addr) {
        assert_true(tm_ip_parse(addr, &s->target.addr));
        s->target.has_addr = true;
    } else {
        s->target.addr_outcome = TM_DNS_NXDOMAIN;
        s->outcome = TM_SMTP_NO_ADDRESS;
    }
    s->probed_at = PROBED;
    return s;
}

static void greet(tm_smtp_server_t *s, const char *text, size_t len)
{
    s->greeting_code = 220;
    s->greeting = tm_malloc(len + 1);
    assert_non_null(s->greeting);
    memcpy(s->greeting, text, len);
    s->greeting[len] = '\0';
    s->greeting_len = len;
}

/* A server that did everything right. */
static tm_smtp_server_t *add_good(const char *host, const char *addr, bool verified)
{
    tm_smtp_server_t *s = add(host, addr);
    greet(s, "mail1.acme.example ESMTP Postfix", strlen("mail1.acme.example ESMTP Postfix"));
    s->ehlo_code = 250;
    s->extensions = dup_or_null("PIPELINING SIZE STARTTLS 8BITMIME");
    s->starttls_offered = true;
    s->tls_ok = true;
    s->tls_version = dup_or_null("TLSv1.3");
    s->tls_cipher = dup_or_null("TLS_AES_256_GCM_SHA384");
    s->cert_present = true;
    s->cert_cn = dup_or_null(host);
    s->cert_not_after = NOT_AFTER;
    s->cert_verified = verified;
    if (!verified)
        s->verify_error = dup_or_null("self-signed certificate");
    s->stage = TM_SMTP_STAGE_DONE;
    return s;
}

static tm_finding_t *run(fx_t *fx)
{
    fx_finding_free(&fx->f);
    tm_check_ctx_init(&fx->ctx, fx->domain, fx->display, fx->rrset, fx->rules, &fx->opts);
    fx->ctx.smtp = g_view;
    assert_int_equal(tm_check_inbound_smtp(&fx->ctx, &fx->f), TM_OK);
    assert_non_null(fx->f.summary);
    return &fx->f;
}

/* ---- pass ------------------------------------------------------------------ */

static void test_starttls_ok_passes(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, MAIL1}, {20, MAIL2});
    add_good(MAIL1, "192.0.2.25", false);
    add_good(MAIL2, "192.0.2.26", true);
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_PASS);
    assert_contains(f->summary, "All 2 receiving servers greet with 220 and offer STARTTLS");
    assert_contains(f->detail, MAIL1 " (192.0.2.25): 220 \"mail1.acme.example ESMTP Postfix\"; "
                               "STARTTLS ok (TLSv1.3, TLS_AES_256_GCM_SHA384); certificate CN "
                               "\"" MAIL1 "\", valid until 2030-01-01 00:00 UTC, not verified "
                               "against the system's trust store (self-signed certificate)");
    assert_contains(f->detail, MAIL2 " (192.0.2.26): ");
    assert_contains(f->detail, "verified against the system's trust store");
    assert_not_contains(f->detail, "expired");
    assert_null(f->fix);
}

static void test_expired_certificate_is_said(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, MAIL1});
    tm_smtp_server_t *s = add_good(MAIL1, "192.0.2.25", true);
    s->cert_not_after = PROBED - 86400;
    tm_finding_t *f = run(fx);
    /* the brief's rule: STARTTLS that completes passes; the expiry is told */
    assert_int_equal(f->status, TM_CHECK_PASS);
    assert_contains(f->detail, "(expired)");
}

/* ---- warn -------------------------------------------------------------------- */

static void test_refused_warns_with_port_note(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, MAIL1}, {20, MAIL2});
    add_good(MAIL1, "192.0.2.25", true);
    tm_smtp_server_t *s = add(MAIL2, "192.0.2.26");
    s->outcome = TM_SMTP_REFUSED;
    s->stage = TM_SMTP_STAGE_CONNECT;
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->summary, "1 of 2 receiving servers could not be reached on TCP 25");
    assert_contains(f->detail, MAIL2 " (192.0.2.26): connection refused on TCP 25");
    assert_contains(f->detail, "Port 25 is often blocked outbound");
    assert_contains(f->detail, "受信サーバに接続できません");
    assert_contains(f->fix, "inbound.firewall");
}

static void test_silent_server_warns(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, MAIL1});
    tm_smtp_server_t *s = add(MAIL1, "192.0.2.25");
    s->outcome = TM_SMTP_TIMEOUT;
    s->stage = TM_SMTP_STAGE_GREETING;
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->detail, "connected, but no greeting within 2000 ms");
    assert_contains(f->detail, "Port 25 is often blocked");
}

static void test_connect_timeout_and_no_address(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, MAIL1}, {20, MAIL2});
    tm_smtp_server_t *s = add(MAIL1, "192.0.2.25");
    s->outcome = TM_SMTP_TIMEOUT;
    s->stage = TM_SMTP_STAGE_CONNECT;
    add(MAIL2, NULL);
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->summary, "2 of 2");
    assert_contains(f->detail, "no answer to the connection on TCP 25 within 2000 ms");
    assert_contains(f->detail, MAIL2 ": the host has no address (NXDOMAIN)");
}

static void test_no_starttls_warns(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, MAIL1});
    tm_smtp_server_t *s = add(MAIL1, "192.0.2.25");
    greet(s, "hello", 5);
    s->ehlo_code = 250;
    s->extensions = dup_or_null("PIPELINING SIZE 8BITMIME");
    s->outcome = TM_SMTP_NO_STARTTLS;
    s->stage = TM_SMTP_STAGE_STARTTLS;
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->summary, "1 of 1 receiving server does not offer working STARTTLS");
    assert_contains(f->detail, "220 \"hello\"; STARTTLS is not offered (EHLO lists: PIPELINING "
                               "SIZE 8BITMIME)");
    assert_contains(f->detail, "RFC 3207");
    assert_not_contains(f->detail, "Port 25 is often blocked");
    assert_contains(f->fix, "Enable STARTTLS");
}

static void test_tls_failure_warns(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, MAIL1});
    tm_smtp_server_t *s = add(MAIL1, "192.0.2.25");
    greet(s, "hello", 5);
    s->starttls_offered = true;
    s->outcome = TM_SMTP_TLS_FAILED;
    s->stage = TM_SMTP_STAGE_TLS;
    s->error = dup_or_null("TLS handshake: wrong version number");
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->detail, "the TLS handshake failed: TLS handshake: wrong version number");
}

static void test_starttls_refused_warns(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, MAIL1});
    tm_smtp_server_t *s = add(MAIL1, "192.0.2.25");
    greet(s, "hello", 5);
    s->starttls_offered = true;
    s->outcome = TM_SMTP_REJECTED;
    s->stage = TM_SMTP_STAGE_STARTTLS;
    s->reply_code = 454;
    s->reply = dup_or_null("TLS not available due to temporary reason");
    s->reply_len = strlen(s->reply);
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->summary, "STARTTLS");
    assert_contains(f->detail, "STARTTLS answered with 454: \"TLS not available");
}

static void test_rejected_greeting(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, MAIL1});
    tm_smtp_server_t *s = add(MAIL1, "192.0.2.25");
    s->greeting_code = 554;
    s->outcome = TM_SMTP_REJECTED;
    s->stage = TM_SMTP_STAGE_GREETING;
    s->reply_code = 554;
    s->reply = dup_or_null("no service for you\nsecond line");
    s->reply_len = strlen(s->reply);
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_WARN);
    assert_contains(f->summary, "did not complete the SMTP greeting");
    /* the first line only, marked as cut */
    assert_contains(f->detail, "greets with 554 instead of 220: \"no service for you\"...");
    assert_not_contains(f->detail, "second line");
}

/* ESC and NUL bytes of a hostile greeting reach the finding escaped. */
static void test_hostile_greeting_is_quoted(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, MAIL1});
    tm_smtp_server_t *s = add_good(MAIL1, "192.0.2.25", true);
    static const char evil[] = "\x1b]0;owned\x07\x1b[2J hi\0there";
    tm_free(s->greeting);
    s->greeting = NULL;
    greet(s, evil, sizeof(evil) - 1);
    tm_free(s->cert_cn);
    s->cert_cn = dup_or_null("cn\x1b[31m");
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_PASS);
    assert_null(strchr(f->detail, '\x1b'));
    assert_null(strchr(f->detail, '\x07'));
    assert_contains(f->detail, "\"\\x1b]0;owned\\x07\\x1b[2J hi\\x00there\"");
    assert_contains(f->detail, "CN \"cn\\x1b[31m\"");
}

static void test_long_greeting_is_cut(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, MAIL1});
    tm_smtp_server_t *s = add_good(MAIL1, "192.0.2.25", true);
    char big[1000];
    memset(big, 'g', sizeof(big));
    tm_free(s->greeting);
    s->greeting = NULL;
    greet(s, big, sizeof(big));
    tm_finding_t *f = run(fx);
    assert_true(strlen(f->detail) < 800);
    assert_contains(f->detail, "\"...");
}

/* ---- skip -------------------------------------------------------------------- */

static void test_needs_the_option(void **state)
{
    fx_t *fx = *state;
    fx->opts.smtp = false;
    FX_MX(fx, 300, {10, MAIL1});
    assert_int_equal(run(fx)->status, TM_CHECK_SKIP);
}

static void test_offline_skips(void **state)
{
    fx_t *fx = *state;
    fx->opts.offline = true;
    FX_MX(fx, 300, {10, MAIL1});
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_SKIP);
    assert_contains(f->summary, "Offline");
}

static void test_post_cutover_skips(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS});
    tm_finding_t *f = run(fx);
    assert_int_equal(fx->ctx.phase, TM_PHASE_POST);
    assert_int_equal(f->status, TM_CHECK_SKIP);
    assert_contains(f->summary, "configured in the console");
}

static void test_no_mx_skips(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_NODATA);
    tm_finding_t *f = run(fx);
    assert_int_equal(f->status, TM_CHECK_SKIP);
    fx_finding_free(&fx->f);
}

static void test_mx_failure_is_error(void **state)
{
    fx_t *fx = *state;
    fx_outcome(fx, FX_DOMAIN, TM_RR_MX, TM_DNS_SERVFAIL);
    assert_int_equal(run(fx)->status, TM_CHECK_ERROR);
}

/* ---- targets and needs ------------------------------------------------------- */

static void test_targets_before_cutover(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {30, "b.acme.example"}, {10, FX_TMEMS}, {20, MAIL2}, {20, MAIL1},
          {40, "[192.0.2.9]"}, {50, "gone.acme.example"}, {60, MAIL1});
    fx->opts.phase = TM_PHASE_PRE;
    fx_host_ok(fx, MAIL1);
    static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 7};
    fx_outcome(fx, MAIL2, TM_RR_A, TM_DNS_NODATA);
    tm_answer_t *aaaa = tm_answer_create(MAIL2, TM_RR_AAAA, TM_DNS_NOERROR);
    assert_non_null(aaaa);
    assert_int_equal(tm_answer_add_aaaa(aaaa, 300, v6), TM_OK);
    fx_put(fx, aaaa);
    fx_host_ok(fx, "b.acme.example");
    fx_host_outcome(fx, "gone.acme.example", TM_DNS_NXDOMAIN);
    tm_check_ctx_init(&fx->ctx, fx->domain, fx->display, fx->rrset, fx->rules, &fx->opts);
    tm_probe_targets_t t;
    tm_smtp_targets(&fx->ctx, &t);
    /* by preference then name; TMEmS, the address literal and a repeat left out */
    assert_int_equal(t.count, 4);
    assert_string_equal(t.items[0].host, MAIL1);
    assert_int_equal(t.items[0].addr.family, 4);
    assert_string_equal(t.items[1].host, MAIL2);
    assert_int_equal(t.items[1].addr.family, 6);
    assert_string_equal(t.items[2].host, "b.acme.example");
    assert_string_equal(t.items[3].host, "gone.acme.example");
    assert_false(t.items[3].has_addr);
    assert_int_equal(t.items[3].addr_outcome, TM_DNS_NXDOMAIN);
    assert_false(t.truncated);
}

static void test_targets_after_cutover_bypass(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS}, {20, MAIL1});
    fx_host_ok(fx, MAIL1);
    tm_check_ctx_init(&fx->ctx, fx->domain, fx->display, fx->rrset, fx->rules, &fx->opts);
    assert_int_equal(fx->ctx.phase, TM_PHASE_POST);
    tm_probe_targets_t t;
    tm_smtp_targets(&fx->ctx, &t);
    assert_int_equal(t.count, 1);
    assert_string_equal(t.items[0].host, MAIL1);
}

static void test_targets_bounded(void **state)
{
    fx_t *fx = *state;
    tm_answer_t *mx = tm_answer_create(FX_DOMAIN, TM_RR_MX, TM_DNS_NOERROR);
    assert_non_null(mx);
    char host[64];
    for (int i = 0; i < 20; i++) {
        snprintf(host, sizeof(host), "m%02d.acme.example", i);
        assert_int_equal(tm_answer_add_mx(mx, 300, (uint16_t)(100 - i), host), TM_OK);
    }
    fx_put(fx, mx);
    tm_check_ctx_init(&fx->ctx, fx->domain, fx->display, fx->rrset, fx->rules, &fx->opts);
    tm_probe_targets_t t;
    tm_smtp_targets(&fx->ctx, &t);
    assert_int_equal(t.count, TM_PROBE_MAX_TARGETS);
    assert_true(t.truncated);
    assert_string_equal(t.items[0].host, "m19.acme.example"); /* preference 81 */
}

static bool listed(const tm_questions_t *q, const char *name, uint16_t type)
{
    for (size_t i = 0; i < q->count; i++)
        if (strcmp(q->items[i].name, name) == 0 && q->items[i].type == type)
            return true;
    return false;
}

static void test_needs_addresses(void **state)
{
    fx_t *fx = *state;
    fx->opts.only = "inbound.smtp";
    FX_MX(fx, 300, {10, FX_TMEMS}, {20, MAIL1});
    tm_questions_t q;
    tm_questions_init(&q);
    tm_check_ctx_init(&fx->ctx, fx->domain, fx->display, fx->rrset, fx->rules, &fx->opts);
    assert_int_equal(tm_checks_needs(&fx->ctx, &q), TM_OK);
    assert_true(listed(&q, MAIL1, TM_RR_A));
    assert_true(listed(&q, MAIL1, TM_RR_AAAA));
    assert_false(listed(&q, FX_TMEMS, TM_RR_AAAA));
    tm_questions_clear(&q);
}

static void test_wants_and_registry(void **state)
{
    fx_t *fx = *state;
    tm_check_options_t o;
    memset(&o, 0, sizeof(o));
    assert_false(tm_checks_want_smtp_probe(&o));
    o.smtp = true;
    assert_true(tm_checks_want_smtp_probe(&o));
    o.only = "mx.";
    assert_false(tm_checks_want_smtp_probe(&o));

    size_t n;
    const tm_check_def_t *cat = tm_check_catalogue(&n);
    size_t at = n;
    for (size_t i = 0; i < n; i++)
        if (strcmp(cat[i].id, "inbound.smtp") == 0)
            at = i;
    assert_true(at > 0 && at < n);
    assert_string_equal(cat[at - 1].id, "inbound.firewall");
    assert_int_equal(cat[at].section, TM_SECTION_INBOUND);

    FX_MX(fx, 300, {10, MAIL1});
    add_good(MAIL1, "192.0.2.25", true);
    fx->opts.only = "inbound.";
    tm_findings_t f;
    tm_findings_init(&f);
    tm_check_ctx_init(&fx->ctx, fx->domain, fx->display, fx->rrset, fx->rules, &fx->opts);
    fx->ctx.smtp = g_view;
    assert_int_equal(tm_checks_run(&fx->ctx, &f), TM_OK);
    assert_string_equal(f.items[f.count - 1].id, "inbound.smtp");
    assert_int_equal(f.items[f.count - 1].status, TM_CHECK_PASS);
    size_t with = f.count;
    tm_findings_clear(&f);
    fx->opts.smtp = false;
    tm_check_ctx_init(&fx->ctx, fx->domain, fx->display, fx->rrset, fx->rules, &fx->opts);
    assert_int_equal(tm_checks_run(&fx->ctx, &f), TM_OK);
    assert_int_equal(f.count, with - 1);
    for (size_t i = 0; i < f.count; i++)
        assert_string_not_equal(f.items[i].id, "inbound.smtp");
    tm_findings_clear(&f);
}

static void test_out_of_memory(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, MAIL1}, {20, MAIL2});
    add_good(MAIL1, "192.0.2.25", false);
    tm_smtp_server_t *s = add(MAIL2, "192.0.2.26");
    s->outcome = TM_SMTP_REFUSED;
    tm_check_ctx_init(&fx->ctx, fx->domain, fx->display, fx->rrset, fx->rules, &fx->opts);
    fx->ctx.smtp = g_view;
    unsigned n;
    for (n = 1; n < 10000; n++) {
        fx_finding_free(&fx->f);
        tm_alloc_fail_after(n);
        tm_status_t st = tm_check_inbound_smtp(&fx->ctx, &fx->f);
        tm_alloc_fail_after(0);
        if (st == TM_OK)
            break;
        assert_int_equal(st, TM_ENOMEM);
    }
    assert_true(n > 3 && n < 10000);
    assert_int_equal(fx->f.status, TM_CHECK_WARN);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_starttls_ok_passes),
        T(test_expired_certificate_is_said),
        T(test_refused_warns_with_port_note),
        T(test_silent_server_warns),
        T(test_connect_timeout_and_no_address),
        T(test_no_starttls_warns),
        T(test_tls_failure_warns),
        T(test_starttls_refused_warns),
        T(test_rejected_greeting),
        T(test_hostile_greeting_is_quoted),
        T(test_long_greeting_is_cut),
        T(test_needs_the_option),
        T(test_offline_skips),
        T(test_post_cutover_skips),
        T(test_no_mx_skips),
        T(test_mx_failure_is_error),
        T(test_targets_before_cutover),
        T(test_targets_after_cutover_bypass),
        T(test_targets_bounded),
        T(test_needs_addresses),
        T(test_wants_and_registry),
        T(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
