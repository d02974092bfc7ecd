/* watch.c - `tmems-check watch DOMAIN` (docs/watch.md): the options of the
 * subcommand, the resolver whose event loop runs it, and the exit status:
 * 0 when the goal is reached, 1 when a server still serves a wrong state at
 * the deadline, 2 on a usage error, 3 when servers could not be asked.
 *
 * The common options (--server, --doh, --region, --company, --lang,
 * --format, --timeout, --tries, --deadline, --auth-port, ...) are parsed by
 * tmc_params_parse as for a normal run; this file takes out the options of
 * watch itself first and refuses the ones that mean nothing here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tmc_exec.h"
#include "tmc_msg.h"
#include "tmc_netinfo.h"
#include "tmc_watch.h"
#include "tmems/tm_i18n.h"

const char *tmc_watch_usage(void)
{
    return _("Usage: tmems-check watch [OPTIONS] DOMAIN\n"
             "Watches an MX cutover (or its rollback) until every authoritative server\n"
             "serves the expected state: finds the zone and every address of every name\n"
             "server, asks each directly (no recursion) and the resolvers at every\n"
             "interval, and judges each server's records with the checks of a normal run.\n"
             "\n"
             "Watch:\n"
             "  --interval S          seconds between polls, 1 to 3600 (default 10)\n"
             "  --deadline S          stop after S seconds (default 3600)\n"
             "  --until W             auth: until the authoritative servers agree (default);\n"
             "                        caches: also until the cache horizon has passed and\n"
             "                        every resolver shows the expected state\n"
             "  --expect-mx HOST      the expected MX host, or 'PREFERENCE HOST'\n"
             "                        (repeatable: the whole MX set); for a rollback\n"
             "  --expect-spf RECORD   the expected SPF record, or none\n"
             "                        without --expect-*: what the checks want after the\n"
             "                        cutover (MX = the company's TMEmS inbound host)\n"
             "  --old-ttl S           the old MX TTL in seconds (default: the TTL the\n"
             "                        name servers served at the first poll)\n"
             "DNS and checks (as for a normal run):\n"
             "  --server ADDR[:PORT]  a resolver to watch and to ask (repeatable; default\n"
             "                        the system's)\n"
             "  --doh URL             a DoH resolver instead\n"
             "  --timeout MS, --tries N  each question (default 2000, 3)\n"
             "  --auth-port N         testing aid: the name servers' port (default 53)\n"
             "  --region R, --rules FILE, --company ID, --token VALUE, --no-outbound,\n"
             "  --strict, --cacert FILE\n"
             "Output:\n"
             "  --format F            text (a live table on a terminal, one line per change\n"
             "                        otherwise) or jsonl (one JSON event per change)\n"
             "  --lang L, --color W, --help\n"
             "\n"
             "Load: each poll asks each server 3 questions (the zone's SOA, the domain's\n"
             "MX and TXT), each sent at most --tries times (and once over TCP when\n"
             "truncated).\n"
             "\n"
             "Exit status: 0 reached, 1 a server still serves a wrong state at the deadline\n"
             "(a stale secondary, a forgotten provider), 2 usage error, 3 servers could not\n"
             "be asked.\n");
}

const char *tmc_watch_synopsis(void)
{
    return _("\n"
             "  tmems-check watch [OPTIONS] DOMAIN\n"
             "                        watch the MX cutover on every name server and resolver\n"
             "                        until they serve the new records (tmems-check watch\n"
             "                        --help)\n");
}

enum { W_INTERVAL, W_UNTIL, W_EXPECT_MX, W_EXPECT_SPF, W_OLD_TTL, W_COUNT };
static const char *const watch_options[W_COUNT] = {"--interval", "--until", "--expect-mx",
                                                   "--expect-spf", "--old-ttl"};

/* Which watch option arg is ("--name" or "--name=value"); -1 for none. */
static int watch_option(const char *arg, const char **inline_value)
{
    *inline_value = NULL;
    for (int k = 0; k < W_COUNT; k++) {
        size_t n = strlen(watch_options[k]);
        if (strncmp(arg, watch_options[k], n) != 0)
            continue;
        if (arg[n] == '\0')
            return k;
        if (arg[n] == '=') {
            *inline_value = arg + n + 1;
            return k;
        }
    }
    return -1;
}

static bool take_watch_option(int k, const char *value, tmc_watch_params_t *wp, char *err,
                              size_t errlen)
{
    const char *why = NULL;
    switch (k) {
    case W_INTERVAL:
        if (!tmc_parse_uint(value, 1, 3600, &wp->interval_s))
            return tmc_fail(err, errlen, _("invalid --interval value '%s': seconds from 1 to 3600"),
                        value);
        return true;
    case W_UNTIL:
        if (strcmp(value, "auth") == 0)
            wp->until_caches = false;
        else if (strcmp(value, "caches") == 0)
            wp->until_caches = true;
        else
            return tmc_fail(err, errlen, _("invalid --until '%s': use auth or caches"), value);
        return true;
    case W_EXPECT_MX:
        if (wp->expect.nmx >= TM_WATCH_MAX_EXPECT_MX)
            return tmc_fail(err, errlen, _("too many --expect-mx options (at most %d)"),
                        TM_WATCH_MAX_EXPECT_MX);
        if (!tm_watch_expect_mx_valid(value, &why))
            return tmc_fail(err, errlen, _("invalid --expect-mx value '%s': %s"), value, _(why));
        wp->expect.mx[wp->expect.nmx++] = value;
        return true;
    case W_EXPECT_SPF:
        if (!tm_watch_expect_spf_valid(value, &why))
            return tmc_fail(err, errlen, _("invalid --expect-spf value '%s': %s"), value, _(why));
        wp->expect.spf = value;
        return true;
    default:
        if (!tmc_parse_uint(value, 0, 604800, &wp->old_ttl_s))
            return tmc_fail(err, errlen, _("invalid --old-ttl value '%s': seconds from 0 to 604800"),
                        value);
        wp->old_ttl_given = true;
        return true;
    }
}

/* The common options that mean nothing to watch, refused by name. */
static bool refuse_common(const tmc_params_t *p, char *err, size_t errlen)
{
    const char *bad = NULL;
    if (p->spf_mode)
        return tmc_fail(err, errlen, _("watch watches one DOMAIN; the spf subcommand is separate"));
    if (p->ndomain_files)
        bad = "-f";
    else if (p->nzones)
        bad = "--zone";
    else if (p->zone_include_dir)
        bad = "--zone-include-dir";
    else if (p->offline)
        bad = "--offline";
    else if (p->check.authoritative)
        bad = "--authoritative";
    else if (p->check.smtp)
        bad = "--smtp";
    else if (p->probe.smtp_port)
        bad = "--smtp-port";
    else if (p->check.phase != TM_PHASE_AUTO)
        bad = "--phase";
    else if (p->only_lists)
        bad = "--only";
    else if (p->skip_lists)
        bad = "--skip";
    else if (p->verbosity > 0)
        bad = "-v";
    else if (p->verbosity < 0)
        bad = "-q";
    else if (p->max_queries)
        bad = "--max-queries";
    else if (p->jobs != TM_BATCH_JOBS_DEFAULT)
        bad = "-j";
    if (bad)
        return tmc_fail(err, errlen, _("%s does not go with watch, which asks the live servers of "
                                   "one domain (see tmems-check watch --help)"),
                    bad);
    if (p->format == TMC_FORMAT_JSON || p->format == TMC_FORMAT_JUNIT)
        return tmc_fail(err, errlen, _("watch writes --format text or jsonl (one JSON event a line)"));
    if (p->ndomains != 1)
        return tmc_fail(err, errlen, _("watch watches exactly one domain"));
    return true;
}

bool tmc_watch_params_parse(int argc, char **argv, char **rest, tmc_params_t *p,
                            tmc_watch_params_t *wp, char *err, size_t errlen)
{
    memset(wp, 0, sizeof(*wp));
    memset(p, 0, sizeof(*p)); /* clearable whatever fails */
    wp->interval_s = TMC_WATCH_INTERVAL_DEFAULT_S;
    bool seen[W_COUNT] = {false};
    int n = 0;
    rest[n++] = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *value;
        if (strcmp(arg, "--") == 0) {
            while (i < argc)
                rest[n++] = argv[i++];
            break;
        }
        if (strcmp(arg, "--deadline") == 0 || strncmp(arg, "--deadline=", 11) == 0)
            wp->deadline_given = true;
        int k = watch_option(arg, &value);
        if (k < 0) {
            rest[n++] = argv[i];
            continue;
        }
        if (!value) {
            if (i + 1 >= argc)
                return tmc_fail(err, errlen, _("option '%s' needs a value"), arg);
            value = argv[++i];
        }
        if (seen[k] && k != W_EXPECT_MX)
            return tmc_fail(err, errlen,
                        _("option '%s' can be given only once (repeatable: --expect-mx)"),
                        watch_options[k]);
        seen[k] = true;
        if (!take_watch_option(k, value, wp, err, errlen))
            return false;
    }
    rest[n] = NULL;
    /* "watch spf ..." would make the common parser the spf command's. */
    if (n > 1 && strcmp(rest[1], "spf") == 0)
        return tmc_fail(err, errlen, _("watch watches one DOMAIN; the spf subcommand is separate"));
    if (!tmc_params_parse(p, n, rest, err, errlen))
        return false;
    if (p->help || p->version)
        return true;
    if (!refuse_common(p, err, errlen))
        return false;
    if (!wp->deadline_given)
        p->deadline_s = TMC_WATCH_DEADLINE_DEFAULT_S;
    return true;
}

static unsigned terminal_width(void)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        return ws.ws_col;
    const char *cols = getenv("COLUMNS");
    long c = cols ? strtol(cols, NULL, 10) : 0;
    return c >= 40 && c <= 1000 ? (unsigned)c : 80;
}

static bool use_color(const tmc_params_t *p, bool tty)
{
    if (p->color == TMC_COLOR_ALWAYS)
        return true;
    if (p->color == TMC_COLOR_NEVER)
        return false;
    const char *no_color = getenv("NO_COLOR");
    return tty && !(no_color && *no_color);
}

int tmc_watch_main(int argc, char **argv)
{
    tmc_params_t params;
    tmc_watch_params_t wp;
    char err[1024];
    tm_rules_t *rules = NULL;
    tm_resolver_t *loop = NULL;
    tm_watch_t *watch = NULL;
    int rc = TMC_EXIT_USAGE;
    char **rest = calloc((size_t)argc + 1, sizeof(*rest));
    memset(&params, 0, sizeof(params));
    if (!rest) {
        tmc_error("%s", _("out of memory"));
        return TMC_EXIT_DNS_ERROR;
    }
    if (!tmc_watch_params_parse(argc, argv, rest, &params, &wp, err, sizeof(err))) {
        tmc_error("%s", err);
        goto done;
    }
    if (params.help) {
        fputs(tmc_watch_usage(), stdout);
        rc = TMC_EXIT_READY;
        goto done;
    }
    if (params.version) {
        printf("tmems-check %s\n", TM_VERSION);
        rc = TMC_EXIT_READY;
        goto done;
    }
    rc = tmc_load_rules(&params, &rules);
    if (rc != TMC_EXIT_READY)
        goto done;
    const char *cacert, *capath;
    tmc_netinfo_trust(&params, &cacert, &capath);
    /* The loop's own resolver asks nothing: every question goes through an
     * ask of its own (src/lib/probe/ask.c).  Made with the same transport
     * so that a bad value is reported here, before the watch starts. */
    tm_resolver_options_t ropts = {
        .servers = params.servers,
        .nservers = params.nservers,
        .timeout_ms = params.timeout_ms,
        .tries = params.tries,
        .doh_url = params.doh_url,
        .doh_cacert = cacert,
        .doh_capath = capath,
    };
    if (tm_resolver_create(&ropts, &loop, err, sizeof(err)) != TM_OK) {
        tmc_error("%s", err);
        rc = TMC_EXIT_USAGE;
        goto done;
    }
    bool tty = isatty(STDOUT_FILENO);
    const char *term = getenv("TERM");
    tmc_watch_out_t out = {
        .mode = params.format == TMC_FORMAT_JSONL ? TMC_WATCH_JSONL
                : tty && !(term && strcmp(term, "dumb") == 0) ? TMC_WATCH_TABLE
                                                               : TMC_WATCH_LINES,
        .color = params.format != TMC_FORMAT_JSONL && use_color(&params, tty),
        .out = stdout,
        .width = terminal_width(),
    };
    tm_watch_options_t wo = {
        .domain = params.domains[0].ascii,
        .display = params.domains[0].display,
        .rules = rules,
        .check = &params.check,
        .strict = params.strict,
        .expect = wp.expect,
        .servers = params.servers,
        .nservers = params.nservers,
        .doh_url = params.doh_url,
        .doh_cacert = cacert,
        .doh_capath = capath,
        .timeout_ms = params.timeout_ms,
        .tries = params.tries,
        .auth_port = params.probe.auth_port,
        .interval_ms = wp.interval_s * 1000u,
        .deadline_ms = params.deadline_s * 1000u,
        .until_caches = wp.until_caches,
        .old_ttl_given = wp.old_ttl_given,
        .old_ttl_s = wp.old_ttl_s,
        .tick_ms = out.mode == TMC_WATCH_TABLE ? 1000 : 0,
        .on_event = tmc_watch_on_event,
        .arg = &out,
    };
    tm_status_t st = tm_watch_create(&wo, &watch);
    if (st == TM_OK)
        st = tm_watch_run(watch, loop);
    if (st == TM_OK)
        st = out.status;
    if (st != TM_OK) {
        tmc_error(_("the watch stopped: %s"), tm_strerror(st));
        rc = TMC_EXIT_DNS_ERROR;
        goto done;
    }
    rc = tm_watch_outcome_exit_status(tm_watch_snapshot(watch)->outcome);
done:
    tm_watch_destroy(watch);
    tm_resolver_destroy(loop);
    tm_rules_destroy(rules);
    tmc_params_clear(&params);
    free(rest);
    return rc;
}
