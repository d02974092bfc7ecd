/* tmc_checkscmd.h - "tmems-check checks": the check ids with their section,
 * whether the TMEmS console flags them, and a one-line description
 * (docs/cli.md), so that --only and --skip can be written without the
 * documentation at hand. */
#ifndef TMEMS_TMC_CHECKSCMD_H
#define TMEMS_TMC_CHECKSCMD_H

#include <stdbool.h>

/* True when argv names the subcommand ("tmems-check checks ..."). */
bool tmc_is_checks_command(int argc, char **argv);
/* Parses the subcommand's options (argv[1] is "checks"), prints the list
 * and returns the exit status: 0, or 2 on a usage error (one line on
 * stderr, nothing on stdout). */
int tmc_checks_command(int argc, char **argv);
/* The subcommand's --help text. */
const char *tmc_checks_usage(void);

#endif
