/* exec.c - the program: options, rules, resolver, one run per domain, the
 * chosen rendering, and the exit status of CLI.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tmc_batch.h"
#include "tmc_exec.h"
#include "tmc_msg.h"
#include "tmc_netinfo.h"
#include "tmc_params.h"
#include "tmc_spfcmd.h"
#include "tmems/tm_report.h"
#include "tmems/tm_run.h"
#include "util/tm_i18n.h"

/* Reads a --rules file, bounded by TM_RULES_FILE_MAX. */
static int load_rules(const tmc_params_t *p, tm_rules_t **rules)
{
    if (!p->rules_file) {
        if (tm_rules_bundled(p->region, rules) != TM_OK) {
            tmc_error(_("the bundled rules for region '%s' cannot be loaded"), p->region);
            return TMC_EXIT_USAGE;
        }
        return TMC_EXIT_READY;
    }
    FILE *f = fopen(p->rules_file, "rb");
    if (!f) {
        tmc_error(_("cannot read rules file '%s': %s"), p->rules_file, strerror(errno));
        return TMC_EXIT_USAGE;
    }
    char *json = malloc(TM_RULES_FILE_MAX + 1);
    size_t len = json ? fread(json, 1, TM_RULES_FILE_MAX + 1, f) : 0;
    bool read_error = ferror(f);
    fclose(f);
    int rc = TMC_EXIT_USAGE;
    char where[512] = "";
    if (!json)
        tmc_error("%s", _("out of memory"));
    else if (read_error)
        tmc_error(_("cannot read rules file '%s'"), p->rules_file);
    else if (len > TM_RULES_FILE_MAX)
        tmc_error(_("rules file '%s' is larger than %zu bytes"), p->rules_file,
                  (size_t)TM_RULES_FILE_MAX);
    else if (tm_rules_parse(json, len, p->rules_file, rules, where, sizeof(where)) != TM_OK)
        tmc_error(_("rules file '%s': %s"), p->rules_file, where);
    else
        rc = TMC_EXIT_READY;
    free(json);
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

int tmc_main(int argc, char **argv)
{
    tmc_params_t params;
    char err[1024];
    tm_rules_t *rules = NULL;
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

    if (!tmc_params_parse(&params, argc, argv, err, sizeof(err))) {
        tmc_error("%s", err);
        goto done;
    }
    if (params.help) {
        fputs(tmc_usage(), stdout);
        rc = TMC_EXIT_READY;
        goto done;
    }
    if (params.version) {
        printf("tmems-check %s\n", TM_VERSION);
        rc = TMC_EXIT_READY;
        goto done;
    }
    rc = load_rules(&params, &rules);
    if (rc != TMC_EXIT_READY)
        goto done;

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
        .rules = rules,
    };
    if (tm_resolver_create(&ropts, &res, err, sizeof(err)) != TM_OK) {
        tmc_error("%s", err);
        rc = TMC_EXIT_USAGE;
        goto done;
    }
    rc = params.spf_mode ? tmc_spf_command(&params, res, use_color(&params))
                         : tmc_batch_run(&params, res, rules, use_color(&params));
done:
    tm_resolver_destroy(res);
    tm_rules_destroy(rules);
    tmc_params_clear(&params);
    return rc;
}
