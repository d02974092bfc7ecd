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
#include "tmc_install_dir.h"
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

void tmc_localedir_pick(const char *env_dir, const char *exe, char *out, size_t outlen)
{
    const tmc_install_dir_t where = {
#if defined(TM_BUILD_DIR) && defined(TM_BUILD_LOCALEDIR)
        .build_dir = TM_BUILD_DIR,
        .in_build = TM_BUILD_LOCALEDIR,
#endif
        .from_bindir = TM_LOCALEDIR_FROM_BINDIR,
        .proof = TM_CATALOGUE_PROBE,
        .configured = TM_LOCALEDIR,
    };
    tmc_install_dir_pick(&where, env_dir, exe, out, outlen);
}

void tmc_localedir(char *out, size_t outlen)
{
    char exe[PATH_MAX];
    bool known = tmc_exe_path(exe, sizeof exe);
    tmc_localedir_pick(getenv("TMEMS_CHECK_LOCALEDIR"), known ? exe : NULL, out, outlen);
}
