/* tmc_html.h - the HTML page of a run (--format html on standard output,
 * --html FILE beside any format; docs/html.md).  The domains' sections and
 * the JSON document wait in temporary files while the batch streams, so a
 * long batch holds one domain in memory at a time; the page is written
 * once the last domain is in, with its summary table first. */
#ifndef TMEMS_TMC_HTML_H
#define TMEMS_TMC_HTML_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "tmc_params.h"
#include "tmems/tm_report.h"
#include "tmems/tm_rules.h"

typedef struct tmc_html tmc_html_t;

/* Opens the page's destination (p->html_file, or standard output for
 * --format html when to_stdout) and its temporary files.  On failure
 * prints why and returns NULL. */
tmc_html_t *tmc_html_open(const tmc_params_t *p, const tm_rules_t *rules, bool to_stdout);
/* Adds one domain (index 0, 1, ... in order). */
tm_status_t tmc_html_add(tmc_html_t *h, const tm_result_t *result, const tm_assessment_t *a,
                         size_t index);
/* Writes the whole page; TM_EIO when it could not be written. */
tm_status_t tmc_html_finish(tmc_html_t *h, long elapsed_ms);
/* Closes everything (NULL is a no-op). */
void tmc_html_destroy(tmc_html_t *h);

/* What the page says about the run (exported for the unit tests). */
void tmc_html_resolver_text(const tmc_params_t *p, char *out, size_t len);
void tmc_html_time_text(time_t when, char *out, size_t len);

#endif
