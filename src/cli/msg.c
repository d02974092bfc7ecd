/* msg.c - error lines and message-catalogue setup for the CLI. */
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmc_i18n.h"
#include "tmc_msg.h"
#include "tmems/tm_util.h"
#include "tmems/tm_i18n.h"

void tmc_error(const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    tm_buf_t safe;
    tm_buf_init(&safe);
    /* The message quotes file names and values escaped already: hidden
     * characters are escaped (src/lib/util/text.c), nothing twice. */
    if (tm_text_neutralize(&safe, line, strlen(line)) == TM_OK)
        fprintf(stderr, "tmems-check: %s\n", safe.data ? safe.data : "");
    else
        fprintf(stderr, "tmems-check: %s\n", "error");
    tm_buf_clear(&safe);
}

void tmc_i18n_init(const char *lang)
{
    setlocale(LC_ALL, "");
    char dir[4096];
    tmc_localedir(dir, sizeof dir);
    bindtextdomain(TM_TEXTDOMAIN, dir);
    bind_textdomain_codeset(TM_TEXTDOMAIN, "UTF-8");
    /* Without --lang the language comes from the locale variables' names,
     * not from setlocale(): ja_JP.UTF-8 is often not generated (Debian ships
     * only C.UTF-8), and then setlocale fails and leaves "C". */
    if (!lang)
        lang = tmc_lang_from_env(getenv("LC_ALL"), getenv("LC_MESSAGES"), getenv("LANG"));
    /* LANGUAGE outranks LC_MESSAGES in GNU gettext, as long as the
     * locale is not "C"; C.UTF-8 is always present on Debian. */
    setenv("LANGUAGE", lang, 1);
    const char *cur = setlocale(LC_MESSAGES, NULL);
    if (!cur || strcmp(cur, "C") == 0 || strcmp(cur, "POSIX") == 0)
        setlocale(LC_MESSAGES, "C.UTF-8");
}
