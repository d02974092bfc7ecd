/* tm_dns.h - the dns layer: DNS answers as data, and the immutable record
 * set (rrset) that the judge reads.
 *
 * An answer is what one (name, type) question got: the outcome and, for
 * NOERROR, the records with their TTLs.  Answers are reference counted so
 * that a resolver cache and many per-domain rrsets can share one without a
 * copy (the TMEmS names are asked once per run, not once per domain).
 */
#ifndef TMEMS_TM_DNS_H
#define TMEMS_TM_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tmems/tm_status.h"
#include "tmems/tm_util.h"

typedef enum {
    TM_RR_A = 1,
    TM_RR_NS = 2,
    TM_RR_CNAME = 5,
    TM_RR_SOA = 6,
    TM_RR_PTR = 12,
    TM_RR_MX = 15,
    TM_RR_TXT = 16,
    TM_RR_AAAA = 28
} tm_rrtype_t;

/* "A", "MX", ... or "TYPE<n>" in a static buffer for others. */
const char *tm_rrtype_name(uint16_t type);

typedef enum {
    TM_DNS_NOERROR = 0, /* records of the type exist */
    TM_DNS_NODATA,      /* the name exists, no records of the type */
    TM_DNS_NXDOMAIN,    /* the name does not exist */
    TM_DNS_SERVFAIL,
    TM_DNS_REFUSED,
    TM_DNS_TIMEOUT,
    TM_DNS_FORMERR,     /* a malformed or unusable answer */
    TM_DNS_UNKNOWN,     /* offline: nothing can tell (no zone, no rule) */
    TM_DNS_UNREACHABLE  /* no DNS message at all: the server could not be reached
                           or used (connection refused or closed, TLS or HTTP
                           failure; error says which).  A transport failure,
                           never a response code the server sent */
} tm_dns_outcome_t;

/* "NOERROR", "NODATA", ... */
const char *tm_dns_outcome_name(tm_dns_outcome_t outcome);
/* RFC 7208 section 4.6.4: a void lookup is NXDOMAIN or an empty answer. */
bool tm_dns_outcome_is_void(tm_dns_outcome_t outcome);
/* SERVFAIL, REFUSED, TIMEOUT, FORMERR, UNREACHABLE: the server could not
 * answer (temperror). */
bool tm_dns_outcome_is_failure(tm_dns_outcome_t outcome);

/* Where an answer came from (shown in -v and JSON). */
typedef enum {
    TM_SRC_DNS = 0,
    TM_SRC_ZONE,   /* a --zone file */
    TM_SRC_RULES,  /* the bundled rules' records (offline) */
    TM_SRC_NONE    /* offline and unknown */
} tm_dns_source_t;

#define TM_TXT_MAX_STRINGS 4096

typedef struct {
    uint32_t ttl;
    uint16_t type;
    union {
        uint8_t a[4];
        uint8_t aaaa[16];
        struct {
            uint16_t preference;
            char *host;        /* lower case, no trailing dot */
        } mx;
        struct {
            char *data;        /* the strings joined without separator, NUL-terminated;
                                  may contain NUL bytes: use len */
            size_t len;
            uint16_t *string_lens; /* length of each character-string */
            size_t nstrings;
        } txt;
        char *name;            /* CNAME, PTR, NS target: lower case, no trailing dot */
        struct {
            char *mname;
            char *rname;
            uint32_t serial, refresh, retry, expire, minimum;
        } soa;
    } u;
} tm_rr_t;

typedef struct tm_answer {
    char *name;               /* the question name, canonical (lower case, no dot) */
    uint16_t type;
    tm_dns_outcome_t outcome;
    tm_dns_source_t source;
    char *canonical;          /* after a CNAME chain: the final owner; NULL when none */
    tm_rr_t *rrs;             /* records of `type` only */
    size_t count;
    size_t wire_size;         /* size of the DNS message that carried it (0 if not from DNS) */
    bool truncated;           /* the UDP answer had TC set (TCP was used) */
    char *error;              /* a human-readable reason for FORMERR/TIMEOUT/UNREACHABLE,
                                 or NULL */
    unsigned refs;
} tm_answer_t;

/* A new answer with one reference, no records.  NULL on allocation failure. */
tm_answer_t *tm_answer_create(const char *name, uint16_t type, tm_dns_outcome_t outcome);
/* Appends a record (copied, strings duplicated) to a NOERROR answer. */
tm_status_t tm_answer_add_a(tm_answer_t *ans, uint32_t ttl, const uint8_t addr[4]);
tm_status_t tm_answer_add_aaaa(tm_answer_t *ans, uint32_t ttl, const uint8_t addr[16]);
tm_status_t tm_answer_add_mx(tm_answer_t *ans, uint32_t ttl, uint16_t pref, const char *host);
tm_status_t tm_answer_add_name(tm_answer_t *ans, uint32_t ttl, const char *target); /* CNAME/PTR/NS */
/* strings: nstrings character-strings given as pointers and lengths. */
tm_status_t tm_answer_add_txt(tm_answer_t *ans, uint32_t ttl, const char *const *strings,
                              const size_t *lens, size_t nstrings);
/* Convenience: one TXT record from one C string (split into 255-byte strings). */
tm_status_t tm_answer_add_txt1(tm_answer_t *ans, uint32_t ttl, const char *text);
tm_status_t tm_answer_add_soa(tm_answer_t *ans, uint32_t ttl, const char *mname,
                              const char *rname, uint32_t serial, uint32_t refresh,
                              uint32_t retry, uint32_t expire, uint32_t minimum);
tm_status_t tm_answer_set_canonical(tm_answer_t *ans, const char *canonical);
tm_status_t tm_answer_set_error(tm_answer_t *ans, const char *reason);
tm_answer_t *tm_answer_ref(tm_answer_t *ans);
void tm_answer_unref(tm_answer_t *ans); /* NULL is a no-op */
/* Minimum TTL over the records, 0 when none. */
uint32_t tm_answer_min_ttl(const tm_answer_t *ans);

/* ---- the record set ------------------------------------------------------ */

typedef struct tm_rrset tm_rrset_t;

/* NULL on allocation failure. */
tm_rrset_t *tm_rrset_create(void);
void tm_rrset_destroy(tm_rrset_t *set); /* NULL is a no-op */
/* Stores the answer, taking the caller's reference.  A second answer for the
 * same (name, type) replaces nothing: it is dropped and TM_OK returned, so
 * that the first answer wins and nothing is asked twice.  On failure the
 * reference is released. */
tm_status_t tm_rrset_put_own(tm_rrset_t *set, tm_answer_t *ans);
/* The answer for (name, type), or NULL when it was never fetched.  name is
 * compared case-insensitively, a trailing dot ignored. */
const tm_answer_t *tm_rrset_get(const tm_rrset_t *set, const char *name, uint16_t type);
size_t tm_rrset_size(const tm_rrset_t *set);
/* Visits answers in insertion order; stops when fn returns false. */
void tm_rrset_foreach(const tm_rrset_t *set, bool (*fn)(const tm_answer_t *, void *), void *arg);

/* ---- a list of questions: what the judge still needs -------------------- */

typedef struct {
    char *name;
    uint16_t type;
} tm_question_t;

typedef struct {
    tm_question_t *items; /* in the order they were added */
    size_t count;
    size_t cap;
    size_t *slots;        /* hash index: item index + 1, 0 = empty */
    size_t nslots;        /* a power of two, kept at most half full */
} tm_questions_t;

void tm_questions_init(tm_questions_t *q);
void tm_questions_clear(tm_questions_t *q);
/* Adds (name, type) unless it is already listed or already answered in
 * `have` (may be NULL); O(1) amortised, so that a zone of 100,000 MX hosts
 * asks its 200,000 questions in linear time.  The name is lower-cased (ASCII) and a trailing dot
 * dropped; any other byte is kept.  A name that cannot be asked (empty,
 * over 253 octets, an empty label or one over 63) is ignored and TM_OK
 * returned: the judge must validate names it builds and report them itself,
 * never wait for them. */
tm_status_t tm_questions_add(tm_questions_t *q, const tm_rrset_t *have, const char *name,
                             uint16_t type);

/* ---- wire format --------------------------------------------------------- */

#define TM_DNS_MSG_MAX 65535

/* Walks a DNS response message (RFC 1035 section 4) for the question
 * (qname, qtype): reads the rcode, follows a CNAME chain inside the answer
 * section (at most 16 steps), and returns a new answer with every record of
 * qtype and its TTL.  Name compression is followed with a bound on pointer
 * jumps so hostile messages cannot loop.  A malformed message gives a
 * FORMERR answer with the reason, never a crash.  The caller owns *out. */
tm_status_t tm_dns_parse_response(const uint8_t *msg, size_t len, const char *qname,
                                  uint16_t qtype, tm_answer_t **out);
/* Writes a standard query (RD set unless norecurse) with EDNS0 (4096-byte UDP
 * payload, RFC 6891) into buf; *written gets its length. */
tm_status_t tm_dns_build_query(const char *qname, uint16_t qtype, uint16_t id, bool norecurse,
                               uint8_t *buf, size_t buflen, size_t *written);

#endif
