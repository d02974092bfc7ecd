/* tmc_exec.h - runs the command line: parse options, check every domain,
 * render, and map the results to the exit status (docs/cli.md). */
#ifndef TMEMS_TMC_EXEC_H
#define TMEMS_TMC_EXEC_H

#include "tmc_params.h"

/* Exit statuses (docs/cli.md "Exit status"). */
enum {
    TMC_EXIT_READY = 0,
    TMC_EXIT_FAIL = 1,
    TMC_EXIT_USAGE = 2,
    TMC_EXIT_DNS_ERROR = 3,
    TMC_EXIT_WRITE = 4 /* the report could not be written: it beats every other */
};

int tmc_main(int argc, char **argv);

/* The rules of --region, or of a --rules file: TMC_EXIT_READY, or
 * TMC_EXIT_USAGE after a message on stderr. */
int tmc_load_rules(const tmc_params_t *p, tm_rules_t **rules);

#endif
