/* spf_remedy.h - an SPF record over the lookup limit, brought within it
 * without changing what it authorises (internal to the check layer;
 * docs/checks.md "spf.lookups", "The SPF remedy").
 *
 *  1. drop what costs lookups and authorises nothing: a repeated include,
 *     an include of a name without an SPF record, ptr, a, mx and exists
 *     terms naming hosts that do not exist, and an include whose every
 *     address another term already authorises;
 *  2. if still over, flatten the customer's own terms (includes, a and mx
 *     terms naming hosts under the checked domain or a domain of
 *     --spf-own) into the ip4:/ip6: networks they resolve to, the most
 *     costly first; never a vendor-managed include (the rules' spf_senders
 *     and the site's own includes), a term with a macro, or exists;
 *  3. lay the record out in strings of at most 255 bytes, and when the
 *     apex TXT answer would pass 512 bytes, move ip4:/ip6: terms into a
 *     chain _spf1.<domain>, _spf2.<domain>... whose includes are counted;
 *  4. prove it: the new tree needs at most 8 lookups (spf.lookups passes),
 *     and check_host() passes exactly the same addresses as today's tree
 *     read without the limit, over every network the trees name and the
 *     data-center ranges (spf_proof.h). */
#ifndef TMEMS_CHECK_SPF_REMEDY_H
#define TMEMS_CHECK_SPF_REMEDY_H

#include "spf_proof.h"
#include "tmems/tm_check.h"

typedef enum {
    TM_REMEDY_NONE = 0,      /* not attempted: within the limit, or the tree is
                                not fully known (offline, DNS errors, syntax) */
    TM_REMEDY_FITS,          /* records proven: print them */
    TM_REMEDY_CHOICE,        /* only dropping a sender the customer does not
                                manage brings it within the limit */
    TM_REMEDY_UNPROVEN       /* a record was laid out but the proof failed or
                                could not be completed: print none */
} tm_spf_remedy_status_t;

/* Why a term of the published record goes (step 1). */
typedef enum {
    TM_REMEDY_DROP_REPEAT = 1, /* an include of a target included before */
    TM_REMEDY_DROP_NO_RECORD,  /* an include of a name without an SPF record */
    TM_REMEDY_DROP_PTR,        /* ptr (RFC 7208 section 5.5) */
    TM_REMEDY_DROP_DEAD,       /* a, mx or exists naming a host that does not exist */
    TM_REMEDY_DROP_COVERED     /* every address it authorises, another term does */
} tm_spf_remedy_drop_t;

typedef struct {
    char *owner;             /* absolute, no trailing dot */
    char *text;              /* the record */
} tm_spf_remedy_record_t;

/* A term of the published apex record and what became of it. */
typedef struct {
    const char *text;        /* the term as published (owned by the analysis) */
    unsigned lookups;        /* what it costs today */
    tm_spf_remedy_drop_t dropped; /* 0 when kept or flattened */
    bool flattened;
    char *networks;          /* flattened: the ip4:/ip6: terms it became (space-
                                separated; may be empty), else NULL */
    /* Kept, and no flattening may touch it: */
    const char *sender;      /* the vendor's name (rules spf_senders), or NULL */
    bool vendor;             /* vendor-managed (the TMEmS includes included) */
    bool tmems;              /* the site's include or its legacy one */
    tm_spf_kind_t kind;
    bool macro;              /* its domain-spec has a macro */
    bool own;                /* names the customer's own domain or host */
    bool candidate;          /* it could be flattened (not needed, or not yet) */
} tm_spf_remedy_term_t;

typedef struct {
    tm_spf_remedy_status_t status;
    tm_spf_remedy_record_t *records; /* the chain _spf1... first, the apex last */
    size_t nrecords;
    tm_spf_remedy_term_t *terms;     /* one per term of the published apex record */
    size_t nterms;
    unsigned lookups_before;         /* the published tree */
    unsigned lookups_after;          /* the proposal's tree, counted by the tool */
    unsigned void_after;
    unsigned lookups_best;           /* CHOICE: with every own term flattened */
    size_t chain;                    /* _spfN records */
    bool too_big;                    /* UNPROVEN: no layout keeps every answer
                                        within 512 bytes */
    tm_spf_proof_t proof;
} tm_spf_remedy_t;

/* The lookups a proposal may need: spf.lookups passes (8, below the limit
 * of 10 with headroom). */
#define TM_REMEDY_LOOKUPS_MAX (TM_SPF_LOOKUP_LIMIT - 2)

void tm_spf_remedy_init(tm_spf_remedy_t *r);
void tm_spf_remedy_clear(tm_spf_remedy_t *r);
/* Computes the remedy of ctx's SPF record (ctx->spf), whose tree needs more
 * than 10 lookups.  r->status says what came of it. */
tm_status_t tm_spf_remedy_compute(const tm_check_ctx_t *ctx, tm_spf_remedy_t *r);
/* The answers the remedy and its proof read beyond the tree: the AAAA of
 * every host an a or mx term of the tree names (the tree is built for
 * IPv4 clients), asked once the tree is complete and over the limit. */
tm_status_t tm_spf_remedy_needs(const tm_check_ctx_t *ctx, tm_questions_t *need);
/* The remedy as the Fix of spf.lookups: steps, zone lines (fix_records),
 * lookups before and after, the proof's summary and what goes stale; or
 * the choice the customer has to make.  *written false when the remedy
 * has nothing to say (status NONE): the caller explains instead. */
tm_status_t tm_spf_remedy_fix(const tm_check_ctx_t *ctx, tm_finding_t *out, bool *written);

#endif
