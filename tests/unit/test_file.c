/* test_file.c - the bounded reader of input files: regular files only,
 * never blocking on a FIFO, never reading past the limit, "-" only where
 * allowed, and allocation failures reported as such. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tmems/tm_status.h"
#include "tmems/tm_file.h"

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/tm_test_file.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int reset_alloc(void **state)
{
    (void)state;
    tm_alloc_fail_after(0);
    return 0;
}

static const char *path_of(const char *name)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

static void write_file(const char *name, const char *data, size_t len)
{
    FILE *f = fopen(path_of(name), "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void test_regular_file(void **state)
{
    (void)state;
    static const char text[] = "line one\nline\0two\n";
    write_file("plain", text, sizeof text - 1);
    char *data = NULL;
    size_t len = 99;
    tm_file_error_t why;
    assert_int_equal(tm_file_read(path_of("plain"), 100, false, &data, &len, &why), TM_OK);
    assert_int_equal(len, sizeof text - 1);
    assert_memory_equal(data, text, len);
    assert_int_equal(data[len], '\0');
    assert_int_equal(why.problem, TM_FILE_OK);
    tm_free(data);
}

static void test_empty_file(void **state)
{
    (void)state;
    write_file("empty", "", 0);
    char *data = NULL;
    size_t len = 99;
    tm_file_error_t why;
    assert_int_equal(tm_file_read(path_of("empty"), 10, false, &data, &len, &why), TM_OK);
    assert_int_equal(len, 0);
    assert_string_equal(data, "");
    tm_free(data);
}

/* Exactly the limit loads; one byte more does not. */
static void test_limit(void **state)
{
    (void)state;
    char big[4097];
    memset(big, 'x', sizeof big);
    write_file("exact", big, 4096);
    write_file("over", big, 4097);
    char *data = NULL, msg[128];
    size_t len = 0;
    tm_file_error_t why;
    assert_int_equal(tm_file_read(path_of("exact"), 4096, false, &data, &len, &why), TM_OK);
    assert_int_equal(len, 4096);
    tm_free(data);
    data = NULL;
    assert_int_equal(tm_file_read(path_of("over"), 4096, false, &data, &len, &why), TM_ERANGE);
    assert_null(data);
    assert_int_equal(why.problem, TM_FILE_TOO_LARGE);
    assert_string_equal(tm_file_strerror(&why, msg, sizeof msg), "larger than 4096 bytes");
    why.limit = (size_t)64 << 20;
    assert_string_equal(tm_file_strerror(&why, msg, sizeof msg), "larger than 64 MiB");
}

/* A FIFO without a writer would block open() and read() forever. */
static void test_fifo_refused_without_blocking(void **state)
{
    (void)state;
    char fifo[128];
    snprintf(fifo, sizeof fifo, "%s", path_of("fifo"));
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(symlink(fifo, path_of("to-fifo")), 0);
    char *data = NULL, msg[128];
    size_t len = 0;
    tm_file_error_t why;
    assert_int_equal(tm_file_read(path_of("fifo"), 100, false, &data, &len, &why), TM_EIO);
    assert_int_equal(why.problem, TM_FILE_NOT_REGULAR);
    assert_string_equal(tm_file_strerror(&why, msg, sizeof msg),
                        "not a regular file (a FIFO, device or directory)");
    assert_int_equal(tm_file_read(path_of("to-fifo"), 100, false, &data, &len, &why), TM_EIO);
    assert_int_equal(why.problem, TM_FILE_NOT_REGULAR);
    assert_null(data);
}

/* /dev/zero never ends: refused before a single byte is read. */
static void test_devices_refused(void **state)
{
    (void)state;
    assert_int_equal(symlink("/dev/zero", path_of("to-zero")), 0);
    char *data = NULL;
    size_t len = 0;
    tm_file_error_t why;
    assert_int_equal(tm_file_read("/dev/zero", (size_t)64 << 20, false, &data, &len, &why),
                     TM_EIO);
    assert_int_equal(why.problem, TM_FILE_NOT_REGULAR);
    assert_int_equal(tm_file_read(path_of("to-zero"), 100, false, &data, &len, &why), TM_EIO);
    assert_int_equal(why.problem, TM_FILE_NOT_REGULAR);
    assert_int_equal(tm_file_read("/dev/null", 100, false, &data, &len, &why), TM_EIO);
    assert_int_equal(why.problem, TM_FILE_NOT_REGULAR);
    assert_null(data);
}

static void test_missing_and_directory(void **state)
{
    (void)state;
    char *data = NULL, msg[128];
    size_t len = 0;
    tm_file_error_t why;
    assert_int_equal(tm_file_read(path_of("missing"), 100, false, &data, &len, &why), TM_EIO);
    assert_int_equal(why.problem, TM_FILE_SYSTEM);
    assert_int_equal(why.sys_errno, ENOENT);
    assert_string_equal(tm_file_strerror(&why, msg, sizeof msg), strerror(ENOENT));
    assert_int_equal(tm_file_read(dir, 100, false, &data, &len, &why), TM_EIO);
    assert_int_equal(why.sys_errno, EISDIR);
    /* "-" is a file name unless standard input is allowed */
    assert_int_equal(tm_file_read("-", 100, false, &data, &len, &why), TM_EIO);
    assert_int_equal(why.sys_errno, ENOENT);
    assert_null(data);
}

/* "-" reads standard input, whatever it is, with the same limit. */
static void test_stdin(void **state)
{
    (void)state;
    int saved = dup(STDIN_FILENO);
    assert_true(saved >= 0);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "a.example\nb.example\n", 20), 20);
    close(fds[1]);
    assert_int_equal(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
    close(fds[0]);
    char *data = NULL;
    size_t len = 0;
    tm_file_error_t why;
    assert_int_equal(tm_file_read("-", 100, true, &data, &len, &why), TM_OK);
    assert_int_equal(len, 20);
    assert_string_equal(data, "a.example\nb.example\n");
    tm_free(data);
    data = NULL;

    int zero = open("/dev/zero", O_RDONLY);
    assert_true(zero >= 0);
    assert_int_equal(dup2(zero, STDIN_FILENO), STDIN_FILENO);
    close(zero);
    assert_int_equal(tm_file_read("-", 1 << 20, true, &data, &len, &why), TM_ERANGE);
    assert_int_equal(why.problem, TM_FILE_TOO_LARGE);
    assert_null(data);
    assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    close(saved);
}

/* $INCLUDE's reader: nothing outside the directory, whatever the path. */
static void test_beneath(void **state)
{
    (void)state;
    char sub[128], outside[128], jail[128];
    snprintf(jail, sizeof jail, "%s/jail", dir);
    snprintf(sub, sizeof sub, "%s/jail/sub", dir);
    snprintf(outside, sizeof outside, "%s/secret", dir);
    assert_int_equal(mkdir(jail, 0700), 0);
    assert_int_equal(mkdir(sub, 0700), 0);
    write_file("secret", "secret\n", 7);
    write_file("jail/sub/in.inc", "www A 192.0.2.1\n", 16);
    assert_int_equal(symlink(outside, path_of("jail/abs-out")), 0);
    assert_int_equal(symlink("../secret", path_of("jail/rel-out")), 0);
    assert_int_equal(symlink("sub/in.inc", path_of("jail/link-in")), 0);
    assert_int_equal(symlink("sub", path_of("jail/dir-link")), 0);
    assert_int_equal(symlink("..", path_of("jail/sub/up")), 0);
    assert_int_equal(symlink("loop-b", path_of("jail/loop-a")), 0);
    assert_int_equal(symlink("loop-a", path_of("jail/loop-b")), 0);
    assert_int_equal(mkfifo(path_of("jail/fifo"), 0600), 0);

    char *data = NULL;
    size_t len = 0;
    tm_file_error_t why;
    static const char *const inside[] = {"sub/in.inc", "link-in", "./sub/in.inc",
                                         "sub/../sub/in.inc", "dir-link/in.inc",
                                         "sub/up/sub/in.inc", "sub//in.inc"};
    for (size_t i = 0; i < sizeof inside / sizeof inside[0]; i++) {
        assert_int_equal(tm_file_read_beneath(jail, inside[i], 100, &data, &len, &why), TM_OK);
        assert_string_equal(data, "www A 192.0.2.1\n");
        tm_free(data);
        data = NULL;
    }
    static const char *const out[] = {"../secret", "abs-out", "rel-out", "sub/../../secret",
                                      "/etc/passwd", "", "sub/up/../secret",
                                      "dir-link/../../secret"};
    for (size_t i = 0; i < sizeof out / sizeof out[0]; i++) {
        assert_int_equal(tm_file_read_beneath(jail, out[i], 100, &data, &len, &why), TM_EINVAL);
        assert_int_equal(why.problem, TM_FILE_OUTSIDE);
        assert_null(data);
    }
    char msg[128];
    assert_string_equal(tm_file_strerror(&why, msg, sizeof msg),
                        "outside the directory it must stay in");
    /* inside, but not a regular file: refused without blocking */
    assert_int_equal(tm_file_read_beneath(jail, "fifo", 100, &data, &len, &why), TM_EIO);
    assert_int_equal(why.problem, TM_FILE_NOT_REGULAR);
    assert_int_equal(tm_file_read_beneath(jail, "sub", 100, &data, &len, &why), TM_EIO);
    assert_int_equal(why.sys_errno, EISDIR);
    assert_int_equal(tm_file_read_beneath(jail, "missing", 100, &data, &len, &why), TM_EIO);
    assert_int_equal(why.sys_errno, ENOENT);
    assert_int_equal(tm_file_read_beneath(jail, "loop-a", 100, &data, &len, &why), TM_EIO);
    assert_int_equal(why.sys_errno, ELOOP);
    assert_int_equal(tm_file_read_beneath(jail, "sub/in.inc/x", 100, &data, &len, &why),
                     TM_EIO);
    assert_int_equal(why.sys_errno, ENOTDIR);
    /* the limit holds here too */
    assert_int_equal(tm_file_read_beneath(jail, "sub/in.inc", 10, &data, &len, &why), TM_ERANGE);
}

static void test_enomem(void **state)
{
    (void)state;
    write_file("small", "abc", 3);
    char *data = NULL, msg[128];
    size_t len = 0;
    tm_file_error_t why;
    tm_alloc_fail_after(1);
    assert_int_equal(tm_file_read(path_of("small"), 100, false, &data, &len, &why), TM_ENOMEM);
    assert_int_equal(why.problem, TM_FILE_NO_MEMORY);
    assert_string_equal(tm_file_strerror(&why, msg, sizeof msg), "out of memory");
    assert_null(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regular_file),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_fifo_refused_without_blocking),
        cmocka_unit_test(test_devices_refused),
        cmocka_unit_test(test_missing_and_directory),
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_beneath),
        cmocka_unit_test_teardown(test_enomem, reset_alloc),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
