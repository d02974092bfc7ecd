/* ptr.c - validated domain names of the client (RFC 7208 section 5.5), for
 * the ptr mechanism and the %{p} macro: the PTR names of the address whose
 * own A/AAAA records lead back to it, at most 10 of them considered. */
#include <string.h>

#include "spf_eval.h"

static bool answer_has(const tm_answer_t *ans, const tm_ip_t *ip)
{
    for (size_t i = 0; i < ans->count; i++) {
        const tm_rr_t *rr = &ans->rrs[i];
        if (ip->family == 4 && rr->type == TM_RR_A && memcmp(rr->u.a, ip->bytes, 4) == 0)
            return true;
        if (ip->family == 6 && rr->type == TM_RR_AAAA && memcmp(rr->u.aaaa, ip->bytes, 16) == 0)
            return true;
    }
    return false;
}

spf_lk_t spf_validated_names(spf_ev_t *ev, bool count_void, const char *names[TM_SPF_PTR_LIMIT],
                             size_t *n)
{
    char rev[SPF_REVERSE_MAX];
    *n = 0;
    spf_reverse_name(&ev->ip, rev);
    const tm_answer_t *ptr;
    /* a DNS error on the PTR query makes ptr not match (section 5.5) */
    spf_lk_t lk = spf_lookup(ev, rev, TM_RR_PTR, count_void, false, &ptr);
    if (lk != LK_OK)
        return lk == LK_ERROR || lk == LK_VOID ? LK_OK : lk;
    uint16_t type = ev->ip.family == 6 ? TM_RR_AAAA : TM_RR_A;
    bool missing = false;
    size_t limit = ptr->count < TM_SPF_PTR_LIMIT ? ptr->count : TM_SPF_PTR_LIMIT;
    for (size_t i = 0; i < limit; i++) {
        const char *name = ptr->rrs[i].type == TM_RR_PTR ? ptr->rrs[i].u.name : NULL;
        if (!name || !spf_name_queryable(name))
            continue;
        const tm_answer_t *addrs;
        /* a DNS error here only skips the name (section 5.5) */
        lk = spf_lookup(ev, name, type, false, false, &addrs);
        if (lk == LK_ABORT)
            return lk;
        if (lk == LK_MISSING)
            missing = true;
        if (lk == LK_OK && answer_has(addrs, &ev->ip))
            names[(*n)++] = name;
    }
    return missing ? LK_MISSING : LK_OK;
}

spf_lk_t spf_validated_for(spf_ev_t *ev, const char *domain, const char **out)
{
    const char *names[TM_SPF_PTR_LIMIT];
    size_t n = 0;
    *out = NULL;
    spf_lk_t lk = spf_validated_names(ev, false, names, &n);
    if (lk != LK_OK)
        return lk;
    /* section 7.3: prefer the domain itself, then a name under it, then
     * any validated name */
    for (size_t i = 0; i < n && !*out; i++) {
        if (tm_name_equal(names[i], domain))
            *out = names[i];
    }
    for (size_t i = 0; i < n && !*out; i++) {
        if (tm_name_has_suffix(names[i], domain))
            *out = names[i];
    }
    if (!*out && n > 0)
        *out = names[0];
    return LK_OK;
}
