/* test_rules_records.c - the rules' vendor records as the resolver's static
 * source (src/lib/run/rules_records.c): every record of the bundled rules
 * is there, answered as the rules write it, and an offline resolver
 * answers the data center's SPF names from it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "tmems/tm_run.h"

static int reset_alloc(void **state)
{
    (void)state;
    tm_alloc_fail_after(0);
    return 0;
}

static tm_rules_t *load(const char *region)
{
    tm_rules_t *r = NULL;
    assert_int_equal(tm_rules_bundled(region, &r), TM_OK);
    return r;
}

static void test_every_record(void **state)
{
    (void)state;
    tm_rules_t *r = load("jp");
    assert_true(r->nrecords > 0);
    tm_static_records_t *recs = NULL;
    assert_int_equal(tm_run_rules_records(r, &recs), TM_OK);
    assert_int_equal(tm_static_records_count(recs), r->nrecords);
    for (size_t i = 0; i < r->nrecords; i++) {
        tm_answer_t *a = NULL;
        assert_int_equal(tm_static_records_answer(recs, r->records[i].name, r->records[i].type, &a),
                         TM_OK);
        assert_non_null(a);
        assert_int_equal(a->outcome, TM_DNS_NOERROR);
        assert_int_equal(a->source, TM_SRC_RULES);
        /* The record is one of the answer's (names with several records
         * form one RRset). */
        bool found = false;
        for (size_t k = 0; k < a->count && !found; k++)
            found = a->rrs[k].u.txt.len == strlen(r->records[i].value) &&
                    memcmp(a->rrs[k].u.txt.data, r->records[i].value, a->rrs[k].u.txt.len) == 0;
        assert_true(found);
        tm_answer_unref(a);
    }
    /* The site's SPF include, asked as a user might write it. */
    tm_answer_t *a = NULL;
    assert_int_equal(tm_static_records_answer(recs, "SPF.TMEMS-JP.TrendMicro.com.", TM_RR_TXT, &a),
                     TM_OK);
    assert_non_null(a);
    assert_string_equal(a->name, "spf.tmems-jp.trendmicro.com");
    tm_answer_unref(a);
    assert_int_equal(tm_static_records_answer(recs, "example.com", TM_RR_TXT, &a), TM_OK);
    assert_null(a);
    tm_static_records_destroy(recs);
    tm_rules_destroy(r);

    /* No rules: an empty set. */
    assert_int_equal(tm_run_rules_records(NULL, &recs), TM_OK);
    assert_int_equal(tm_static_records_count(recs), 0);
    tm_static_records_destroy(recs);
    assert_int_equal(tm_run_rules_records(NULL, NULL), TM_EINVAL);
}

/* An offline resolver fed with them answers the include from the rules,
 * and what neither a zone nor the rules hold is unknown. */
static void test_offline_resolver(void **state)
{
    (void)state;
    tm_rules_t *r = load("jp");
    tm_static_records_t *recs = NULL;
    assert_int_equal(tm_run_rules_records(r, &recs), TM_OK);
    tm_resolver_options_t ro = {.offline = true, .records = recs};
    tm_resolver_t *res = NULL;
    assert_int_equal(tm_resolver_create(&ro, &res, NULL, 0), TM_OK);
    tm_questions_t q;
    tm_questions_init(&q);
    assert_int_equal(tm_questions_add(&q, NULL, r->spf_include, TM_RR_TXT), TM_OK);
    assert_int_equal(tm_questions_add(&q, NULL, "unknown.example", TM_RR_TXT), TM_OK);
    tm_rrset_t *set = tm_rrset_create();
    assert_non_null(set);
    assert_int_equal(tm_resolver_fetch(res, &q, set), TM_OK);
    const tm_answer_t *a = tm_rrset_get(set, r->spf_include, TM_RR_TXT);
    assert_non_null(a);
    assert_int_equal(a->source, TM_SRC_RULES);
    assert_int_equal(a->outcome, TM_DNS_NOERROR);
    a = tm_rrset_get(set, "unknown.example", TM_RR_TXT);
    assert_non_null(a);
    assert_int_equal(a->outcome, TM_DNS_UNKNOWN);
    tm_resolver_stats_t st;
    tm_resolver_stats(res, &st);
    assert_int_equal(st.static_answers, 1);
    tm_rrset_destroy(set);
    tm_questions_clear(&q);
    tm_resolver_destroy(res);
    tm_static_records_destroy(recs);
    tm_rules_destroy(r);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    tm_rules_t *r = load("jp");
    bool completed = false;
    for (unsigned long n = 1; n < 256 && !completed; n++) {
        tm_static_records_t *recs = NULL;
        tm_alloc_fail_after(n);
        tm_status_t st = tm_run_rules_records(r, &recs);
        tm_alloc_fail_after(0);
        if (st == TM_OK) {
            assert_int_equal(tm_static_records_count(recs), r->nrecords);
            completed = true;
        } else {
            /* Never a partial set. */
            assert_int_equal(st, TM_ENOMEM);
            assert_null(recs);
        }
        tm_static_records_destroy(recs);
    }
    assert_true(completed);
    tm_rules_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_record),
        cmocka_unit_test(test_offline_resolver),
        cmocka_unit_test_teardown(test_out_of_memory, reset_alloc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
