/* test_regressions.c - one test per defect the fuzzers found
 * (tests/fuzz/README.md), each reproducing the input that broke a promise of a
 * public header.  The inputs also sit in tests/fuzz/corpus/<target>/ and
 * replay there; these tests state what the right answer is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "tmems/tm_resolve.h"
#include "tmems/tm_rules.h"
#include "tmems/tm_run.h"
#include "tmems/tm_spf.h"

/* fuzz_spf_macro: a domain-spec ending in two or more dots has an empty
 * label, so tm_spf_expand_domain must refuse it (tm_spf.h: "TM_EINVAL when
 * the result cannot be queried"); it used to strip two dots and return a
 * name ending in '.', which the question list then asked without the
 * empty label, a different name. */
static void test_expand_domain_double_trailing_dot(void **state)
{
    (void)state;
    tm_spf_macro_env_t env = {.domain = "example.com"};
    char out[TM_NAME_MAX + 1];

    assert_int_equal(tm_spf_expand_domain("abc..", &env, out), TM_EINVAL);
    assert_int_equal(tm_spf_expand_domain("\277\277\277\277...", &env, out), TM_EINVAL);
    assert_int_equal(tm_spf_expand_domain("%{d}..", &env, out), TM_EINVAL);
    /* One trailing dot is the root and is only dropped. */
    assert_int_equal(tm_spf_expand_domain("%{d}.", &env, out), TM_OK);
    assert_string_equal(out, "example.com");
    assert_int_equal(tm_spf_expand_domain("mail.%{d}", &env, out), TM_OK);
    assert_string_equal(out, "mail.example.com");
}

/* test_oom: offline, a name the bundled rules know (the data-center SPF
 * include) whose answer could not be allocated was answered UNKNOWN, as if
 * the rules did not know it; the check then ran on, with "offline: unknown"
 * findings instead of the TM_ENOMEM the caller must get.  Every allocation
 * of the fetch is failed in turn: each time the fetch reports TM_ENOMEM or
 * stores the rules' real answer, never an UNKNOWN one. */
static void test_offline_rules_answer_oom(void **state)
{
    (void)state;
    tm_rules_t *rules = NULL;
    assert_int_equal(tm_rules_bundled("jp", &rules), TM_OK);
    tm_static_records_t *records = NULL;
    assert_int_equal(tm_run_rules_records(rules, &records), TM_OK);
    tm_resolver_options_t ropts = {.offline = true, .records = records};
    bool failed_once = false;

    for (unsigned long n = 1; n < 64; n++) {
        tm_resolver_t *res = NULL;
        char err[128];
        assert_int_equal(tm_resolver_create(&ropts, &res, err, sizeof err), TM_OK);
        tm_rrset_t *set = tm_rrset_create();
        assert_non_null(set);
        tm_questions_t q;
        tm_questions_init(&q);
        assert_int_equal(tm_questions_add(&q, NULL, rules->spf_include, TM_RR_TXT), TM_OK);

        tm_alloc_count_reset();
        tm_alloc_fail_after(n);
        tm_status_t st = tm_resolver_fetch(res, &q, set);
        tm_alloc_fail_after(0);
        bool fired = tm_alloc_count() >= n;
        const tm_answer_t *ans = tm_rrset_get(set, rules->spf_include, TM_RR_TXT);
        if (st == TM_OK) {
            assert_non_null(ans);
            assert_int_equal(ans->outcome, TM_DNS_NOERROR);
            assert_int_equal(ans->source, TM_SRC_RULES);
        } else {
            assert_int_equal(st, TM_ENOMEM);
            assert_true(ans == NULL || ans->outcome != TM_DNS_UNKNOWN);
            failed_once = true;
        }
        tm_questions_clear(&q);
        tm_rrset_destroy(set);
        tm_resolver_destroy(res);
        if (!fired)
            break;
    }
    assert_true(failed_once);
    tm_static_records_destroy(records);
    tm_rules_destroy(rules);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expand_domain_double_trailing_dot),
        cmocka_unit_test(test_offline_rules_answer_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
