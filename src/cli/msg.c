/* msg.c - error lines and message-catalogue setup for the CLI. */
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmc_msg.h"
#include "tmems/tm_util.h"
#include "util/tm_i18n.h"

void tmc_error(const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    tm_buf_t safe;
    tm_buf_init(&safe);
    if (tm_text_escape(&safe, line, strlen(line)) == TM_OK)
        fprintf(stderr, "tmems-check: %s\n", safe.data ? safe.data : "");
    else
        fprintf(stderr, "tmems-check: %s\n", "error");
    tm_buf_clear(&safe);
}

void tmc_i18n_init(const char *lang)
{
    setlocale(LC_ALL, "");
    const char *dir = getenv("TMEMS_CHECK_LOCALEDIR");
    bindtextdomain(TM_TEXTDOMAIN, dir && *dir ? dir : TM_LOCALEDIR);
    bind_textdomain_codeset(TM_TEXTDOMAIN, "UTF-8");
    if (lang) {
        /* LANGUAGE outranks LC_MESSAGES in GNU gettext, as long as the
         * locale is not "C"; C.UTF-8 is always present on Debian. */
        setenv("LANGUAGE", lang, 1);
        if (strcmp(setlocale(LC_MESSAGES, NULL), "C") == 0 ||
            strcmp(setlocale(LC_MESSAGES, NULL), "POSIX") == 0)
            setlocale(LC_MESSAGES, "C.UTF-8");
    }
}
