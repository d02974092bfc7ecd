/* file.c - the bounded reader of user-named input files (tmems/tm_file.h). */
/* openat2, O_PATH and realpath are Linux and GNU, not POSIX 2008. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tmems/tm_file.h"
#include "tmems/tm_i18n.h"

static tm_status_t fail(tm_file_error_t *why, tm_file_problem_t problem, int sys_errno,
                        size_t limit)
{
    why->problem = problem;
    why->sys_errno = sys_errno;
    why->limit = limit;
    switch (problem) {
    case TM_FILE_TOO_LARGE: return TM_ERANGE;
    case TM_FILE_NO_MEMORY: return TM_ENOMEM;
    case TM_FILE_OUTSIDE: return TM_EINVAL;
    default: return TM_EIO;
    }
}

/* Reads fd to its end, keeping at most limit bytes; one byte more than the
 * limit is enough to know the file is too large, so no more is read. */
static tm_status_t read_bounded(int fd, size_t limit, char **data, size_t *len,
                                tm_file_error_t *why, size_t size_hint)
{
    size_t cap = (size_hint > 0 && size_hint <= limit ? size_hint : 65536) + 2;
    if (cap > limit + 2)
        cap = limit + 2;
    char *buf = tm_malloc(cap);
    size_t got = 0;
    if (!buf)
        return fail(why, TM_FILE_NO_MEMORY, 0, 0);
    for (;;) {
        if (got + 1 >= cap) {
            if (got > limit)
                break;
            size_t grown_cap = cap > (limit + 2) / 2 ? limit + 2 : cap * 2;
            char *grown = tm_realloc(buf, grown_cap);
            if (!grown) {
                tm_free(buf);
                return fail(why, TM_FILE_NO_MEMORY, 0, 0);
            }
            buf = grown;
            cap = grown_cap;
        }
        ssize_t n = read(fd, buf + got, cap - got - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            tm_free(buf);
            return fail(why, TM_FILE_SYSTEM, e, 0);
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    if (got > limit) {
        tm_free(buf);
        return fail(why, TM_FILE_TOO_LARGE, 0, limit);
    }
    buf[got] = '\0';
    *data = buf;
    *len = got;
    return TM_OK;
}

/* An opened descriptor: a regular file, read to at most limit bytes. */
static tm_status_t read_opened(int fd, size_t limit, char **data, size_t *len,
                               tm_file_error_t *why)
{
    struct stat sb;
    tm_status_t st;
    if (fstat(fd, &sb) != 0)
        st = fail(why, TM_FILE_SYSTEM, errno, 0);
    else if (S_ISDIR(sb.st_mode))
        st = fail(why, TM_FILE_SYSTEM, EISDIR, 0);
    else if (!S_ISREG(sb.st_mode))
        st = fail(why, TM_FILE_NOT_REGULAR, 0, 0);
    else if ((unsigned long long)sb.st_size > limit)
        st = fail(why, TM_FILE_TOO_LARGE, 0, limit);
    else
        st = read_bounded(fd, limit, data, len, why, (size_t)sb.st_size);
    close(fd);
    return st;
}

/* Before openat2 (Linux < 5.6): the real path must lie below the real
 * directory.  A link swapped in between could still lead out; openat2 has
 * no such gap. */
static int open_beneath_fallback(const char *dir, const char *relpath, int flags)
{
    char real_dir[PATH_MAX], joined[PATH_MAX], real_file[PATH_MAX];
    if (!realpath(dir, real_dir))
        return -1;
    if ((size_t)snprintf(joined, sizeof joined, "%s/%s", real_dir, relpath) >= sizeof joined) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (!realpath(joined, real_file))
        return -1;
    size_t n = strlen(real_dir);
    if (strncmp(real_file, real_dir, n) != 0 || (real_file[n] != '/' && n > 1)) {
        errno = EXDEV;
        return -1;
    }
    return open(real_file, flags);
}

tm_status_t tm_file_read(const char *path, size_t limit, bool allow_stdin, char **data,
                         size_t *len, tm_file_error_t *why)
{
    struct stat sb;
    *data = NULL;
    *len = 0;
    why->problem = TM_FILE_OK;
    if (allow_stdin && strcmp(path, "-") == 0)
        return read_bounded(STDIN_FILENO, limit, data, len, why, 0);
    /* stat first, so that a device is never even opened (opening some has
     * side effects); then the type again on what was opened, in case the
     * path changed in between. */
    if (stat(path, &sb) != 0)
        return fail(why, TM_FILE_SYSTEM, errno, 0);
    if (S_ISDIR(sb.st_mode))
        return fail(why, TM_FILE_SYSTEM, EISDIR, 0);
    if (!S_ISREG(sb.st_mode))
        return fail(why, TM_FILE_NOT_REGULAR, 0, 0);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return fail(why, TM_FILE_SYSTEM, errno, 0);
    return read_opened(fd, limit, data, len, why);
}

tm_status_t tm_file_read_beneath(const char *dir, const char *relpath, size_t limit, char **data,
                                 size_t *len, tm_file_error_t *why)
{
    *data = NULL;
    *len = 0;
    why->problem = TM_FILE_OK;
    if (relpath[0] == '/' || relpath[0] == '\0')
        return fail(why, TM_FILE_OUTSIDE, 0, 0);
    int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return fail(why, TM_FILE_SYSTEM, errno, 0);
    int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (unsigned long long)flags;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    int fd = (int)syscall(SYS_openat2, dirfd, relpath, &how, sizeof how);
    if (fd < 0 && (errno == ENOSYS || errno == EPERM)) /* EPERM: a seccomp filter */
        fd = open_beneath_fallback(dir, relpath, flags);
    int e = errno;
    close(dirfd);
    if (fd < 0)
        return fail(why, e == EXDEV ? TM_FILE_OUTSIDE : TM_FILE_SYSTEM, e, 0);
    return read_opened(fd, limit, data, len, why);
}

const char *tm_file_strerror(const tm_file_error_t *why, char *buf, size_t buflen)
{
    switch (why->problem) {
    case TM_FILE_OK: snprintf(buf, buflen, "%s", tm_strerror(TM_OK)); break;
    case TM_FILE_SYSTEM: snprintf(buf, buflen, "%s", strerror(why->sys_errno)); break;
    case TM_FILE_NOT_REGULAR:
        snprintf(buf, buflen, "%s", _("not a regular file (a FIFO, device or directory)"));
        break;
    case TM_FILE_TOO_LARGE:
        if (why->limit >= ((size_t)1 << 20) && why->limit % ((size_t)1 << 20) == 0)
            snprintf(buf, buflen, _("larger than %zu MiB"), why->limit >> 20);
        else
            snprintf(buf, buflen,
                     dngettext(TM_TEXTDOMAIN, "larger than %zu byte", "larger than %zu bytes",
                               why->limit),
                     why->limit);
        break;
    case TM_FILE_NO_MEMORY: snprintf(buf, buflen, "%s", tm_strerror(TM_ENOMEM)); break;
    case TM_FILE_OUTSIDE:
        snprintf(buf, buflen, "%s", _("outside the directory it must stay in"));
        break;
    }
    return buf;
}
