/* tmc_msg.h - the CLI's own messages on stderr: one line each, prefixed
 * with the program name, with anything the user or DNS supplied escaped. */
#ifndef TMEMS_TMC_MSG_H
#define TMEMS_TMC_MSG_H

/* "tmems-check: <text>\n" on stderr; text is escaped for the terminal. */
void tmc_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Sets up gettext for --lang, or the language the locale variables name:
 * Japanese binds the catalogue and LC_MESSAGES; English, the language of
 * the sources, needs neither. */
void tmc_i18n_init(const char *lang);

#endif
