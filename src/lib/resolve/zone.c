/* zone.c - BIND-format zone files (RFC 1035 section 5) read with Knot's
 * libzscanner, kept in memory and answered with authoritative semantics.
 *
 * libzscanner hands every record over in wire format (owner and RDATA); the
 * owners become text names here and the RDATA is kept as wire bytes in one
 * arena, decoded into tm_rr_t only when a question asks for it. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libzscanner/scanner.h>

#include "errbuf.h"
#include "zone_live.h"
#include "zone_text.h"
#include "tmems/tm_rdata.h"
#include "tmems/tm_resolve.h"
#include "tmems/tm_file.h"
#include "tmems/tm_i18n.h"

/* Bounds on what one zone file may cost. */
#define ZONE_FILE_MAX ((size_t)64 << 20)
#define ZONE_RECORDS_MAX ((size_t)1 << 20)
#define ZONE_ARENA_MAX ((size_t)256 << 20)
/* The same bound as a DNS answer's CNAME chain (tm_dns.h). */
#define ZONE_CNAME_STEPS 16
/* Text of a name: 255 wire octets, each byte possibly a \DDD escape. */
#define TEXT_NAME_MAX TM_DNS_TEXT_NAME_MAX
#define ZONE_DEFAULT_TTL 3600
/* What libzscanner starts with as its $TTL: no $TTL yet (record_ttl). */
#define ZONE_TTL_UNSET UINT32_MAX
#define CLASS_IN 1

typedef struct {
    size_t owner_off;   /* owner text in the arena (while loading) */
    const char *owner;  /* the same, once the arena no longer moves */
    size_t rdata_off;
    const uint8_t *rdata;
    uint32_t seq;       /* file order, kept among records of one owner and type */
    uint32_t batch;     /* which run of consecutive records with one owner */
    uint32_t ttl;
    uint16_t type;
    uint16_t rdlen;
    uint16_t file;      /* index into tm_zone.files: the zone file or an $INCLUDE */
    uint32_t column;    /* where the record starts on its line, 1-based; 0 unknown */
    uint64_t line;
} zrec_t;

typedef struct {
    const char *name;   /* an owner; every owner appears once */
    size_t first;       /* its records: recs[first .. first + count) */
    size_t count;
} zname_t;

struct tm_zone {
    char *origin;       /* lower case, no trailing dot; "" for the root */
    uint8_t *arena;     /* owner texts (NUL-terminated) and RDATA */
    size_t arena_len, arena_cap;
    zrec_t *recs;       /* sorted by owner (canonical order), type, seq */
    size_t nrecs, recs_cap;
    zname_t *names;     /* sorted in canonical order (RFC 4034 section 6.1) */
    size_t nnames;
    bool origin_defaulted; /* names read relative to tm_zone_options_t.default_origin */
    bool has_cuts;      /* NS records below the apex (cut_above has work to do) */
    char **files;       /* the files the records came from, as named (record.file) */
    size_t nfiles;
    zone_live_t *live;  /* what a DNS-as-code file leaves to the provider (NULL: nothing) */
};

/* An uncompressed wire name (as libzscanner writes it) in text form, the
 * same form wire.c produces (tmems/tm_rdata.h).  False when malformed. */
static bool wire_to_text(const uint8_t *w, size_t len, char out[TEXT_NAME_MAX])
{
    tm_cursor_t c;
    tm_cursor_init(&c, w, len);
    return tm_dns_name_text(&c, out);
}

static bool is_below_or_at(const char *name, const char *origin)
{
    size_t n = strlen(name), o = strlen(origin);
    if (o == 0)
        return true;
    if (n == o)
        return strcmp(name, origin) == 0;
    return n > o && name[n - o - 1] == '.' && strcmp(name + n - o, origin) == 0;
}

/* Canonical DNS name order (RFC 4034 section 6.1) on text names: labels
 * compared from the right.  It puts every descendant of a name right after
 * it, which is what makes the empty non-terminal test a binary search. */
static int name_cmp(const char *a, const char *b)
{
    size_t ea = strlen(a), eb = strlen(b);
    for (;;) {
        if (ea == 0 || eb == 0)
            return (ea > 0) - (eb > 0);
        size_t sa = ea, sb = eb;
        while (sa > 0 && a[sa - 1] != '.')
            sa--;
        while (sb > 0 && b[sb - 1] != '.')
            sb--;
        size_t la = ea - sa, lb = eb - sb;
        int c = memcmp(a + sa, b + sb, la < lb ? la : lb);
        if (c != 0)
            return c;
        if (la != lb)
            return la < lb ? -1 : 1;
        ea = sa > 0 ? sa - 1 : 0;
        eb = sb > 0 ? sb - 1 : 0;
    }
}

static int rec_cmp(const void *pa, const void *pb)
{
    const zrec_t *a = pa, *b = pb;
    int c = name_cmp(a->owner, b->owner);
    if (c != 0)
        return c;
    if (a->type != b->type)
        return a->type < b->type ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

/* ---- RDATA ---------------------------------------------------------------- */

/* Adds one record to ans, or only checks it when ans is NULL (tmems/tm_rdata.h:
 * the decoder DNS messages go through too).  TM_EPARSE when the RDATA
 * cannot be read, TM_ERANGE past a bound. */
static tm_status_t add_rdata(tm_answer_t *ans, uint16_t type, uint32_t ttl, const uint8_t *rd,
                             size_t len)
{
    tm_cursor_t c;
    tm_cursor_init(&c, rd, len);
    return tm_rdata_add(ans, type, ttl, &c, NULL);
}

/* ---- loading ---------------------------------------------------------------- */

static tm_status_t arena_put(tm_zone_t *z, const void *data, size_t len, size_t *off)
{
    if (len > ZONE_ARENA_MAX - z->arena_len)
        return TM_ERANGE;
    if (z->arena_len + len > z->arena_cap) {
        size_t cap = z->arena_cap ? z->arena_cap : 4096;
        while (cap < z->arena_len + len)
            cap *= 2;
        uint8_t *p = tm_realloc(z->arena, cap);
        if (!p)
            return TM_ENOMEM;
        z->arena = p;
        z->arena_cap = cap;
    }
    memcpy(z->arena + z->arena_len, data, len);
    *off = z->arena_len;
    z->arena_len += len;
    return TM_OK;
}

/* The next record of the zone, zeroed (not counted until the caller does
 * z->nrecs++); NULL when out of memory. */
static zrec_t *new_record(tm_zone_t *z)
{
    if (z->nrecs == z->recs_cap) {
        zrec_t *p = tm_array_grow(z->recs, &z->recs_cap, sizeof(*p), 64);
        if (!p)
            return NULL;
        z->recs = p;
    }
    zrec_t *r = &z->recs[z->nrecs];
    memset(r, 0, sizeof *r);
    return r;
}

/* Files one zone may read: itself and what its $INCLUDEs name. */
#define ZONE_FILES_MAX 64
/* $INCLUDE inside $INCLUDE: deeper is a loop in practice. */
#define ZONE_INCLUDE_DEPTH_MAX 8

typedef struct {
    tm_zone_t *zone;
    const tm_zone_options_t *opts;
    char *err;
    size_t errlen;
    char *files[ZONE_FILES_MAX]; /* for messages: the path, then includes as named */
    size_t nfiles;
    size_t bytes;                   /* read so far, includes counted */
    size_t generated;               /* records written by $GENERATE so far */
    char soa_owner[TEXT_NAME_MAX];  /* the first SOA's owner, "" while none */
    bool have_soa;
    char first_origin[TEXT_NAME_MAX]; /* $ORIGIN in force at the first record */
    bool have_first;
    bool origin_set;                /* the top file sets $ORIGIN before its first record */
    size_t last_owner_off;          /* shares the text of consecutive owners */
    bool have_last;
    uint32_t batch;                 /* runs of one owner so far (merge_rrsets) */
    /* TTLs while no $TTL is in force (see record_ttl). */
    bool ttl_is_soa_minimum;        /* the SOA came without a TTL */
    uint32_t soa_minimum;
    bool have_stated_ttl;
    uint32_t last_stated_ttl;       /* the last TTL written on a record */
} loader_t;

/* The TTL of a record as BIND 9 loads it.  libzscanner gives a record
 * without a TTL the $TTL in force, or the value it was started with:
 * ZONE_TTL_UNSET, so that such a record is recognised here.  Without
 * $TTL, BIND gives the SOA's MINIMUM field to every record without a TTL
 * when the SOA itself has none ("no TTL specified; using SOA MINTTL
 * instead"), and otherwise the last TTL written on a record (RFC 1035
 * section 5.1, "using RFC1035 TTL semantics").  A TTL above 2^31-1 counts
 * as 0 (RFC 2181 section 8; BIND's "> MAXTTL, setting $TTL to 0").  A TTL
 * written as exactly 4294967295 is indistinguishable from none here. */
static uint32_t record_ttl(loader_t *ld, const zs_scanner_t *s)
{
    uint32_t ttl = s->r_ttl;
    if (ttl != ZONE_TTL_UNSET) {
        if (s->default_ttl == ZONE_TTL_UNSET) {
            ld->last_stated_ttl = ttl > INT32_MAX ? 0 : ttl;
            ld->have_stated_ttl = true;
        }
    } else if (s->r_type == TM_RR_SOA && !ld->have_soa && !ld->have_stated_ttl &&
               s->r_data_length >= 4) {
        const uint8_t *m = s->r_data + s->r_data_length - 4; /* MINIMUM, RFC 1035 3.3.13 */
        ld->soa_minimum = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
        ld->ttl_is_soa_minimum = true;
        ttl = ld->soa_minimum;
    } else if (ld->ttl_is_soa_minimum) {
        ttl = ld->soa_minimum;
    } else {
        ttl = ld->have_stated_ttl ? ld->last_stated_ttl : ZONE_DEFAULT_TTL;
    }
    return ttl > INT32_MAX ? 0 : ttl;
}

static tm_status_t take_record(loader_t *ld, const zs_scanner_t *s, uint16_t file, uint64_t line)
{
    tm_zone_t *z = ld->zone;
    char owner[TEXT_NAME_MAX];
    tm_status_t st;
    const char *path = ld->files[file];

    if (s->r_class != CLASS_IN)
        return TM_OK; /* CH and HS data answer no Internet question */
    if (!wire_to_text(s->r_owner, s->r_owner_length, owner)) {
        tm_err_printf(ld->err, ld->errlen, _("zone file '%s' line %llu: malformed owner name"),
                path, (unsigned long long)line);
        return TM_EPARSE;
    }
    if (z->nrecs >= ZONE_RECORDS_MAX) {
        tm_err_printf(ld->err, ld->errlen,
                dngettext(TM_TEXTDOMAIN, "zone file '%s' has more than %zu record",
                          "zone file '%s' has more than %zu records", ZONE_RECORDS_MAX),
                ld->files[0], ZONE_RECORDS_MAX);
        return TM_ERANGE;
    }
    uint32_t ttl = record_ttl(ld, s);
    st = add_rdata(NULL, s->r_type, ttl, s->r_data, s->r_data_length);
    if (st != TM_OK) {
        tm_err_printf(ld->err, ld->errlen, _("zone file '%s' line %llu: unusable %s record"),
                path, (unsigned long long)line, tm_rrtype_name(s->r_type));
        return st;
    }
    if (!ld->have_first) {
        if (!wire_to_text(s->zone_origin, s->zone_origin_length, ld->first_origin))
            ld->first_origin[0] = '\0';
        ld->have_first = true;
    }
    if (s->r_type == TM_RR_SOA && !ld->have_soa) {
        strcpy(ld->soa_owner, owner);
        ld->have_soa = true;
    }
    zrec_t *r = new_record(z);
    if (!r)
        return TM_ENOMEM;
    if (ld->have_last && strcmp((const char *)z->arena + ld->last_owner_off, owner) == 0) {
        r->owner_off = ld->last_owner_off;
    } else {
        st = arena_put(z, owner, strlen(owner) + 1, &r->owner_off);
        if (st != TM_OK)
            goto too_big;
        ld->last_owner_off = r->owner_off;
        ld->have_last = true;
        ld->batch++;
    }
    r->batch = ld->batch;
    st = arena_put(z, s->r_data, s->r_data_length, &r->rdata_off);
    if (st != TM_OK)
        goto too_big;
    r->seq = (uint32_t)z->nrecs;
    r->ttl = ttl;
    r->type = s->r_type;
    r->rdlen = (uint16_t)s->r_data_length;
    r->file = file;
    r->line = line;
    z->nrecs++;
    return TM_OK;
too_big:
    if (st == TM_ERANGE)
        tm_err_printf(ld->err, ld->errlen, _("zone file '%s' holds more data than %zu MiB"),
                ld->files[0], ZONE_ARENA_MAX >> 20);
    return st;
}

static tm_status_t scan_file(loader_t *ld, uint16_t file, const char *raw, size_t rawlen,
                             const char *abs_origin, uint32_t *default_ttl, unsigned depth);

/* Reads a file as a zone's text (file.h: regular files only, bounded),
 * every file of the zone counted against ZONE_FILE_MAX together. */
static tm_status_t read_zone_file(loader_t *ld, const char *path, const char *shown,
                                  bool beneath, char **text, size_t *len)
{
    char why_text[128];
    tm_file_error_t why;
    size_t limit = ZONE_FILE_MAX - ld->bytes;
    tm_status_t st = beneath ? tm_file_read_beneath(ld->opts->include_dir, path, limit, text, len,
                                                    &why)
                             : tm_file_read(path, limit, false, text, len, &why);
    if (st == TM_ERANGE && ld->bytes > 0)
        tm_err_printf(ld->err, ld->errlen, _("zone file '%s' and its $INCLUDEs are larger than %zu MiB"),
                ld->files[0], ZONE_FILE_MAX >> 20);
    else if (st != TM_OK)
        tm_err_printf(ld->err, ld->errlen, _("cannot read zone file '%s': %s"), shown,
                tm_file_strerror(&why, why_text, sizeof why_text));
    else
        ld->bytes += *len;
    return st;
}

/* $INCLUDE FILE [ORIGIN] (RFC 1035 section 5.1): off unless include_dir
 * is set, and then only files below it.  libzscanner hands the file name
 * made absolute against "." (it was given a string, not a path), and the
 * origin as text. */
static tm_status_t include(loader_t *ld, zs_scanner_t *s, uint16_t file, uint64_t line,
                           unsigned depth)
{
    const char *path = ld->files[file];
    const char *name = s->include_filename;
    if (!ld->opts->include_dir) {
        tm_err_printf(ld->err, ld->errlen,
                _("zone file '%s' line %llu: $INCLUDE is off (--zone-include-dir DIR allows "
                  "files below DIR)"),
                path, (unsigned long long)line);
        return TM_EUNSUPPORTED;
    }
    if (depth >= ZONE_INCLUDE_DEPTH_MAX || ld->nfiles >= ZONE_FILES_MAX) {
        tm_err_printf(ld->err, ld->errlen,
                dngettext(TM_TEXTDOMAIN,
                          "zone file '%s' line %llu: more than %d file or %d levels of $INCLUDE",
                          "zone file '%s' line %llu: more than %d files or %d levels of $INCLUDE",
                          ZONE_FILES_MAX),
                path, (unsigned long long)line, ZONE_FILES_MAX, ZONE_INCLUDE_DEPTH_MAX);
        return TM_ERANGE;
    }
    /* A relative name is relative to the include directory (as
     * named-checkzone -w DIR); an absolute one must lie inside it. */
    const char *rel = name;
    if (strncmp(rel, "./", 2) == 0) {
        rel += 2;
    } else if (rel[0] == '/') {
        size_t n = strlen(ld->opts->include_dir);
        while (n > 1 && ld->opts->include_dir[n - 1] == '/')
            n--;
        if (strncmp(rel, ld->opts->include_dir, n) == 0 && rel[n] == '/')
            rel += n + 1;
    }
    char *shown = tm_strdup(name[0] == '.' && name[1] == '/' ? name + 2 : name);
    if (!shown)
        return TM_ENOMEM;
    ld->files[ld->nfiles] = shown;
    uint16_t sub = (uint16_t)ld->nfiles++;
    char *text = NULL;
    size_t len = 0;
    tm_status_t st = read_zone_file(ld, rel, shown, true, &text, &len);
    if (st == TM_OK) {
        /* s->buffer: the origin for the included file, as text */
        uint32_t ttl = s->default_ttl;
        st = scan_file(ld, sub, text, len, (const char *)s->buffer, &ttl, depth + 1);
        /* BIND keeps a $TTL set inside the included file afterwards. */
        s->default_ttl = ttl;
    }
    tm_free(text);
    return st;
}

static void scan_error(loader_t *ld, const zone_text_t *zt, uint16_t file, uint64_t line,
                       int code)
{
    const char *hint = zt->has_nul ? _(" (the file holds NUL bytes: is it a zone file?)") : "";
    tm_err_printf(ld->err, ld->errlen, _("zone file '%s' line %llu: %s%s"), ld->files[file],
            (unsigned long long)line, zs_strerror(code), hint);
}

static tm_status_t scan_file(loader_t *ld, uint16_t file, const char *raw, size_t rawlen,
                             const char *abs_origin, uint32_t *default_ttl, unsigned depth)
{
    zone_text_t zt;
    char why[256];
    uint64_t bad_line;
    tm_status_t st = zone_text_prepare(raw, rawlen, ZONE_RECORDS_MAX - ld->generated, &zt,
                                       &bad_line, why, sizeof why);
    if (st == TM_EPARSE || (st == TM_ERANGE && why[0])) {
        tm_err_printf(ld->err, ld->errlen, _("zone file '%s' line %llu: %s"), ld->files[file],
                (unsigned long long)bad_line, why);
        return st;
    }
    if (st == TM_ERANGE) {
        tm_err_printf(ld->err, ld->errlen, _("zone file '%s' holds more data than %zu MiB"),
                ld->files[0], ZONE_ARENA_MAX >> 20);
        return st;
    }
    if (st != TM_OK)
        return st;
    ld->generated += zt.generated;
    if (file == 0)
        ld->origin_set = zt.origin_set;

    zs_scanner_t *s = tm_calloc(1, sizeof *s);
    bool inited = false;
    if (!s) {
        st = TM_ENOMEM;
        goto done;
    }
    inited = true; /* zs_init cleans up after itself, and deinit is harmless */
    if (zs_init(s, abs_origin, CLASS_IN, *default_ttl) != 0) {
        tm_err_printf(ld->err, ld->errlen, _("zone file '%s': invalid origin '%s'"),
                ld->files[file], abs_origin);
        st = TM_EINVAL;
        goto done;
    }
    if (zs_set_input_string(s, zt.text.data, zt.text.len) != 0) {
        tm_err_printf(ld->err, ld->errlen, _("zone file '%s': %s"), ld->files[file],
                zs_strerror(s->error.code));
        st = TM_EPARSE;
        goto done;
    }
    for (;;) {
        if (zs_parse_record(s) != 0 && s->state != ZS_STATE_ERROR) {
            tm_err_printf(ld->err, ld->errlen, _("zone file '%s': %s"), ld->files[file],
                    zs_strerror(s->error.code));
            st = TM_EPARSE;
            goto done;
        }
        uint64_t line = zone_text_source_line(&zt, s->line_counter);
        switch (s->state) {
        case ZS_STATE_DATA:
            st = take_record(ld, s, file, line);
            break;
        case ZS_STATE_ERROR:
            /* Even a recoverable error stops the load: a zone with a broken
             * record would answer NXDOMAIN for a name that has data. */
            scan_error(ld, &zt, file, line, s->error.code);
            st = TM_EPARSE;
            break;
        case ZS_STATE_INCLUDE:
            st = include(ld, s, file, line, depth);
            break;
        default:
            goto done; /* EOF or STOP */
        }
        if (st != TM_OK)
            goto done;
    }
done:
    if (st == TM_OK)
        *default_ttl = s->default_ttl;
    if (inited)
        zs_deinit(s);
    tm_free(s);
    zone_text_free(&zt);
    return st;
}

/* Sorts the records and lists each owner once. */
/* RDATA as BIND compares it to find duplicates: the domain names of the
 * types the tool reads without regard to case (RFC 4034 section 6.2), the
 * rest byte for byte. */
static int rdata_cmp(const zrec_t *a, const zrec_t *b)
{
    if (a->rdlen != b->rdlen)
        return a->rdlen < b->rdlen ? -1 : 1;
    size_t names_from = a->rdlen; /* where case stops mattering */
    switch (a->type) {
    case TM_RR_MX: names_from = 2; break;
    case TM_RR_NS:
    case TM_RR_CNAME:
    case TM_RR_PTR: names_from = 0; break;
    default: break;
    }
    if (names_from > a->rdlen)
        names_from = a->rdlen;
    int c = memcmp(a->rdata, b->rdata, names_from);
    for (size_t i = names_from; c == 0 && i < a->rdlen; i++) {
        /* label length octets are at most 63, below 'A': folding is safe */
        unsigned char x = (unsigned char)tm_ascii_lower((char)a->rdata[i]);
        unsigned char y = (unsigned char)tm_ascii_lower((char)b->rdata[i]);
        c = (x > y) - (x < y);
    }
    return c;
}

static int dup_cmp(const void *pa, const void *pb)
{
    const zrec_t *a = pa, *b = pb;
    int c = strcmp(a->owner, b->owner);
    if (c == 0 && a->type != b->type)
        c = a->type < b->type ? -1 : 1;
    if (c == 0)
        c = rdata_cmp(a, b);
    return c != 0 ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* The TTL BIND serves for each RRset of recs (sorted by owner and type,
 * with every copy of a record still there): BIND's loader collects the
 * records of a run of lines with one owner, where the first TTL of a type
 * wins ("TTL set to prior TTL"), and adding a later run of the same RRset
 * replaces the TTL.  So: the TTL of the first record of the last run
 * (RFC 2181 section 5.2 wants one TTL per RRset; which one is BIND's). */
static void unify_ttls(zrec_t *recs, size_t n)
{
    for (size_t i = 0, j; i < n; i = j) {
        const zrec_t *pick = &recs[i];
        for (j = i + 1; j < n && recs[j].type == recs[i].type &&
                        strcmp(recs[j].owner, recs[i].owner) == 0;
             j++) {
            if (recs[j].batch > pick->batch ||
                (recs[j].batch == pick->batch && recs[j].seq < pick->seq))
                pick = &recs[j];
        }
        uint32_t ttl = pick->ttl;
        for (size_t k = i; k < j; k++)
            recs[k].ttl = ttl;
    }
}

/* What BIND serves of what the file says: a record given twice is one
 * record (RFC 2181 section 5), and an RRset has one TTL (unify_ttls). */
static void merge_rrsets(tm_zone_t *z)
{
    qsort(z->recs, z->nrecs, sizeof *z->recs, dup_cmp);
    unify_ttls(z->recs, z->nrecs);
    size_t kept = 0;
    for (size_t i = 0; i < z->nrecs; i++) {
        const zrec_t *r = &z->recs[i];
        if (kept > 0) {
            const zrec_t *k = &z->recs[kept - 1];
            if (strcmp(k->owner, r->owner) == 0 && k->type == r->type && rdata_cmp(k, r) == 0)
                continue; /* a later copy: the first one stays */
        }
        z->recs[kept++] = *r;
    }
    z->nrecs = kept;
    qsort(z->recs, z->nrecs, sizeof *z->recs, rec_cmp);
}

static tm_status_t index_zone(tm_zone_t *z)
{
    for (size_t i = 0; i < z->nrecs; i++) {
        z->recs[i].owner = (const char *)z->arena + z->recs[i].owner_off;
        z->recs[i].rdata = z->arena + z->recs[i].rdata_off;
    }
    if (z->nrecs > 1)
        merge_rrsets(z);
    if (z->nrecs == 0)
        return TM_OK;
    z->names = tm_calloc(z->nrecs, sizeof *z->names);
    if (!z->names)
        return TM_ENOMEM;
    for (size_t i = 0; i < z->nrecs; i++) {
        if (z->nnames > 0 && strcmp(z->names[z->nnames - 1].name, z->recs[i].owner) == 0) {
            z->names[z->nnames - 1].count++;
            continue;
        }
        z->names[z->nnames].name = z->recs[i].owner;
        z->names[z->nnames].first = i;
        z->names[z->nnames].count = 1;
        z->nnames++;
    }
    for (size_t i = 0; i < z->nrecs && !z->has_cuts; i++)
        z->has_cuts = z->recs[i].type == TM_RR_NS && strcmp(z->recs[i].owner, z->origin) != 0;
    return TM_OK;
}

/* RFC 1034 section 3.6.2 (and RFC 2181 section 10.1): a name with a CNAME
 * has no other data, DNSSEC's RRSIG and NSEC aside (RFC 4035 section
 * 2.5); BIND refuses to load such a zone ("CNAME and other data"). */
static tm_status_t check_cname_alone(const tm_zone_t *z, loader_t *ld)
{
    enum { RR_RRSIG = 46, RR_NSEC = 47 };
    for (size_t n = 0; n < z->nnames; n++) {
        const zrec_t *cname = NULL, *other = NULL;
        for (size_t i = z->names[n].first; i < z->names[n].first + z->names[n].count; i++) {
            const zrec_t *r = &z->recs[i];
            if (r->type == TM_RR_CNAME)
                cname = r;
            else if (r->type != RR_RRSIG && r->type != RR_NSEC && !other)
                other = r;
        }
        if (cname && other) {
            const zrec_t *later = cname->seq > other->seq ? cname : other;
            tm_err_printf(ld->err, ld->errlen,
                          _("zone file '%s' line %llu: '%s' has a CNAME record and other data "
                            "(RFC 1034 section 3.6.2); BIND does not load such a zone"),
                          ld->files[later->file], (unsigned long long)later->line,
                          z->names[n].name);
            return TM_EPARSE;
        }
    }
    return TM_OK;
}

/* An NS record at the apex naming a host inside the zone needs an address
 * there (A or AAAA, a wildcard's included): without one the zone's own
 * servers cannot be found, and BIND refuses to load the zone ("NS ... has no
 * address records", then "not loaded due to errors"), so the servers keep
 * serving the old one.  (A delegation's missing glue is only a warning.) */
static const char *cut_above(const tm_zone_t *z, const char *name);

/* RFC 1035 section 5.2 and RFC 1034 section 4.2.1: a zone file holds one
 * SOA record at its origin, and NS records there.  BIND does not load one
 * without ("has 0 SOA records", "has no NS records"): a zone about to be
 * published that would not be served is an error, never a verdict. */
static tm_status_t check_apex_soa_ns(const tm_zone_t *z, loader_t *ld)
{
    size_t first = 0, soa = tm_zone_rrset(z, z->origin, TM_RR_SOA, &first);
    const char *why = NULL;
    if (soa == 0)
        why = _("zone file '%s': no SOA record at its origin %s; BIND does not load such a zone");
    else if (soa > 1)
        why = _("zone file '%s': more than one SOA record at its origin %s; BIND does not load "
                "such a zone");
    else if (tm_zone_rrset(z, z->origin, TM_RR_NS, &first) == 0)
        why = _("zone file '%s': no NS record at its origin %s; BIND does not load such a zone");
    if (!why)
        return TM_OK;
    tm_err_printf(ld->err, ld->errlen, why, ld->files[0], z->origin[0] ? z->origin : ".");
    return TM_EPARSE;
}

static tm_status_t check_apex_ns_addresses(const tm_zone_t *z, loader_t *ld)
{
    tm_answer_t *ns = tm_zone_answer(z, z->origin, TM_RR_NS);
    tm_status_t st = ns ? TM_OK : TM_ENOMEM;
    for (size_t i = 0; ns && st == TM_OK && i < ns->count; i++) {
        const char *host = ns->rrs[i].u.name;
        if (!host || !is_below_or_at(host, z->origin) || cut_above(z, host))
            continue;
        bool has_address = false;
        const uint16_t types[2] = {TM_RR_A, TM_RR_AAAA};
        for (size_t k = 0; k < 2 && !has_address && st == TM_OK; k++) {
            tm_answer_t *a = tm_zone_answer(z, host, types[k]);
            if (!a)
                st = TM_ENOMEM;
            else
                has_address = a->outcome == TM_DNS_NOERROR && a->count > 0;
            tm_answer_unref(a);
        }
        if (st == TM_OK && !has_address) {
            size_t first = 0;
            tm_zone_rrset(z, z->origin, TM_RR_NS, &first);
            tm_err_printf(ld->err, ld->errlen,
                          _("zone file '%s' line %llu: the name server %s of the zone has no "
                            "address record (A or AAAA) in it; BIND does not load such a zone"),
                          ld->files[z->recs[first].file], (unsigned long long)z->recs[first].line,
                          host);
            st = TM_EPARSE;
        }
    }
    tm_answer_unref(ns);
    return st;
}

tm_status_t tm_zone_load(const char *path, const char *origin, tm_zone_t **out, char *err,
                         size_t errlen)
{
    tm_zone_options_t opts = {.origin = origin};
    return tm_zone_load_with(path, &opts, out, err, errlen);
}

tm_status_t tm_zone_load_with(const char *path, const tm_zone_options_t *opts, tm_zone_t **out,
                              char *err, size_t errlen)
{
    char given[TEXT_NAME_MAX], fallback[TEXT_NAME_MAX], abs_origin[TEXT_NAME_MAX + 1];
    char *text = NULL;
    size_t len = 0;
    tm_zone_t *z = NULL;
    loader_t *ld = NULL;
    tm_status_t st;

    if (err && errlen)
        err[0] = '\0';
    if (!path || !out || !opts)
        return TM_EINVAL;
    *out = NULL;
    const char *origin = opts->origin;
    if (origin && !tm_name_canonical(origin, strlen(origin), given, sizeof given)) {
        tm_err_printf(err, errlen, _("zone file '%s': invalid origin '%s'"), path, origin);
        return TM_EINVAL;
    }
    if (!origin && opts->default_origin &&
        !tm_name_canonical(opts->default_origin, strlen(opts->default_origin), fallback,
                           sizeof fallback)) {
        tm_err_printf(err, errlen, _("zone file '%s': invalid origin '%s'"), path,
                      opts->default_origin);
        return TM_EINVAL;
    }
    const char *initial = origin ? given : opts->default_origin ? fallback : "";
    z = tm_calloc(1, sizeof *z);
    ld = tm_calloc(1, sizeof *ld);
    if (!z || !ld) {
        st = TM_ENOMEM;
        goto done;
    }
    ld->zone = z;
    ld->opts = opts;
    ld->err = err;
    ld->errlen = errlen;
    ld->files[0] = tm_strdup(path);
    if (!ld->files[0]) {
        st = TM_ENOMEM;
        goto done;
    }
    ld->nfiles = 1;
    st = read_zone_file(ld, path, path, false, &text, &len);
    if (st != TM_OK)
        goto done;
    snprintf(abs_origin, sizeof abs_origin, "%s.", initial);
    uint32_t ttl = ZONE_TTL_UNSET;
    st = scan_file(ld, 0, text, len, abs_origin, &ttl, 0);
    if (st != TM_OK)
        goto done;

    /* The origin: as given, else the SOA owner (RFC 1035 section 5.2: the
     * SOA is at the top of the zone), else the $ORIGIN of the first record. */
    const char *o = origin ? given : ld->have_soa ? ld->soa_owner
                                                  : ld->have_first ? ld->first_origin : "";
    if (!origin && o[0] == '\0') {
        tm_err_printf(err, errlen,
                      ld->have_soa
                          ? _("zone file '%s' has no $ORIGIN, so its SOA record is at the root: "
                              "add $ORIGIN, or check one domain (its name is then the origin, "
                              "as with named-checkzone ZONE FILE)")
                          : _("zone file '%s' has no SOA record and no $ORIGIN"),
                      path);
        st = TM_EPARSE;
        goto done;
    }
    z->origin = tm_strdup(o);
    if (!z->origin) {
        st = TM_ENOMEM;
        goto done;
    }
    z->origin_defaulted = !origin && opts->default_origin && !ld->origin_set &&
                          strcmp(z->origin, fallback) == 0;
    for (size_t i = 0; i < z->nrecs; i++) {
        const char *owner = (const char *)z->arena + z->recs[i].owner_off;
        if (!is_below_or_at(owner, z->origin)) {
            tm_err_printf(err, errlen, _("zone file '%s' line %llu: '%s' is outside the zone '%s'"),
                    ld->files[z->recs[i].file], (unsigned long long)z->recs[i].line, owner,
                    z->origin);
            st = TM_EPARSE;
            goto done;
        }
    }
    st = index_zone(z);
    if (st != TM_OK)
        goto done;
    st = check_cname_alone(z, ld);
    if (st != TM_OK)
        goto done;
    st = ld->opts->apex_required ? check_apex_soa_ns(z, ld) : TM_OK;
    if (st != TM_OK)
        goto done;
    st = check_apex_ns_addresses(z, ld);
    if (st != TM_OK)
        goto done;
    /* The records' source locations name these files. */
    z->files = tm_calloc(ld->nfiles, sizeof *z->files);
    if (!z->files) {
        st = TM_ENOMEM;
        goto done;
    }
    memcpy(z->files, ld->files, ld->nfiles * sizeof *z->files);
    z->nfiles = ld->nfiles;
    ld->nfiles = 0;
    *out = z;
    z = NULL;
done:
    if (st == TM_ENOMEM)
        tm_err_printf(err, errlen, _("zone file '%s': %s"), path, tm_strerror(st));
    tm_free(text);
    if (ld) {
        for (size_t i = 0; i < ld->nfiles; i++)
            tm_free(ld->files[i]);
    }
    tm_free(ld);
    tm_zone_destroy(z);
    return st;
}

bool tm_zone_origin_defaulted(const tm_zone_t *zone) { return zone && zone->origin_defaulted; }

size_t tm_zone_size(const tm_zone_t *zone) { return zone ? zone->nrecs : 0; }

bool tm_zone_record(const tm_zone_t *zone, size_t i, tm_zone_record_t *out)
{
    if (!zone || i >= zone->nrecs)
        return false;
    const zrec_t *r = &zone->recs[i];
    *out = (tm_zone_record_t){r->owner, r->type, r->ttl, r->rdata, r->rdlen,
                              r->file < zone->nfiles ? zone->files[r->file] : NULL,
                              (unsigned long)r->line, r->column};
    return true;
}

typedef enum { NAME_ABSENT, NAME_EMPTY, NAME_HAS_DATA } name_state_t;
static name_state_t find_name(const tm_zone_t *z, const char *name, const zname_t **found);

size_t tm_zone_rrset(const tm_zone_t *zone, const char *owner, uint16_t type, size_t *first)
{
    char n[TEXT_NAME_MAX];
    const zname_t *found;
    if (!zone || !owner || !tm_name_canonical(owner, strlen(owner), n, sizeof n) || find_name(zone, n, &found) != NAME_HAS_DATA)
        return 0;
    size_t count = 0;
    for (size_t i = found->first; i < found->first + found->count; i++) {
        if (zone->recs[i].type != type)
            continue;
        if (count++ == 0 && first)
            *first = i;
    }
    return count;
}

const char *tm_zone_file(const tm_zone_t *zone)
{
    return zone && zone->nfiles > 0 ? zone->files[0] : NULL;
}

void tm_zone_destroy(tm_zone_t *zone)
{
    if (!zone)
        return;
    for (size_t i = 0; i < zone->nfiles; i++)
        tm_free(zone->files[i]);
    tm_free(zone->files);
    zone_live_destroy(zone->live);
    tm_free(zone->origin);
    tm_free(zone->arena);
    tm_free(zone->recs);
    tm_free(zone->names);
    tm_free(zone);
}

const char *tm_zone_origin(const tm_zone_t *zone) { return zone ? zone->origin : NULL; }

/* The zone cut at or above name, below the apex: the nearest name on the
 * way up that owns NS records (RFC 1034 section 4.2.1).  What the file
 * holds at and below it is glue or occluded data, never served: a server
 * for the zone answers with a referral to the child's servers. */
static const char *cut_above(const tm_zone_t *z, const char *name)
{
    if (!z->has_cuts)
        return NULL; /* most zones delegate nothing: every answer asks this */
    for (const char *p = name; is_below_or_at(p, z->origin) && strcmp(p, z->origin) != 0;) {
        const zname_t *n;
        if (find_name(z, p, &n) == NAME_HAS_DATA) {
            for (size_t i = n->first; i < n->first + n->count; i++) {
                if (z->recs[i].type == TM_RR_NS)
                    return p;
            }
        }
        const char *dot = strchr(p, '.');
        if (!dot)
            break;
        p = dot + 1;
    }
    return NULL;
}

bool tm_zone_covers(const tm_zone_t *zone, const char *name)
{
    char n[TEXT_NAME_MAX];
    if (!zone || !name || !tm_name_canonical(name, strlen(name), n, sizeof n))
        return false;
    return is_below_or_at(n, zone->origin) && !cut_above(zone, n);
}

/* n canonical, at or below the origin. */
static tm_zone_live_t live_of(const tm_zone_t *z, const char *n, uint16_t type, const char **where)
{
    if (!z->live)
        return TM_ZONE_LIVE_NONE;
    size_t nl = strlen(n), ol = strlen(z->origin);
    char rel[TEXT_NAME_MAX];
    if (nl == ol)
        snprintf(rel, sizeof rel, "@");
    else
        snprintf(rel, sizeof rel, "%.*s", (int)(nl - ol - (ol ? 1 : 0)), n);
    return zone_live_match(z->live, rel, type, where);
}

tm_zone_live_t tm_zone_live(const tm_zone_t *zone, const char *name, uint16_t type,
                            const char **where)
{
    char n[TEXT_NAME_MAX];
    /* Asked for every question a zone answers: most zones have no rules. */
    if (!zone || !zone->live || !name || !tm_name_canonical(name, strlen(name), n, sizeof n) ||
        !is_below_or_at(n, zone->origin))
        return TM_ZONE_LIVE_NONE;
    return live_of(zone, n, type, where);
}

bool tm_zone_delegates(const tm_zone_t *zone, const char *name, char *cut, size_t cutlen)
{
    char n[TEXT_NAME_MAX];
    if (!zone || !name || !tm_name_canonical(name, strlen(name), n, sizeof n) ||
        !is_below_or_at(n, zone->origin))
        return false;
    const char *at = cut_above(zone, n);
    if (at && cut && cutlen)
        snprintf(cut, cutlen, "%s", at);
    return at != NULL;
}

/* ---- zones from other formats (src/lib/resolve/zone_input.c) ------------ */

struct tm_zone_builder {
    tm_zone_t *zone;
};

tm_status_t tm_zone_builder_create(const char *origin, tm_zone_builder_t **out)
{
    char o[TM_NAME_MAX + 1];
    *out = NULL;
    /* The zone of an octoDNS or DNSControl file is a host name (LDH). */
    if (!origin || tm_name_normalize(origin, o) != TM_NAME_OK)
        return TM_EINVAL;
    tm_zone_builder_t *b = tm_calloc(1, sizeof *b);
    tm_zone_t *z = tm_calloc(1, sizeof *z);
    char *copy = tm_strdup(o);
    if (!b || !z || !copy) {
        tm_free(b);
        tm_free(z);
        tm_free(copy);
        return TM_ENOMEM;
    }
    z->origin = copy;
    b->zone = z;
    *out = b;
    return TM_OK;
}

tm_status_t tm_zone_builder_file(tm_zone_builder_t *b, const char *path, uint16_t *index)
{
    tm_zone_t *z = b->zone;
    if (z->nfiles >= ZONE_FILES_MAX)
        return TM_ERANGE;
    char **files = tm_realloc(z->files, (z->nfiles + 1) * sizeof *files);
    if (!files)
        return TM_ENOMEM;
    z->files = files;
    z->files[z->nfiles] = tm_strdup(path);
    if (!z->files[z->nfiles])
        return TM_ENOMEM;
    *index = (uint16_t)z->nfiles++;
    return TM_OK;
}

tm_status_t tm_zone_builder_add(tm_zone_builder_t *b, const tm_zone_record_t *rec,
                                uint16_t file)
{
    tm_zone_t *z = b->zone;
    char owner[TEXT_NAME_MAX];
    if (!rec->owner || !tm_name_canonical(rec->owner, strlen(rec->owner), owner, sizeof owner) || file >= z->nfiles)
        return TM_EINVAL;
    if (!is_below_or_at(owner, z->origin))
        return TM_EINVAL;
    if (z->nrecs >= ZONE_RECORDS_MAX)
        return TM_ERANGE;
    tm_status_t st = add_rdata(NULL, rec->type, rec->ttl, rec->rdata, rec->rdlen);
    if (st != TM_OK)
        return st;
    zrec_t *r = new_record(z);
    if (!r)
        return TM_ENOMEM;
    st = arena_put(z, owner, strlen(owner) + 1, &r->owner_off);
    if (st == TM_OK && rec->rdlen > 0)
        st = arena_put(z, rec->rdata, rec->rdlen, &r->rdata_off);
    if (st != TM_OK)
        return st;
    r->seq = (uint32_t)z->nrecs;
    r->ttl = rec->ttl;
    r->type = rec->type;
    r->rdlen = rec->rdlen;
    r->file = file;
    r->line = rec->line;
    r->column = rec->column;
    z->nrecs++;
    return TM_OK;
}

tm_status_t tm_zone_builder_live(tm_zone_builder_t *b, const char *pattern, uint16_t type,
                                 tm_zone_live_t kind, const char *where)
{
    return zone_live_add(&b->zone->live, pattern, type, kind, where);
}

tm_status_t tm_zone_builder_finish(tm_zone_builder_t *b, tm_zone_t **out)
{
    *out = NULL;
    tm_status_t st = index_zone(b->zone);
    if (st == TM_OK) {
        *out = b->zone;
        b->zone = NULL;
    }
    tm_zone_builder_destroy(b);
    return st;
}

void tm_zone_builder_destroy(tm_zone_builder_t *b)
{
    if (!b)
        return;
    tm_zone_destroy(b->zone);
    tm_free(b);
}

/* ---- answering ------------------------------------------------------------ */

/* The first name not below `name` in canonical order (a lower bound). */
static size_t lower_bound(const tm_zone_t *z, const char *name)
{
    size_t lo = 0, hi = z->nnames;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (name_cmp(z->names[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Whether name owns records, exists only because a name below it does (an
 * empty non-terminal, RFC 8499 section 7), or does not exist. */
static name_state_t find_name(const tm_zone_t *z, const char *name, const zname_t **found)
{
    size_t i = lower_bound(z, name);
    *found = NULL;
    if (i < z->nnames && strcmp(z->names[i].name, name) == 0) {
        *found = &z->names[i];
        return NAME_HAS_DATA;
    }
    /* Descendants sort right after their ancestor. */
    if (i < z->nnames && is_below_or_at(z->names[i].name, name))
        return NAME_EMPTY;
    /* The apex exists even when it has no records of its own. */
    return strcmp(name, z->origin) == 0 ? NAME_EMPTY : NAME_ABSENT;
}

/* RFC 4592 section 3.3.1: a name that does not exist is answered from the
 * wildcard "*.<closest encloser>" when the zone has one. */
static const zname_t *find_wildcard(const tm_zone_t *z, const char *name)
{
    char wild[TEXT_NAME_MAX + 2];
    const zname_t *w;
    const char *p = name;

    while (is_below_or_at(p, z->origin) && strcmp(p, z->origin) != 0) {
        const char *dot = strchr(p, '.');
        p = dot ? dot + 1 : "";
        if (find_name(z, p, &w) != NAME_ABSENT || strcmp(p, z->origin) == 0)
            break;
    }
    snprintf(wild, sizeof wild, "%s%s", p[0] ? "*." : "*", p);
    return find_name(z, wild, &w) == NAME_HAS_DATA ? w : NULL;
}

static tm_status_t add_all(tm_answer_t *ans, const tm_zone_t *z, const zname_t *n,
                           uint16_t type, bool *any)
{
    *any = false;
    for (size_t i = n->first; i < n->first + n->count; i++) {
        const zrec_t *r = &z->recs[i];
        if (r->type != type)
            continue;
        tm_status_t st = add_rdata(ans, r->type, r->ttl, r->rdata, r->rdlen);
        if (st != TM_OK)
            return st;
        *any = true;
    }
    return TM_OK;
}

static const zrec_t *find_cname(const tm_zone_t *z, const zname_t *n)
{
    for (size_t i = n->first; i < n->first + n->count; i++) {
        if (z->recs[i].type == TM_RR_CNAME)
            return &z->recs[i];
    }
    return NULL;
}

tm_answer_t *tm_zone_answer(const tm_zone_t *zone, const char *name, uint16_t type)
{
    char qn[TEXT_NAME_MAX], cur[TEXT_NAME_MAX];
    tm_answer_t *ans;
    tm_status_t st = TM_OK;

    if (!zone || !name)
        return NULL;
    if (!tm_name_canonical(name, strlen(name), qn, sizeof qn)) {
        ans = tm_answer_create(name, type, TM_DNS_FORMERR);
        if (ans && tm_answer_set_error(ans, _("not a domain name")) != TM_OK) {
            tm_answer_unref(ans);
            return NULL;
        }
        if (ans)
            ans->source = TM_SRC_ZONE;
        return ans;
    }
    ans = tm_answer_create(qn, type, TM_DNS_NOERROR);
    if (!ans)
        return NULL;
    ans->source = TM_SRC_ZONE;
    strcpy(cur, qn);
    tm_dns_outcome_t outcome = TM_DNS_NXDOMAIN;
    for (unsigned step = 0;; step++) {
        const zname_t *n;
        bool any;
        if (!is_below_or_at(cur, zone->origin) || cut_above(zone, cur)) {
            /* The chain left the zone (or went below one of its cuts):
             * what lies beyond is not this zone's to say; canonical tells
             * the caller where it went. */
            outcome = TM_DNS_NODATA;
            break;
        }
        const char *where = NULL;
        tm_zone_live_t live = live_of(zone, cur, type, &where);
        if (live != TM_ZONE_LIVE_NONE) {
            /* docs/ci.md, "What the file decides" */
            char why[TEXT_NAME_MAX + 512];
            snprintf(why, sizeof why,
                     live == TM_ZONE_LIVE_KEPT
                         ? _("%s: records the file does not list stay published, so it does not say what %s %s holds")
                         : _("%s: %s %s is whatever the DNS provider holds, which the file does not say"),
                     where, cur, tm_rrtype_name(type));
            st = tm_answer_set_error(ans, why);
            if (st != TM_OK)
                goto fail;
            outcome = TM_DNS_UNKNOWN;
            break;
        }
        name_state_t state = find_name(zone, cur, &n);
        if (state == NAME_ABSENT) {
            n = find_wildcard(zone, cur);
            if (!n) {
                outcome = TM_DNS_NXDOMAIN;
                break;
            }
        } else if (state == NAME_EMPTY) {
            outcome = TM_DNS_NODATA;
            break;
        }
        st = add_all(ans, zone, n, type, &any);
        if (st != TM_OK)
            goto fail;
        if (any) {
            outcome = TM_DNS_NOERROR;
            break;
        }
        const zrec_t *cname = type == TM_RR_CNAME ? NULL : find_cname(zone, n);
        if (!cname) {
            outcome = TM_DNS_NODATA;
            break;
        }
        if (step == ZONE_CNAME_STEPS) {
            st = tm_answer_set_error(ans, _("CNAME chain longer than 16 steps or a loop"));
            if (st != TM_OK)
                goto fail;
            outcome = TM_DNS_FORMERR;
            break;
        }
        if (!wire_to_text(cname->rdata, cname->rdlen, cur))
            cur[0] = '\0'; /* checked at load; cannot happen */
    }
    if (strcmp(cur, qn) != 0 && outcome != TM_DNS_FORMERR) {
        st = tm_answer_set_canonical(ans, cur);
        if (st != TM_OK)
            goto fail;
    }
    ans->outcome = outcome;
    return ans;
fail:
    tm_answer_unref(ans);
    return NULL;
}
