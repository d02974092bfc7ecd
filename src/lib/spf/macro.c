/* macro.c - SPF macros (RFC 7208 section 7): validating macro-strings and
 * domain-specs, and expanding them with transformers, delimiters, URL
 * escaping and the 253-byte truncation of section 7.3. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "spf_internal.h"
#include "tmems/tm_i18n.h"

#define MACRO_LETTERS "slodiphcrtv"
#define MACRO_DELIMITERS ".-+,/_="
/* A transformer asks for "the N right-hand parts"; any N beyond the number
 * of parts a value can have means all of them, so the count is capped. */
#define PARTS_CAP 100000u

static bool is_exp_only(int letter) { return letter == 'c' || letter == 'r' || letter == 't'; }

/* toplabel = ( *alphanum ALPHA *alphanum ) /
 *            ( 1*alphanum "-" *( alphanum / "-" ) alphanum )   (section 7.1) */
static bool toplabel_valid(const char *s, size_t len)
{
    if (len == 0 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[len - 1]))
        return false;
    bool alpha = false, hyphen = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '-')
            hyphen = true;
        else if (isalpha(c))
            alpha = true;
        else if (!isdigit(c))
            return false;
    }
    return alpha || hyphen;
}

typedef struct {
    int letter;        /* lower case */
    bool upper;        /* URL-escape the value */
    unsigned parts;    /* 0 = all */
    bool reverse;
    const char *delims; /* into the macro text; NULL = "." */
    size_t ndelims;
} macro_t;

/* Reads "%{" letter transformers *delimiter "}" with cur at the '{'.
 * Returns NULL when valid, else the reason; *bad gets its offset. */
static const char *read_macro(tm_cursor_t *cur, bool exp_text, macro_t *m, size_t *bad)
{
    tm_cursor_next(cur); /* '{' */
    *bad = cur->pos;
    int c = tm_cursor_next(cur);
    if (c < 0)
        return _("the macro is not closed with '}'");
    int lower = (unsigned char)tm_ascii_lower((char)c);
    if (!isalpha(c) || !strchr(MACRO_LETTERS, lower))
        return _("unknown macro letter (section 7.2 allows s l o d i p h v, and c r t in explanations)");
    if (is_exp_only(lower) && !exp_text)
        return _("the macros %{c}, %{r} and %{t} are allowed only in explanation text");
    m->letter = lower;
    m->upper = isupper(c) != 0;
    m->parts = 0;
    m->reverse = false;
    m->delims = NULL;
    m->ndelims = 0;
    size_t digits_at = cur->pos;
    bool digits = false;
    while (tm_cursor_peek(cur) >= 0 && isdigit(tm_cursor_peek(cur))) {
        unsigned d = (unsigned)(tm_cursor_next(cur) - '0');
        m->parts = m->parts >= PARTS_CAP ? PARTS_CAP : m->parts * 10 + d;
        digits = true;
    }
    if (digits && m->parts == 0) {
        *bad = digits_at;
        return _("the number of parts in a macro must not be zero");
    }
    if (tm_cursor_peek(cur) == 'r' || tm_cursor_peek(cur) == 'R') {
        tm_cursor_next(cur);
        m->reverse = true;
    }
    size_t delims_at = cur->pos;
    while (tm_cursor_peek(cur) >= 0 && strchr(MACRO_DELIMITERS, tm_cursor_peek(cur)) &&
           tm_cursor_peek(cur) != '\0')
        tm_cursor_next(cur);
    if (cur->pos > delims_at) {
        m->delims = (const char *)cur->base + delims_at;
        m->ndelims = cur->pos - delims_at;
    }
    *bad = cur->pos;
    if (tm_cursor_next(cur) != '}')
        return _("the macro is not closed with '}' (transformers are digits and 'r', delimiters . - + , / _ =)");
    return NULL;
}

bool tm_spf_macro_check(const char *s, size_t len, bool exp_text, bool domain_spec,
                        uint32_t *letters, size_t *bad_offset, const char **reason)
{
    tm_cursor_t cur;
    tm_cursor_init(&cur, s, len);
    uint32_t used = 0;
    size_t after_macro = 0; /* where the literal tail after the last macro starts */
    const char *why = NULL;
    size_t bad = 0;
    while (!tm_cursor_eof(&cur)) {
        size_t at = cur.pos;
        int c = tm_cursor_peek(&cur);
        if (c == '%') {
            int n = tm_cursor_peek_at(&cur, 1);
            if (n == '%' || n == '_' || n == '-') {
                tm_cursor_skip(&cur, 2);
                after_macro = cur.pos;
                continue;
            }
            if (n != '{') {
                bad = at;
                why = _("a '%' must be followed by '{', '%', '_' or '-' (write %% for a percent sign)");
                goto done;
            }
            tm_cursor_next(&cur);
            macro_t m;
            why = read_macro(&cur, exp_text, &m, &bad);
            if (why)
                goto done;
            used |= TM_SPF_MACRO_BIT(m.letter);
            after_macro = cur.pos;
            continue;
        }
        if (c == ' ' && exp_text) {
            tm_cursor_next(&cur);
            continue;
        }
        if (c < 0x21 || c > 0x7e) {
            bad = at;
            why = _("only visible ASCII characters are allowed here");
            goto done;
        }
        tm_cursor_next(&cur);
    }
    if (domain_spec) {
        /* domain-end = ( "." toplabel [ "." ] ) / macro-expand (section 7.1):
         * the tail after the last macro must be literal ".toplabel". */
        if (len == 0) {
            why = _("the domain is empty");
            goto done;
        }
        if (after_macro < len) {
            size_t end = len;
            if (s[end - 1] == '.')
                end--;
            size_t dot = end;
            while (dot > after_macro && s[dot - 1] != '.')
                dot--;
            if (dot == after_macro || !toplabel_valid(s + dot, end - dot)) {
                bad = dot > after_macro ? dot : after_macro;
                why = _("the domain must end in a valid top-level label (letters, digits, inner hyphens, not all digits) or in a macro");
                goto done;
            }
        }
    }
done:
    if (why) {
        if (bad_offset)
            *bad_offset = bad;
        if (reason)
            *reason = why;
        return false;
    }
    if (letters)
        *letters = used;
    return true;
}

bool tm_spf_macros_sender_dependent(uint32_t letters) { return (letters & TM_SPF_MACRO_SENDER) != 0; }

/* ---- expansion ---------------------------------------------------------------- */

typedef struct {
    tm_buf_t *out;
    size_t start; /* out->len when the expansion began */
} sink_t;

static tm_status_t put(sink_t *k, const char *bytes, size_t n)
{
    if (n > TM_SPF_EXPAND_MAX || k->out->len - k->start > TM_SPF_EXPAND_MAX - n)
        return TM_ERANGE;
    return tm_buf_append(k->out, bytes, n);
}

/* unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~" (section 7.3, from RFC 3986) */
static bool unreserved(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static tm_status_t put_part(sink_t *k, const char *p, size_t n, bool escape)
{
    if (!escape)
        return put(k, p, n);
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        tm_status_t st;
        if (unreserved(c)) {
            st = put(k, (const char *)&p[i], 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            st = put(k, e, 3);
        }
        if (st != TM_OK)
            return st;
    }
    return TM_OK;
}

/* The value of a macro letter; buf holds computed ones (>= 80 bytes). */
static const char *macro_value(const tm_spf_macro_env_t *env, int letter, char *buf, size_t buflen)
{
    switch (letter) {
    case 's': return env->sender ? env->sender : "";
    case 'l': return env->local ? env->local : "";
    case 'o': return env->sender_domain ? env->sender_domain : "";
    case 'd': return env->domain ? env->domain : "";
    case 'h': return env->helo ? env->helo : "";
    case 'p': return env->validated ? env->validated : "unknown";
    case 'r': return env->receiver ? env->receiver : "unknown";
    case 't': snprintf(buf, buflen, "%" PRIu64, env->timestamp); return buf;
    case 'v': return env->ip && env->ip->family == 6 ? "ip6" : "in-addr";
    case 'i':
        if (!env->ip)
            return "";
        if (env->ip->family == 6) {
            /* section 7.3: IPv6 as dot-separated nibbles */
            static const char hex[] = "0123456789abcdef";
            char *p = buf;
            for (int i = 0; i < 16; i++) {
                *p++ = hex[env->ip->bytes[i] >> 4];
                *p++ = '.';
                *p++ = hex[env->ip->bytes[i] & 15];
                *p++ = i < 15 ? '.' : '\0';
            }
            return buf;
        }
        tm_ip_format(env->ip, buf, buflen);
        return buf;
    case 'c':
        if (!env->ip)
            return "";
        tm_ip_format(env->ip, buf, buflen);
        return buf;
    }
    return "";
}

static bool is_delim(const macro_t *m, char c)
{
    if (!m->delims)
        return c == '.';
    return memchr(m->delims, c, m->ndelims) != NULL;
}

/* Split on the delimiters, optionally reverse, keep the N right-hand parts,
 * join with "." (section 7.3); linear in the value. */
static tm_status_t put_transformed(sink_t *k, const macro_t *m, const char *v)
{
    size_t len = strlen(v);
    if (!m->delims && m->parts == 0 && !m->reverse)
        return put_part(k, v, len, m->upper);
    size_t nparts = 1;
    for (size_t i = 0; i < len; i++)
        nparts += is_delim(m, v[i]);
    size_t keep = m->parts && m->parts < nparts ? m->parts : nparts;
    tm_status_t st = TM_OK;
    if (!m->reverse) {
        /* the last `keep` parts in order */
        size_t skip = nparts - keep, i = 0;
        while (skip > 0) {
            skip -= is_delim(m, v[i]);
            i++;
        }
        for (size_t start = i; i <= len && st == TM_OK; i++) {
            if (i == len || is_delim(m, v[i])) {
                st = put_part(k, v + start, i - start, m->upper);
                if (st == TM_OK && i < len)
                    st = put(k, ".", 1);
                start = i + 1;
            }
        }
        return st;
    }
    /* reversed: the first `keep` parts, last one first */
    size_t end = 0, seen = 0;
    while (end < len && !(is_delim(m, v[end]) && ++seen == keep))
        end++;
    size_t stop = end; /* end of part keep-1 */
    for (size_t emitted = 0; emitted < keep && st == TM_OK; emitted++) {
        size_t start = stop;
        while (start > 0 && !is_delim(m, v[start - 1]))
            start--;
        st = put_part(k, v + start, stop - start, m->upper);
        if (st == TM_OK && emitted + 1 < keep)
            st = put(k, ".", 1);
        if (start == 0)
            break;
        stop = start - 1;
    }
    return st;
}

tm_status_t tm_spf_macro_expand(const char *s, size_t len, const tm_spf_macro_env_t *env,
                                bool exp_text, tm_buf_t *out)
{
    sink_t k = {out, out->len};
    tm_cursor_t cur;
    tm_cursor_init(&cur, s, len);
    while (!tm_cursor_eof(&cur)) {
        tm_status_t st = TM_OK;
        size_t at = cur.pos;
        if (tm_cursor_peek(&cur) != '%') {
            while (!tm_cursor_eof(&cur) && tm_cursor_peek(&cur) != '%')
                tm_cursor_next(&cur);
            st = put(&k, s + at, cur.pos - at);
        } else {
            int n = tm_cursor_peek_at(&cur, 1);
            tm_cursor_skip(&cur, 2);
            if (n == '%') {
                st = put(&k, "%", 1);
            } else if (n == '_') {
                st = put(&k, " ", 1);
            } else if (n == '-') {
                st = put(&k, "%20", 3);
            } else if (n == '{') {
                cur.pos--;
                macro_t m;
                size_t bad;
                if (read_macro(&cur, exp_text, &m, &bad))
                    return TM_EINVAL;
                char buf[96];
                st = put_transformed(&k, &m, macro_value(env, m.letter, buf, sizeof(buf)));
            } else {
                return TM_EINVAL;
            }
        }
        if (st != TM_OK)
            return st;
    }
    return TM_OK;
}

tm_status_t spf_expand_domain_buf(const char *spec, const tm_spf_macro_env_t *env, tm_buf_t *scratch,
                                  char out[TM_NAME_MAX + 1])
{
    scratch->len = 0;
    tm_status_t st = tm_spf_macro_expand(spec, strlen(spec), env, false, scratch);
    if (st == TM_ENOMEM)
        return st;
    if (st != TM_OK)
        return TM_EINVAL;
    return spf_literal_domain(scratch->data ? scratch->data : "", scratch->len, out) ? TM_OK
                                                                                   : TM_EINVAL;
}

bool spf_literal_domain(const char *p, size_t len, char out[TM_NAME_MAX + 1])
{
    if (len > 0 && p[len - 1] == '.')
        len--;
    /* Only one trailing dot is the root: a second is an empty label, which
     * spf_name_copy would silently drop (found by fuzz_spf_macro). */
    if (len > 0 && p[len - 1] == '.')
        return false;
    /* section 7.3: drop labels from the left until the name fits */
    while (len > TM_NAME_MAX) {
        const char *dot = memchr(p, '.', len);
        if (!dot)
            return false;
        len -= (size_t)(dot - p) + 1;
        p = dot + 1;
    }
    return spf_name_copy(p, len, out) && spf_name_queryable(out);
}

tm_status_t tm_spf_expand_domain(const char *spec, const tm_spf_macro_env_t *env,
                                 char out[TM_NAME_MAX + 1])
{
    tm_buf_t scratch;
    tm_buf_init(&scratch);
    tm_status_t st = spf_expand_domain_buf(spec, env, &scratch, out);
    tm_buf_clear(&scratch);
    return st;
}
