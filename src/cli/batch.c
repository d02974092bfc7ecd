/* batch.c - the domains of one command line: tm_run_batch checks -j of them
 * at once, and each result is rendered, written and freed the moment it is
 * its turn, so every format streams (json and junit as pieces of their one
 * document) and memory does not grow with the domains already printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tmc_batch.h"
#include "tmc_ci.h"
#include "tmc_coverage.h"
#include "tmc_html.h"
#include "tmc_exec.h"
#include "tmc_msg.h"
#include "tmc_netinfo.h"
#include "tmems/tm_report.h"
#include "tmems/tm_run.h"
#include "tmems/tm_i18n.h"

/* A progress line on a terminal is worth it past this many domains. */
#define PROGRESS_MIN_DOMAINS 5
/* Redraws at most this often when nothing else is written. */
#define PROGRESS_INTERVAL_MS 100

typedef struct {
    const tmc_params_t *p;
    const tm_resolver_t *res;
    const tm_rules_t *rules;
    bool color;
    int rc;
    size_t emitted, failing, unknown;
    size_t json_items;    /* results already in the json document */
    tm_json_meta_t meta;
    tmc_html_t *html;     /* --format html or --html FILE: the page being made */
    bool progress;        /* stderr is a terminal and the batch is large */
    bool progress_shown;  /* a progress line is on the screen now */
    bool stdout_tty;      /* results scroll on the same screen */
    long progress_ms;
    tmc_ci_t ci;          /* --format github, sarif, markdown */
} out_t;

/* The exit status of many domains (tmems-check(1) EXIT STATUS): 4 (the
 * report was not written) beats 1 beats 3 beats 0.  Each domain's comes from
 * its assessment, the one its report renders, so the two cannot disagree. */
static int worse(int a, int b)
{
    if (a == TMC_EXIT_WRITE || b == TMC_EXIT_WRITE)
        return TMC_EXIT_WRITE;
    if (a == TMC_EXIT_FAIL || b == TMC_EXIT_FAIL)
        return TMC_EXIT_FAIL;
    if (a == TMC_EXIT_DNS_ERROR || b == TMC_EXIT_DNS_ERROR)
        return TMC_EXIT_DNS_ERROR;
    return TMC_EXIT_READY;
}

/* ---- the progress line ------------------------------------------------------ */

static void progress_clear(out_t *o)
{
    if (o->progress_shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        o->progress_shown = false;
    }
}

static void progress_draw(out_t *o, bool force)
{
    long now = (long)tm_monotonic_ms();
    if (!o->progress || (!force && o->progress_shown && now - o->progress_ms < PROGRESS_INTERVAL_MS))
        return;
    char line[160];
    int n = snprintf(line, sizeof(line), _("checked %zu/%zu, %zu failing"), o->emitted,
                     o->p->ndomains, o->failing);
    if (o->unknown && n > 0 && (size_t)n < sizeof(line))
        snprintf(line + n, sizeof(line) - (size_t)n, _(", %zu unknown"), o->unknown);
    fprintf(stderr, "\r\033[K%s", line);
    fflush(stderr);
    o->progress_shown = true;
    o->progress_ms = now;
}

/* ---- rendering ----------------------------------------------------------------- */

/* The bytes of out go to stdout at once: a reader of the stream (a CI job,
 * jq on a pipe) sees each domain as soon as it is complete. */
static tm_status_t write_out(out_t *o, const tm_buf_t *out)
{
    if (o->stdout_tty)
        progress_clear(o);
    if (out->len && fwrite(out->data, 1, out->len, stdout) != out->len)
        return TM_EIO;
    return fflush(stdout) == 0 ? TM_OK : TM_EIO;
}

static tm_status_t render(out_t *o, const tm_result_t *result, const tm_assessment_t *a)
{
    const tmc_params_t *p = o->p;
    tm_buf_t out;
    tm_buf_init(&out);
    tm_status_t st = TM_OK;
    switch (p->format) {
    case TMC_FORMAT_TEXT: {
        tm_text_options_t topts = {.color = o->color, .verbosity = p->verbosity,
                                   .rules = o->rules, .assessment = a};
        if (o->emitted > 0 && p->verbosity >= 0)
            st = tm_buf_putc(&out, '\n');
        if (st == TM_OK)
            st = tm_report_text(result, &topts, &out);
        break;
    }
    case TMC_FORMAT_JSON:
        st = tm_report_json_stream_item(result, a, o->json_items, &out);
        o->json_items += st == TM_OK;
        break;
    case TMC_FORMAT_JSONL:
        st = tm_report_json_result(result, a, &out);
        if (st == TM_OK)
            st = tm_buf_putc(&out, '\n');
        break;
    case TMC_FORMAT_JUNIT: st = tm_report_junit_suite(result, a, &out); break;
    case TMC_FORMAT_HTML: break; /* the page is written at the end */
    case TMC_FORMAT_GITHUB:
    case TMC_FORMAT_SARIF:
    case TMC_FORMAT_MARKDOWN: st = tmc_ci_render(&o->ci, result, a, &out); break;
    }
    if (st == TM_OK && o->html)
        st = tmc_html_add(o->html, result, a, o->emitted);
    if (st == TM_OK)
        st = write_out(o, &out);
    tm_buf_clear(&out);
    return st;
}

/* ---- the batch's callbacks ---------------------------------------------------- */

static bool next_item(void *arg, size_t index, tm_batch_item_t *item)
{
    const out_t *o = arg;
    if (index >= o->p->ndomains)
        return false;
    const tmc_domain_t *d = &o->p->domains[index];
    item->display = d->display;
    /* NULL for an invalid line, or one no zone file holds offline: it is
     * emitted unchecked */
    item->ascii = tmc_offline_uncovered(o->p, o->res, d->ascii) ? NULL : d->ascii;
    return true;
}

static tm_status_t emit_item(void *arg, size_t index, tm_status_t status, tm_result_t *result)
{
    out_t *o = arg;
    const tmc_params_t *p = o->p;
    const tmc_domain_t *d = &p->domains[index];
    if (d->invalid) {
        /* A bad line of -f costs that line only (docs/cli.md): its message, and a
         * result whose domain.name fails, in its place. */
        progress_clear(o);
        tmc_error(_("%s:%lu: invalid domain name '%s': %s"),
                  strcmp(d->file, "-") == 0 ? _("(standard input)") : d->file,
                  d->line, d->input, d->invalid);
        status = tm_result_invalid_name(d->input, d->invalid, &result);
    } else if (tmc_offline_uncovered(p, o->res, d->ascii)) {
        /* The same for a domain an offline run cannot check (exec.c makes
         * it an input error on the command line). */
        char why[1024];
        progress_clear(o);
        tmc_uncovered_reason(o->res, d->ascii, why, sizeof why);
        tmc_error("%s:%lu: %s",
                  strcmp(d->file, "-") == 0 ? _("(standard input)") : d->file,
                  d->line, why);
        status = tm_result_not_covered(d->display, d->ascii, why, &result);
    }
    tm_status_t st = status;
    tm_assessment_t a;
    if (st == TM_OK) {
        tm_findings_assess(&result->findings, p->strict, &a);
        st = render(o, result, &a);
    }
    if (st == TM_OK) {
        o->rc = worse(o->rc, tm_verdict_exit_status(a.verdict));
        o->failing += a.verdict == TM_VERDICT_NOT_READY;
        o->unknown += a.verdict == TM_VERDICT_UNKNOWN;
    }
    tm_result_destroy(result);
    o->emitted++;
    if (st == TM_EIO) {
        progress_clear(o);
        tmc_error("%s", _("the report could not be written to standard output"));
        o->rc = worse(o->rc, TMC_EXIT_WRITE);
        return st; /* nobody reads the rest */
    }
    if (st != TM_OK) {
        progress_clear(o);
        tmc_error(_("%s: the check could not run: %s"), d->ascii ? d->ascii : d->input,
                  tm_strerror(st));
        o->rc = worse(o->rc, TMC_EXIT_DNS_ERROR);
        o->unknown++;
    }
    progress_draw(o, o->stdout_tty);
    return TM_OK;
}

/* The opening or closing of the one document of json and junit; false
 * when it could not be written. */
static bool frame(out_t *o, bool begin, long elapsed_ms)
{
    tm_buf_t out;
    tm_buf_init(&out);
    tm_status_t st = TM_OK;
    if (o->p->format == TMC_FORMAT_JSON)
        st = begin ? tm_report_json_stream_begin(&o->meta, &out)
                   : tm_report_json_stream_end(elapsed_ms, &out);
    else if (o->p->format == TMC_FORMAT_JUNIT)
        st = begin ? tm_report_junit_begin(&out) : tm_report_junit_end(&out);
    else
        st = tmc_ci_frame(&o->ci, begin, &out);
    if (st == TM_OK)
        st = write_out(o, &out);
    tm_buf_clear(&out);
    if (st == TM_EIO) {
        tmc_error("%s", _("the report could not be written to standard output"));
        o->rc = worse(o->rc, TMC_EXIT_WRITE);
    } else if (st != TM_OK) {
        tmc_error(_("the report could not be made: %s"), tm_strerror(st));
        o->rc = worse(o->rc, TMC_EXIT_DNS_ERROR);
    }
    return st == TM_OK;
}

int tmc_batch_run(const tmc_params_t *p, tm_resolver_t *res, const tm_rules_t *rules, bool color)
{
    long started = (long)tm_monotonic_ms();
    const char *term = getenv("TERM");
    out_t o = {.p = p, .res = res, .rules = rules, .color = color, .rc = TMC_EXIT_READY,
               .meta = {.region = rules->region, .rules = rules->source}};
    o.progress = p->ndomains > PROGRESS_MIN_DOMAINS && isatty(STDERR_FILENO) &&
                 !(term && strcmp(term, "dumb") == 0);
    o.stdout_tty = isatty(STDOUT_FILENO);
    tm_batch_options_t bopts = {.jobs = p->jobs};
    if (p->format == TMC_FORMAT_HTML || p->html_file) {
        o.html = tmc_html_open(p, rules, p->format == TMC_FORMAT_HTML);
        if (!o.html)
            return TMC_EXIT_USAGE;
    }
    tmc_ci_init(&o.ci, p);

    if (!frame(&o, true, 0)) {
        tmc_ci_clear(&o.ci);
        return o.rc; /* nobody would read the results */
    }
    progress_draw(&o, true);
    tm_status_t st = tm_run_batch(res, rules, &p->check, &bopts, next_item, emit_item, &o);
    progress_clear(&o);
    if (st == TM_ENETWORK && tm_resolver_failure_kind(res) != TM_RESOLVER_FINE) {
        /* The server or URL cannot be used, or the deadline passed: said
         * once for the run, not once per domain or per check. */
        tmc_netinfo_failure(p, res, o.emitted, p->ndomains);
        o.rc = worse(o.rc, TMC_EXIT_DNS_ERROR);
    } else if (st != TM_OK && st != TM_EIO) {
        tmc_error(_("the checks could not run: %s"), tm_strerror(st));
        o.rc = worse(o.rc, TMC_EXIT_DNS_ERROR);
    }
    long elapsed = (long)tm_monotonic_ms() - started;
    if (st != TM_EIO)
        frame(&o, false, elapsed);
    /* The page last, with the same elapsed time as the JSON document; a page
     * that could not be written is a report not written (exit 4). */
    if (o.html && st != TM_EIO && tmc_html_finish(o.html, elapsed) != TM_OK)
        o.rc = worse(o.rc, TMC_EXIT_WRITE);
    tmc_html_destroy(o.html);
    if (p->verbosity > 0)
        tmc_netinfo_stats(res, elapsed);
    tmc_ci_clear(&o.ci);
    return o.rc;
}
