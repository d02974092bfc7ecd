/* watch_fixture.h - answers built by hand for the watch tests: the SOA,
 * MX and TXT a server might serve.  Include after <cmocka.h>. */
#ifndef TMEMS_TESTS_WATCH_FIXTURE_H
#define TMEMS_TESTS_WATCH_FIXTURE_H

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "tmems/tm_watch.h"

#define WX_DOMAIN "acme.example"
#define WX_OLD_MX "mail.acme.example"
#define WX_NEW_MX "acme.in.tmems-jp.trendmicro.com"
#define WX_TOKEN "tmes=88vf4Tw3IPext5MmvoQSYF5mxwOczSpc"
#define WX_SPF "v=spf1 include:spf.tmems-jp.trendmicro.com ~all"

static inline void wx_locale(void)
{
    setenv("LANGUAGE", "C", 1);
    setenv("LANG", "C", 1);
    setenv("LC_ALL", "C", 1);
    setlocale(LC_ALL, "C");
}

static inline tm_answer_t *wx_soa(uint32_t serial, const char *mname)
{
    tm_answer_t *a = tm_answer_create(WX_DOMAIN, TM_RR_SOA, TM_DNS_NOERROR);
    assert_non_null(a);
    assert_int_equal(tm_answer_add_soa(a, 3600, mname, "hostmaster." WX_DOMAIN, serial, 3600,
                                       600, 604800, 60),
                     TM_OK);
    return a;
}

/* An MX answer: n (preference, host) pairs, all with ttl. */
static inline tm_answer_t *wx_mx(uint32_t ttl, size_t n, const uint16_t *prefs,
                                 const char *const *hosts)
{
    tm_answer_t *a = tm_answer_create(WX_DOMAIN, TM_RR_MX, n ? TM_DNS_NOERROR : TM_DNS_NODATA);
    assert_non_null(a);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(tm_answer_add_mx(a, ttl, prefs[i], hosts[i]), TM_OK);
    return a;
}

static inline tm_answer_t *wx_mx1(uint32_t ttl, const char *host)
{
    uint16_t pref = 10;
    return wx_mx(ttl, 1, &pref, &host);
}

static inline tm_answer_t *wx_txt(size_t n, const char *const *texts)
{
    tm_answer_t *a = tm_answer_create(WX_DOMAIN, TM_RR_TXT, n ? TM_DNS_NOERROR : TM_DNS_NODATA);
    assert_non_null(a);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(tm_answer_add_txt1(a, 300, texts[i]), TM_OK);
    return a;
}

static inline tm_answer_t *wx_txt2(const char *a, const char *b)
{
    const char *t[2] = {a, b};
    return wx_txt(b ? 2 : a ? 1 : 0, t);
}

static inline tm_answer_t *wx_failed(uint16_t type, tm_dns_outcome_t outcome)
{
    tm_answer_t *a = tm_answer_create(WX_DOMAIN, type, outcome);
    assert_non_null(a);
    return a;
}

#endif
