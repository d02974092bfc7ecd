/* i18n.c - the CLI's language and the directory of its message catalogues
 * (tmc_i18n.h).  cmake/i18n.cmake defines the build-tree and install-layout
 * paths used here. */
/* realpath() is an XSI function: glibc declares it only for X/Open. */
#define _XOPEN_SOURCE 700
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tmc_i18n.h"
#include "tmems/tm_i18n.h"

#ifndef TM_LOCALEDIR_FROM_BINDIR
#define TM_LOCALEDIR_FROM_BINDIR "../share/locale"
#endif

/* ja is the one catalogue shipped (po/ja.po): a directory holding it holds
 * the installed catalogues. */
#define TM_CATALOGUE_PROBE "/ja/LC_MESSAGES/" TM_TEXTDOMAIN ".mo"

static const char *first_set(const char *a, const char *b, const char *c)
{
    if (a && *a)
        return a;
    if (b && *b)
        return b;
    return c && *c ? c : NULL;
}

const char *tmc_lang_from_env(const char *lc_all, const char *lc_messages, const char *lang)
{
    /* POSIX XBD section 8.2: LC_ALL overrides LC_MESSAGES, which overrides
     * LANG.  The language is the part before '_', '.' or '@'. */
    const char *name = first_set(lc_all, lc_messages, lang);
    if (name && strncmp(name, "ja", 2) == 0 &&
        (name[2] == '\0' || name[2] == '_' || name[2] == '.' || name[2] == '@'))
        return "ja";
    return "en";
}

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

static bool holds_catalogue(const char *dir)
{
    char probe[PATH_MAX];
    int n = snprintf(probe, sizeof probe, "%s%s", dir, TM_CATALOGUE_PROBE);
    return n > 0 && (size_t)n < sizeof probe && access(probe, R_OK) == 0;
}

void tmc_localedir_pick(const char *env_dir, const char *exe, char *out, size_t outlen)
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
#if defined(TM_BUILD_DIR) && defined(TM_BUILD_LOCALEDIR)
        char build[PATH_MAX];
        canonical(TM_BUILD_DIR, build);
        if (is_under(bindir, build)) {
            copy_out(out, outlen, TM_BUILD_LOCALEDIR);
            return;
        }
#endif
        int len = snprintf(raw, sizeof raw, "%s/%s", bindir, TM_LOCALEDIR_FROM_BINDIR);
        if (len > 0 && (size_t)len < sizeof raw && holds_catalogue(raw)) {
            canonical(raw, candidate);
            copy_out(out, outlen, candidate);
            return;
        }
    }
    copy_out(out, outlen, TM_LOCALEDIR);
}

void tmc_localedir(char *out, size_t outlen)
{
    char exe[PATH_MAX];
    /* Linux names the running program here; elsewhere the readlink fails
     * and the configured directory is used. */
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0)
        exe[n] = '\0';
    tmc_localedir_pick(getenv("TMEMS_CHECK_LOCALEDIR"), n > 0 ? exe : NULL, out, outlen);
}
