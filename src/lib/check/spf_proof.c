/* spf_proof.c - the proof of a changed SPF record: the same check_host()
 * the checks use (RFC 7208 sections 4 to 6), run over whole networks with
 * tm_spf_range_eval, which evaluates a block at once and splits it only
 * where a term tells its addresses apart.  Two runs agree when every
 * address passes in both or in neither. */
#include <stdlib.h>
#include <string.h>

#include "spf_proof.h"

void tm_spf_nets_init(tm_spf_nets_t *n) { memset(n, 0, sizeof(*n)); }

void tm_spf_nets_clear(tm_spf_nets_t *n)
{
    tm_free(n->items);
    tm_spf_nets_init(n);
}

static void clear_host_bits(tm_cidr_t *net)
{
    unsigned bits = net->addr.family == 6 ? 128u : 32u;
    if (net->prefix > bits)
        net->prefix = (uint8_t)bits;
    for (unsigned i = net->prefix; i < bits; i++)
        net->addr.bytes[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
    if (net->addr.family == 4)
        memset(net->addr.bytes + 4, 0, 12);
}

static bool same_net(const tm_cidr_t *a, const tm_cidr_t *b)
{
    return a->addr.family == b->addr.family && a->prefix == b->prefix &&
           memcmp(a->addr.bytes, b->addr.bytes, 16) == 0;
}

tm_status_t tm_spf_nets_add(tm_spf_nets_t *n, const tm_cidr_t *net)
{
    tm_cidr_t c = *net;
    if (c.addr.family != 4 && c.addr.family != 6)
        return TM_EINVAL;
    clear_host_bits(&c);
    /* A tree names a few dozen networks: a linear search is enough. */
    for (size_t i = 0; i < n->count; i++) {
        if (same_net(&n->items[i], &c))
            return TM_OK;
    }
    if (n->count == n->cap) {
        tm_cidr_t *grown = tm_array_grow(n->items, &n->cap, sizeof(*grown), 16);
        if (!grown)
            return TM_ENOMEM;
        n->items = grown;
    }
    n->items[n->count++] = c;
    return TM_OK;
}

tm_status_t tm_spf_nets_of_host(tm_spf_nets_t *n, const tm_rrset_t *rrset, const char *host,
                                uint8_t cidr4, uint8_t cidr6)
{
    static const uint16_t types[] = {TM_RR_A, TM_RR_AAAA};
    tm_status_t st = TM_OK;
    for (size_t t = 0; t < 2 && st == TM_OK; t++) {
        const tm_answer_t *ans = tm_rrset_get(rrset, host, types[t]);
        if (!ans || ans->outcome != TM_DNS_NOERROR)
            continue;
        for (size_t i = 0; i < ans->count && st == TM_OK; i++) {
            const tm_rr_t *rr = &ans->rrs[i];
            if (rr->type != types[t])
                continue;
            tm_cidr_t c;
            memset(&c, 0, sizeof(c));
            if (rr->type == TM_RR_A) {
                c.addr.family = 4;
                memcpy(c.addr.bytes, rr->u.a, 4);
                c.prefix = cidr4;
            } else {
                c.addr.family = 6;
                memcpy(c.addr.bytes, rr->u.aaaa, 16);
                c.prefix = cidr6;
            }
            st = tm_spf_nets_add(n, &c);
        }
    }
    return st;
}

static tm_status_t nets_of_term(tm_spf_nets_t *n, const tm_spf_tterm_t *t, const tm_rrset_t *rrset)
{
    const tm_spf_term_t *term = t->term;
    switch (term->kind) {
    case TM_SPF_IP4:
    case TM_SPF_IP6: return tm_spf_nets_add(n, &term->net);
    case TM_SPF_A:
        return t->target ? tm_spf_nets_of_host(n, rrset, t->target, term->cidr4, term->cidr6)
                         : TM_OK;
    case TM_SPF_MX: {
        const tm_answer_t *mx = t->target ? tm_rrset_get(rrset, t->target, TM_RR_MX) : NULL;
        tm_status_t st = TM_OK;
        for (size_t i = 0; mx && mx->outcome == TM_DNS_NOERROR && i < mx->count && st == TM_OK;
             i++) {
            if (mx->rrs[i].type == TM_RR_MX && mx->rrs[i].u.mx.host[0])
                st = tm_spf_nets_of_host(n, rrset, mx->rrs[i].u.mx.host, term->cidr4,
                                         term->cidr6);
        }
        return st;
    }
    default: return TM_OK;
    }
}

tm_status_t tm_spf_nets_from_tree(tm_spf_nets_t *n, const tm_spf_tree_t *tree,
                                  const tm_rrset_t *rrset)
{
    tm_status_t st = TM_OK;
    for (size_t i = 0; tree && i < tree->nnodes && st == TM_OK; i++) {
        const tm_spf_node_t *node = tree->nodes[i];
        for (size_t k = 0; k < node->nterms && st == TM_OK; k++)
            st = nets_of_term(n, &node->terms[k], rrset);
    }
    return st;
}

/* ---- a patched copy of the answers ------------------------------------------ */

typedef struct {
    tm_rrset_t *set;
    tm_status_t st;
} copy_t;

static bool copy_answer(const tm_answer_t *ans, void *arg)
{
    copy_t *c = arg;
    /* The set keeps the first answer of a (name, type): a replacement put
     * in before wins over base's. */
    c->st = tm_rrset_put_own(c->set, tm_answer_ref((tm_answer_t *)ans));
    return c->st == TM_OK;
}

tm_status_t tm_rrset_patched(const tm_rrset_t *base, tm_answer_t *const *replace, size_t n,
                             tm_rrset_t **out)
{
    *out = NULL;
    tm_rrset_t *set = tm_rrset_create();
    size_t taken = 0;
    tm_status_t st = set ? TM_OK : TM_ENOMEM;
    for (; taken < n && st == TM_OK; taken++)
        st = tm_rrset_put_own(set, replace[taken]);
    for (size_t i = taken; i < n; i++)
        tm_answer_unref(replace[i]);
    if (st == TM_OK) {
        copy_t c = {set, TM_OK};
        tm_rrset_foreach(base, copy_answer, &c);
        st = c.st;
    }
    if (st != TM_OK) {
        tm_rrset_destroy(set);
        return st;
    }
    *out = set;
    return TM_OK;
}

/* ---- the proof ------------------------------------------------------------------ */

static unsigned prefix_min(unsigned a, unsigned b) { return a < b ? a : b; }

/* CIDR blocks either nest or are disjoint. */
static bool blocks_overlap(const tm_cidr_t *a, const tm_cidr_t *b)
{
    return a->addr.family == b->addr.family &&
           tm_ip_prefix_match(&a->addr, &b->addr, prefix_min(a->prefix, b->prefix));
}

static bool inside_any(const tm_spf_nets_t *nets, const tm_cidr_t *block)
{
    for (size_t i = 0; nets && i < nets->count; i++) {
        const tm_cidr_t *n = &nets->items[i];
        if (n->addr.family == block->addr.family && n->prefix <= block->prefix &&
            tm_ip_prefix_match(&n->addr, &block->addr, n->prefix))
            return true;
    }
    return false;
}

/* Both cover the same range in address order: every overlapping pair of
 * parts must agree on pass (an address of gain_ok may pass after only). */
static bool compare_parts(const tm_spf_range_t *x, const tm_spf_range_t *y,
                          const tm_spf_nets_t *gain_ok, tm_spf_proof_t *out)
{
    for (size_t i = 0; i < x->nparts; i++) {
        for (size_t j = 0; j < y->nparts; j++) {
            const tm_spf_subrange_t *p = &x->parts[i], *q = &y->parts[j];
            if (!blocks_overlap(&p->cidr, &q->cidr))
                continue;
            bool was = p->result == TM_SPF_PASS, is = q->result == TM_SPF_PASS;
            const tm_cidr_t *small = p->cidr.prefix >= q->cidr.prefix ? &p->cidr : &q->cidr;
            if (!was && is && inside_any(gain_ok, small))
                continue;
            if (was != is) {
                out->diff = p->cidr.prefix >= q->cidr.prefix ? p->cidr : q->cidr;
                out->diff_before = p->result;
                out->diff_after = q->result;
                return false;
            }
        }
    }
    return true;
}

typedef struct {
    uint32_t lo, hi;
} span_t;

static int span_order(const void *a, const void *b)
{
    const span_t *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static uint32_t v4_value(const tm_ip_t *ip)
{
    return (uint32_t)ip->bytes[0] << 24 | (uint32_t)ip->bytes[1] << 16 |
           (uint32_t)ip->bytes[2] << 8 | ip->bytes[3];
}

/* Distinct IPv4 addresses of the networks: their spans merged. */
static tm_status_t count_v4(const tm_cidr_t *nets, size_t n, uint64_t *out)
{
    *out = 0;
    span_t *spans = tm_calloc(n ? n : 1, sizeof(*spans));
    if (!spans)
        return TM_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (nets[i].addr.family != 4)
            continue;
        uint32_t lo = v4_value(&nets[i].addr);
        uint64_t size = tm_cidr_size_v4(&nets[i]);
        spans[k++] = (span_t){lo, (uint32_t)(lo + (size - 1))};
    }
    qsort(spans, k, sizeof(*spans), span_order);
    uint64_t total = 0;
    for (size_t i = 0; i < k;) {
        uint32_t lo = spans[i].lo, hi = spans[i].hi;
        for (i++; i < k && spans[i].lo <= hi + (uint64_t)1; i++) {
            if (spans[i].hi > hi)
                hi = spans[i].hi;
        }
        total += (uint64_t)hi - lo + 1;
    }
    tm_free(spans);
    *out = total;
    return TM_OK;
}

/* A temperror is an answer the tool does not have (offline and in no zone
 * file, or a DNS failure): what check_host() would give with it is
 * unknown, so nothing is proven there. */
static void no_temperror(const tm_spf_range_t *r, tm_spf_proof_t *out)
{
    for (size_t i = 0; i < r->nparts; i++) {
        if (r->parts[i].result == TM_SPF_TEMPERROR)
            out->complete = false;
    }
}

static tm_status_t eval_net(tm_spf_ctx_t *ctx, const tm_spf_query_t *q, const tm_cidr_t *net,
                            tm_spf_range_t *r, tm_spf_proof_t *out)
{
    tm_status_t st = tm_spf_range_eval(ctx, q, net, NULL, r);
    out->evaluations += r->evaluations;
    if (st == TM_ERANGE) {
        out->complete = false;
        return TM_OK;
    }
    if (st == TM_OK && !r->complete)
        out->complete = false;
    if (st == TM_OK)
        no_temperror(r, out);
    return st;
}

bool tm_spf_tree_address_dependent(const tm_spf_tree_t *tree)
{
    for (size_t i = 0; tree && i < tree->nnodes; i++) {
        const tm_spf_node_t *node = tree->nodes[i];
        for (size_t k = 0; k < node->nterms; k++) {
            const tm_spf_term_t *t = node->terms[k].term;
            if (t->has_macro && (t->macros & TM_SPF_MACRO_ADDRESS))
                return true;
        }
    }
    return false;
}

/* The first and the last address of a network. */
static void bounds(const tm_cidr_t *net, tm_cidr_t out[2])
{
    unsigned bits = net->addr.family == 6 ? 128u : 32u;
    out[0] = out[1] = *net;
    out[0].prefix = out[1].prefix = (uint8_t)bits;
    for (unsigned i = net->prefix; i < bits; i++)
        out[1].addr.bytes[i / 8] |= (uint8_t)(0x80u >> (i % 8));
}

static void query_for(tm_spf_query_t *q, const char *domain, unsigned limit)
{
    tm_spf_query_init(q);
    q->domain = q->helo = domain;
    /* Void lookups come from a, mx and exists terms and from the MX hosts
     * of mx terms: at most that many per DNS-querying term. */
    q->lookup_limit = limit;
    q->void_limit = limit ? limit * (TM_SPF_MX_LIMIT + 1) : 0;
}

static bool is_range(const tm_rules_t *rules, const tm_cidr_t *net)
{
    for (size_t i = 0; rules && i < rules->nranges; i++) {
        if (same_net(&rules->ranges[i].net, net))
            return true;
    }
    return false;
}

tm_status_t tm_spf_prove_needs(tm_spf_ctx_t *ctx, unsigned limit, const char *domain,
                               const tm_spf_nets_t *nets, tm_questions_t *need)
{
    tm_spf_query_t q;
    query_for(&q, domain, limit);
    tm_spf_eval_t ev;
    tm_spf_eval_init(&ev);
    tm_status_t st = TM_OK;
    for (size_t i = 0; nets && i < nets->count && st == TM_OK; i++) {
        tm_cidr_t ends[2];
        bounds(&nets->items[i], ends);
        for (size_t k = 0; k < 2 && st == TM_OK; k++) {
            q.ip = ends[k].addr;
            st = tm_spf_check_host_ctx(ctx, &q, need, &ev);
        }
    }
    tm_spf_eval_clear(&ev);
    return st;
}

/* The first and last address of net, one check_host each, as two parts. */
static tm_status_t eval_bounds(tm_spf_ctx_t *ctx, const tm_spf_query_t *base, const tm_cidr_t *net,
                               tm_spf_range_t *r, tm_spf_proof_t *out)
{
    tm_spf_range_clear(r);
    r->parts = tm_calloc(2, sizeof(*r->parts));
    if (!r->parts)
        return TM_ENOMEM;
    r->range = *net;
    r->complete = true;
    tm_cidr_t ends[2];
    bounds(net, ends);
    tm_spf_query_t q = *base;
    tm_spf_eval_t ev;
    tm_spf_eval_init(&ev);
    tm_status_t st = TM_OK;
    for (size_t k = 0; k < 2 && st == TM_OK; k++) {
        q.ip = ends[k].addr;
        st = tm_spf_check_host_ctx(ctx, &q, NULL, &ev);
        out->evaluations++;
        if (st == TM_OK && ev.state != TM_SPF_DONE)
            out->complete = false;
        r->parts[r->nparts++] = (tm_spf_subrange_t){ends[k], ev.result, ev.lookups,
                                                    ev.void_lookups, ev.offline_unknown};
    }
    tm_spf_eval_clear(&ev);
    if (st == TM_OK)
        no_temperror(r, out);
    return st;
}

tm_status_t tm_spf_prove(const tm_spf_proof_input_t *in, tm_spf_proof_t *out)
{
    const tm_rrset_t *before = in->before, *after = in->after;
    const char *domain = in->domain;
    const tm_spf_nets_t *nets = in->nets;
    const tm_rules_t *rules = in->rules;
    memset(out, 0, sizeof(*out));
    out->complete = out->same = true;
    tm_spf_nets_t all;
    tm_spf_nets_init(&all);
    tm_status_t st = TM_OK;
    for (size_t i = 0; nets && i < nets->count && st == TM_OK; i++)
        st = tm_spf_nets_add(&all, &nets->items[i]);
    for (size_t i = 0; rules && i < rules->nranges && st == TM_OK; i++) {
        st = tm_spf_nets_add(&all, &rules->ranges[i].net);
        out->dc_addresses += tm_cidr_size_v4(&rules->ranges[i].net);
    }
    tm_spf_ctx_t *cb = st == TM_OK ? tm_spf_ctx_create(before) : NULL;
    tm_spf_ctx_t *ca = cb ? tm_spf_ctx_create(after) : NULL;
    if (st == TM_OK && !ca)
        st = TM_ENOMEM;
    /* The relays' view, as spf.tmems_ranges evaluates it. */
    tm_spf_query_t qb, qa;
    query_for(&qb, domain, in->before_limit);
    query_for(&qa, domain, in->after_limit);
    bool by_bounds = false;
    if (st == TM_OK) {
        tm_spf_analysis_t *ab = NULL, *aa = NULL;
        st = tm_spf_analysis_build(before, domain, NULL, NULL, &ab);
        if (st == TM_OK)
            st = tm_spf_analysis_build(after, domain, NULL, NULL, &aa);
        by_bounds = (ab && tm_spf_tree_address_dependent(ab->tree)) ||
                    (aa && tm_spf_tree_address_dependent(aa->tree));
        tm_spf_analysis_destroy(ab);
        tm_spf_analysis_destroy(aa);
    }
    tm_spf_range_t rb, ra;
    tm_spf_range_init(&rb);
    tm_spf_range_init(&ra);
    for (size_t i = 0; i < all.count && st == TM_OK && out->complete && out->same; i++) {
        out->networks++;
        out->v6_networks += all.items[i].addr.family == 6;
        /* The data-center ranges are evaluated whole in any case: their
         * 512 addresses are what spf.tmems_ranges fetched. */
        bool ends = by_bounds && !is_range(rules, &all.items[i]);
        out->boundary_only += ends;
        st = ends ? eval_bounds(cb, &qb, &all.items[i], &rb, out)
                  : eval_net(cb, &qb, &all.items[i], &rb, out);
        if (st == TM_OK && out->complete)
            st = ends ? eval_bounds(ca, &qa, &all.items[i], &ra, out)
                      : eval_net(ca, &qa, &all.items[i], &ra, out);
        if (st == TM_OK && out->complete && !compare_parts(&rb, &ra, in->gain_ok, out))
            out->same = false;
    }
    if (st == TM_OK)
        st = count_v4(all.items, all.count, &out->v4_addresses);
    tm_spf_range_clear(&rb);
    tm_spf_range_clear(&ra);
    tm_spf_ctx_destroy(ca);
    tm_spf_ctx_destroy(cb);
    tm_spf_nets_clear(&all);
    if (!out->complete)
        out->same = false;
    return st;
}
