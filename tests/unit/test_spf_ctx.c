/* test_spf_ctx.c - the evaluation context's caches (src/lib/spf/ctx.c):
 * one entry per domain, one parse per record text shared by every domain
 * that publishes it, nothing cached for a domain not answered yet, and an
 * allocation failure at any point leaves no leak and no half entry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "spf/spf_internal.h"
#include "spf_fixture.h"

static tm_rrset_t *rrset_of(const char *const *lines, size_t n)
{
    fx_zone_t z = {lines, n, 0};
    tm_rrset_t *r = fx_rrset_full(&z);
    assert_non_null(r);
    return r;
}

static void test_entries_and_shared_parses(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "a.example TXT v=spf1 ip4:192.0.2.0/24 -all",
        "b.example TXT v=spf1 ip4:192.0.2.0/24 -all",
        "c.example TXT v=spf1 ip4:198.51.100.0/24 -all",
        "bad.example TXT v=spf1 ip4:192.0.2.300 -all",
        "bad2.example TXT v=spf1 ip4:192.0.2.300 -all",
        "none.example TXT hello",
    };
    tm_rrset_t *rrset = rrset_of(zone, sizeof zone / sizeof zone[0]);
    tm_spf_ctx_t *ctx = tm_spf_ctx_create(rrset);
    assert_non_null(ctx);
    tm_status_t st;
    const spf_entry_t *a = spf_ctx_entry(ctx, "A.example.", &st);
    assert_int_equal(st, TM_OK);
    assert_non_null(a);
    assert_string_equal(a->domain, "a.example");
    assert_non_null(a->record);
    /* the same domain: the same entry */
    assert_ptr_equal(spf_ctx_entry(ctx, "a.example", &st), a);
    /* another domain with the same text: its own entry, the same parse */
    const spf_entry_t *b = spf_ctx_entry(ctx, "b.example", &st);
    assert_non_null(b);
    assert_ptr_not_equal(b, a);
    assert_ptr_equal(b->record, a->record);
    /* other text: another parse */
    const spf_entry_t *c = spf_ctx_entry(ctx, "c.example", &st);
    assert_ptr_not_equal(c->record, a->record);
    /* a record that does not parse: the error and the partial parse shared */
    const spf_entry_t *bad = spf_ctx_entry(ctx, "bad.example", &st);
    const spf_entry_t *bad2 = spf_ctx_entry(ctx, "bad2.example", &st);
    assert_null(bad->record);
    assert_int_equal(bad->error.term_index, bad2->error.term_index);
    assert_ptr_equal(bad->partial.errors, bad2->partial.errors);
    /* no SPF record: selected none, nothing parsed */
    const spf_entry_t *none = spf_ctx_entry(ctx, "none.example", &st);
    assert_int_equal(none->selection, TM_SPF_SEL_NONE);
    assert_null(none->record);
    /* not answered yet: nothing cached, no error */
    assert_null(spf_ctx_entry(ctx, "unasked.example", &st));
    assert_int_equal(st, TM_OK);
    tm_spf_ctx_destroy(ctx);
    tm_rrset_destroy(rrset);
}

/* Many domains, one text: the tables grow, every entry shares one parse. */
static void test_growth(void **state)
{
    (void)state;
    static char lines[200][64];
    static const char *ptrs[200];
    for (int i = 0; i < 200; i++) {
        snprintf(lines[i], sizeof lines[i], "h%d.example TXT v=spf1 a -all", i);
        ptrs[i] = lines[i];
    }
    tm_rrset_t *rrset = rrset_of(ptrs, 200);
    tm_spf_ctx_t *ctx = tm_spf_ctx_create(rrset);
    tm_status_t st;
    const tm_spf_record_t *first = NULL;
    for (int i = 0; i < 200; i++) {
        char name[32];
        snprintf(name, sizeof name, "h%d.example", i);
        const spf_entry_t *e = spf_ctx_entry(ctx, name, &st);
        assert_non_null(e);
        if (!first)
            first = e->record;
        assert_ptr_equal(e->record, first);
    }
    for (int i = 0; i < 200; i += 37) {
        char name[32];
        snprintf(name, sizeof name, "h%d.example", i);
        assert_string_equal(spf_ctx_entry(ctx, name, &st)->domain, name);
    }
    tm_spf_ctx_destroy(ctx);
    tm_rrset_destroy(rrset);
}

/* Every allocation of a new entry failing in turn: TM_ENOMEM, nothing
 * cached, and the next try succeeds. */
static void test_out_of_memory(void **state)
{
    (void)state;
    static const char *const zone[] = {"x.example TXT v=spf1 ip4:192.0.2.1 mx -all"};
    tm_rrset_t *rrset = rrset_of(zone, 1);
    for (unsigned long nth = 1;; nth++) {
        tm_spf_ctx_t *ctx = tm_spf_ctx_create(rrset);
        assert_non_null(ctx);
        tm_status_t st;
        tm_alloc_fail_after(nth);
        const spf_entry_t *e = spf_ctx_entry(ctx, "x.example", &st);
        tm_alloc_fail_after(0);
        if (e) {
            assert_int_equal(st, TM_OK);
            tm_spf_ctx_destroy(ctx);
            break;
        }
        assert_int_equal(st, TM_ENOMEM);
        e = spf_ctx_entry(ctx, "x.example", &st);
        assert_non_null(e);
        assert_non_null(e->record);
        tm_spf_ctx_destroy(ctx);
        assert_true(nth < 100);
    }
    tm_rrset_destroy(rrset);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entries_and_shared_parses),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
