/* report_fixture.h - hand-built results for the report tests: a small,
 * fully known result (apex TXT and MX answers, findings in every section but
 * rules) and a way to add findings and free it all without tm_run. */
#ifndef TMEMS_REPORT_FIXTURE_H
#define TMEMS_REPORT_FIXTURE_H

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "tmems/tm_result.h"

static inline int fixture_english(void **state)
{
    (void)state;
    /* The C locale: gettext returns the English msgids. */
    setenv("LANGUAGE", "C", 1);
    setenv("LC_ALL", "C", 1);
    setlocale(LC_ALL, "C");
    return 0;
}

static inline void fixture_add(tm_result_t *r, const char *id, tm_section_t section,
                               tm_check_status_t status, const char *summary,
                               const char *detail, const char *fix)
{
    tm_findings_t *f = &r->findings;
    if (f->count == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 8;
        tm_finding_t *items = tm_realloc(f->items, cap * sizeof *items);
        assert_non_null(items);
        f->items = items;
        f->cap = cap;
    }
    tm_finding_t *it = &f->items[f->count++];
    memset(it, 0, sizeof *it);
    it->id = id;
    it->section = section;
    it->status = status;
    it->summary = tm_strdup(summary);
    it->detail = detail ? tm_strdup(detail) : NULL;
    it->fix = fix ? tm_strdup(fix) : NULL;
    assert_non_null(it->summary);
}

static inline void fixture_put_txt(tm_rrset_t *set, const char *name, uint32_t ttl,
                                   const char *const *strings, const size_t *lens, size_t n)
{
    tm_answer_t *a = tm_answer_create(name, TM_RR_TXT, TM_DNS_NOERROR);
    assert_non_null(a);
    assert_int_equal(tm_answer_add_txt(a, ttl, strings, lens, n), TM_OK);
    assert_int_equal(tm_rrset_put_own(set, a), TM_OK);
}

/* acme-corp.example before the cutover: token published, MX TTL too long,
 * SPF without the TMEmS include. */
static inline tm_result_t *fixture_result(void)
{
    tm_result_t *r = tm_calloc(1, sizeof *r);
    assert_non_null(r);
    r->domain = tm_strdup("acme-corp.example");
    r->ascii = tm_strdup("acme-corp.example");
    r->company = tm_strdup("acme-corp");
    r->phase = TM_PHASE_PRE;
    r->phase_derived = true;
    r->company_source = TM_COMPANY_FROM_MX;
    r->rrset = tm_rrset_create();
    assert_non_null(r->rrset);

    /* Two TXT records; the first one split into two character-strings. */
    tm_answer_t *txt = tm_answer_create("acme-corp.example", TM_RR_TXT, TM_DNS_NOERROR);
    assert_non_null(txt);
    const char *token[] = {"tmes=0123456789abcdef", "0123456789abcdef"};
    const size_t token_lens[] = {21, 16};
    assert_int_equal(tm_answer_add_txt(txt, 300, token, token_lens, 2), TM_OK);
    assert_int_equal(tm_answer_add_txt1(txt, 300, "v=spf1 include:_spf.example.net ~all"), TM_OK);
    assert_int_equal(tm_rrset_put_own(r->rrset, txt), TM_OK);

    tm_answer_t *mx = tm_answer_create("acme-corp.example", TM_RR_MX, TM_DNS_NOERROR);
    assert_non_null(mx);
    assert_int_equal(tm_answer_add_mx(mx, 86400, 10, "mx1.acme-corp.example"), TM_OK);
    assert_int_equal(tm_answer_add_mx(mx, 86400, 20, "mx2.acme-corp.example"), TM_OK);
    assert_int_equal(tm_rrset_put_own(r->rrset, mx), TM_OK);

    /* A name that is not the apex: never shown in "records". */
    tm_answer_t *other = tm_answer_create("_spf.example.net", TM_RR_TXT, TM_DNS_NOERROR);
    assert_non_null(other);
    assert_int_equal(tm_answer_add_txt1(other, 60, "v=spf1 -all"), TM_OK);
    assert_int_equal(tm_rrset_put_own(r->rrset, other), TM_OK);

    fixture_add(r, "token.present", TM_SECTION_DOMAIN, TM_CHECK_PASS,
                "The ownership token is published", "One apex TXT record starts with tmes=.",
                NULL);
    fixture_add(r, "mx.ttl", TM_SECTION_INBOUND, TM_CHECK_WARN,
                "The MX TTL is 86400 s; at most 300 s is recommended before the cutover",
                "A switch or a rollback can take up to 24 h to reach every cache.",
                "acme-corp.example. 300 IN MX 10 mx1.acme-corp.example.\n"
                "acme-corp.example. 300 IN MX 20 mx2.acme-corp.example.");
    fixture_add(r, "inbound.firewall", TM_SECTION_INBOUND, TM_CHECK_INFO,
                "Allow the data-center ranges on the receiving servers",
                "18.176.203.128/26\n15.168.56.0/25 (since 2024-08-21)", NULL);
    fixture_add(r, "inbound.cloud", TM_SECTION_INBOUND, TM_CHECK_INFO,
                "The receiving servers are not a known cloud service",
                "The receiving server must be the real mail server.",
                "Enter mx1.acme-corp.example as the receiving server.");
    fixture_add(r, "spf.include", TM_SECTION_OUTBOUND, TM_CHECK_FAIL,
                "The SPF record does not include spf.tmems-jp.trendmicro.com", NULL,
                "acme-corp.example. 300 IN TXT \"v=spf1 include:spf.tmems-jp.trendmicro.com "
                "include:_spf.example.net ~all\"");
    fixture_add(r, "company.relay_host", TM_SECTION_OUTBOUND, TM_CHECK_SKIP,
                "Offline: acme-corp.relay.tmems-jp.trendmicro.com cannot be looked up",
                "Run without --offline to check it.", NULL);
    r->verdict = tm_findings_verdict(&r->findings);
    return r;
}

/* Frees what fixture_result built (tm_result_destroy belongs to the run
 * layer; the report tests do not need it). */
static inline void fixture_free(tm_result_t *r)
{
    if (!r)
        return;
    tm_findings_clear(&r->findings);
    tm_rrset_destroy(r->rrset);
    tm_free(r->domain);
    tm_free(r->ascii);
    tm_free(r->company);
    tm_free(r);
}

static inline void fixture_set_text(char **field, const char *text)
{
    tm_free(*field);
    *field = text ? tm_strdup(text) : NULL;
}

#endif
