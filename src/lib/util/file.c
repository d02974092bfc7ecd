/* file.c - the bounded reader of user-named input files (tmems/tm_file.h). */
/* O_PATH is Linux, not POSIX 2008. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

enum {
    BENEATH_MAX_DEPTH = 64, /* directories below dir that one path may descend */
    BENEATH_MAX_LINKS = 40, /* symbolic links followed, as the kernel's own limit */
};

/* Opens relpath below rootfd and never outside it, like openat2's
 * RESOLVE_BENEATH, with calls that every kernel and valgrind know.  The path
 * is walked one component at a time, each opened with O_NOFOLLOW relative to
 * the descriptor of the directory before it, so a rename or a link swapped in
 * meanwhile cannot lead out: ".." goes back to the descriptor kept for the
 * parent and fails (EXDEV) above dir; a symbolic link is read and its target
 * walked the same way, an absolute target being outside (EXDEV). */
static int open_beneath(int rootfd, const char *relpath, int flags)
{
    int dirs[BENEATH_MAX_DEPTH + 1];
    size_t depth = 0, pos = 0;
    int links = 0, fd = -1, err = 0;
    char rest[PATH_MAX];

    if (strlen(relpath) >= sizeof rest) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(rest, relpath);
    dirs[0] = rootfd;
    for (;;) {
        while (rest[pos] == '/')
            pos++;
        size_t end = pos;
        while (rest[end] != '\0' && rest[end] != '/')
            end++;
        char comp[NAME_MAX + 1];
        if (end == pos) { /* the path ended on a directory */
            err = EISDIR;
            break;
        }
        if (end - pos > NAME_MAX) {
            err = ENAMETOOLONG;
            break;
        }
        memcpy(comp, rest + pos, end - pos);
        comp[end - pos] = '\0';
        pos = end;
        while (rest[pos] == '/')
            pos++;
        bool last = rest[pos] == '\0';

        if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0) {
            if (comp[1] == '.') {
                if (depth == 0) {
                    err = EXDEV;
                    break;
                }
                close(dirs[depth--]);
            }
            if (last) {
                err = EISDIR;
                break;
            }
            continue;
        }
        int parent = dirs[depth];
        int opened = openat(parent, comp,
                            last ? flags | O_NOFOLLOW
                                 : O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (opened >= 0 && last) {
            fd = opened;
            break;
        }
        if (opened >= 0) {
            if (depth == BENEATH_MAX_DEPTH) {
                close(opened);
                err = ENAMETOOLONG;
                break;
            }
            dirs[++depth] = opened;
            continue;
        }
        /* ELOOP (the last component) or ENOTDIR (one before it) when the
         * component is a symbolic link: its target replaces it. */
        int open_errno = errno;
        char target[PATH_MAX], joined[PATH_MAX];
        ssize_t target_len = readlinkat(parent, comp, target, sizeof target - 1);
        if (target_len < 0) {
            err = open_errno;
            break;
        }
        target[target_len] = '\0';
        if (++links > BENEATH_MAX_LINKS) {
            err = ELOOP;
            break;
        }
        if (target[0] == '/') {
            err = EXDEV;
            break;
        }
        int n = snprintf(joined, sizeof joined, "%s/%s", target, rest + pos);
        if (n < 0 || (size_t)n >= sizeof joined) {
            err = ENAMETOOLONG;
            break;
        }
        memcpy(rest, joined, (size_t)n + 1);
        pos = 0;
    }
    while (depth > 0)
        close(dirs[depth--]);
    if (fd < 0)
        errno = err;
    return fd;
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
    int fd = open_beneath(dirfd, relpath, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
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
