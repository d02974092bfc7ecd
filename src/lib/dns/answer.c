/* answer.c - one (name, type) answer: outcome plus records with TTLs,
 * reference counted so the resolver cache and every domain's rrset share it. */
#include <stdio.h>
#include <string.h>

#include "tmems/tm_dns.h"

const char *tm_rrtype_name(uint16_t type)
{
    switch (type) {
    case TM_RR_A: return "A";
    case TM_RR_NS: return "NS";
    case TM_RR_CNAME: return "CNAME";
    case TM_RR_SOA: return "SOA";
    case TM_RR_PTR: return "PTR";
    case TM_RR_MX: return "MX";
    case TM_RR_TXT: return "TXT";
    case TM_RR_AAAA: return "AAAA";
    }
    /* RFC 3597 section 5: unknown types are written TYPE<n> */
    static char other[16];
    snprintf(other, sizeof(other), "TYPE%u", (unsigned)type);
    return other;
}

const char *tm_dns_outcome_name(tm_dns_outcome_t outcome)
{
    switch (outcome) {
    case TM_DNS_NOERROR: return "NOERROR";
    case TM_DNS_NODATA: return "NODATA";
    case TM_DNS_NXDOMAIN: return "NXDOMAIN";
    case TM_DNS_SERVFAIL: return "SERVFAIL";
    case TM_DNS_REFUSED: return "REFUSED";
    case TM_DNS_TIMEOUT: return "TIMEOUT";
    case TM_DNS_FORMERR: return "FORMERR";
    case TM_DNS_UNKNOWN: return "UNKNOWN";
    case TM_DNS_UNREACHABLE: return "UNREACHABLE";
    }
    return "UNKNOWN";
}

bool tm_dns_outcome_is_void(tm_dns_outcome_t outcome)
{
    return outcome == TM_DNS_NXDOMAIN || outcome == TM_DNS_NODATA;
}

bool tm_dns_outcome_is_failure(tm_dns_outcome_t outcome)
{
    return outcome == TM_DNS_SERVFAIL || outcome == TM_DNS_REFUSED ||
           outcome == TM_DNS_TIMEOUT || outcome == TM_DNS_FORMERR ||
           outcome == TM_DNS_UNREACHABLE;
}

tm_answer_t *tm_answer_create(const char *name, uint16_t type, tm_dns_outcome_t outcome)
{
    tm_answer_t *ans = tm_calloc(1, sizeof(*ans));
    if (!ans)
        return NULL;
    ans->name = tm_name_canonical_dup(name); /* the one spelling names are kept in */
    if (!ans->name) {
        tm_free(ans);
        return NULL;
    }
    ans->type = type;
    ans->outcome = outcome;
    ans->refs = 1;
    return ans;
}

/* Appends a zeroed record slot, growing by doubling. */
static tm_rr_t *new_rr(tm_answer_t *ans, uint32_t ttl, uint16_t type)
{
    size_t count = ans->count;
    /* capacity is the next power of two >= count, so grow when count is one */
    if (count == 0 || (count & (count - 1)) == 0) {
        size_t cap = count ? count * 2 : 1;
        tm_rr_t *grown = tm_realloc(ans->rrs, cap * sizeof(*grown));
        if (!grown)
            return NULL;
        ans->rrs = grown;
    }
    tm_rr_t *rr = &ans->rrs[count];
    memset(rr, 0, sizeof(*rr));
    rr->ttl = ttl;
    rr->type = type;
    return rr;
}

tm_status_t tm_answer_add_a(tm_answer_t *ans, uint32_t ttl, const uint8_t addr[4])
{
    tm_rr_t *rr = new_rr(ans, ttl, TM_RR_A);
    if (!rr)
        return TM_ENOMEM;
    memcpy(rr->u.a, addr, 4);
    ans->count++;
    return TM_OK;
}

tm_status_t tm_answer_add_aaaa(tm_answer_t *ans, uint32_t ttl, const uint8_t addr[16])
{
    tm_rr_t *rr = new_rr(ans, ttl, TM_RR_AAAA);
    if (!rr)
        return TM_ENOMEM;
    memcpy(rr->u.aaaa, addr, 16);
    ans->count++;
    return TM_OK;
}

tm_status_t tm_answer_add_mx(tm_answer_t *ans, uint32_t ttl, uint16_t pref, const char *host)
{
    tm_rr_t *rr = new_rr(ans, ttl, TM_RR_MX);
    if (!rr)
        return TM_ENOMEM;
    rr->u.mx.preference = pref;
    rr->u.mx.host = tm_name_canonical_dup(host);
    if (!rr->u.mx.host)
        return TM_ENOMEM;
    ans->count++;
    return TM_OK;
}

tm_status_t tm_answer_add_name(tm_answer_t *ans, uint32_t ttl, const char *target)
{
    /* the record takes the answer's type; only these own a u.name to free */
    if (ans->type != TM_RR_CNAME && ans->type != TM_RR_PTR && ans->type != TM_RR_NS)
        return TM_EINVAL;
    tm_rr_t *rr = new_rr(ans, ttl, ans->type);
    if (!rr)
        return TM_ENOMEM;
    rr->u.name = tm_name_canonical_dup(target);
    if (!rr->u.name)
        return TM_ENOMEM;
    ans->count++;
    return TM_OK;
}

tm_status_t tm_answer_add_txt(tm_answer_t *ans, uint32_t ttl, const char *const *strings,
                              const size_t *lens, size_t nstrings)
{
    if (nstrings > TM_TXT_MAX_STRINGS)
        return TM_ERANGE;
    size_t total = 0;
    for (size_t i = 0; i < nstrings; i++) {
        if (lens[i] > 255)
            return TM_EINVAL; /* a character-string is at most 255 octets (RFC 1035 3.3) */
        total += lens[i];
    }
    tm_rr_t *rr = new_rr(ans, ttl, TM_RR_TXT);
    if (!rr)
        return TM_ENOMEM;
    char *data = tm_malloc(total + 1);
    uint16_t *string_lens = tm_malloc((nstrings ? nstrings : 1) * sizeof(*string_lens));
    if (!data || !string_lens) {
        tm_free(data);
        tm_free(string_lens);
        return TM_ENOMEM;
    }
    size_t pos = 0;
    for (size_t i = 0; i < nstrings; i++) {
        if (lens[i])
            memcpy(data + pos, strings[i], lens[i]);
        pos += lens[i];
        string_lens[i] = (uint16_t)lens[i];
    }
    data[total] = '\0';
    rr->u.txt.data = data;
    rr->u.txt.len = total;
    rr->u.txt.string_lens = string_lens;
    rr->u.txt.nstrings = nstrings;
    ans->count++;
    return TM_OK;
}

tm_status_t tm_answer_add_txt1(tm_answer_t *ans, uint32_t ttl, const char *text)
{
    size_t len = strlen(text);
    size_t n = len ? (len + 254) / 255 : 1;
    if (n > TM_TXT_MAX_STRINGS)
        return TM_ERANGE;
    const char **strings = tm_malloc(n * sizeof(*strings));
    size_t *lens = tm_malloc(n * sizeof(*lens));
    tm_status_t st = TM_ENOMEM;
    if (!strings || !lens)
        goto done;
    for (size_t i = 0; i < n; i++) {
        strings[i] = text + i * 255;
        lens[i] = len - i * 255 < 255 ? len - i * 255 : 255;
    }
    st = tm_answer_add_txt(ans, ttl, strings, lens, n);
done:
    tm_free(strings);
    tm_free(lens);
    return st;
}

tm_status_t tm_answer_add_soa(tm_answer_t *ans, uint32_t ttl, const char *mname,
                              const char *rname, uint32_t serial, uint32_t refresh,
                              uint32_t retry, uint32_t expire, uint32_t minimum)
{
    tm_rr_t *rr = new_rr(ans, ttl, TM_RR_SOA);
    if (!rr)
        return TM_ENOMEM;
    rr->u.soa.mname = tm_name_canonical_dup(mname);
    rr->u.soa.rname = tm_name_canonical_dup(rname);
    if (!rr->u.soa.mname || !rr->u.soa.rname) {
        tm_free(rr->u.soa.mname);
        tm_free(rr->u.soa.rname);
        return TM_ENOMEM;
    }
    rr->u.soa.serial = serial;
    rr->u.soa.refresh = refresh;
    rr->u.soa.retry = retry;
    rr->u.soa.expire = expire;
    rr->u.soa.minimum = minimum;
    ans->count++;
    return TM_OK;
}

tm_status_t tm_answer_set_canonical(tm_answer_t *ans, const char *canonical)
{
    char *copy = tm_name_canonical_dup(canonical);
    if (!copy)
        return TM_ENOMEM;
    tm_free(ans->canonical);
    ans->canonical = copy;
    return TM_OK;
}

tm_status_t tm_answer_set_error(tm_answer_t *ans, const char *reason)
{
    char *copy = tm_strdup(reason);
    if (!copy)
        return TM_ENOMEM;
    tm_free(ans->error);
    ans->error = copy;
    return TM_OK;
}

tm_answer_t *tm_answer_ref(tm_answer_t *ans)
{
    if (ans)
        ans->refs++;
    return ans;
}

static void rr_clear(tm_rr_t *rr)
{
    switch (rr->type) {
    case TM_RR_MX: tm_free(rr->u.mx.host); break;
    case TM_RR_TXT:
        tm_free(rr->u.txt.data);
        tm_free(rr->u.txt.string_lens);
        break;
    case TM_RR_CNAME:
    case TM_RR_PTR:
    case TM_RR_NS: tm_free(rr->u.name); break;
    case TM_RR_SOA:
        tm_free(rr->u.soa.mname);
        tm_free(rr->u.soa.rname);
        break;
    default: break;
    }
}

void tm_answer_unref(tm_answer_t *ans)
{
    if (!ans || --ans->refs > 0)
        return;
    for (size_t i = 0; i < ans->count; i++)
        rr_clear(&ans->rrs[i]);
    tm_free(ans->rrs);
    tm_free(ans->name);
    tm_free(ans->canonical);
    tm_free(ans->error);
    tm_free(ans);
}

uint32_t tm_answer_min_ttl(const tm_answer_t *ans)
{
    uint32_t min = 0;
    for (size_t i = 0; i < ans->count; i++) {
        if (i == 0 || ans->rrs[i].ttl < min)
            min = ans->rrs[i].ttl;
    }
    return min;
}
