/* test_i18n.c - the CLI's language and catalogue directory (src/cli/i18n.c):
 * locale-variable precedence, and the four places a catalogue is looked
 * for, with real directories built under /tmp. */
#define _XOPEN_SOURCE 700 /* mkdtemp, realpath */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmc_i18n.h"

static void lang_precedence(void **state)
{
    (void)state;
    assert_string_equal(tmc_lang_from_env(NULL, NULL, NULL), "en");
    assert_string_equal(tmc_lang_from_env(NULL, NULL, "ja_JP.UTF-8"), "ja");
    assert_string_equal(tmc_lang_from_env(NULL, NULL, "ja"), "ja");
    assert_string_equal(tmc_lang_from_env(NULL, NULL, "ja_JP.eucJP"), "ja");
    assert_string_equal(tmc_lang_from_env(NULL, NULL, "ja.UTF-8"), "ja");
    assert_string_equal(tmc_lang_from_env(NULL, NULL, "ja@latin"), "ja");
    assert_string_equal(tmc_lang_from_env(NULL, NULL, "en_US.UTF-8"), "en");
    /* LC_MESSAGES outranks LANG, LC_ALL outranks both (POSIX). */
    assert_string_equal(tmc_lang_from_env(NULL, "ja_JP.UTF-8", "en_US.UTF-8"), "ja");
    assert_string_equal(tmc_lang_from_env(NULL, "C", "ja_JP.UTF-8"), "en");
    assert_string_equal(tmc_lang_from_env("C.UTF-8", "ja_JP.UTF-8", "ja_JP.UTF-8"), "en");
    assert_string_equal(tmc_lang_from_env("ja_JP.UTF-8", "C", "C"), "ja");
    /* An empty variable counts as unset. */
    assert_string_equal(tmc_lang_from_env("", "", "ja_JP.UTF-8"), "ja");
    assert_string_equal(tmc_lang_from_env("", "C", "ja_JP.UTF-8"), "en");
    /* Only the language part decides: not a prefix of a longer name. */
    assert_string_equal(tmc_lang_from_env(NULL, NULL, "jam"), "en");
    assert_string_equal(tmc_lang_from_env(NULL, NULL, "j"), "en");
}

typedef struct {
    char dir[64];
} scratch_t;

static void make_file(const char *path)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("not a real catalogue\n", f);
    fclose(f);
}

static void path_join(char *out, size_t len, const char *a, const char *b)
{
    int n = snprintf(out, len, "%s/%s", a, b);
    assert_true(n > 0 && (size_t)n < len);
}

/* <dir>/usr/bin, and optionally <dir>/usr/share/locale/ja/LC_MESSAGES/
 * tmems-check.mo: an install tree unpacked somewhere else. */
static void make_tree(const scratch_t *s, int with_catalogue)
{
    static const char *const dirs[] = {"usr", "usr/bin", "usr/share", "usr/share/locale",
                                       "usr/share/locale/ja",
                                       "usr/share/locale/ja/LC_MESSAGES"};
    char path[PATH_MAX];
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        path_join(path, sizeof path, s->dir, dirs[i]);
        assert_int_equal(mkdir(path, 0700), 0);
    }
    if (with_catalogue) {
        path_join(path, sizeof path, s->dir, "usr/share/locale/ja/LC_MESSAGES/tmems-check.mo");
        make_file(path);
    }
}

static void remove_tree(const scratch_t *s)
{
    static const char *const paths[] = {"usr/share/locale/ja/LC_MESSAGES/tmems-check.mo",
                                        "usr/share/locale/ja/LC_MESSAGES",
                                        "usr/share/locale/ja", "usr/share/locale",
                                        "usr/share", "usr/bin", "usr"};
    char path[PATH_MAX];
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        path_join(path, sizeof path, s->dir, paths[i]);
        remove(path);
    }
    rmdir(s->dir);
}

static int setup(void **state)
{
    scratch_t *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    snprintf(s->dir, sizeof s->dir, "/tmp/tm_i18n_XXXXXX");
    if (!mkdtemp(s->dir)) {
        free(s);
        return -1;
    }
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    scratch_t *s = *state;
    remove_tree(s);
    free(s);
    return 0;
}

static void env_override_wins(void **state)
{
    scratch_t *s = *state;
    char out[PATH_MAX], exe[PATH_MAX];
    make_tree(s, 1);
    path_join(exe, sizeof exe, s->dir, "usr/bin/tmems-check");
    /* Even a directory without catalogues: the user asked for it. */
    tmc_localedir_pick("/nonexistent/locale", exe, out, sizeof out);
    assert_string_equal(out, "/nonexistent/locale");
    /* Empty means unset. */
    tmc_localedir_pick("", NULL, out, sizeof out);
    assert_string_equal(out, TM_LOCALEDIR);
}

static void moved_install_tree(void **state)
{
    scratch_t *s = *state;
    char out[PATH_MAX], exe[PATH_MAX], want[PATH_MAX], share[PATH_MAX];
    make_tree(s, 1);
    path_join(exe, sizeof exe, s->dir, "usr/bin/tmems-check");
    tmc_localedir_pick(NULL, exe, out, sizeof out);
    path_join(share, sizeof share, s->dir, "usr/share/locale");
    assert_non_null(realpath(share, want));
    assert_string_equal(out, want);
}

static void moved_tree_without_catalogue(void **state)
{
    scratch_t *s = *state;
    char out[PATH_MAX], exe[PATH_MAX];
    make_tree(s, 0);
    path_join(exe, sizeof exe, s->dir, "usr/bin/tmems-check");
    tmc_localedir_pick(NULL, exe, out, sizeof out);
    assert_string_equal(out, TM_LOCALEDIR);
}

static void build_tree(void **state)
{
    (void)state;
    char out[PATH_MAX];
    /* The program itself and the test programs below it. */
    tmc_localedir_pick(NULL, TM_BUILD_DIR "/tmems-check", out, sizeof out);
    assert_string_equal(out, TM_BUILD_LOCALEDIR);
    tmc_localedir_pick(NULL, TM_BUILD_DIR "/tests/test_i18n", out, sizeof out);
    assert_string_equal(out, TM_BUILD_LOCALEDIR);
    /* A sibling whose name merely starts like the build directory is not
     * inside it. */
    tmc_localedir_pick(NULL, TM_BUILD_DIR "-other/tmems-check", out, sizeof out);
    assert_string_equal(out, TM_LOCALEDIR);
}

static void unknown_executable(void **state)
{
    (void)state;
    char out[PATH_MAX];
    tmc_localedir_pick(NULL, NULL, out, sizeof out);
    assert_string_equal(out, TM_LOCALEDIR);
    /* A bare name has no directory to look beside. */
    tmc_localedir_pick(NULL, "tmems-check", out, sizeof out);
    assert_string_equal(out, TM_LOCALEDIR);
}

static void truncates_to_the_buffer(void **state)
{
    (void)state;
    char out[8];
    memset(out, 'x', sizeof out);
    tmc_localedir_pick("/a/very/long/directory", NULL, out, sizeof out);
    assert_int_equal(strlen(out), sizeof out - 1);
    assert_memory_equal(out, "/a/very", 7);
}

static void this_process(void **state)
{
    (void)state;
    char out[PATH_MAX];
    /* This test program runs from the build tree, so without the variable
     * it is given the build tree's catalogues; with it, the variable. */
    unsetenv("TMEMS_CHECK_LOCALEDIR");
    tmc_localedir(out, sizeof out);
    assert_string_equal(out, TM_BUILD_LOCALEDIR);
    setenv("TMEMS_CHECK_LOCALEDIR", "/somewhere/else", 1);
    tmc_localedir(out, sizeof out);
    assert_string_equal(out, "/somewhere/else");
    unsetenv("TMEMS_CHECK_LOCALEDIR");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lang_precedence),
        cmocka_unit_test_setup_teardown(env_override_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(moved_install_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(moved_tree_without_catalogue, setup, teardown),
        cmocka_unit_test(build_tree),
        cmocka_unit_test(unknown_executable),
        cmocka_unit_test(truncates_to_the_buffer),
        cmocka_unit_test(this_process),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
