/* exec.c - the program: options, rules, resolver, one run per domain, the
 * chosen rendering, and the exit status (docs/cli.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tmc_batch.h"
#include "tmc_checkscmd.h"
#include "tmc_coverage.h"
#include "tmc_exec.h"
#include "tmc_msg.h"
#include "tmc_netinfo.h"
#include "tmc_params.h"
#include "tmc_plan.h"
#include "tmc_plugin_dir.h"
#include "tmc_spfcmd.h"
#include "tmc_watch.h"
#include "tmems/tm_file.h"
#include "tmems/tm_plugin.h"
#include "tmems/tm_probe.h"
#include "tmems/tm_report.h"
#include "tmems/tm_run.h"
#include "tmems/tm_i18n.h"

/* Reads a --rules file: a regular file of at most TM_RULES_FILE_MAX bytes. */
int tmc_load_rules(const tmc_params_t *p, tm_rules_t **rules)
{
    if (!p->rules_file) {
        if (tm_rules_bundled(p->region, rules) != TM_OK) {
            tmc_error(_("the bundled rules for region '%s' cannot be loaded"), p->region);
            return TMC_EXIT_USAGE;
        }
        return TMC_EXIT_READY;
    }
    char *json = NULL, why_text[128];
    size_t len = 0;
    tm_file_error_t why;
    int rc = TMC_EXIT_USAGE;
    char where[512] = "";
    if (tm_file_read(p->rules_file, TM_RULES_FILE_MAX, false, &json, &len, &why) != TM_OK)
        tmc_error(_("cannot read rules file '%s': %s"), p->rules_file,
                  tm_file_strerror(&why, why_text, sizeof why_text));
    else if (tm_rules_parse(json, len, p->rules_file, rules, where, sizeof(where)) != TM_OK)
        tmc_error(_("rules file '%s': %s"), p->rules_file, where);
    else if (tm_rules_add_other_sites(*rules) != TM_OK) /* mx.tmems names another site */
        tmc_error("%s", _("out of memory"));
    else
        rc = TMC_EXIT_READY;
    tm_free(json);
    return rc;
}

static bool use_color(const tmc_params_t *p)
{
    if (p->color == TMC_COLOR_ALWAYS)
        return true;
    if (p->color == TMC_COLOR_NEVER)
        return false;
    const char *no_color = getenv("NO_COLOR"); /* no-color.org: any non-empty value */
    const char *term = getenv("TERM");
    return isatty(STDOUT_FILENO) && !(no_color && *no_color) && !(term && !strcmp(term, "dumb"));
}

/* --only naming only checks whose option is missing, or --only/--skip
 * leaving no check at all, would print a report without a check in it and
 * exit 0: a usage error instead. */
static bool selection_runs(const tmc_params_t *p)
{
    tm_check_selection_gap_t gap;
    if (p->spf_mode || tm_check_selection_runs(&p->check, &gap))
        return true;
    const char *option = tm_check_needs_option(gap.needs);
    if (gap.item && gap.item_len == strlen(gap.id) && !strncmp(gap.item, gap.id, gap.item_len))
        tmc_error(_("--only %s: the check runs only with %s"), gap.id, option);
    else if (gap.item)
        tmc_error(_("--only %.*s: %s runs only with %s"), (int)gap.item_len, gap.item, gap.id,
                  option);
    else
        tmc_error("%s", _("--only and --skip leave no check to run; see tmems-check checks"));
    return false;
}

/* What reached stdout must have reached it whole: a report cut short by a
 * full disk or a closed pipe is its own failure, not a verdict. */
static int stdout_written(int rc)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return rc;
    if (rc != TMC_EXIT_WRITE) /* batch.c said so already */
        tmc_error("%s", _("the report could not be written to standard output"));
    return TMC_EXIT_WRITE;
}

int tmc_main(int argc, char **argv)
{
    tmc_params_t params;
    char err[1024];
    tm_rules_t *rules = NULL;
    tm_static_records_t *rules_records = NULL;
    tm_resolver_t *res = NULL;
    int rc = TMC_EXIT_USAGE;

    /* --lang must act before the first message, so look for it first. */
    const char *lang = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
            v = argv[i + 1];
        else if (strncmp(argv[i], "--lang=", 7) == 0) /* getopt_long accepts it too */
            v = argv[i] + 7;
        if (v && (!strcmp(v, "ja") || !strcmp(v, "en")))
            lang = v;
    }
    tmc_i18n_init(lang);
    /* The plugins (libcurl, OpenSSL, libidn2) are looked for in the build
     * tree or next to this binary, by the first run that loads one. */
    tm_plugin_set_locator(tmc_plugindir);
    if (argc > 1 && strcmp(argv[1], "watch") == 0)
        return tmc_watch_main(argc - 1, argv + 1);

    if (tmc_is_checks_command(argc, argv))
        return stdout_written(tmc_checks_command(argc, argv));
    if (!tmc_params_parse(&params, argc, argv, err, sizeof(err))) {
        tmc_error("%s", err);
        goto done;
    }
    if (params.help) {
        if (params.spf_mode) {
            fputs(tmc_spf_usage(), stdout);
        } else {
            fputs(tmc_usage(), stdout);
            fputs(tmc_watch_synopsis(), stdout);
        }
        rc = TMC_EXIT_READY;
        goto done;
    }
    if (params.version) {
        printf("tmems-check %s\n", TM_VERSION);
        rc = TMC_EXIT_READY;
        goto done;
    }
    if (!selection_runs(&params))
        goto done;
    rc = tmc_load_rules(&params, &rules);
    if (rc != TMC_EXIT_READY)
        goto done;
    tm_status_t rst = tm_run_rules_records(rules, &rules_records);
    if (rst != TM_OK) {
        tmc_error("%s", tm_strerror(rst));
        rc = TMC_EXIT_USAGE;
        goto done;
    }

    /* A missing TLS plugin is an error of the installation: it must not
     * read as a STARTTLS failure of every server. */
    if (tm_checks_want_smtp_probe(&params.check) &&
        tm_probe_tls_ready(&params.probe, err, sizeof(err)) != TM_OK) {
        tmc_error("%s", err);
        rc = TMC_EXIT_USAGE;
        goto done;
    }

    const char *cacert, *capath;
    tmc_netinfo_trust(&params, &cacert, &capath);
    tm_resolver_options_t ropts = {
        .servers = params.servers,
        .nservers = params.nservers,
        .timeout_ms = params.timeout_ms,
        .tries = params.tries,
        .max_inflight = params.max_queries,
        .deadline_ms = params.deadline_s * 1000u,
        .offline = params.offline,
        .doh_url = params.doh_url,
        .doh_cacert = cacert,
        .doh_capath = capath,
        .zone_files = params.zones,
        .nzones = params.nzones,
        /* One domain checked: it is the origin of a zone file that sets
         * none, as the ZONE of named-checkzone ZONE FILE. */
        .zone_origin = params.ndomains == 1 && params.ndomain_files == 0 ? params.domains[0].ascii
                                                                    : NULL,
        .zone_include_dir = params.zone_include_dir,
        .zone_format = params.zone_format,
        /* The spf command is a check_host() front end: a question that
         * times out is temperror (RFC 7208 section 5), even the first. */
        .silence_is_timeout = params.spf_mode,
        .records = rules_records,
    };
    if (tm_resolver_create(&ropts, &res, err, sizeof(err)) != TM_OK) {
        tmc_error("%s", err);
        rc = TMC_EXIT_USAGE;
        goto done;
    }
    for (size_t i = 0; i < tm_resolver_zone_count(res); i++) {
        const tm_zone_t *zone = tm_resolver_zone(res, i);
        if (tm_zone_origin_defaulted(zone))
            tmc_error(_("zone file '%s' sets no $ORIGIN: its names are read relative to %s, the "
                        "domain checked (as named-checkzone %s %s does)"),
                      tm_zone_file(zone), tm_zone_origin(zone), tm_zone_origin(zone),
                      tm_zone_file(zone));
    }
    /* Offline, a domain no zone file holds would get a report of skips:
     * an input error when it is an argument (a line of -f is reported in
     * its place, batch.c).  The spf command is exempt: the bundled rules
     * answer for the site's SPF names. */
    for (size_t i = 0; !params.spf_mode && i < params.ndomains; i++) {
        const tmc_domain_t *d = &params.domains[i];
        if (d->line == 0 && tmc_offline_uncovered(&params, res, d->ascii)) {
            tmc_uncovered_reason(res, d->ascii, err, sizeof(err));
            tmc_error("%s", err);
            rc = TMC_EXIT_USAGE;
            goto done;
        }
    }
    rc = params.spf_mode ? tmc_spf_command(&params, res, use_color(&params))
         : params.plan   ? tmc_plan_run(&params, &ropts, res, rules, use_color(&params))
                         : tmc_batch_run(&params, res, rules, use_color(&params));
done:
    tm_resolver_destroy(res);
    tm_static_records_destroy(rules_records);
    tm_rules_destroy(rules);
    tmc_params_clear(&params);
    return stdout_written(rc);
}
