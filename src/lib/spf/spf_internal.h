/* spf_internal.h - helpers shared by the files of the SPF engine (private). */
#ifndef TMEMS_SPF_INTERNAL_H
#define TMEMS_SPF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tmems/tm_spf.h"

/* ---- names ---------------------------------------------------------------- */

/* The structural rule tm_questions_add enforces (1..253 bytes, labels of
 * 1..63, one trailing dot allowed): a name that breaks it can never be
 * answered, so the evaluator must not wait for it. */
bool spf_name_queryable(const char *name);
/* Appends (name, type) to need unless the rrset has it; need may be NULL. */
tm_status_t spf_need(tm_questions_t *need, const tm_rrset_t *rrset, const char *name,
                     uint16_t type);
/* "d.c.b.a.in-addr.arpa" or the 32-nibble "ip6.arpa" name (RFC 7208 section
 * 5.5 asks for the PTR there).  out holds at least SPF_REVERSE_MAX bytes. */
#define SPF_REVERSE_MAX 74
void spf_reverse_name(const tm_ip_t *ip, char *out);
/* 4.3: the initial <domain> must be a multi-label name of LDH labels. */
bool spf_domain_initial_valid(const char *domain);
/* 4.3 for the <domain> of a recursive check_host (include, redirect): a
 * queryable name of at least two labels.  Its characters were already
 * checked by the domain-spec grammar, or come from a macro, which may put
 * any byte into a name (RFC 7208 section 7.3). */
bool spf_domain_target_valid(const char *domain);
/* Copies a name lower-cased without its trailing dot; false when it does not
 * fit TM_NAME_MAX. */
bool spf_name_copy(const char *in, size_t len, char out[TM_NAME_MAX + 1]);

/* ---- macros ------------------------------------------------------------------ */

/* tm_spf_expand_domain with a caller's scratch buffer (reused, so that an
 * evaluation does not allocate per name). */
tm_status_t spf_expand_domain_buf(const char *spec, const tm_spf_macro_env_t *env,
                                  tm_buf_t *scratch, char out[TM_NAME_MAX + 1]);
/* The query form of an expanded (or macro-free) domain: trailing dot
 * removed, lower case, left labels dropped to fit 253 bytes; false when it
 * cannot be queried. */
bool spf_literal_domain(const char *s, size_t len, char out[TM_NAME_MAX + 1]);

/* ---- the per-domain record cache -------------------------------------------- */

typedef struct {
    char *domain;               /* key: lower case, no trailing dot */
    uint64_t hash;
    const tm_answer_t *answer;  /* the TXT answer, owned by the rrset */
    tm_spf_selection_t selection;
    size_t nrecords;
    const tm_rr_t *rr;          /* the selected record */
    /* The parse of the record's text, shared by every entry with the same
     * text and owned by the context (ctx.c): */
    const tm_spf_record_t *record; /* NULL when the record does not parse */
    tm_spf_parse_error_t error;
    tm_spf_partial_t partial;   /* record NULL: every bad term, and the terms
                                   that parse (for the tree's root only) */
} spf_entry_t;

/* The entry for domain, or NULL with TM_OK when the rrset has no TXT answer
 * for it yet (nothing is cached then).  *st gets TM_ENOMEM on failure. */
const spf_entry_t *spf_ctx_entry(tm_spf_ctx_t *ctx, const char *domain, tm_status_t *st);

/* ---- evaluation of one client block ------------------------------------------ */

/* How a test over the client block came out: for every address, none, or
 * some of them (the block must be split). */
typedef enum { SPF_NONE_IN = 0, SPF_ALL_IN, SPF_SOME_IN } spf_cover_t;

spf_cover_t spf_cover_net(const tm_cidr_t *block, const tm_ip_t *net, unsigned prefix);

/* The outcome of one check_host run over a block of addresses. */
typedef struct {
    tm_spf_result_t result;
    bool incomplete;   /* answers missing: need has them */
    bool split;        /* the block is not uniform: evaluate its halves */
    bool offline;
    unsigned lookups, void_lookups;
} spf_block_outcome_t;

/* check_host over a whole block (prefix 32/128 for one address).  With a
 * non-NULL out the full result (reason, explanation, trace) is filled. */
tm_status_t spf_eval_block(tm_spf_ctx_t *ctx, const tm_spf_query_t *q, const tm_cidr_t *block,
                           tm_questions_t *need, spf_block_outcome_t *res, tm_spf_eval_t *out);

/* ---- the error term of a parse error ----------------------------------------- */

/* Fills err with the term text[term_off, term_off + term_len) and the
 * offset of the problem. */
void spf_error_set(tm_spf_parse_error_t *err, const char *text, size_t term_off, size_t term_len,
                   size_t offset, const char *reason);

#endif
