/* ascii.c - case-insensitive comparison for ASCII only.  Host names,
 * SPF terms and protocol keywords fold A-Z and nothing else (RFC 4343
 * section 3; RFC 7208 section 4.6.1).  tm_ascii_casecmp() folds by the locale's
 * LC_CTYPE, which the tool sets for gettext: under a Turkish locale 'I'
 * does not match 'i', under Latin-1 0xC9 matches 0xE9. */
#include "tmems/tm_util.h"

int tm_ascii_ncasecmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ca = (unsigned char)tm_ascii_lower(a[i]);
        unsigned char cb = (unsigned char)tm_ascii_lower(b[i]);
        if (ca != cb)
            return ca < cb ? -1 : 1;
        if (ca == '\0')
            break;
    }
    return 0;
}

int tm_ascii_casecmp(const char *a, const char *b) { return tm_ascii_ncasecmp(a, b, SIZE_MAX); }
