/* rdata.c - names and record data from wire form to text and tm_rr_t, once
 * for the records of a DNS message and of a zone file.  Every read goes
 * through a tm_cursor_t bounded by the record's data: no byte past it is
 * ever read, whatever a length field claims. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tmems/tm_rdata.h"
#include "tmems/tm_i18n.h"

/* The bytes a zone file reads as something else than a character of a
 * label (RFC 1035 section 5.1: '.' ends it, '\\' escapes, ';' starts a
 * comment, '"' a quoted string, '(' and ')' group lines, '@' and '$' open
 * a name or a directive), written as \DDD (BIND writes \; and the like:
 * a zone file reads both the same way), so that a
 * name copied into a Fix line reads back as the same name. */
static bool label_byte_needs_escape(uint8_t b)
{
    return b <= 0x20 || b >= 0x7f || b == '.' || b == '\\' || b == ';' || b == '"' ||
           b == '(' || b == ')' || b == '@' || b == '$';
}

size_t tm_dns_label_text(char *out, size_t at, const uint8_t *label, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t b = label[i];
        if (label_byte_needs_escape(b)) {
            out[at++] = '\\';
            out[at++] = (char)('0' + b / 100);
            out[at++] = (char)('0' + (b / 10) % 10);
            out[at++] = (char)('0' + b % 10);
        } else {
            out[at++] = tm_ascii_lower((char)b);
        }
    }
    return at;
}

static int ddd(const char *p)
{
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9' || p[2] < '0' || p[2] > '9')
        return -1;
    return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
}

bool tm_dns_name_wire(const char *text, uint8_t out[TM_DNS_WIRE_NAME_MAX], size_t *len)
{
    size_t w = 0, label_at = 0, l = 0;
    *len = 0;
    if (text[0] == '\0' || strcmp(text, ".") == 0) {
        out[0] = 0; /* the root */
        *len = 1;
        return true;
    }
    out[w++] = 0; /* the first label's length, filled in at its end */
    for (const char *p = text;;) {
        if (*p == '.' || *p == '\0') {
            if (l == 0)
                return false; /* an empty label ("a..b", ".a") */
            out[label_at] = (uint8_t)l;
            if (*p == '\0' || p[1] == '\0')
                break; /* the end, or the trailing dot of an absolute name */
            p++;
            if (w >= TM_DNS_WIRE_NAME_MAX - 1)
                return false;
            label_at = w;
            out[w++] = 0;
            l = 0;
            continue;
        }
        uint8_t c;
        if (*p == '\\') {
            /* \DDD: exactly three digits; \X: any other character */
            int v = ddd(p + 1);
            if (v > 255 || p[1] == '\0' || (v < 0 && p[1] >= '0' && p[1] <= '9'))
                return false;
            if (v >= 0) {
                c = (uint8_t)v;
                p += 4;
            } else {
                c = (uint8_t)p[1];
                p += 2;
            }
        } else {
            c = (uint8_t)*p++;
        }
        if (l == TM_LABEL_MAX || w >= TM_DNS_WIRE_NAME_MAX - 1)
            return false;
        out[w++] = c;
        l++;
    }
    out[w++] = 0; /* the root label */
    *len = w;
    return true;
}

bool tm_dns_name_text(tm_cursor_t *cur, char out[TM_DNS_TEXT_NAME_MAX])
{
    tm_cursor_t at = *cur;
    size_t wire = 1; /* the final root label */
    size_t o = 0;
    for (;;) {
        uint8_t n;
        if (!tm_cursor_u8(&at, &n))
            return false;
        if (n == 0)
            break;
        /* over 63: a compression pointer or an extended label type, which
         * an uncompressed name cannot hold (RFC 1035 section 4.1.4) */
        if (n > TM_LABEL_MAX || tm_cursor_left(&at) < n)
            return false;
        wire += 1u + n;
        if (wire > TM_DNS_WIRE_NAME_MAX)
            return false;
        if (o > 0)
            out[o++] = '.';
        o = tm_dns_label_text(out, o, at.base + at.pos, n);
        at.pos += n;
    }
    out[o] = '\0';
    *cur = at;
    return true;
}

static tm_status_t fail(const tm_rdata_reader_t *r, tm_status_t st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The first reason is the useful one: a later one is not written. */
static tm_status_t fail(const tm_rdata_reader_t *r, tm_status_t st, const char *fmt, ...)
{
    if (r && r->why && r->whylen && !r->why[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->why, r->whylen, fmt, ap);
        va_end(ap);
    }
    return st;
}

static bool read_name(const tm_rdata_reader_t *r, tm_cursor_t *c, char out[TM_DNS_TEXT_NAME_MAX])
{
    if (r && r->read_name)
        return r->read_name(r->arg, c, out);
    return tm_dns_name_text(c, out);
}

tm_status_t tm_rdata_name_last(const tm_rdata_reader_t *r, tm_cursor_t *c, uint16_t type,
                               char out[TM_DNS_TEXT_NAME_MAX])
{
    if (!read_name(r, c, out))
        return TM_EPARSE;
    if (!tm_cursor_eof(c))
        return fail(r, TM_EPARSE, dngettext(TM_TEXTDOMAIN, "%s record has %zu stray byte after its name",
                              "%s record has %zu stray bytes after its name", tm_cursor_left(c)),
                    tm_rrtype_name(type), tm_cursor_left(c));
    return TM_OK;
}

/* RFC 1035 section 3.3.14: one or more <character-string>s, each kept
 * apart.  A record with none is illegal but harmless: it is kept as a
 * record without text (no token, no SPF record), rather than failing the
 * whole answer, which would turn the other records of the name into a DNS
 * error (the RFC 7208 test suite, null-text: such a record beside an SPF
 * record gives pass).  A zone file cannot hold one (BIND refuses it too). */
static tm_status_t add_txt(tm_answer_t *ans, uint32_t ttl, tm_cursor_t *rdata,
                           const tm_rdata_reader_t *r)
{
    tm_cursor_t c = *rdata;
    size_t n = 0;
    while (!tm_cursor_eof(&c)) {
        uint8_t l;
        tm_cursor_u8(&c, &l);
        if (!tm_cursor_skip(&c, l))
            return fail(r, TM_EPARSE, "%s", _("TXT character-string runs past its record"));
        n++;
    }
    if (n > TM_TXT_MAX_STRINGS)
        return fail(r, TM_ERANGE, dngettext(TM_TEXTDOMAIN, "TXT record with more than %d character-string",
                              "TXT record with more than %d character-strings", TM_TXT_MAX_STRINGS),
                    TM_TXT_MAX_STRINGS);
    if (!ans)
        return TM_OK;
    const char **strs = tm_malloc((n ? n : 1) * sizeof *strs);
    size_t *lens = tm_malloc((n ? n : 1) * sizeof *lens);
    tm_status_t st = TM_ENOMEM;
    if (strs && lens) {
        c = *rdata;
        for (size_t i = 0; i < n; i++) {
            uint8_t l;
            tm_cursor_u8(&c, &l);
            strs[i] = (const char *)(c.base + c.pos);
            lens[i] = l;
            tm_cursor_skip(&c, l);
        }
        st = tm_answer_add_txt(ans, ttl, strs, lens, n);
    }
    tm_free(strs);
    tm_free(lens);
    return st;
}

tm_status_t tm_rdata_add(tm_answer_t *ans, uint16_t type, uint32_t ttl, tm_cursor_t *rdata,
                         const tm_rdata_reader_t *reader)
{
    char n1[TM_DNS_TEXT_NAME_MAX], n2[TM_DNS_TEXT_NAME_MAX];
    tm_cursor_t c = *rdata;
    tm_status_t st;

    switch (type) {
    case TM_RR_A:
    case TM_RR_AAAA: {
        size_t want = type == TM_RR_A ? 4 : 16;
        size_t have = tm_cursor_left(&c);
        if (have != want)
            return fail(reader, TM_EPARSE, dngettext(TM_TEXTDOMAIN, "%s record with %zu byte of data instead of %zu",
                                  "%s record with %zu bytes of data instead of %zu", have),
                        tm_rrtype_name(type), have, want);
        if (!ans)
            return TM_OK;
        const uint8_t *addr = c.base + c.pos;
        return type == TM_RR_A ? tm_answer_add_a(ans, ttl, addr)
                               : tm_answer_add_aaaa(ans, ttl, addr);
    }
    case TM_RR_MX: {
        uint16_t pref;
        if (!tm_cursor_u16(&c, &pref))
            return fail(reader, TM_EPARSE, "%s", _("MX record too short"));
        if ((st = tm_rdata_name_last(reader, &c, type, n1)) != TM_OK)
            return st;
        return ans ? tm_answer_add_mx(ans, ttl, pref, n1) : TM_OK;
    }
    case TM_RR_TXT:
        return add_txt(ans, ttl, &c, reader);
    case TM_RR_CNAME:
    case TM_RR_PTR:
    case TM_RR_NS:
        if ((st = tm_rdata_name_last(reader, &c, type, n1)) != TM_OK)
            return st;
        return ans ? tm_answer_add_name(ans, ttl, n1) : TM_OK;
    case TM_RR_SOA: {
        uint32_t v[5];
        if (!read_name(reader, &c, n1) || !read_name(reader, &c, n2))
            return TM_EPARSE;
        for (int i = 0; i < 5; i++) {
            if (!tm_cursor_u32(&c, &v[i]))
                return fail(reader, TM_EPARSE, "%s", _("SOA record too short"));
        }
        if (!tm_cursor_eof(&c))
            return fail(reader, TM_EPARSE, dngettext(TM_TEXTDOMAIN, "SOA record has %zu stray byte",
                                  "SOA record has %zu stray bytes", tm_cursor_left(&c)),
                        tm_cursor_left(&c));
        return ans ? tm_answer_add_soa(ans, ttl, n1, n2, v[0], v[1], v[2], v[3], v[4]) : TM_OK;
    }
    default:
        /* tm_rr_t has no form for other types: they are counted as present
         * (the outcome stays NOERROR) but carry no data. */
        return TM_OK;
    }
}
