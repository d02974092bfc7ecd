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
    /* Without --lang the language comes from the locale variables' names,
     * not from setlocale(): ja_JP.UTF-8 is often not generated (Debian ships
     * only C.UTF-8), and then setlocale fails and leaves "C". */
    if (!lang)
        lang = tmc_lang_from_env(getenv("LC_ALL"), getenv("LC_MESSAGES"), getenv("LANG"));
    /* English is what the sources say: in the "C" locale gettext hands
     * every msgid back as it is (and ngettext picks the English plural),
     * so an English run touches no locale and no catalogue at all.  The
     * other categories stay "C" in every language: numbers in JSON must
     * not follow the user's locale, nor the <ctype.h> classes of the SPF
     * parser a single-byte one. */
    if (strcmp(lang, "en") == 0)
        return;
    char dir[4096];
    tmc_localedir(dir, sizeof dir);
    bindtextdomain(TM_TEXTDOMAIN, dir);
    bind_textdomain_codeset(TM_TEXTDOMAIN, "UTF-8");
    /* LANGUAGE outranks LC_MESSAGES in GNU gettext, as long as the
     * locale is not "C"; C.UTF-8 is always present on Debian.  LC_CTYPE
     * too: the C library's own translated messages (strerror, the dynamic
     * loader's) are converted to its character set. */
    setenv("LANGUAGE", lang, 1);
    if (!setlocale(LC_MESSAGES, "C.UTF-8"))
        setlocale(LC_MESSAGES, "");
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        setlocale(LC_CTYPE, "");
}
