/* tm_spf.h - the SPF engine (RFC 7208): record selection, the section 12
 * parser, section 7 macros, the check_host() evaluator, the worst-case lookup
 * tree of docs/checks.md, the data-center range summary and the per-domain
 * analysis the outbound checks read.
 *
 * Everything here is pure over a tm_rrset_t ("fetch, then judge", docs/design.md):
 * when an answer is missing, the function appends the (name, type) question
 * to a tm_questions_t and reports that it is incomplete; the caller fetches
 * every question of the batch concurrently, adds the answers to the rrset and
 * calls again from scratch.  No I/O, no clock, no globals.
 *
 * Resource bounds (a hostile record must not make the engine work without
 * bound): a record is at most TM_SPF_RECORD_MAX bytes and TM_SPF_TERMS_MAX
 * terms; check_host() stops at the RFC limits (10 DNS-querying terms, 2 void
 * lookups, 10 MX or PTR names); the worst-case tree stops expanding at
 * TM_SPF_TREE_BOUND lookups or TM_SPF_TREE_DEPTH_MAX levels.
 */
#ifndef TMEMS_TM_SPF_H
#define TMEMS_TM_SPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tmems/tm_dns.h"
#include "tmems/tm_rules.h"
#include "tmems/tm_status.h"
#include "tmems/tm_util.h"

#define TM_SPF_RECORD_MAX 8192  /* bytes of one record (joined strings) */
#define TM_SPF_TERMS_MAX 512    /* terms of one record */
#define TM_SPF_INPUT_MAX 512    /* bytes of sender, HELO, receiver given to check_host */
#define TM_SPF_EXPAND_MAX 65536 /* bytes of one macro expansion */
#define TM_SPF_LOOKUP_LIMIT 10  /* RFC 7208 section 4.6.4 */
#define TM_SPF_VOID_LIMIT 2     /* RFC 7208 section 4.6.4 */
#define TM_SPF_MX_LIMIT 10      /* RFC 7208 section 4.6.4 */
#define TM_SPF_PTR_LIMIT 10     /* RFC 7208 section 4.6.4 */
/* docs/checks.md: stop expanding the worst-case tree once it passed 10 + 20. */
#define TM_SPF_TREE_BOUND 30
/* Deeper than any real tree: the legacy TMEmS chain is 3 levels.  A chain
 * this deep costs at least 12 lookups, already a permerror. */
#define TM_SPF_TREE_DEPTH_MAX 12

/* ---- results ---------------------------------------------------------- */

typedef enum {
    TM_SPF_NONE = 0,
    TM_SPF_NEUTRAL,
    TM_SPF_PASS,
    TM_SPF_FAIL,
    TM_SPF_SOFTFAIL,
    TM_SPF_TEMPERROR,
    TM_SPF_PERMERROR
} tm_spf_result_t;

/* "none", "neutral", ... (RFC 7208 section 2.6 spelling, lower case). */
const char *tm_spf_result_name(tm_spf_result_t result);

/* ---- record selection (RFC 7208 section 4.5) ---------------------------- */

typedef enum {
    TM_SPF_SEL_ONE = 0,  /* exactly one v=spf1 record */
    TM_SPF_SEL_NONE,     /* no v=spf1 record (or no TXT answer at all) */
    TM_SPF_SEL_MULTIPLE  /* two or more: permerror */
} tm_spf_selection_t;

/* True when the bytes start with "v=spf1" (any case) followed by a space or
 * the end (section 4.5). */
bool tm_spf_is_record(const char *data, size_t len);
/* Counts the v=spf1 records of a TXT answer (NULL or not NOERROR: none).
 * *record (may be NULL) gets the first of them, owned by the answer; *count
 * (may be NULL) how many there are. */
tm_spf_selection_t tm_spf_select(const tm_answer_t *txt, const tm_rr_t **record, size_t *count);

/* ---- parsed records (RFC 7208 section 12) ------------------------------- */

typedef enum {
    TM_SPF_Q_PASS = '+',
    TM_SPF_Q_FAIL = '-',
    TM_SPF_Q_SOFTFAIL = '~',
    TM_SPF_Q_NEUTRAL = '?'
} tm_spf_qualifier_t;

typedef enum {
    TM_SPF_ALL = 0,
    TM_SPF_INCLUDE,
    TM_SPF_A,
    TM_SPF_MX,
    TM_SPF_PTR,
    TM_SPF_IP4,
    TM_SPF_IP6,
    TM_SPF_EXISTS,
    TM_SPF_REDIRECT,   /* modifier */
    TM_SPF_EXP,        /* modifier */
    TM_SPF_UNKNOWN_MOD /* modifier kept but ignored (section 6) */
} tm_spf_kind_t;

/* "all", "include", ..., "redirect", "exp", "modifier". */
const char *tm_spf_kind_name(tm_spf_kind_t kind);
/* True for include, a, mx, ptr, exists and redirect: the terms that count
 * towards the limit of 10 (section 4.6.4). */
bool tm_spf_kind_queries_dns(tm_spf_kind_t kind);

/* Macro letters as a bit set: bit (c - 'a') for letter c. */
#define TM_SPF_MACRO_BIT(c) (1u << ((unsigned)((c) - 'a')))
/* Letters whose value depends on the message rather than on the DNS: a term
 * using one is evaluated only with a concrete sender and address
 * (docs/checks.md "Counting SPF lookups").  %{d} is not among them. */
#define TM_SPF_MACRO_SENDER                                                                   \
    (TM_SPF_MACRO_BIT('i') | TM_SPF_MACRO_BIT('s') | TM_SPF_MACRO_BIT('l') |                  \
     TM_SPF_MACRO_BIT('o') | TM_SPF_MACRO_BIT('h') | TM_SPF_MACRO_BIT('p') |                  \
     TM_SPF_MACRO_BIT('v') | TM_SPF_MACRO_BIT('c') | TM_SPF_MACRO_BIT('r') |                  \
     TM_SPF_MACRO_BIT('t'))
/* Letters whose value depends on the client address itself. */
#define TM_SPF_MACRO_ADDRESS                                                                  \
    (TM_SPF_MACRO_BIT('i') | TM_SPF_MACRO_BIT('c') | TM_SPF_MACRO_BIT('p'))

typedef struct {
    tm_spf_kind_t kind;
    tm_spf_qualifier_t qualifier; /* '+' when not written; '+' for modifiers */
    const char *text;   /* the term as written */
    size_t offset;      /* byte offset of the term in the record */
    const char *name;   /* modifier name as written; NULL for mechanisms */
    const char *spec;   /* domain-spec (modifier value for unknown modifiers) as
                           written without the CIDR suffix; NULL when absent */
    const char *domain; /* spec when it has no macro: lower case, trailing dot
                           removed, left labels dropped past 253 bytes; NULL
                           when spec is NULL, has a macro, or cannot be queried */
    bool has_macro;     /* spec contains a macro-expand (%{..}, %%, %_ or %-) */
    uint32_t macros;    /* letters used in spec (TM_SPF_MACRO_BIT) */
    bool sender_dependent; /* macros & TM_SPF_MACRO_SENDER */
    uint8_t cidr4;      /* a, mx: 0..32 (32 when not written); ip4: the prefix */
    uint8_t cidr6;      /* a, mx: 0..128 (128 when not written); ip6: the prefix */
    tm_cidr_t net;      /* ip4, ip6: the network, host bits cleared */
} tm_spf_term_t;

/* One allocation holds the record, its terms and their strings. */
typedef struct {
    const char *text;       /* the record as received */
    size_t len;
    tm_spf_term_t *terms;   /* every term in order, modifiers included */
    size_t nterms;
    const tm_spf_term_t *redirect; /* NULL when absent */
    const tm_spf_term_t *exp;      /* NULL when absent */
    const tm_spf_term_t *all;      /* the first "all" mechanism, NULL when absent */
    unsigned dns_terms;     /* terms that count towards the limit of 10 */
} tm_spf_record_t;

#define TM_SPF_ERROR_TERM_MAX 96

typedef struct {
    size_t offset;          /* byte offset of the offending term (or byte) */
    size_t term_offset;     /* byte offset where the offending term starts */
    size_t term_index;      /* 1 for the first term after "v=spf1"; 0 when the
                               record as a whole is refused */
    char term[TM_SPF_ERROR_TERM_MAX + 1]; /* the offending term, cut to fit and
                                             with non-printable bytes as \xNN */
    const char *reason;     /* translated, static: never freed */
    /* The term names include, a, mx, ptr, exists or redirect, or a name
     * that is no mechanism at all (a typo such as "inculde:"): once
     * corrected it may cost DNS lookups (section 4.6.4). */
    bool may_query_dns;
} tm_spf_parse_error_t;

/* Parses one record (the joined TXT strings; NUL bytes are data).  On TM_OK
 * *out is a new record the caller frees with tm_spf_record_destroy.  A record
 * that breaks the grammar gives TM_EPARSE and fills *err (may be NULL);
 * TM_ENOMEM on allocation failure.  Non-ASCII and control bytes, unknown
 * mechanisms, bad CIDR lengths, invalid domain-specs and macros, a repeated
 * redirect= or exp= are all errors (permerror, section 4.6). */
tm_status_t tm_spf_parse(const char *text, size_t len, tm_spf_record_t **out,
                         tm_spf_parse_error_t *err);
void tm_spf_record_destroy(tm_spf_record_t *record); /* NULL is a no-op */

/* What a receiver cannot use but an admin needs: every term of a record
 * that does not parse, and the record made of the terms that do.  A
 * receiver gets permerror for the whole record (section 4.6); the partial
 * record only lets the checks judge what the admin wrote correctly, so
 * that one bad term is reported once instead of as a missing include, a
 * missing "all" and a count of 0 lookups. */
typedef struct {
    tm_spf_record_t *record;        /* the terms that parse, in order (their
                                       offsets into the whole record); NULL
                                       when the record as a whole is refused:
                                       not v=spf1, too long, too many terms */
    tm_spf_parse_error_t *errors;   /* every term that does not parse, in order */
    size_t nerrors;
} tm_spf_partial_t;

/* Parses term by term, keeping going after an error.  TM_OK with
 * out->nerrors == 0 when the record parses (then out->record equals what
 * tm_spf_parse gives); TM_ENOMEM on allocation failure (out is then
 * cleared).  Free with tm_spf_partial_clear. */
tm_status_t tm_spf_parse_partial(const char *text, size_t len, tm_spf_partial_t *out);
void tm_spf_partial_clear(tm_spf_partial_t *p);

/* ---- macros (RFC 7208 section 7) ---------------------------------------- */

typedef struct {
    const char *sender;    /* <sender>: local-part@domain */
    const char *local;     /* local-part (%{l}) */
    const char *sender_domain; /* %{o} */
    const char *domain;    /* current <domain> (%{d}) */
    const tm_ip_t *ip;     /* %{i} %{c} %{v}; IPv4-mapped already unmapped */
    const char *helo;      /* %{h} */
    const char *receiver;  /* %{r}; NULL gives "unknown" */
    const char *validated; /* %{p}: the validated domain name; NULL gives "unknown" */
    uint64_t timestamp;    /* %{t}: seconds since the epoch, given by the caller */
} tm_spf_macro_env_t;

/* Validates a macro-string (section 7.1).  exp_text allows the letters c, r,
 * t and spaces (explain-string, section 6.2).  domain_spec additionally
 * requires the domain-end rule ("." toplabel [ "." ] or a macro at the end).
 * *letters (may be NULL) gets the letters used; on false *bad_offset and
 * *reason (translated, static; both may be NULL) say where and why. */
bool tm_spf_macro_check(const char *s, size_t len, bool exp_text, bool domain_spec,
                        uint32_t *letters, size_t *bad_offset, const char **reason);
/* Expands a macro-string (validated or not: an invalid one gives TM_EINVAL)
 * and appends the result to out.  URL escaping of upper-case letters,
 * transformers and delimiters per section 7.3.  TM_ERANGE past
 * TM_SPF_EXPAND_MAX bytes. */
tm_status_t tm_spf_macro_expand(const char *s, size_t len, const tm_spf_macro_env_t *env,
                                bool exp_text, tm_buf_t *out);
/* Expands a domain-spec for a DNS query: trailing dot removed, lower case,
 * and labels dropped from the left until it fits 253 bytes (section 7.3).
 * TM_EINVAL when the result cannot be queried (empty, an empty label, a label
 * over 63 bytes): RFC 7208 leaves that case open (section 4.8); check_host
 * treats such a name as non-existent. */
tm_status_t tm_spf_expand_domain(const char *spec, const tm_spf_macro_env_t *env,
                                 char out[TM_NAME_MAX + 1]);
/* True when the macro letters make the value depend on the sender or client. */
bool tm_spf_macros_sender_dependent(uint32_t letters);

/* ---- check_host() (RFC 7208 sections 4 to 6) ---------------------------- */

typedef struct {
    tm_ip_t ip;                 /* the client; ::ffff:a.b.c.d is evaluated as IPv4 */
    const char *sender;         /* MAIL FROM; NULL or "" means postmaster@<domain>,
                                   or postmaster@<helo> when domain is NULL
                                   (section 2.4: an empty reverse path) */
    const char *helo;           /* HELO/EHLO name (%{h}); NULL means the domain */
    const char *domain;         /* <domain>; NULL means the sender's domain */
    const char *receiver;       /* %{r}; NULL means "unknown" */
    const char *default_explanation; /* for fail without a usable exp=; NULL: none */
    uint64_t timestamp;         /* %{t} (the evaluator reads no clock) */
    bool trace;                 /* record every term visited in out->trace */
    /* The limits of section 4.6.4 on DNS-querying terms and on void
     * lookups; 0 means the RFC's (10 and 2).  Set higher only to learn what
     * a record over the limits means to its author (the proof of the SPF
     * remedy, src/lib/check/spf_remedy.c), never for a receiver's verdict. */
    unsigned lookup_limit, void_limit;
    /* Offline judgement (spf.tmems_ranges): a lookup whose answer is
     * TM_DNS_UNKNOWN is taken as "no match" instead of ending in temperror,
     * and the result stands only when no answer it could have had changes
     * it: a pass reached with every unknown term (and every include above
     * it) qualified '+', no unknown record or MX list (an include target may
     * have no record, an MX list more than 10 names: permerror), and room
     * for every unknown lookup to be void.  Otherwise the result is
     * temperror with offline_unknown set. */
    bool unknown_no_match;
} tm_spf_query_t;

/* Sets the defaults: every pointer NULL, no trace. */
void tm_spf_query_init(tm_spf_query_t *q);

typedef struct {
    char *domain;  /* the record the term belongs to */
    char *term;    /* the term as written */
    bool match;
} tm_spf_step_t;

typedef enum {
    TM_SPF_DONE = 0, /* result is final */
    TM_SPF_NEED      /* answers are missing: fetch `need`, then call again */
} tm_spf_state_t;

typedef struct {
    tm_spf_state_t state;
    tm_spf_result_t result;   /* meaningful when state is TM_SPF_DONE */
    /* True when the result is temperror because an answer was TM_DNS_UNKNOWN
     * (offline and neither a zone nor the rules know the name): the verdict
     * cannot be known without the network, which is not a DNS failure. */
    bool offline_unknown;
    char *reason;             /* translated one-line cause, or NULL */
    char *explanation;        /* fail only: the exp= text, else a copy of the
                                 query's default_explanation (may stay NULL) */
    bool explanation_default; /* true when no exp= text was used */
    unsigned lookups;         /* DNS-querying terms evaluated */
    unsigned void_lookups;
    tm_spf_step_t *trace;     /* with query.trace */
    size_t ntrace;
} tm_spf_eval_t;

void tm_spf_eval_init(tm_spf_eval_t *ev);
void tm_spf_eval_clear(tm_spf_eval_t *ev); /* frees the strings and the trace */

/* A cache of selected and parsed records per domain, bound to one rrset.
 * Answers are never replaced in an rrset, so a context stays valid while the
 * caller adds answers between rounds.  Not thread-safe. */
typedef struct tm_spf_ctx tm_spf_ctx_t;

/* NULL on allocation failure.  The rrset must outlive the context. */
tm_spf_ctx_t *tm_spf_ctx_create(const tm_rrset_t *rrset);
void tm_spf_ctx_destroy(tm_spf_ctx_t *ctx); /* NULL is a no-op */
const tm_rrset_t *tm_spf_ctx_rrset(const tm_spf_ctx_t *ctx);

/* check_host(ip, domain, sender).  Fills *out (initialised and cleared by the
 * caller with tm_spf_eval_init/_clear; a second call clears it first).  When
 * answers are missing, out->state is TM_SPF_NEED, out->result is only
 * provisional, and the questions are appended to need (NULL drops them).
 * Missing answers do not stop the evaluation: it goes on as if the term did
 * not match, so one round asks for everything the rest of the record needs
 * (at the price of sometimes asking for a name a complete evaluation would
 * not reach).  A name the evaluator builds that cannot be queried (empty or
 * over-long label) is treated as non-existent and never asked for, so the
 * rounds always end.  TM_EINVAL for a malformed query (no address; sender,
 * HELO, domain or receiver longer than TM_SPF_INPUT_MAX). */
tm_status_t tm_spf_check_host(const tm_rrset_t *rrset, const tm_spf_query_t *q,
                              tm_questions_t *need, tm_spf_eval_t *out);
/* The same with a caller-owned cache (much faster for repeated calls). */
tm_status_t tm_spf_check_host_ctx(tm_spf_ctx_t *ctx, const tm_spf_query_t *q,
                                  tm_questions_t *need, tm_spf_eval_t *out);

/* ---- the worst-case tree (docs/checks.md "Counting SPF lookups") ------------- */

typedef enum {
    TM_SPF_NODE_OK = 0,
    TM_SPF_NODE_MISSING,   /* the TXT answer is not fetched yet */
    TM_SPF_NODE_NO_RECORD, /* NXDOMAIN, NODATA or no v=spf1 record */
    TM_SPF_NODE_MULTIPLE,  /* two or more v=spf1 records */
    TM_SPF_NODE_SYNTAX,    /* the record does not parse: see error */
    TM_SPF_NODE_DNS_ERROR, /* SERVFAIL, REFUSED, TIMEOUT, FORMERR */
    TM_SPF_NODE_OFFLINE,   /* TM_DNS_UNKNOWN */
    TM_SPF_NODE_BAD_NAME   /* the domain cannot be queried (section 4.3) */
} tm_spf_node_status_t;

const char *tm_spf_node_status_name(tm_spf_node_status_t status);

/* Term flags in the tree. */
#define TM_SPF_TF_SENDER 0x001      /* sender-dependent macro: counted 1, not expanded */
#define TM_SPF_TF_LOOP 0x002        /* target already on the path: not expanded */
#define TM_SPF_TF_IGNORED 0x004     /* redirect= ignored because of "all" (section 6.1) */
#define TM_SPF_TF_VOID 0x008        /* its lookup was NXDOMAIN or empty */
#define TM_SPF_TF_MX_OVERFLOW 0x010 /* more than 10 MX names (permerror) */
#define TM_SPF_TF_DNS_ERROR 0x020   /* its lookup failed (temperror) */
#define TM_SPF_TF_BOUND 0x040       /* not expanded: the tree passed TM_SPF_TREE_BOUND */
#define TM_SPF_TF_BAD_TARGET 0x080  /* the target name cannot be queried */
#define TM_SPF_TF_MISSING 0x100     /* its answer is not fetched yet */
#define TM_SPF_TF_DEPTH 0x200       /* not expanded: TM_SPF_TREE_DEPTH_MAX reached */
#define TM_SPF_TF_OFFLINE 0x400     /* its answer is TM_DNS_UNKNOWN */
#define TM_SPF_TF_PTR 0x800         /* a ptr term (section 5.5: do not use) */

struct tm_spf_node;

typedef struct {
    const tm_spf_term_t *term; /* into the node's record */
    char *target;       /* the name it queries (expanded), NULL when none or
                           sender-dependent */
    unsigned lookups;   /* worst case: 1 for a DNS term, plus the child's subtree */
    unsigned void_lookups; /* this term's, plus the child's subtree */
    unsigned mx_names;  /* mx: names in the MX answer */
    unsigned flags;     /* TM_SPF_TF_* */
    tm_dns_outcome_t outcome; /* of its own lookup (TXT for include/redirect) */
    struct tm_spf_node *child; /* include/redirect target, NULL when not expanded */
} tm_spf_tterm_t;

typedef struct tm_spf_node {
    char *domain;
    unsigned depth;            /* 0 for the checked domain */
    struct tm_spf_node *parent;
    tm_spf_node_status_t status;
    tm_dns_outcome_t outcome;  /* of the TXT query */
    size_t nrecords;           /* v=spf1 records in the answer */
    const tm_spf_record_t *record;  /* parsed (status OK), owned by the context;
                                       at the root with status SYNTAX, the terms
                                       that parse (tm_spf_partial_t), else NULL */
    const char *text;          /* the record text when exactly one, else NULL
                                  (owned by the rrset) */
    size_t text_len;           /* its length: DNS data may hold a NUL */
    tm_spf_parse_error_t error;     /* status SYNTAX: the first error */
    const tm_spf_parse_error_t *errors; /* status SYNTAX: every term that does
                                       not parse (owned by the context) */
    size_t nerrors;
    unsigned lookups;          /* worst case over the subtree (this node's terms
                                  and every child's); the TXT query of this node
                                  is counted by the parent's term */
    unsigned void_lookups;     /* over the subtree */
    tm_spf_tterm_t *terms;     /* one per record term, same order */
    size_t nterms;
    size_t max_string;         /* longest TXT character-string at this name */
    size_t wire_size;          /* size of the TXT answer message (0 unknown) */
    bool truncated;            /* the UDP answer was truncated */
} tm_spf_node_t;

typedef struct {
    tm_spf_node_t *root;       /* never NULL after a successful build */
    tm_spf_node_t **nodes;     /* every node in pre-order (root first) */
    size_t nnodes;
    unsigned lookups;          /* root->lookups */
    unsigned void_lookups;     /* root->void_lookups */
    unsigned depth;            /* deepest node */
    bool lower_bound;          /* expansion stopped (bound or depth): counts are at least */
    bool complete;             /* every answer the tree needs is in the rrset */
    bool loop, ptr_used, mx_overflow, sender_dependent;
} tm_spf_tree_t;

/* Builds the worst-case tree of domain from what the context's rrset holds.
 * A root record that does not parse keeps status SYNTAX, and the terms of
 * it that parse are expanded like a record's (so that the checks can judge
 * them); a deeper record that does not parse is not expanded.  The tree:
 * every term visited, every include/redirect expanded (repeats counted again)
 * except loops, sender-dependent targets and beyond the bounds.  Every name
 * the tree still lacks is appended to need (may be NULL): the TXT of every
 * unexpanded include/redirect target, the A of a and exists targets, the MX
 * of mx targets and the A of the MX hosts, all of one level at once, so that
 * fetch rounds = depth.  The tree is judged for an IPv4 client (the TMEmS
 * relays are IPv4): void lookups are those of the A queries.  The caller
 * frees *out with tm_spf_tree_destroy; the context must outlive it. */
tm_status_t tm_spf_tree_build(tm_spf_ctx_t *ctx, const char *domain, tm_questions_t *need,
                              tm_spf_tree_t **out);
void tm_spf_tree_destroy(tm_spf_tree_t *tree); /* NULL is a no-op */

/* ---- ranges: check_host over every address of a block ------------------- */

typedef struct {
    tm_cidr_t cidr;            /* a maximal block with one result */
    tm_spf_result_t result;
    unsigned lookups;          /* DNS terms counted when the verdict was reached
                                  (the highest within the block) */
    unsigned void_lookups;
    bool offline;              /* temperror because an answer is TM_DNS_UNKNOWN */
} tm_spf_subrange_t;

typedef struct {
    tm_cidr_t range;
    bool complete;             /* false: answers are missing (see need) */
    tm_spf_subrange_t *parts;  /* in address order; one when the range is uniform */
    size_t nparts;
    unsigned evaluations;      /* check_host runs it took */
} tm_spf_range_t;

#define TM_SPF_RANGE_EVAL_MAX 4096 /* evaluations per range before TM_ERANGE */

void tm_spf_range_init(tm_spf_range_t *r);
void tm_spf_range_clear(tm_spf_range_t *r);
/* Runs check_host(addr, domain, sender) for every address of range (IPv4 or
 * IPv6) with the query's sender, HELO and domain (its ip is ignored), and
 * summarises the results as maximal CIDR blocks.  A block is evaluated as a
 * whole while every test it meets (ip4/ip6, A/MX address lists) holds for
 * all of it or none; it is split only where the answer differs or a term
 * depends on the address itself (%{i}, %{c}, %{p}, ptr), so a uniform range
 * usually costs one evaluation.  TM_ERANGE when more than
 * TM_SPF_RANGE_EVAL_MAX evaluations would be needed.  *out must have been
 * initialised with tm_spf_range_init; it is cleared first, and the caller
 * frees it with tm_spf_range_clear (also after an error). */
tm_status_t tm_spf_range_eval(tm_spf_ctx_t *ctx, const tm_spf_query_t *base,
                              const tm_cidr_t *range, tm_questions_t *need,
                              tm_spf_range_t *out);

/* ---- the analysis of one domain (what the outbound checks read) --------- */

typedef struct {
    const tm_spf_node_t *node; /* where the term is */
    const tm_spf_term_t *term; /* the ip4/ip6 term */
    size_t range_index;        /* the first rules range it overlaps */
} tm_spf_hardcoded_t;

struct tm_spf_analysis {
    char *domain;
    bool complete;             /* nothing is missing: the analysis is final */
    /* The apex TXT answer. */
    tm_dns_outcome_t outcome;  /* TM_DNS_UNKNOWN also while not fetched */
    bool fetched;              /* the apex TXT answer is in the rrset */
    tm_spf_selection_t selection;
    size_t nrecords;           /* v=spf1 records at the apex */
    const char **records;      /* their texts, answer order (owned by the rrset) */
    size_t *record_lens;       /* their lengths: DNS data may hold a NUL */
    const char *record;        /* the record when exactly one, else NULL */
    size_t record_len;
    tm_spf_parse_error_t error; /* the apex record's syntax error (tree->root) */
    bool syntax_ok;            /* the apex record parses */
    /* The apex record does not parse, but some of its terms do: the tree
     * and every count below are those of the terms that parse (a receiver
     * gets permerror for the record as published, section 4.6). */
    bool partial;
    /* A term of the apex that does not parse may cost DNS lookups once
     * corrected (tm_spf_parse_error_t.may_query_dns): the counts are then
     * only a lower bound of the corrected record's. */
    bool partial_may_query;
    /* The worst-case tree; NULL until the apex answer is there. */
    tm_spf_tree_t *tree;
    unsigned lookups;          /* worst case over the tree */
    unsigned void_lookups;
    bool lower_bound;
    /* Where the rules' SPF names sit (0 = the apex itself, 1 = included by
     * it, ...; -1 when absent); the first occurrence in pre-order. */
    int include_depth;
    int legacy_depth;
    unsigned include_lookups;  /* subtree cost of that include term (term included) */
    /* When the rules' include is not named in the tree: the first node whose
     * TXT answer reaches it through a CNAME ("include:_spf.example" with
     * _spf.example an alias of spf.tmems-jp.trendmicro.com), else NULL.
     * Receivers follow the alias (RFC 1034 section 3.6.2); the record does
     * not name the include. */
    const char *include_alias;
    unsigned legacy_lookups;
    /* Defects over the whole tree. */
    unsigned syntax_errors;    /* nodes whose record does not parse */
    unsigned bad_targets;      /* include/redirect targets without exactly one
                                  record (none, multiple, bad name) */
    unsigned dns_errors;       /* nodes or terms whose lookup failed */
    unsigned offline_unknown;  /* nodes or terms answered TM_DNS_UNKNOWN */
    unsigned loops;
    bool ptr_used, mx_overflow, sender_dependent;
    /* The apex record's "all" (0 when it has none) and redirect=. */
    char all_qualifier;        /* '+', '-', '~', '?' or 0 */
    bool has_redirect;         /* a redirect= that is not ignored */
    /* ip4/ip6 terms, outside the rules' include subtrees, overlapping a
     * data-center range (spf.hardcoded). */
    tm_spf_hardcoded_t *hardcoded;
    size_t nhardcoded;
    /* spf.size, over the apex TXT answer. */
    size_t max_txt_string;     /* longest character-string */
    size_t txt_wire_size;      /* the DNS message (0 when not from DNS) */
    bool txt_truncated;
    /* check_host for every address of every rules range, in rules order
     * (none, or permerror for several records or a syntax error, like any
     * receiver would get); NULL until the tree is complete, or without
     * rules. */
    tm_spf_range_t *ranges;
    size_t nranges;
    /* Of ranges, the last nlive: IPv4 ranges that the site record as
     * served (DNS or a zone file, not the bundled rules) lists and the
     * rules lack.  The live record wins: mail comes from them too. */
    size_t nlive;
    /* check_host for addresses no domain sends from (TM_SPF_OPEN_PROBES_TEXT:
     * reserved blocks, RFC 6890), with the sender of the ranges: pass for
     * three of a family means the record lets any address send, whatever it ends
     * in (an exists: or a: term whose macro meets a wildcard, a /0...).
     * Evaluated with the ranges; false until every probe gave pass. */
    bool open_to_all;
    tm_spf_ctx_t *ctx;         /* the parse cache the tree points into */
};
/* The probe addresses of open_to_all, in the report's words. */
#define TM_SPF_OPEN_PROBES_TEXT                                                          \
    "3 of 0.0.0.1, 100.64.0.1, 169.254.255.1, 198.18.0.1, 240.0.0.1; or of 2001:2::1, "   \
    "2001:20::1, 2001:db8::1, 3fff::1"

typedef struct tm_spf_analysis tm_spf_analysis_t;

/* Analyses domain from what rrset holds (rules may be NULL: no include
 * depths, hard-coded ranges or range evaluation).  The ranges are evaluated
 * with sender postmaster@domain and HELO domain: the rules' ranges, and
 * those of the site record (rules->spf_include) as served that the rules
 * lack (nlive).  Missing questions go to
 * need (may be NULL).  The caller frees *out with tm_spf_analysis_destroy;
 * rrset and rules must outlive it. */
tm_status_t tm_spf_analysis_build(const tm_rrset_t *rrset, const char *domain,
                                  const tm_rules_t *rules, tm_questions_t *need,
                                  tm_spf_analysis_t **out);
/* The next round's analysis in place of *analysis (freed; NULL starts
 * afresh), once rrset holds more answers: the records the previous one
 * parsed are kept, so a domain fetched in several rounds parses each record
 * once.  *analysis is NULL on failure. */
tm_status_t tm_spf_analysis_rebuild(tm_spf_analysis_t **analysis, const tm_rrset_t *rrset,
                                    const char *domain, const tm_rules_t *rules,
                                    tm_questions_t *need);
/* Only the questions still missing (builds and drops an analysis). */
tm_status_t tm_spf_analysis_needs(const tm_rrset_t *rrset, const char *domain,
                                  const tm_rules_t *rules, tm_questions_t *need);
void tm_spf_analysis_destroy(tm_spf_analysis_t *analysis); /* NULL is a no-op */

#endif
