/* text.c - hygiene for untrusted text: UTF-8 validation, sanitising for JSON,
 * escaping for terminals, and display width for aligning CJK text. */
#include <stdio.h>
#include <string.h>

#include "tmems/tm_util.h"

/* Decodes one UTF-8 sequence at s[0..len).  Returns its length and sets *cp,
 * or 0 when the bytes are not a valid, shortest-form sequence (RFC 3629
 * section 3: no overlongs, no surrogates, nothing above U+10FFFF). */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xe0) == 0xc0) {
        n = 2, v = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        n = 3, v = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n > len)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return n;
}

bool tm_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(p + i, len - i, &cp);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

tm_status_t tm_utf8_sanitize(tm_buf_t *buf, const char *s, size_t len)
{
    static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(p + i, len - i, &cp);
        tm_status_t st = n ? tm_buf_append(buf, s + i, n)
                           : tm_buf_append(buf, replacement, sizeof(replacement) - 1);
        if (st != TM_OK)
            return st;
        i += n ? n : 1;
    }
    return TM_OK;
}

/* Code points that change how a terminal shows what follows: C0 and C1
 * controls, DEL, and the bidirectional overrides that can make a record read
 * differently from what it is. */
static bool is_unsafe(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
           (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

tm_status_t tm_text_escape(tm_buf_t *buf, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(p + i, len - i, &cp);
        tm_status_t st;
        if (n == 0) {
            st = tm_buf_printf(buf, "\\x%02x", p[i]);
            n = 1;
        } else if (is_unsafe(cp)) {
            st = cp < 0x80 ? tm_buf_printf(buf, "\\x%02x", (unsigned)cp)
                           : tm_buf_printf(buf, "\\u%04x", (unsigned)cp);
        } else if (cp == '\\') {
            /* Doubled so that a literal "\x1b" in the data stays distinguishable
             * from an escaped control byte. */
            st = tm_buf_append(buf, "\\\\", 2);
        } else {
            st = tm_buf_append(buf, s + i, n);
        }
        if (st != TM_OK)
            return st;
        i += n;
    }
    return TM_OK;
}

/* East Asian Wide and Fullwidth blocks (Unicode UAX #11), the ones a
 * Japanese report uses: Hangul Jamo, CJK, kana, Hangul syllables,
 * compatibility ideographs, fullwidth forms, emoji, supplementary ideographs. */
static bool is_wide(uint32_t cp)
{
    return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) ||
           (cp >= 0x3041 && cp <= 0x33ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
           (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
           (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
           (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
           (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
           (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd);
}

static bool is_zero_width(uint32_t cp)
{
    return (cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x200b && cp <= 0x200f) ||
           (cp >= 0x3099 && cp <= 0x309a) || cp == 0xfeff;
}

size_t tm_text_width(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s), i = 0, width = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(p + i, len - i, &cp);
        if (n == 0) {
            width += 4; /* shown as \xNN once escaped */
            i++;
            continue;
        }
        width += is_zero_width(cp) ? 0 : is_wide(cp) ? 2 : 1;
        i += n;
    }
    return width;
}
