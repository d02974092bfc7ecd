/* test_coverage.c - which domains an offline run can check (src/cli/
 * coverage.c): those at or below the origin of a --zone file; for any other
 * the reason names the domain and the origins, or says that no --zone was
 * given.  Online, every domain can be checked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "tmc_coverage.h"

#define ZONES TM_TESTS_DIR "/zones/"

static int setup(void **state)
{
    (void)state;
    setenv("LANGUAGE", "C", 1);
    setenv("LANG", "C", 1);
    setlocale(LC_ALL, "C");
    return 0;
}

static tm_resolver_t *offline_resolver(const char *const *zones, size_t n)
{
    tm_resolver_options_t ro = {.offline = true, .zone_files = zones, .nzones = n};
    tm_resolver_t *res = NULL;
    char err[256];
    assert_int_equal(tm_resolver_create(&ro, &res, err, sizeof err), TM_OK);
    return res;
}

static void test_covered_and_not(void **state)
{
    (void)state;
    const char *zones[] = {ZONES "ready.example.zone", ZONES "example.zone"};
    tm_resolver_t *res = offline_resolver(zones, 1);
    tmc_params_t p = {.offline = true};
    assert_false(tmc_offline_uncovered(&p, res, "ready.example"));
    assert_false(tmc_offline_uncovered(&p, res, "mail.ready.example"));
    assert_true(tmc_offline_uncovered(&p, res, "other.example"));
    assert_false(tmc_offline_uncovered(&p, res, NULL)); /* an invalid -f line */
    char why[512];
    tmc_uncovered_reason(res, "other.example", why, sizeof why);
    assert_string_equal(why, "--offline: no zone file holds other.example (the --zone file is "
                             "for ready.example); give the domain's zone file with --zone");
    /* online, DNS answers for every name */
    p.offline = false;
    assert_false(tmc_offline_uncovered(&p, res, "other.example"));
    tm_resolver_destroy(res);

    /* a parent's zone holds its children; two origins are listed */
    res = offline_resolver(zones, 2);
    p.offline = true;
    assert_false(tmc_offline_uncovered(&p, res, "other.example"));
    assert_true(tmc_offline_uncovered(&p, res, "other.test"));
    tmc_uncovered_reason(res, "other.test", why, sizeof why);
    assert_string_equal(why, "--offline: no zone file holds other.test (the --zone files are "
                             "for ready.example, example); give the domain's zone file with "
                             "--zone");
    tm_resolver_destroy(res);
}

static void test_no_zone(void **state)
{
    (void)state;
    tm_resolver_t *res = offline_resolver(NULL, 0);
    tmc_params_t p = {.offline = true};
    assert_true(tmc_offline_uncovered(&p, res, "ready.example"));
    char why[512];
    tmc_uncovered_reason(res, "ready.example", why, sizeof why);
    assert_string_equal(why, "--offline without --zone: no zone file holds ready.example, so "
                             "nothing can be checked; give the domain's zone file with --zone");
    /* a short buffer is cut, never overrun */
    char small[16];
    tmc_uncovered_reason(res, "ready.example", small, sizeof small);
    assert_int_equal(strlen(small), sizeof small - 1);
    tm_resolver_destroy(res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_covered_and_not, setup),
        cmocka_unit_test_setup(test_no_zone, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
