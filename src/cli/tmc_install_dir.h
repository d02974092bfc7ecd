/* tmc_install_dir.h - where the program's own files are (its message
 * catalogues, its plugins): in the build tree when it runs from there,
 * else relative to the binary (an installed tree that was moved: a .deb
 * unpacked with dpkg -x, cmake --install --prefix, DESTDIR), else the
 * configured directory.  Used by tmc_localedir_pick (i18n.c) and
 * tmc_plugindir_pick (plugin_dir.c). */
#ifndef TMEMS_TMC_INSTALL_DIR_H
#define TMEMS_TMC_INSTALL_DIR_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char *build_dir;   /* the build tree (TM_BUILD_DIR), or NULL */
    const char *in_build;    /* the directory to use when exe lies in it */
    const char *from_bindir; /* relative to the binary's directory, installed */
    const char *proof;       /* a path below a candidate ("/doh.so") that shows
                                it holds the files */
    const char *configured;  /* the configured absolute directory */
} tmc_install_dir_t;

/* Writes the directory to out (truncated to outlen - 1 bytes; outlen must
 * be > 0), first match wins:
 *   1. env_dir, when non-empty (an environment variable's value);
 *   2. where->in_build, when exe lies in where->build_dir;
 *   3. <directory of exe>/where->from_bindir, when it holds where->proof;
 *   4. where->configured.
 * exe is the absolute path of the running program, or NULL when unknown. */
void tmc_install_dir_pick(const tmc_install_dir_t *where, const char *env_dir, const char *exe,
                          char *out, size_t outlen);

/* The running program's path (/proc/self/exe on Linux) into out, or false
 * when it is unknown. */
bool tmc_exe_path(char *out, size_t outlen);

#endif
