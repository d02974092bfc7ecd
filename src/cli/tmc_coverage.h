/* tmc_coverage.h - with --offline only the zone files answer, so a domain
 * that none of them holds cannot be checked at all: an input error (exit 2)
 * for a domain on the command line, and for a line of -f a failing result
 * in its place (docs/tmems-check.1, --offline). */
#ifndef TMEMS_TMC_COVERAGE_H
#define TMEMS_TMC_COVERAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "tmc_params.h"
#include "tmems/tm_resolve.h"

/* True when the run is offline and no zone file holds the domain. */
bool tmc_offline_uncovered(const tmc_params_t *p, const tm_resolver_t *res, const char *ascii);
/* Why: one translated line naming the domain and the zone files' origins
 * (or that no --zone was given), into buf. */
void tmc_uncovered_reason(const tm_resolver_t *res, const char *ascii, char *buf, size_t len);

#endif
