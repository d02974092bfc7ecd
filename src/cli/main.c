/* main.c - the whole of the program's entry point: everything else lives in
 * the CLI library (params, exec) so tests can drive it. */
#include "tmc_exec.h"

int main(int argc, char **argv) { return tmc_main(argc, argv); }
