/* checkscmd.c - the checks subcommand: the catalogue as text or JSON.  An
 * installed package may come without docs/checks.md; the --only/--skip
 * usage error points here. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "tmc_checkscmd.h"
#include "tmc_exec.h"
#include "tmc_msg.h"
#include "tmems/tm_report.h"
#include "tmems/tm_i18n.h"

enum { OPT_FORMAT = 256, OPT_LANG, OPT_HELP };

static const struct option long_options[] = {
    {"format", required_argument, NULL, OPT_FORMAT},
    {"lang", required_argument, NULL, OPT_LANG}, /* read before parsing: tmc_main */
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0}};

bool tmc_is_checks_command(int argc, char **argv)
{
    return argc > 1 && strcmp(argv[1], "checks") == 0;
}

const char *tmc_checks_usage(void)
{
    return _("Usage: tmems-check checks [--format text|json] [--lang L]\n"
             "Lists every check: its id, its console section, (!) when the TMEmS console\n"
             "makes the check too, and what it checks.  The ids and their prefixes (spf.)\n"
             "are what --only and --skip take.\n"
             "\n"
             "  --format F            text (default) or json\n"
             "  --lang L              ja or en (default from the locale)\n"
             "  --help\n");
}

int tmc_checks_command(int argc, char **argv)
{
    /* "checks" stands where the program name was. */
    int subc = argc - 1;
    char **subv = argv + 1;
    bool json = false, help = false, seen_format = false;
    int c;
    opterr = 0; /* our own messages, one line each */
    optind = 0;
    while ((c = getopt_long(subc, subv, ":", long_options, NULL)) != -1) {
        switch (c) {
        case OPT_FORMAT:
            if (seen_format) {
                tmc_error(_("option '%s' can be given only once"), "--format");
                return TMC_EXIT_USAGE;
            }
            seen_format = true;
            if (strcmp(optarg, "json") == 0) {
                json = true;
            } else if (strcmp(optarg, "text") != 0) {
                tmc_error(_("invalid --format '%s': use text or json"), optarg);
                return TMC_EXIT_USAGE;
            }
            break;
        case OPT_LANG:
            if (strcmp(optarg, "ja") != 0 && strcmp(optarg, "en") != 0) {
                tmc_error(_("invalid --lang '%s': use ja or en"), optarg);
                return TMC_EXIT_USAGE;
            }
            break;
        case OPT_HELP: help = true; break;
        case ':': tmc_error(_("option '%s' needs a value"), subv[optind - 1]); return TMC_EXIT_USAGE;
        default:
            /* optopt: an unknown short option's letter; 0 for a long one */
            if (optopt > 0 && optopt < OPT_FORMAT)
                tmc_error(_("unknown option '-%c'; see tmems-check checks --help"), optopt);
            else
                tmc_error(_("unknown option '%s'; see tmems-check checks --help"),
                          subv[optind - 1]);
            return TMC_EXIT_USAGE;
        }
    }
    if (help) {
        fputs(tmc_checks_usage(), stdout);
        return TMC_EXIT_READY;
    }
    if (optind < subc) {
        tmc_error(_("the checks subcommand takes no argument ('%s' given)"), subv[optind]);
        return TMC_EXIT_USAGE;
    }
    tm_buf_t out;
    tm_buf_init(&out);
    tm_status_t st = json ? tm_report_catalogue_json(&out) : tm_report_catalogue_text(&out);
    if (st == TM_OK)
        fputs(out.data ? out.data : "", stdout);
    else
        tmc_error(_("the list of checks could not be made: %s"), tm_strerror(st));
    tm_buf_clear(&out);
    /* Out of memory, as a check that could not run (batch.c). */
    return st == TM_OK ? TMC_EXIT_READY : TMC_EXIT_DNS_ERROR;
}
