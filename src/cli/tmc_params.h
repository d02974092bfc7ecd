/* tmc_params.h - the command line as a struct (docs/cli.md "Options").  Parsing
 * validates everything that can be validated before a query is sent, so that
 * a usage error exits 2 with nothing on stdout and no packet on the wire. */
#ifndef TMEMS_TMC_PARAMS_H
#define TMEMS_TMC_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "tmems/tm_check.h"
#include "tmems/tm_probe.h"
#include "tmems/tm_resolve.h"
#include "tmems/tm_run.h"

typedef enum {
    TMC_FORMAT_TEXT = 0,
    TMC_FORMAT_JSON,
    TMC_FORMAT_JSONL,
    TMC_FORMAT_JUNIT,
    TMC_FORMAT_HTML,
    TMC_FORMAT_GITHUB,   /* workflow commands + $GITHUB_STEP_SUMMARY (docs/ci.md) */
    TMC_FORMAT_SARIF,    /* SARIF 2.1.0, one document */
    TMC_FORMAT_MARKDOWN  /* the summary of the github format, alone */
} tmc_format_t;
typedef enum { TMC_COLOR_AUTO = 0, TMC_COLOR_ALWAYS, TMC_COLOR_NEVER } tmc_color_t;

typedef struct {
    char *input;   /* as given */
    char *ascii;   /* A-label, canonical; NULL for an invalid line of -f */
    char *display; /* U-label form; NULL for an invalid line of -f */
    unsigned long line; /* its line in the -f file, 0 for an argument */
    char *invalid; /* an invalid line of -f: why (translated), else NULL.  The
                      line is reported in its place and the others checked.
                      The spf subcommand keeps an invalid DOMAIN too: check_host()
                      gives it the result none (RFC 7208 section 4.3) */
    const char *file; /* the -f file of the line ("-" for standard input);
                         NULL for an argument */
} tmc_domain_t;

#define TMC_MAX_DOMAINS 100000
#define TMC_MAX_DOMAIN_FILES 64
/* The spf subcommand's --ip options: far more senders than a domain has,
 * few enough that one run stays short. */
#define TMC_MAX_SPF_IPS 1024
/* --deadline's default: far above a domain's worst case of tries and
 * timeouts, well below a CI job's own limit (docs/tmems-check.1). */
#define TMC_DEADLINE_DEFAULT_S 120

typedef struct {
    /* what to do */
    bool help, version;
    bool spf_mode;        /* "tmems-check spf DOMAIN --ip ADDR...": check_host() per address */
    const char *ips[TMC_MAX_SPF_IPS]; /* spf: every --ip, in the order given */
    size_t nips;
    const char *sender;   /* spf: --sender, default postmaster@DOMAIN */
    const char *helo;     /* spf: --helo, default DOMAIN */
    tmc_domain_t *domains;
    size_t ndomains;
    /* resolver */
    const char *servers[TM_RESOLVER_MAX_SERVERS];
    char server_csv[TM_RESOLVER_MAX_SERVERS][64];
    size_t nservers;
    const char *zones[TM_RESOLVER_MAX_ZONES];
    size_t nzones;
    const char *zone_include_dir; /* --zone-include-dir: $INCLUDE below it; NULL = off */
    tm_zone_format_t zone_format; /* --zone-format */
    bool plan;            /* --plan: proposed (--zone) against live DNS */
    bool offline;
    const char *doh_url;  /* --doh, checked with tm_resolver_doh_url_valid */
    unsigned timeout_ms, tries;
    unsigned deadline_s;   /* --deadline: the whole run's bound */
    unsigned max_queries;  /* --max-queries; 0 = the resolver's default */
    const char *cacert;    /* --cacert: CAs for an https:// --doh server */
    /* judge */
    const char *region;
    const char *rules_file;
    char *token;   /* without "tmes=" */
    tm_check_options_t check;
    tm_probe_options_t probe; /* --auth-port, --smtp-port; check.probe points here */
    bool strict;
    /* output */
    tmc_format_t format;
    tmc_color_t color;
    int verbosity;
    const char *lang;
    unsigned jobs;
    const char *domain_files[TMC_MAX_DOMAIN_FILES]; /* -f, in the order given */
    size_t ndomain_files;
    char *only_lists, *skip_lists; /* every --only and --skip, joined by ',' */
    const char *html_file; /* --html FILE: the HTML page, beside --format */
    char *command_line;    /* the arguments as given, for the HTML page's facts */
} tmc_params_t;

/* Parses argv.  On a usage error returns false with one English (already
 * translated) line in err, without a trailing newline.  Frees nothing on
 * success: call tmc_params_clear. */
bool tmc_params_parse(tmc_params_t *p, int argc, char **argv, char *err, size_t errlen);

/* Shared by the subcommands' option parsers: writes the message into err
 * and returns false; and a decimal number from min to max, nothing else
 * (no sign, no blanks, at most 9 digits). */
bool tmc_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool tmc_parse_uint(const char *text, unsigned min, unsigned max, unsigned *out);
void tmc_params_clear(tmc_params_t *p);
/* The --help text. */
const char *tmc_usage(void);

#endif
