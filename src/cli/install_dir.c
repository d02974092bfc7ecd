/* install_dir.c - where the program's own files are (tmc_install_dir.h). */
/* realpath() is an XSI function: glibc declares it only for X/Open. */
#define _XOPEN_SOURCE 700
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tmc_install_dir.h"

static void copy_out(char *out, size_t outlen, const char *s)
{
    snprintf(out, outlen, "%s", s);
}

/* dir is root or lies below it (both canonical, without a trailing '/'). */
static bool is_under(const char *dir, const char *root)
{
    size_t n = strlen(root);
    return n > 0 && strncmp(dir, root, n) == 0 && (dir[n] == '\0' || dir[n] == '/');
}

/* The canonical form of path into out, or path itself when it does not
 * exist (realpath needs an existing file). */
static void canonical(const char *path, char out[PATH_MAX])
{
    if (!realpath(path, out))
        copy_out(out, PATH_MAX, path);
}

static bool holds(const char *dir, const char *proof)
{
    char path[PATH_MAX];
    int n = snprintf(path, sizeof path, "%s%s", dir, proof);
    return n > 0 && (size_t)n < sizeof path && access(path, R_OK) == 0;
}

void tmc_install_dir_pick(const tmc_install_dir_t *where, const char *env_dir, const char *exe,
                          char *out, size_t outlen)
{
    if (env_dir && *env_dir) {
        copy_out(out, outlen, env_dir);
        return;
    }
    const char *slash = exe ? strrchr(exe, '/') : NULL;
    if (slash && (size_t)(slash - exe) < PATH_MAX) {
        char raw[PATH_MAX], bindir[PATH_MAX], candidate[PATH_MAX];
        size_t n = (size_t)(slash - exe);
        memcpy(raw, exe, n);
        raw[n] = '\0';
        canonical(n ? raw : "/", bindir);
        if (where->build_dir && where->in_build) {
            char build[PATH_MAX];
            canonical(where->build_dir, build);
            if (is_under(bindir, build)) {
                copy_out(out, outlen, where->in_build);
                return;
            }
        }
        int len = snprintf(raw, sizeof raw, "%s/%s", bindir, where->from_bindir);
        if (len > 0 && (size_t)len < sizeof raw && holds(raw, where->proof)) {
            canonical(raw, candidate);
            copy_out(out, outlen, candidate);
            return;
        }
    }
    copy_out(out, outlen, where->configured);
}

bool tmc_exe_path(char *out, size_t outlen)
{
    /* Linux names the running program here; elsewhere the readlink fails
     * and the caller falls back to the configured directories. */
    if (outlen < 2)
        return false;
    ssize_t n = readlink("/proc/self/exe", out, outlen - 1);
    if (n <= 0)
        return false;
    out[n] = '\0';
    return true;
}
