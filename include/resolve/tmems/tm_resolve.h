/* tm_resolve.h - the fetch layer: answers (name, type) questions from zone
 * files, static records (offline: the bundled vendor records, which the
 * caller builds from the rules) or DNS (c-ares over UDP/TCP, or DoH), all
 * questions in flight at once on one channel, each (name, type) asked once
 * per resolver (a cache shared by every domain of the run).
 *
 * The resolver never judges: it turns every question into a tm_answer_t
 * whose outcome says what happened (NOERROR, NODATA, NXDOMAIN, SERVFAIL,
 * REFUSED, TIMEOUT, FORMERR, or UNKNOWN offline).  A response code is only
 * ever what a server sent; when no DNS message could be had at all (nothing
 * listens, a TCP connection closed without an answer, a TLS or HTTP
 * failure, or silence from a server that never answered anything) the
 * outcome is UNREACHABLE, and tm_resolver_failure says once, for the whole
 * run, which server and why.
 *
 * The resolver also owns the run's one event loop (tm_resolver_run): the
 * DNS transport and any other waits attached to it (tm_poll_source_t: the
 * probes) are polled together, and the run's deadline bounds them all. */
#ifndef TMEMS_TM_RESOLVE_H
#define TMEMS_TM_RESOLVE_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tmems/tm_dns.h"
#include "tmems/tm_status.h"

#define TM_RESOLVER_MAX_SERVERS 8
/* A DNS-as-code repository holds a zone per domain: --zone for each of
 * hundreds of them is an ordinary CI job. */
#define TM_RESOLVER_MAX_ZONES 1024

/* What --zone reads (--zone-format, docs/tmems-check.1). */
typedef enum {
    TM_ZONE_FORMAT_AUTO = 0,   /* by content and name: tm_zone_format_detect */
    TM_ZONE_FORMAT_BIND,       /* RFC 1035 master file */
    TM_ZONE_FORMAT_OCTODNS,    /* octoDNS YamlProvider: ZONE.yaml or a ZONE./ directory */
    TM_ZONE_FORMAT_DNSCONTROL  /* the JSON of `dnscontrol print-ir` */
} tm_zone_format_t;
typedef struct tm_static_records tm_static_records_t;

typedef struct {
    const char *const *servers; /* "ADDR", "ADDR:PORT", "[V6]:PORT"; none = system resolvers */
    size_t nservers;
    unsigned timeout_ms;        /* per try; 2000 by default */
    unsigned tries;             /* 3 by default */
    bool offline;               /* never use the network */
    bool norecurse;             /* RD=0 (authoritative questions) */
    const char *const *zone_files;
    size_t nzones;
    const char *zone_origin;    /* names before any $ORIGIN of a zone file are relative
                                   to it (the one domain checked); NULL = the root */
    const char *zone_include_dir; /* $INCLUDE reads files below it only; NULL = off */
    const tm_static_records_t *records; /* offline, outside every zone file: answers
                                   for the names it holds; may be NULL.  Not
                                   copied: it must outlive the resolver */
    size_t cache_entries;       /* answered questions kept for reuse (second-chance
                                   eviction past it); 0 = 8192 */
    const char *doh_url;        /* RFC 8484 endpoint (http:// or https://): every DNS
                                   question is POSTed there instead of UDP/TCP; NULL =
                                   off.  Not together with servers or offline. */
    unsigned max_inflight;      /* the most questions on the network at once, the rest
                                   wait in a FIFO; 0 = 512, at most 4096 (1 = one at a
                                   time).  The resolver starts at 128 (or this, when
                                   lower) and adapts: it grows while answers come back
                                   promptly and halves when a try times out
                                   (src/lib/resolve/window.h) */
    unsigned deadline_ms;       /* bounds the whole run from tm_resolver_create: no
                                   wait of tm_resolver_run goes past it, and once it
                                   has passed tm_resolver_run stops with TM_ENETWORK
                                   (tm_resolver_failure_kind says DEADLINE); 0 = none */
    const char *doh_cacert;     /* https:// DoH: a PEM file of the CA certificates to
                                   trust instead of libcurl's default bundle (curl's
                                   --cacert); NULL = the default */
    const char *doh_capath;     /* a directory of hashed CA certificates (curl's
                                   --capath); NULL = none */
    tm_zone_format_t zone_format; /* of every zone_files entry; AUTO = each detected.
                                     A DNSControl file without zone_origin gives a zone
                                     for each of its domains */
    const char *plugin_dir;     /* where the DoH plugin is (tmems/tm_plugin.h), for
                                   doh_url; NULL = where the package installs it */
    bool silence_is_timeout;    /* a question whose every try timed out is TIMEOUT
                                   even while the server has answered nothing yet.
                                   Off (the default), such silence means the server
                                   cannot be reached (UNREACHABLE); on for a
                                   check_host() front end, where a timeout is
                                   temperror whatever else happened (RFC 7208
                                   section 5) */
} tm_resolver_options_t;

typedef struct tm_resolver tm_resolver_t;
typedef struct tm_zone tm_zone_t;

/* Checks one --server value; on success writes the c-ares CSV form
 * ("1.2.3.4:53" or "[::1]:53") into out. */
bool tm_resolver_server_valid(const char *server, char *out, size_t outlen);
/* Checks one --doh value (an http:// or https:// URL with a host, see
 * src/lib/resolve/doh.h).  On failure *why, when given, gets a static
 * English reason, untranslated: show it with _(why). */
bool tm_resolver_doh_url_valid(const char *url, const char **why);

/* Loads the zone files and sets up the DNS channel.  On failure err gets one
 * English line naming the file or value and the reason (for example
 * "cannot read zone file 'x.zone': No such file or directory"). */
tm_status_t tm_resolver_create(const tm_resolver_options_t *opts, tm_resolver_t **out,
                               char *err, size_t errlen);
void tm_resolver_destroy(tm_resolver_t *res); /* NULL is a no-op */
/* The i-th zone loaded (in the order of zone_files; a DNSControl file read
 * for many domains gives one zone per domain), NULL past them
 * (tm_resolver_zone_count). */
const tm_zone_t *tm_resolver_zone(const tm_resolver_t *res, size_t i);

/* Called once per submitted question with a new reference the callee owns. */
typedef void (*tm_resolve_cb)(void *arg, tm_answer_t *answer_own);

/* Queues a question.  A cached or zone answer is delivered from the next
 * tm_resolver_run, never from inside this call.  A question already in
 * flight is not sent again: the callback joins it. */
tm_status_t tm_resolver_submit(tm_resolver_t *res, const char *name, uint16_t type,
                               tm_resolve_cb cb, void *arg);
/* Drives the event loop until nothing is pending and no source is attached
 * (max_wait_ms < 0) or at most max_wait_ms have passed.  Callbacks (of
 * questions, of sources and posted calls) run from here.  TM_ENETWORK when
 * the run failed with work still pending (tm_resolver_failure_kind: an
 * answer was UNREACHABLE, or the deadline passed); nothing more is
 * delivered then. */
tm_status_t tm_resolver_run(tm_resolver_t *res, int max_wait_ms);
size_t tm_resolver_pending(const tm_resolver_t *res);
/* True while a window's worth of questions waits for room on the network:
 * a caller with more work to start (another domain) holds it back, so what
 * it keeps in memory follows what the network can carry, not its own
 * bound. */
bool tm_resolver_saturated(const tm_resolver_t *res);

/* ---- what stops a run ----------------------------------------------------- */

typedef enum {
    TM_RESOLVER_FINE = 0,
    TM_RESOLVER_UNREACHABLE, /* an answer was UNREACHABLE: the DNS server or DoH
                                URL could not be used */
    TM_RESOLVER_DEADLINE     /* deadline_ms passed with work pending */
} tm_resolver_failure_t;

tm_resolver_failure_t tm_resolver_failure_kind(const tm_resolver_t *res);
/* The first failure as one translated line naming the server and the cause
 * ("cannot reach the DNS server 127.0.0.1:53: connection refused"), or
 * NULL while there is none.  Valid until the resolver is destroyed. */
const char *tm_resolver_failure(const tm_resolver_t *res);

/* ---- other waits on the same event loop ----------------------------------- */

/* Due times below are on tm_monotonic_ms() (tm_util.h). */

/* Something that waits on descriptors or timers (a probe), polled in the
 * same poll() as the DNS transport.  The caller owns the struct and keeps
 * it unchanged while it is attached. */
typedef struct tm_poll_source {
    /* Writes up to max descriptors to watch into pfd (fd and events) and
     * returns how many it has; a number above max asks to be called again
     * with room for that many.  Sets *due_ms to the time of its next
     * deadline when that is sooner than the value there (-1: none yet). */
    size_t (*watch)(void *self, struct pollfd *pfd, size_t max, long long *due_ms);
    /* What poll() reported for them (n as watch returned, revents set), at
     * now_ms; called after every poll, also when nothing is ready, so that
     * deadlines pass.  It may detach its own source, or others. */
    void (*handle)(void *self, const struct pollfd *pfd, size_t n, long long now_ms);
    void *self;
} tm_poll_source_t;

/* While attached, the source keeps tm_resolver_run(res, -1) going. */
tm_status_t tm_resolver_attach(tm_resolver_t *res, const tm_poll_source_t *src);
void tm_resolver_detach(tm_resolver_t *res, const tm_poll_source_t *src); /* idempotent */

/* A call made by tm_resolver_run between rounds, outside every answer
 * callback and every source's handle: where the callee may destroy the
 * source or the job that queued it (a probe that has ended hands its
 * result over this way).  The caller owns the struct; fn and arg are its
 * to set, the rest the resolver's. */
typedef struct tm_resolver_call {
    void (*fn)(void *arg);
    void *arg;
    struct tm_resolver_call *next;
    bool queued;
} tm_resolver_call_t;

/* Queues the call (once: a call already queued stays queued once).  A
 * queued call keeps tm_resolver_run(res, -1) going. */
void tm_resolver_post(tm_resolver_t *res, tm_resolver_call_t *call);
/* Takes it back if it has not been made yet.  Idempotent. */
void tm_resolver_unpost(tm_resolver_t *res, tm_resolver_call_t *call);

/* A resolver as a source of another's loop (each authoritative server of
 * --authoritative is asked through a resolver of its own): the same watch
 * and handle, which also hands out the answers that came and sends what
 * waits.  The attached resolver's own deadline and sources are not used,
 * and since nobody reads its run status, an answer that could not be built
 * (no memory) reaches its callback as NULL. */
void tm_resolver_as_source(tm_resolver_t *res, tm_poll_source_t *out);
/* Takes back every callback (cb, arg) not yet made, for a caller that stops
 * waiting (arg is about to be freed).  The questions themselves go on and
 * their answers stay in the cache.  Not from inside a callback: the answers
 * being delivered at that moment are out of its reach. */
void tm_resolver_cancel(tm_resolver_t *res, tm_resolve_cb cb, void *arg);

/* Convenience for one domain: submits every question not yet in `into`,
 * waits for all of them, and stores the answers in `into`. */
tm_status_t tm_resolver_fetch(tm_resolver_t *res, const tm_questions_t *questions,
                              tm_rrset_t *into);

/* The zone files loaded (--zone), read-only: how many, the origin of the ith
 * (lower case, no trailing dot, "" for the root), and whether one of them
 * holds name (an offline run can say nothing about a name none holds). */
size_t tm_resolver_zone_count(const tm_resolver_t *res);
const char *tm_resolver_zone_origin(const tm_resolver_t *res, size_t i);
bool tm_resolver_zones_cover(const tm_resolver_t *res, const char *name);
/* The zone file that answers for name: of those that cover it
 * (tm_zone_covers), the one with the longest origin, as a server holding
 * both a parent and a child zone answers.  NULL when none does. */
const tm_zone_t *tm_resolver_zone_for(const tm_resolver_t *res, const char *name);
/* When no zone file holds name because a zone file delegates it (NS records
 * at or above it, below that file's apex): true, with the cut's name in
 * cut and that file's origin in origin. */
bool tm_resolver_zones_delegate(const tm_resolver_t *res, const char *name, char *cut,
                                size_t cutlen, const char **origin);

/* Counters for -v, tests and the benchmark. */
typedef struct {
    unsigned long submitted;    /* questions asked by callers */
    unsigned long sent;         /* questions that went to the network */
    unsigned long cache_hits;   /* answered from the resolver cache */
    unsigned long zone_answers; /* answered from a zone file */
    unsigned long static_answers; /* answered from the static records */
    unsigned long evicted;      /* answers dropped from the cache to bound it */
    unsigned long retransmissions; /* tries sent again after a timeout */
    unsigned long tcp_retries;  /* questions asked again over TCP after TC */
    unsigned peak_in_flight;    /* the most questions on the network at once */
    unsigned window;            /* the in-flight window at the end */
    unsigned window_cap;        /* its bound (max_inflight) */
    unsigned backoffs;          /* times a timeout halved the window */
} tm_resolver_stats_t;
void tm_resolver_stats(const tm_resolver_t *res, tm_resolver_stats_t *out);

/* ---- static records ------------------------------------------------------
 * Records the caller vouches for, answered like an authoritative server's
 * when the resolver is offline and no zone file covers the name: the
 * bundled vendor records of the data center, which the run layer builds
 * from the rules (tm_run_rules_records, tm_run.h).  The resolver does not
 * know where they came from. */

/* An empty set whose answers carry source (TM_SRC_RULES for the vendor's
 * records).  The caller frees *out with tm_static_records_destroy. */
tm_status_t tm_static_records_create(tm_dns_source_t source, tm_static_records_t **out);
void tm_static_records_destroy(tm_static_records_t *recs); /* NULL is a no-op */
/* Adds a TXT record of one string (split into 255-octet strings as zone
 * files do).  TM_EINVAL for a name that is not a host name, TM_ERANGE past
 * 4096 records or for a text no TXT record can carry, TM_ENOMEM. */
tm_status_t tm_static_records_add_txt(tm_static_records_t *recs, const char *name, uint32_t ttl,
                                      const char *text);
size_t tm_static_records_count(const tm_static_records_t *recs);
/* The answer for (name, type): *out gets a new NOERROR answer holding
 * every record of that name and type (one RRset), or NULL when the set
 * holds none (TM_OK both).  TM_ENOMEM when the answer could not be built:
 * never confused with "not held". */
tm_status_t tm_static_records_answer(const tm_static_records_t *recs, const char *name,
                                     uint16_t type, tm_answer_t **out);

/* ---- zone files (also used directly by tests) ---------------------------- */


/* Parses a BIND-format zone file with libzscanner.  origin may be NULL to
 * take it from the file's $ORIGIN or SOA owner.  $INCLUDE is refused. */
tm_status_t tm_zone_load(const char *path, const char *origin, tm_zone_t **out, char *err,
                         size_t errlen);

typedef struct {
    const char *origin;         /* the zone's origin, whatever the file says; NULL =
                                   from the file: its SOA owner, else its $ORIGIN */
    const char *default_origin; /* names before any $ORIGIN are relative to it, as
                                   with `named-checkzone ZONE FILE`; NULL = the root */
    const char *include_dir;    /* $INCLUDE reads files below this directory only
                                   (never out of it, by "..", an absolute path or a
                                   symbolic link); NULL = $INCLUDE is refused */
    bool apex_required;         /* refuse, as BIND does, a file without one SOA and
                                   the NS records at its origin (--zone: a zone about
                                   to be published); false for fragments in tests */
} tm_zone_options_t;

/* The same with options.  Every file that named-checkzone loads loads here
 * with the same records: UTF-8 and other bytes in names and strings, CRLF
 * line ends, $GENERATE (src/lib/resolve/zone_text.h). */
tm_status_t tm_zone_load_with(const char *path, const tm_zone_options_t *opts, tm_zone_t **out,
                              char *err, size_t errlen);
/* The zone's records, in canonical order of owner (RFC 4034 section 6.1),
 * then type, then file order: for tools and tests that list a zone. */
typedef struct {
    const char *owner;      /* lower case, no trailing dot, \DDD escapes */
    uint16_t type;
    uint32_t ttl;
    const uint8_t *rdata;   /* wire form (RFC 1035 section 3.3), names uncompressed */
    uint16_t rdlen;
    /* Where the record was written: the file as named (the zone file, an
     * $INCLUDE, a YAML file of an octoDNS directory, the dnsconfig.js of a
     * DNSControl filepos), its line (1-based; 0 unknown) and column
     * (1-based; 0 unknown).  docs/json.md, "source". */
    const char *file;
    unsigned long line;
    unsigned column;
} tm_zone_record_t;
size_t tm_zone_size(const tm_zone_t *zone);
/* False past the end. */
bool tm_zone_record(const tm_zone_t *zone, size_t i, tm_zone_record_t *out);
/* True when the zone's origin came from default_origin: the file sets no
 * $ORIGIN before its first record and its names are relative. */
bool tm_zone_origin_defaulted(const tm_zone_t *zone);
void tm_zone_destroy(tm_zone_t *zone);
/* The records of one RRset (owner, type): how many, and the index of the
 * first for tm_zone_record (the rest follow it, in file order).  0 when the
 * owner has none; no wildcard or CNAME is followed. */
size_t tm_zone_rrset(const tm_zone_t *zone, const char *owner, uint16_t type, size_t *first);
/* The file the zone was loaded from, as named (for a location without a
 * line: a record that is missing belongs in it).  NULL when none. */
const char *tm_zone_file(const tm_zone_t *zone);
const char *tm_zone_origin(const tm_zone_t *zone);
/* True when name is at or below the zone's origin and not at or below one
 * of its zone cuts (a name below the apex with NS records: the file's data
 * there is not served, RFC 1034 section 4.2.1). */
bool tm_zone_covers(const tm_zone_t *zone, const char *name);
/* True when name is at or below a zone cut of the zone; cut (cutlen bytes,
 * may be NULL) gets the name of the cut. */
bool tm_zone_delegates(const tm_zone_t *zone, const char *name, char *cut, size_t cutlen);
/* What a DNS-as-code file leaves to the DNS provider (docs/ci.md, "What the
 * file decides"): for those RRsets the file does not say what is published. */
typedef enum {
    TM_ZONE_LIVE_NONE = 0, /* the file's records are what is published */
    /* octoDNS `ignored`, `included`/`excluded`, DNSControl IGNORE(): the
     * provider's records stay as they are, whatever the file holds */
    TM_ZONE_LIVE_IGNORED,
    /* DNSControl NO_PURGE: the file's records and any others the provider
     * already holds */
    TM_ZONE_LIVE_KEPT
} tm_zone_live_t;
/* Which of the above holds for (name, type); *where (may be NULL) gets the
 * place that says so, for messages ("dnsconfig.js line 12: IGNORE()"). */
tm_zone_live_t tm_zone_live(const tm_zone_t *zone, const char *name, uint16_t type,
                            const char **where);
/* The zone's answer (authoritative semantics: NOERROR with records, a CNAME
 * chain followed inside the zone, NODATA, or NXDOMAIN).  For an RRset
 * tm_zone_live leaves to the provider the answer is TM_DNS_UNKNOWN with the
 * reason as its error (the resolver asks DNS instead when it may).  New
 * reference. */
tm_answer_t *tm_zone_answer(const tm_zone_t *zone, const char *name, uint16_t type);

/* ---- zones from other formats ----------------------------------------- */

/* The readers of octoDNS and DNSControl files build the same zone as a zone
 * file gives, record by record (owner absolute or relative to nothing: a
 * full name; rdata in wire form), each with its source location. */
typedef struct tm_zone_builder tm_zone_builder_t;
/* origin: the zone's name (any case, trailing dot or not). */
tm_status_t tm_zone_builder_create(const char *origin, tm_zone_builder_t **out);
/* Names a file the records come from; *index is its number for
 * tm_zone_builder_add.  The first file named is the zone's (tm_zone_file). */
tm_status_t tm_zone_builder_file(tm_zone_builder_t *b, const char *path, uint16_t *index);
/* Adds one record (rec->file is ignored: file is the index).  TM_EINVAL when
 * the owner is outside the origin or not a name, TM_EPARSE when the RDATA
 * is not of its type, TM_ERANGE past the bound on records. */
tm_status_t tm_zone_builder_add(tm_zone_builder_t *b, const tm_zone_record_t *rec,
                                uint16_t file);
/* Marks owners matching pattern (a glob over the owner relative to the
 * origin, "@" the apex, '*' matching dots too) and type (0: every type) as
 * kind; where is shown in messages.  TM_ERANGE past a bound on rules. */
tm_status_t tm_zone_builder_live(tm_zone_builder_t *b, const char *pattern, uint16_t type,
                                 tm_zone_live_t kind, const char *where);
/* Indexes the records (duplicates merged, an RRset's TTL its first one's,
 * as for a zone file) and hands the zone over; frees b in every case. */
tm_status_t tm_zone_builder_finish(tm_zone_builder_t *b, tm_zone_t **out);
void tm_zone_builder_destroy(tm_zone_builder_t *b); /* NULL is a no-op */

/* "auto", "bind", "octodns", "dnscontrol" */
const char *tm_zone_format_name(tm_zone_format_t format);
/* The inverse; false for another word. */
bool tm_zone_format_parse(const char *word, tm_zone_format_t *out);
/* The format of path: a directory named ZONE. or holding YAML files is
 * octoDNS (split layout), another directory BIND (which refuses it); a name ending
 * in .yaml or .yml is octoDNS, .json DNSControl; otherwise the first byte
 * that is not blank decides: '{' DNSControl, else BIND. */
tm_zone_format_t tm_zone_format_detect(const char *path);

/* Loads a zone of any format.  For octoDNS the origin is opts->origin, else
 * the file's (or directory's) name without ".yaml"/".yml" and trailing dot
 * when that is a domain name, else opts->default_origin.  For DNSControl
 * it is the one domain of the file named opts->origin (or
 * default_origin), or the file's only domain.  Errors name the file and,
 * where there is one, the line. */
tm_status_t tm_zone_load_format(const char *path, tm_zone_format_t format,
                                const tm_zone_options_t *opts, tm_zone_t **out, char *err,
                                size_t errlen);

#endif
