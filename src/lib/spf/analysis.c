/* analysis.c - everything the outbound checks (docs/checks.md) read about one
 * domain's SPF, gathered in one pass: the apex records, the worst-case tree
 * and its defects, where the data-center include sits, hard-coded ranges,
 * sizes, and check_host over every address of the data-center ranges. */
#include <string.h>

#include "spf_internal.h"

void tm_spf_analysis_destroy(tm_spf_analysis_t *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->nranges; i++)
        tm_spf_range_clear(&a->ranges[i]);
    tm_free(a->ranges);
    tm_free(a->hardcoded);
    tm_spf_tree_destroy(a->tree);
    tm_spf_ctx_destroy(a->ctx);
    tm_free((void *)a->records);
    tm_free(a->record_lens);
    tm_free(a->domain);
    tm_free(a);
}

static tm_status_t apex_records(tm_spf_analysis_t *a, const tm_answer_t *ans)
{
    a->fetched = true;
    a->outcome = ans->outcome;
    a->txt_wire_size = ans->wire_size;
    a->txt_truncated = ans->truncated;
    a->selection = tm_spf_select(ans, NULL, &a->nrecords);
    if (a->nrecords == 0)
        return TM_OK;
    a->records = tm_calloc(a->nrecords, sizeof(*a->records));
    a->record_lens = tm_calloc(a->nrecords, sizeof(*a->record_lens));
    if (!a->records || !a->record_lens)
        return TM_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < ans->count; i++) {
        const tm_rr_t *rr = &ans->rrs[i];
        if (rr->type != TM_RR_TXT || !rr->u.txt.data || !tm_spf_is_record(rr->u.txt.data, rr->u.txt.len))
            continue;
        a->record_lens[k] = rr->u.txt.len;
        a->records[k++] = rr->u.txt.data;
        for (size_t s = 0; s < rr->u.txt.nstrings; s++) {
            if (rr->u.txt.string_lens[s] > a->max_txt_string)
                a->max_txt_string = rr->u.txt.string_lens[s];
        }
    }
    if (a->selection == TM_SPF_SEL_ONE) {
        a->record = a->records[0];
        a->record_len = a->record_lens[0];
    }
    return TM_OK;
}

/* The first include/redirect of name in pre-order (or the apex itself). */
static void find_include(const tm_spf_tree_t *tree, const char *name, int *depth, unsigned *lookups)
{
    *depth = -1;
    *lookups = 0;
    if (!name)
        return;
    if (tm_name_equal(tree->root->domain, name)) {
        *depth = 0;
        *lookups = tree->root->lookups;
        return;
    }
    for (size_t i = 0; i < tree->nnodes; i++) {
        const tm_spf_node_t *n = tree->nodes[i];
        for (size_t k = 0; k < n->nterms; k++) {
            const tm_spf_tterm_t *tt = &n->terms[k];
            if (tt->target && (tt->term->kind == TM_SPF_INCLUDE || tt->term->kind == TM_SPF_REDIRECT) &&
                !(tt->flags & TM_SPF_TF_IGNORED) && tm_name_equal(tt->target, name)) {
                *depth = (int)n->depth + 1;
                *lookups = tt->lookups;
                return;
            }
        }
    }
}

/* Whether n's TXT answer came through a CNAME to name. */
static bool alias_of(const tm_rrset_t *rrset, const tm_spf_node_t *n, const char *name)
{
    const tm_answer_t *ans = name && rrset ? tm_rrset_get(rrset, n->domain, TM_RR_TXT) : NULL;
    return ans && ans->canonical && tm_name_equal(ans->canonical, name);
}

/* Under the rules' include or the legacy one, named or reached through an
 * alias: the vendor's own record, whose ranges are no hard-coding. */
static bool under_rules_include(const tm_rrset_t *rrset, const tm_spf_node_t *n,
                                const tm_rules_t *rules)
{
    for (; n; n = n->parent) {
        if ((rules->spf_include && tm_name_equal(n->domain, rules->spf_include)) ||
            (rules->spf_legacy && tm_name_equal(n->domain, rules->spf_legacy)) ||
            alias_of(rrset, n, rules->spf_include) || alias_of(rrset, n, rules->spf_legacy))
            return true;
    }
    return false;
}

static bool overlaps(const tm_cidr_t *a, const tm_cidr_t *b)
{
    if (a->addr.family != b->addr.family)
        return false;
    unsigned p = a->prefix < b->prefix ? a->prefix : b->prefix;
    return tm_ip_prefix_match(&a->addr, &b->addr, p);
}

static tm_status_t add_hardcoded(tm_spf_analysis_t *a, const tm_spf_node_t *n,
                                 const tm_spf_term_t *t, size_t range_index, size_t *cap)
{
    if (a->nhardcoded == *cap) {
        tm_spf_hardcoded_t *grown = tm_array_grow(a->hardcoded, cap, sizeof(*grown), 4);
        if (!grown)
            return TM_ENOMEM;
        a->hardcoded = grown;
    }
    a->hardcoded[a->nhardcoded++] = (tm_spf_hardcoded_t){n, t, range_index};
    return TM_OK;
}

static tm_status_t tree_facts(tm_spf_analysis_t *a, const tm_rules_t *rules)
{
    const tm_spf_tree_t *tree = a->tree;
    const tm_rrset_t *rrset = tm_spf_ctx_rrset(a->ctx);
    size_t cap = 0;
    a->lookups = tree->lookups;
    a->void_lookups = tree->void_lookups;
    a->lower_bound = tree->lower_bound;
    a->ptr_used = tree->ptr_used;
    a->mx_overflow = tree->mx_overflow;
    a->sender_dependent = tree->sender_dependent;
    const tm_spf_node_t *root = tree->root;
    a->syntax_ok = root->status == TM_SPF_NODE_OK;
    if (root->status == TM_SPF_NODE_SYNTAX) {
        a->error = root->error;
        a->partial = root->record != NULL;
        for (size_t i = 0; i < root->nerrors; i++)
            a->partial_may_query |= root->errors[i].may_query_dns;
    }
    if (root->record) {
        a->all_qualifier = root->record->all ? (char)root->record->all->qualifier : 0;
        a->has_redirect = root->record->redirect && !root->record->all;
    }
    for (size_t i = 0; i < tree->nnodes; i++) {
        const tm_spf_node_t *n = tree->nodes[i];
        a->syntax_errors += n->status == TM_SPF_NODE_SYNTAX;
        a->dns_errors += n->status == TM_SPF_NODE_DNS_ERROR;
        a->offline_unknown += n->status == TM_SPF_NODE_OFFLINE;
        if (n->depth > 0)
            a->bad_targets += n->status == TM_SPF_NODE_NO_RECORD ||
                              n->status == TM_SPF_NODE_MULTIPLE || n->status == TM_SPF_NODE_BAD_NAME;
        bool vouched = rules && under_rules_include(rrset, n, rules);
        for (size_t k = 0; k < n->nterms; k++) {
            const tm_spf_tterm_t *tt = &n->terms[k];
            a->loops += (tt->flags & TM_SPF_TF_LOOP) != 0;
            if (!tt->child) {
                a->dns_errors += (tt->flags & TM_SPF_TF_DNS_ERROR) != 0;
                a->offline_unknown += (tt->flags & TM_SPF_TF_OFFLINE) != 0;
            }
            if ((tt->term->kind == TM_SPF_INCLUDE || tt->term->kind == TM_SPF_REDIRECT) &&
                (tt->flags & TM_SPF_TF_BAD_TARGET))
                a->bad_targets++;
            /* Hard-coding is authorising the ranges by address ("+", the
             * default qualifier, RFC 7208 section 4.6.2); "-ip4:" and the
             * like deny or soften them, which spf.tmems_ranges judges. */
            if (!rules || vouched || (tt->term->kind != TM_SPF_IP4 && tt->term->kind != TM_SPF_IP6) ||
                tt->term->qualifier != TM_SPF_Q_PASS)
                continue;
            for (size_t r = 0; r < rules->nranges; r++) {
                if (overlaps(&tt->term->net, &rules->ranges[r].net)) {
                    tm_status_t st = add_hardcoded(a, n, tt->term, r, &cap);
                    if (st != TM_OK)
                        return st;
                    break;
                }
            }
        }
    }
    if (rules) {
        find_include(tree, rules->spf_include, &a->include_depth, &a->include_lookups);
        find_include(tree, rules->spf_legacy, &a->legacy_depth, &a->legacy_lookups);
        for (size_t i = 0; a->include_depth < 0 && !a->include_alias && i < tree->nnodes; i++) {
            if (alias_of(rrset, tree->nodes[i], rules->spf_include))
                a->include_alias = tree->nodes[i]->domain;
        }
    }
    return TM_OK;
}

static bool rules_have(const tm_rules_t *rules, const tm_cidr_t *net)
{
    for (size_t i = 0; i < rules->nranges; i++) {
        const tm_cidr_t *r = &rules->ranges[i].net;
        if (r->prefix == net->prefix && tm_ip_prefix_match(&r->addr, &net->addr, r->prefix))
            return true;
    }
    return false;
}

/* The IPv4 ranges of the site record as served (a DNS answer or a zone
 * file; the bundled rules' own answer offline adds nothing) that the rules
 * lack: a range added since the rules were bundled (the 2024 data-center
 * change notice added three) sends mail from the data center too.  The
 * TMEmS relays are IPv4 (tm_spf_tree_build).  *nets gets a new array. */
static tm_status_t live_only_ranges(tm_spf_ctx_t *ctx, const tm_rules_t *rules,
                                    tm_cidr_t **nets, size_t *n)
{
    *nets = NULL;
    *n = 0;
    const tm_answer_t *ans = rules->spf_include
                                 ? tm_rrset_get(tm_spf_ctx_rrset(ctx), rules->spf_include, TM_RR_TXT)
                                 : NULL;
    if (!ans || ans->source == TM_SRC_RULES || ans->source == TM_SRC_NONE)
        return TM_OK;
    tm_status_t st = TM_OK;
    const spf_entry_t *e = spf_ctx_entry(ctx, rules->spf_include, &st);
    if (st != TM_OK || !e || !e->record)
        return st;
    const tm_spf_record_t *rec = e->record;
    *nets = tm_calloc(rec->nterms ? rec->nterms : 1, sizeof(**nets));
    if (!*nets)
        return TM_ENOMEM;
    for (size_t i = 0; i < rec->nterms; i++) {
        const tm_spf_term_t *t = &rec->terms[i];
        if (t->kind == TM_SPF_IP4 && t->qualifier == TM_SPF_Q_PASS && !rules_have(rules, &t->net))
            (*nets)[(*n)++] = t->net;
    }
    return TM_OK;
}

/* open_to_all: the probes of TM_SPF_OPEN_PROBES_TEXT, addresses reserved
 * for uses other than sending mail (RFC 6890) and spread over the space a
 * sender can have: IPv4 "this network" (0/8), carrier-grade NAT
 * (100.64/10, RFC 6598), link-local (169.254/16), benchmarking (198.18/15,
 * RFC 2544) and the future (240/4): one in each of 0/2, 64/2, 128/2,
 * 192/3 and 224/3.  IPv6: benchmarking (2001:2::/48, RFC 5180), ORCHIDv2
 * (2001:20::/28, RFC 7343), documentation (2001:db8::/32, 3fff::/20, RFC
 * 9637), all in the global unicast 2000::/3.  A record that passes three
 * of a family passes any sender of it: a network that wide, or a term
 * built from the client address that meets a wildcard. */
#define OPEN_PROBES_NEEDED 3

static tm_status_t eval_open(tm_spf_analysis_t *a, const tm_spf_query_t *q, tm_questions_t *need)
{
    static const char *const probes[2][5] = {
        {"0.0.0.1", "100.64.0.1", "169.254.255.1", "198.18.0.1", "240.0.0.1"},
        {"2001:2::1", "2001:20::1", "2001:db8::1", "3fff::1", NULL}};
    tm_status_t st = TM_OK;
    a->open_to_all = false;
    for (size_t f = 0; f < 2 && st == TM_OK; f++) {
        /* The IPv6 probes use the answers there are and ask none: their a
         * and mx terms would ask AAAA records no other check needs.  So
         * they judge networks (ip6:2000::/3) and the names the IPv4
         * evaluations asked; short of an answer, they say nothing. */
        bool ask = f == 0;
        unsigned passed = 0;
        for (size_t i = 0; i < 5 && probes[f][i] && st == TM_OK; i++) {
            tm_cidr_t one;
            if (!tm_cidr_parse(probes[f][i], &one))
                return TM_EINVAL; /* cannot happen: the literals above */
            tm_spf_range_t r;
            tm_spf_range_init(&r);
            st = tm_spf_range_eval(a->ctx, q, &one, ask ? need : NULL, &r);
            if (st == TM_OK && !r.complete && ask)
                a->complete = false;
            passed += st == TM_OK && r.complete && r.nparts == 1 && r.parts[0].result == TM_SPF_PASS;
            tm_spf_range_clear(&r);
        }
        a->open_to_all = a->open_to_all || (st == TM_OK && passed >= OPEN_PROBES_NEEDED);
    }
    return st;
}

/* spf.tmems_ranges: check_host for every address, as the data center's
 * relay would be checked (sender postmaster@domain, HELO the domain). */
static tm_status_t eval_ranges(tm_spf_analysis_t *a, const tm_rules_t *rules, tm_questions_t *need)
{
    tm_cidr_t *live = NULL;
    size_t nlive = 0;
    tm_status_t lst = live_only_ranges(a->ctx, rules, &live, &nlive);
    if (lst != TM_OK)
        return lst;
    a->ranges = tm_calloc(rules->nranges + nlive, sizeof(*a->ranges));
    if (!a->ranges) {
        tm_free(live);
        return TM_ENOMEM;
    }
    a->nranges = rules->nranges + nlive;
    a->nlive = nlive;
    tm_spf_query_t q;
    tm_spf_query_init(&q);
    q.domain = a->domain;
    q.helo = a->domain;
    /* Offline, a term whose names no zone file holds does not hide a
     * result it cannot change (tm_spf_query_t); online no answer is
     * unknown, so this changes nothing there. */
    q.unknown_no_match = true;
    for (size_t i = 0; i < a->nranges; i++)
        tm_spf_range_init(&a->ranges[i]);
    tm_status_t st = TM_OK;
    for (size_t i = 0; i < a->nranges && st == TM_OK; i++) {
        const tm_cidr_t *net = i < rules->nranges ? &rules->ranges[i].net : &live[i - rules->nranges];
        st = tm_spf_range_eval(a->ctx, &q, net, need, &a->ranges[i]);
        if (st == TM_OK && !a->ranges[i].complete)
            a->complete = false;
    }
    tm_free(live);
    if (st == TM_OK)
        st = eval_open(a, &q, need);
    return st;
}

/* The analysis on ctx (taken: freed with the analysis, or here on failure). */
static tm_status_t build_on(tm_spf_ctx_t *ctx, const tm_rrset_t *rrset, const char *domain,
                            const tm_rules_t *rules, tm_questions_t *need,
                            tm_spf_analysis_t **out)
{
    char canonical[TM_NAME_MAX + 1];
    *out = NULL;
    if (!spf_name_copy(domain, strlen(domain), canonical) || !spf_name_queryable(canonical)) {
        tm_spf_ctx_destroy(ctx);
        return TM_EINVAL;
    }
    tm_spf_analysis_t *a = tm_calloc(1, sizeof(*a));
    if (!a) {
        tm_spf_ctx_destroy(ctx);
        return TM_ENOMEM;
    }
    tm_status_t st = TM_ENOMEM;
    a->ctx = ctx;
    a->include_depth = a->legacy_depth = -1;
    a->outcome = TM_DNS_UNKNOWN;
    a->selection = TM_SPF_SEL_NONE;
    if (!a->ctx || !(a->domain = tm_strdup(canonical)))
        goto done;
    const tm_answer_t *ans = tm_rrset_get(rrset, canonical, TM_RR_TXT);
    if (!ans) {
        st = spf_need(need, rrset, canonical, TM_RR_TXT);
        goto done;
    }
    if ((st = apex_records(a, ans)) != TM_OK)
        goto done;
    if ((st = tm_spf_tree_build(a->ctx, canonical, need, &a->tree)) != TM_OK ||
        (st = tree_facts(a, rules)) != TM_OK)
        goto done;
    a->complete = a->tree->complete;
    /* The site record as served: its ranges are evaluated too. */
    if (rules && rules->spf_include &&
        !tm_rrset_get(rrset, rules->spf_include, TM_RR_TXT)) {
        a->complete = false;
        st = spf_need(need, rrset, rules->spf_include, TM_RR_TXT);
    }
    if (st == TM_OK && a->complete && rules && rules->nranges > 0)
        st = eval_ranges(a, rules, need);
done:
    if (st != TM_OK) {
        tm_spf_analysis_destroy(a);
        return st;
    }
    *out = a;
    return TM_OK;
}

tm_status_t tm_spf_analysis_build(const tm_rrset_t *rrset, const char *domain,
                                  const tm_rules_t *rules, tm_questions_t *need,
                                  tm_spf_analysis_t **out)
{
    return build_on(tm_spf_ctx_create(rrset), rrset, domain, rules, need, out);
}

tm_status_t tm_spf_analysis_rebuild(tm_spf_analysis_t **analysis, const tm_rrset_t *rrset,
                                    const char *domain, const tm_rules_t *rules,
                                    tm_questions_t *need)
{
    tm_spf_analysis_t *old = *analysis;
    tm_spf_ctx_t *ctx = NULL;
    if (old && tm_spf_ctx_rrset(old->ctx) == rrset) {
        /* The records parsed for the previous round are still the ones the
         * rrset holds: it only ever gains answers (ctx.c). */
        ctx = old->ctx;
        old->ctx = NULL;
    } else {
        ctx = tm_spf_ctx_create(rrset);
    }
    tm_spf_analysis_destroy(old);
    *analysis = NULL;
    return build_on(ctx, rrset, domain, rules, need, analysis);
}

tm_status_t tm_spf_analysis_needs(const tm_rrset_t *rrset, const char *domain,
                                  const tm_rules_t *rules, tm_questions_t *need)
{
    tm_spf_analysis_t *a = NULL;
    tm_status_t st = tm_spf_analysis_build(rrset, domain, rules, need, &a);
    tm_spf_analysis_destroy(a);
    return st;
}
