/* plugin_dir.c - where the CLI finds its plugins (tmc_plugin_dir.h).
 * cmake/plugins.cmake defines the build-tree and install-layout paths. */
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>

#include "tmc_install_dir.h"
#include "tmc_plugin_dir.h"

#ifndef TM_PLUGINDIR_FROM_BINDIR
#define TM_PLUGINDIR_FROM_BINDIR "../lib/tmems-check"
#endif
#ifndef TM_PLUGINDIR
#define TM_PLUGINDIR "/usr/lib/tmems-check"
#endif

/* Every build has the DoH plugin: a directory holding it holds them all. */
#define TM_PLUGIN_PROOF "/doh.so"

void tmc_plugindir_pick(const char *env_dir, const char *exe, char *out, size_t outlen)
{
    const tmc_install_dir_t where = {
#if defined(TM_BUILD_DIR) && defined(TM_BUILD_PLUGINDIR)
        .build_dir = TM_BUILD_DIR,
        .in_build = TM_BUILD_PLUGINDIR,
#endif
        .from_bindir = TM_PLUGINDIR_FROM_BINDIR,
        .proof = TM_PLUGIN_PROOF,
        .configured = TM_PLUGINDIR,
    };
    tmc_install_dir_pick(&where, env_dir, exe, out, outlen);
}

void tmc_plugindir(char *out, size_t outlen)
{
    char exe[PATH_MAX];
    bool known = tmc_exe_path(exe, sizeof exe);
    tmc_plugindir_pick(getenv("TMEMS_CHECK_PLUGINDIR"), known ? exe : NULL, out, outlen);
}
