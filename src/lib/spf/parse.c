/* parse.c - the SPF record grammar of RFC 7208 section 12: terms, qualifiers,
 * mechanisms with their arguments and CIDR lengths, modifiers.  The whole
 * record is checked before anything is evaluated (section 4.6: a syntax error
 * anywhere is a permerror).  A parsed record is one allocation. */
#include <ctype.h>
#include <stdalign.h>
#include <stdio.h>
#include <string.h>

#include "spf_internal.h"
#include "tmems/tm_i18n.h"

typedef struct {
    size_t off, len; /* into the record */
} span_t;

typedef struct {
    tm_spf_kind_t kind;
    char qualifier;
    span_t text, name, spec;
    bool has_name, has_spec;
    uint32_t macros;
    uint8_t cidr4, cidr6;
    tm_cidr_t net;
} raw_term_t;

typedef struct {
    const char *rec;     /* the whole record */
    size_t term_off;     /* where the term being parsed starts */
    size_t bad;          /* absolute offset of the problem */
    const char *reason;
} pstate_t;

static bool fail(pstate_t *ps, size_t rel, const char *reason)
{
    ps->bad = ps->term_off + rel;
    ps->reason = reason;
    return false;
}

void spf_error_set(tm_spf_parse_error_t *err, const char *text, size_t term_off, size_t term_len,
                   size_t offset, const char *reason)
{
    /* The record must be ASCII (section 3): every other byte is shown as
     * \xNN, by the escaping policy of src/lib/util/text.c. */
    tm_text_escape_cut(err->term, sizeof err->term, text + term_off, term_len, TM_TEXT_ASCII);
    err->offset = offset;
    err->term_offset = term_off;
    err->term_index = 0;
    err->reason = reason;
    err->may_query_dns = false;
}

/* "/" ("0" / %x31-39 0*1DIGIT) for 0..32, or 0*2DIGIT for 0..128 (section
 * 12): no leading zeros, within range. */
static bool cidr_value(const char *d, size_t n, unsigned max, uint8_t *out)
{
    size_t max_digits = max > 99 ? 3 : 2;
    if (n == 0 || n > max_digits || (n > 1 && d[0] == '0'))
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)d[i]))
            return false;
        v = v * 10 + (unsigned)(d[i] - '0');
    }
    if (v > max)
        return false;
    *out = (uint8_t)v;
    return true;
}

/* ip4-network = qnum "." qnum "." qnum "." qnum, qnum without leading zeros
 * (section 12); a shortened address is not allowed (section 5.6). */
static bool ip4_network(const char *s, size_t n, uint8_t out[4])
{
    tm_cursor_t cur;
    tm_cursor_init(&cur, s, n);
    for (int part = 0; part < 4; part++) {
        if (part > 0 && tm_cursor_next(&cur) != '.')
            return false;
        size_t start = cur.pos;
        unsigned v = 0;
        while (tm_cursor_peek(&cur) >= 0 && isdigit(tm_cursor_peek(&cur)) && cur.pos - start < 3)
            v = v * 10 + (unsigned)(tm_cursor_next(&cur) - '0');
        size_t digits = cur.pos - start;
        if (digits == 0 || (digits > 1 && s[start] == '0') || v > 255)
            return false;
        out[part] = (uint8_t)v;
    }
    return tm_cursor_eof(&cur);
}

/* ip6-network as in RFC 4291 section 2.2. */
static bool ip6_network(const char *s, size_t n, tm_ip_t *out)
{
    char buf[64];
    if (n == 0 || n >= sizeof(buf) || memchr(s, ':', n) == NULL)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!isxdigit((unsigned char)s[i]) && s[i] != ':' && s[i] != '.')
            return false;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    return tm_ip_parse(buf, out) && out->family == 6;
}

static void clear_host_bits(tm_ip_t *ip, unsigned prefix)
{
    unsigned bits = ip->family == 6 ? 128u : 32u;
    for (unsigned i = prefix; i < bits; i++)
        ip->bytes[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
}

static bool domain_spec(pstate_t *ps, const char *s, size_t start, size_t end, raw_term_t *r)
{
    if (start >= end)
        return fail(ps, start, _("the domain is empty"));
    size_t bad;
    const char *why;
    if (!tm_spf_macro_check(s + start, end - start, false, true, &r->macros, &bad, &why))
        return fail(ps, start + bad, why);
    r->spec.off = ps->term_off + start;
    r->spec.len = end - start;
    r->has_spec = true;
    return true;
}

static bool parse_modifier(pstate_t *ps, const char *s, size_t n, size_t eq, raw_term_t *r,
                           bool *seen_redirect, bool *seen_exp)
{
    r->has_name = true;
    r->name.off = ps->term_off;
    r->name.len = eq;
    if (eq == 8 && tm_ascii_ncasecmp(s, "redirect", 8) == 0) {
        if (*seen_redirect)
            return fail(ps, 0, _("redirect= appears more than once (section 6)"));
        *seen_redirect = true;
        r->kind = TM_SPF_REDIRECT;
        return domain_spec(ps, s, eq + 1, n, r);
    }
    if (eq == 3 && tm_ascii_ncasecmp(s, "exp", 3) == 0) {
        if (*seen_exp)
            return fail(ps, 0, _("exp= appears more than once (section 6)"));
        *seen_exp = true;
        r->kind = TM_SPF_EXP;
        return domain_spec(ps, s, eq + 1, n, r);
    }
    /* unknown-modifier = name "=" macro-string: ignored, but its value must
     * still be a valid macro-string (section 6, appendix A). */
    r->kind = TM_SPF_UNKNOWN_MOD;
    size_t bad;
    const char *why;
    if (!tm_spf_macro_check(s + eq + 1, n - eq - 1, false, false, &r->macros, &bad, &why))
        return fail(ps, eq + 1 + bad, why);
    r->spec.off = ps->term_off + eq + 1;
    r->spec.len = n - eq - 1;
    r->has_spec = true;
    return true;
}

static const struct {
    const char *name;
    tm_spf_kind_t kind;
} mechanisms[] = {
    {"all", TM_SPF_ALL},   {"include", TM_SPF_INCLUDE}, {"a", TM_SPF_A},     {"mx", TM_SPF_MX},
    {"ptr", TM_SPF_PTR},   {"ip4", TM_SPF_IP4},         {"ip6", TM_SPF_IP6}, {"exists", TM_SPF_EXISTS},
};

/* a and mx: [ ":" domain-spec ] [ dual-cidr-length ].  The CIDR lengths are
 * taken from the end, so a '/' inside the domain stays part of it
 * ("a:foo:bar/baz.example.com"). */
static bool parse_a_mx(pstate_t *ps, const char *s, size_t k, size_t n, raw_term_t *r)
{
    size_t end = n, d = n;
    while (d > k && isdigit((unsigned char)s[d - 1]))
        d--;
    if (d < end && d >= k + 2 && s[d - 1] == '/' && s[d - 2] == '/') {
        if (!cidr_value(s + d, end - d, 128, &r->cidr6))
            return fail(ps, d - 2, _("invalid IPv6 CIDR length (0 to 128, no leading zero)"));
        end = d - 2;
    }
    d = end;
    while (d > k && isdigit((unsigned char)s[d - 1]))
        d--;
    if (d < end && d >= k + 1 && s[d - 1] == '/') {
        if (!cidr_value(s + d, end - d, 32, &r->cidr4))
            return fail(ps, d - 1, _("invalid IPv4 CIDR length (0 to 32, no leading zero)"));
        end = d - 1;
    }
    if (k == end)
        return true;
    if (s[k] != ':')
        return fail(ps, k, _("expected ':' and a domain, or a CIDR length such as /24 or //64"));
    return domain_spec(ps, s, k + 1, end, r);
}

static bool parse_ip(pstate_t *ps, const char *s, size_t k, size_t n, raw_term_t *r, bool v6)
{
    if (k >= n || s[k] != ':')
        return fail(ps, k, v6 ? _("ip6 needs ':' and an IPv6 network")
                              : _("ip4 needs ':' and an IPv4 network"));
    size_t start = k + 1, slash = start;
    while (slash < n && s[slash] != '/')
        slash++;
    memset(&r->net, 0, sizeof(r->net));
    if (v6) {
        if (!ip6_network(s + start, slash - start, &r->net.addr))
            return fail(ps, start, _("not a valid IPv6 address"));
    } else {
        r->net.addr.family = 4;
        if (!ip4_network(s + start, slash - start, r->net.addr.bytes))
            return fail(ps, start, _("not a valid IPv4 address (four numbers 0-255, no leading zeros)"));
    }
    uint8_t prefix = v6 ? 128 : 32;
    if (slash < n && !cidr_value(s + slash + 1, n - slash - 1, v6 ? 128 : 32, &prefix))
        return fail(ps, slash, v6 ? _("invalid IPv6 CIDR length (0 to 128, no leading zero)")
                                  : _("invalid IPv4 CIDR length (0 to 32, no leading zero)"));
    r->net.prefix = prefix;
    clear_host_bits(&r->net.addr, prefix);
    if (v6)
        r->cidr6 = prefix;
    else
        r->cidr4 = prefix;
    return true;
}

static bool parse_mechanism(pstate_t *ps, const char *s, size_t n, raw_term_t *r)
{
    size_t k = 0;
    if (n > 0 && strchr("+-~?", s[0])) {
        r->qualifier = s[0];
        k = 1;
    }
    size_t name_start = k;
    while (k < n && isalnum((unsigned char)s[k]))
        k++;
    size_t name_len = k - name_start;
    const char *name = s + name_start;
    bool found = false;
    for (size_t i = 0; i < sizeof(mechanisms) / sizeof(mechanisms[0]); i++) {
        if (strlen(mechanisms[i].name) == name_len &&
            tm_ascii_ncasecmp(mechanisms[i].name, name, name_len) == 0) {
            r->kind = mechanisms[i].kind;
            found = true;
            break;
        }
    }
    if (!found) {
        if ((name_len == 8 && tm_ascii_ncasecmp(name, "redirect", 8) == 0) ||
            (name_len == 3 && tm_ascii_ncasecmp(name, "exp", 3) == 0))
            return fail(ps, name_start, _("redirect and exp are modifiers: write them with '='"));
        if (name_len == 0)
            return fail(ps, name_start, _("not a mechanism or modifier"));
        return fail(ps, name_start, _("unknown mechanism"));
    }
    switch (r->kind) {
    case TM_SPF_ALL:
        if (k != n)
            return fail(ps, k, _("\"all\" takes no argument"));
        return true;
    case TM_SPF_INCLUDE:
    case TM_SPF_EXISTS:
        if (k >= n || s[k] != ':')
            return fail(ps, k, _("this mechanism needs ':' and a domain"));
        return domain_spec(ps, s, k + 1, n, r);
    case TM_SPF_PTR:
        if (k == n)
            return true;
        if (s[k] != ':')
            return fail(ps, k, _("ptr takes only ':' and a domain"));
        return domain_spec(ps, s, k + 1, n, r);
    case TM_SPF_A:
    case TM_SPF_MX: return parse_a_mx(ps, s, k, n, r);
    case TM_SPF_IP4: return parse_ip(ps, s, k, n, r, false);
    case TM_SPF_IP6: return parse_ip(ps, s, k, n, r, true);
    default: return fail(ps, name_start, _("unknown mechanism"));
    }
}

static bool parse_term(pstate_t *ps, span_t t, raw_term_t *r, bool *seen_redirect, bool *seen_exp)
{
    const char *s = ps->rec + t.off;
    size_t n = t.len;
    ps->term_off = t.off;
    memset(r, 0, sizeof(*r));
    r->text = t;
    r->qualifier = '+';
    r->cidr4 = 32;
    r->cidr6 = 128;
    /* modifier = name "=" ..., name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ) */
    if (isalpha((unsigned char)s[0])) {
        size_t k = 1;
        while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '-' || s[k] == '_' || s[k] == '.'))
            k++;
        if (k < n && s[k] == '=')
            return parse_modifier(ps, s, n, k, r, seen_redirect, seen_exp);
    }
    return parse_mechanism(ps, s, n, r);
}

/* The bounds of the term around offset (terms are separated by spaces). */
static span_t term_around(const char *text, size_t len, size_t offset)
{
    size_t a = offset, b = offset;
    while (a > 0 && text[a - 1] != ' ')
        a--;
    while (b < len && text[b] != ' ')
        b++;
    return (span_t){a, b - a};
}

static size_t arena_size(const raw_term_t *raw, size_t n, size_t len)
{
    size_t total = len + 1;
    for (size_t i = 0; i < n; i++) {
        total += raw[i].text.len + 1;
        if (raw[i].has_name)
            total += raw[i].name.len + 1;
        if (raw[i].has_spec)
            total += 2 * (raw[i].spec.len + 1); /* spec and its literal domain */
    }
    return total;
}

static char *arena_put(char **arena, const char *s, size_t n)
{
    char *p = *arena;
    memcpy(p, s, n);
    p[n] = '\0';
    *arena += n + 1;
    return p;
}

static size_t align_up(size_t n)
{
    size_t a = alignof(max_align_t);
    return (n + a - 1) / a * a;
}

static tm_spf_record_t *materialize(const char *text, size_t len, const raw_term_t *raw, size_t n)
{
    size_t head = align_up(sizeof(tm_spf_record_t));
    size_t terms = align_up(n * sizeof(tm_spf_term_t));
    tm_spf_record_t *rec = tm_calloc(1, head + terms + arena_size(raw, n, len));
    if (!rec)
        return NULL;
    rec->terms = (tm_spf_term_t *)((char *)rec + head);
    char *arena = (char *)rec + head + terms;
    rec->text = arena_put(&arena, text, len);
    rec->len = len;
    rec->nterms = n;
    for (size_t i = 0; i < n; i++) {
        const raw_term_t *r = &raw[i];
        tm_spf_term_t *t = &rec->terms[i];
        t->kind = r->kind;
        t->qualifier = (tm_spf_qualifier_t)r->qualifier;
        t->text = arena_put(&arena, text + r->text.off, r->text.len);
        t->offset = r->text.off;
        if (r->has_name)
            t->name = arena_put(&arena, text + r->name.off, r->name.len);
        if (r->has_spec) {
            t->spec = arena_put(&arena, text + r->spec.off, r->spec.len);
            char dom[TM_NAME_MAX + 1];
            t->has_macro = memchr(t->spec, '%', r->spec.len) != NULL;
            if (t->kind != TM_SPF_UNKNOWN_MOD && !t->has_macro &&
                spf_literal_domain(t->spec, r->spec.len, dom))
                t->domain = arena_put(&arena, dom, strlen(dom));
        }
        t->macros = r->macros;
        t->sender_dependent = tm_spf_macros_sender_dependent(r->macros);
        t->cidr4 = r->cidr4;
        t->cidr6 = r->cidr6;
        t->net = r->net;
        if (t->kind == TM_SPF_REDIRECT)
            rec->redirect = t;
        else if (t->kind == TM_SPF_EXP)
            rec->exp = t;
        else if (t->kind == TM_SPF_ALL && !rec->all)
            rec->all = t;
        if (tm_spf_kind_queries_dns(t->kind))
            rec->dns_terms++;
    }
    return rec;
}

/* True when a term, correct or not, names a DNS-querying mechanism or
 * modifier, or a name that is none at all (likely a misspelt one). */
static bool term_may_query_dns(const char *s, size_t n)
{
    size_t k = 0;
    if (isalpha((unsigned char)s[0])) {
        while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '-' || s[k] == '_' || s[k] == '.'))
            k++;
        if (k < n && s[k] == '=')
            return k == 8 && tm_ascii_ncasecmp(s, "redirect", 8) == 0;
    }
    k = n > 0 && strchr("+-~?", s[0]) ? 1 : 0;
    size_t name = k;
    while (k < n && isalnum((unsigned char)s[k]))
        k++;
    static const char *const quiet[] = {"all", "ip4", "ip6"};
    for (size_t i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++) {
        if (strlen(quiet[i]) == k - name && tm_ascii_ncasecmp(quiet[i], s + name, k - name) == 0)
            return false;
    }
    return true;
}

/* Section 3.1 and 4.6.1: the record is ASCII and terms are separated by
 * spaces only, so any other byte is an error wherever it is.  The offset
 * of the first such byte in [from, to), or to. */
static size_t bad_byte(const char *text, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 || c > 0x7e)
            return i;
    }
    return to;
}

static const char *bad_byte_reason(unsigned char c)
{
    return c > 0x7f ? _("non-ASCII byte: SPF records are 7-bit ASCII")
                    : _("control character: terms are separated by spaces only");
}

/* The error list of a partial parse; grown one at a time (at most one per
 * term, so bounded by TM_SPF_TERMS_MAX). */
typedef struct {
    tm_spf_parse_error_t *items;
    size_t n;
} errlist_t;

static tm_spf_parse_error_t *errlist_add(errlist_t *l)
{
    tm_spf_parse_error_t *grown = tm_realloc(l->items, (l->n + 1) * sizeof(*grown));
    if (!grown)
        return NULL;
    l->items = grown;
    memset(&l->items[l->n], 0, sizeof(l->items[l->n]));
    return &l->items[l->n++];
}

/* The record-level rules: size, version, number of terms.  False with err
 * filled when the record as a whole is refused. */
static bool record_acceptable(const char *text, size_t len, tm_spf_parse_error_t *err,
                              size_t *nterms)
{
    if (len > TM_SPF_RECORD_MAX) {
        spf_error_set(err, text, 0, 6, 0, _("the record is longer than 8192 bytes"));
        return false;
    }
    if (!tm_spf_is_record(text, len)) {
        span_t t = term_around(text, len, 0);
        spf_error_set(err, text, t.off, t.len, 0, _("not an SPF record: it must start with \"v=spf1\""));
        return false;
    }
    *nterms = 0;
    for (size_t i = 6; i < len; i++) {
        if (text[i] != ' ' && text[i - 1] == ' ')
            (*nterms)++;
    }
    if (*nterms > TM_SPF_TERMS_MAX) {
        spf_error_set(err, text, 0, 6, 0, _("the record has more than 512 terms"));
        return false;
    }
    return true;
}

/* Parses every term.  Strict (errs NULL): stops at the first error, which
 * goes to *err.  Partial: every bad term goes to errs, the others are
 * kept.  *out gets the record of the terms kept. */
static tm_status_t parse_terms(const char *text, size_t len, size_t nterms, tm_spf_record_t **out,
                               tm_spf_parse_error_t *err, errlist_t *errs)
{
    raw_term_t *raw = tm_calloc(nterms ? nterms : 1, sizeof(*raw));
    if (!raw)
        return TM_ENOMEM;
    tm_status_t st = TM_OK;
    pstate_t ps = {.rec = text};
    bool seen_redirect = false, seen_exp = false;
    size_t n = 0, index = 0;
    tm_cursor_t cur;
    tm_cursor_init(&cur, text, len);
    tm_cursor_skip(&cur, 6);
    while (!tm_cursor_eof(&cur)) {
        if (tm_cursor_peek(&cur) == ' ') {
            tm_cursor_next(&cur);
            continue;
        }
        span_t t = {cur.pos, 0};
        while (!tm_cursor_eof(&cur) && tm_cursor_peek(&cur) != ' ')
            tm_cursor_next(&cur);
        t.len = cur.pos - t.off;
        index++;
        size_t bad = errs ? bad_byte(text, t.off, t.off + t.len) : t.off + t.len;
        bool ok = bad == t.off + t.len;
        if (ok) {
            ok = parse_term(&ps, t, &raw[n], &seen_redirect, &seen_exp);
        } else {
            ps.bad = bad;
            ps.reason = bad_byte_reason((unsigned char)text[bad]);
        }
        if (ok) {
            n++;
            continue;
        }
        tm_spf_parse_error_t *e = errs ? errlist_add(errs) : err;
        if (!e) {
            st = TM_ENOMEM;
            break;
        }
        spf_error_set(e, text, t.off, t.len, ps.bad, ps.reason);
        e->term_index = index;
        e->may_query_dns = term_may_query_dns(text + t.off, t.len);
        if (!errs) {
            st = TM_EPARSE;
            break;
        }
    }
    if (st == TM_OK && !(*out = materialize(text, len, raw, n)))
        st = TM_ENOMEM;
    tm_free(raw);
    return st;
}

tm_status_t tm_spf_parse(const char *text, size_t len, tm_spf_record_t **out,
                         tm_spf_parse_error_t *err)
{
    tm_spf_parse_error_t scratch;
    if (!err)
        err = &scratch;
    *out = NULL;
    size_t nterms;
    if (!record_acceptable(text, len, err, &nterms))
        return TM_EPARSE;
    size_t bad = bad_byte(text, 0, len);
    if (bad < len) {
        span_t t = term_around(text, len, bad);
        spf_error_set(err, text, t.off, t.len, bad, bad_byte_reason((unsigned char)text[bad]));
        err->term_index = 0;
        for (size_t i = 6; i <= t.off && i < len; i++)
            err->term_index += text[i] != ' ' && text[i - 1] == ' ';
        err->may_query_dns = term_may_query_dns(text + t.off, t.len);
        return TM_EPARSE;
    }
    return parse_terms(text, len, nterms, out, err, NULL);
}

tm_status_t tm_spf_parse_partial(const char *text, size_t len, tm_spf_partial_t *out)
{
    memset(out, 0, sizeof(*out));
    errlist_t errs = {NULL, 0};
    size_t nterms;
    tm_spf_parse_error_t whole;
    tm_status_t st = TM_OK;
    if (!record_acceptable(text, len, &whole, &nterms)) {
        tm_spf_parse_error_t *e = errlist_add(&errs);
        if (e)
            *e = whole;
        else
            st = TM_ENOMEM;
    } else {
        st = parse_terms(text, len, nterms, &out->record, NULL, &errs);
    }
    out->errors = errs.items;
    out->nerrors = errs.n;
    if (st != TM_OK)
        tm_spf_partial_clear(out);
    return st;
}

void tm_spf_partial_clear(tm_spf_partial_t *p)
{
    tm_spf_record_destroy(p->record);
    tm_free(p->errors);
    memset(p, 0, sizeof(*p));
}

void tm_spf_record_destroy(tm_spf_record_t *record) { tm_free(record); }
