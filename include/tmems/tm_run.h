/* tm_run.h - drives the check of one domain: asks the judge what it needs,
 * has the resolver fetch the whole batch at once, repeats until nothing is
 * missing (so the SPF tree is fetched level by level), then runs the checks.
 * It never prints: the caller renders the result. */
#ifndef TMEMS_TM_RUN_H
#define TMEMS_TM_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "tmems/tm_check.h"
#include "tmems/tm_dns.h"
#include "tmems/tm_resolve.h"
#include "tmems/tm_rules.h"

/* The bound on fetch rounds for one domain: the SPF tree is at most this
 * deep before the expansion bound of CHECKS.md stops it anyway. */
#define TM_RUN_MAX_ROUNDS 40

typedef struct {
    char *domain;            /* as given (U-label form for IDN) */
    char *ascii;             /* A-label, canonical */
    tm_phase_t phase;        /* PRE or POST as decided */
    bool phase_derived;      /* true when --phase auto decided it from the MX */
    char *company;           /* NULL when unknown */
    tm_company_source_t company_source;
    tm_findings_t findings;  /* selected checks, catalogue order */
    tm_check_status_t verdict;
    tm_rrset_t *rrset;       /* every answer used, for -v and JSON "records" */
    struct tm_spf_analysis *spf; /* NULL when the domain has no SPF record or outbound is off */
    unsigned rounds;         /* fetch rounds used */
    const tm_rules_t *rules; /* the rules judged against (not owned) */
} tm_result_t;

void tm_result_destroy(tm_result_t *result); /* NULL is a no-op */

/* Checks one domain.  `ascii` must already be a valid canonical name and
 * `display` its form for people (may equal ascii).  *out is set on TM_OK;
 * DNS failures are findings, not errors. */
tm_status_t tm_run_domain(tm_resolver_t *res, const tm_rules_t *rules,
                          const tm_check_options_t *opts, const char *display,
                          const char *ascii, tm_result_t **out);

#endif
