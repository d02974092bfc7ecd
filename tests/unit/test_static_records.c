/* test_static_records.c - the resolver's static source (static_records.c):
 * names compare as DNS names do, the records of one name and type form one
 * RRset, what the set does not hold is no answer, and an answer that could
 * not be built is TM_ENOMEM, never "not held". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "tmems/tm_resolve.h"

static int reset_alloc(void **state)
{
    (void)state;
    tm_alloc_fail_after(0);
    return 0;
}

static tm_static_records_t *make(void)
{
    tm_static_records_t *recs = NULL;
    assert_int_equal(tm_static_records_create(TM_SRC_RULES, &recs), TM_OK);
    assert_non_null(recs);
    assert_int_equal(tm_static_records_add_txt(recs, "SPF.Example.NET.", 3600,
                                               "v=spf1 ip4:192.0.2.0/24 -all"),
                     TM_OK);
    assert_int_equal(tm_static_records_add_txt(recs, "other.example.net", 300, "hello"), TM_OK);
    assert_int_equal(tm_static_records_add_txt(recs, "spf.example.net", 60, "second"), TM_OK);
    return recs;
}

static void test_answer(void **state)
{
    (void)state;
    tm_static_records_t *recs = make();
    assert_int_equal(tm_static_records_count(recs), 3);

    tm_answer_t *a = NULL;
    assert_int_equal(tm_static_records_answer(recs, "spf.EXAMPLE.net.", TM_RR_TXT, &a), TM_OK);
    assert_non_null(a);
    assert_int_equal(a->outcome, TM_DNS_NOERROR);
    assert_int_equal(a->source, TM_SRC_RULES);
    assert_int_equal(a->type, TM_RR_TXT);
    /* The owner in canonical form, whatever the caller wrote. */
    assert_string_equal(a->name, "spf.example.net");
    /* Both records of the name, in the order given, with their TTLs. */
    assert_int_equal(a->count, 2);
    assert_int_equal(a->rrs[0].ttl, 3600);
    assert_int_equal(a->rrs[0].u.txt.len, strlen("v=spf1 ip4:192.0.2.0/24 -all"));
    assert_memory_equal(a->rrs[0].u.txt.data, "v=spf1 ip4:192.0.2.0/24 -all", a->rrs[0].u.txt.len);
    assert_int_equal(a->rrs[1].ttl, 60);
    assert_memory_equal(a->rrs[1].u.txt.data, "second", 6);
    tm_answer_unref(a);

    /* Not held: TM_OK and no answer. */
    a = (tm_answer_t *)1;
    assert_int_equal(tm_static_records_answer(recs, "spf.example.net", TM_RR_MX, &a), TM_OK);
    assert_null(a);
    assert_int_equal(tm_static_records_answer(recs, "x.spf.example.net", TM_RR_TXT, &a), TM_OK);
    assert_null(a);
    assert_int_equal(tm_static_records_answer(recs, "example.net", TM_RR_TXT, &a), TM_OK);
    assert_null(a);
    /* No set at all holds nothing. */
    assert_int_equal(tm_static_records_answer(NULL, "spf.example.net", TM_RR_TXT, &a), TM_OK);
    assert_null(a);
    assert_int_equal(tm_static_records_answer(recs, "spf.example.net", TM_RR_TXT, NULL),
                     TM_EINVAL);
    tm_static_records_destroy(recs);
    tm_static_records_destroy(NULL);
}

static void test_add_refuses(void **state)
{
    (void)state;
    tm_static_records_t *recs = NULL;
    assert_int_equal(tm_static_records_create(TM_SRC_ZONE, &recs), TM_OK);
    assert_int_equal(tm_static_records_add_txt(recs, "bad name.example", 1, "x"), TM_EINVAL);
    assert_int_equal(tm_static_records_add_txt(recs, "", 1, "x"), TM_EINVAL);
    assert_int_equal(tm_static_records_add_txt(recs, NULL, 1, "x"), TM_EINVAL);
    assert_int_equal(tm_static_records_add_txt(recs, "a.example", 1, NULL), TM_EINVAL);
    assert_int_equal(tm_static_records_add_txt(NULL, "a.example", 1, "x"), TM_EINVAL);
    /* A text longer than a TXT record can carry (4096 strings of 255). */
    size_t len = (size_t)TM_TXT_MAX_STRINGS * 255 + 1;
    char *huge = malloc(len + 1);
    assert_non_null(huge);
    memset(huge, 'a', len);
    huge[len] = '\0';
    assert_int_equal(tm_static_records_add_txt(recs, "a.example", 1, huge), TM_ERANGE);
    huge[len - 1] = '\0'; /* exactly at the bound: accepted and answered */
    assert_int_equal(tm_static_records_add_txt(recs, "a.example", 1, huge), TM_OK);
    free(huge);
    tm_answer_t *a = NULL;
    assert_int_equal(tm_static_records_answer(recs, "a.example", TM_RR_TXT, &a), TM_OK);
    assert_non_null(a);
    assert_int_equal(a->source, TM_SRC_ZONE);
    assert_int_equal(a->count, 1);
    tm_answer_unref(a);
    assert_int_equal(tm_static_records_count(recs), 1);
    /* At most 4096 records. */
    while (tm_static_records_count(recs) < 4096)
        assert_int_equal(tm_static_records_add_txt(recs, "b.example", 1, "y"), TM_OK);
    assert_int_equal(tm_static_records_add_txt(recs, "b.example", 1, "y"), TM_ERANGE);
    tm_static_records_destroy(recs);
    assert_int_equal(tm_static_records_create(TM_SRC_RULES, NULL), TM_EINVAL);
}

/* Every allocation fails in turn: building the set and answering from it
 * report TM_ENOMEM and leave nothing behind; an answer that could not be
 * built is never taken for one the set does not hold. */
static void test_out_of_memory(void **state)
{
    (void)state;
    bool completed = false;
    for (unsigned long n = 1; n < 64 && !completed; n++) {
        tm_static_records_t *recs = NULL;
        tm_alloc_fail_after(n);
        tm_status_t st = tm_static_records_create(TM_SRC_RULES, &recs);
        if (st == TM_OK)
            st = tm_static_records_add_txt(recs, "spf.example.net", 1, "v=spf1 -all");
        tm_answer_t *a = NULL;
        if (st == TM_OK)
            st = tm_static_records_answer(recs, "spf.example.net", TM_RR_TXT, &a);
        tm_alloc_fail_after(0);
        if (st == TM_OK) {
            assert_non_null(a);
            assert_int_equal(a->count, 1);
            completed = true;
        } else {
            assert_int_equal(st, TM_ENOMEM);
            assert_null(a);
        }
        tm_answer_unref(a);
        tm_static_records_destroy(recs);
    }
    assert_true(completed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_answer),
        cmocka_unit_test(test_add_refuses),
        cmocka_unit_test_teardown(test_out_of_memory, reset_alloc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
