/* exec.c - the program: options, rules, resolver, one run per domain, the
 * chosen rendering, and the exit status of CLI.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tmc_exec.h"
#include "tmc_msg.h"
#include "tmc_params.h"
#include "tmc_spfcmd.h"
#include "tmems/tm_report.h"
#include "tmems/tm_run.h"
#include "util/tm_i18n.h"

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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

/* CLI.md "Exit status": 1 beats 3 beats 0; --strict makes warnings count. */
static int exit_for(tm_check_status_t verdict, bool strict)
{
    switch (verdict) {
    case TM_CHECK_FAIL: return TMC_EXIT_FAIL;
    case TM_CHECK_ERROR: return TMC_EXIT_DNS_ERROR;
    case TM_CHECK_WARN: return strict ? TMC_EXIT_FAIL : TMC_EXIT_READY;
    default: return TMC_EXIT_READY;
    }
}

static int worse(int a, int b)
{
    if (a == TMC_EXIT_FAIL || b == TMC_EXIT_FAIL)
        return TMC_EXIT_FAIL;
    if (a == TMC_EXIT_DNS_ERROR || b == TMC_EXIT_DNS_ERROR)
        return TMC_EXIT_DNS_ERROR;
    return TMC_EXIT_READY;
}

typedef struct {
    char **items;
    size_t count;
} json_parts_t;

static void json_parts_clear(json_parts_t *parts)
{
    for (size_t i = 0; i < parts->count; i++)
        tm_free(parts->items[i]);
    free(parts->items);
}

/* Renders one result in the chosen format: text and jsonl go out at once,
 * json is kept until the document is complete. */
static tm_status_t emit(const tmc_params_t *p, const tm_rules_t *rules, const tm_result_t *result,
                        json_parts_t *parts)
{
    tm_buf_t out;
    tm_buf_init(&out);
    tm_status_t st;
    if (p->format == TMC_FORMAT_TEXT) {
        tm_text_options_t topts = {.color = use_color(p), .verbosity = p->verbosity,
                                   .rules = rules};
        st = tm_report_text(result, &topts, &out);
        if (st == TM_OK)
            fputs(out.data ? out.data : "", stdout);
    } else {
        st = tm_report_json_result(result, &out);
        if (st == TM_OK && p->format == TMC_FORMAT_JSONL) {
            fputs(out.data ? out.data : "", stdout);
            fputc('\n', stdout);
        } else if (st == TM_OK) {
            char **grown = realloc(parts->items, (parts->count + 1) * sizeof(*grown));
            if (!grown) {
                st = TM_ENOMEM;
            } else {
                parts->items = grown;
                parts->items[parts->count++] = tm_buf_take(&out);
            }
        }
    }
    fflush(stdout);
    tm_buf_clear(&out);
    return st;
}

static int run_all(const tmc_params_t *p, tm_resolver_t *res, const tm_rules_t *rules)
{
    long started = now_ms();
    int rc = TMC_EXIT_READY;
    json_parts_t parts = {NULL, 0};
    for (size_t i = 0; i < p->ndomains; i++) {
        if (p->format == TMC_FORMAT_TEXT && i > 0 && p->verbosity >= 0)
            fputc('\n', stdout);
        tm_result_t *result = NULL;
        tm_status_t st = tm_run_domain(res, rules, &p->check, p->domains[i].display,
                                       p->domains[i].ascii, &result);
        if (st == TM_OK)
            st = emit(p, rules, result, &parts);
        if (st != TM_OK) {
            tmc_error(_("%s: the check could not run: %s"), p->domains[i].ascii,
                      tm_strerror(st));
            tm_result_destroy(result);
            rc = worse(rc, TMC_EXIT_DNS_ERROR);
            continue;
        }
        rc = worse(rc, exit_for(result->verdict, p->strict));
        tm_result_destroy(result);
    }
    if (p->format == TMC_FORMAT_JSON) {
        tm_json_meta_t meta = {.region = rules->region, .rules = rules->source};
        tm_buf_t doc;
        tm_buf_init(&doc);
        if (tm_report_json_document(&meta, (const char *const *)parts.items, parts.count,
                                    now_ms() - started, &doc) == TM_OK) {
            fputs(doc.data ? doc.data : "", stdout);
        } else {
            tmc_error("%s", _("the JSON document could not be written"));
            rc = worse(rc, TMC_EXIT_DNS_ERROR);
        }
        tm_buf_clear(&doc);
    }
    json_parts_clear(&parts);
    return rc;
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
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], "--lang") == 0 && (!strcmp(argv[i + 1], "ja") || !strcmp(argv[i + 1], "en")))
            lang = argv[i + 1];
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

    tm_resolver_options_t ropts = {
        .servers = params.servers,
        .nservers = params.nservers,
        .timeout_ms = params.timeout_ms,
        .tries = params.tries,
        .offline = params.offline,
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
                         : run_all(&params, res, rules);
done:
    tm_resolver_destroy(res);
    tm_rules_destroy(rules);
    tmc_params_clear(&params);
    return rc;
}
