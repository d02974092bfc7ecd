/* params.c - argv to tmc_params_t (CLI.md "Options").  Every value is
 * checked here, so a mistake costs the user one clear line and exit 2, and
 * never a half-run check. */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check/token_rule.h"
#include "tmc_params.h"
#include "tmems/tm_spf.h"
#include "util/file.h"
#include "util/tm_i18n.h"

enum {
    OPT_SERVER = 256,
    OPT_DOH,
    OPT_ZONE,
    OPT_ZONE_INCLUDE_DIR,
    OPT_OFFLINE,
    OPT_TIMEOUT,
    OPT_TRIES,
    OPT_MAX_QUERIES,
    OPT_REGION,
    OPT_RULES,
    OPT_COMPANY,
    OPT_TOKEN,
    OPT_PHASE,
    OPT_NO_OUTBOUND,
    OPT_FORMAT,
    OPT_LANG,
    OPT_COLOR,
    OPT_STRICT,
    OPT_ONLY,
    OPT_SKIP,
    OPT_VERSION,
    OPT_HELP,
    OPT_IP,
    OPT_SENDER,
    OPT_HELO,
    OPT_AUTHORITATIVE,
    OPT_SMTP,
    OPT_AUTH_PORT,
    OPT_SMTP_PORT,
    OPT_DEADLINE,
    OPT_CACERT,
    OPT_ZONE_FORMAT,
    OPT_PLAN,
    OPT_END /* one past the last: the size of the seen-options table */
};

static const struct option long_options[] = {
    {"server", required_argument, NULL, OPT_SERVER},
    {"doh", required_argument, NULL, OPT_DOH},
    {"zone", required_argument, NULL, OPT_ZONE},
    {"zone-include-dir", required_argument, NULL, OPT_ZONE_INCLUDE_DIR},
    {"offline", no_argument, NULL, OPT_OFFLINE},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"tries", required_argument, NULL, OPT_TRIES},
    {"max-queries", required_argument, NULL, OPT_MAX_QUERIES},
    {"region", required_argument, NULL, OPT_REGION},
    {"rules", required_argument, NULL, OPT_RULES},
    {"company", required_argument, NULL, OPT_COMPANY},
    {"token", required_argument, NULL, OPT_TOKEN},
    {"phase", required_argument, NULL, OPT_PHASE},
    {"no-outbound", no_argument, NULL, OPT_NO_OUTBOUND},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"lang", required_argument, NULL, OPT_LANG},
    {"color", required_argument, NULL, OPT_COLOR},
    {"colour", required_argument, NULL, OPT_COLOR},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"only", required_argument, NULL, OPT_ONLY},
    {"skip", required_argument, NULL, OPT_SKIP},
    {"version", no_argument, NULL, OPT_VERSION},
    {"help", no_argument, NULL, OPT_HELP},
    {"ip", required_argument, NULL, OPT_IP},
    {"sender", required_argument, NULL, OPT_SENDER},
    {"helo", required_argument, NULL, OPT_HELO},
    {"authoritative", no_argument, NULL, OPT_AUTHORITATIVE},
    {"smtp", no_argument, NULL, OPT_SMTP},
    {"auth-port", required_argument, NULL, OPT_AUTH_PORT},
    {"smtp-port", required_argument, NULL, OPT_SMTP_PORT},
    {"deadline", required_argument, NULL, OPT_DEADLINE},
    {"cacert", required_argument, NULL, OPT_CACERT},
    {"zone-format", required_argument, NULL, OPT_ZONE_FORMAT},
    {"plan", no_argument, NULL, OPT_PLAN},
    {NULL, 0, NULL, 0}};

const char *tmc_usage(void)
{
    return _("Usage: tmems-check [OPTIONS] DOMAIN...\n"
             "Checks that a domain's DNS is ready for Trend Micro Email Security.\n"
             "\n"
             "DNS:\n"
             "  --server ADDR[:PORT]  ask this DNS server (repeatable; IPv6 as [ADDR]:PORT)\n"
             "  --doh URL             DNS over HTTPS (RFC 8484): every query goes to this\n"
             "                        http:// or https:// URL; not with --server or --offline\n"
             "  --zone FILE           answer names inside this zone file from it (repeatable)\n"
             "  --zone-include-dir DIR  allow $INCLUDE in zone files, of files below DIR only\n"
             "  --zone-format F       what --zone reads: bind, octodns (ZONE.yaml or a ZONE./\n"
             "                        directory), dnscontrol (dnscontrol print-ir JSON) or\n"
             "                        auto (default: by name and content)\n"
             "  --plan                judge the --zone files (the proposed change) and the live\n"
             "                        DNS of the same domains in one run: per check fixed,\n"
             "                        broken, still failing or unchanged; the exit status\n"
             "                        follows the proposed zone\n"
             "  --offline             never use the network\n"
             "  --timeout MS          the wait for each try of a query (default 2000)\n"
             "  --tries N             attempts per query (default 3)\n"
             "  --deadline S          the whole run ends within S seconds, every wait\n"
             "                        included (default 120)\n"
             "  --max-queries N       DNS questions in flight at most, 1 to 4096 (default\n"
             "                        512); the tool starts at 128 and adapts\n"
             "  --cacert FILE         CA certificates to trust for an https:// --doh server\n"
             "                        (CURL_CA_BUNDLE, SSL_CERT_FILE as with curl)\n"
             "Checks:\n"
             "  --region R            jp, us, eu, anz, sg, in, uae (default jp)\n"
             "  --rules FILE          rules JSON replacing the bundled ones\n"
             "  --company ID          the expected company ID\n"
             "  --token VALUE         the expected ownership token (with or without tmes=)\n"
             "  --phase P             pre, post or auto (default auto)\n"
             "  --no-outbound         outbound protection is off: the TMEmS SPF findings are\n"
             "                        information (a broken SPF record still fails)\n"
             "  --only IDS, --skip IDS  comma-separated check ids or prefixes (mx.);\n"
             "                        repeatable, the lists add up\n"
             "  --strict              warnings make the exit status 1\n"
             "  --authoritative       also ask each authoritative server directly (no\n"
             "                        recursion) and compare their answers (dns.consistency)\n"
             "  --smtp                greet each receiving server on TCP 25: 220, EHLO,\n"
             "                        STARTTLS (inbound.smtp)\n"
             "  --auth-port N, --smtp-port N  testing aids: the port the authoritative\n"
             "                        servers (default 53) and the receiving servers\n"
             "                        (default 25) are asked on\n"
             "Output:\n"
             "  --format F            text, json, jsonl (one result a line), junit (JUnit\n"
             "                        XML for CI), github (GitHub Actions annotations and\n"
             "                        a summary in $GITHUB_STEP_SUMMARY), sarif (SARIF\n"
             "                        2.1.0) or markdown; default text\n"
             "  --lang L              ja or en (default from the locale)\n"
             "  --color W             auto, always or never (NO_COLOR is honoured)\n"
             "  -v, -q                more detail (repeatable: -vv), or the verdict line only\n"
             "Many domains:\n"
             "  -f FILE               domains from FILE, one a line ('#' comments; - is stdin);\n"
             "                        a line that is not a domain name fails on its own;\n"
             "                        repeatable, the files are read in order\n"
             "  -j N                  domains checked at once (default 256)\n"
             "  --version, --help\n"
             "\n"
             "Only --server, --zone, -f, --only, --skip and -v may be given more than once;\n"
             "any other option given twice is a usage error.\n"
             "\n"
             "  tmems-check spf [OPTIONS] DOMAIN --ip ADDR [--sender ADDR] [--helo NAME]\n"
             "                        RFC 7208 check_host() for one address, with its trace;\n"
             "                        a malformed DOMAIN gives the result none (RFC 7208\n"
             "                        section 4.3)\n"
             "\n"
             "Exit status: 0 ready (or, with --only/--skip leaving out the token, MX or SPF\n"
             "checks, every selected check passed), 1 not ready (a check failed, or warned\n"
             "under --strict), 2 usage or input error, 3 verdict unknown (DNS did not\n"
             "answer, or the token, MX or SPF records could not be judged).\n");
}

static bool fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return false;
}

static bool parse_uint(const char *text, unsigned min, unsigned max, unsigned *out)
{
    if (!text[0] || strspn(text, "0123456789") != strlen(text) || strlen(text) > 9)
        return false;
    unsigned long v = strtoul(text, NULL, 10);
    if (v < min || v > max)
        return false;
    *out = (unsigned)v;
    return true;
}

/* A slot for one more domain: the array doubles, so a list of 100,000 lines
 * costs a few reallocations, not one per line. */
static tmc_domain_t *new_domain(tmc_params_t *p, char *err, size_t errlen)
{
    size_t n = p->ndomains;
    if (n >= TMC_MAX_DOMAINS) {
        fail(err, errlen, _("too many domains (at most %d)"), TMC_MAX_DOMAINS);
        return NULL;
    }
    if (n == 0 || (n >= 16 && (n & (n - 1)) == 0)) {
        tmc_domain_t *grown = realloc(p->domains, (n ? 2 * n : 16) * sizeof(*grown));
        if (!grown) {
            fail(err, errlen, "%s", _("out of memory"));
            return NULL;
        }
        p->domains = grown;
    }
    tmc_domain_t *d = &p->domains[p->ndomains++];
    memset(d, 0, sizeof(*d));
    return d;
}

/* An argument (line 0) or a line of -f.  An invalid argument is a usage
 * error (exit 2 before any query); an invalid line is kept, with the
 * reason, to be reported in its place while the other lines are checked. */
static bool add_domain(tmc_params_t *p, const char *input, unsigned long line, char *err,
                       size_t errlen)
{
    char ascii[TM_NAME_MAX + 1], display[TM_NAME_MAX * 4 + 1];
    const char *why = NULL;
    bool valid = tm_domain_from_user(input, ascii, display, &why) == TM_OK;
    /* The spf subcommand is a check_host() front end: a malformed domain is
     * its result none (RFC 7208 section 4.3), so the argument is kept. */
    if (!valid && line == 0 && !p->spf_mode)
        /* tmc_error escapes the whole line, so a hostile argument cannot
         * reach the terminal raw. */
        return fail(err, errlen, _("invalid domain name '%s': %s"), input, why ? _(why) : "");
    tmc_domain_t *d = new_domain(p, err, errlen);
    if (!d)
        return false;
    d->line = line;
    d->input = strdup(input);
    if (valid) {
        d->ascii = strdup(ascii);
        d->display = strdup(display);
    } else {
        d->invalid = strdup(why ? _(why) : "");
    }
    if (!d->input || (valid && (!d->ascii || !d->display)) || (!valid && !d->invalid))
        return fail(err, errlen, "%s", _("out of memory"));
    return true;
}

/* A line of the -f file, at most cap - 1 bytes kept; *len counts them all
 * (a NUL byte included), so a longer line is seen as such and skipped whole.
 * False at the end of the input. */
/* The next line of text[*pos..len), without its '\n', into buf (cut to
 * cap - 1 bytes; *len gets its full length).  False at the end. */
static bool read_line(const char *text, size_t textlen, size_t *pos, char *buf, size_t cap,
                      size_t *len)
{
    if (*pos >= textlen)
        return false;
    *len = 0;
    while (*pos < textlen && text[*pos] != '\n') {
        if (*len < cap - 1)
            buf[*len] = text[*pos];
        (*len)++;
        (*pos)++;
    }
    if (*pos < textlen)
        (*pos)++; /* the '\n' */
    buf[*len < cap - 1 ? *len : cap - 1] = '\0';
    return true;
}

typedef struct {
    const char *ascii;
    size_t index;
} name_at_t;

static int by_name_then_index(const void *a, const void *b)
{
    const name_at_t *x = a, *y = b;
    int c = strcmp(x->ascii, y->ascii);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

static void domain_free(tmc_domain_t *d)
{
    free(d->input);
    free(d->ascii);
    free(d->display);
    free(d->invalid);
}

/* A domain listed twice in the -f file is checked once, in the place it
 * was first listed (arguments are taken as given).  Sorting copies of the
 * names keeps this O(n log n) for the largest lists. */
static bool drop_repeats(tmc_params_t *p, char *err, size_t errlen)
{
    size_t n = 0;
    name_at_t *names = malloc((p->ndomains ? p->ndomains : 1) * sizeof(*names));
    if (!names)
        return fail(err, errlen, "%s", _("out of memory"));
    for (size_t i = 0; i < p->ndomains; i++) {
        if (p->domains[i].ascii && p->domains[i].line)
            names[n++] = (name_at_t){p->domains[i].ascii, i};
    }
    qsort(names, n, sizeof(*names), by_name_then_index);
    for (size_t i = 1, first = 0; i < n; i++) {
        if (strcmp(names[i].ascii, names[first].ascii) != 0) {
            first = i;
            continue;
        }
        tmc_domain_t *d = &p->domains[names[i].index];
        free(d->ascii); /* marks it: ascii NULL without a reason */
        d->ascii = NULL;
    }
    free(names);
    size_t kept = 0;
    for (size_t i = 0; i < p->ndomains; i++) {
        tmc_domain_t *d = &p->domains[i];
        if (!d->ascii && !d->invalid) {
            domain_free(d);
            continue;
        }
        p->domains[kept++] = *d;
    }
    p->ndomains = kept;
    return true;
}

/* -f FILE: one domain a line, '#' starts a comment, blank lines are
 * skipped, '-' is standard input.  A line that is not a domain name is
 * kept with its reason: it is reported for that line (CLI.md). */
static bool read_domains_file(tmc_params_t *p, const char *path, char *err, size_t errlen)
{
    char *text = NULL, problem[128];
    size_t textlen = 0, pos = 0;
    tm_file_error_t file_error;
    if (tm_file_read(path, TM_DOMAINS_FILE_MAX, true, &text, &textlen, &file_error) != TM_OK)
        return fail(err, errlen, _("cannot read domain file '%s': %s"), path,
                    tm_file_strerror(&file_error, problem, sizeof problem));
    size_t first = p->ndomains;
    char line[1024];
    size_t len;
    unsigned long lineno = 0;
    bool ok = true;
    while (ok && read_line(text, textlen, &pos, line, sizeof(line), &len)) {
        lineno++;
        bool has_nul = strlen(line) < len && strlen(line) < sizeof(line) - 1;
        size_t keep = strcspn(line, "#\r");
        if (len >= sizeof(line) && keep == sizeof(line) - 1) {
            /* No name is a kilobyte long: the line is reported, cut. */
            char why[128];
            snprintf(why, sizeof(why), _("the line is longer than %zu bytes"), sizeof(line) - 1);
            snprintf(line + 60, sizeof(line) - 60, "...");
            tmc_domain_t *d = new_domain(p, err, errlen);
            ok = d != NULL;
            if (d) {
                d->line = lineno;
                d->input = strdup(line);
                d->invalid = strdup(why);
                if (!d->input || !d->invalid)
                    ok = fail(err, errlen, "%s", _("out of memory"));
            }
            continue;
        }
        bool nul_in_name = has_nul && keep == strlen(line);
        line[keep] = '\0';
        char *start = line;
        while (*start == ' ' || *start == '\t')
            start++;
        char *end = start + strlen(start);
        while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
            *--end = '\0';
        if (!*start)
            continue;
        if (nul_in_name) {
            tmc_domain_t *d = new_domain(p, err, errlen);
            ok = d != NULL;
            if (d) {
                d->line = lineno;
                d->input = strdup(start);
                d->invalid = strdup(_("the line contains a NUL byte"));
                if (!d->input || !d->invalid)
                    ok = fail(err, errlen, "%s", _("out of memory"));
            }
            continue;
        }
        ok = add_domain(p, start, lineno, err, errlen);
    }
    tm_free(text);
    for (size_t i = first; i < p->ndomains; i++)
        p->domains[i].file = path;
    return ok;
}

static bool known_region(const char *region)
{
    for (const char *const *r = tm_rules_regions(); *r; r++) {
        if (strcmp(*r, region) == 0)
            return true;
    }
    return false;
}

static bool check_list(const char *option, const char *list, char *err, size_t errlen)
{
    const char *bad;
    size_t badlen;
    if (tm_check_list_valid(list, &bad, &badlen))
        return true;
    char item[128];
    snprintf(item, sizeof(item), "%.*s", (int)(badlen < 100 ? badlen : 100), bad);
    snprintf(err, errlen, _("%s: '%s' names no check (ids are listed in docs/checks.md)"), option,
             item);
    return false;
}

/* --only and --skip add up: each list is checked, then appended to the
 * ones given before (a comma between them), so "--only mx. --only spf."
 * selects both, as "--only mx.,spf." does. */
static bool add_list(const char *option, char **lists, const char *list, char *err,
                     size_t errlen)
{
    if (!check_list(option, list, err, errlen))
        return false;
    size_t had = *lists ? strlen(*lists) : 0, len = strlen(list);
    char *grown = realloc(*lists, had + 1 + len + 1);
    if (!grown)
        return fail(err, errlen, "%s", _("out of memory"));
    if (had)
        grown[had++] = ',';
    memcpy(grown + had, list, len + 1);
    *lists = grown;
    return true;
}

/* The options that may be given more than once: their values add up. */
static bool repeatable(int c)
{
    return c == OPT_SERVER || c == OPT_ZONE || c == OPT_ONLY || c == OPT_SKIP || c == 'f' ||
           c == 'v';
}

bool tmc_params_parse(tmc_params_t *p, int argc, char **argv, char *err, size_t errlen)
{
    memset(p, 0, sizeof(*p));
    p->timeout_ms = 2000;
    p->tries = 3;
    p->deadline_s = TMC_DEADLINE_DEFAULT_S;
    p->region = "jp";
    p->check.phase = TM_PHASE_AUTO;
    p->check.outbound = true;
    p->jobs = TM_BATCH_JOBS_DEFAULT;

    opterr = 0; /* our own messages, one line each */
    /* 0, not 1: glibc then rescans from scratch, so a previous parse that
     * stopped inside a cluster of short options ("-Zv") leaves nothing behind. */
    optind = 0;
    if (argc > 1 && strcmp(argv[1], "spf") == 0) {
        p->spf_mode = true;
        argc--; /* "spf" stands where the program name was */
        argv++;
    }
    int c, longindex = -1;
    bool seen[OPT_END] = {false};
    while ((c = getopt_long(argc, argv, ":vqj:f:", long_options, &longindex)) != -1) {
        const char *arg = optarg;
        /* A value given twice is a mistake the last one would hide: refuse
         * it rather than drop one silently. */
        if (c > 0 && c < OPT_END && c != ':' && c != '?' && !repeatable(c)) {
            if (seen[c]) {
                char name[64];
                if (c >= OPT_SERVER && longindex >= 0)
                    snprintf(name, sizeof(name), "--%s", long_options[longindex].name);
                else
                    snprintf(name, sizeof(name), "-%c", c);
                return fail(err, errlen,
                            _("option '%s' can be given only once (repeatable: --server, "
                              "--zone, -f, --only, --skip, -v)"),
                            name);
            }
            seen[c] = true;
        }
        longindex = -1;
        switch (c) {
        case OPT_SERVER:
            if (p->nservers >= TM_RESOLVER_MAX_SERVERS)
                return fail(err, errlen, _("too many --server options (at most %d)"), TM_RESOLVER_MAX_SERVERS);
            if (!tm_resolver_server_valid(arg, p->server_csv[p->nservers],
                                          sizeof(p->server_csv[0])))
                return fail(err, errlen,
                            _("invalid --server value '%s': expected an IP address, "
                              "ADDR:PORT, or [IPv6]:PORT"),
                            arg);
            p->servers[p->nservers] = p->server_csv[p->nservers];
            p->nservers++;
            break;
        case OPT_ZONE:
            if (p->nzones >= TM_RESOLVER_MAX_ZONES)
                return fail(err, errlen, _("too many --zone options (at most %d)"), TM_RESOLVER_MAX_ZONES);
            p->zones[p->nzones++] = arg;
            break;
        case OPT_ZONE_INCLUDE_DIR: p->zone_include_dir = arg; break;
        case OPT_DOH: {
            const char *why = NULL;
            if (!tm_resolver_doh_url_valid(arg, &why))
                return fail(err, errlen, _("invalid --doh value '%s': %s"), arg, _(why));
            p->doh_url = arg;
            break;
        }
        case OPT_OFFLINE: p->offline = true; break;
        case OPT_TIMEOUT:
            if (!parse_uint(arg, 1, 60000, &p->timeout_ms))
                return fail(err, errlen,
                            _("invalid --timeout value '%s': milliseconds from 1 to 60000"),
                            arg);
            break;
        case OPT_TRIES:
            if (!parse_uint(arg, 1, 10, &p->tries))
                return fail(err, errlen, _("invalid --tries value '%s': from 1 to 10"), arg);
            break;
        case OPT_DEADLINE:
            if (!parse_uint(arg, 1, 86400, &p->deadline_s))
                return fail(err, errlen,
                            _("invalid --deadline value '%s': seconds from 1 to 86400"), arg);
            break;
        case OPT_CACERT: p->cacert = arg; break;
        case OPT_MAX_QUERIES:
            if (!parse_uint(arg, 1, 4096, &p->max_queries))
                return fail(err, errlen, _("invalid --max-queries value '%s': from 1 to 4096"),
                            arg);
            break;
        case OPT_REGION:
            if (!known_region(arg))
                return fail(err, errlen,
                            _("unknown --region '%s': use jp, us, eu, anz, sg, in or uae"), arg);
            p->region = arg;
            break;
        case OPT_RULES: p->rules_file = arg; break;
        case OPT_COMPANY:
            /* validated by company.id, which explains the rule */
            p->check.company = arg;
            break;
        case OPT_TOKEN: {
            const char *value;
            if (!tm_token_given_valid(arg, TM_TOKEN_PREFIX, TM_TOKEN_LENGTH, &value, err, errlen))
                return false;
            free(p->token);
            p->token = strdup(value);
            if (!p->token)
                return fail(err, errlen, "%s", _("out of memory"));
            p->check.token = p->token;
            break;
        }
        case OPT_PHASE:
            if (strcmp(arg, "pre") == 0)
                p->check.phase = TM_PHASE_PRE;
            else if (strcmp(arg, "post") == 0)
                p->check.phase = TM_PHASE_POST;
            else if (strcmp(arg, "auto") == 0)
                p->check.phase = TM_PHASE_AUTO;
            else
                return fail(err, errlen, _("invalid --phase '%s': use pre, post or auto"), arg);
            break;
        case OPT_NO_OUTBOUND: p->check.outbound = false; break;
        case OPT_FORMAT:
            if (strcmp(arg, "text") == 0)
                p->format = TMC_FORMAT_TEXT;
            else if (strcmp(arg, "json") == 0)
                p->format = TMC_FORMAT_JSON;
            else if (strcmp(arg, "jsonl") == 0)
                p->format = TMC_FORMAT_JSONL;
            else if (strcmp(arg, "junit") == 0)
                p->format = TMC_FORMAT_JUNIT;
            else if (strcmp(arg, "github") == 0)
                p->format = TMC_FORMAT_GITHUB;
            else if (strcmp(arg, "sarif") == 0)
                p->format = TMC_FORMAT_SARIF;
            else if (strcmp(arg, "markdown") == 0)
                p->format = TMC_FORMAT_MARKDOWN;
            else
                return fail(err, errlen,
                            _("invalid --format '%s': use text, json, jsonl, junit, github, "
                              "sarif or markdown"),
                            arg);
            break;
        case OPT_ZONE_FORMAT:
            if (!tm_zone_format_parse(arg, &p->zone_format))
                return fail(err, errlen,
                            _("invalid --zone-format '%s': use auto, bind, octodns or dnscontrol"),
                            arg);
            break;
        case OPT_PLAN: p->plan = true; break;
        case OPT_LANG:
            if (strcmp(arg, "ja") != 0 && strcmp(arg, "en") != 0)
                return fail(err, errlen, _("invalid --lang '%s': use ja or en"), arg);
            p->lang = arg;
            break;
        case OPT_COLOR:
            if (strcmp(arg, "auto") == 0)
                p->color = TMC_COLOR_AUTO;
            else if (strcmp(arg, "always") == 0)
                p->color = TMC_COLOR_ALWAYS;
            else if (strcmp(arg, "never") == 0)
                p->color = TMC_COLOR_NEVER;
            else
                return fail(err, errlen, _("invalid --color '%s': use auto, always or never"),
                            arg);
            break;
        case OPT_STRICT: p->strict = true; break;
        case OPT_AUTHORITATIVE: p->check.authoritative = true; break;
        case OPT_SMTP: p->check.smtp = true; break;
        case OPT_AUTH_PORT:
        case OPT_SMTP_PORT: {
            unsigned port;
            if (!parse_uint(arg, 1, 65535, &port))
                return fail(err, errlen, _("invalid %s value '%s': a port from 1 to 65535"),
                            c == OPT_AUTH_PORT ? "--auth-port" : "--smtp-port", arg);
            if (c == OPT_AUTH_PORT)
                p->probe.auth_port = (uint16_t)port;
            else
                p->probe.smtp_port = (uint16_t)port;
            break;
        }
        case OPT_ONLY:
            if (!add_list("--only", &p->only_lists, arg, err, errlen))
                return false;
            p->check.only = p->only_lists;
            break;
        case OPT_SKIP:
            if (!add_list("--skip", &p->skip_lists, arg, err, errlen))
                return false;
            p->check.skip = p->skip_lists;
            break;
        case OPT_IP:
        case OPT_SENDER:
        case OPT_HELO:
            /* named from c: argv[optind - 1] is the value when it came
             * as a separate argument */
            if (!p->spf_mode)
                return fail(err, errlen, _("%s only goes with the spf subcommand"),
                            c == OPT_IP ? "--ip" : c == OPT_SENDER ? "--sender" : "--helo");
            if (c == OPT_IP) {
                tm_ip_t ip;
                if (!tm_ip_parse(arg, &ip))
                    return fail(err, errlen, _("invalid --ip value '%s': an IPv4 or IPv6 address"),
                                arg);
                p->ip = arg;
            } else if (strlen(arg) > TM_SPF_INPUT_MAX) {
                return fail(err, errlen, _("%s is longer than %d bytes"),
                            c == OPT_SENDER ? "--sender" : "--helo", TM_SPF_INPUT_MAX);
            } else if (c == OPT_SENDER) {
                p->sender = arg;
            } else {
                p->helo = arg;
            }
            break;
        case OPT_VERSION: p->version = true; return true;
        case OPT_HELP: p->help = true; return true;
        case 'v': p->verbosity = p->verbosity < 0 ? 1 : p->verbosity + 1; break;
        case 'q': p->verbosity = -1; break;
        case 'j':
            if (!parse_uint(arg, 1, 4096, &p->jobs))
                return fail(err, errlen, _("invalid -j value '%s': from 1 to 4096"), arg);
            break;
        case 'f':
            if (p->ndomain_files >= TMC_MAX_DOMAIN_FILES)
                return fail(err, errlen, _("too many -f options (at most %d)"),
                            TMC_MAX_DOMAIN_FILES);
            for (size_t i = 0; strcmp(arg, "-") == 0 && i < p->ndomain_files; i++) {
                if (strcmp(p->domain_files[i], "-") == 0)
                    return fail(err, errlen,
                                _("-f - is given twice: standard input can be read only once"));
            }
            p->domain_files[p->ndomain_files++] = arg;
            break;
        case ':':
            return fail(err, errlen, _("option '%s' needs a value"), argv[optind - 1]);
        default: {
            char shown[64];
            /* optopt is an unknown short option's character; for a long one
             * it is 0, or the option's value when it was given a value it
             * does not take ("--offline=yes"). */
            if (optopt >= OPT_SERVER)
                return fail(err, errlen, _("option '%.60s' takes no value"), argv[optind - 1]);
            if (optopt)
                snprintf(shown, sizeof(shown), "-%c", optopt);
            else
                snprintf(shown, sizeof(shown), "%.60s", argv[optind - 1]);
            return fail(err, errlen, _("unknown option '%s'; see tmems-check --help"), shown);
        }
        }
    }
    p->check.offline = p->offline;
    /* The probes of --authoritative and --smtp keep the DNS bounds. */
    p->probe.timeout_ms = p->timeout_ms;
    p->probe.tries = p->tries;
    p->check.probe = &p->probe;
    /* One transport at a time: with --doh every query goes to the URL, so
     * a --server would silently be ignored. */
    if (p->doh_url && p->offline)
        return fail(err, errlen, _("--doh and --offline exclude each other"));
    if (p->doh_url && p->nservers)
        return fail(err, errlen, _("--doh and --server exclude each other: with --doh every "
                                   "query goes to the URL"));
    if (p->cacert && !p->doh_url)
        return fail(err, errlen, _("--cacert only goes with --doh (the CAs of an https:// "
                                   "DoH server)"));
    for (size_t i = 0; i < p->ndomain_files; i++) {
        if (!read_domains_file(p, p->domain_files[i], err, errlen))
            return false;
    }
    for (int i = optind; i < argc; i++) {
        if (!add_domain(p, argv[i], 0, err, errlen))
            return false;
    }
    if (!drop_repeats(p, err, errlen))
        return false;
    for (size_t i = 0; p->spf_mode && i < p->ndomains; i++) {
        const tmc_domain_t *d = &p->domains[i];
        if (d->invalid && d->file) /* one evaluation: nothing else to go on with */
            return fail(err, errlen, _("%s:%lu: invalid domain name '%s': %s"), d->file,
                        d->line, d->input, d->invalid);
    }
    if (p->ndomains == 0)
        return fail(err, errlen, _("no domain given; see tmems-check --help"));
    if (p->spf_mode && p->ndomains != 1)
        return fail(err, errlen, _("the spf subcommand checks exactly one domain"));
    if (p->spf_mode && !p->ip)
        return fail(err, errlen, _("the spf subcommand needs --ip ADDR"));
    if (p->spf_mode && p->format == TMC_FORMAT_JUNIT)
        return fail(err, errlen, _("--format junit reports domain checks; the spf subcommand "
                                   "writes text or json"));
    if (p->spf_mode && p->format == TMC_FORMAT_JSONL)
        p->format = TMC_FORMAT_JSON;
    if (p->spf_mode && p->format > TMC_FORMAT_JUNIT)
        return fail(err, errlen, _("the spf subcommand writes text or json"));
    if (p->plan && (p->spf_mode || p->nzones == 0))
        return fail(err, errlen, _("--plan needs --zone: the proposed zone to compare with the "
                                   "live DNS"));
    if (p->plan && p->offline)
        return fail(err, errlen, _("--plan and --offline exclude each other: the plan compares "
                                   "with the live DNS"));
    if (p->plan && p->format != TMC_FORMAT_TEXT && p->format != TMC_FORMAT_JSON &&
        p->format != TMC_FORMAT_MARKDOWN && p->format != TMC_FORMAT_GITHUB)
        return fail(err, errlen, _("--plan writes text, json, markdown or github"));
    return true;
}

void tmc_params_clear(tmc_params_t *p)
{
    for (size_t i = 0; i < p->ndomains; i++)
        domain_free(&p->domains[i]);
    free(p->domains);
    free(p->token);
    free(p->only_lists);
    free(p->skip_lists);
    memset(p, 0, sizeof(*p));
}
