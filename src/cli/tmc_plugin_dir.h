/* tmc_plugin_dir.h - where the CLI finds its plugins (tmems/tm_plugin.h):
 * the DoH transport and the STARTTLS client. */
#ifndef TMEMS_TMC_PLUGIN_DIR_H
#define TMEMS_TMC_PLUGIN_DIR_H

#include <stddef.h>

/* Chooses the plugin directory and writes it to out (truncated to outlen -
 * 1 bytes; outlen must be > 0), first match wins:
 *   1. env_dir, when non-empty (TMEMS_CHECK_PLUGINDIR);
 *   2. the build tree's plugins (TM_BUILD_PLUGINDIR), when exe lies in the
 *      build tree (TM_BUILD_DIR): the tests run the binary there;
 *   3. <directory of exe>/TM_PLUGINDIR_FROM_BINDIR
 *      (../lib/<multiarch>/tmems-check) when it holds the DoH plugin: an
 *      installed tree, moved or not;
 *   4. TM_PLUGINDIR, the directory of the configured install prefix.
 * exe is the absolute path of the running program, or NULL when unknown. */
void tmc_plugindir_pick(const char *env_dir, const char *exe, char *out, size_t outlen);

/* tmc_plugindir_pick for this process: TMEMS_CHECK_PLUGINDIR and the path
 * of the running executable. */
void tmc_plugindir(char *out, size_t outlen);

#endif
