/* json_util.c - the JSON writer: values appended to a buffer as they come,
 * in one of the layouts of json_util.h, strings escaped by the one policy
 * of src/lib/util/text.c.  Nothing is built and printed later: what a
 * renderer writes is the output. */
#include <string.h>

#include "json_util.h"

void tm_jw_init(tm_jw_t *w, tm_buf_t *out, tm_json_layout_t layout, int level)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->layout = layout;
    w->level = level;
    w->top = -1;
    w->st = TM_OK;
}

tm_status_t tm_jw_status(const tm_jw_t *w)
{
    if (w->st == TM_OK && (w->top != -1 || w->after_key))
        return TM_EINVAL; /* a container left open, or a key without a value */
    return w->st;
}

/* Most pieces are a few bytes into a buffer that has room: copied here
 * directly; tm_buf_append grows the buffer (and keeps its limit) otherwise. */
static void put(tm_jw_t *w, const char *s, size_t n)
{
    tm_buf_t *b = w->out;
    if (w->st != TM_OK)
        return;
    size_t limit = b->limit ? b->limit : TM_BUF_DEFAULT_LIMIT;
    if (b->data && n < b->cap - b->len && b->len + n <= limit) {
        memcpy(b->data + b->len, s, n);
        b->len += n;
        b->data[b->len] = '\0';
        return;
    }
    w->st = tm_buf_append(b, s, n);
}

#define PUT_LITERAL(w, lit) put((w), (lit), sizeof(lit) - 1)

static bool pretty(const tm_jw_t *w) { return w->layout != TM_JSON_COMPACT; }

/* A line break and the indentation of level: two spaces a level. */
static void new_line(tm_jw_t *w, int level)
{
    static const char spaces[] = "                                ";
    PUT_LITERAL(w, "\n");
    for (size_t left = 2 * (size_t)(level > 0 ? level : 0); left > 0;) {
        size_t n = left < sizeof spaces - 1 ? left : sizeof spaces - 1;
        put(w, spaces, n);
        left -= n;
    }
}

/* Before every value: the separator after the previous element of an
 * array (an object's members are separated by tm_jw_key). */
static void before_value(tm_jw_t *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->top < 0)
        return;
    if (w->kind[w->top] != '[') {
        w->st = w->st == TM_OK ? TM_EINVAL : w->st; /* a member without a key */
        return;
    }
    if (w->any[w->top]) {
        if (pretty(w))
            PUT_LITERAL(w, ", ");
        else
            PUT_LITERAL(w, ",");
    }
    w->any[w->top] = true;
}

static void open_container(tm_jw_t *w, char kind)
{
    before_value(w);
    if (w->top + 1 >= TM_JSON_NEST_MAX) {
        w->st = w->st == TM_OK ? TM_ERANGE : w->st;
        return;
    }
    w->top++;
    w->kind[w->top] = kind;
    w->any[w->top] = false;
    put(w, &kind, 1);
    if (kind == '{' || w->layout == TM_JSON_PRETTY_ARRAYS_NEST)
        w->level++;
}

static void close_container(tm_jw_t *w, char kind)
{
    if (w->top < 0 || w->kind[w->top] != kind || w->after_key) {
        w->st = w->st == TM_OK ? TM_EINVAL : w->st;
        return;
    }
    if (kind == '{' || w->layout == TM_JSON_PRETTY_ARRAYS_NEST)
        w->level--;
    if (kind == '{' && pretty(w))
        new_line(w, w->level); /* "}" on a line of its own, an empty object's too */
    w->top--;
    put(w, kind == '{' ? "}" : "]", 1);
}

void tm_jw_object(tm_jw_t *w) { open_container(w, '{'); }
void tm_jw_object_end(tm_jw_t *w) { close_container(w, '{'); }
void tm_jw_array(tm_jw_t *w) { open_container(w, '['); }
void tm_jw_array_end(tm_jw_t *w) { close_container(w, '['); }

void tm_jw_key(tm_jw_t *w, const char *key)
{
    if (w->top < 0 || w->kind[w->top] != '{' || w->after_key) {
        w->st = w->st == TM_OK ? TM_EINVAL : w->st;
        return;
    }
    /* The separator, the line and its indentation, the key and its colon:
     * one piece, as most keys are short literals. */
    char piece[160];
    size_t keylen = strlen(key), indent = pretty(w) ? 2 * (size_t)(w->level > 0 ? w->level : 0) : 0;
    if (keylen + indent + 8 > sizeof piece) {
        if (w->any[w->top])
            PUT_LITERAL(w, ",");
        if (pretty(w))
            new_line(w, w->level);
        PUT_LITERAL(w, "\"");
        put(w, key, keylen);
        put(w, "\": ", pretty(w) ? 3 : 2);
    } else {
        size_t k = 0;
        if (w->any[w->top])
            piece[k++] = ',';
        if (pretty(w)) {
            piece[k++] = '\n';
            memset(piece + k, ' ', indent);
            k += indent;
        }
        piece[k++] = '"';
        memcpy(piece + k, key, keylen);
        k += keylen;
        piece[k++] = '"';
        piece[k++] = ':';
        if (pretty(w))
            piece[k++] = ' ';
        put(w, piece, k);
    }
    w->any[w->top] = true;
    w->after_key = true;
}

/* A string from anywhere (DNS data included).  The escaping policy of
 * src/lib/util/text.c in JSON's own form (RFC 8259 section 7), which
 * represents every character exactly: the characters the policy hides
 * become \uXXXX (a tag character a surrogate pair), NUL included, so the
 * decoded string is the data and the JSON text shows, in a terminal or a
 * browser, which characters were there; '"' and '\' are escaped, and the
 * line break and tab of detail and fix texts are \n and \t.  Only a byte
 * that is not UTF-8 cannot be represented: it becomes U+FFFD, written
 * \ufffd (RFC 8259 section 8.1 requires UTF-8).  Runs of characters that
 * need nothing are copied at once. */
void tm_jw_string(tm_jw_t *w, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    before_value(w);
    PUT_LITERAL(w, "\"");
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0, i = 0;
    while (i < len && w->st == TM_OK) {
        unsigned char c = p[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            i++;
            continue;
        }
        uint32_t cp = c;
        size_t n = c < 0x80 ? 1 : tm_utf8_decode(p + i, len - i, &cp);
        if (n > 1 && !tm_text_is_hidden(cp)) {
            i += n; /* Japanese text, emoji: shown as they are */
            continue;
        }
        put(w, s + run, i - run);
        char esc[12];
        size_t k = 0;
        esc[k++] = '\\';
        if (n == 0) {
            memcpy(esc + k, "ufffd", 5), k += 5;
            n = 1;
        } else if (c == '"' || c == '\\') {
            esc[k++] = (char)c;
        } else if (c == '\n') {
            esc[k++] = 'n';
        } else if (c == '\t') {
            esc[k++] = 't';
        } else {
            uint32_t units[2] = {cp, 0};
            size_t nunits = 1;
            if (cp > 0xffff) { /* a tag character: its UTF-16 surrogate pair */
                units[0] = 0xd800 + ((cp - 0x10000) >> 10);
                units[1] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
                nunits = 2;
            }
            for (size_t u = 0; u < nunits; u++) {
                if (u > 0)
                    esc[k++] = '\\';
                esc[k++] = 'u';
                for (int shift = 12; shift >= 0; shift -= 4)
                    esc[k++] = hex[(units[u] >> shift) & 15];
            }
        }
        put(w, esc, k);
        i += n;
        run = i;
    }
    put(w, s + run, i - run);
    PUT_LITERAL(w, "\"");
}

void tm_jw_cstring(tm_jw_t *w, const char *s)
{
    if (s)
        tm_jw_string(w, s, strlen(s));
    else
        tm_jw_null(w);
}

void tm_jw_int(tm_jw_t *w, long long v)
{
    char digits[24];
    size_t k = sizeof digits;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        digits[--k] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        digits[--k] = '-';
    before_value(w);
    put(w, digits + k, sizeof digits - k);
}

void tm_jw_bool(tm_jw_t *w, bool v)
{
    before_value(w);
    if (v)
        PUT_LITERAL(w, "true");
    else
        PUT_LITERAL(w, "false");
}

void tm_jw_null(tm_jw_t *w)
{
    before_value(w);
    PUT_LITERAL(w, "null");
}
