/* tm_plan.h - what a change to a zone does (--plan): the findings of the
 * proposed zone against those of the live DNS of the same domain, check by
 * check.  Pure: it compares two lists of findings and decides nothing else
 * (each list has its own assessment, tm_check.h). */
#ifndef TMEMS_TM_PLAN_H
#define TMEMS_TM_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "tmems/tm_check.h"

typedef enum {
    TM_PLAN_FIXED = 0,     /* fails live, not in the proposed zone */
    TM_PLAN_BROKEN,        /* does not fail live, fails in the proposed zone */
    TM_PLAN_STILL_FAILING, /* fails in both */
    TM_PLAN_UNCHANGED,     /* fails in neither */
    TM_PLAN_CHANGES
} tm_plan_change_t;

/* "fixed", "broken", "still_failing", "unchanged" (the JSON spelling) */
const char *tm_plan_change_name(tm_plan_change_t change);

typedef struct {
    const char *id;
    tm_section_t section;
    tm_plan_change_t change;
    const tm_finding_t *live;     /* NULL when the check did not run live */
    const tm_finding_t *proposed; /* NULL when it did not run on the proposal */
} tm_plan_item_t;

typedef struct {
    const char *domain;           /* for people (not owned) */
    tm_plan_item_t *items;        /* catalogue order: the proposed findings' */
    size_t count;
    size_t changes[TM_PLAN_CHANGES];
    tm_assessment_t live;
    tm_assessment_t proposed;     /* the exit status follows this one */
    bool strict;
} tm_plan_t;

/* A finding "fails" when its status is fail or error, or warn under
 * strict: what makes the exit status non-zero (tm_findings_assess). */
bool tm_plan_failing(tm_check_status_t status, bool strict);

/* Pairs the findings by check id.  The lists must outlive the plan. */
tm_status_t tm_plan_compare(const char *domain, const tm_findings_t *live,
                            const tm_findings_t *proposed, bool strict, tm_plan_t *out);
void tm_plan_clear(tm_plan_t *plan);

#endif
