/* test_spf_tree.c - the worst-case lookup tree and the counting rules of
 * docs/checks.md "Counting SPF lookups", and its level-by-level need list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "spf_fixture.h"

typedef struct {
    tm_rrset_t *rrset;
    tm_spf_ctx_t *ctx;
    tm_spf_tree_t *tree;
    unsigned rounds; /* fetch rounds, the first (apex TXT) included */
} built_t;

/* Builds the tree as tm_run would: build, fetch what it asks, repeat. */
static void build(const char *const *lines, size_t n, const char *domain, built_t *b)
{
    fx_zone_t z = {lines, n, 0};
    tm_questions_t need;
    tm_questions_init(&need);
    b->rrset = tm_rrset_create();
    b->ctx = tm_spf_ctx_create(b->rrset);
    b->tree = NULL;
    b->rounds = 0;
    assert_non_null(b->ctx);
    for (;;) {
        tm_spf_tree_destroy(b->tree);
        assert_int_equal(tm_spf_tree_build(b->ctx, domain, &need, &b->tree), TM_OK);
        assert_non_null(b->tree);
        if (need.count == 0)
            break;
        assert_false(b->tree->complete);
        fx_answer_all(&z, b->rrset, &need);
        b->rounds++;
        assert_true(b->rounds < 40);
    }
    assert_true(b->tree->complete);
    tm_questions_clear(&need);
}

#define BUILD(arr, domain, b) build((arr), sizeof(arr) / sizeof((arr)[0]), (domain), (b))

static void drop(built_t *b)
{
    tm_spf_tree_destroy(b->tree);
    tm_spf_ctx_destroy(b->ctx);
    tm_rrset_destroy(b->rrset);
}

static const tm_spf_tterm_t *term_of(const tm_spf_node_t *n, const char *text)
{
    for (size_t i = 0; i < n->nterms; i++) {
        if (strcmp(n->terms[i].term->text, text) == 0)
            return &n->terms[i];
    }
    fail_msg("no term %s in %s", text, n->domain);
    return NULL;
}

static void test_counting(void **state)
{
    (void)state;
    static const char *const zone[] = {
        ("root.example TXT v=spf1 a a/24 mx//64 include:inc.example include:inc.example "
         "ip4:192.0.2.0/24 ip6:2001:db8::/32 -all redirect=other.example exp=why.example foo=bar"),
        "root.example A 192.0.2.1",
        "root.example MX 10 mx.root.example",
        "mx.root.example A 192.0.2.2",
        "inc.example TXT v=spf1 a:h.example mx ?all",
        "h.example A 198.51.100.1",
        "inc.example MX 10 h.example",
    };
    built_t b;
    BUILD(zone, "root.example", &b);
    const tm_spf_tree_t *t = b.tree;
    const tm_spf_node_t *root = t->root;
    /* the apex TXT is free; a, a/24, mx, 2 x (include + a + mx): 9;
     * ip4, ip6, all, exp and unknown modifiers are free; redirect is
     * ignored because of all */
    assert_int_equal(t->lookups, 9);
    assert_int_equal(root->lookups, 9);
    assert_false(t->lower_bound);
    assert_int_equal(root->status, TM_SPF_NODE_OK);
    assert_int_equal(root->depth, 0);
    assert_int_equal(term_of(root, "a")->lookups, 1);
    assert_string_equal(term_of(root, "a/24")->target, "root.example");
    assert_int_equal(term_of(root, "mx//64")->mx_names, 1);
    assert_int_equal(term_of(root, "ip4:192.0.2.0/24")->lookups, 0);
    const tm_spf_tterm_t *redir = term_of(root, "redirect=other.example");
    assert_true(redir->flags & TM_SPF_TF_IGNORED);
    assert_int_equal(redir->lookups, 0);
    assert_null(redir->child);
    /* repeated includes count again, each with its own child */
    assert_int_equal(root->terms[3].lookups, 3);
    assert_int_equal(root->terms[4].lookups, 3);
    assert_non_null(root->terms[3].child);
    assert_non_null(root->terms[4].child);
    assert_ptr_not_equal(root->terms[3].child, root->terms[4].child);
    assert_int_equal(root->terms[3].child->depth, 1);
    assert_ptr_equal(root->terms[3].child->parent, root);
    assert_int_equal(t->nnodes, 3);
    assert_ptr_equal(t->nodes[0], root);
    assert_int_equal(t->depth, 1);
    assert_int_equal(t->void_lookups, 0);
    drop(&b);
}

static void test_sender_dependent(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "s.example TXT v=spf1 exists:%{i}._spf.%{d} include:%{l}.x.example a:%{d}.mail.example ptr -all",
        "s.example.mail.example A 192.0.2.1",
    };
    built_t b;
    BUILD(zone, "s.example", &b);
    const tm_spf_node_t *root = b.tree->root;
    /* counted 1 each, marked, never fetched */
    assert_int_equal(root->lookups, 4);
    const tm_spf_tterm_t *ex = &root->terms[0];
    assert_true(ex->flags & TM_SPF_TF_SENDER);
    assert_null(ex->target);
    assert_int_equal(ex->lookups, 1);
    assert_true(root->terms[1].flags & TM_SPF_TF_SENDER);
    assert_null(root->terms[1].child);
    /* %{d} is not sender-dependent: expanded and fetched */
    assert_false(root->terms[2].flags & TM_SPF_TF_SENDER);
    assert_string_equal(root->terms[2].target, "s.example.mail.example");
    assert_true(root->terms[3].flags & TM_SPF_TF_PTR);
    assert_true(b.tree->ptr_used);
    assert_true(b.tree->sender_dependent);
    /* only the apex TXT and the a target were asked for */
    assert_int_equal(tm_rrset_size(b.rrset), 2);
    assert_int_equal(b.rounds, 2);
    drop(&b);
}

static void test_void_and_targets(void **state)
{
    (void)state;
    static const char *const zone[] = {
        ("v.example TXT v=spf1 a:nx.example mx:nodata.example exists:there.example "
         "include:norecord.example include:nxinclude.example a:bad...example -all"),
        "nodata.example EXISTS",
        "there.example A 127.0.0.2",
        "norecord.example TXT just text",
    };
    built_t b;
    BUILD(zone, "v.example", &b);
    const tm_spf_node_t *root = b.tree->root;
    assert_true(root->terms[0].flags & TM_SPF_TF_VOID);
    assert_int_equal(root->terms[0].outcome, TM_DNS_NXDOMAIN);
    assert_true(root->terms[1].flags & TM_SPF_TF_VOID);
    assert_int_equal(root->terms[1].outcome, TM_DNS_NODATA);
    assert_false(root->terms[2].flags & TM_SPF_TF_VOID);
    /* an include target without a record is not a void lookup */
    assert_false(root->terms[3].flags & TM_SPF_TF_VOID);
    assert_int_equal(root->terms[3].child->status, TM_SPF_NODE_NO_RECORD);
    assert_int_equal(root->terms[4].child->status, TM_SPF_NODE_NO_RECORD);
    assert_int_equal(root->terms[4].child->outcome, TM_DNS_NXDOMAIN);
    assert_true(root->terms[5].flags & TM_SPF_TF_BAD_TARGET);
    assert_true(root->terms[5].flags & TM_SPF_TF_VOID);
    assert_int_equal(b.tree->void_lookups, 3);
    assert_int_equal(b.tree->lookups, 6);
    drop(&b);
}

static void test_expansion_bound(void **state)
{
    (void)state;
    static const char *const zone[] = {
        ("wide.example TXT v=spf1 include:ten.example include:ten.example include:ten.example "
         "include:ten.example include:ten.example a -all"),
        "ten.example TXT v=spf1 a a a a a a a a a a",
        "ten.example A 192.0.2.1",
        "wide.example A 192.0.2.2",
    };
    built_t b;
    BUILD(zone, "wide.example", &b);
    const tm_spf_tree_t *t = b.tree;
    /* 3 includes expanded (33 lookups), then the bound of 30 stops it */
    assert_true(t->lower_bound);
    assert_non_null(t->root->terms[2].child);
    assert_null(t->root->terms[3].child);
    assert_true(t->root->terms[3].flags & TM_SPF_TF_BOUND);
    assert_true(t->root->terms[4].flags & TM_SPF_TF_BOUND);
    assert_int_equal(t->lookups, 3 * 11 + 1 + 1 + 1);
    /* past the bound a term is counted but not judged */
    assert_true(term_of(t->root, "a")->flags & TM_SPF_TF_BOUND);
    assert_int_equal(term_of(t->root, "a")->lookups, 1);
    drop(&b);
}

static void test_loops(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "a.example TXT v=spf1 include:b.example -all",
        "b.example TXT v=spf1 include:A.Example. ~all",
        "self.example TXT v=spf1 ip4:192.0.2.1 redirect=self.example",
    };
    built_t b;
    BUILD(zone, "a.example", &b);
    const tm_spf_node_t *child = b.tree->root->terms[0].child;
    assert_non_null(child);
    assert_true(child->terms[0].flags & TM_SPF_TF_LOOP);
    assert_null(child->terms[0].child);
    assert_true(b.tree->loop);
    assert_int_equal(b.tree->lookups, 2);
    drop(&b);
    BUILD(zone, "self.example", &b);
    assert_true(b.tree->root->terms[1].flags & TM_SPF_TF_LOOP);
    assert_int_equal(b.tree->lookups, 1);
    drop(&b);
}

static void test_mx_overflow(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "m.example TXT v=spf1 mx -all",
        "m.example MX 0 h0.example", "m.example MX 1 h1.example", "m.example MX 2 h2.example",
        "m.example MX 3 h3.example", "m.example MX 4 h4.example", "m.example MX 5 h5.example",
        "m.example MX 6 h6.example", "m.example MX 7 h7.example", "m.example MX 8 h8.example",
        "m.example MX 9 h9.example", "m.example MX 10 h10.example",
    };
    built_t b;
    BUILD(zone, "m.example", &b);
    const tm_spf_tterm_t *mx = &b.tree->root->terms[0];
    assert_int_equal(mx->mx_names, 11);
    assert_true(mx->flags & TM_SPF_TF_MX_OVERFLOW);
    assert_true(b.tree->mx_overflow);
    /* the hosts are not looked up */
    assert_null(tm_rrset_get(b.rrset, "h0.example", TM_RR_A));
    drop(&b);
}

static void test_rounds_by_level(void **state)
{
    (void)state;
    /* a 3-deep include chain: the apex round, then one round per level */
    static const char *const chain[] = {
        "root.example TXT v=spf1 include:i1.example -all",
        "i1.example TXT v=spf1 include:i2.example",
        "i2.example TXT v=spf1 include:i3.example",
        "i3.example TXT v=spf1 ip4:192.0.2.0/24",
    };
    built_t b;
    BUILD(chain, "root.example", &b);
    assert_int_equal(b.rounds, 1 + 3);
    assert_int_equal(b.tree->depth, 3);
    assert_int_equal(b.tree->lookups, 3);
    assert_int_equal(b.tree->nnodes, 4);
    drop(&b);
    /* a wide level is fetched at once: both branches, the a and the mx */
    static const char *const wide[] = {
        "root.example TXT v=spf1 include:l.example include:r.example a:host.example mx -all",
        "l.example TXT v=spf1 include:ll.example",
        "r.example TXT v=spf1 include:rr.example",
        "ll.example TXT v=spf1 -all",
        "rr.example TXT v=spf1 -all",
        "host.example A 192.0.2.1",
        "root.example MX 10 mx.example",
        "mx.example A 192.0.2.2",
    };
    fx_zone_t z = FX_ZONE(wide);
    tm_rrset_t *rrset = tm_rrset_create();
    tm_spf_ctx_t *ctx = tm_spf_ctx_create(rrset);
    tm_questions_t need;
    tm_questions_init(&need);
    tm_spf_tree_t *tree = NULL;
    assert_int_equal(tm_spf_tree_build(ctx, "root.example", &need, &tree), TM_OK);
    assert_int_equal(tree->root->status, TM_SPF_NODE_MISSING);
    assert_int_equal(need.count, 1);
    fx_answer_all(&z, rrset, &need);
    tm_spf_tree_destroy(tree);
    assert_int_equal(tm_spf_tree_build(ctx, "root.example", &need, &tree), TM_OK);
    assert_int_equal(need.count, 4); /* l, r TXT; host.example A; root MX */
    assert_true(tree->root->terms[0].flags & TM_SPF_TF_MISSING);
    fx_answer_all(&z, rrset, &need);
    tm_spf_tree_destroy(tree);
    assert_int_equal(tm_spf_tree_build(ctx, "root.example", &need, &tree), TM_OK);
    assert_int_equal(need.count, 3); /* ll, rr TXT; mx.example A */
    fx_answer_all(&z, rrset, &need);
    tm_spf_tree_destroy(tree);
    assert_int_equal(tm_spf_tree_build(ctx, "root.example", &need, &tree), TM_OK);
    assert_int_equal(need.count, 0);
    assert_true(tree->complete);
    assert_int_equal(tree->lookups, 6);
    tm_spf_tree_destroy(tree);
    tm_spf_ctx_destroy(ctx);
    tm_questions_clear(&need);
    tm_rrset_destroy(rrset);
}

static void test_node_errors(void **state)
{
    (void)state;
    static const char *const zone[] = {
        ("root.example TXT v=spf1 include:syntax.example include:two.example include:fail.example "
         "include:offline.example a:slow.example -all"),
        "syntax.example TXT v=spf1 ip4:192.0.2.1/33 -all",
        "two.example TXT v=spf1 -all",
        "two.example TXT v=spf1 ~all",
        "fail.example SERVFAIL",
        "offline.example UNKNOWN",
        "slow.example TIMEOUT",
    };
    built_t b;
    BUILD(zone, "root.example", &b);
    const tm_spf_node_t *root = b.tree->root;
    const tm_spf_node_t *syn = root->terms[0].child;
    assert_int_equal(syn->status, TM_SPF_NODE_SYNTAX);
    assert_int_equal(syn->error.offset, 20);
    assert_string_equal(syn->error.term, "ip4:192.0.2.1/33");
    assert_non_null(syn->text);
    /* below the root a record that does not parse is not expanded: a
     * receiver stops there, nothing under it costs a lookup */
    assert_null(syn->record);
    assert_int_equal(syn->nterms, 0);
    assert_int_equal(syn->nerrors, 1);
    assert_int_equal(syn->errors[0].term_index, 1);
    const tm_spf_node_t *two = root->terms[1].child;
    assert_int_equal(two->status, TM_SPF_NODE_MULTIPLE);
    assert_int_equal(two->nrecords, 2);
    assert_null(two->text);
    assert_int_equal(root->terms[2].child->status, TM_SPF_NODE_DNS_ERROR);
    assert_int_equal(root->terms[2].child->outcome, TM_DNS_SERVFAIL);
    assert_int_equal(root->terms[3].child->status, TM_SPF_NODE_OFFLINE);
    assert_true(root->terms[4].flags & TM_SPF_TF_DNS_ERROR);
    assert_int_equal(root->terms[4].outcome, TM_DNS_TIMEOUT);
    assert_int_equal(b.tree->lookups, 5);
    drop(&b);
}

static void test_depth_bound(void **state)
{
    (void)state;
    static char lines[16][80];
    static const char *zone[16];
    for (int i = 0; i < 16; i++) {
        snprintf(lines[i], sizeof(lines[i]), "d%d.example TXT v=spf1 include:d%d.example", i, i + 1);
        zone[i] = lines[i];
    }
    built_t b;
    build(zone, 16, "d0.example", &b);
    assert_true(b.tree->lower_bound);
    assert_int_equal(b.tree->depth, TM_SPF_TREE_DEPTH_MAX);
    const tm_spf_node_t *deepest = b.tree->nodes[b.tree->nnodes - 1];
    assert_int_equal(deepest->depth, TM_SPF_TREE_DEPTH_MAX);
    assert_true(deepest->terms[0].flags & TM_SPF_TF_DEPTH);
    assert_int_equal(b.tree->lookups, TM_SPF_TREE_DEPTH_MAX + 1);
    drop(&b);
}

static void test_sizes_and_bad_name(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "s.example TXT v=spf1 include:%{d}..bad -all|",
    };
    built_t b;
    BUILD(zone, "s.example", &b);
    const tm_spf_node_t *root = b.tree->root;
    assert_int_equal(root->max_string, 29);
    assert_true(root->terms[0].flags & TM_SPF_TF_BAD_TARGET);
    assert_null(root->terms[0].child);
    assert_int_equal(root->terms[0].lookups, 1);
    drop(&b);
    /* an apex name that cannot be queried */
    tm_rrset_t *rrset = tm_rrset_create();
    tm_spf_ctx_t *ctx = tm_spf_ctx_create(rrset);
    tm_spf_tree_t *tree;
    assert_int_equal(tm_spf_tree_build(ctx, "a..example", NULL, &tree), TM_OK);
    assert_int_equal(tree->root->status, TM_SPF_NODE_BAD_NAME);
    tm_spf_tree_destroy(tree);
    tm_spf_tree_destroy(NULL);
    tm_spf_ctx_destroy(ctx);
    tm_rrset_destroy(rrset);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "root.example TXT v=spf1 include:a.example include:b.example mx a:%{d} -all",
        "a.example TXT v=spf1 include:b.example a",
        "b.example TXT v=spf1 ip4:192.0.2.0/24",
        "root.example MX 10 mx.example",
        "mx.example A 192.0.2.1",
        "a.example A 192.0.2.2",
        "root.example A 192.0.2.3",
    };
    built_t b;
    BUILD(zone, "root.example", &b);
    unsigned lookups = b.tree->lookups;
    tm_spf_tree_destroy(b.tree);
    b.tree = NULL;
    tm_spf_ctx_destroy(b.ctx);
    tm_status_t st = TM_ENOMEM;
    unsigned long n;
    for (n = 1; n < 300 && st == TM_ENOMEM; n++) {
        tm_spf_ctx_t *ctx = tm_spf_ctx_create(b.rrset);
        tm_spf_tree_t *tree = (tm_spf_tree_t *)1;
        tm_alloc_fail_after(n);
        st = ctx ? tm_spf_tree_build(ctx, "root.example", NULL, &tree) : TM_ENOMEM;
        tm_alloc_fail_after(0);
        if (st == TM_OK)
            assert_int_equal(tree->lookups, lookups);
        else if (ctx)
            assert_null(tree);
        if (st == TM_OK)
            tm_spf_tree_destroy(tree);
        tm_spf_ctx_destroy(ctx);
    }
    assert_int_equal(st, TM_OK);
    assert_true(n > 5);
    b.ctx = NULL;
    drop(&b);
}


/* A root record that does not parse keeps its status, and the terms that
 * parse are expanded like a record's, so that the checks judge them. */
static void test_root_syntax_terms_that_parse(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "root.example TXT v=spf1 ip4:192.0.2.300 include:a.example a:gone.example foo:bar ~all",
        "a.example TXT v=spf1 include:b.example -all",
        "b.example TXT v=spf1 ip4:192.0.2.1 -all",
    };
    built_t b;
    BUILD(zone, "root.example", &b);
    const tm_spf_node_t *root = b.tree->root;
    assert_int_equal(root->status, TM_SPF_NODE_SYNTAX);
    assert_int_equal(root->nerrors, 2);
    assert_string_equal(root->errors[0].term, "ip4:192.0.2.300");
    assert_string_equal(root->errors[1].term, "foo:bar");
    assert_int_equal(root->error.term_index, 1);
    assert_non_null(root->record);
    assert_int_equal(root->nterms, 3);
    assert_string_equal(root->terms[0].term->text, "include:a.example");
    assert_int_equal(root->terms[0].lookups, 2);
    assert_true(root->terms[1].flags & TM_SPF_TF_VOID);
    assert_int_equal(b.tree->lookups, 3);
    assert_int_equal(b.tree->void_lookups, 1);
    assert_int_equal(b.rounds, 3); /* apex, then a.example and gone.example, then b.example */
    drop(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counting),
        cmocka_unit_test(test_sender_dependent),
        cmocka_unit_test(test_void_and_targets),
        cmocka_unit_test(test_expansion_bound),
        cmocka_unit_test(test_loops),
        cmocka_unit_test(test_mx_overflow),
        cmocka_unit_test(test_rounds_by_level),
        cmocka_unit_test(test_node_errors),
        cmocka_unit_test(test_root_syntax_terms_that_parse),
        cmocka_unit_test(test_depth_bound),
        cmocka_unit_test(test_sizes_and_bad_name),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
