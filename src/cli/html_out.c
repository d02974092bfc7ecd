/* html_out.c - the HTML page of a run: the facts a ticket needs (when, the
 * tool, the rules, how DNS was asked, the options), a summary when there
 * are several domains, each domain's section, and the JSON document of
 * --format json embedded for tools (docs/html.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tmc_html.h"
#include "tmc_i18n.h"
#include "tmc_msg.h"
#include "tmems/tm_i18n.h"

struct tmc_html {
    const tmc_params_t *p;
    const tm_rules_t *rules;
    FILE *dest;           /* the --html file or stdout */
    bool own_dest;
    FILE *sections;       /* the domains' sections, in order */
    FILE *json;           /* the JSON document's pieces */
    tm_buf_t rows;        /* the summary rows (one short line a domain) */
    tm_json_meta_t meta;
    size_t count;
    char started[96];     /* when the run started, for the page */
};

void tmc_html_time_text(time_t when, char *out, size_t len)
{
    struct tm local;
    /* SOURCE_DATE_EPOCH (reproducible-builds.org) pins the time for
     * reproducible pages; it is read as UTC. */
    const char *fixed = getenv("SOURCE_DATE_EPOCH");
    if (fixed && *fixed) {
        char *end;
        long long v = strtoll(fixed, &end, 10);
        if (!*end && v >= 0) {
            when = (time_t)v;
            if (gmtime_r(&when, &local) &&
                strftime(out, len, "%Y-%m-%d %H:%M:%S +0000 (UTC)", &local))
                return;
        }
    }
    if (!localtime_r(&when, &local) || !strftime(out, len, "%Y-%m-%d %H:%M:%S %z (%Z)", &local))
        snprintf(out, len, "%lld", (long long)when);
}

void tmc_html_resolver_text(const tmc_params_t *p, char *out, size_t len)
{
    size_t n = 0;
    if (p->offline) {
        snprintf(out, len, "%s", _("offline: the zone files and the bundled rules only"));
        return;
    }
    if (p->doh_url) {
        snprintf(out, len, _("DNS over HTTPS: %s"), p->doh_url);
        return;
    }
    if (p->nservers == 0) {
        snprintf(out, len, "%s", _("the system's resolver (/etc/resolv.conf)"));
        return;
    }
    char list[TM_RESOLVER_MAX_SERVERS * 66] = "";
    for (size_t i = 0; i < p->nservers && n < sizeof list; i++) {
        int w = snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", p->servers[i]);
        n += w > 0 ? (size_t)w : 0;
    }
    snprintf(out, len, _("the DNS servers %s"), list);
}

static FILE *scratch(void)
{
    FILE *f = tmpfile();
    if (!f)
        tmc_error(_("cannot create a temporary file for the HTML report: %s"), strerror(errno));
    return f;
}

tmc_html_t *tmc_html_open(const tmc_params_t *p, const tm_rules_t *rules, bool to_stdout)
{
    tmc_html_t *h = calloc(1, sizeof(*h));
    if (!h) {
        tmc_error("%s", _("out of memory"));
        return NULL;
    }
    h->p = p;
    h->rules = rules;
    h->meta.region = rules->region;
    h->meta.rules = rules->source;
    tm_buf_init(&h->rows);
    tmc_html_time_text(time(NULL), h->started, sizeof h->started);
    if (to_stdout) {
        h->dest = stdout;
    } else {
        h->dest = fopen(p->html_file, "w");
        h->own_dest = h->dest != NULL;
        if (!h->dest)
            tmc_error(_("cannot write the HTML report to '%s': %s"), p->html_file,
                      strerror(errno));
    }
    if (h->dest)
        h->sections = scratch();
    if (h->sections)
        h->json = scratch();
    tm_buf_t begin;
    tm_buf_init(&begin);
    if (h->json && (tm_report_json_stream_begin(&h->meta, &begin) != TM_OK ||
                    fwrite(begin.data, 1, begin.len, h->json) != begin.len)) {
        tmc_error("%s", _("out of memory"));
        fclose(h->json);
        h->json = NULL;
    }
    tm_buf_clear(&begin);
    if (!h->json) {
        tmc_html_destroy(h);
        return NULL;
    }
    return h;
}

static tm_status_t put(FILE *f, const tm_buf_t *b)
{
    return b->len && fwrite(b->data, 1, b->len, f) != b->len ? TM_EIO : TM_OK;
}

tm_status_t tmc_html_add(tmc_html_t *h, const tm_result_t *result, const tm_assessment_t *a,
                         size_t index)
{
    tm_buf_t section, piece;
    tm_buf_init(&section);
    tm_buf_init(&piece);
    tm_status_t st = tm_report_html_domain(result, a, index, &section);
    if (st == TM_OK)
        st = tm_report_html_summary_row(result, a, index, &h->rows);
    if (st == TM_OK)
        st = tm_report_json_stream_item(result, a, index, &piece);
    if (st == TM_OK)
        st = put(h->sections, &section);
    if (st == TM_OK)
        st = put(h->json, &piece);
    h->count += st == TM_OK;
    tm_buf_clear(&section);
    tm_buf_clear(&piece);
    return st;
}

/* The newest date among the ranges: how current the rules are. */
static const char *rules_date(const tm_rules_t *rules)
{
    const char *newest = NULL;
    for (size_t i = 0; i < rules->nranges; i++) {
        const char *since = rules->ranges[i].since;
        if (since && (!newest || strcmp(since, newest) > 0))
            newest = since;
    }
    return newest;
}

/* Copies a temporary file into dest, each chunk through fn when given. */
static tm_status_t copy(FILE *from, FILE *dest, tm_status_t (*fn)(const char *, size_t, tm_buf_t *))
{
    char chunk[65536];
    size_t n;
    tm_status_t st = TM_OK;
    rewind(from);
    while (st == TM_OK && (n = fread(chunk, 1, sizeof chunk, from)) > 0) {
        if (!fn) {
            st = fwrite(chunk, 1, n, dest) == n ? TM_OK : TM_EIO;
            continue;
        }
        tm_buf_t esc;
        tm_buf_init(&esc);
        st = fn(chunk, n, &esc);
        if (st == TM_OK)
            st = put(dest, &esc);
        tm_buf_clear(&esc);
    }
    return st == TM_OK && ferror(from) ? TM_EIO : st;
}

tm_status_t tmc_html_finish(tmc_html_t *h, long elapsed_ms)
{
    const tmc_params_t *p = h->p;
    char title[TM_NAME_MAX * 4 + 64], resolver[1024];
    if (h->count == 1 && p->ndomains == 1)
        snprintf(title, sizeof title, "%s",
                 p->domains[0].display ? p->domains[0].display : p->domains[0].input);
    else
        snprintf(title, sizeof title,
                 dngettext(TM_TEXTDOMAIN, "%zu domain", "%zu domains", h->count), h->count);
    tmc_html_resolver_text(p, resolver, sizeof resolver);
    const char *lang = p->lang ? p->lang
                               : tmc_lang_from_env(getenv("LC_ALL"), getenv("LC_MESSAGES"),
                                                   getenv("LANG"));
    tm_html_meta_t meta = {
        .lang = lang,
        .title = title,
        .generated = h->started,
        .region = h->rules->region,
        .rules = h->rules->source,
        .rules_sources = rules_date(h->rules),
        .resolver = resolver,
        .zones = p->zones,
        .nzones = p->nzones,
        .options = p->command_line,
    };
    tm_buf_t head, tail;
    tm_buf_init(&head);
    tm_buf_init(&tail);
    tm_status_t st = tm_report_html_begin(&meta, &head);
    if (st == TM_OK && h->count > 1)
        st = tm_report_html_summary(h->rows.data, h->count, &head);
    if (st == TM_OK)
        st = tm_report_json_stream_end(elapsed_ms, &tail);
    if (st == TM_OK)
        st = put(h->json, &tail);
    if (st == TM_OK)
        st = put(h->dest, &head);
    if (st == TM_OK)
        st = copy(h->sections, h->dest, NULL);
    tm_buf_clear(&head);
    tm_buf_clear(&tail);
    if (st == TM_OK)
        st = tm_report_html_footer(&meta, &tail);
    if (st == TM_OK)
        st = put(h->dest, &tail);
    if (st == TM_OK)
        st = copy(h->json, h->dest, tm_report_html_json_chunk);
    tm_buf_clear(&tail);
    if (st == TM_OK)
        st = tm_report_html_end(&tail);
    if (st == TM_OK)
        st = put(h->dest, &tail);
    tm_buf_clear(&tail);
    if (st == TM_OK && fflush(h->dest) != 0)
        st = TM_EIO;
    if (st == TM_OK && h->own_dest) {
        int rc = fclose(h->dest);
        h->dest = NULL;
        st = rc == 0 ? TM_OK : TM_EIO;
    }
    if (st == TM_EIO)
        tmc_error(_("the HTML report could not be written to '%s'"),
                  h->own_dest ? p->html_file : _("standard output"));
    else if (st != TM_OK)
        tmc_error(_("the HTML report could not be made: %s"), tm_strerror(st));
    return st;
}

void tmc_html_destroy(tmc_html_t *h)
{
    if (!h)
        return;
    if (h->own_dest && h->dest)
        fclose(h->dest);
    if (h->sections)
        fclose(h->sections);
    if (h->json)
        fclose(h->json);
    tm_buf_clear(&h->rows);
    free(h);
}
