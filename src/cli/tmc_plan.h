/* tmc_plan.h - --plan: each domain judged twice, from the --zone files (the
 * proposed change; names outside them from DNS) and from the live DNS
 * alone, and reported per check as fixed, broken, still failing or
 * unchanged (docs/ci.md, "What a change fixes"). */
#ifndef TMEMS_TMC_PLAN_H
#define TMEMS_TMC_PLAN_H

#include <stdbool.h>

#include "tmc_params.h"
#include "tmems/tm_resolve.h"
#include "tmems/tm_rules.h"

/* proposed: the resolver with the zones; live_opts: its options, from
 * which the live resolver is made without the zones.  The exit status
 * follows the proposed state (as a plain run of the proposed zone). */
int tmc_plan_run(const tmc_params_t *p, const tm_resolver_options_t *live_opts,
                 tm_resolver_t *proposed, const tm_rules_t *rules, bool color);

#endif
