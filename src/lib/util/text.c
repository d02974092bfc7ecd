/* text.c - hygiene for untrusted text: UTF-8 validation, sanitising for JSON,
 * escaping for terminals, and display width for aligning CJK text. */
#include <stdio.h>
#include <string.h>

#include "tmems/tm_util.h"

/* Decodes one UTF-8 sequence at s[0..len).  Returns its length and sets *cp,
 * or 0 when the bytes are not a valid, shortest-form sequence (RFC 3629
 * section 3: no overlongs, no surrogates, nothing above U+10FFFF). */
size_t tm_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
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
        size_t n = tm_utf8_decode(p + i, len - i, &cp);
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
        size_t n = tm_utf8_decode(p + i, len - i, &cp);
        tm_status_t st = n ? tm_buf_append(buf, s + i, n)
                           : tm_buf_append(buf, replacement, sizeof(replacement) - 1);
        if (st != TM_OK)
            return st;
        i += n ? n : 1;
    }
    return TM_OK;
}

/* ---- the one escaping policy for bytes the tool did not write -------------
 *
 * DNS data, SMTP replies and names from files are shown to people (text,
 * -v, JUnit) and to programs (JSON).  Whatever the format, a reader must
 * see exactly which bytes were there, and nothing may act on a terminal or
 * hide in a browser.  So every character that is invisible or acts instead
 * of showing is written as an escape (docs/tmems-check.1, "Untrusted
 * text"; docs/json.md for the JSON form):
 *   - C0 controls (NUL, BEL, ESC, TAB, LF, CR, ...) and DEL: \xNN;
 *   - each byte that is not valid UTF-8 (RFC 3629 section 3): \xNN;
 *   - C1 controls U+0080-U+009F (CSI, OSC), the soft hyphen U+00AD, the
 *     Arabic letter mark U+061C, zero-width and direction marks
 *     U+200B-U+200F, the separators U+2028 and U+2029, the bidirectional
 *     embeddings and overrides U+202A-U+202E, word joiner and invisible
 *     operators U+2060-U+2064, the isolates U+2066-U+2069, the byte order
 *     mark U+FEFF, the interlinear annotations U+FFF9-U+FFFB, and the
 *     noncharacters U+FFFE and U+FFFF (not allowed in XML): \uNNNN;
 *   - tag characters U+E0000-U+E007F: \UNNNNNNNN;
 *   - the backslash itself: \\ (so that the escapes above are unambiguous);
 *   - inside a quoted string, the double quote: \";
 *   - in data that must be ASCII (an SPF record, RFC 7208 section 3; an
 *     HTTP header field), every byte outside ASCII: \xNN, so that a
 *     look-alike character shows as the bytes that make the data wrong.
 * Everything else (printable ASCII, Japanese text, emoji) is shown as it
 * is.  Each byte is escaped once: a finding's text that quotes DNS data
 * already holds the escapes, and the renderers only neutralise (below). */

bool tm_text_is_hidden(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0xad ||
           cp == 0x61c || (cp >= 0x200b && cp <= 0x200f) || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) ||
           (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb) ||
           cp == 0xfffe || cp == 0xffff ||
           (cp >= 0xe0000 && cp <= 0xe007f);
}

/* Where escaped text goes: a growable buffer, or a fixed array that stops
 * (cut) at the first character whose escape does not fit. */
typedef struct {
    tm_buf_t *buf;
    char *arr;
    size_t len, cap;
    bool cut;
} sink_t;

static tm_status_t put(sink_t *out, const char *s, size_t n)
{
    if (out->buf)
        return tm_buf_append(out->buf, s, n);
    if (n > out->cap - out->len) {
        out->cut = true;
        return TM_ERANGE;
    }
    memcpy(out->arr + out->len, s, n);
    out->len += n;
    return TM_OK;
}

/* Bytes (at most those of one character: 4) as \xNN each, in one piece,
 * so that a cut never falls inside a character. */
static tm_status_t put_bytes(sink_t *out, const unsigned char *b, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    char esc[4 * 4];
    size_t o = 0;
    for (size_t k = 0; k < n && k < 4; k++) {
        esc[o++] = '\\';
        esc[o++] = 'x';
        esc[o++] = hex[b[k] >> 4];
        esc[o++] = hex[b[k] & 15];
    }
    return put(out, esc, o);
}

/* A hidden character: \xNN below U+0080, \uNNNN in the BMP, \UNNNNNNNN
 * above. */
static tm_status_t put_hidden(sink_t *out, uint32_t cp)
{
    char esc[12];
    if (cp < 0x80) {
        unsigned char b = (unsigned char)cp;
        return put_bytes(out, &b, 1);
    }
    int n = cp <= 0xffff ? snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp)
                         : snprintf(esc, sizeof esc, "\\U%08x", (unsigned)cp);
    return put(out, esc, (size_t)n);
}

/* A growable sink takes each run of characters shown as they are in one
 * piece (most text is such a run); a fixed array takes one character at a
 * time, so that a cut falls between characters. */
static tm_status_t escape(sink_t *out, const char *s, size_t len, tm_text_escaping_t mode)
{
    const unsigned char *p = (const unsigned char *)s;
    bool runs = out->buf != NULL;
    size_t i = 0, shown_from = 0; /* the run not put yet starts at shown_from */
    tm_status_t st = TM_OK;
    while (i < len && st == TM_OK) {
        uint32_t cp = p[i];
        size_t n = 1, decoded = 1;
        bool shown;
        if (cp >= 0x20 && cp < 0x7f) { /* printable ASCII, without decoding */
            shown = !(cp == '\\' && mode != TM_TEXT_NEUTRALIZE) &&
                    !(cp == '"' && mode == TM_TEXT_QUOTED);
        } else {
            decoded = tm_utf8_decode(p + i, len - i, &cp);
            n = decoded ? decoded : 1;
            shown = decoded != 0 && !(decoded > 1 && mode == TM_TEXT_ASCII) &&
                    !tm_text_is_hidden(cp);
        }
        if (shown) {
            if (!runs)
                st = put(out, s + i, n);
            i += n;
            continue;
        }
        if (runs && shown_from < i)
            st = put(out, s + shown_from, i - shown_from);
        if (st != TM_OK)
            break;
        if (decoded == 0 || (decoded > 1 && mode == TM_TEXT_ASCII))
            /* not UTF-8, or outside ASCII where only ASCII belongs: each
             * byte of the character as \xNN */
            st = put_bytes(out, p + i, n);
        else if (tm_text_is_hidden(cp))
            st = put_hidden(out, cp);
        else if (cp == '\\')
            st = put(out, "\\\\", 2);
        else /* '"' in quoted text */
            st = put(out, "\\\"", 2);
        i += n;
        shown_from = i;
    }
    if (st == TM_OK && runs && shown_from < i)
        st = put(out, s + shown_from, i - shown_from);
    return st;
}

static tm_status_t escape_buf(tm_buf_t *buf, const char *s, size_t len, tm_text_escaping_t mode)
{
    sink_t out = {.buf = buf};
    return escape(&out, s, len, mode);
}

tm_status_t tm_text_escape(tm_buf_t *buf, const char *s, size_t len)
{
    return escape_buf(buf, s, len, TM_TEXT_RAW);
}

tm_status_t tm_text_escape_quoted(tm_buf_t *buf, const char *s, size_t len)
{
    return escape_buf(buf, s, len, TM_TEXT_QUOTED);
}

tm_status_t tm_text_escape_ascii(tm_buf_t *buf, const char *s, size_t len)
{
    return escape_buf(buf, s, len, TM_TEXT_ASCII);
}

tm_status_t tm_text_neutralize(tm_buf_t *buf, const char *s, size_t len)
{
    return escape_buf(buf, s, len, TM_TEXT_NEUTRALIZE);
}

const char *tm_text_escape_cut(char *out, size_t outlen, const char *s, size_t len,
                               tm_text_escaping_t mode)
{
    static const char more[] = "...";
    if (outlen == 0)
        return out;
    /* The whole text if its escapes fit; else as many whole characters as
     * leave room for "..." (never half an escape, never half a character). */
    sink_t sink = {.arr = out, .cap = outlen - 1};
    escape(&sink, s, len, mode);
    if (sink.cut) {
        size_t room = outlen - 1 >= sizeof more - 1 ? outlen - 1 - (sizeof more - 1) : 0;
        sink = (sink_t){.arr = out, .cap = room};
        escape(&sink, s, len, mode);
        if (outlen - 1 - sink.len >= sizeof more - 1) {
            memcpy(out + sink.len, more, sizeof more - 1);
            sink.len += sizeof more - 1;
        }
    }
    out[sink.len] = '\0';
    return out;
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
    return (cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x3099 && cp <= 0x309a);
}

size_t tm_text_width(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s), i = 0, width = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = tm_utf8_decode(p + i, len - i, &cp);
        if (n == 0) {
            width += 4; /* shown as \xNN once escaped */
            i++;
            continue;
        }
        if (tm_text_is_hidden(cp)) /* shown as its escape */
            width += cp < 0x80 ? 4 : cp <= 0xffff ? 6 : 10;
        else
            width += is_zero_width(cp) ? 0 : is_wide(cp) ? 2 : 1;
        i += n;
    }
    return width;
}
