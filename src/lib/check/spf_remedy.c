/* spf_remedy.c - the record that brings an SPF tree over the limit of 10
 * lookups (RFC 7208 section 4.6.4) within it, and its proof (the four steps
 * of spf_remedy.h; docs/checks.md "The SPF remedy").
 *
 * Flattening is done only where it is safe: an include's record is copied
 * term by term only when every mechanism before its "all" is '+' (then the
 * include matches exactly when one of them matches, section 5.2), and a
 * and mx terms become the networks their hosts resolve to with the term's
 * CIDR lengths (sections 5.3, 5.4).  What cannot be proven equal is not
 * printed: the proof (spf_proof.c) decides. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "spf_remedy.h"
#include "spf_zone.h"
#include "tmems/tm_i18n.h"

#define CHAIN_MAX 8    /* _spf1 .. _spf8: 8 lookups, the whole budget */
/* The names _spf1.. asked before a chain is written (some may be taken). */
#define CHAIN_NAMES_ASKED (CHAIN_MAX + 4)
#define RECORD_TTL 3600

/* ---- the terms of a proposal ------------------------------------------------ */

typedef struct {
    char *text;        /* as it will be written */
    unsigned lookups;  /* its worst-case cost */
    bool movable;      /* a '+' ip4:/ip6: term: may go into the chain */
    tm_cidr_t net;     /* movable: its network */
} rterm_t;

typedef struct {
    rterm_t *items;
    size_t count, cap;
} rlist_t;

static void rlist_clear(rlist_t *l)
{
    for (size_t i = 0; i < l->count; i++)
        tm_free(l->items[i].text);
    tm_free(l->items);
    memset(l, 0, sizeof(*l));
}

/* Takes text (NULL: allocation failed). */
static tm_status_t rlist_take(rlist_t *l, char *text, unsigned lookups, const tm_cidr_t *net)
{
    if (!text)
        return TM_ENOMEM;
    if (l->count == l->cap) {
        rterm_t *grown = tm_array_grow(l->items, &l->cap, sizeof(*grown), 16);
        if (!grown) {
            tm_free(text);
            return TM_ENOMEM;
        }
        l->items = grown;
    }
    rterm_t *t = &l->items[l->count++];
    memset(t, 0, sizeof(*t));
    t->text = text;
    t->lookups = lookups;
    if (net) {
        t->movable = true;
        t->net = *net;
    }
    return TM_OK;
}

static tm_status_t rlist_copy(rlist_t *to, const rlist_t *from)
{
    tm_status_t st = TM_OK;
    for (size_t i = 0; i < from->count && st == TM_OK; i++) {
        const rterm_t *t = &from->items[i];
        st = rlist_take(to, tm_strdup(t->text), t->lookups, t->movable ? &t->net : NULL);
    }
    return st;
}

static const char *qualifier_text(tm_spf_qualifier_t q)
{
    switch (q) {
    case TM_SPF_Q_FAIL: return "-";
    case TM_SPF_Q_SOFTFAIL: return "~";
    case TM_SPF_Q_NEUTRAL: return "?";
    case TM_SPF_Q_PASS: break;
    }
    return "";
}

/* "ip4:a.b.c.d" for one address, "ip4:a.b.c.d/n" for a network. */
static tm_status_t push_net(rlist_t *l, tm_spf_qualifier_t q, const tm_cidr_t *net)
{
    char addr[64];
    tm_ip_format(&net->addr, addr, sizeof(addr));
    bool v4 = net->addr.family == 4;
    bool host = net->prefix == (v4 ? 32 : 128);
    char *text = host ? tm_strprintf("%s%s:%s", qualifier_text(q), v4 ? "ip4" : "ip6", addr)
                      : tm_strprintf("%s%s:%s/%u", qualifier_text(q), v4 ? "ip4" : "ip6", addr,
                                    net->prefix);
    return rlist_take(l, text, 0, q == TM_SPF_Q_PASS ? net : NULL);
}

static bool net_contains(const tm_cidr_t *outer, const tm_cidr_t *inner)
{
    return outer->addr.family == inner->addr.family && outer->prefix <= inner->prefix &&
           tm_ip_prefix_match(&outer->addr, &inner->addr, outer->prefix);
}

/* In a run of '+' ip4:/ip6: terms with nothing between them, the order
 * does not matter and a network inside another adds nothing: it goes. */
static void rlist_tidy(rlist_t *l)
{
    size_t out = 0;
    for (size_t i = 0; i < l->count; i++) {
        rterm_t *t = &l->items[i];
        bool redundant = false;
        if (t->movable) {
            size_t lo = i, hi = i;
            while (lo > 0 && l->items[lo - 1].movable)
                lo--;
            while (hi + 1 < l->count && l->items[hi + 1].movable)
                hi++;
            for (size_t k = lo; k <= hi && !redundant; k++) {
                if (k == i || !l->items[k].text)
                    continue;
                const tm_cidr_t *other = &l->items[k].net;
                bool equal = other->prefix == t->net.prefix && net_contains(other, &t->net);
                redundant = net_contains(other, &t->net) && (!equal || k < i);
            }
        }
        if (redundant) {
            tm_free(t->text);
            t->text = NULL;
            continue;
        }
        l->items[out++] = *t;
    }
    l->count = out;
}

/* ---- the customer's own names ------------------------------------------------- */

typedef struct {
    const tm_check_ctx_t *ctx;
    const tm_spf_analysis_t *a;
    const tm_spf_node_t *root;
    tm_spf_remedy_t *r;
} rem_t;

static bool in_list(const char *name, const char *list)
{
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, ",");
        char item[TM_NAME_MAX + 1];
        if (len > 0 && len <= TM_NAME_MAX) {
            memcpy(item, p, len);
            item[len] = '\0';
            if (tm_name_has_suffix(name, item))
                return true;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return false;
}

/* Under the checked domain or a domain of --spf-own, and not a name the
 * rules say a vendor manages. */
static bool own_name(const rem_t *m, const char *name)
{
    if (!name || tm_rules_spf_vendor_managed(m->ctx->rules, name))
        return false;
    return tm_name_has_suffix(name, m->ctx->domain) || in_list(name, m->ctx->opts->spf_own);
}

/* Both address answers are in and final: the host's addresses are known. */
static bool host_known(const tm_rrset_t *rrset, const char *host)
{
    static const uint16_t types[] = {TM_RR_A, TM_RR_AAAA};
    for (size_t i = 0; i < 2; i++) {
        const tm_answer_t *ans = tm_rrset_get(rrset, host, types[i]);
        if (!ans || (ans->outcome != TM_DNS_NOERROR && ans->outcome != TM_DNS_NODATA &&
                     ans->outcome != TM_DNS_NXDOMAIN))
            return false;
    }
    return true;
}

static tm_status_t push_host(rlist_t *out, const tm_rrset_t *rrset, const char *host,
                             const tm_spf_term_t *term, tm_spf_qualifier_t q)
{
    tm_spf_nets_t nets;
    tm_spf_nets_init(&nets);
    tm_status_t st = tm_spf_nets_of_host(&nets, rrset, host, term->cidr4, term->cidr6);
    for (size_t i = 0; i < nets.count && st == TM_OK; i++)
        st = push_net(out, q, &nets.items[i]);
    tm_spf_nets_clear(&nets);
    return st;
}

/* The hosts of an mx term, when every one is the customer's and known. */
static const tm_answer_t *own_mx(const rem_t *m, const char *target)
{
    const tm_rrset_t *rrset = m->ctx->rrset;
    const tm_answer_t *mx = tm_rrset_get(rrset, target, TM_RR_MX);
    if (!mx || (mx->outcome != TM_DNS_NOERROR && mx->outcome != TM_DNS_NODATA &&
                mx->outcome != TM_DNS_NXDOMAIN) ||
        mx->count > TM_SPF_MX_LIMIT)
        return NULL;
    for (size_t i = 0; mx->outcome == TM_DNS_NOERROR && i < mx->count; i++) {
        const char *host = mx->rrs[i].u.mx.host;
        if (host[0] && (!own_name(m, host) || !host_known(rrset, host)))
            return NULL;
    }
    return mx;
}

/* A term kept inside a flattened include, written with its target so that
 * it means the same at the apex (a and mx without a name mean the domain
 * of the record they are in, section 5.3). */
static tm_status_t push_kept(rlist_t *out, const tm_spf_tterm_t *tt, tm_spf_qualifier_t q)
{
    const tm_spf_term_t *t = tt->term;
    const char *name = tm_spf_kind_name(t->kind);
    char cidr[16] = "";
    size_t n = 0;
    if ((t->kind == TM_SPF_A || t->kind == TM_SPF_MX) && t->cidr4 != 32)
        n += (size_t)snprintf(cidr + n, sizeof(cidr) - n, "/%u", t->cidr4);
    if ((t->kind == TM_SPF_A || t->kind == TM_SPF_MX) && t->cidr6 != 128)
        snprintf(cidr + n, sizeof(cidr) - n, "//%u", t->cidr6);
    return rlist_take(out, tm_strprintf("%s%s:%s%s", qualifier_text(q), name, tt->target, cidr),
                      tt->lookups, NULL);
}

/* What tt means, as terms that cost fewer lookups, appended to out with
 * qualifier q; *cost grows by what the kept terms cost.  At the top (a term
 * of the apex record) only the customer's own a, mx and include terms are
 * flattened; inside one of their includes, terms that are not theirs are
 * kept with their target written out.  False when the term cannot be
 * expressed so (a macro, whose %{d} would change meaning at the apex;
 * exists or ptr at the top; an include whose record is not a plain list of
 * '+' mechanisms). */
static bool expand(const rem_t *m, const tm_spf_tterm_t *tt, tm_spf_qualifier_t q, bool top,
                   rlist_t *out, unsigned *cost, tm_status_t *st)
{
    const tm_spf_term_t *t = tt->term;
    const tm_rrset_t *rrset = m->ctx->rrset;
    if (t->has_macro)
        return false;
    switch (t->kind) {
    case TM_SPF_IP4:
    case TM_SPF_IP6: *st = push_net(out, q, &t->net); return true;
    case TM_SPF_A:
        if (!tt->target)
            return false;
        if (own_name(m, tt->target) && host_known(rrset, tt->target)) {
            *st = push_host(out, rrset, tt->target, t, q);
            return true;
        }
        break;
    case TM_SPF_MX: {
        if (!tt->target)
            return false;
        const tm_answer_t *mx = own_name(m, tt->target) ? own_mx(m, tt->target) : NULL;
        if (!mx)
            break;
        for (size_t i = 0; mx->outcome == TM_DNS_NOERROR && i < mx->count && *st == TM_OK; i++) {
            if (mx->rrs[i].u.mx.host[0])
                *st = push_host(out, rrset, mx->rrs[i].u.mx.host, t, q);
        }
        return true;
    }
    case TM_SPF_INCLUDE: {
        const tm_spf_node_t *child = tt->child;
        if (!tt->target || !own_name(m, tt->target))
            break;
        if (!child || child->status != TM_SPF_NODE_OK || !child->record)
            return false;
        const tm_spf_record_t *rec = child->record;
        /* redirect= would decide what the include matches; +all would make
         * it match everything (section 5.2). */
        if ((rec->redirect && !rec->all) || (rec->all && rec->all->qualifier == TM_SPF_Q_PASS))
            return false;
        for (size_t k = 0; k < child->nterms && *st == TM_OK; k++) {
            const tm_spf_tterm_t *ct = &child->terms[k];
            tm_spf_kind_t kind = ct->term->kind;
            if (kind == TM_SPF_ALL)
                break; /* nothing after all is ever evaluated */
            if (kind == TM_SPF_REDIRECT || kind == TM_SPF_EXP || kind == TM_SPF_UNKNOWN_MOD)
                continue;
            if (ct->term->qualifier != TM_SPF_Q_PASS || !expand(m, ct, q, false, out, cost, st))
                return false;
        }
        return true;
    }
    case TM_SPF_EXISTS: break;
    default: return false;
    }
    /* Not the customer's: at the top it is not flattened at all; inside
     * their include it stays as a term of its own. */
    if (top || t->kind == TM_SPF_PTR)
        return false;
    *cost += tt->lookups;
    *st = push_kept(out, tt, q);
    return true;
}

/* ---- the plan: what becomes of each term of the apex ------------------------ */

typedef enum { P_KEEP = 0, P_DROP, P_FLAT } pstate_t;

typedef struct {
    pstate_t state;
    tm_spf_remedy_drop_t why;
    bool candidate;    /* flattening saves lookups */
    rlist_t flat;      /* what it becomes when flattened */
    unsigned flat_cost;
} pterm_t;

static bool is_include_of(const tm_spf_tterm_t *t, const char *name)
{
    return name && t->term->kind == TM_SPF_INCLUDE && t->target && tm_name_equal(t->target, name);
}

/* Step 1 without a proof: what costs lookups and cannot authorise anything. */
static void plan_drops(const rem_t *m, pterm_t *plan)
{
    const tm_spf_node_t *root = m->root;
    for (size_t i = 0; i < root->nterms; i++) {
        const tm_spf_tterm_t *t = &root->terms[i];
        tm_spf_kind_t kind = t->term->kind;
        tm_spf_remedy_drop_t why = 0;
        if (kind == TM_SPF_INCLUDE && t->target) {
            /* The same include again matches only what the first did. */
            for (size_t k = 0; k < i && !why; k++) {
                if (plan[k].state != P_DROP && is_include_of(&root->terms[k], t->target))
                    why = TM_REMEDY_DROP_REPEAT;
            }
            if (!why && ((t->flags & TM_SPF_TF_BAD_TARGET) ||
                         (t->child && t->child->status == TM_SPF_NODE_NO_RECORD)))
                why = TM_REMEDY_DROP_NO_RECORD;
        } else if (kind == TM_SPF_PTR) {
            why = TM_REMEDY_DROP_PTR;
        } else if ((kind == TM_SPF_A || kind == TM_SPF_MX || kind == TM_SPF_EXISTS) &&
                   (t->flags & TM_SPF_TF_VOID) &&
                   (t->outcome == TM_DNS_NXDOMAIN || (t->flags & TM_SPF_TF_BAD_TARGET))) {
            why = TM_REMEDY_DROP_DEAD;
        }
        if (why) {
            plan[i].state = P_DROP;
            plan[i].why = why;
        }
    }
}

/* The terms of the proposal, in the published order. */
static tm_status_t plan_terms(const rem_t *m, const pterm_t *plan, rlist_t *out)
{
    tm_status_t st = TM_OK;
    for (size_t i = 0; i < m->root->nterms && st == TM_OK; i++) {
        const tm_spf_tterm_t *t = &m->root->terms[i];
        if (plan[i].state == P_DROP)
            continue;
        if (plan[i].state == P_FLAT) {
            st = rlist_copy(out, &plan[i].flat);
            continue;
        }
        bool movable = (t->term->kind == TM_SPF_IP4 || t->term->kind == TM_SPF_IP6) &&
                       t->term->qualifier == TM_SPF_Q_PASS;
        st = rlist_take(out, tm_strdup(t->term->text), t->lookups, movable ? &t->term->net : NULL);
    }
    if (st == TM_OK)
        rlist_tidy(out);
    return st;
}

static unsigned terms_lookups(const rlist_t *l)
{
    unsigned n = 0;
    for (size_t i = 0; i < l->count; i++)
        n += l->items[i].lookups;
    return n;
}

static tm_status_t join(const rlist_t *l, bool (*pick)(const rterm_t *), tm_buf_t *out)
{
    tm_status_t st = tm_buf_puts(out, "v=spf1");
    for (size_t i = 0; i < l->count && st == TM_OK; i++) {
        if (!pick || pick(&l->items[i]))
            st = tm_buf_printf(out, " %s", l->items[i].text);
    }
    return st;
}

/* ---- layout (step 3) -------------------------------------------------------------- */

typedef struct {
    tm_buf_t apex;
    tm_buf_t chain[CHAIN_MAX];
    char owner[CHAIN_MAX][TM_NAME_MAX + 1];
    size_t nchain;
    unsigned lookups;  /* estimated from the tree, the chain's own included */
    bool fits;         /* every answer within 512 bytes */
} layout_t;

static void layout_init(layout_t *L)
{
    memset(L, 0, sizeof(*L));
    tm_buf_init(&L->apex);
    for (size_t i = 0; i < CHAIN_MAX; i++)
        tm_buf_init(&L->chain[i]);
}

static void layout_clear(layout_t *L)
{
    tm_buf_clear(&L->apex);
    for (size_t i = 0; i < CHAIN_MAX; i++)
        tm_buf_clear(&L->chain[i]);
    layout_init(L);
}

static bool record_fits(const char *owner, const char *record, size_t len)
{
    size_t rdata = tm_spf_rdata_len(record, len);
    return tm_txt_answer_size(owner, &rdata, 1) <= TM_UDP_ANSWER_MAX;
}

/* Whether a TXT record may be added at name: its TXT question was answered
 * (tm_spf_remedy_needs asks it) and the name has no TXT record, no CNAME
 * (nothing may stand beside one, RFC 1034 section 3.6.2) and no wildcard
 * answering for it.  A name whose answer is unknown or failed is taken as
 * used: a second SPF record there would make both a permerror (RFC 7208
 * section 4.5), so the Fix never guesses. */
static bool txt_name_free(const tm_check_ctx_t *ctx, const char *name)
{
    const tm_answer_t *ans = tm_rrset_get(ctx->rrset, name, TM_RR_TXT);
    if (!ans || ans->canonical)
        return false;
    return ans->outcome == TM_DNS_NXDOMAIN ||
           ((ans->outcome == TM_DNS_NODATA || ans->outcome == TM_DNS_NOERROR) && ans->count == 0);
}

/* The name of chain link k: _spfK.<domain> (CHAIN_NAMES_ASKED of them are
 * asked, tm_spf_remedy_needs).  False when it is too long. */
static bool chain_name(const tm_check_ctx_t *ctx, size_t k, char out[TM_NAME_MAX + 1])
{
    int n = snprintf(out, TM_NAME_MAX + 1, "_spf%zu.%s", k, ctx->domain);
    return n >= 0 && n <= TM_NAME_MAX;
}

/* A name for link k of the chain that the tree, the answers and the zone
 * do not use already. */
static bool chain_owner(const rem_t *m, size_t *next, char out[TM_NAME_MAX + 1])
{
    for (; *next <= CHAIN_NAMES_ASKED; (*next)++) {
        if (!chain_name(m->ctx, *next, out))
            return false;
        bool used = !txt_name_free(m->ctx, out);
        for (size_t i = 0; !used && m->a->tree && i < m->a->tree->nnodes; i++)
            used = tm_name_equal(m->a->tree->nodes[i]->domain, out);
        if (!used) {
            (*next)++;
            return true;
        }
    }
    return false;
}

/* The records for the terms: one apex record when its answer fits 512
 * bytes; else its '+' ip4:/ip6: terms move, in order, into _spf1, _spf2...
 * (each an include of the next), included where the first of them stood. */
static tm_status_t layout(const rem_t *m, const rlist_t *terms, layout_t *L)
{
    layout_clear(L);
    tm_status_t st = join(terms, NULL, &L->apex);
    if (st != TM_OK)
        return st;
    L->lookups = terms_lookups(terms);
    size_t size;
    if ((st = tm_spf_apex_answer_size(m->ctx, L->apex.data, L->apex.len, &size)) != TM_OK)
        return st;
    if (size <= TM_UDP_ANSWER_MAX) {
        L->fits = true;
        return TM_OK;
    }
    size_t first = terms->count, next_name = 1;
    for (size_t i = 0; i < terms->count && first == terms->count; i++) {
        if (terms->items[i].movable)
            first = i;
    }
    if (first == terms->count)
        return TM_OK; /* nothing can move: does not fit */
    if (!chain_owner(m, &next_name, L->owner[0]))
        return TM_OK;
    L->nchain = 1;
    st = tm_buf_puts(&L->chain[0], "v=spf1");
    for (size_t i = 0; i < terms->count && st == TM_OK; i++) {
        const rterm_t *t = &terms->items[i];
        if (!t->movable)
            continue;
        tm_buf_t *cur = &L->chain[L->nchain - 1];
        /* Room for this term and for the include of a next link (whose
         * name is at most as long as this one's plus a digit). */
        tm_buf_t probe;
        tm_buf_init(&probe);
        st = tm_buf_printf(&probe, "%s %s include:%s0", cur->data, t->text,
                           L->owner[L->nchain - 1]);
        bool room = st == TM_OK && record_fits(L->owner[L->nchain - 1], probe.data, probe.len);
        tm_buf_clear(&probe);
        if (st != TM_OK)
            return st;
        if (!room && cur->len > strlen("v=spf1")) {
            if (L->nchain == CHAIN_MAX || !chain_owner(m, &next_name, L->owner[L->nchain]))
                return TM_OK;
            st = tm_buf_printf(cur, " include:%s", L->owner[L->nchain]);
            L->nchain++;
            cur = &L->chain[L->nchain - 1];
            if (st == TM_OK)
                st = tm_buf_puts(cur, "v=spf1");
        }
        if (st == TM_OK)
            st = tm_buf_printf(cur, " %s", t->text);
    }
    if (st != TM_OK)
        return st;
    /* The apex: the other terms, the first link where the moved ones began. */
    tm_buf_t apex;
    tm_buf_init(&apex);
    st = tm_buf_puts(&apex, "v=spf1");
    for (size_t i = 0; i < terms->count && st == TM_OK; i++) {
        if (i == first)
            st = tm_buf_printf(&apex, " include:%s", L->owner[0]);
        else if (!terms->items[i].movable)
            st = tm_buf_printf(&apex, " %s", terms->items[i].text);
    }
    if (st == TM_OK) {
        tm_buf_clear(&L->apex);
        L->apex = apex;
        L->lookups += (unsigned)L->nchain;
        st = tm_spf_apex_answer_size(m->ctx, L->apex.data, L->apex.len, &size);
        L->fits = st == TM_OK && size <= TM_UDP_ANSWER_MAX;
        for (size_t k = 0; k < L->nchain && L->fits; k++)
            L->fits = record_fits(L->owner[k], L->chain[k].data, L->chain[k].len);
    } else {
        tm_buf_clear(&apex);
    }
    return st;
}

/* ---- the answers a proposal would give ----------------------------------------- */

/* ctx's answers with the apex record (and the chain) of the layout. */
static tm_status_t proposal_rrset(const rem_t *m, const layout_t *L, tm_rrset_t **out)
{
    tm_answer_t *answers[CHAIN_MAX + 1];
    size_t n = 0;
    answers[n++] = tm_spf_apex_answer(m->ctx, L->apex.data, L->apex.len);
    for (size_t k = 0; k < L->nchain; k++) {
        const char *rec = L->chain[k].data;
        size_t len = L->chain[k].len;
        answers[n++] = tm_spf_txt_answer(L->owner[k], RECORD_TTL, &rec, &len, 1);
    }
    for (size_t i = 0; i < n; i++) {
        if (!answers[i]) {
            for (size_t k = 0; k < n; k++)
                tm_answer_unref(answers[k]);
            return TM_ENOMEM;
        }
    }
    return tm_rrset_patched(m->ctx->rrset, answers, n, out);
}

/* The reference of the proof: today's record without the terms that
 * cannot authorise anything but make receivers stop (an include of a name
 * without a record, permerror; ptr, which RFC 7208 section 5.5 says not to
 * use), read without the limit of 10. */
static tm_status_t reference_rrset(const rem_t *m, const pterm_t *plan, tm_rrset_t **out)
{
    pterm_t *ref = tm_calloc(m->root->nterms ? m->root->nterms : 1, sizeof(*ref));
    if (!ref)
        return TM_ENOMEM;
    for (size_t i = 0; i < m->root->nterms; i++) {
        bool stops = plan[i].state == P_DROP && (plan[i].why == TM_REMEDY_DROP_NO_RECORD ||
                                                  plan[i].why == TM_REMEDY_DROP_PTR);
        ref[i].state = stops ? P_DROP : P_KEEP;
    }
    rlist_t terms = {0};
    tm_buf_t text;
    tm_buf_init(&text);
    tm_status_t st = plan_terms(m, ref, &terms);
    if (st == TM_OK)
        st = join(&terms, NULL, &text);
    tm_answer_t *ans = st == TM_OK ? tm_spf_apex_answer(m->ctx, text.data, text.len) : NULL;
    if (st == TM_OK)
        st = ans ? tm_rrset_patched(m->ctx->rrset, &ans, 1, out) : TM_ENOMEM;
    tm_buf_clear(&text);
    rlist_clear(&terms);
    tm_free(ref);
    return st;
}

/* The proposal's own tree, as the checks would count it once published:
 * *valid when it is complete and nothing in it is broken; its counts go
 * to r, its networks to nets. */
static tm_status_t proposal_tree(const rem_t *m, const tm_rrset_t *after, tm_spf_remedy_t *r,
                                 tm_spf_nets_t *nets, bool *valid)
{
    tm_spf_analysis_t *a2 = NULL;
    *valid = false;
    tm_status_t st = tm_spf_analysis_build(after, m->ctx->domain, m->ctx->rules, NULL, &a2);
    if (st != TM_OK)
        return st;
    if (a2->complete && a2->nrecords == 1 && a2->syntax_ok && !a2->lower_bound && a2->tree) {
        r->lookups_after = a2->lookups;
        r->void_after = a2->void_lookups;
        *valid = a2->void_lookups <= TM_SPF_VOID_LIMIT && a2->bad_targets == 0 &&
                 a2->loops == 0 && a2->dns_errors == 0 && a2->offline_unknown == 0 &&
                 a2->syntax_errors == 0 && !a2->mx_overflow;
        st = tm_spf_nets_from_tree(nets, a2->tree, after);
    }
    tm_spf_analysis_destroy(a2);
    return st;
}

/* Proves the plan laid out as L against the reference: *proven when the
 * proposal's tree is sound, needs at most TM_REMEDY_LOOKUPS_MAX lookups
 * (unless !count), and passes exactly the reference's addresses. */
static tm_status_t prove_layout(const rem_t *m, const layout_t *L, const tm_rrset_t *reference,
                                bool count, tm_spf_remedy_t *r, bool *proven)
{
    tm_rrset_t *after = NULL;
    tm_spf_nets_t nets;
    tm_spf_nets_init(&nets);
    *proven = false;
    bool valid = false;
    tm_status_t st = proposal_rrset(m, L, &after);
    if (st == TM_OK)
        st = tm_spf_nets_from_tree(&nets, m->a->tree, m->ctx->rrset);
    if (st == TM_OK)
        st = proposal_tree(m, after, r, &nets, &valid);
    if (count && r->lookups_after > TM_REMEDY_LOOKUPS_MAX)
        valid = false;
    unsigned limit = m->a->lookups > TM_SPF_LOOKUP_LIMIT ? m->a->lookups : TM_SPF_LOOKUP_LIMIT;
    tm_spf_proof_input_t in = {reference, after, limit, 0, m->ctx->domain, &nets,
                               m->ctx->rules, NULL};
    if (st == TM_OK && valid)
        st = tm_spf_prove(&in, &r->proof);
    *proven = st == TM_OK && valid && r->proof.complete && r->proof.same;
    tm_spf_nets_clear(&nets);
    tm_rrset_destroy(after);
    return st;
}

/* ---- steps 1 and 2 --------------------------------------------------------------- */

static tm_status_t estimate(const rem_t *m, const pterm_t *plan, layout_t *L)
{
    rlist_t terms = {0};
    tm_status_t st = plan_terms(m, plan, &terms);
    if (st == TM_OK)
        st = layout(m, &terms, L);
    rlist_clear(&terms);
    return st;
}

/* An include whose every address another term authorises: dropped when
 * the proof shows the record means the same without it. */
static tm_status_t drop_covered(const rem_t *m, pterm_t *plan, const tm_rrset_t *reference,
                                layout_t *L)
{
    tm_status_t st = TM_OK;
    for (size_t i = 0; i < m->root->nterms && st == TM_OK; i++) {
        const tm_spf_tterm_t *t = &m->root->terms[i];
        if (L->lookups <= TM_REMEDY_LOOKUPS_MAX)
            break;
        if (plan[i].state != P_KEEP || t->term->kind != TM_SPF_INCLUDE || t->lookups == 0 ||
            !t->target || tm_rules_spf_vendor_managed(m->ctx->rules, t->target))
            continue;
        plan[i].state = P_DROP;
        plan[i].why = TM_REMEDY_DROP_COVERED;
        layout_t trial;
        layout_init(&trial);
        bool proven = false;
        tm_spf_remedy_t scratch;
        tm_spf_remedy_init(&scratch);
        st = estimate(m, plan, &trial);
        /* Only the meaning matters here, not yet the count. */
        if (st == TM_OK)
            st = prove_layout(m, &trial, reference, false, &scratch, &proven);
        if (st == TM_OK && !proven) {
            plan[i].state = P_KEEP;
            plan[i].why = 0;
        } else if (st == TM_OK) {
            layout_clear(L);
            *L = trial;
            layout_init(&trial);
        }
        layout_clear(&trial);
        tm_spf_remedy_clear(&scratch);
    }
    return st;
}

/* An own a or mx term whose hosts' addresses (A and AAAA) are not all in:
 * it could be flattened once they are. */
static bool addresses_unknown(const rem_t *m, const tm_spf_tterm_t *t)
{
    if (!t->target || !own_name(m, t->target))
        return false;
    if (t->term->kind == TM_SPF_A)
        return !host_known(m->ctx->rrset, t->target);
    const tm_answer_t *mx = tm_rrset_get(m->ctx->rrset, t->target, TM_RR_MX);
    for (size_t i = 0; mx && mx->outcome == TM_DNS_NOERROR && i < mx->count; i++) {
        const char *host = mx->rrs[i].u.mx.host;
        if (host[0] && own_name(m, host) && !host_known(m->ctx->rrset, host))
            return true;
    }
    return false;
}

static tm_status_t find_candidates(const rem_t *m, pterm_t *plan, bool *unknown)
{
    tm_status_t st = TM_OK;
    *unknown = false;
    for (size_t i = 0; i < m->root->nterms && st == TM_OK; i++) {
        const tm_spf_tterm_t *t = &m->root->terms[i];
        tm_spf_kind_t kind = t->term->kind;
        if (plan[i].state != P_KEEP || t->lookups == 0 ||
            (kind != TM_SPF_A && kind != TM_SPF_MX && kind != TM_SPF_INCLUDE))
            continue;
        unsigned cost = 0;
        bool ok = expand(m, t, t->term->qualifier, true, &plan[i].flat, &cost, &st);
        if (st == TM_OK && ok && cost < t->lookups) {
            rlist_tidy(&plan[i].flat);
            plan[i].candidate = true;
            plan[i].flat_cost = cost;
        } else {
            rlist_clear(&plan[i].flat);
            if (kind != TM_SPF_INCLUDE && addresses_unknown(m, t))
                *unknown = true;
        }
    }
    return st;
}

/* The candidate that saves the most lookups, the first of equals. */
static size_t best_candidate(const rem_t *m, const pterm_t *plan)
{
    size_t best = m->root->nterms;
    unsigned best_saving = 0;
    for (size_t i = 0; i < m->root->nterms; i++) {
        if (plan[i].state != P_KEEP || !plan[i].candidate)
            continue;
        unsigned saving = m->root->terms[i].lookups - plan[i].flat_cost;
        if (saving > best_saving) {
            best = i;
            best_saving = saving;
        }
    }
    return best;
}

/* ---- the result --------------------------------------------------------------------- */

void tm_spf_remedy_init(tm_spf_remedy_t *r) { memset(r, 0, sizeof(*r)); }

void tm_spf_remedy_clear(tm_spf_remedy_t *r)
{
    for (size_t i = 0; i < r->nrecords; i++) {
        tm_free(r->records[i].owner);
        tm_free(r->records[i].text);
    }
    tm_free(r->records);
    for (size_t i = 0; i < r->nterms; i++)
        tm_free(r->terms[i].networks);
    tm_free(r->terms);
    tm_spf_remedy_init(r);
}

static tm_status_t fill_terms(const rem_t *m, const pterm_t *plan, tm_spf_remedy_t *r)
{
    const tm_rules_t *rules = m->ctx->rules;
    r->terms = tm_calloc(m->root->nterms ? m->root->nterms : 1, sizeof(*r->terms));
    if (!r->terms)
        return TM_ENOMEM;
    r->nterms = m->root->nterms;
    for (size_t i = 0; i < m->root->nterms; i++) {
        const tm_spf_tterm_t *t = &m->root->terms[i];
        tm_spf_remedy_term_t *out = &r->terms[i];
        out->text = t->term->text;
        out->lookups = t->lookups;
        out->dropped = plan[i].state == P_DROP ? plan[i].why : 0;
        out->flattened = plan[i].state == P_FLAT;
        const char *target = t->term->kind == TM_SPF_INCLUDE ? t->target : NULL;
        const tm_rules_cloud_t *sender = tm_rules_spf_sender_for(rules, target);
        out->sender = sender ? sender->name : NULL;
        out->vendor = tm_rules_spf_vendor_managed(rules, target);
        out->tmems = target && ((rules->spf_include && tm_name_equal(target, rules->spf_include)) ||
                                (rules->spf_legacy && tm_name_equal(target, rules->spf_legacy)));
        out->kind = t->term->kind;
        out->macro = t->term->has_macro;
        out->own = own_name(m, t->target);
        /* An mx term is the customer's when its hosts are. */
        const tm_answer_t *mx = t->term->kind == TM_SPF_MX && t->target
                                    ? tm_rrset_get(m->ctx->rrset, t->target, TM_RR_MX)
                                    : NULL;
        for (size_t h = 0; mx && mx->outcome == TM_DNS_NOERROR && h < mx->count; h++)
            out->own = out->own && own_name(m, mx->rrs[h].u.mx.host);
        out->candidate = plan[i].candidate;
        if (!out->flattened)
            continue;
        tm_buf_t nets;
        tm_buf_init(&nets);
        tm_status_t st = tm_buf_puts(&nets, "");
        for (size_t k = 0; k < plan[i].flat.count && st == TM_OK; k++)
            st = tm_buf_printf(&nets, "%s%s", k ? " " : "", plan[i].flat.items[k].text);
        out->networks = st == TM_OK ? tm_buf_take(&nets) : NULL;
        tm_buf_clear(&nets);
        if (!out->networks)
            return TM_ENOMEM;
    }
    return TM_OK;
}

static tm_status_t fill_records(const layout_t *L, const char *domain, tm_spf_remedy_t *r)
{
    r->records = tm_calloc(L->nchain + 1, sizeof(*r->records));
    if (!r->records)
        return TM_ENOMEM;
    for (size_t k = 0; k <= L->nchain; k++) {
        bool apex = k == L->nchain;
        r->records[k].owner = tm_strdup(apex ? domain : L->owner[k]);
        r->records[k].text = tm_strdup(apex ? L->apex.data : L->chain[k].data);
        r->nrecords++;
        if (!r->records[k].owner || !r->records[k].text)
            return TM_ENOMEM;
    }
    r->chain = L->nchain;
    return TM_OK;
}

/* The tree is known to the end: nothing offline, failed, cut or broken. */
static bool tree_known(const tm_spf_analysis_t *a)
{
    return a && a->complete && a->tree && a->nrecords == 1 && a->syntax_ok && !a->partial &&
           !a->lower_bound && a->offline_unknown == 0 && a->dns_errors == 0 && a->loops == 0 &&
           a->tree->root->status == TM_SPF_NODE_OK && a->tree->root->record;
}

tm_status_t tm_spf_remedy_compute(const tm_check_ctx_t *ctx, tm_spf_remedy_t *r)
{
    tm_spf_remedy_clear(r);
    const tm_spf_analysis_t *a = ctx->spf;
    if (!tree_known(a) || a->lookups <= TM_SPF_LOOKUP_LIMIT)
        return TM_OK;
    rem_t m = {ctx, a, a->tree->root, r};
    r->lookups_before = a->lookups;
    pterm_t *plan = tm_calloc(m.root->nterms ? m.root->nterms : 1, sizeof(*plan));
    if (!plan)
        return TM_ENOMEM;
    tm_rrset_t *reference = NULL;
    layout_t L;
    layout_init(&L);
    plan_drops(&m, plan);
    tm_status_t st = reference_rrset(&m, plan, &reference);
    if (st == TM_OK)
        st = estimate(&m, plan, &L);
    if (st == TM_OK && L.lookups > TM_REMEDY_LOOKUPS_MAX)
        st = drop_covered(&m, plan, reference, &L);
    bool unknown = false;
    if (st == TM_OK)
        st = find_candidates(&m, plan, &unknown);
    while (st == TM_OK && (L.lookups > TM_REMEDY_LOOKUPS_MAX || !L.fits)) {
        size_t next = best_candidate(&m, plan);
        if (next == m.root->nterms)
            break;
        plan[next].state = P_FLAT;
        st = estimate(&m, plan, &L);
    }
    bool proven = false;
    if (st == TM_OK)
        st = fill_terms(&m, plan, r);
    if (st == TM_OK && L.fits && L.lookups <= TM_REMEDY_LOOKUPS_MAX) {
        st = prove_layout(&m, &L, reference, true, r, &proven);
        if (st == TM_OK && proven)
            st = fill_records(&L, ctx->domain, r);
        r->status = proven ? TM_REMEDY_FITS : TM_REMEDY_UNPROVEN;
    } else if (st == TM_OK) {
        r->lookups_best = L.lookups;
        r->too_big = !L.fits;
        r->status = L.fits ? TM_REMEDY_CHOICE : TM_REMEDY_UNPROVEN;
        /* Not a choice between senders while the addresses of some of the
         * customer's own hosts are unknown: the caller says what it can. */
        if (unknown)
            r->status = TM_REMEDY_NONE;
    }
    layout_clear(&L);
    tm_rrset_destroy(reference);
    for (size_t i = 0; i < m.root->nterms; i++)
        rlist_clear(&plan[i].flat);
    tm_free(plan);
    if (st != TM_OK)
        tm_spf_remedy_clear(r);
    return st;
}

/* ---- what to fetch -------------------------------------------------------------------- */

static tm_status_t host_needs(const tm_check_ctx_t *ctx, const char *host, tm_questions_t *need)
{
    tm_status_t st = tm_questions_add(need, ctx->rrset, host, TM_RR_A);
    return st == TM_OK ? tm_questions_add(need, ctx->rrset, host, TM_RR_AAAA) : st;
}

tm_status_t tm_spf_remedy_needs(const tm_check_ctx_t *ctx, tm_questions_t *need)
{
    const tm_spf_analysis_t *a = ctx->spf;
    if (!tree_known(a) || a->lookups <= TM_SPF_LOOKUP_LIMIT ||
        !tm_check_selected("spf.lookups", ctx->opts->only, ctx->opts->skip))
        return TM_OK;
    tm_status_t st = TM_OK;
    /* The names a chain of records may take: the zone may hold some already
     * (a record left from an earlier flattening), which the tree does not
     * show when nothing includes them. */
    for (size_t k = 1; k <= CHAIN_NAMES_ASKED && st == TM_OK; k++) {
        char name[TM_NAME_MAX + 1];
        if (chain_name(ctx, k, name))
            st = tm_questions_add(need, ctx->rrset, name, TM_RR_TXT);
    }
    /* A target built from the client address: the proof's evaluations of
     * each network's first and last address ask their own names. */
    if (tm_spf_tree_address_dependent(a->tree)) {
        tm_spf_nets_t nets;
        tm_spf_nets_init(&nets);
        st = tm_spf_nets_from_tree(&nets, a->tree, ctx->rrset);
        if (st == TM_OK)
            st = tm_spf_prove_needs(a->ctx, a->lookups, ctx->domain, &nets, need);
        tm_spf_nets_clear(&nets);
    }
    for (size_t i = 0; i < a->tree->nnodes && st == TM_OK; i++) {
        const tm_spf_node_t *node = a->tree->nodes[i];
        for (size_t k = 0; k < node->nterms && st == TM_OK; k++) {
            const tm_spf_tterm_t *t = &node->terms[k];
            if (!t->target || (t->term->kind != TM_SPF_A && t->term->kind != TM_SPF_MX))
                continue;
            if (t->term->kind == TM_SPF_A) {
                st = host_needs(ctx, t->target, need);
                continue;
            }
            const tm_answer_t *mx = tm_rrset_get(ctx->rrset, t->target, TM_RR_MX);
            for (size_t h = 0; mx && mx->outcome == TM_DNS_NOERROR && h < mx->count &&
                               h < TM_SPF_MX_LIMIT && st == TM_OK;
                 h++) {
                if (mx->rrs[h].u.mx.host[0])
                    st = host_needs(ctx, mx->rrs[h].u.mx.host, need);
            }
        }
    }
    return st;
}

/* ---- the Fix ------------------------------------------------------------------------- */

static const char *drop_reason(tm_spf_remedy_drop_t why)
{
    switch (why) {
    case TM_REMEDY_DROP_REPEAT: return _("it repeats an earlier include");
    case TM_REMEDY_DROP_NO_RECORD:
        return _("its target has no SPF record: receivers stop there with permerror");
    case TM_REMEDY_DROP_PTR: return _("ptr, which RFC 7208 section 5.5 says not to use");
    case TM_REMEDY_DROP_DEAD: return _("it names a host that does not exist");
    case TM_REMEDY_DROP_COVERED: return _("every address it authorises, another term does");
    }
    return "";
}

/* Why a term that costs lookups stays as it is. */
static const char *kept_reason(const tm_check_ctx_t *ctx, const tm_spf_remedy_term_t *t,
                               char *buf, size_t len)
{
    if (t->tmems && ctx->opts->outbound)
        return _("  (needed for TMEmS: keep)");
    if (t->sender) {
        snprintf(buf, len, _("  (%s, managed by its sender)"), t->sender);
        return buf;
    }
    if (t->vendor)
        return _("  (managed by its sender)");
    if (t->candidate)
        return "";
    if (t->macro)
        return _("  (has a macro: never flattened)");
    switch (t->kind) {
    case TM_SPF_EXISTS: return _("  (exists: never flattened)");
    case TM_SPF_REDIRECT: return _("  (redirect=: not flattened)");
    case TM_SPF_A:
    case TM_SPF_MX:
        return t->own ? _("  (names hosts whose addresses are not all known)")
                      : _("  (names hosts that are not your own)");
    case TM_SPF_INCLUDE:
        if (t->own)
            return _("  (its record is not a plain list of '+' terms: not flattened)");
        break;
    default: break;
    }
    return _("  (not your own: if you manage it, name its domain with --spf-own)");
}

static tm_status_t list_kept(const tm_check_ctx_t *ctx, const tm_spf_remedy_t *r,
                             tm_finding_t *out)
{
    tm_status_t st = TM_OK;
    for (size_t i = 0; i < r->nterms && st == TM_OK; i++) {
        const tm_spf_remedy_term_t *t = &r->terms[i];
        if (t->dropped || t->flattened || t->lookups == 0)
            continue;
        char buf[160];
        st = tm_finding_fix(out, "  %-3u %s%s", t->lookups, t->text,
                            kept_reason(ctx, t, buf, sizeof(buf)));
    }
    return st;
}

static tm_status_t say_choice(const tm_check_ctx_t *ctx, const tm_spf_remedy_t *r,
                              tm_finding_t *out)
{
    unsigned best = r->lookups_best;
    tm_status_t st = tm_finding_fix(
        out,
        dngettext(TM_TEXTDOMAIN,
                  "No record fits within %u DNS lookups while every sender stays: with your own "
                  "terms flattened into addresses the record still needs %u lookup.",
                  "No record fits within %u DNS lookups while every sender stays: with your own "
                  "terms flattened into addresses the record still needs %u lookups.",
                  best),
        TM_REMEDY_LOOKUPS_MAX, best);
    if (st == TM_OK)
        st = tm_finding_fix(out, _("Which sender to drop is your decision; each of these would "
                                   "save the lookups shown:"));
    if (st == TM_OK)
        st = list_kept(ctx, r, out);
    unsigned headroom = best - TM_REMEDY_LOOKUPS_MAX;
    if (st == TM_OK && best > TM_SPF_LOOKUP_LIMIT)
        st = tm_finding_fix(out,
                            dngettext(TM_TEXTDOMAIN,
                                      "Drop senders worth at least %u lookup (%u to get just "
                                      "within the limit), then run tmems-check again: it prints "
                                      "the record.",
                                      "Drop senders worth at least %u lookups (%u to get just "
                                      "within the limit), then run tmems-check again: it prints "
                                      "the record.",
                                      headroom),
                            headroom, best - TM_SPF_LOOKUP_LIMIT);
    else if (st == TM_OK)
        st = tm_finding_fix(out,
                            dngettext(TM_TEXTDOMAIN,
                                      "Drop senders worth at least %u lookup for headroom, then "
                                      "run tmems-check again: it prints the record.",
                                      "Drop senders worth at least %u lookups for headroom, then "
                                      "run tmems-check again: it prints the record.",
                                      headroom),
                            headroom);
    return st;
}

static tm_status_t say_unproven(const tm_check_ctx_t *ctx, const tm_spf_remedy_t *r,
                                tm_finding_t *out)
{
    tm_status_t st;
    if (r->too_big) {
        st = tm_finding_fix(out, _("No record is printed: flattened into addresses, the record "
                                   "does not fit in 512-byte answers even as a chain of _spfN "
                                   "records."));
    } else if (r->lookups_after > TM_REMEDY_LOOKUPS_MAX) {
        st = tm_finding_fix(out,
                            dngettext(TM_TEXTDOMAIN,
                                      "No record is printed: counted once laid out, the changed "
                                      "record would need %u lookup.",
                                      "No record is printed: counted once laid out, the changed "
                                      "record would need %u lookups.",
                                      r->lookups_after),
                            r->lookups_after);
    } else if (r->proof.complete && !r->proof.same) {
        char cidr[64];
        tm_cidr_format(&r->proof.diff, cidr, sizeof(cidr));
        st = tm_finding_fix(out,
                            _("No record is printed: the proof failed, check_host() gives %s "
                              "for %s today and %s with the changed record."),
                            tm_spf_result_name(r->proof.diff_before), cidr,
                            tm_spf_result_name(r->proof.diff_after));
    } else {
        st = tm_finding_fix(out, _("No record is printed: the changed record could not be "
                                   "proven to authorise the same addresses (some answers it "
                                   "needs are unknown)."));
    }
    if (st == TM_OK)
        st = tm_finding_fix(out, _("The terms that cost lookups and stay as they are:"));
    if (st == TM_OK)
        st = list_kept(ctx, r, out);
    return st;
}

static tm_status_t say_steps(const tm_spf_remedy_t *r, tm_finding_t *out)
{
    tm_status_t st = TM_OK;
    bool heading = false;
    for (size_t i = 0; i < r->nterms && st == TM_OK; i++) {
        const tm_spf_remedy_term_t *t = &r->terms[i];
        if (!t->dropped)
            continue;
        if (!heading)
            st = tm_finding_fix(out, _("Removed, since they authorise nothing:"));
        heading = true;
        if (st == TM_OK)
            st = tm_finding_fix(out, "  %s  (%s)", t->text, drop_reason(t->dropped));
    }
    heading = false;
    for (size_t i = 0; i < r->nterms && st == TM_OK; i++) {
        const tm_spf_remedy_term_t *t = &r->terms[i];
        if (!t->flattened)
            continue;
        if (!heading)
            st = tm_finding_fix(out, _("Replaced by the addresses your own hosts resolve to "
                                       "today:"));
        heading = true;
        /* "=": the same addresses (fix_closure.py reads such a line as
         * naming nothing wrong). */
        if (st == TM_OK)
            st = tm_finding_fix(out, "  %s = %s", t->text,
                                t->networks && t->networks[0] ? t->networks : _("(no address)"));
    }
    return st;
}

static tm_status_t say_fits(const tm_spf_remedy_t *r, tm_finding_t *out)
{
    tm_status_t st = tm_finding_fix(
        out,
        dngettext(TM_TEXTDOMAIN,
                  "A record that fits, with every sender kept: it needs %u DNS lookup (%u today).",
                  "A record that fits, with every sender kept: it needs %u DNS lookups (%u today).",
                  r->lookups_after),
        r->lookups_after, r->lookups_before);
    if (st == TM_OK)
        st = say_steps(r, out);
    if (st == TM_OK && r->chain > 0)
        st = tm_finding_fix(
            out,
            dngettext(TM_TEXTDOMAIN,
                      "The record is too long for one 512-byte answer: its ip4:/ip6: terms go "
                      "into %zu record, included from the apex (its lookup is counted). Publish "
                      "it first:",
                      "The record is too long for one 512-byte answer: its ip4:/ip6: terms go "
                      "into a chain of %zu records, each included by the one before (their "
                      "lookups are counted). Publish them first:",
                      r->chain),
            r->chain);
    for (size_t i = 0; i < r->nrecords && st == TM_OK; i++) {
        const tm_spf_remedy_record_t *rec = &r->records[i];
        if (i == r->chain && r->chain > 0)
            st = tm_finding_fix(out, _("Then the record of the domain itself:"));
        if (st == TM_OK)
            st = tm_spf_zone_line(rec->owner, RECORD_TTL, rec->text, strlen(rec->text), out);
    }
    const tm_spf_proof_t *p = &r->proof;
    tm_buf_t counts;
    tm_buf_init(&counts);
    if (st == TM_OK)
        st = tm_buf_printf(&counts,
                           dngettext(TM_TEXTDOMAIN, "%llu IPv4 address", "%llu IPv4 addresses",
                                     (unsigned long)p->v4_addresses),
                           (unsigned long long)p->v4_addresses);
    if (st == TM_OK && p->v6_networks)
        st = tm_buf_printf(&counts, dngettext(TM_TEXTDOMAIN, ", %zu IPv6 network",
                                              ", %zu IPv6 networks", p->v6_networks),
                           p->v6_networks);
    if (st == TM_OK && p->boundary_only)
        st = tm_buf_printf(&counts,
                           dngettext(TM_TEXTDOMAIN,
                                     "; %zu network tested at its first and last address only, "
                                     "since a term depends on the client address",
                                     "; %zu networks tested at their first and last address "
                                     "only, since a term depends on the client address",
                                     p->boundary_only),
                           p->boundary_only);
    if (st == TM_OK)
        st = tm_finding_fix(
            out,
            dngettext(TM_TEXTDOMAIN,
                      "Proof: check_host() gives pass to exactly the addresses today's record "
                      "authorises (read without the limit of 10), over the %zu network the "
                      "trees name and the data-center ranges, address by address (%s).",
                      "Proof: check_host() gives pass to exactly the addresses today's record "
                      "authorises (read without the limit of 10), over the %zu networks the "
                      "trees name and the data-center ranges, address by address (%s).",
                      p->networks),
            p->networks, counts.data);
    tm_buf_clear(&counts);
    bool flattened = false;
    for (size_t i = 0; i < r->nterms; i++)
        flattened |= r->terms[i].flattened;
    if (st == TM_OK && flattened)
        st = tm_finding_fix(out, _("The ip4:/ip6: terms are copies of today's addresses: when a "
                                   "flattened host gets another address, the copy goes stale and "
                                   "its mail fails SPF. Keep today's record as the source in your "
                                   "zone repository and run tmems-check on it in CI (docs/ci.md, "
                                   "\"SPF flattening\"): the proof is redone with the current "
                                   "addresses, so the records printed change when they drift."));
    return st;
}

tm_status_t tm_spf_remedy_fix(const tm_check_ctx_t *ctx, tm_finding_t *out, bool *written)
{
    tm_spf_remedy_t r;
    tm_spf_remedy_init(&r);
    *written = false;
    tm_status_t st = tm_spf_remedy_compute(ctx, &r);
    if (st == TM_OK) {
        *written = r.status != TM_REMEDY_NONE;
        switch (r.status) {
        case TM_REMEDY_FITS: st = say_fits(&r, out); break;
        case TM_REMEDY_CHOICE: st = say_choice(ctx, &r, out); break;
        case TM_REMEDY_UNPROVEN: st = say_unproven(ctx, &r, out); break;
        case TM_REMEDY_NONE: break;
        }
    }
    tm_spf_remedy_clear(&r);
    return st;
}


