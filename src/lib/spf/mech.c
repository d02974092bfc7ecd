/* mech.c - the mechanisms of RFC 7208 section 5, evaluated over a block of
 * client addresses: each test says whether it holds for every address of the
 * block, none, or some (then the block is split by the caller). */
#include <string.h>

#include "spf_eval.h"
#include "tmems/tm_i18n.h"

spf_cover_t spf_cover_net(const tm_cidr_t *block, const tm_ip_t *net, unsigned prefix)
{
    if (net->family != block->addr.family)
        return SPF_NONE_IN;
    if (prefix <= block->prefix)
        return tm_ip_prefix_match(&block->addr, net, prefix) ? SPF_ALL_IN : SPF_NONE_IN;
    return tm_ip_prefix_match(&block->addr, net, block->prefix) ? SPF_SOME_IN : SPF_NONE_IN;
}

static spf_mres_t from_cover(spf_ev_t *ev, spf_cover_t c)
{
    if (c == SPF_ALL_IN)
        return M_MATCH;
    if (c == SPF_SOME_IN) {
        spf_abort_split(ev);
        return M_ABORT;
    }
    return M_NOMATCH;
}

/* Does an address of the answer, widened to the term's CIDR length, cover
 * the block?  (sections 5.3 and 5.4) */
static spf_cover_t cover_answer(const spf_ev_t *ev, const tm_answer_t *ans, const tm_spf_term_t *t)
{
    spf_cover_t best = SPF_NONE_IN;
    for (size_t i = 0; i < ans->count; i++) {
        const tm_rr_t *rr = &ans->rrs[i];
        tm_ip_t ip = {0};
        unsigned prefix;
        if (rr->type == TM_RR_A) {
            ip.family = 4;
            memcpy(ip.bytes, rr->u.a, 4);
            prefix = t->cidr4;
        } else if (rr->type == TM_RR_AAAA) {
            ip.family = 6;
            memcpy(ip.bytes, rr->u.aaaa, 16);
            prefix = t->cidr6;
        } else {
            continue;
        }
        spf_cover_t c = spf_cover_net(&ev->block, &ip, prefix);
        if (c == SPF_ALL_IN)
            return c;
        if (c == SPF_SOME_IN)
            best = c;
    }
    return best;
}

static uint16_t address_type(const spf_ev_t *ev)
{
    /* section 5: A records for an IPv4 client, AAAA for IPv6 */
    return ev->block.addr.family == 6 ? TM_RR_AAAA : TM_RR_A;
}

/* What a, mx and exists do before their query: count the term (section
 * 4.6.4) and expand its target.  True when the query goes ahead with name
 * filled; otherwise *early is the mechanism's result. */
static bool start_lookup(spf_ev_t *ev, const tm_spf_term_t *t, const char *domain,
                         char name[TM_NAME_MAX + 1], spf_mres_t *early)
{
    if (!spf_count_lookup(ev)) {
        *early = M_ABORT;
        return false;
    }
    switch (spf_target(ev, t, domain, name)) {
    case TG_OK: return true;
    case TG_ABORT: *early = M_ABORT; return false;
    case TG_MISSING: *early = M_NOMATCH; return false;
    case TG_BAD:
        /* RFC 7208 leaves a target that cannot be a DNS name open (section
         * 4.8); like the initial domain (section 4.3) it is treated as a
         * name that does not exist: no match, and a void lookup. */
        *early = spf_count_void(ev) ? M_NOMATCH : M_ABORT;
        return false;
    }
    *early = M_ABORT;
    return false;
}

static spf_mres_t mech_a(spf_ev_t *ev, const tm_spf_term_t *t, const char *domain)
{
    char name[TM_NAME_MAX + 1];
    spf_mres_t early;
    if (!start_lookup(ev, t, domain, name, &early))
        return early;
    const tm_answer_t *ans;
    switch (spf_lookup(ev, name, address_type(ev), true, true, &ans)) {
    case LK_OK: return from_cover(ev, cover_answer(ev, ans, t));
    case LK_ABORT: return M_ABORT;
    default: return M_NOMATCH;
    }
}

static spf_mres_t mech_mx(spf_ev_t *ev, const tm_spf_term_t *t, const char *domain)
{
    char name[TM_NAME_MAX + 1];
    spf_mres_t early;
    if (!start_lookup(ev, t, domain, name, &early))
        return early;
    const tm_answer_t *mx;
    spf_lk_t lk = spf_lookup(ev, name, TM_RR_MX, true, true, &mx);
    if (lk == LK_ABORT)
        return M_ABORT;
    if (lk != LK_OK)
        return M_NOMATCH; /* section 5.4: no implicit MX, no fallback to A */
    /* section 4.6.4: more than 10 MX names is a permerror, before any of
     * them is looked up */
    if (mx->count > TM_SPF_MX_LIMIT) {
        spf_abort(ev, TM_SPF_PERMERROR,
                  dngettext(TM_TEXTDOMAIN,
                            "mx:%s: the MX lookup returned %zu name; at most %d are allowed "
                            "(section 4.6.4)",
                            "mx:%s: the MX lookup returned %zu names; at most %d are allowed "
                            "(section 4.6.4)",
                            mx->count),
                  name, mx->count, TM_SPF_MX_LIMIT);
        return M_ABORT;
    }
    spf_cover_t best = SPF_NONE_IN;
    for (size_t i = 0; i < mx->count; i++) {
        const char *host = mx->rrs[i].type == TM_RR_MX ? mx->rrs[i].u.mx.host : NULL;
        /* RFC 7505: a null MX (the root) names no host */
        if (!host || !*host || !spf_name_queryable(host))
            continue;
        const tm_answer_t *addrs;
        lk = spf_lookup(ev, host, address_type(ev), false, true, &addrs);
        if (lk == LK_ABORT)
            return M_ABORT;
        if (lk != LK_OK)
            continue;
        spf_cover_t c = cover_answer(ev, addrs, t);
        if (c == SPF_ALL_IN)
            return M_MATCH;
        if (c == SPF_SOME_IN)
            best = c;
    }
    return from_cover(ev, best);
}

static bool is_subdomain(const char *name, const char *target)
{
    return tm_name_has_suffix(name, target);
}

static spf_mres_t mech_ptr(spf_ev_t *ev, const tm_spf_term_t *t, const char *domain)
{
    char target[TM_NAME_MAX + 1];
    if (!spf_count_lookup(ev))
        return M_ABORT;
    /* the PTR names of the client differ for every address */
    if (!ev->single) {
        spf_abort_split(ev);
        return M_ABORT;
    }
    spf_tg_t tg = spf_target(ev, t, domain, target);
    if (tg == TG_ABORT)
        return M_ABORT;
    if (tg != TG_OK)
        return M_NOMATCH;
    const char *names[TM_SPF_PTR_LIMIT];
    size_t n = 0;
    spf_lk_t lk = spf_validated_names(ev, true, names, &n);
    if (lk == LK_ABORT)
        return M_ABORT;
    /* section 5.5: a validated name equal to or under the target matches */
    for (size_t i = 0; i < n; i++) {
        if (is_subdomain(names[i], target))
            return M_MATCH;
    }
    return M_NOMATCH;
}

static spf_mres_t mech_exists(spf_ev_t *ev, const tm_spf_term_t *t, const char *domain)
{
    char name[TM_NAME_MAX + 1];
    spf_mres_t early;
    if (!start_lookup(ev, t, domain, name, &early))
        return early;
    const tm_answer_t *ans;
    /* section 5.7: always an A query, whatever the client's family */
    switch (spf_lookup(ev, name, TM_RR_A, true, true, &ans)) {
    case LK_OK: return M_MATCH;
    case LK_ABORT: return M_ABORT;
    default: return M_NOMATCH;
    }
}

static spf_mres_t mech_include(spf_ev_t *ev, const tm_spf_term_t *t, const char *domain,
                               unsigned depth)
{
    char name[TM_NAME_MAX + 1];
    if (!spf_count_lookup(ev))
        return M_ABORT;
    spf_tg_t tg = spf_target(ev, t, domain, name);
    if (tg == TG_ABORT)
        return M_ABORT;
    if (tg == TG_MISSING)
        return M_NOMATCH;
    /* the recursive check_host of a malformed name gives none (section
     * 4.3), which include turns into permerror (section 5.2) */
    if (tg == TG_BAD || !spf_domain_target_valid(name)) {
        spf_abort(ev, TM_SPF_PERMERROR, _("include:%s: the target is not a valid domain"), t->spec);
        return M_ABORT;
    }
    int r;
    if (!spf_eval_domain(ev, name, depth + 1, &r, NULL, NULL))
        return M_ABORT;
    switch (r) {
    case TM_SPF_PASS: return M_MATCH;
    case TM_SPF_NONE:
        spf_abort(ev, TM_SPF_PERMERROR, _("include:%s: %s has no SPF record (section 5.2)"), t->spec,
                  name);
        return M_ABORT;
    default: return M_NOMATCH; /* fail, softfail, neutral, or not fetched yet */
    }
}

spf_mres_t spf_mechanism(spf_ev_t *ev, const tm_spf_term_t *t, const char *domain, unsigned depth)
{
    switch (t->kind) {
    case TM_SPF_ALL: return M_MATCH;
    case TM_SPF_IP4:
    case TM_SPF_IP6: return from_cover(ev, spf_cover_net(&ev->block, &t->net.addr, t->net.prefix));
    case TM_SPF_A: return mech_a(ev, t, domain);
    case TM_SPF_MX: return mech_mx(ev, t, domain);
    case TM_SPF_PTR: return mech_ptr(ev, t, domain);
    case TM_SPF_EXISTS: return mech_exists(ev, t, domain);
    case TM_SPF_INCLUDE: return mech_include(ev, t, domain, depth);
    default: return M_NOMATCH;
    }
}
