/* spf_fixture.h - a tiny in-memory DNS for the SPF unit tests: a zone given
 * as lines "name TYPE data", and a resolver loop that answers the questions
 * the judge returns, round after round, as tm_run does with the network.
 *
 *   "example.com TXT v=spf1 a -all"      one TXT record (one string per '|')
 *   "example.com A 192.0.2.1"           "example.com AAAA 2001:db8::1"
 *   "example.com MX 10 mx.example.com"  "4.3.2.1.in-addr.arpa PTR host.example.com"
 *   "example.com CNAME other.example.com"
 *   "example.com TIMEOUT" / SERVFAIL / REFUSED / FORMERR / UNKNOWN:
 *        every type without records at the name gets that outcome
 *   "example.com EXISTS"                the name exists (NODATA for every type)
 * A name that appears nowhere is NXDOMAIN. */
#ifndef TMEMS_TEST_SPF_FIXTURE_H
#define TMEMS_TEST_SPF_FIXTURE_H

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tmems/tm_dns.h"
#include "tmems/tm_spf.h"

#define FX_LINE_MAX 9000

typedef struct {
    const char *const *lines;
    size_t nlines;
    unsigned asked; /* questions answered so far */
} fx_zone_t;

#define FX_ZONE(arr) ((fx_zone_t){(arr), sizeof(arr) / sizeof((arr)[0]), 0})

static inline int fx_split(const char *line, char *name, size_t namelen, char *type, size_t typelen,
                           const char **data)
{
    const char *sp = strchr(line, ' ');
    if (!sp || (size_t)(sp - line) >= namelen)
        return 0;
    memcpy(name, line, (size_t)(sp - line));
    name[sp - line] = '\0';
    const char *t = sp + 1;
    const char *sp2 = strchr(t, ' ');
    size_t tl = sp2 ? (size_t)(sp2 - t) : strlen(t);
    if (tl >= typelen)
        return 0;
    memcpy(type, t, tl);
    type[tl] = '\0';
    *data = sp2 ? sp2 + 1 : "";
    return 1;
}

static inline uint16_t fx_type(const char *t)
{
    if (!strcmp(t, "A"))
        return TM_RR_A;
    if (!strcmp(t, "AAAA"))
        return TM_RR_AAAA;
    if (!strcmp(t, "MX"))
        return TM_RR_MX;
    if (!strcmp(t, "PTR"))
        return TM_RR_PTR;
    if (!strcmp(t, "TXT"))
        return TM_RR_TXT;
    if (!strcmp(t, "CNAME"))
        return TM_RR_CNAME;
    return 0;
}

static inline int fx_marker(const char *t, tm_dns_outcome_t *o)
{
    static const struct {
        const char *name;
        tm_dns_outcome_t outcome;
    } markers[] = {{"TIMEOUT", TM_DNS_TIMEOUT}, {"SERVFAIL", TM_DNS_SERVFAIL},
                   {"REFUSED", TM_DNS_REFUSED}, {"FORMERR", TM_DNS_FORMERR},
                   {"UNKNOWN", TM_DNS_UNKNOWN}, {"EXISTS", TM_DNS_NODATA}};
    for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
        if (!strcmp(t, markers[i].name)) {
            *o = markers[i].outcome;
            return 1;
        }
    }
    return 0;
}

static inline void fx_add(tm_answer_t *ans, uint16_t type, const char *data)
{
    tm_status_t st = TM_OK;
    if (type == TM_RR_A || type == TM_RR_AAAA) {
        uint8_t addr[16];
        if (inet_pton(type == TM_RR_A ? AF_INET : AF_INET6, data, addr) != 1)
            abort();
        st = type == TM_RR_A ? tm_answer_add_a(ans, 300, addr) : tm_answer_add_aaaa(ans, 300, addr);
    } else if (type == TM_RR_MX) {
        char *end;
        long pref = strtol(data, &end, 10);
        st = tm_answer_add_mx(ans, 300, (uint16_t)pref, *end ? end + 1 : "");
    } else if (type == TM_RR_PTR || type == TM_RR_CNAME) {
        st = tm_answer_add_name(ans, 300, data);
    } else if (type == TM_RR_TXT) {
        const char *ptrs[64];
        size_t lens[64], n = 0;
        const char *p = data;
        for (;;) {
            const char *bar = strchr(p, '|');
            ptrs[n] = p;
            lens[n] = bar ? (size_t)(bar - p) : strlen(p);
            n++;
            if (!bar || n == 64)
                break;
            p = bar + 1;
        }
        st = tm_answer_add_txt(ans, 300, ptrs, lens, n);
    }
    if (st != TM_OK)
        abort();
}

/* The answer the zone gives to (qname, qtype), CNAMEs followed. */
static inline tm_answer_t *fx_answer(const fx_zone_t *z, const char *qname, uint16_t qtype)
{
    tm_answer_t *ans = tm_answer_create(qname, qtype, TM_DNS_NOERROR);
    char cur[300];
    snprintf(cur, sizeof(cur), "%s", qname);
    if (!ans)
        abort();
    for (int hops = 0; hops < 8; hops++) {
        int known = 0, marked = 0;
        tm_dns_outcome_t marker = TM_DNS_NODATA;
        const char *cname = NULL;
        for (size_t i = 0; i < z->nlines; i++) {
            char name[300], type[16];
            const char *data;
            if (!fx_split(z->lines[i], name, sizeof(name), type, sizeof(type), &data) ||
                strcasecmp(name, cur) != 0)
                continue;
            known = 1;
            uint16_t t = fx_type(type);
            if (t == qtype)
                fx_add(ans, t, data);
            else if (t == TM_RR_CNAME)
                cname = data;
            else if (!t && fx_marker(type, &marker))
                marked = 1;
        }
        if (ans->count > 0)
            return ans;
        if (cname && qtype != TM_RR_CNAME) {
            tm_answer_set_canonical(ans, cname);
            snprintf(cur, sizeof(cur), "%s", cname);
            continue;
        }
        ans->outcome = !known ? TM_DNS_NXDOMAIN : marked ? marker : TM_DNS_NODATA;
        return ans;
    }
    ans->outcome = TM_DNS_SERVFAIL;
    return ans;
}

/* Answers every question of need into rrset and empties need. */
static inline void fx_answer_all(fx_zone_t *z, tm_rrset_t *rrset, tm_questions_t *need)
{
    for (size_t i = 0; i < need->count; i++) {
        if (tm_rrset_put_own(rrset, fx_answer(z, need->items[i].name, need->items[i].type)) != TM_OK)
            abort();
        z->asked++;
    }
    tm_questions_clear(need);
}

/* An rrset holding the zone's answer to every (name, type) it lists, for
 * tests that want everything present at once. */
static inline tm_rrset_t *fx_rrset_full(const fx_zone_t *z)
{
    tm_rrset_t *set = tm_rrset_create();
    static const uint16_t types[] = {TM_RR_A, TM_RR_AAAA, TM_RR_MX, TM_RR_PTR, TM_RR_TXT};
    if (!set)
        abort();
    for (size_t i = 0; i < z->nlines; i++) {
        char name[300], type[16];
        const char *data;
        if (!fx_split(z->lines[i], name, sizeof(name), type, sizeof(type), &data))
            abort();
        for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
            if (tm_rrset_put_own(set, fx_answer(z, name, types[k])) != TM_OK)
                abort();
        }
    }
    return set;
}

/* check_host with the resolver loop; returns the rounds that fetched. */
static inline unsigned fx_check_host(fx_zone_t *z, tm_rrset_t *rrset, const tm_spf_query_t *q,
                                     tm_spf_eval_t *ev)
{
    tm_questions_t need;
    tm_questions_init(&need);
    unsigned rounds = 0;
    for (;;) {
        if (tm_spf_check_host(rrset, q, &need, ev) != TM_OK)
            abort();
        if (ev->state == TM_SPF_DONE || rounds > 64)
            break;
        fx_answer_all(z, rrset, &need);
        rounds++;
    }
    tm_questions_clear(&need);
    return rounds;
}

static inline tm_ip_t fx_ip(const char *text)
{
    tm_ip_t ip;
    if (!tm_ip_parse(text, &ip))
        abort();
    return ip;
}

static inline tm_cidr_t fx_cidr(const char *text)
{
    tm_cidr_t c;
    if (!tm_cidr_parse(text, &c))
        abort();
    return c;
}

/* Runs check_host for ip, sender and HELO against the zone; returns the result. */
static inline tm_spf_result_t fx_eval(const char *const *lines, size_t n, const char *ip,
                                      const char *sender, tm_spf_eval_t *ev)
{
    fx_zone_t z = {lines, n, 0};
    tm_rrset_t *rrset = tm_rrset_create();
    tm_spf_query_t q;
    tm_spf_query_init(&q);
    q.ip = fx_ip(ip);
    q.sender = sender;
    q.helo = "mail.example.org";
    q.default_explanation = "DEFAULT";
    q.trace = true;
    fx_check_host(&z, rrset, &q, ev);
    tm_rrset_destroy(rrset);
    return ev->result;
}

#define FX_EVAL(arr, ip, sender, ev) fx_eval((arr), sizeof(arr) / sizeof((arr)[0]), (ip), (sender), (ev))

#endif
