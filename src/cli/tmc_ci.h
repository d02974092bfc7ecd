/* tmc_ci.h - the CI formats of the command line (--format github, sarif,
 * markdown): their state across the domains of a run, and the GitHub step
 * summary ($GITHUB_STEP_SUMMARY, appended to when it is set). */
#ifndef TMEMS_TMC_CI_H
#define TMEMS_TMC_CI_H

#include <stdbool.h>
#include <stdio.h>

#include "tmc_params.h"
#include "tmems/tm_plan.h"
#include "tmems/tm_report_ci.h"

typedef struct {
    const tmc_params_t *p;
    tm_github_t gh;
    tm_sarif_t sarif;
    FILE *summary;     /* $GITHUB_STEP_SUMMARY, github format only; NULL = none */
    bool summary_failed;
} tmc_ci_t;

/* Sets up the state (opens the step summary for the github format). */
void tmc_ci_init(tmc_ci_t *ci, const tmc_params_t *p);
/* The beginning or the end of the document (SARIF's frame, the github
 * annotations held back), appended to out. */
tm_status_t tmc_ci_frame(tmc_ci_t *ci, bool begin, tm_buf_t *out);
/* One domain in the chosen CI format, appended to out; the github format
 * also appends its Markdown to the step summary. */
tm_status_t tmc_ci_render(tmc_ci_t *ci, const tm_result_t *result, const tm_assessment_t *a,
                          tm_buf_t *out);
/* Markdown appended to the step summary, when there is one. */
void tmc_ci_summary(tmc_ci_t *ci, const char *markdown, size_t len);
void tmc_ci_clear(tmc_ci_t *ci);

#endif
