/* tmc_spfcmd.h - "tmems-check spf DOMAIN --ip ADDR": one RFC 7208
 * check_host() with its trace (docs/cli.md). */
#ifndef TMEMS_TMC_SPFCMD_H
#define TMEMS_TMC_SPFCMD_H

#include "tmc_params.h"
#include "tmems/tm_resolve.h"

/* Evaluates, prints, and returns the exit status: 0 when the evaluation
 * completed (whatever its result), 3 when it could not run. */
int tmc_spf_command(const tmc_params_t *p, tm_resolver_t *res, bool color);
/* The subcommand's --help text: the options that change its evaluation. */
const char *tmc_spf_usage(void);

#endif
