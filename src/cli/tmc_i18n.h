/* tmc_i18n.h - which language the CLI speaks and where its message
 * catalogues are.  Both are decided once, before the first message, by
 * tmc_i18n_init (msg.c); the choices are separate functions so that tests
 * can drive them with any environment. */
#ifndef TMEMS_TMC_I18N_H
#define TMEMS_TMC_I18N_H

#include <stddef.h>

/* The language of the messages when --lang is not given, from the POSIX
 * locale variables in their order of precedence (LC_ALL, LC_MESSAGES,
 * LANG; an empty value counts as unset).  "ja" for any Japanese locale
 * (ja, ja_JP, ja_JP.UTF-8, ja_JP.eucJP, ...), otherwise "en".  The locale
 * itself need not be installed: only its name is read.  Any argument may be
 * NULL.  Returns a static string. */
const char *tmc_lang_from_env(const char *lc_all, const char *lc_messages, const char *lang);

/* Chooses the directory given to bindtextdomain() and writes it to out
 * (truncated to outlen - 1 bytes; outlen must be > 0), first match wins:
 *   1. env_dir, when non-empty (TMEMS_CHECK_LOCALEDIR);
 *   2. the build tree's catalogues (TM_BUILD_LOCALEDIR), when exe lies in
 *      the build tree (TM_BUILD_DIR): ./build/tmems-check --lang ja works
 *      without installing, and never reads an older installed catalogue;
 *   3. <directory of exe>/TM_LOCALEDIR_FROM_BINDIR (../share/locale) when
 *      it holds our catalogue: an installed tree that was moved (a .deb
 *      unpacked with dpkg -x, cmake --install --prefix, DESTDIR);
 *   4. TM_LOCALEDIR, the directory of the configured install prefix.
 * exe is the absolute path of the running program, or NULL when unknown. */
void tmc_localedir_pick(const char *env_dir, const char *exe, char *out, size_t outlen);

/* tmc_localedir_pick for this process: TMEMS_CHECK_LOCALEDIR and the path
 * of the running executable (/proc/self/exe; unknown elsewhere). */
void tmc_localedir(char *out, size_t outlen);

#endif
