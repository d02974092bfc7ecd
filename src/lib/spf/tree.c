/* tree.c - the worst-case lookup tree (docs/checks.md spf.lookups):
 * every term visited whether or not an earlier one would match, every
 * include and redirect expanded (a repeated include counts again), so the
 * count is what the least lucky sender costs.  Built from the rrset alone;
 * what is missing is asked for, one level of the tree per round. */
#include <string.h>

#include "spf_internal.h"

typedef struct {
    tm_spf_ctx_t *ctx;
    const tm_rrset_t *rrset;
    tm_questions_t *need;
    tm_spf_tree_t *tree;
    size_t cap;
    unsigned running; /* DNS terms seen so far, in pre-order */
    tm_status_t st;
    tm_buf_t scratch;
    const char *path[TM_SPF_TREE_DEPTH_MAX + 1]; /* domains from the root to here */
} tb_t;

static void ask(tb_t *b, const char *name, uint16_t type)
{
    b->tree->complete = false;
    if (b->st == TM_OK)
        b->st = spf_need(b->need, b->rrset, name, type);
}

static tm_spf_node_t *new_node(tb_t *b, const char *domain, unsigned depth, tm_spf_node_t *parent)
{
    tm_spf_tree_t *t = b->tree;
    if (t->nnodes == b->cap) {
        tm_spf_node_t **grown = tm_array_grow(t->nodes, &b->cap, sizeof(*grown), 8);
        if (!grown)
            return NULL;
        t->nodes = grown;
    }
    tm_spf_node_t *n = tm_calloc(1, sizeof(*n));
    if (!n)
        return NULL;
    if (!(n->domain = tm_strdup(domain))) {
        tm_free(n);
        return NULL;
    }
    n->depth = depth;
    n->parent = parent;
    n->outcome = TM_DNS_UNKNOWN;
    t->nodes[t->nnodes++] = n;
    if (depth > t->depth)
        t->depth = depth;
    return n;
}

/* spf.size: the longest string of the v=spf1 records, and the message size. */
static void answer_facts(tm_spf_node_t *n, const tm_answer_t *ans)
{
    n->wire_size = ans->wire_size;
    n->truncated = ans->truncated;
    for (size_t i = 0; i < ans->count; i++) {
        const tm_rr_t *rr = &ans->rrs[i];
        if (rr->type != TM_RR_TXT || !rr->u.txt.data || !tm_spf_is_record(rr->u.txt.data, rr->u.txt.len))
            continue;
        for (size_t k = 0; k < rr->u.txt.nstrings; k++) {
            if (rr->u.txt.string_lens[k] > n->max_string)
                n->max_string = rr->u.txt.string_lens[k];
        }
    }
}

static bool on_path(const tb_t *b, unsigned depth, const char *name)
{
    for (unsigned i = 0; i <= depth; i++) {
        if (tm_name_equal(b->path[i], name))
            return true;
    }
    return false;
}

/* The expanded target of a term that does not depend on the sender: only
 * %{d} can appear (the letters besides d are all sender-dependent). */
static bool tree_target(tb_t *b, const tm_spf_term_t *t, const char *domain, tm_spf_tterm_t *tt)
{
    char name[TM_NAME_MAX + 1];
    tm_spf_macro_env_t env = {.domain = domain};
    if (!t->spec) {
        memcpy(name, domain, strlen(domain) + 1);
    } else if (!t->has_macro) {
        if (!t->domain) {
            tt->flags |= TM_SPF_TF_BAD_TARGET;
            return false;
        }
        memcpy(name, t->domain, strlen(t->domain) + 1);
    } else {
        tm_status_t st = spf_expand_domain_buf(t->spec, &env, &b->scratch, name);
        if (st == TM_ENOMEM)
            b->st = st;
        if (st != TM_OK) {
            tt->flags |= TM_SPF_TF_BAD_TARGET;
            return false;
        }
    }
    if ((t->kind == TM_SPF_INCLUDE || t->kind == TM_SPF_REDIRECT) && !spf_domain_target_valid(name)) {
        tt->flags |= TM_SPF_TF_BAD_TARGET; /* check_host gives permerror */
        return false;
    }
    if (!(tt->target = tm_strdup(name))) {
        b->st = TM_ENOMEM;
        return false;
    }
    return true;
}

/* Sets the flags of a term's own answer; true when it has records. */
static bool judge_answer(tm_spf_tterm_t *tt, const tm_answer_t *ans)
{
    tt->outcome = ans->outcome;
    if (ans->outcome == TM_DNS_UNKNOWN) {
        tt->flags |= TM_SPF_TF_OFFLINE;
        return false;
    }
    if (tm_dns_outcome_is_failure(ans->outcome)) {
        tt->flags |= TM_SPF_TF_DNS_ERROR;
        return false;
    }
    if (tm_dns_outcome_is_void(ans->outcome) || ans->count == 0) {
        tt->flags |= TM_SPF_TF_VOID;
        tt->void_lookups = 1;
        return false;
    }
    return true;
}

static void address_term(tb_t *b, const tm_spf_term_t *t, const char *domain, tm_spf_tterm_t *tt)
{
    if (!tree_target(b, t, domain, tt)) {
        if (tt->flags & TM_SPF_TF_BAD_TARGET) {
            tt->flags |= TM_SPF_TF_VOID; /* as check_host treats it */
            tt->void_lookups = 1;
        }
        return;
    }
    if (b->running > TM_SPF_TREE_BOUND) {
        tt->flags |= TM_SPF_TF_BOUND;
        b->tree->lower_bound = true;
        return;
    }
    uint16_t type = t->kind == TM_SPF_MX ? TM_RR_MX : TM_RR_A;
    const tm_answer_t *ans = tm_rrset_get(b->rrset, tt->target, type);
    if (!ans) {
        tt->flags |= TM_SPF_TF_MISSING;
        ask(b, tt->target, type);
        return;
    }
    if (!judge_answer(tt, ans) || t->kind != TM_SPF_MX)
        return;
    tt->mx_names = (unsigned)ans->count;
    if (ans->count > TM_SPF_MX_LIMIT) {
        tt->flags |= TM_SPF_TF_MX_OVERFLOW;
        b->tree->mx_overflow = true;
        return;
    }
    for (size_t i = 0; i < ans->count; i++) {
        const char *host = ans->rrs[i].type == TM_RR_MX ? ans->rrs[i].u.mx.host : NULL;
        if (host && *host && spf_name_queryable(host) && !tm_rrset_get(b->rrset, host, TM_RR_A)) {
            tt->flags |= TM_SPF_TF_MISSING;
            ask(b, host, TM_RR_A);
        }
    }
}

static tm_spf_node_t *build_node(tb_t *b, const char *domain, unsigned depth, tm_spf_node_t *parent);

static void child_term(tb_t *b, const tm_spf_term_t *t, tm_spf_node_t *n, tm_spf_tterm_t *tt)
{
    if (!tree_target(b, t, n->domain, tt))
        return;
    if (on_path(b, n->depth, tt->target)) {
        tt->flags |= TM_SPF_TF_LOOP;
        b->tree->loop = true;
        return;
    }
    if (b->running > TM_SPF_TREE_BOUND || n->depth + 1 > TM_SPF_TREE_DEPTH_MAX) {
        tt->flags |= b->running > TM_SPF_TREE_BOUND ? TM_SPF_TF_BOUND : TM_SPF_TF_DEPTH;
        b->tree->lower_bound = true;
        return;
    }
    tt->child = build_node(b, tt->target, n->depth + 1, n);
    if (!tt->child)
        return;
    tt->outcome = tt->child->outcome;
    tt->lookups += tt->child->lookups;
    tt->void_lookups += tt->child->void_lookups;
    if (tt->child->status == TM_SPF_NODE_MISSING)
        tt->flags |= TM_SPF_TF_MISSING;
}

static void visit_term(tb_t *b, tm_spf_node_t *n, const tm_spf_record_t *rec, tm_spf_tterm_t *tt)
{
    const tm_spf_term_t *t = tt->term;
    if (!tm_spf_kind_queries_dns(t->kind))
        return;
    /* section 6.1: redirect= is ignored when the record has "all" */
    if (t->kind == TM_SPF_REDIRECT && rec->all) {
        tt->flags |= TM_SPF_TF_IGNORED;
        return;
    }
    tt->lookups = 1;
    b->running++;
    if (t->kind == TM_SPF_PTR) {
        /* its names come from the client address: counted, never expanded */
        tt->flags |= TM_SPF_TF_PTR | TM_SPF_TF_SENDER;
        b->tree->ptr_used = true;
        return;
    }
    if (t->sender_dependent) {
        tt->flags |= TM_SPF_TF_SENDER;
        b->tree->sender_dependent = true;
        return;
    }
    if (t->kind == TM_SPF_INCLUDE || t->kind == TM_SPF_REDIRECT)
        child_term(b, t, n, tt);
    else
        address_term(b, t, n->domain, tt);
}

static tm_spf_node_t *build_node(tb_t *b, const char *domain, unsigned depth, tm_spf_node_t *parent)
{
    tm_spf_node_t *n = new_node(b, domain, depth, parent);
    if (!n) {
        b->st = TM_ENOMEM;
        return NULL;
    }
    if (!spf_name_queryable(domain)) {
        n->status = TM_SPF_NODE_BAD_NAME;
        return n;
    }
    tm_status_t st;
    const spf_entry_t *e = spf_ctx_entry(b->ctx, domain, &st);
    if (st != TM_OK) {
        b->st = st;
        return NULL;
    }
    if (!e) {
        n->status = TM_SPF_NODE_MISSING;
        ask(b, domain, TM_RR_TXT);
        return n;
    }
    n->outcome = e->answer->outcome;
    n->nrecords = e->nrecords;
    answer_facts(n, e->answer);
    if (n->outcome == TM_DNS_UNKNOWN) {
        n->status = TM_SPF_NODE_OFFLINE;
        return n;
    }
    if (tm_dns_outcome_is_failure(n->outcome)) {
        n->status = TM_SPF_NODE_DNS_ERROR;
        return n;
    }
    if (e->selection != TM_SPF_SEL_ONE) {
        n->status = e->selection == TM_SPF_SEL_NONE ? TM_SPF_NODE_NO_RECORD : TM_SPF_NODE_MULTIPLE;
        return n;
    }
    n->text = e->rr->u.txt.data;
    n->text_len = e->rr->u.txt.len;
    const tm_spf_record_t *rec = e->record;
    if (!rec) {
        n->status = TM_SPF_NODE_SYNTAX;
        n->error = e->error;
        n->errors = e->partial.errors;
        n->nerrors = e->partial.nerrors;
        /* A receiver stops at the root with permerror; the terms that parse
         * are expanded so that the checks judge what the admin wrote
         * correctly.  Deeper records are not: a receiver that reaches one
         * stops there, and nothing below it costs a lookup. */
        if (depth > 0 || !e->partial.record)
            return n;
        rec = e->partial.record;
    }
    n->record = rec;
    n->terms = tm_calloc(rec->nterms ? rec->nterms : 1, sizeof(*n->terms));
    if (!n->terms) {
        b->st = TM_ENOMEM;
        return NULL;
    }
    n->nterms = rec->nterms;
    b->path[depth] = n->domain;
    for (size_t i = 0; i < rec->nterms && b->st == TM_OK; i++) {
        tm_spf_tterm_t *tt = &n->terms[i];
        tt->term = &rec->terms[i];
        tt->outcome = TM_DNS_NOERROR;
        visit_term(b, n, rec, tt);
        n->lookups += tt->lookups;
        n->void_lookups += tt->void_lookups;
    }
    return b->st == TM_OK ? n : NULL;
}

void tm_spf_tree_destroy(tm_spf_tree_t *tree)
{
    if (!tree)
        return;
    for (size_t i = 0; i < tree->nnodes; i++) {
        tm_spf_node_t *n = tree->nodes[i];
        for (size_t k = 0; k < n->nterms; k++)
            tm_free(n->terms[k].target);
        tm_free(n->terms);
        tm_free(n->domain);
        tm_free(n);
    }
    tm_free(tree->nodes);
    tm_free(tree);
}

tm_status_t tm_spf_tree_build(tm_spf_ctx_t *ctx, const char *domain, tm_questions_t *need,
                              tm_spf_tree_t **out)
{
    char canonical[TM_NAME_MAX + 1];
    *out = NULL;
    if (!spf_name_copy(domain, strlen(domain), canonical))
        return TM_EINVAL;
    tm_spf_tree_t *tree = tm_calloc(1, sizeof(*tree));
    if (!tree)
        return TM_ENOMEM;
    tree->complete = true;
    tb_t b = {.ctx = ctx, .rrset = tm_spf_ctx_rrset(ctx), .need = need, .tree = tree};
    tm_buf_init(&b.scratch);
    b.scratch.limit = TM_SPF_EXPAND_MAX;
    tree->root = build_node(&b, canonical, 0, NULL);
    tm_buf_clear(&b.scratch);
    if (b.st != TM_OK || !tree->root) {
        tm_spf_tree_destroy(tree);
        return b.st != TM_OK ? b.st : TM_ENOMEM;
    }
    tree->lookups = tree->root->lookups;
    tree->void_lookups = tree->root->void_lookups;
    *out = tree;
    return TM_OK;
}
