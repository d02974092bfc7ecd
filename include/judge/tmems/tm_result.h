/* tm_result.h - what the check of one domain found: the findings in
 * catalogue order, the verdict, and every answer they were judged on.  The
 * run layer (tm_run.h) makes results; the report layer (tm_report.h)
 * renders them; neither needs the other. */
#ifndef TMEMS_TM_RESULT_H
#define TMEMS_TM_RESULT_H

#include <stdbool.h>

#include "tmems/tm_check.h"
#include "tmems/tm_dns.h"
#include "tmems/tm_rules.h"

struct tm_spf_analysis;

typedef struct {
    char *domain;            /* as given (U-label form for IDN) */
    char *ascii;             /* A-label, canonical */
    tm_phase_t phase;        /* PRE or POST as decided; AUTO when undecided (the MX
                                answer was a DNS error) */
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

#endif
