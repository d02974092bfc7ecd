/* spf_eval.h - the state of one check_host() run, shared by eval.c (records,
 * include, redirect), mech.c (the mechanisms), ptr.c (validated names) and
 * explain.c (exp=).  Private to the SPF engine. */
#ifndef TMEMS_SPF_EVAL_H
#define TMEMS_SPF_EVAL_H

#include "spf_internal.h"

/* An internal result: "the record is not fetched yet". */
#define SPF_R_UNKNOWN (-1)

typedef enum { M_NOMATCH = 0, M_MATCH, M_ABORT } spf_mres_t;

/* How a lookup came out. */
typedef enum {
    LK_OK = 0,   /* NOERROR with records */
    LK_VOID,     /* NXDOMAIN or no records */
    LK_MISSING,  /* not in the rrset: asked for */
    LK_ERROR,    /* DNS failure or unknown, when the caller skips errors */
    LK_ABORT     /* evaluation stops (see ev->aborted / ev->status) */
} spf_lk_t;

typedef enum { TG_OK = 0, TG_BAD, TG_MISSING, TG_ABORT } spf_tg_t;

typedef struct {
    tm_spf_ctx_t *ctx;
    const tm_rrset_t *rrset;
    tm_questions_t *need;
    const tm_spf_query_t *q;
    tm_status_t status;        /* allocation failure: everything stops */
    tm_cidr_t block;           /* the client addresses */
    bool single;               /* the block is one address */
    tm_ip_t ip;                /* block.addr */
    tm_spf_macro_env_t env;    /* domain and validated are set per use */
    unsigned lookups, voids;
    bool incomplete;           /* an answer was missing */
    bool aborted;              /* a final result (or a split) is known */
    bool split;
    bool offline;
    /* q->unknown_no_match: an unknown answer is no match (tm_spf.h) */
    bool unknown_no_match;
    bool plus_path;            /* the terms being evaluated, this one and the
                                  includes above it, are all qualified '+' */
    bool unknown_seen;         /* an unknown answer was taken as no match */
    bool unknown_unsafe;       /* ... where another answer could change a pass */
    unsigned unknown_voids;    /* unknown answers that could have been void */
    tm_spf_result_t abort_result;
    bool detail;               /* fill reason and trace (check_host, not ranges) */
    char reason[512];
    tm_spf_eval_t *out;        /* for the trace; NULL in ranges */
    tm_buf_t scratch;          /* macro expansions */
    char sender[2 * TM_SPF_INPUT_MAX + 2];
    char local[TM_SPF_INPUT_MAX + 1];
    char sender_domain[TM_SPF_INPUT_MAX + 1];
    char domain[TM_NAME_MAX + 1];
} spf_ev_t;

/* Stops the evaluation with result r; the first reason wins.  Returns false
 * so callers can write `return spf_abort(...)`. */
bool spf_abort(spf_ev_t *ev, tm_spf_result_t r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Stops a block evaluation that must be split. */
bool spf_abort_split(spf_ev_t *ev);
/* One DNS-querying term (section 4.6.4): the 11th is a permerror. */
bool spf_count_lookup(spf_ev_t *ev);
/* One void lookup: the 3rd is a permerror. */
bool spf_count_void(spf_ev_t *ev);
/* Looks (name, type) up.  count_void: a void answer counts (and may abort).
 * errors_abort: a failure or unknown answer gives temperror; otherwise it is
 * LK_ERROR.  *ans gets the answer for LK_OK. */
spf_lk_t spf_lookup(spf_ev_t *ev, const char *name, uint16_t type, bool count_void,
                    bool errors_abort, const tm_answer_t **ans);
/* The name a term queries: its domain-spec expanded for <domain>, or
 * <domain> itself when it has none. */
spf_tg_t spf_target(spf_ev_t *ev, const tm_spf_term_t *t, const char *domain,
                    char out[TM_NAME_MAX + 1]);

/* mech.c: one mechanism of the record at <domain>. */
spf_mres_t spf_mechanism(spf_ev_t *ev, const tm_spf_term_t *t, const char *domain, unsigned depth);
/* eval.c: check_host for one domain (include and redirect recurse). */
bool spf_eval_domain(spf_ev_t *ev, const char *domain, unsigned depth, int *result,
                     const tm_spf_term_t **exp, char exp_domain[TM_NAME_MAX + 1]);

/* ptr.c: the validated names of the client (section 5.5), at most
 * TM_SPF_PTR_LIMIT, as pointers into the rrset.  count_void: the PTR query
 * is the ptr mechanism's own lookup. */
spf_lk_t spf_validated_names(spf_ev_t *ev, bool count_void, const char *names[TM_SPF_PTR_LIMIT],
                             size_t *n);
/* ptr.c: %{p} for <domain> (section 7.3); *out NULL means "unknown". */
spf_lk_t spf_validated_for(spf_ev_t *ev, const char *domain, const char **out);

/* explain.c: the explanation of a fail (section 6.2) into ev->out. */
tm_status_t spf_explain(spf_ev_t *ev, const tm_spf_term_t *exp, const char *domain);

#endif
