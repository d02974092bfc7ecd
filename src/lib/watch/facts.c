/* facts.c - what one server serves, as canonical texts: the MX set in
 * preference order, the ownership tokens and the SPF records each quoted
 * and sorted.  Record sets are sets (RFC 2181 section 5): the order a
 * server hands them out in and their TTLs do not make two servers differ,
 * so equal texts mean equal sets. */
#include <stdlib.h>
#include <string.h>

#include "tmems/tm_check.h"
#include "tmems/tm_watch.h"

#define SPF_PREFIX "v=spf1"

static bool has_records(const tm_answer_t *ans)
{
    return ans && ans->outcome == TM_DNS_NOERROR && ans->count > 0;
}

/* An answer that says what the server serves: records, NODATA or NXDOMAIN. */
static bool answered(const tm_answer_t *ans)
{
    return ans && ans->outcome != TM_DNS_UNKNOWN && !tm_dns_outcome_is_failure(ans->outcome);
}

static int by_mx(const void *a, const void *b)
{
    const tm_rr_t *x = *(const tm_rr_t *const *)a, *y = *(const tm_rr_t *const *)b;
    if (x->u.mx.preference != y->u.mx.preference)
        return x->u.mx.preference < y->u.mx.preference ? -1 : 1;
    return strcmp(x->u.mx.host, y->u.mx.host);
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "10 a.example, 20 b.example"; a repeated record counts once. */
static tm_status_t render_mx(const tm_answer_t *mx, char **out)
{
    size_t n = has_records(mx) ? mx->count : 0;
    const tm_rr_t **sorted = NULL;
    tm_buf_t buf;
    tm_buf_init(&buf);
    tm_status_t st = TM_OK;
    if (n > 0) {
        if (!(sorted = tm_malloc(n * sizeof(*sorted))))
            return TM_ENOMEM;
        for (size_t i = 0; i < n; i++)
            sorted[i] = &mx->rrs[i];
        qsort(sorted, n, sizeof(*sorted), by_mx);
    }
    for (size_t i = 0, shown = 0; i < n && st == TM_OK; i++) {
        if (i > 0 && by_mx(&sorted[i - 1], &sorted[i]) == 0)
            continue;
        st = tm_buf_printf(&buf, "%s%u %s", shown++ ? ", " : "", sorted[i]->u.mx.preference,
                           sorted[i]->u.mx.host[0] ? sorted[i]->u.mx.host : ".");
    }
    tm_free(sorted);
    if (st == TM_OK && !(*out = tm_buf_take(&buf)))
        st = TM_ENOMEM;
    tm_buf_clear(&buf);
    return st;
}

static bool starts_ci(const tm_rr_t *rr, const char *prefix)
{
    size_t n = strlen(prefix);
    return rr->u.txt.len >= n && tm_ascii_ncasecmp(rr->u.txt.data, prefix, n) == 0;
}

/* RFC 7208 section 4.5: "v=spf1" followed by a space or the end. */
static bool is_spf(const tm_rr_t *rr)
{
    size_t n = strlen(SPF_PREFIX);
    return starts_ci(rr, SPF_PREFIX) && (rr->u.txt.len == n || rr->u.txt.data[n] == ' ');
}

/* The TXT records of one kind, quoted (different bytes give different
 * texts), sorted, a repeated one once, joined by ", ". */
static tm_status_t render_txt(const tm_answer_t *txt, const char *token_prefix, char **out)
{
    size_t n = has_records(txt) ? txt->count : 0, used = 0;
    char **quoted = NULL;
    tm_buf_t buf;
    tm_buf_init(&buf);
    tm_status_t st = TM_OK;
    if (n > 0 && !(quoted = tm_calloc(n, sizeof(*quoted))))
        return TM_ENOMEM;
    for (size_t i = 0; i < n && st == TM_OK; i++) {
        const tm_rr_t *rr = &txt->rrs[i];
        if (token_prefix ? !starts_ci(rr, token_prefix) : !is_spf(rr))
            continue;
        if (!(quoted[used] = tm_quote_dns_dup(rr->u.txt.data, rr->u.txt.len)))
            st = TM_ENOMEM;
        else
            used++;
    }
    if (st == TM_OK && used > 1)
        qsort(quoted, used, sizeof(*quoted), by_string);
    for (size_t i = 0, shown = 0; i < used && st == TM_OK; i++) {
        if (i > 0 && strcmp(quoted[i - 1], quoted[i]) == 0)
            continue;
        st = tm_buf_printf(&buf, "%s%s", shown++ ? ", " : "", quoted[i]);
    }
    for (size_t i = 0; i < used; i++)
        tm_free(quoted[i]);
    tm_free(quoted);
    if (st == TM_OK && !(*out = tm_buf_take(&buf)))
        st = TM_ENOMEM;
    tm_buf_clear(&buf);
    return st;
}

void tm_watch_facts_clear(tm_watch_facts_t *f)
{
    if (!f)
        return;
    tm_free(f->mname);
    tm_free(f->mx);
    tm_free(f->token);
    tm_free(f->spf);
    memset(f, 0, sizeof(*f));
}

tm_status_t tm_watch_facts_from(const tm_rules_t *rules, const tm_answer_t *soa,
                                const tm_answer_t *mx, const tm_answer_t *txt,
                                tm_watch_facts_t *out)
{
    memset(out, 0, sizeof(*out));
    tm_status_t st = TM_OK;
    if (has_records(soa) && soa->rrs[0].type == TM_RR_SOA) {
        out->serial_known = true;
        out->serial = soa->rrs[0].u.soa.serial;
        if (soa->rrs[0].u.soa.mname && !(out->mname = tm_strdup(soa->rrs[0].u.soa.mname)))
            st = TM_ENOMEM;
    }
    out->answered = answered(mx) && answered(txt);
    if (st == TM_OK && out->answered) {
        st = render_mx(mx, &out->mx);
        out->mx_ttl = tm_answer_min_ttl(mx);
        if (st == TM_OK)
            st = render_txt(txt, rules && rules->token_prefix ? rules->token_prefix : "tmes=",
                            &out->token);
        if (st == TM_OK)
            st = render_txt(txt, NULL, &out->spf);
    }
    if (st != TM_OK)
        tm_watch_facts_clear(out);
    return st;
}

static tm_status_t dup_or_null(const char *s, char **out)
{
    *out = NULL;
    if (s && !(*out = tm_strdup(s)))
        return TM_ENOMEM;
    return TM_OK;
}

tm_status_t tm_watch_facts_copy(const tm_watch_facts_t *from, tm_watch_facts_t *to)
{
    memset(to, 0, sizeof(*to));
    to->answered = from->answered;
    to->serial_known = from->serial_known;
    to->serial = from->serial;
    to->mx_ttl = from->mx_ttl;
    tm_status_t st = dup_or_null(from->mname, &to->mname);
    if (st == TM_OK)
        st = dup_or_null(from->mx, &to->mx);
    if (st == TM_OK)
        st = dup_or_null(from->token, &to->token);
    if (st == TM_OK)
        st = dup_or_null(from->spf, &to->spf);
    if (st != TM_OK)
        tm_watch_facts_clear(to);
    return st;
}

static bool same_text(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

bool tm_watch_facts_same(const tm_watch_facts_t *a, const tm_watch_facts_t *b)
{
    return a && b && a->answered && b->answered && same_text(a->mx, b->mx) &&
           same_text(a->token, b->token) && same_text(a->spf, b->spf);
}
