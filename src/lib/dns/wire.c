/* wire.c - the DNS message format (RFC 1035 section 4), by hand.
 *
 * This file is pure: no sockets, no c-ares, no globals, so that the fuzzer
 * can drive tm_dns_parse_response with arbitrary bytes.  Every read goes
 * through a tm_cursor_t; every loop is bounded by the message length or by
 * a stated constant. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tmems/tm_rdata.h"
#include "tmems/tm_dns.h"
#include "tmems/tm_i18n.h"

/* RFC 1035 section 4.1.1 */
#define HDR_LEN 12
#define FLAG_QR 0x8000u
#define FLAG_TC 0x0200u
#define FLAG_RD 0x0100u

#define RCODE_NOERROR 0
#define RCODE_SERVFAIL 2
#define RCODE_NXDOMAIN 3
#define RCODE_REFUSED 5

#define CLASS_IN 1
#define TYPE_OPT 41 /* RFC 6891 section 6.1.1 */
#define EDNS_PAYLOAD 4096

#define WIRE_NAME_MAX TM_DNS_WIRE_NAME_MAX
#define TEXT_NAME_MAX TM_DNS_TEXT_NAME_MAX
/* Each jump must go strictly backwards, which already forbids loops; the
 * count bound is a second fence that keeps the work per name small. */
#define MAX_POINTER_JUMPS 64
/* The chain bound promised in tm_dns.h. */
#define MAX_CNAME_STEPS 16

typedef struct {
    size_t owner;     /* offset of the owner name */
    uint64_t hash;    /* of the owner's text form, to skip most compares */
    uint16_t type;
    uint16_t klass;
    uint32_t ttl;
    size_t rdata;     /* offset of the RDATA */
    size_t rdlen;
} wire_rr_t;

typedef struct {
    const uint8_t *msg;
    size_t len;
    char why[192];    /* reason of a FORMERR; empty while none */
} walk_t;

static void fail(walk_t *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(walk_t *w, const char *fmt, ...)
{
    if (w->why[0])
        return; /* the first reason is the useful one */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->why, sizeof w->why, fmt, ap);
    va_end(ap);
}

/* Reads a possibly compressed name (RFC 1035 section 4.1.4) at cur, which
 * is bounded by the end of the field that holds the name; pointers may reach
 * anywhere earlier in the whole message.  On success cur is past the name
 * in place and out holds its text form without the trailing dot ("" for the
 * root).  out must hold TEXT_NAME_MAX bytes. */
static bool read_name(walk_t *w, tm_cursor_t *cur, char *out)
{
    tm_cursor_t at = *cur;      /* where labels are being read now */
    bool jumped = false;
    unsigned jumps = 0;
    size_t wire = 1;            /* the final root label */
    size_t o = 0;

    out[0] = '\0';
    for (;;) {
        size_t here = at.pos;
        uint8_t n;
        if (!tm_cursor_u8(&at, &n)) {
            fail(w, _("name runs past the end of its field at offset %zu"), here);
            return false;
        }
        if (n == 0)
            break;
        if ((n & 0xC0) == 0xC0) {
            uint8_t lo;
            if (!tm_cursor_u8(&at, &lo)) {
                fail(w, _("truncated compression pointer at offset %zu"), here);
                return false;
            }
            size_t target = ((size_t)(n & 0x3F) << 8) | lo;
            /* A pointer refers to a prior occurrence (RFC 1035 section
             * 4.1.4): anything else is a forward pointer or a loop. */
            if (target >= here) {
                fail(w, _("compression pointer at offset %zu does not point backwards"), here);
                return false;
            }
            if (++jumps > MAX_POINTER_JUMPS) {
                fail(w, _("too many compression pointers in one name"));
                return false;
            }
            if (!jumped) {
                cur->pos = at.pos;
                jumped = true;
            }
            tm_cursor_init(&at, w->msg, w->len);
            at.pos = target;
            continue;
        }
        if (n & 0xC0) {
            /* 0x40 and 0x80: extended label types (RFC 6891 section 5). */
            fail(w, _("unsupported label type 0x%02x at offset %zu"), n & 0xC0, here);
            return false;
        }
        wire += 1u + n;
        if (wire > WIRE_NAME_MAX) {
            fail(w, _("name longer than 255 octets at offset %zu"), here);
            return false;
        }
        if (tm_cursor_left(&at) < n) {
            fail(w, _("label runs past the end of the message at offset %zu"), here);
            return false;
        }
        if (o > 0)
            out[o++] = '.';
        o = tm_dns_label_text(out, o, at.base + at.pos, n);
        at.pos += n;
    }
    out[o] = '\0';
    if (!jumped)
        cur->pos = at.pos;
    return true;
}

static uint64_t hash_text(const char *s) { return tm_fnv1a(TM_FNV1A_INIT, s, strlen(s)); }

/* RFC 2181 section 8: a TTL with the top bit set is treated as zero. */
static uint32_t clamp_ttl(uint32_t ttl) { return (ttl & 0x80000000u) ? 0 : ttl; }

/* A cursor over one record's RDATA only. */
static tm_cursor_t rdata_cursor(const walk_t *w, const wire_rr_t *rr)
{
    tm_cursor_t c;
    tm_cursor_init(&c, w->msg, rr->rdata + rr->rdlen);
    c.pos = rr->rdata;
    return c;
}

static bool owner_is(walk_t *w, const wire_rr_t *rr, const char *name, uint64_t hash)
{
    char text[TEXT_NAME_MAX];
    if (rr->hash != hash)
        return false;
    tm_cursor_t c;
    tm_cursor_init(&c, w->msg, w->len);
    c.pos = rr->owner;
    return read_name(w, &c, text) && strcmp(text, name) == 0;
}

/* read_name for rdata.c: names in RDATA may point anywhere earlier in
 * the message. */
static bool rdata_name(void *arg, tm_cursor_t *cur, char out[TEXT_NAME_MAX])
{
    return read_name(arg, cur, out);
}

/* Adds one record of the asked type.  TM_EINVAL (with w->why) when its
 * RDATA is malformed, TM_ENOMEM when an allocation failed. */
static tm_status_t add_record(walk_t *w, tm_answer_t *ans, const wire_rr_t *rr)
{
    tm_cursor_t c = rdata_cursor(w, rr);
    tm_rdata_reader_t reader = {.read_name = rdata_name, .arg = w, .why = w->why,
                                .whylen = sizeof w->why};
    tm_status_t st = tm_rdata_add(ans, rr->type, clamp_ttl(rr->ttl), &c, &reader);
    return st == TM_EPARSE || st == TM_ERANGE ? TM_EINVAL : st;
}

static tm_dns_outcome_t rcode_outcome(unsigned rcode)
{
    switch (rcode) {
    case RCODE_NOERROR: return TM_DNS_NOERROR;
    case RCODE_SERVFAIL: return TM_DNS_SERVFAIL;
    case RCODE_NXDOMAIN: return TM_DNS_NXDOMAIN;
    case RCODE_REFUSED: return TM_DNS_REFUSED;
    default: return TM_DNS_FORMERR;
    }
}

/* Reads the header and the question, and frames every answer record into
 * rrs.  TM_EINVAL with w->why for a malformed message. */
static tm_status_t frame(walk_t *w, const char *qname, uint16_t qtype, uint16_t *flags,
                         wire_rr_t **rrs_out, size_t *nrrs_out)
{
    char text[TEXT_NAME_MAX];
    tm_cursor_t c;
    uint16_t id, qd, an, ns, ar;

    tm_cursor_init(&c, w->msg, w->len);
    if (!tm_cursor_u16(&c, &id) || !tm_cursor_u16(&c, flags) || !tm_cursor_u16(&c, &qd) ||
        !tm_cursor_u16(&c, &an) || !tm_cursor_u16(&c, &ns) || !tm_cursor_u16(&c, &ar)) {
        fail(w, dngettext(TM_TEXTDOMAIN, "message shorter than the 12-byte DNS header (%zu byte)",
                          "message shorter than the 12-byte DNS header (%zu bytes)", w->len),
             w->len);
        return TM_EINVAL;
    }
    if (!(*flags & FLAG_QR)) {
        fail(w, _("message is a query, not a response"));
        return TM_EINVAL;
    }
    /* A response repeats the one question asked (RFC 1035 section 4.1.2);
     * some servers leave it out of error responses. */
    if (qd > 1) {
        fail(w, dngettext(TM_TEXTDOMAIN, "response carries %u question", "response carries %u questions", qd),
             qd);
        return TM_EINVAL;
    }
    if (qd == 1) {
        uint16_t type, klass;
        if (!read_name(w, &c, text))
            return TM_EINVAL;
        if (!tm_cursor_u16(&c, &type) || !tm_cursor_u16(&c, &klass)) {
            fail(w, _("question section truncated"));
            return TM_EINVAL;
        }
        if (strcmp(text, qname) != 0 || type != qtype) {
            fail(w, _("response is for another question (%s %s)"), text, tm_rrtype_name(type));
            return TM_EINVAL;
        }
    }
    if (an == 0)
        return TM_OK;
    /* Each record needs at least 11 bytes, so the message length bounds the
     * array whatever the count claims. */
    if ((size_t)an > tm_cursor_left(&c) / 11) {
        fail(w, _("answer count %u does not fit in the message"), an);
        return TM_EINVAL;
    }
    wire_rr_t *rrs = tm_calloc(an, sizeof *rrs);
    if (!rrs)
        return TM_ENOMEM;
    for (size_t i = 0; i < an; i++) {
        wire_rr_t *rr = &rrs[i];
        uint16_t rdlen;
        rr->owner = c.pos;
        if (!read_name(w, &c, text))
            goto bad;
        rr->hash = hash_text(text);
        if (!tm_cursor_u16(&c, &rr->type) || !tm_cursor_u16(&c, &rr->klass) ||
            !tm_cursor_u32(&c, &rr->ttl) || !tm_cursor_u16(&c, &rdlen)) {
            fail(w, _("answer record %zu truncated"), i + 1);
            goto bad;
        }
        rr->rdata = c.pos;
        rr->rdlen = rdlen;
        if (!tm_cursor_skip(&c, rdlen)) {
            fail(w, _("answer record %zu: data runs past the end of the message"), i + 1);
            goto bad;
        }
    }
    *rrs_out = rrs;
    *nrrs_out = an;
    return TM_OK;
bad:
    tm_free(rrs);
    return TM_EINVAL;
}

/* Follows the CNAME chain from qname and, when keep, adds the records of
 * qtype owned by the final name.  *canon gets that name. */
static tm_status_t collect(walk_t *w, const wire_rr_t *rrs, size_t nrrs, const char *qname,
                           uint16_t qtype, bool keep, tm_answer_t *ans, char *canon,
                           bool *found)
{
    char seen[MAX_CNAME_STEPS + 1][TEXT_NAME_MAX];
    size_t nseen = 0;

    strcpy(canon, qname);
    *found = false;
    for (;;) {
        uint64_t h = hash_text(canon);
        const wire_rr_t *cname = NULL;
        for (size_t i = 0; i < nrrs; i++) {
            const wire_rr_t *rr = &rrs[i];
            if (rr->klass != CLASS_IN || !owner_is(w, rr, canon, h)) {
                if (w->why[0])
                    return TM_EINVAL;
                continue;
            }
            if (rr->type == qtype) {
                tm_status_t st = keep ? add_record(w, ans, rr) : TM_OK;
                if (st != TM_OK)
                    return st;
                *found = true;
            } else if (rr->type == TM_RR_CNAME && !cname) {
                cname = rr;
            }
        }
        /* RFC 1034 section 3.6.2: a name with a CNAME has no other data, so
         * records found here end the chain. */
        if (*found || !cname)
            return TM_OK;
        if (nseen == MAX_CNAME_STEPS) {
            fail(w, dngettext(TM_TEXTDOMAIN, "CNAME chain longer than %d step",
                              "CNAME chain longer than %d steps", MAX_CNAME_STEPS),
                 MAX_CNAME_STEPS);
            return TM_EINVAL;
        }
        strcpy(seen[nseen++], canon);
        tm_cursor_t c = rdata_cursor(w, cname);
        tm_rdata_reader_t reader = {.read_name = rdata_name, .arg = w, .why = w->why,
                                    .whylen = sizeof w->why};
        if (tm_rdata_name_last(&reader, &c, TM_RR_CNAME, canon) != TM_OK)
            return TM_EINVAL;
        for (size_t i = 0; i < nseen; i++) {
            if (strcmp(seen[i], canon) == 0) {
                fail(w, _("CNAME loop at %s"), canon);
                return TM_EINVAL;
            }
        }
    }
}

static bool query_key(const char *qname, char out[TEXT_NAME_MAX]);

tm_status_t tm_dns_parse_response(const uint8_t *msg, size_t len, const char *qname,
                                  uint16_t qtype, tm_answer_t **out)
{
    char qn[TEXT_NAME_MAX], key[TEXT_NAME_MAX], canon[TEXT_NAME_MAX];
    walk_t w = {.msg = msg, .len = len, .why = ""};
    wire_rr_t *rrs = NULL;
    size_t nrrs = 0;
    uint16_t flags = 0;
    tm_answer_t *ans = NULL;
    bool found = false;
    tm_status_t st;

    if (!out || !qname || (!msg && len))
        return TM_EINVAL;
    *out = NULL;
    if (!tm_name_canonical(qname, strlen(qname), qn, sizeof qn))
        return TM_EINVAL;
    /* Names in the message are compared in the form read_name gives them,
     * so the question goes through the same wire round trip: a raw byte
     * such as a space (SPF macros can put one in) then matches its \DDD. */
    if (!query_key(qname, key))
        strcpy(key, qn);
    if (len > TM_DNS_MSG_MAX) {
        fail(&w, dngettext(TM_TEXTDOMAIN, "message of %zu byte exceeds the DNS maximum",
                          "message of %zu bytes exceeds the DNS maximum", len),
             len);
        st = TM_EINVAL;
        goto done;
    }
    ans = tm_answer_create(qn, qtype, TM_DNS_NOERROR);
    if (!ans)
        return TM_ENOMEM;
    st = frame(&w, key, qtype, &flags, &rrs, &nrrs);
    if (st != TM_OK)
        goto done;
    unsigned rcode = flags & 15u;
    tm_dns_outcome_t outcome = rcode_outcome(rcode);
    if (outcome == TM_DNS_FORMERR) {
        fail(&w, _("server answered with rcode %u"), rcode);
        st = TM_EINVAL;
        goto done;
    }
    if (rcode == RCODE_NOERROR || rcode == RCODE_NXDOMAIN) {
        st = collect(&w, rrs, nrrs, key, qtype, rcode == RCODE_NOERROR, ans, canon, &found);
        if (st != TM_OK)
            goto done;
        if (strcmp(canon, key) != 0) {
            st = tm_answer_set_canonical(ans, canon);
            if (st != TM_OK)
                goto done;
        }
        /* NXDOMAIN stays so even after a CNAME: the end of the chain does
         * not exist (RFC 6604 section 2.1). */
        if (rcode == RCODE_NOERROR && !found)
            outcome = TM_DNS_NODATA;
    }
    ans->outcome = outcome;
done:
    tm_free(rrs);
    if (st == TM_EINVAL) {
        /* Drop whatever was collected: a malformed message yields nothing
         * but the reason. */
        tm_answer_unref(ans);
        ans = tm_answer_create(qn, qtype, TM_DNS_FORMERR);
        if (!ans)
            return TM_ENOMEM;
        st = tm_answer_set_error(ans, w.why);
    }
    if (st != TM_OK) {
        tm_answer_unref(ans);
        return st;
    }
    ans->wire_size = len;
    ans->truncated = (flags & FLAG_TC) != 0;
    *out = ans;
    return TM_OK;
}

/* ---- building a query ---------------------------------------------------- */

typedef struct {
    uint8_t *buf;
    size_t len;
    size_t pos;
    bool overflow;
} writer_t;

static void put8(writer_t *wr, uint8_t b)
{
    if (wr->pos >= wr->len) {
        wr->overflow = true;
        return;
    }
    wr->buf[wr->pos++] = b;
}

static void put16(writer_t *wr, uint16_t v)
{
    put8(wr, (uint8_t)(v >> 8));
    put8(wr, (uint8_t)v);
}

/* A text name (RFC 1035 section 5.1 escapes \\X and \\DDD accepted) as
 * uncompressed wire labels, lower case.  False when it is not a valid name. */
static bool encode_name(writer_t *wr, const char *name)
{
    uint8_t wire[TM_DNS_WIRE_NAME_MAX];
    size_t len;
    if (!tm_dns_name_wire(name, wire, &len))
        return false;
    for (size_t i = 0; i < len;) {
        size_t l = wire[i];
        put8(wr, (uint8_t)l);
        for (size_t k = 1; k <= l; k++)
            put8(wr, (uint8_t)tm_ascii_lower((char)wire[i + k]));
        i += l + 1;
    }
    return true;
}

static bool query_key(const char *qname, char out[TEXT_NAME_MAX])
{
    uint8_t wire[WIRE_NAME_MAX + 1];
    writer_t wr = {.buf = wire, .len = sizeof wire};
    if (!encode_name(&wr, qname) || wr.overflow)
        return false;
    walk_t w = {.msg = wire, .len = wr.pos, .why = ""};
    tm_cursor_t c;
    tm_cursor_init(&c, wire, wr.pos);
    return read_name(&w, &c, out);
}

tm_status_t tm_dns_build_query(const char *qname, uint16_t qtype, uint16_t id, bool norecurse,
                               uint8_t *buf, size_t buflen, size_t *written)
{
    writer_t wr = {.buf = buf, .len = buf ? buflen : 0};

    if (!qname || !written)
        return TM_EINVAL;
    *written = 0;
    put16(&wr, id);
    put16(&wr, norecurse ? 0 : FLAG_RD);
    put16(&wr, 1); /* QDCOUNT */
    put16(&wr, 0);
    put16(&wr, 0);
    put16(&wr, 1); /* ARCOUNT: the OPT record */
    if (!encode_name(&wr, qname))
        return TM_EINVAL;
    put16(&wr, qtype);
    put16(&wr, CLASS_IN);
    /* RFC 6891 section 6.1.2: root owner, TYPE 41, CLASS = UDP payload size,
     * TTL = extended rcode 0, version 0, flags 0; no options. */
    put8(&wr, 0);
    put16(&wr, TYPE_OPT);
    put16(&wr, EDNS_PAYLOAD);
    put16(&wr, 0);
    put16(&wr, 0);
    put16(&wr, 0);
    if (wr.overflow)
        return TM_ERANGE;
    *written = wr.pos;
    return TM_OK;
}
