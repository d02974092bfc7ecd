/* zone_text.c - a zone file's text rewritten for libzscanner with BIND's
 * meaning kept (zone_text.h says what and why).
 *
 * libzscanner (scanner.h, error.h) parses $TTL, $ORIGIN and $INCLUDE, takes
 * only printable ASCII in names and strings (ZS_BAD_TEXT_CHAR,
 * ZS_BAD_DNAME_CHAR; any byte as \DDD) and refuses CR (ZS_DOS_NEWLINE);
 * $GENERATE is an invalid directive to it.  So the text is rewritten line
 * by line, by a state machine of three states (outside quotes, inside
 * quotes, in a comment): a line of a zone file cannot continue a quoted
 * string or a comment on the next line, in BIND or in RFC 1035 section 5.1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zone_text.h"
#include "tmems/tm_i18n.h"

/* A $GENERATE line's template width: more would be no name and no RDATA. */
#define GENERATE_WIDTH_MAX 255
/* Tokens of a $GENERATE line: directive, range, lhs, ttl, class, type, rhs. */
#define GENERATE_TOKENS_MAX 8

static tm_status_t map_line(zone_text_t *t, uint64_t src)
{
    t->out_line++;
    if (t->nsegs > 0) {
        zone_line_seg_t *s = &t->segs[t->nsegs - 1];
        uint64_t expect = s->same_line ? s->src_first : s->src_first + (t->out_line - s->out_first);
        if (expect == src)
            return TM_OK;
        if (!s->same_line && t->out_line - s->out_first == 1 && s->src_first == src) {
            s->same_line = true; /* a second line from the same file line */
            return TM_OK;
        }
    }
    if (t->nsegs == t->segs_cap) {
        zone_line_seg_t *grown = tm_array_grow(t->segs, &t->segs_cap, sizeof(*grown), 16);
        if (!grown)
            return TM_ENOMEM;
        t->segs = grown;
    }
    t->segs[t->nsegs++] = (zone_line_seg_t){t->out_line, src, false};
    return TM_OK;
}

uint64_t zone_text_source_line(const zone_text_t *t, uint64_t out_line)
{
    size_t lo = 0, hi = t->nsegs;
    while (lo < hi) { /* the last segment starting at or before out_line */
        size_t mid = lo + (hi - lo) / 2;
        if (t->segs[mid].out_first <= out_line)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return out_line;
    const zone_line_seg_t *s = &t->segs[lo - 1];
    return s->same_line ? s->src_first : s->src_first + (out_line - s->out_first);
}

void zone_text_free(zone_text_t *t)
{
    tm_buf_clear(&t->text);
    tm_free(t->segs);
    t->segs = NULL;
    t->nsegs = t->segs_cap = 0;
}

static bool needs_ddd(unsigned char c) { return c < 0x20 || c >= 0x7f; }

static tm_status_t put_ddd(tm_buf_t *out, unsigned char c)
{
    return tm_buf_printf(out, "\\%03u", (unsigned)c);
}

typedef enum { AT_NORMAL, AT_QUOTED, AT_COMMENT } text_state_t;

/* Converts one logical line of src, from *pos to its end (LF; or CR outside
 * quotes and comments, where CRLF is one end), into out without the line
 * end.  *pos goes past the end; *ended_lf tells whether a LF ended it (the
 * file's line count goes on) or a lone CR did (the same file line). */
static bool isdigit3(const char *p)
{
    return p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9';
}

static tm_status_t convert_line(zone_text_t *t, const char *src, size_t len, size_t *pos,
                                tm_buf_t *out, bool *ended_lf)
{
    text_state_t state = AT_NORMAL;
    size_t i = *pos;
    tm_status_t st = TM_OK;
    /* The bytes of the quoted string being read: RFC 1035 section 3.3
     * bounds a <character-string> at 255, and BIND refuses a longer one
     * ("syntax error") where libzscanner would split it. */
    size_t quoted_bytes = 0;
    *ended_lf = true;
    t->long_string = false;
    while (i < len && st == TM_OK) {
        unsigned char c = (unsigned char)src[i];
        if (c == '\n') {
            i++;
            break;
        }
        if (c == '\0')
            t->has_nul = true;
        if (state == AT_COMMENT) {
            /* A comment runs to LF in BIND, CR included; libzscanner takes
             * any other byte there. */
            if (c != '\r')
                st = tm_buf_putc(out, (char)c);
            i++;
            continue;
        }
        if (c == '\\') {
            if (i + 1 >= len || src[i + 1] == '\n') {
                st = tm_buf_putc(out, '\\');
                i++;
            } else if (needs_ddd((unsigned char)src[i + 1])) {
                /* \X is the byte X (RFC 1035 section 5.1), whatever it is */
                if (src[i + 1] == '\0')
                    t->has_nul = true;
                st = put_ddd(out, (unsigned char)src[i + 1]);
                i += 2;
            } else if (i + 3 < len && isdigit3(src + i + 1)) {
                st = tm_buf_append(out, src + i, 4); /* \DDD: one byte */
                i += 4;
            } else {
                st = tm_buf_append(out, src + i, 2); /* \" \\ \; \. */
                i += 2;
            }
            if (state == AT_QUOTED && ++quoted_bytes > 255)
                t->long_string = true;
            continue;
        }
        if (c == '\r' && state == AT_NORMAL) {
            i++;
            if (i < len && src[i] == '\n')
                i++;
            else
                *ended_lf = false;
            break;
        }
        if (c == '"') {
            state = state == AT_QUOTED ? AT_NORMAL : AT_QUOTED;
            quoted_bytes = 0;
        } else if (state == AT_QUOTED && ++quoted_bytes > 255) {
            t->long_string = true;
        } else if (c == ';' && state == AT_NORMAL)
            state = AT_COMMENT;
        if (c == '\t' || !needs_ddd(c))
            st = tm_buf_putc(out, (char)c);
        else
            st = put_ddd(out, c); /* CR inside quotes is a byte of the string */
        i++;
    }
    *pos = i;
    return st;
}

/* ---- $GENERATE ------------------------------------------------------------- */

typedef struct {
    const char *p; /* into the converted line; quoted tokens lose their quotes */
    size_t n;
} token_t;

/* Splits a converted line into tokens, up to a comment.  Tokens are at
 * most GENERATE_TOKENS_MAX; *count gets how many there were (more means
 * extra text). */
static void split_tokens(const char *s, size_t len, token_t *toks, size_t *count)
{
    size_t i = 0, n = 0;
    while (i < len) {
        while (i < len && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i >= len || s[i] == ';')
            break;
        size_t start = i;
        bool quoted = s[i] == '"';
        if (quoted)
            start = ++i;
        while (i < len && (quoted ? s[i] != '"' : (s[i] != ' ' && s[i] != '\t' && s[i] != ';'))) {
            i += (s[i] == '\\' && i + 1 < len) ? 2 : 1;
        }
        if (n < GENERATE_TOKENS_MAX)
            toks[n] = (token_t){s + start, (i > len ? len : i) - start};
        n++;
        if (quoted && i < len)
            i++; /* the closing quote */
    }
    *count = n;
}

static bool token_is(const token_t *t, const char *word)
{
    return t->n == strlen(word) && tm_ascii_ncasecmp(t->p, word, t->n) == 0;
}

static bool looks_like_ttl(const token_t *t) { return t->n > 0 && t->p[0] >= '0' && t->p[0] <= '9'; }

static bool looks_like_class(const token_t *t)
{
    if (token_is(t, "IN") || token_is(t, "CH") || token_is(t, "HS") || token_is(t, "CS"))
        return true;
    return t->n > 5 && tm_ascii_ncasecmp(t->p, "CLASS", 5) == 0;
}

static bool parse_ulong(const char *s, size_t n, unsigned long *out)
{
    if (n == 0 || n > 10)
        return false;
    unsigned long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    *out = v;
    return true;
}

/* "start-stop[/step]", as BIND reads it: start <= stop, step >= 1. */
static bool parse_range(const token_t *t, unsigned long *start, unsigned long *stop,
                        unsigned long *step)
{
    const char *dash = memchr(t->p, '-', t->n);
    if (!dash)
        return false;
    const char *end = t->p + t->n;
    const char *slash = memchr(dash, '/', (size_t)(end - dash));
    *step = 1;
    if (!parse_ulong(t->p, (size_t)(dash - t->p), start) ||
        !parse_ulong(dash + 1, (size_t)((slash ? slash : end) - dash - 1), stop) ||
        (slash && !parse_ulong(slash + 1, (size_t)(end - slash - 1), step)))
        return false;
    return *start <= *stop && *step >= 1 && *stop <= 0xffffffffUL;
}

/* ${offset[,width[,base]]} at s (after the '{'), value + offset written in
 * base d, o, x, X, or n/N (nibbles, lowest first, dot-separated: the form
 * of ip6.arpa names).  *used gets the length up to and with the '}'. */
static tm_status_t put_modifier(tm_buf_t *out, const char *s, size_t n, long value,
                               size_t *used)
{
    const char *close = memchr(s, '}', n);
    if (!close)
        return TM_EPARSE;
    char spec[64];
    size_t sl = (size_t)(close - s);
    if (sl >= sizeof spec)
        return TM_EPARSE;
    memcpy(spec, s, sl);
    spec[sl] = '\0';
    long offset = 0;
    unsigned width = 0;
    char base = 'd';
    char *end;
    offset = strtol(spec, &end, 10);
    if (end == spec)
        return TM_EPARSE;
    if (*end == ',') {
        char *wend;
        unsigned long w = strtoul(end + 1, &wend, 10);
        if (wend == end + 1 || w > GENERATE_WIDTH_MAX)
            return TM_EPARSE;
        width = (unsigned)w;
        end = wend;
        if (*end == ',') {
            base = end[1];
            if (base == '\0' || !strchr("doxXnN", base) || end[2] != '\0')
                return TM_EPARSE;
            end += 2;
        }
    }
    if (*end != '\0')
        return TM_EPARSE;
    *used = sl + 1;
    /* BIND formats an int with printf: a negative value shows as the
     * 32-bit unsigned number in o, x and X. */
    int v = (int)(value + offset);
    switch (base) {
    case 'd': return tm_buf_printf(out, "%0*d", (int)width, v);
    case 'o': return tm_buf_printf(out, "%0*o", (int)width, (unsigned)v);
    case 'x': return tm_buf_printf(out, "%0*x", (int)width, (unsigned)v);
    case 'X': return tm_buf_printf(out, "%0*X", (int)width, (unsigned)v);
    default: break;
    }
    const char *digits = base == 'n' ? "0123456789abcdef" : "0123456789ABCDEF";
    unsigned u = (unsigned)v;
    size_t written = 0;
    tm_status_t st = TM_OK;
    do { /* at least one nibble; then as many as the width asks for */
        if (written > 0)
            st = tm_buf_putc(out, '.');
        if (st == TM_OK)
            st = tm_buf_putc(out, digits[u & 0xf]);
        written += written > 0 ? 2 : 1;
        u >>= 4;
    } while (st == TM_OK && (u != 0 || written < width));
    return st;
}

/* A template (lhs or rhs) for one value: $ is the value, ${...} a
 * formatted one, $$ and \$ a literal '$' (written \$ for libzscanner, where
 * it is the same byte in a name or a string). */
static tm_status_t put_template(tm_buf_t *out, const token_t *t, long value)
{
    tm_status_t st = TM_OK;
    for (size_t i = 0; i < t->n && st == TM_OK;) {
        char c = t->p[i];
        if (c == '\\' && i + 1 < t->n) {
            st = tm_buf_append(out, t->p + i, 2);
            i += 2;
        } else if (c == '$' && i + 1 < t->n && t->p[i + 1] == '$') {
            st = tm_buf_puts(out, "\\$");
            i += 2;
        } else if (c == '$' && i + 1 < t->n && t->p[i + 1] == '{') {
            size_t used = 0;
            st = put_modifier(out, t->p + i + 2, t->n - i - 2, value, &used);
            i += 2 + used;
        } else if (c == '$') {
            st = tm_buf_printf(out, "%ld", value);
            i++;
        } else {
            st = tm_buf_putc(out, c);
            i++;
        }
    }
    return st;
}

static tm_status_t put_generate_fail(char *why, size_t whylen, const char *msg)
{
    snprintf(why, whylen, "%s", msg);
    return TM_EPARSE;
}

/* $GENERATE range lhs [ttl] [class] type rhs: the records it stands for,
 * one line each, all mapped to the directive's line. */
static tm_status_t expand_generate(zone_text_t *t, const tm_buf_t *line, uint64_t src_line,
                                   size_t generate_max, char *why, size_t whylen)
{
    token_t tok[GENERATE_TOKENS_MAX];
    size_t n;
    split_tokens(line->data, line->len, tok, &n);
    if (n > GENERATE_TOKENS_MAX || n < 5)
        return put_generate_fail(why, whylen,
                                 n < 5 ? _("$GENERATE needs a range, an owner, a type and data")
                                       : _("extra text after $GENERATE"));
    unsigned long start, stop, step;
    if (!parse_range(&tok[1], &start, &stop, &step))
        return put_generate_fail(why, whylen, _("$GENERATE: invalid range"));
    size_t k = 3;
    const token_t *ttl = NULL, *cls = NULL;
    if (k < n && looks_like_ttl(&tok[k]))
        ttl = &tok[k++];
    if (k < n && looks_like_class(&tok[k]))
        cls = &tok[k++];
    if (!ttl && k < n && looks_like_ttl(&tok[k]))
        ttl = &tok[k++];
    if (n - k != 2)
        return put_generate_fail(why, whylen,
                                 n - k < 2 ? _("$GENERATE needs a range, an owner, a type and data")
                                           : _("extra text after $GENERATE"));
    const token_t *type = &tok[k], *rhs = &tok[k + 1];
    unsigned long count = (stop - start) / step + 1;
    if (count > generate_max - t->generated) {
        snprintf(why, whylen,
                 dngettext(TM_TEXTDOMAIN, "$GENERATE makes more than %zu record",
                           "$GENERATE makes more than %zu records", generate_max),
                 generate_max);
        return TM_ERANGE;
    }
    t->generated += count;
    for (unsigned long v = start; v <= stop; v += step) {
        tm_status_t st = map_line(t, src_line);
        if (st != TM_OK)
            return st;
        tm_buf_t *o = &t->text;
        st = put_template(o, &tok[2], (long)v);
        if (st == TM_OK && ttl && (st = tm_buf_putc(o, ' ')) == TM_OK)
            st = tm_buf_append(o, ttl->p, ttl->n);
        if (st == TM_OK && cls && (st = tm_buf_putc(o, ' ')) == TM_OK)
            st = tm_buf_append(o, cls->p, cls->n);
        if (st == TM_OK && (st = tm_buf_putc(o, ' ')) == TM_OK)
            st = tm_buf_append(o, type->p, type->n);
        if (st == TM_OK && (st = tm_buf_putc(o, ' ')) == TM_OK)
            st = put_template(o, rhs, (long)v);
        if (st == TM_OK)
            st = tm_buf_putc(o, '\n');
        if (st == TM_EPARSE)
            return put_generate_fail(why, whylen, _("$GENERATE: invalid ${offset,width,base}"));
        if (st != TM_OK)
            return st;
        if (stop - v < step)
            break;
    }
    return TM_OK;
}

static bool starts_with_word(const tm_buf_t *line, const char *word)
{
    size_t n = strlen(word);
    return line->len >= n && tm_ascii_ncasecmp(line->data, word, n) == 0 &&
           (line->len == n || line->data[n] == ' ' || line->data[n] == '\t');
}

/* A line that holds a record (or may: $INCLUDE): not blank, not only a
 * comment, not $ORIGIN or $TTL. */
static bool holds_record(const tm_buf_t *line)
{
    for (size_t i = 0; i < line->len; i++) {
        char c = line->data[i];
        if (c == ';')
            return false;
        if (c != ' ' && c != '\t' && c != '(' && c != ')')
            return !(starts_with_word(line, "$ORIGIN") || starts_with_word(line, "$TTL"));
    }
    return false;
}

tm_status_t zone_text_prepare(const char *src, size_t len, size_t generate_max,
                              zone_text_t *out, uint64_t *line, char *why, size_t whylen)
{
    memset(out, 0, sizeof *out);
    tm_buf_init(&out->text);
    /* Every byte may become \DDD: four times the file at most, and what
     * $GENERATE writes is bounded by its record count. */
    out->text.limit = len * 4 + generate_max * 64 + 4096;
    tm_buf_t cur;
    tm_buf_init(&cur);
    cur.limit = out->text.limit;
    tm_status_t st = tm_buf_append(&out->text, "", 0);
    uint64_t src_line = 1;
    size_t pos = 0;
    *line = 0;
    if (why && whylen)
        why[0] = '\0';
    /* A byte order mark some editors write: BIND does not load the file
     * either, and libzscanner would say only "invalid number". */
    if (st == TM_OK && len >= 3 && memcmp(src, "\xef\xbb\xbf", 3) == 0) {
        *line = 1;
        if (why && whylen)
            snprintf(why, whylen, "%s",
                     _("the file starts with a UTF-8 byte order mark (BOM); save it without one"));
        st = TM_EPARSE;
    }
    while (st == TM_OK && pos < len) {
        bool ended_lf;
        cur.len = 0;
        st = tm_buf_append(&cur, "", 0);
        if (st == TM_OK)
            st = convert_line(out, src, len, &pos, &cur, &ended_lf);
        if (st != TM_OK)
            break;
        if (out->long_string) {
            *line = src_line;
            if (why && whylen)
                snprintf(why, whylen, "%s",
                         _("a quoted string is longer than 255 bytes (RFC 1035 section 3.3); "
                           "split it into several quoted strings"));
            st = TM_EPARSE;
            break;
        }
        if (starts_with_word(&cur, "$ORIGIN") && !out->saw_record)
            out->origin_set = true;
        if (holds_record(&cur))
            out->saw_record = true;
        if (starts_with_word(&cur, "$GENERATE")) {
            st = expand_generate(out, &cur, src_line, generate_max, why, whylen);
            if (st != TM_OK) {
                *line = src_line;
                /* Only $GENERATE can outgrow the text's bound. */
                if (st == TM_ERANGE && why && whylen && !why[0])
                    snprintf(why, whylen, _("$GENERATE makes more than %zu MiB of records"),
                             out->text.limit >> 20);
                break;
            }
        } else {
            st = map_line(out, src_line);
            if (st == TM_OK)
                st = tm_buf_append(&out->text, cur.data, cur.len);
            if (st == TM_OK)
                st = tm_buf_putc(&out->text, '\n');
        }
        if (ended_lf)
            src_line++;
    }
    tm_buf_clear(&cur);
    if (st != TM_OK)
        zone_text_free(out);
    return st;
}
