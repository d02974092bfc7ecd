/* tmc_batch.h - checking the domains of the command line: -j at once over
 * one event loop, each rendered in input order as soon as it is ready, with
 * a progress line on a terminal, and the exit status (docs/cli.md). */
#ifndef TMEMS_TMC_BATCH_H
#define TMEMS_TMC_BATCH_H

#include <stdbool.h>

#include "tmc_params.h"
#include "tmems/tm_resolve.h"
#include "tmems/tm_rules.h"

/* Checks p->domains and writes them to stdout in p->format; an invalid line
 * of -f gets its message on stderr and a failing result in its place.
 * Returns TMC_EXIT_READY, TMC_EXIT_FAIL, TMC_EXIT_DNS_ERROR, or
 * TMC_EXIT_WRITE when the report could not be written to stdout. */
int tmc_batch_run(const tmc_params_t *p, tm_resolver_t *res, const tm_rules_t *rules,
                  bool color);

#endif
