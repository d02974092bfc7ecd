/* token_rule.c - the ownership token's form: what token.format requires of
 * the published value and --token of the given one. */
#include <stdio.h>
#include <string.h>

#include "tmems/tm_token.h"
#include "tmems/tm_util.h"
#include "tmems/tm_i18n.h"

static bool ascii_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool tm_token_value_valid(const char *s, size_t len, unsigned length)
{
    if (len != length)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!ascii_alnum((unsigned char)s[i]))
            return false;
    }
    return true;
}

bool tm_token_given_valid(const char *given, const char *prefix, unsigned length,
                          const char **value, char *msg, size_t msglen)
{
    size_t plen = strlen(prefix);
    const char *v = tm_ascii_ncasecmp(given, prefix, plen) == 0 ? given + plen : given;
    size_t len = strlen(v);
    *value = v;
    if (tm_token_value_valid(v, len, length))
        return true;
    size_t bad = 0;
    while (bad < len && ascii_alnum((unsigned char)v[bad]))
        bad++;
    /* The value as given, on one line, escaped by the one policy
     * (src/lib/util/text.c): a control byte shows as its \xNN. */
    char shown[160];
    tm_text_escape_cut(shown, sizeof shown, given, strlen(given), TM_TEXT_RAW);
    char what[64];
    unsigned char c = bad < len ? (unsigned char)v[bad] : 0;
    if (c > 0x20 && c < 0x7f)
        snprintf(what, sizeof(what), "'%c'", c);
    else
        snprintf(what, sizeof(what), "%s",
                 c == ' '   ? _("a space")
                 : c > 0x7f ? _("a non-ASCII character")
                            : _("a control character"));
    if (len == 0)
        snprintf(msg, msglen,
                 dngettext(TM_TEXTDOMAIN,
                           "invalid --token '%s': the token is empty; give the %u letter or "
                           "digit the console shows",
                           "invalid --token '%s': the token is empty; give the %u letters and "
                           "digits the console shows",
                           length),
                 shown, length);
    else if (bad < len && v == given)
        snprintf(msg, msglen,
                 dngettext(TM_TEXTDOMAIN,
                           "invalid --token '%s': character %zu is %s, not an ASCII letter or "
                           "digit; give the %u character the console shows, with or without %s, "
                           "and no quotes",
                           "invalid --token '%s': character %zu is %s, not an ASCII letter or "
                           "digit; give the %u characters the console shows, with or without "
                           "%s, and no quotes",
                           length),
                 shown, bad + 1, what, length, prefix);
    else if (bad < len)
        snprintf(msg, msglen,
                 dngettext(TM_TEXTDOMAIN,
                           "invalid --token '%s': character %zu after %s is %s, not an ASCII "
                           "letter or digit; give the %u character the console shows, with or "
                           "without %s, and no quotes",
                           "invalid --token '%s': character %zu after %s is %s, not an ASCII "
                           "letter or digit; give the %u characters the console shows, with or "
                           "without %s, and no quotes",
                           length),
                 shown, bad + 1, prefix, what, length, prefix);
    else
        snprintf(msg, msglen,
                 dngettext(TM_TEXTDOMAIN,
                           "invalid --token '%s': it has %zu letter or digit; the console's "
                           "token has exactly %u",
                           "invalid --token '%s': it has %zu letters and digits; the console's "
                           "token has exactly %u",
                           len),
                 shown, len, length);
    return false;
}
