/* text.c - the human report (docs/cli.md "The text report").
 *
 * Findings carry DNS data inside their text, already escaped by the one
 * policy of src/lib/util/text.c (tm_quote_dns): their text is neutralised,
 * never escaped again.  Raw data shown with -v (TXT strings, SPF terms) is
 * escaped here by the same policy.  So a hostile TXT record cannot clear
 * the screen, move the cursor, retitle the window or hide text, and every
 * byte shows once. */
#include <stdio.h>
#include <string.h>

#include "verdict_words.h"
#include "tmems/tm_report.h"
#include "tmems/tm_spf.h"
#include "tmems/tm_i18n.h"

#define SGR_RESET "\033[0m"
/* The id column is at least this wide, so that the reports of several
 * domains line up whatever checks ran (the longest catalogue id has 20). */
#define ID_COLUMN_MIN 21
#define COLUMN_GAP 2
#define INDENT "  "

typedef struct {
    tm_buf_t *out;
    const tm_text_options_t *opts;
    size_t status_width; /* the status column, gap included */
    size_t id_width;     /* the id column, gap included */
} text_ctx_t;

static const char *status_word(tm_check_status_t s)
{
    /* Marked for translation here: the JSON spelling stays English. */
    switch (s) {
    case TM_CHECK_PASS: return _("pass");
    case TM_CHECK_INFO: return _("info");
    case TM_CHECK_WARN: return _("warn");
    case TM_CHECK_FAIL: return _("fail");
    case TM_CHECK_ERROR: return _("error");
    case TM_CHECK_SKIP: return _("skip");
    }
    return _("error");
}

static const char *status_sgr(tm_check_status_t s)
{
    switch (s) {
    case TM_CHECK_PASS: return "\033[32m";
    case TM_CHECK_INFO: return "\033[36m";
    case TM_CHECK_WARN: return "\033[33m";
    case TM_CHECK_FAIL: return "\033[31m";
    case TM_CHECK_ERROR: return "\033[35m";
    case TM_CHECK_SKIP: return "\033[2m";
    }
    return "\033[35m";
}

const char *tm_report_section_heading(tm_section_t s)
{
    switch (s) {
    case TM_SECTION_DOMAIN: return _("Domain name (全般 / ドメイン名)");
    case TM_SECTION_INBOUND: return _("Receiving servers (受信サーバ)");
    case TM_SECTION_OUTBOUND: return _("Sending servers (送信サーバ)");
    case TM_SECTION_RULES:
    case TM_SECTION_COUNT: break;
    }
    return _("Rules");
}

static tm_section_t section_of(const tm_finding_t *f)
{
    return (unsigned)f->section < TM_SECTION_COUNT ? f->section : TM_SECTION_RULES;
}

/* Text that shows untrusted bytes escaped already (findings, names in
 * presentation form with \DDD): hidden characters escaped, '\' kept. */
static tm_status_t put_escaped(tm_buf_t *out, const char *s)
{
    return s ? tm_text_neutralize(out, s, strlen(s)) : TM_OK;
}

/* Raw bytes from DNS: escaped, '\' included. */
static tm_status_t put_raw(tm_buf_t *out, const char *s)
{
    return s ? tm_text_escape(out, s, strlen(s)) : TM_OK;
}

static tm_status_t pad(tm_buf_t *out, size_t n)
{
    tm_status_t st = TM_OK;
    for (size_t i = 0; i < n && st == TM_OK; i++)
        st = tm_buf_putc(out, ' ');
    return st;
}

/* Escapes text, appends it and pads it to width display columns. */
static tm_status_t put_cell(tm_buf_t *out, const char *text, size_t width)
{
    tm_buf_t cell;
    tm_buf_init(&cell);
    tm_status_t st = put_escaped(&cell, text);
    if (st == TM_OK && cell.data) {
        size_t w = tm_text_width(cell.data);
        st = tm_buf_append(out, cell.data, cell.len);
        if (st == TM_OK && w < width)
            st = pad(out, width - w);
    } else if (st == TM_OK) {
        st = pad(out, width);
    }
    tm_buf_clear(&cell);
    return st;
}

static tm_status_t put_colored(const text_ctx_t *c, tm_check_status_t s, const char *text,
                               size_t width)
{
    tm_status_t st = TM_OK;
    if (c->opts->color)
        st = tm_buf_puts(c->out, status_sgr(s));
    if (st == TM_OK)
        st = put_cell(c->out, text, 0);
    if (st == TM_OK && c->opts->color)
        st = tm_buf_puts(c->out, SGR_RESET);
    /* Padding after the reset, so no coloured blanks trail the word. */
    size_t w = tm_text_width(text);
    if (st == TM_OK && w < width)
        st = pad(c->out, width - w);
    return st;
}

/* Each line of text, escaped, at the detail indentation; the first after
 * label (e.g. "Fix: "), the others aligned under the first.  Lines are never
 * re-wrapped, so zone-file lines in a fix stay as written. */
static tm_status_t put_block(const text_ctx_t *c, const char *label, const char *text)
{
    size_t indent = strlen(INDENT) + c->status_width;
    size_t label_w = label ? tm_text_width(label) : 0;
    const char *p = text;
    bool first = true;
    tm_status_t st = TM_OK;
    while (st == TM_OK && *p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        st = pad(c->out, indent);
        if (st == TM_OK && label)
            st = first ? tm_buf_puts(c->out, label) : pad(c->out, label_w);
        if (st == TM_OK)
            st = tm_text_neutralize(c->out, p, n);
        if (st == TM_OK)
            st = tm_buf_putc(c->out, '\n');
        first = false;
        p += n;
        if (*p == '\n')
            p++;
    }
    return st;
}

static bool shows_detail(const text_ctx_t *c, const tm_finding_t *f)
{
    switch (f->status) {
    case TM_CHECK_WARN:
    case TM_CHECK_FAIL:
    case TM_CHECK_ERROR: return true;
    case TM_CHECK_INFO: return f->fix != NULL || c->opts->verbosity >= 1;
    default: return c->opts->verbosity >= 1;
    }
}

static tm_status_t put_finding(const text_ctx_t *c, const tm_finding_t *f)
{
    tm_status_t st = tm_buf_puts(c->out, INDENT);
    if (st == TM_OK)
        st = put_colored(c, f->status, status_word(f->status), c->status_width);
    if (st == TM_OK)
        st = put_cell(c->out, f->id ? f->id : "", c->id_width);
    /* The console's own red (!) marks the findings it shows as well, so
     * that 設定が必要 can be traced to its cause (docs/checks.md). */
    if (st == TM_OK && tm_finding_console_flag(f))
        st = tm_buf_puts(c->out, "(!) ");
    /* One line: a newline inside the summary is escaped with the rest. */
    if (st == TM_OK)
        st = put_escaped(c->out, f->summary);
    if (st == TM_OK)
        st = tm_buf_putc(c->out, '\n');
    if (st != TM_OK || !shows_detail(c, f))
        return st;
    if (f->detail)
        st = put_block(c, NULL, f->detail);
    if (st == TM_OK && f->fix) {
        char label[64];
        snprintf(label, sizeof label, "%s ", _("Fix:"));
        st = put_block(c, label, f->fix);
    }
    /* -v: where the record is written (a --zone input), as FILE:LINE:COLUMN
     * the way compilers say it, so editors and terminals can jump there. */
    if (st == TM_OK && c->opts->verbosity >= 1 && f->source.file) {
        char label[64];
        char *where = f->source.line == 0 ? tm_strdup(f->source.file)
                      : f->source.column == 0
                          ? tm_strprintf("%s:%lu", f->source.file, f->source.line)
                          : tm_strprintf("%s:%lu:%u", f->source.file, f->source.line,
                                         f->source.column);
        snprintf(label, sizeof label, "%s ", _("Source:"));
        st = where ? put_block(c, label, where) : TM_ENOMEM;
        tm_free(where);
    }
    return st;
}

/* "display (ascii)" for an IDN, else the name once. */
static tm_status_t put_domain(tm_buf_t *out, const tm_result_t *r)
{
    const char *display = r->domain ? r->domain : r->ascii;
    tm_status_t st = put_escaped(out, display ? display : "");
    if (st == TM_OK && r->ascii && display && strcmp(display, r->ascii) != 0) {
        st = tm_buf_puts(out, " (");
        if (st == TM_OK)
            st = put_escaped(out, r->ascii);
        if (st == TM_OK)
            st = tm_buf_putc(out, ')');
    }
    return st;
}

static tm_status_t put_heading(tm_buf_t *out, const tm_result_t *r)
{
    const char *when = r->phase == TM_PHASE_PRE    ? _("before the MX cutover")
                       : r->phase == TM_PHASE_POST ? _("after the MX cutover")
                                                   : _("phase not decided");
    const char *how = r->phase_derived ? _("from the MX records") : _("as given");
    tm_status_t st = put_domain(out, r);
    if (st == TM_OK)
        st = tm_buf_puts(out, ": ");
    if (st == TM_OK)
        st = tm_buf_printf(out, _("%s (phase %s, %s)"), when, tm_phase_name(r->phase), how);
    if (st == TM_OK)
        st = tm_buf_puts(out, _("; ")); /* translatable: Japanese uses its own marks */
    if (st != TM_OK)
        return st;
    if (!r->company)
        return tm_buf_printf(out, "%s\n", _("company ID unknown"));
    /* The company comes from an MX host: DNS data, so escaped. */
    tm_buf_t company;
    tm_buf_init(&company);
    st = put_escaped(&company, r->company);
    if (st == TM_OK) {
        const char *id = company.data ? company.data : "";
        switch (r->company_source) {
        case TM_COMPANY_FROM_MX:
            st = tm_buf_printf(out, _("company ID %s (from the MX host)"), id);
            break;
        case TM_COMPANY_FROM_OPTION:
            st = tm_buf_printf(out, _("company ID %s (from --company)"), id);
            break;
        case TM_COMPANY_UNKNOWN:
            st = tm_buf_printf(out, _("company ID %s"), id);
            break;
        }
    }
    tm_buf_clear(&company);
    return st == TM_OK ? tm_buf_putc(out, '\n') : st;
}

/* A TXT character-string as a zone file writes it: quoted, escaped by the
 * one policy ('"' and '\\' included), every byte once. */
static tm_status_t put_txt_string(tm_buf_t *out, const char *s, size_t len)
{
    tm_status_t st = tm_buf_putc(out, '"');
    if (st == TM_OK)
        st = tm_text_escape_quoted(out, s, len);
    return st == TM_OK ? tm_buf_putc(out, '"') : st;
}

static tm_status_t put_rr(tm_buf_t *out, const tm_rr_t *rr)
{
    tm_status_t st = TM_OK;
    if (rr->type == TM_RR_MX) {
        st = tm_buf_printf(out, "%u ", (unsigned)rr->u.mx.preference);
        if (st == TM_OK)
            st = put_escaped(out, rr->u.mx.host);
        return st;
    }
    /* Each character-string on its own, so a token split across strings
     * shows as the split it is (docs/checks.md token.format). */
    size_t off = 0;
    for (size_t i = 0; i < rr->u.txt.nstrings && st == TM_OK; i++) {
        size_t n = rr->u.txt.string_lens ? rr->u.txt.string_lens[i] : rr->u.txt.len;
        if (n > rr->u.txt.len - off)
            n = rr->u.txt.len - off;
        if (i > 0)
            st = tm_buf_putc(out, ' ');
        if (st == TM_OK)
            st = put_txt_string(out, rr->u.txt.data + off, n);
        off += n;
    }
    if (st == TM_OK && rr->u.txt.nstrings == 0)
        st = put_txt_string(out, rr->u.txt.data ? rr->u.txt.data : "", rr->u.txt.len);
    return st;
}

static tm_status_t put_answer(tm_buf_t *out, const tm_answer_t *a)
{
    const char *type = tm_rrtype_name(a->type);
    tm_status_t st = TM_OK;
    if (a->outcome != TM_DNS_NOERROR || a->count == 0) {
        st = tm_buf_puts(out, INDENT);
        if (st == TM_OK)
            st = put_escaped(out, a->name);
        if (st == TM_OK)
            st = tm_buf_printf(out, "  %-3s  %s\n", type, tm_dns_outcome_name(a->outcome));
        return st;
    }
    for (size_t i = 0; i < a->count && st == TM_OK; i++) {
        st = tm_buf_puts(out, INDENT);
        if (st == TM_OK)
            st = put_escaped(out, a->name);
        if (st == TM_OK)
            st = tm_buf_printf(out, "  %-3s  %lu  ", type, (unsigned long)a->rrs[i].ttl);
        if (st == TM_OK)
            st = put_rr(out, &a->rrs[i]);
        if (st == TM_OK && a->source == TM_SRC_ZONE)
            st = tm_buf_printf(out, "  (%s)", _("zone file"));
        else if (st == TM_OK && a->source == TM_SRC_RULES)
            st = tm_buf_printf(out, "  (%s)", _("bundled rules"));
        if (st == TM_OK)
            st = tm_buf_putc(out, '\n');
    }
    return st;
}

/* -v: the apex answers the checks read, so a reader can see what was seen. */
static tm_status_t put_records(tm_buf_t *out, const tm_result_t *r)
{
    static const uint16_t types[] = {TM_RR_TXT, TM_RR_MX};
    tm_status_t st = TM_OK;
    bool heading = false;
    if (!r->rrset || !r->ascii)
        return TM_OK;
    for (size_t i = 0; i < sizeof types / sizeof types[0] && st == TM_OK; i++) {
        const tm_answer_t *a = tm_rrset_get(r->rrset, r->ascii, types[i]);
        if (!a)
            continue;
        if (!heading) {
            st = tm_buf_printf(out, "%s\n", _("Records"));
            heading = true;
        }
        if (st == TM_OK)
            st = put_answer(out, a);
    }
    return st;
}

/* -v: the SPF tree with the lookups each branch costs (docs/checks.md: show the
 * count per branch), DNS-querying terms only; depth bounded by the tree. */
static tm_status_t put_spf_node(tm_buf_t *out, const tm_spf_node_t *node, unsigned indent)
{
    tm_status_t st = tm_buf_printf(out, "%*s", (int)(indent * 2), "");
    if (st == TM_OK)
        st = put_raw(out, node->domain);
    if (st == TM_OK)
        st = node->status == TM_SPF_NODE_OK
                 ? tm_buf_printf(out, "  [%u]\n", node->lookups)
                 : tm_buf_printf(out, "  [%s]\n", tm_spf_node_status_name(node->status));
    for (size_t i = 0; i < node->nterms && st == TM_OK; i++) {
        const tm_spf_tterm_t *t = &node->terms[i];
        if (!tm_spf_kind_queries_dns(t->term->kind))
            continue;
        st = tm_buf_printf(out, "%*s%-3u ", (int)(indent * 2 + 2), "", t->lookups);
        if (st == TM_OK)
            st = put_raw(out, t->term->text);
        if (st == TM_OK && (t->flags & TM_SPF_TF_SENDER))
            st = tm_buf_printf(out, "  (%s)", _("depends on the sender"));
        if (st == TM_OK && (t->flags & TM_SPF_TF_LOOP))
            st = tm_buf_printf(out, "  (%s)", _("loop"));
        if (st == TM_OK && (t->flags & TM_SPF_TF_VOID))
            st = tm_buf_printf(out, "  (%s)", _("void lookup"));
        if (st == TM_OK && (t->flags & TM_SPF_TF_IGNORED))
            st = tm_buf_printf(out, "  (%s)", _("ignored: all is present"));
        if (st == TM_OK)
            st = tm_buf_putc(out, '\n');
        if (st == TM_OK && t->child)
            st = put_spf_node(out, t->child, indent + 2);
    }
    return st;
}

static tm_status_t put_spf_tree(tm_buf_t *out, const tm_result_t *r)
{
    const tm_spf_analysis_t *spf = r->spf;
    if (!spf || !spf->tree || spf->nrecords != 1)
        return TM_OK;
    tm_status_t st = spf->lower_bound
                         ? tm_buf_printf(out,
                                         dngettext(TM_TEXTDOMAIN,
                                                   "SPF tree (at least %u DNS lookup, limit %u)\n",
                                                   "SPF tree (at least %u DNS lookups, limit "
                                                   "%u)\n",
                                                   spf->lookups),
                                         spf->lookups, TM_SPF_LOOKUP_LIMIT)
                         : tm_buf_printf(out,
                                         dngettext(TM_TEXTDOMAIN,
                                                   "SPF tree (%u DNS lookup, limit %u)\n",
                                                   "SPF tree (%u DNS lookups, limit %u)\n",
                                                   spf->lookups),
                                         spf->lookups, TM_SPF_LOOKUP_LIMIT);
    if (st == TM_OK)
        st = put_spf_node(out, spf->tree->root, 1);
    return st;
}

/* The verdict line: the tool's verdict with the counts, then what the
 * console shows.  -q prints it alone, without the counts. */
static tm_status_t put_verdict(const text_ctx_t *c, const tm_result_t *r,
                               const tm_assessment_t *a)
{
    tm_status_t st;
    if (c->opts->verbosity < 0) {
        st = put_domain(c->out, r);
        if (st == TM_OK)
            st = tm_buf_puts(c->out, ": ");
    } else {
        st = tm_buf_printf(c->out, "%s ", _("Verdict:"));
    }
    tm_buf_t words;
    tm_buf_init(&words);
    if (st == TM_OK)
        st = tm_report_verdict_words(a, &words);
    if (st == TM_OK)
        st = put_colored(c, tm_report_verdict_colour(a), words.data ? words.data : "", 0);
    tm_buf_clear(&words);
    if (st == TM_OK && c->opts->verbosity >= 0) {
        unsigned long fails = a->fails, warns = a->warns, errors = a->errors;
        st = tm_buf_puts(c->out, " \xe2\x80\x94 "); /* U+2014 EM DASH */
        if (st == TM_OK)
            st = tm_buf_printf(c->out,
                               dngettext(TM_TEXTDOMAIN, "%lu failure", "%lu failures", fails),
                               fails);
        if (st == TM_OK)
            st = tm_buf_puts(c->out, _(", "));
        if (st == TM_OK)
            st = tm_buf_printf(c->out,
                               dngettext(TM_TEXTDOMAIN, "%lu warning", "%lu warnings", warns),
                               warns);
        if (st == TM_OK && errors > 0) {
            st = tm_buf_puts(c->out, _(", "));
            if (st == TM_OK)
                st = tm_buf_printf(
                    c->out, dngettext(TM_TEXTDOMAIN, "%lu error", "%lu errors", errors), errors);
        }
    }
    if (st == TM_OK)
        st = tm_buf_puts(c->out, _(" | TMEmS console: "));
    if (st == TM_OK)
        st = tm_report_console_words(a, c->out);
    return st == TM_OK ? tm_buf_putc(c->out, '\n') : st;
}

static tm_status_t put_sections(const text_ctx_t *c, const tm_result_t *r)
{
    tm_status_t st = TM_OK;
    for (int s = 0; s < TM_SECTION_COUNT && st == TM_OK; s++) {
        bool heading = false;
        for (size_t i = 0; i < r->findings.count && st == TM_OK; i++) {
            const tm_finding_t *f = &r->findings.items[i];
            if (section_of(f) != (tm_section_t)s)
                continue;
            if (!heading) {
                st = tm_buf_printf(c->out, "%s\n", tm_report_section_heading((tm_section_t)s));
                heading = true;
            }
            if (st == TM_OK)
                st = put_finding(c, f);
        }
    }
    return st;
}

tm_status_t tm_report_text(const tm_result_t *result, const tm_text_options_t *opts,
                           tm_buf_t *out)
{
    if (!result || !opts || !out)
        return TM_EINVAL;
    text_ctx_t c = {out, opts, 0, ID_COLUMN_MIN};
    /* Widths from the translated words, so a translation keeps the columns. */
    for (int s = TM_CHECK_PASS; s <= TM_CHECK_SKIP; s++) {
        size_t w = tm_text_width(status_word((tm_check_status_t)s));
        if (w > c.status_width)
            c.status_width = w;
    }
    c.status_width += COLUMN_GAP;
    for (size_t i = 0; i < result->findings.count; i++) {
        const char *id = result->findings.items[i].id;
        size_t w = id ? tm_text_width(id) : 0;
        if (w > c.id_width)
            c.id_width = w;
    }
    c.id_width += COLUMN_GAP;

    size_t start = out->len;
    tm_status_t st = TM_OK;
    if (opts->verbosity >= 0) {
        st = put_heading(out, result);
        if (st == TM_OK)
            st = tm_buf_putc(out, '\n');
        if (st == TM_OK)
            st = put_sections(&c, result);
        if (st == TM_OK && opts->verbosity >= 1)
            st = put_records(out, result);
        if (st == TM_OK && opts->verbosity >= 1)
            st = put_spf_tree(out, result);
    }
    tm_assessment_t own;
    const tm_assessment_t *a = opts->assessment;
    if (!a) {
        tm_findings_assess(&result->findings, false, &own);
        a = &own;
    }
    if (st == TM_OK)
        st = put_verdict(&c, result, a);
    if (st != TM_OK && out->data) {
        /* Leave the caller's buffer as it was: no half report. */
        out->len = start;
        out->data[start] = '\0';
    }
    return st;
}
