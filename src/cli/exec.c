/* exec.c - placeholder while the CLI is being written. */
#include <stdio.h>

#include "tmc_exec.h"

int tmc_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("tmems-check: not built yet\n", stderr);
    return TMC_EXIT_USAGE;
}
