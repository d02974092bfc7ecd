/* tm_i18n.h - message translation for library and CLI.  Every user-facing
 * string is written once, in English, inside _(); po/ja.po translates it. */
#ifndef TMEMS_TM_I18N_H
#define TMEMS_TM_I18N_H

#include <libintl.h>

#define TM_TEXTDOMAIN "tmems-check"
#define _(msgid) dgettext(TM_TEXTDOMAIN, msgid)
/* Marks a string for extraction where it is translated later. */
#define N_(msgid) (msgid)

#endif
