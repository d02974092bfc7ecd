/* test_watch_params.c - the options of `tmems-check watch` (src/cli/
 * watch.c): its own options taken out of argv, the common ones parsed as
 * for a normal run, the ones that mean nothing to watch refused by name,
 * and the watch's defaults. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tmc_watch.h"
#include "watch_fixture.h"

static bool parse(int argc, const char **argv, tmc_params_t *p, tmc_watch_params_t *wp,
                  char *err, size_t errlen)
{
    char *rest[64];
    assert_true(argc < 63);
    return tmc_watch_params_parse(argc, (char **)argv, rest, p, wp, err, errlen);
}

static void test_defaults_and_options(void **state)
{
    (void)state;
    const char *argv[] = {"watch", "--interval", "5", "acme.example", "--server", "127.0.0.1:53",
                          "--until=caches", "--expect-mx", "10 mail.acme.example",
                          "--expect-mx", "backup.acme.example", "--expect-spf", "none",
                          "--old-ttl", "86400", "--company", "acme", "--format", "jsonl"};
    tmc_params_t p;
    tmc_watch_params_t wp;
    char err[512] = "";
    assert_true(parse(19, argv, &p, &wp, err, sizeof err));
    assert_int_equal(wp.interval_s, 5);
    assert_true(wp.until_caches);
    assert_int_equal(wp.expect.nmx, 2);
    assert_string_equal(wp.expect.mx[0], "10 mail.acme.example");
    assert_string_equal(wp.expect.spf, "none");
    assert_true(wp.old_ttl_given);
    assert_int_equal(wp.old_ttl_s, 86400);
    assert_int_equal(p.ndomains, 1);
    assert_string_equal(p.domains[0].ascii, "acme.example");
    assert_int_equal(p.nservers, 1);
    assert_string_equal(p.check.company, "acme");
    assert_int_equal(p.format, TMC_FORMAT_JSONL);
    assert_false(wp.deadline_given);
    assert_int_equal(p.deadline_s, TMC_WATCH_DEADLINE_DEFAULT_S);
    tmc_params_clear(&p);

    const char *plain[] = {"watch", "acme.example", "--deadline", "30"};
    assert_true(parse(4, plain, &p, &wp, err, sizeof err));
    assert_int_equal(wp.interval_s, TMC_WATCH_INTERVAL_DEFAULT_S);
    assert_false(wp.until_caches);
    assert_false(wp.old_ttl_given);
    assert_true(wp.deadline_given);
    assert_int_equal(p.deadline_s, 30);
    tmc_params_clear(&p);
}

static void expect_refused(int argc, const char **argv, const char *needle)
{
    tmc_params_t p;
    tmc_watch_params_t wp;
    char err[512] = "";
    assert_false(parse(argc, argv, &p, &wp, err, sizeof err));
    if (!strstr(err, needle))
        fail_msg("'%s' not in '%s'", needle, err);
    tmc_params_clear(&p);
}

static void test_refused(void **state)
{
    (void)state;
    const char *a1[] = {"watch", "acme.example", "--interval", "0"};
    expect_refused(4, a1, "invalid --interval value '0'");
    const char *a2[] = {"watch", "acme.example", "--until", "forever"};
    expect_refused(4, a2, "invalid --until 'forever'");
    const char *a3[] = {"watch", "acme.example", "--expect-mx", "a..example"};
    expect_refused(4, a3, "invalid --expect-mx value 'a..example': not a valid host name");
    const char *a4[] = {"watch", "acme.example", "--expect-spf", "v=spf2"};
    expect_refused(4, a4, "invalid --expect-spf value");
    const char *a5[] = {"watch", "acme.example", "--old-ttl"};
    expect_refused(3, a5, "option '--old-ttl' needs a value");
    const char *a6[] = {"watch", "acme.example", "--interval", "1", "--interval=2"};
    expect_refused(5, a6, "option '--interval' can be given only once");
    const char *a7[] = {"watch", "acme.example", "--offline"};
    expect_refused(3, a7, "--offline does not go with watch");
    const char *a8[] = {"watch", "acme.example", "--authoritative"};
    expect_refused(3, a8, "--authoritative does not go with watch");
    const char *a9[] = {"watch", "acme.example", "--only", "mx."};
    expect_refused(4, a9, "--only does not go with watch");
    const char *a10[] = {"watch", "acme.example", "--format", "json"};
    expect_refused(4, a10, "watch writes --format text or jsonl");
    const char *a11[] = {"watch", "a.example", "b.example"};
    expect_refused(3, a11, "watch watches exactly one domain");
    const char *a12[] = {"watch"};
    expect_refused(1, a12, "no domain given");
    const char *a13[] = {"watch", "acme.example", "--phase", "pre"};
    expect_refused(4, a13, "--phase does not go with watch");
    const char *a14[] = {"watch", "acme.example", "--bogus"};
    expect_refused(3, a14, "unknown option '--bogus'");
    const char *a15[] = {"watch", "spf", "acme.example"};
    expect_refused(3, a15, "watch watches one DOMAIN");
}

static void test_help(void **state)
{
    (void)state;
    const char *argv[] = {"watch", "--help"};
    tmc_params_t p;
    tmc_watch_params_t wp;
    char err[512];
    assert_true(parse(2, argv, &p, &wp, err, sizeof err));
    assert_true(p.help);
    tmc_params_clear(&p);
    assert_non_null(strstr(tmc_watch_usage(), "each poll asks each server 3 questions"));
    assert_non_null(strstr(tmc_watch_synopsis(), "tmems-check watch [OPTIONS] DOMAIN"));
}

int main(void)
{
    wx_locale();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_options),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_help),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
