/* test_params_file.c - -f FILE as tmc_params_parse reads it: comments,
 * blank lines, CRLF, repeats checked once, and a line that is not a domain
 * name kept in its place with its line number and reason (the others are
 * still checked), while an invalid argument and an unreadable file stay
 * usage errors.  Also --format junit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tmc_params.h"

static char dir[64];
static char path[128];
static tmc_params_t params;
static char err[512];

static int setup(void **state)
{
    (void)state;
    setenv("LANGUAGE", "C", 1);
    setenv("LANG", "C", 1);
    setlocale(LC_ALL, "C");
    strcpy(dir, "/tmp/tm_pfile_XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof(path), "%s/domains.txt", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tmc_params_clear(&params);
    unlink(path);
    rmdir(dir);
    return 0;
}

static void write_list(const char *bytes, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static bool parse(int argc, char **argv)
{
    tmc_params_clear(&params);
    err[0] = '\0';
    bool ok = tmc_params_parse(&params, argc, argv, err, sizeof(err));
    if (!ok)
        assert_null(strchr(err, '\n'));
    return ok;
}

#define ARGV(...) ((char *[]){"tmems-check", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){"tmems-check", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(...) parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

static void expect_domain(size_t i, const char *ascii, unsigned long line)
{
    assert_true(i < params.ndomains);
    const tmc_domain_t *d = &params.domains[i];
    assert_null(d->invalid);
    assert_non_null(d->ascii);
    assert_string_equal(d->ascii, ascii);
    assert_int_equal(d->line, line);
}

static void expect_invalid(size_t i, const char *input, unsigned long line, const char *why)
{
    assert_true(i < params.ndomains);
    const tmc_domain_t *d = &params.domains[i];
    assert_null(d->ascii);
    assert_null(d->display);
    assert_non_null(d->invalid);
    assert_string_equal(d->input, input);
    assert_int_equal(d->line, line);
    if (!strstr(d->invalid, why))
        fail_msg("reason \"%s\" lacks \"%s\"", d->invalid, why);
}

/* A second list file beside the first. */
static char path2[160];

static void write_second(const char *text)
{
    snprintf(path2, sizeof(path2), "%s/more.txt", dir);
    FILE *f = fopen(path2, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

/* -f is repeatable: every file is read, in the order given, each line
 * remembering its file; a domain in both is checked once, where it was
 * first listed; standard input can be read once only. */
static void test_several_files(void **state)
{
    (void)state;
    static const char first[] = "a.example\nshared.example\n";
    write_list(first, sizeof(first) - 1);
    write_second("b.example\nshared.example\nnot a name\n");
    assert_true(PARSE("-f", path, "-f", path2, "c.example"));
    assert_int_equal(params.ndomains, 5);
    expect_domain(0, "a.example", 1);
    assert_string_equal(params.domains[0].file, path);
    expect_domain(1, "shared.example", 2);
    assert_string_equal(params.domains[1].file, path);
    expect_domain(2, "b.example", 1);
    assert_string_equal(params.domains[2].file, path2);
    expect_invalid(3, "not a name", 3, "letters");
    assert_string_equal(params.domains[3].file, path2);
    expect_domain(4, "c.example", 0);
    assert_null(params.domains[4].file);
    assert_false(PARSE("-f", "-", "-f", "-"));
    assert_string_equal(err, "-f - is given twice: standard input can be read only once");
    unlink(path2);
    assert_false(PARSE("-f", path, "-f", path2));
    assert_non_null(strstr(err, path2));
}

static void test_comments_blanks_crlf_repeats(void **state)
{
    (void)state;
    static const char list[] = "# customers\n"
                               "\n"
                               "   \t\n"
                               "a.example\r\n"
                               "  B.Example.  # trailing comment\n"
                               "a.example\n"
                               "A.EXAMPLE.\n"
                               "c.example"; /* no final new line */
    write_list(list, sizeof(list) - 1);
    assert_true(PARSE("-f", path));
    assert_int_equal(params.ndomains, 3);
    expect_domain(0, "a.example", 4);
    expect_domain(1, "b.example", 5);
    expect_domain(2, "c.example", 8);
}

static void test_invalid_lines_kept_in_place(void **state)
{
    (void)state;
    static const char list[] = "a.example\n"
                               "exa mple.com\n"
                               "b.example\n"
                               "-bad-.example # a comment\n"
                               "exa mple.com\n"
                               "c.example\n";
    write_list(list, sizeof(list) - 1);
    assert_true(PARSE("-f", path, "d.example"));
    assert_int_equal(params.ndomains, 7);
    expect_domain(0, "a.example", 1);
    expect_invalid(1, "exa mple.com", 2, "letters");
    expect_domain(2, "b.example", 3);
    expect_invalid(3, "-bad-.example", 4, "'-'");
    /* an invalid line is reported each time it appears */
    expect_invalid(4, "exa mple.com", 5, "letters");
    expect_domain(5, "c.example", 6);
    expect_domain(6, "d.example", 0); /* arguments come after the file */
}

static void test_only_invalid_lines(void **state)
{
    (void)state;
    static const char list[] = "..\n";
    write_list(list, sizeof(list) - 1);
    assert_true(PARSE("-f", path));
    assert_int_equal(params.ndomains, 1);
    expect_invalid(0, "..", 1, "");
}

static void test_long_line_and_nul(void **state)
{
    (void)state;
    char list[4096];
    size_t n = 0;
    n += (size_t)snprintf(list + n, sizeof(list) - n, "a.example\n");
    memset(list + n, 'x', 2000);
    n += 2000;
    list[n++] = '\n';
    /* a long comment after a good name is fine */
    n += (size_t)snprintf(list + n, sizeof(list) - n, "b.example #");
    memset(list + n, 'c', 1500);
    n += 1500;
    list[n++] = '\n';
    memcpy(list + n, "ev\0il.example\nc.example\n", 24);
    n += 24;
    write_list(list, n);
    assert_true(PARSE("-f", path));
    assert_int_equal(params.ndomains, 5);
    expect_domain(0, "a.example", 1);
    const tmc_domain_t *d = &params.domains[1];
    assert_non_null(d->invalid);
    assert_string_equal(d->invalid, "the line is longer than 1023 bytes");
    assert_int_equal(d->line, 2);
    assert_true(strlen(d->input) < 100); /* shown cut */
    expect_domain(2, "b.example", 3);
    expect_invalid(3, "ev", 4, "NUL");
    expect_domain(4, "c.example", 5);
    /* the line after the NUL is not swallowed */
    tmc_params_clear(&params);
    memcpy(list, "ev\0il.example\nc.example\n", 24);
    write_list(list, 24);
    assert_true(PARSE("-f", path));
    assert_int_equal(params.ndomains, 2);
    expect_domain(1, "c.example", 2);
}

static void test_usage_errors_stay(void **state)
{
    (void)state;
    static const char list[] = "a.example\n";
    write_list(list, sizeof(list) - 1);
    /* an invalid argument: exit 2 before any query, whatever the file holds */
    assert_false(PARSE("-f", path, "exa mple.com"));
    assert_non_null(strstr(err, "exa mple.com"));
    /* an unreadable file */
    char missing[160];
    snprintf(missing, sizeof(missing), "%s/missing.txt", dir);
    assert_false(PARSE("-f", missing));
    assert_non_null(strstr(err, "missing.txt"));
    assert_false(PARSE("-f", dir)); /* a directory cannot be read as lines */
    /* an empty file: no domain */
    write_list("", 0);
    assert_false(PARSE("-f", path));
    assert_non_null(strstr(err, "no domain"));
    /* the spf subcommand does not take an invalid line */
    write_list("exa mple.com\n", 13);
    assert_false(parse(6, (char *[]){"tmems-check", "spf", "-f", path, "--ip", "192.0.2.1", NULL}));
    assert_non_null(strstr(err, ":1:"));
}

static void test_format_junit(void **state)
{
    (void)state;
    assert_true(PARSE("--format", "junit", "a.example"));
    assert_int_equal(params.format, TMC_FORMAT_JUNIT);
    assert_false(PARSE("--format", "xml", "a.example"));
    assert_non_null(strstr(err, "junit"));
    assert_false(parse(7, (char *[]){"tmems-check", "spf", "a.example", "--ip", "192.0.2.1",
                                     "--format", "junit", NULL}));
    assert_true(PARSE("-j", "64", "a.example"));
    assert_int_equal(params.jobs, 64);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_comments_blanks_crlf_repeats),
        cmocka_unit_test(test_invalid_lines_kept_in_place),
        cmocka_unit_test(test_only_invalid_lines),
        cmocka_unit_test(test_long_line_and_nul),
        cmocka_unit_test(test_usage_errors_stay),
        cmocka_unit_test(test_format_junit),
        cmocka_unit_test(test_several_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
