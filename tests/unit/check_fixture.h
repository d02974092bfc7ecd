/* check_fixture.h - what the check tests share: an English locale, the
 * bundled Japan rules, an rrset built by hand answer by answer, options, and
 * a runner that builds the context the way the run layer does and calls one
 * pure check.  Include after <cmocka.h>. */
#ifndef TMEMS_TESTS_CHECK_FIXTURE_H
#define TMEMS_TESTS_CHECK_FIXTURE_H

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/checks.h"
#include "tmems/tm_check.h"
#include "tmems/tm_dns.h"
#include "tmems/tm_rules.h"

#define FX_DOMAIN "acme.example"
#define FX_TMEMS "acme.in.tmems-jp.trendmicro.com"
#define FX_RELAY "acme.relay.tmems-jp.trendmicro.com"
/* 32 letters and digits, as the onboarding guide describes the token. */
#define FX_TOKEN "88vf4Tw3IPext5MmvoQSYF5mxwOczSpc"
#define FX_TOKEN_HEX "0123456789abcdef0123456789abcdef"

typedef struct {
    tm_rules_t *rules;
    tm_rrset_t *rrset;
    tm_check_options_t opts;
    tm_check_ctx_t ctx;
    tm_finding_t f;
    const char *domain;
    const char *display;
} fx_t;

typedef struct {
    uint16_t pref;
    const char *host;
} fx_mx_t;

/* Messages are the English msgids whatever the environment says. */
static inline void fx_locale(void)
{
    setenv("LANGUAGE", "C", 1);
    setenv("LANG", "C", 1);
    setenv("LC_ALL", "C", 1);
    setlocale(LC_ALL, "C");
}

static inline void fx_finding_free(tm_finding_t *f)
{
    tm_free(f->summary);
    tm_free(f->detail);
    tm_free(f->fix);
    tm_free(f->fix_records);
    memset(f, 0, sizeof(*f));
}

static inline int fx_setup(void **state)
{
    fx_locale();
    tm_alloc_fail_after(0);
    fx_t *fx = calloc(1, sizeof(*fx));
    if (!fx)
        return -1;
    if (tm_rules_bundled("jp", &fx->rules) != TM_OK || !(fx->rrset = tm_rrset_create())) {
        tm_rules_destroy(fx->rules);
        free(fx);
        return -1;
    }
    fx->opts.phase = TM_PHASE_AUTO;
    fx->opts.outbound = true;
    fx->domain = FX_DOMAIN;
    *state = fx;
    return 0;
}

static inline int fx_teardown(void **state)
{
    fx_t *fx = *state;
    tm_alloc_fail_after(0);
    fx_finding_free(&fx->f);
    tm_rrset_destroy(fx->rrset);
    tm_rules_destroy(fx->rules);
    free(fx);
    return 0;
}

static inline void fx_put(fx_t *fx, tm_answer_t *ans)
{
    assert_non_null(ans);
    assert_int_equal(tm_rrset_put_own(fx->rrset, ans), TM_OK);
}

/* An answer with no records: NODATA, NXDOMAIN, SERVFAIL, TIMEOUT, UNKNOWN. */
static inline void fx_outcome(fx_t *fx, const char *name, uint16_t type, tm_dns_outcome_t oc)
{
    tm_answer_t *ans = tm_answer_create(name, type, oc);
    if (ans && oc == TM_DNS_UNKNOWN)
        ans->source = TM_SRC_NONE;
    fx_put(fx, ans);
}

/* Apex TXT: one record per text, each a single character-string. */
static inline void fx_txt_list(fx_t *fx, uint32_t ttl, const char *const *texts, size_t n)
{
    tm_answer_t *ans = tm_answer_create(fx->domain, TM_RR_TXT, TM_DNS_NOERROR);
    assert_non_null(ans);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(tm_answer_add_txt1(ans, ttl, texts[i]), TM_OK);
    fx_put(fx, ans);
}
#define FX_TXT(fx, ttl, ...)                                                                   \
    fx_txt_list((fx), (ttl), (const char *const[]){__VA_ARGS__},                               \
                sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

/* Apex MX records, all with one TTL. */
static inline void fx_mx_list(fx_t *fx, uint32_t ttl, const fx_mx_t *mx, size_t n)
{
    tm_answer_t *ans = tm_answer_create(fx->domain, TM_RR_MX, TM_DNS_NOERROR);
    assert_non_null(ans);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(tm_answer_add_mx(ans, ttl, mx[i].pref, mx[i].host), TM_OK);
    fx_put(fx, ans);
}
#define FX_MX(fx, ttl, ...)                                                                    \
    fx_mx_list((fx), (ttl), (const fx_mx_t[]){__VA_ARGS__},                                    \
               sizeof((const fx_mx_t[]){__VA_ARGS__}) / sizeof(fx_mx_t))

/* A host with an address: A 192.0.2.25 and AAAA NODATA. */
static inline void fx_host_ok(fx_t *fx, const char *host)
{
    static const uint8_t addr[4] = {192, 0, 2, 25};
    tm_answer_t *a = tm_answer_create(host, TM_RR_A, TM_DNS_NOERROR);
    assert_non_null(a);
    assert_int_equal(tm_answer_add_a(a, 300, addr), TM_OK);
    fx_put(fx, a);
    fx_outcome(fx, host, TM_RR_AAAA, TM_DNS_NODATA);
}

/* A host reached through a CNAME: both answers name their canonical owner. */
static inline void fx_host_alias(fx_t *fx, const char *host, const char *canonical)
{
    static const uint8_t addr[4] = {192, 0, 2, 26};
    tm_answer_t *a = tm_answer_create(host, TM_RR_A, TM_DNS_NOERROR);
    assert_non_null(a);
    assert_int_equal(tm_answer_add_a(a, 300, addr), TM_OK);
    assert_int_equal(tm_answer_set_canonical(a, canonical), TM_OK);
    fx_put(fx, a);
    tm_answer_t *aaaa = tm_answer_create(host, TM_RR_AAAA, TM_DNS_NODATA);
    assert_non_null(aaaa);
    assert_int_equal(tm_answer_set_canonical(aaaa, canonical), TM_OK);
    fx_put(fx, aaaa);
}

/* Both address types with the same outcome and no records. */
static inline void fx_host_outcome(fx_t *fx, const char *host, tm_dns_outcome_t oc)
{
    fx_outcome(fx, host, TM_RR_A, oc);
    fx_outcome(fx, host, TM_RR_AAAA, oc);
}

/* Builds the context as tm_run_domain does and runs one check; the finding
 * of the previous call is freed first. */
static inline tm_finding_t *fx_run(fx_t *fx, tm_check_fn fn)
{
    fx_finding_free(&fx->f);
    tm_check_ctx_init(&fx->ctx, fx->domain, fx->display, fx->rrset, fx->rules, &fx->opts);
    assert_int_equal(fn(&fx->ctx, &fx->f), TM_OK);
    assert_non_null(fx->f.summary);
    return &fx->f;
}

/* Runs one check with the nth allocation failing, for n = 1, 2, ... until
 * it succeeds: every failure must be TM_ENOMEM (and leave nothing the
 * finding's owner cannot free, which ASan and valgrind verify).  Returns how
 * many allocations the successful run made. */
static inline unsigned fx_oom(fx_t *fx, tm_check_fn fn)
{
    tm_check_ctx_init(&fx->ctx, fx->domain, fx->display, fx->rrset, fx->rules, &fx->opts);
    for (unsigned n = 1; n < 10000; n++) {
        fx_finding_free(&fx->f);
        tm_alloc_fail_after(n);
        tm_status_t st = fn(&fx->ctx, &fx->f);
        tm_alloc_fail_after(0);
        if (st == TM_OK) {
            assert_non_null(fx->f.summary);
            return n - 1;
        }
        assert_int_equal(st, TM_ENOMEM);
    }
    fail_msg("the check never succeeded");
    return 0;
}

/* cmocka's string checks, for substrings and counts. */
#define assert_contains(haystack, needle)                                                       \
    do {                                                                                       \
        const char *h_ = (haystack);                                                           \
        if (!h_ || !strstr(h_, (needle)))                                                      \
            fail_msg("expected \"%s\" in \"%s\"", (needle), h_ ? h_ : "(null)");               \
    } while (0)
#define assert_not_contains(haystack, needle)                                                   \
    do {                                                                                       \
        const char *h_ = (haystack);                                                           \
        if (h_ && strstr(h_, (needle)))                                                        \
            fail_msg("did not expect \"%s\" in \"%s\"", (needle), h_);                          \
    } while (0)

static inline size_t fx_count(const char *haystack, const char *needle)
{
    size_t n = 0;
    if (!haystack)
        return 0;
    for (const char *p = strstr(haystack, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Line i (0-based) of a multi-line text into buf; false when there is none. */
static inline bool fx_line(const char *text, size_t i, char *buf, size_t len)
{
    if (!text)
        return false;
    const char *p = text;
    for (; i > 0; i--) {
        p = strchr(p, '\n');
        if (!p)
            return false;
        p++;
    }
    size_t n = strcspn(p, "\n");
    snprintf(buf, len, "%.*s", (int)n, p);
    return true;
}

static inline size_t fx_lines(const char *text)
{
    return text ? fx_count(text, "\n") + 1 : 0;
}

#endif
