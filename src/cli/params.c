/* params.c - argv to tmc_params_t (docs/cli.md "Options").  Every value is
 * checked here, so a mistake costs the user one clear line and exit 2, and
 * never a half-run check. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmems/tm_token.h"
#include "tmc_params.h"
#include "tmems/tm_spf.h"
#include "tmems/tm_file.h"
#include "tmems/tm_i18n.h"

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
             "  --spf-own DOMAINS     comma-separated domains whose hosts and SPF records\n"
             "                        are yours besides the one checked: the SPF remedy\n"
             "                        may flatten them into ip4:/ip6: terms\n"
             "  --auth-port N, --smtp-port N  testing aids: the port the authoritative\n"
             "                        servers (default 53) and the receiving servers\n"
             "                        (default 25) are asked on\n"
             "Output:\n"
             "  --format F            text, json, jsonl (one result a line), junit\n"
             "                        (JUnit XML for CI), html (one self-contained page),\n"
             "                        github (GitHub Actions annotations and a summary in\n"
             "                        $GITHUB_STEP_SUMMARY), sarif (SARIF 2.1.0) or\n"
             "                        markdown; default text\n"
             "  --html FILE           also write the HTML page to FILE, beside --format\n"
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
             "Only --server, --zone, -f, --only, --skip, -v and the spf subcommand's --ip\n"
             "may be given more than once; any other option given twice is a usage error.\n"
             "\n"
             "  tmems-check spf [OPTIONS] DOMAIN --ip ADDR [--ip ADDR]... [--sender ADDR]\n"
             "                  [--helo NAME]\n"
             "                        RFC 7208 check_host() for each address, with its trace;\n"
             "                        a malformed DOMAIN gives the result none (RFC 7208\n"
             "                        section 4.3); see tmems-check spf --help\n"
             "  tmems-check checks [--format text|json]\n"
             "                        the check ids --only and --skip take, with what each\n"
             "                        checks\n"
             "\n"
             "Exit status: 0 ready (or, with --only/--skip leaving out the token, MX or SPF\n"
             "checks, every selected check passed), 1 not ready (a check failed, or warned\n"
             "under --strict), 2 usage or input error, 3 verdict unknown (DNS did not\n"
             "answer, or the token, MX or SPF records could not be judged), 4 the report\n"
             "could not be written to standard output.\n");
}

bool tmc_fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return false;
}

bool tmc_parse_uint(const char *text, unsigned min, unsigned max, unsigned *out)
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
        tmc_fail(err, errlen, _("too many domains (at most %d)"), TMC_MAX_DOMAINS);
        return NULL;
    }
    if (n == 0 || (n >= 16 && (n & (n - 1)) == 0)) {
        tmc_domain_t *grown = realloc(p->domains, (n ? 2 * n : 16) * sizeof(*grown));
        if (!grown) {
            tmc_fail(err, errlen, "%s", _("out of memory"));
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
    tm_status_t st = tm_domain_from_user(input, ascii, display, &why);
    /* A missing IDN plugin is an error of the installation, not of the
     * name: every internationalised name would be refused the same way. */
    if (st == TM_EUNSUPPORTED) {
        tm_idn_ready(err, errlen);
        return false;
    }
    bool valid = st == TM_OK;
    /* The domain checked receives mail: a host name, letters, digits and
     * '-' (RFC 5321 section 4.1.2, RFC 1123 section 2.1).  An underscore
     * belongs to service labels (_spf, _dmarc), which the spf subcommand
     * evaluates, so only the check refuses it. */
    if (valid && !p->spf_mode && strchr(ascii, '_')) {
        valid = false;
        why = N_("a mail domain is a host name: only letters, digits, '-' and '.' (no '_')");
    }
    /* The spf subcommand is a check_host() front end: a malformed domain is
     * its result none (RFC 7208 section 4.3), so the argument is kept. */
    if (!valid && line == 0 && !p->spf_mode)
        /* tmc_error escapes the whole line, so a hostile argument cannot
         * reach the terminal raw. */
        return tmc_fail(err, errlen, _("invalid domain name '%s': %s"), input, why ? _(why) : "");
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
        return tmc_fail(err, errlen, "%s", _("out of memory"));
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

/* A domain listed twice (in -f files or as arguments) is checked once, in
 * the place it was first listed.  Sorting copies of the
 * names keeps this O(n log n) for the largest lists. */
static bool drop_repeats(tmc_params_t *p, char *err, size_t errlen)
{
    size_t n = 0;
    name_at_t *names = malloc((p->ndomains ? p->ndomains : 1) * sizeof(*names));
    if (!names)
        return tmc_fail(err, errlen, "%s", _("out of memory"));
    for (size_t i = 0; i < p->ndomains; i++) {
        if (p->domains[i].ascii)
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
 * kept with its reason: it is reported for that line (docs/cli.md). */
static bool read_domains_file(tmc_params_t *p, const char *path, char *err, size_t errlen)
{
    char *text = NULL, problem[128];
    size_t textlen = 0, pos = 0;
    tm_file_error_t file_error;
    if (tm_file_read(path, TM_DOMAINS_FILE_MAX, true, &text, &textlen, &file_error) != TM_OK)
        return tmc_fail(err, errlen, _("cannot read domain file '%s': %s"), path,
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
            snprintf(why, sizeof(why),
                     dngettext(TM_TEXTDOMAIN, "the line is longer than %zu byte",
                               "the line is longer than %zu bytes", sizeof(line) - 1),
                     sizeof(line) - 1);
            snprintf(line + 60, sizeof(line) - 60, "...");
            tmc_domain_t *d = new_domain(p, err, errlen);
            ok = d != NULL;
            if (d) {
                d->line = lineno;
                d->input = strdup(line);
                d->invalid = strdup(why);
                if (!d->input || !d->invalid)
                    ok = tmc_fail(err, errlen, "%s", _("out of memory"));
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
                    ok = tmc_fail(err, errlen, "%s", _("out of memory"));
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
    snprintf(err, errlen, _("%s: '%s' names no check; tmems-check checks lists them"), option,
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
        return tmc_fail(err, errlen, "%s", _("out of memory"));
    if (had)
        grown[had++] = ',';
    memcpy(grown + had, list, len + 1);
    *lists = grown;
    return true;
}

/* ---- the option table ---------------------------------------------------
 * Every option is one row: its names, whether it takes a value and may be
 * repeated, and what it does with the value.  Most do one of a few common
 * things (set a flag, a number in a range, one word of a list, keep the
 * text); the rest name a handler.  The getopt_long table, the short-option
 * string and the "given twice" rule are all derived from these rows
 * (docs/tmems-check.1, OPTIONS). */

typedef struct opt_spec opt_spec_t;
typedef bool (*opt_handler_t)(tmc_params_t *p, const opt_spec_t *o, const char *arg,
                              char *err, size_t errlen);

typedef enum {
    OPT_SET_TRUE,   /* a bool at offset becomes true */
    OPT_SET_FALSE,  /* a bool at offset becomes false */
    OPT_STOP,       /* a bool at offset becomes true and parsing ends (--help) */
    OPT_UINT,       /* an unsigned at offset, min..max */
    OPT_PORT,       /* a uint16_t at offset, 1..65535 */
    OPT_CHOICE,     /* an enum at offset: one of choices */
    OPT_TEXT,       /* a const char * at offset: the value as given */
    OPT_HANDLER     /* handler */
} opt_kind_t;

typedef struct {
    const char *word;
    int value;
} opt_choice_t;

struct opt_spec {
    const char *name;  /* long name, or NULL */
    const char *alias; /* a second long name (--colour), or NULL */
    char short_name;   /* or 0 */
    bool value;        /* takes a value */
    bool repeatable;   /* may be given more than once: the values add up */
    opt_kind_t kind;
    size_t offset;     /* in tmc_params_t */
    unsigned min, max; /* OPT_UINT */
    const opt_choice_t *choices; /* OPT_CHOICE, ended by a NULL word */
    const char *expect; /* N_(): what a valid value is, after "invalid ... '%s': " */
    opt_handler_t handler;
};

/* enum members are written through an int (OPT_CHOICE) */
_Static_assert(sizeof(tm_phase_t) == sizeof(int), "tm_phase_t is an int");
_Static_assert(sizeof(tmc_format_t) == sizeof(int), "tmc_format_t is an int");
_Static_assert(sizeof(tmc_color_t) == sizeof(int), "tmc_color_t is an int");
_Static_assert(sizeof(tm_zone_format_t) == sizeof(int), "tm_zone_format_t is an int");

static const opt_choice_t phases[] = {
    {"pre", TM_PHASE_PRE}, {"post", TM_PHASE_POST}, {"auto", TM_PHASE_AUTO}, {NULL, 0}};
static const opt_choice_t formats[] = {{"text", TMC_FORMAT_TEXT},
                                       {"json", TMC_FORMAT_JSON},
                                       {"jsonl", TMC_FORMAT_JSONL},
                                       {"junit", TMC_FORMAT_JUNIT},
                                       {"html", TMC_FORMAT_HTML},
                                       {"github", TMC_FORMAT_GITHUB},
                                       {"sarif", TMC_FORMAT_SARIF},
                                       {"markdown", TMC_FORMAT_MARKDOWN},
                                       {NULL, 0}};
/* --zone-format: tm_zone_format_t (tm_resolve.h) */
static const opt_choice_t zone_formats[] = {{"auto", TM_ZONE_FORMAT_AUTO},
                                            {"bind", TM_ZONE_FORMAT_BIND},
                                            {"octodns", TM_ZONE_FORMAT_OCTODNS},
                                            {"dnscontrol", TM_ZONE_FORMAT_DNSCONTROL},
                                            {NULL, 0}};
static const opt_choice_t colors[] = {{"auto", TMC_COLOR_AUTO},
                                      {"always", TMC_COLOR_ALWAYS},
                                      {"never", TMC_COLOR_NEVER},
                                      {NULL, 0}};

/* The option's name as a user writes it: "--timeout", "-j". */
static const char *shown_name(const opt_spec_t *o, char *buf, size_t len)
{
    if (o->name)
        snprintf(buf, len, "--%s", o->name);
    else
        snprintf(buf, len, "-%c", o->short_name);
    return buf;
}

static bool on_server(tmc_params_t *p, const opt_spec_t *o, const char *arg, char *err,
                      size_t errlen)
{
    (void)o;
    if (p->nservers >= TM_RESOLVER_MAX_SERVERS)
        return tmc_fail(err, errlen, _("too many --server options (at most %d)"),
                    TM_RESOLVER_MAX_SERVERS);
    if (!tm_resolver_server_valid(arg, p->server_csv[p->nservers], sizeof(p->server_csv[0])))
        return tmc_fail(err, errlen,
                    _("invalid --server value '%s': expected an IP address, "
                      "ADDR:PORT, or [IPv6]:PORT"),
                    arg);
    p->servers[p->nservers] = p->server_csv[p->nservers];
    p->nservers++;
    return true;
}

static bool on_zone(tmc_params_t *p, const opt_spec_t *o, const char *arg, char *err,
                    size_t errlen)
{
    (void)o;
    if (p->nzones >= TM_RESOLVER_MAX_ZONES)
        return tmc_fail(err, errlen, _("too many --zone options (at most %d)"),
                    TM_RESOLVER_MAX_ZONES);
    p->zones[p->nzones++] = arg;
    return true;
}

static bool on_doh(tmc_params_t *p, const opt_spec_t *o, const char *arg, char *err,
                   size_t errlen)
{
    (void)o;
    const char *why = NULL;
    if (!tm_resolver_doh_url_valid(arg, &why))
        return tmc_fail(err, errlen, _("invalid --doh value '%s': %s"), arg, _(why));
    p->doh_url = arg;
    return true;
}

static bool on_region(tmc_params_t *p, const opt_spec_t *o, const char *arg, char *err,
                      size_t errlen)
{
    (void)o;
    if (!known_region(arg))
        return tmc_fail(err, errlen, _("unknown --region '%s': use jp, us, eu, anz, sg, in or uae"),
                    arg);
    p->region = arg;
    return true;
}

static bool on_token(tmc_params_t *p, const opt_spec_t *o, const char *arg, char *err,
                     size_t errlen)
{
    (void)o;
    const char *value;
    if (!tm_token_given_valid(arg, TM_TOKEN_PREFIX, TM_TOKEN_LENGTH, &value, err, errlen))
        return false;
    free(p->token);
    p->token = strdup(value);
    if (!p->token)
        return tmc_fail(err, errlen, "%s", _("out of memory"));
    p->check.token = p->token;
    return true;
}

static bool on_lang(tmc_params_t *p, const opt_spec_t *o, const char *arg, char *err,
                    size_t errlen)
{
    if (strcmp(arg, "ja") != 0 && strcmp(arg, "en") != 0)
        return tmc_fail(err, errlen, _("invalid %s '%s': %s"), "--lang", arg, _(o->expect));
    p->lang = arg;
    return true;
}

static bool on_only(tmc_params_t *p, const opt_spec_t *o, const char *arg, char *err,
                    size_t errlen)
{
    (void)o;
    if (!add_list("--only", &p->only_lists, arg, err, errlen))
        return false;
    p->check.only = p->only_lists;
    return true;
}

static bool on_skip(tmc_params_t *p, const opt_spec_t *o, const char *arg, char *err,
                    size_t errlen)
{
    (void)o;
    if (!add_list("--skip", &p->skip_lists, arg, err, errlen))
        return false;
    p->check.skip = p->skip_lists;
    return true;
}

/* --ip, --sender, --helo: the inputs of the spf subcommand's check_host(). */
static bool on_spf_input(tmc_params_t *p, const opt_spec_t *o, const char *arg, char *err,
                         size_t errlen)
{
    char name[32];
    shown_name(o, name, sizeof name);
    if (!p->spf_mode)
        return tmc_fail(err, errlen, _("%s only goes with the spf subcommand"), name);
    if (o->offset == offsetof(tmc_params_t, ips)) {
        tm_ip_t ip;
        if (!tm_ip_parse(arg, &ip))
            return tmc_fail(err, errlen, _("invalid --ip value '%s': an IPv4 or IPv6 address"), arg);
        if (p->nips >= TMC_MAX_SPF_IPS)
            return tmc_fail(err, errlen, _("too many --ip options (at most %d)"), TMC_MAX_SPF_IPS);
        p->ips[p->nips++] = arg;
        return true;
    }
    if (strlen(arg) > TM_SPF_INPUT_MAX) {
        return tmc_fail(err, errlen,
                    dngettext(TM_TEXTDOMAIN, "%s is longer than %d byte",
                              "%s is longer than %d bytes", TM_SPF_INPUT_MAX),
                    name, TM_SPF_INPUT_MAX);
    }
    memcpy((char *)p + o->offset, &arg, sizeof arg);
    return true;
}

static bool on_verbose(tmc_params_t *p, const opt_spec_t *o, const char *arg, char *err,
                       size_t errlen)
{
    (void)o, (void)arg;
    /* -q -v would silently give one of them: refuse, as for any option
     * given twice. */
    if (p->verbosity < 0)
        return tmc_fail(err, errlen, _("-q and -v exclude each other"));
    p->verbosity++;
    return true;
}

static bool on_quiet(tmc_params_t *p, const opt_spec_t *o, const char *arg, char *err,
                     size_t errlen)
{
    (void)o, (void)arg;
    if (p->verbosity > 0)
        return tmc_fail(err, errlen, _("-q and -v exclude each other"));
    p->verbosity = -1;
    return true;
}

static bool on_domain_file(tmc_params_t *p, const opt_spec_t *o, const char *arg, char *err,
                           size_t errlen)
{
    (void)o;
    if (p->ndomain_files >= TMC_MAX_DOMAIN_FILES)
        return tmc_fail(err, errlen, _("too many -f options (at most %d)"), TMC_MAX_DOMAIN_FILES);
    for (size_t i = 0; strcmp(arg, "-") == 0 && i < p->ndomain_files; i++) {
        if (strcmp(p->domain_files[i], "-") == 0)
            return tmc_fail(err, errlen,
                        _("-f - is given twice: standard input can be read only once"));
    }
    p->domain_files[p->ndomain_files++] = arg;
    return true;
}

/* --spf-own: domain names, comma-separated. */
static bool on_spf_own(tmc_params_t *p, const opt_spec_t *o, const char *arg, char *err,
                       size_t errlen)
{
    for (const char *at = arg;;) {
        size_t len = strcspn(at, ",");
        char item[TM_NAME_MAX + 2], canonical[TM_NAME_MAX + 1];
        bool ok = len > 0 && len <= TM_NAME_MAX + 1;
        if (ok) {
            memcpy(item, at, len);
            item[len] = '\0';
            ok = tm_domain_normalize(item, canonical) == TM_NAME_OK;
        }
        if (!ok)
            return tmc_fail(err, errlen,
                        _("invalid --spf-own value '%s': comma-separated domain names"), arg);
        at += len;
        if (*at != ',')
            break;
        at++;
    }
    memcpy((char *)p + o->offset, &arg, sizeof arg);
    return true;
}

/* --html FILE: a file name, not empty. */
static bool on_nonempty_file(tmc_params_t *p, const opt_spec_t *o, const char *arg, char *err,
                             size_t errlen)
{
    if (!*arg)
        return tmc_fail(err, errlen, "%s", _("--html needs a file name"));
    memcpy((char *)p + o->offset, &arg, sizeof arg);
    return true;
}

/* The arguments as given, one space apart, for the HTML page's facts
 * (the page escapes them). */
static bool keep_command_line(tmc_params_t *p, int argc, char **argv, char *err, size_t errlen)
{
    size_t len = 1;
    for (int i = 1; i < argc; i++)
        len += strlen(argv[i]) + 1;
    p->command_line = calloc(len, 1);
    if (!p->command_line)
        return tmc_fail(err, errlen, "%s", _("out of memory"));
    for (int i = 1; i < argc; i++) {
        if (i > 1)
            strcat(p->command_line, " ");
        strcat(p->command_line, argv[i]);
    }
    return true;
}

#define AT(field) offsetof(tmc_params_t, field)

static const opt_spec_t options[] = {
    /* DNS */
    {.name = "server", .value = true, .repeatable = true, .kind = OPT_HANDLER,
     .handler = on_server},
    {.name = "doh", .value = true, .kind = OPT_HANDLER, .handler = on_doh},
    {.name = "zone", .value = true, .repeatable = true, .kind = OPT_HANDLER, .handler = on_zone},
    {.name = "zone-include-dir", .value = true, .kind = OPT_TEXT, .offset = AT(zone_include_dir)},
    {.name = "zone-format", .value = true, .kind = OPT_CHOICE, .offset = AT(zone_format),
     .choices = zone_formats, .expect = N_("use auto, bind, octodns or dnscontrol")},
    {.name = "plan", .kind = OPT_SET_TRUE, .offset = AT(plan)},
    {.name = "offline", .kind = OPT_SET_TRUE, .offset = AT(offline)},
    {.name = "timeout", .value = true, .kind = OPT_UINT, .offset = AT(timeout_ms), .min = 1,
     .max = 60000, .expect = N_("milliseconds from 1 to 60000")},
    {.name = "tries", .value = true, .kind = OPT_UINT, .offset = AT(tries), .min = 1, .max = 10,
     .expect = N_("from 1 to 10")},
    {.name = "deadline", .value = true, .kind = OPT_UINT, .offset = AT(deadline_s), .min = 1,
     .max = 86400, .expect = N_("seconds from 1 to 86400")},
    {.name = "max-queries", .value = true, .kind = OPT_UINT, .offset = AT(max_queries),
     .min = 1, .max = 4096, .expect = N_("from 1 to 4096")},
    {.name = "cacert", .value = true, .kind = OPT_TEXT, .offset = AT(cacert)},
    /* checks */
    {.name = "region", .value = true, .kind = OPT_HANDLER, .handler = on_region},
    {.name = "rules", .value = true, .kind = OPT_TEXT, .offset = AT(rules_file)},
    /* validated by company.id, which explains the rule */
    {.name = "company", .value = true, .kind = OPT_TEXT, .offset = AT(check.company)},
    {.name = "token", .value = true, .kind = OPT_HANDLER, .handler = on_token},
    {.name = "phase", .value = true, .kind = OPT_CHOICE, .offset = AT(check.phase),
     .choices = phases, .expect = N_("use pre, post or auto")},
    {.name = "no-outbound", .kind = OPT_SET_FALSE, .offset = AT(check.outbound)},
    {.name = "only", .value = true, .repeatable = true, .kind = OPT_HANDLER, .handler = on_only},
    {.name = "skip", .value = true, .repeatable = true, .kind = OPT_HANDLER, .handler = on_skip},
    {.name = "strict", .kind = OPT_SET_TRUE, .offset = AT(strict)},
    {.name = "authoritative", .kind = OPT_SET_TRUE, .offset = AT(check.authoritative)},
    {.name = "smtp", .kind = OPT_SET_TRUE, .offset = AT(check.smtp)},
    {.name = "spf-own", .value = true, .kind = OPT_HANDLER, .offset = AT(check.spf_own),
     .handler = on_spf_own},
    {.name = "auth-port", .value = true, .kind = OPT_PORT, .offset = AT(probe.auth_port),
     .expect = N_("a port from 1 to 65535")},
    {.name = "smtp-port", .value = true, .kind = OPT_PORT, .offset = AT(probe.smtp_port),
     .expect = N_("a port from 1 to 65535")},
    /* output */
    {.name = "format", .value = true, .kind = OPT_CHOICE, .offset = AT(format),
     .choices = formats,
     .expect = N_("use text, json, jsonl, junit, html, github, sarif or markdown")},
    {.name = "html", .value = true, .kind = OPT_HANDLER, .offset = AT(html_file),
     .handler = on_nonempty_file},
    {.name = "lang", .value = true, .kind = OPT_HANDLER, .handler = on_lang,
     .expect = N_("use ja or en")},
    {.name = "color", .alias = "colour", .value = true, .kind = OPT_CHOICE, .offset = AT(color),
     .choices = colors, .expect = N_("use auto, always or never")},
    {.short_name = 'v', .repeatable = true, .kind = OPT_HANDLER, .handler = on_verbose},
    {.short_name = 'q', .kind = OPT_HANDLER, .handler = on_quiet},
    /* many domains */
    {.short_name = 'f', .value = true, .repeatable = true, .kind = OPT_HANDLER,
     .handler = on_domain_file},
    {.short_name = 'j', .value = true, .kind = OPT_UINT, .offset = AT(jobs), .min = 1,
     .max = 4096, .expect = N_("from 1 to 4096")},
    /* the spf subcommand */
    {.name = "ip", .value = true, .repeatable = true, .kind = OPT_HANDLER, .offset = AT(ips),
     .handler = on_spf_input},
    {.name = "sender", .value = true, .kind = OPT_HANDLER, .offset = AT(sender),
     .handler = on_spf_input},
    {.name = "helo", .value = true, .kind = OPT_HANDLER, .offset = AT(helo),
     .handler = on_spf_input},
    {.name = "version", .kind = OPT_STOP, .offset = AT(version)},
    {.name = "help", .kind = OPT_STOP, .offset = AT(help)},
};

#define NOPTIONS (sizeof options / sizeof options[0])
/* getopt_long's value for a long option: above every short option's
 * character, so that the two never meet. */
#define LONG_ID_BASE 256

/* The getopt_long table and short-option string from the rows: an alias
 * gets the row's id too. */
static void build_getopt(struct option *longs, char *shorts)
{
    size_t nl = 0, ns = 0;
    shorts[ns++] = ':'; /* a missing value is ':', not '?': our own message */
    for (size_t i = 0; i < NOPTIONS; i++) {
        const opt_spec_t *o = &options[i];
        int has_arg = o->value ? required_argument : no_argument;
        if (o->name)
            longs[nl++] = (struct option){o->name, has_arg, NULL, LONG_ID_BASE + (int)i};
        if (o->alias)
            longs[nl++] = (struct option){o->alias, has_arg, NULL, LONG_ID_BASE + (int)i};
        if (o->short_name) {
            shorts[ns++] = o->short_name;
            if (o->value)
                shorts[ns++] = ':';
        }
    }
    longs[nl] = (struct option){NULL, 0, NULL, 0};
    shorts[ns] = '\0';
}

static const opt_spec_t *spec_of(int c)
{
    if (c >= LONG_ID_BASE && (size_t)(c - LONG_ID_BASE) < NOPTIONS)
        return &options[c - LONG_ID_BASE];
    for (size_t i = 0; c > 0 && i < NOPTIONS; i++) {
        if (options[i].short_name == c)
            return &options[i];
    }
    return NULL;
}

/* One option and its value, as its row says. */
static bool apply(tmc_params_t *p, const opt_spec_t *o, const char *arg, char *err,
                  size_t errlen)
{
    char *field = (char *)p + o->offset;
    char name[32];
    switch (o->kind) {
    case OPT_SET_TRUE:
    case OPT_SET_FALSE:
    case OPT_STOP: {
        bool v = o->kind != OPT_SET_FALSE;
        memcpy(field, &v, sizeof v);
        return true;
    }
    case OPT_UINT: {
        unsigned v;
        if (!tmc_parse_uint(arg, o->min, o->max, &v))
            return tmc_fail(err, errlen, _("invalid %s value '%s': %s"),
                        shown_name(o, name, sizeof name), arg, _(o->expect));
        memcpy(field, &v, sizeof v);
        return true;
    }
    case OPT_PORT: {
        unsigned v;
        if (!tmc_parse_uint(arg, 1, 65535, &v))
            return tmc_fail(err, errlen, _("invalid %s value '%s': %s"),
                        shown_name(o, name, sizeof name), arg, _(o->expect));
        uint16_t port = (uint16_t)v;
        memcpy(field, &port, sizeof port);
        return true;
    }
    case OPT_CHOICE:
        for (const opt_choice_t *ch = o->choices; ch->word; ch++) {
            if (strcmp(arg, ch->word) == 0) {
                memcpy(field, &ch->value, sizeof ch->value);
                return true;
            }
        }
        return tmc_fail(err, errlen, _("invalid %s '%s': %s"), shown_name(o, name, sizeof name), arg,
                    _(o->expect));
    case OPT_TEXT: memcpy(field, &arg, sizeof arg); return true;
    case OPT_HANDLER: return o->handler(p, o, arg, err, errlen);
    }
    return false;
}

/* An option getopt_long did not accept: unknown, without its value, or
 * with a value it does not take. */
static bool refuse(int c, char **argv, char *err, size_t errlen)
{
    char shown[64];
    if (c == ':')
        return tmc_fail(err, errlen, _("option '%s' needs a value"), argv[optind - 1]);
    /* optopt is an unknown short option's character; for a long one it is
     * 0, or the option's id when it was given a value it does not take
     * ("--offline=yes"). */
    if (optopt >= LONG_ID_BASE)
        return tmc_fail(err, errlen, _("option '%.60s' takes no value"), argv[optind - 1]);
    if (optopt)
        snprintf(shown, sizeof(shown), "-%c", optopt);
    else
        snprintf(shown, sizeof(shown), "%.60s", argv[optind - 1]);
    return tmc_fail(err, errlen, _("unknown option '%s'; see tmems-check --help"), shown);
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

    struct option longs[2 * NOPTIONS + 1];
    char shorts[2 * NOPTIONS + 2];
    build_getopt(longs, shorts);
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
    bool seen[NOPTIONS] = {false};
    while ((c = getopt_long(argc, argv, shorts, longs, &longindex)) != -1) {
        const opt_spec_t *o = spec_of(c);
        if (!o)
            return refuse(c, argv, err, errlen);
        /* A value given twice is a mistake the last one would hide: refuse
         * it rather than drop one silently. */
        size_t row = (size_t)(o - options);
        if (seen[row] && !o->repeatable) {
            char name[64];
            if (longindex >= 0) /* the long name matched: --colour as --colour */
                snprintf(name, sizeof(name), "--%s", longs[longindex].name);
            else
                shown_name(o, name, sizeof name);
            return tmc_fail(err, errlen,
                        _("option '%s' can be given only once (repeatable: --server, "
                          "--zone, -f, --only, --skip, -v, --ip)"),
                        name);
        }
        seen[row] = true;
        longindex = -1;
        if (!apply(p, o, optarg, err, errlen))
            return false;
        if (o->kind == OPT_STOP)
            return true;
    }
    p->check.offline = p->offline;
    /* The probes of --authoritative and --smtp keep the DNS bounds. */
    p->probe.timeout_ms = p->timeout_ms;
    p->probe.tries = p->tries;
    p->check.probe = &p->probe;
    /* One transport at a time: with --doh every query goes to the URL, so
     * a --server would silently be ignored. */
    if (p->doh_url && p->offline)
        return tmc_fail(err, errlen, _("--doh and --offline exclude each other"));
    if (p->doh_url && p->nservers)
        return tmc_fail(err, errlen, _("--doh and --server exclude each other: with --doh every "
                                   "query goes to the URL"));
    if (p->cacert && !p->doh_url)
        return tmc_fail(err, errlen, _("--cacert only goes with --doh (the CAs of an https:// "
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
            return tmc_fail(err, errlen, _("%s:%lu: invalid domain name '%s': %s"), d->file,
                        d->line, d->input, d->invalid);
    }
    if (p->ndomains == 0)
        return tmc_fail(err, errlen, _("no domain given; see tmems-check --help"));
    if (p->spf_mode && p->ndomains != 1)
        return tmc_fail(err, errlen, _("the spf subcommand checks exactly one domain"));
    if (p->spf_mode && p->nips == 0)
        return tmc_fail(err, errlen, _("the spf subcommand needs --ip ADDR"));
    if (p->spf_mode && p->format == TMC_FORMAT_JUNIT)
        return tmc_fail(err, errlen, _("--format junit reports domain checks; the spf subcommand "
                                   "writes text, json or jsonl"));
    if (p->format == TMC_FORMAT_HTML && p->html_file)
        return tmc_fail(err, errlen, _("--html FILE writes the page beside another format; with "
                                   "--format html the page goes to standard output: give one "
                                   "of them"));
    if (p->spf_mode && (p->format == TMC_FORMAT_HTML || p->html_file))
        return tmc_fail(err, errlen, _("the HTML report is of domain checks; the spf subcommand "
                                   "writes text, json or jsonl"));
    if (p->spf_mode && p->format == TMC_FORMAT_JSON && p->nips > 1)
        return tmc_fail(err, errlen, _("several --ip give one result each: --format jsonl writes "
                                   "them one per line (--format json is one document)"));
    if (p->spf_mode && p->format > TMC_FORMAT_HTML)
        return tmc_fail(err, errlen, _("the spf subcommand writes text, json or jsonl"));
    if (p->plan && (p->spf_mode || p->nzones == 0))
        return tmc_fail(err, errlen, _("--plan needs --zone: the proposed zone to compare with the "
                                   "live DNS"));
    if (p->plan && p->offline)
        return tmc_fail(err, errlen, _("--plan and --offline exclude each other: the plan compares "
                                   "with the live DNS"));
    if (p->plan && p->format != TMC_FORMAT_TEXT && p->format != TMC_FORMAT_JSON &&
        p->format != TMC_FORMAT_MARKDOWN && p->format != TMC_FORMAT_GITHUB)
        return tmc_fail(err, errlen, _("--plan writes text, json, markdown or github"));
    return keep_command_line(p, argc, argv, err, errlen);
}

void tmc_params_clear(tmc_params_t *p)
{
    for (size_t i = 0; i < p->ndomains; i++)
        domain_free(&p->domains[i]);
    free(p->domains);
    free(p->token);
    free(p->only_lists);
    free(p->skip_lists);
    free(p->command_line);
    memset(p, 0, sizeof(*p));
}
