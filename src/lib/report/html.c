/* html.c - the HTML report (docs/html.md): one page a support ticket can
 * carry, in the console's sections (全般 / 受信サーバ / 送信サーバ).  Every
 * piece is plain HTML that reads without scripts and prints; the script
 * only adds copy buttons and tree controls.  No element loads anything:
 * the Content-Security-Policy allows only the inline style sheet and
 * script by their hashes (html_assets.c). */
#include <stdio.h>
#include <string.h>

#include "html.h"
#include "html_assets.h"
#include "verdict_words.h"
#include "tmems/tm_spf.h"
#include "tmems/tm_i18n.h"

static const char *section_heading(tm_section_t s)
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

/* ---- the page ------------------------------------------------------------------ */

static tm_status_t fact(tm_buf_t *out, const char *label, const char *value, bool code)
{
    tm_status_t st = tm_buf_puts(out, "<dt>");
    if (st == TM_OK)
        st = html_cstr(out, label);
    if (st == TM_OK)
        st = tm_buf_puts(out, code ? "</dt><dd><code>" : "</dt><dd>");
    if (st == TM_OK)
        st = html_cstr(out, value);
    return st == TM_OK ? tm_buf_puts(out, code ? "</code></dd>\n" : "</dd>\n") : st;
}

/* The facts a ticket needs: when, which tool and rules, how DNS was
 * asked, the zone files, the options as given. */
static tm_status_t facts(const tm_html_meta_t *m, tm_buf_t *out)
{
    tm_status_t st = tm_buf_puts(out, "<footer>\n<h2 id=\"facts-h\">");
    if (st == TM_OK)
        st = html_cstr(out, _("Run facts"));
    if (st == TM_OK)
        st = tm_buf_puts(out, "</h2>\n<dl class=\"facts\" id=\"facts\">\n");
    char tool[64];
    snprintf(tool, sizeof tool, "tmems-check %s", TM_VERSION);
    if (st == TM_OK)
        st = fact(out, _("Checked at"), m->generated ? m->generated : "", false);
    if (st == TM_OK)
        st = fact(out, _("Tool"), tool, false);
    tm_buf_t text;
    tm_buf_init(&text);
    if (st == TM_OK)
        st = tm_buf_printf(&text, _("region %s, %s"), m->region ? m->region : "",
                           m->rules && strcmp(m->rules, "bundled") != 0 ? m->rules
                                                                        : _("bundled with the tool"));
    if (st == TM_OK && m->rules_sources)
        st = tm_buf_printf(&text, _(", ranges as of %s"), m->rules_sources);
    if (st == TM_OK)
        st = fact(out, _("Rules"), text.data, false);
    if (st == TM_OK)
        st = fact(out, _("DNS"), m->resolver ? m->resolver : "", false);
    text.len = 0;
    if (text.data)
        text.data[0] = '\0';
    for (size_t i = 0; i < m->nzones && st == TM_OK; i++)
        st = tm_buf_printf(&text, "%s%s", i ? ", " : "", m->zones[i]);
    if (st == TM_OK && m->nzones)
        st = fact(out, _("Zone files"), text.data, true);
    tm_buf_clear(&text);
    if (st == TM_OK)
        st = fact(out, _("Options"), m->options && *m->options ? m->options : _("(none)"), true);
    return st == TM_OK ? tm_buf_puts(out, "</dl>\n</footer>\n") : st;
}

tm_status_t tm_report_html_begin(const tm_html_meta_t *m, tm_buf_t *out)
{
    if (!m || !out)
        return TM_EINVAL;
    const char *lang = m->lang && strcmp(m->lang, "ja") == 0 ? "ja" : "en";
    tm_status_t st = tm_buf_printf(
        out,
        "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
        /* Nothing may load: no font, image, frame, connection or form. */
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'sha256-%s'; script-src 'sha256-%s'; base-uri 'none'; form-action 'none'\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"generator\" content=\"tmems-check %s\">\n<title>",
        lang, tm_html_style_sha256, tm_html_script_sha256, TM_VERSION);
    if (st == TM_OK)
        st = html_printf(out, _("tmems-check report: %s"), m->title ? m->title : "");
    if (st == TM_OK)
        st = tm_buf_printf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n<h1>",
                           tm_html_style);
    if (st == TM_OK)
        st = html_printf(out, _("tmems-check report: %s"), m->title ? m->title : "");
    if (st == TM_OK)
        st = tm_buf_puts(out, "</h1>\n<p class=\"note\">");
    if (st == TM_OK)
        st = html_printf(out, _("Checked at %s with tmems-check %s."),
                         m->generated ? m->generated : "", TM_VERSION);
    if (st == TM_OK)
        st = tm_buf_puts(out, " <a href=\"#facts\">");
    if (st == TM_OK)
        st = html_cstr(out, _("Run facts"));
    if (st == TM_OK)
        st = tm_buf_puts(out, "</a></p>\n<p class=\"note\">");
    if (st == TM_OK)
        st = html_cstr(out, _("(!) marks what the TMEmS console itself flags with a red (!) in "
                              "that section; \"console\" marks a check the console makes too, "
                              "\"tool\" the tool's own advice. The data of this report is "
                              "embedded in it as JSON (docs/html.md)."));
    if (st == TM_OK)
        st = tm_buf_puts(out, "</p>\n</header>\n<main>\n");
    return st;
}

static const char *outcome_name(const tm_assessment_t *a) { return tm_verdict_name(a->verdict); }

static tm_status_t verdict_badge(const tm_assessment_t *a, tm_buf_t *out)
{
    tm_buf_t words;
    tm_buf_init(&words);
    tm_status_t st = tm_report_verdict_words(a, &words);
    if (st == TM_OK)
        st = tm_buf_printf(out, "<span class=\"verdict v-%s\">", outcome_name(a));
    if (st == TM_OK)
        st = html_cstr(out, words.data);
    if (st == TM_OK)
        st = tm_buf_puts(out, "</span>");
    tm_buf_clear(&words);
    return st;
}

static tm_status_t console_words(const tm_assessment_t *a, tm_buf_t *out)
{
    tm_buf_t words;
    tm_buf_init(&words);
    tm_status_t st = tm_report_console_words(a, &words);
    if (st == TM_OK)
        st = html_cstr(out, words.data);
    tm_buf_clear(&words);
    return st;
}

/* "display (ascii)" for an IDN: names as the tool keeps them (validated,
 * still escaped by the policy on the way out). */
static tm_status_t domain_name(const tm_result_t *r, tm_buf_t *out)
{
    const char *display = r->domain ? r->domain : r->ascii;
    tm_status_t st = html_cstr(out, display ? display : "");
    if (st == TM_OK && r->ascii && display && strcmp(display, r->ascii) != 0) {
        st = tm_buf_puts(out, " (");
        if (st == TM_OK)
            st = html_cstr(out, r->ascii);
        if (st == TM_OK)
            st = tm_buf_putc(out, ')');
    }
    return st;
}

tm_status_t tm_report_html_summary_row(const tm_result_t *r, const tm_assessment_t *a,
                                       size_t index, tm_buf_t *out)
{
    if (!r || !a || !out)
        return TM_EINVAL;
    tm_status_t st = tm_buf_printf(out, "<tr data-outcome=\"%s\"><td><a href=\"#d%zu\">",
                                   outcome_name(a), index + 1);
    if (st == TM_OK)
        st = domain_name(r, out);
    if (st == TM_OK)
        st = tm_buf_puts(out, "</a></td><td>");
    if (st == TM_OK)
        st = verdict_badge(a, out);
    if (st == TM_OK)
        st = tm_buf_puts(out, "</td><td>");
    if (st == TM_OK)
        st = console_words(a, out);
    if (st == TM_OK)
        st = tm_buf_printf(out, "</td><td>%lu</td><td>%lu</td><td>%lu</td></tr>\n", a->fails,
                           a->warns, a->errors);
    return st;
}

tm_status_t tm_report_html_summary(const char *rows, size_t count, tm_buf_t *out)
{
    tm_status_t st = tm_buf_puts(out, "<section class=\"summary\" id=\"summary\">\n<h2>");
    if (st == TM_OK)
        st = html_printf(out,
                         dngettext(TM_TEXTDOMAIN, "Summary of %zu domain", "Summary of %zu domains",
                                   count),
                         count);
    if (st == TM_OK)
        st = tm_buf_puts(out, "</h2>\n<table>\n<thead><tr><th>");
    static const char *const heads[] = {N_("Domain"), N_("Verdict"), N_("TMEmS console"),
                                        N_("Failures"), N_("Warnings"), N_("Errors")};
    for (size_t i = 0; i < sizeof heads / sizeof heads[0] && st == TM_OK; i++) {
        if (i > 0)
            st = tm_buf_puts(out, "</th><th>");
        if (st == TM_OK)
            st = html_cstr(out, _(heads[i]));
    }
    if (st == TM_OK)
        st = tm_buf_printf(out, "</th></tr></thead>\n<tbody>\n%s</tbody>\n</table>\n</section>\n",
                           rows ? rows : "");
    return st;
}

/* ---- one finding ------------------------------------------------------------------ */

static bool is_record_line(const char *records, const char *line, size_t len)
{
    for (const char *p = records; p && *p;) {
        size_t n = strcspn(p, "\n");
        if (n == len && memcmp(p, line, len) == 0)
            return true;
        p += n;
        if (*p == '\n')
            p++;
    }
    return false;
}

/* The Fix, line by line; the lines of fix_records (the zone lines that can
 * be pasted as they are) marked, which the copy button copies. */
static tm_status_t fix_block(const tm_finding_t *f, const char *id, tm_buf_t *out)
{
    tm_status_t st = tm_buf_puts(out, "<div class=\"fix\"><p class=\"fix-head\">");
    if (st == TM_OK)
        st = html_cstr(out, _("Fix:"));
    if (st == TM_OK) {
        const char *label = f->fix_records ? _("Copy the zone lines") : _("Copy");
        st = tm_buf_printf(out, " <button type=\"button\" class=\"copy\" data-target=\"%s\" "
                                "hidden data-label=\"",
                           id);
        if (st == TM_OK)
            st = html_cstr(out, label);
        if (st == TM_OK)
            st = tm_buf_puts(out, "\" data-done=\"");
        if (st == TM_OK)
            st = html_cstr(out, _("Copied"));
        if (st == TM_OK)
            st = tm_buf_puts(out, "\" data-fail=\"");
        if (st == TM_OK)
            st = html_cstr(out, _("Select the lines and copy them"));
        if (st == TM_OK)
            st = tm_buf_puts(out, "\">");
        if (st == TM_OK)
            st = html_cstr(out, label);
        if (st == TM_OK)
            st = tm_buf_puts(out, "</button>");
    }
    if (st == TM_OK)
        st = tm_buf_printf(out, "</p><pre class=\"fix-text\" id=\"%s\">", id);
    for (const char *p = f->fix; p && *p && st == TM_OK;) {
        size_t n = strcspn(p, "\n");
        bool rec = is_record_line(f->fix_records, p, n);
        if (rec)
            st = tm_buf_puts(out, "<span class=\"rec\">");
        if (st == TM_OK)
            st = html_text(out, p, n);
        if (st == TM_OK && rec)
            st = tm_buf_puts(out, "</span>");
        p += n;
        if (*p == '\n')
            p++;
        if (st == TM_OK && *p)
            st = tm_buf_putc(out, '\n');
    }
    return st == TM_OK ? tm_buf_puts(out, "</pre></div>\n") : st;
}

static tm_status_t console_note(const tm_finding_t *f, tm_buf_t *out)
{
    const tm_check_def_t *def = f->id ? tm_check_find(f->id) : NULL;
    const char *note = !def || !def->console ? _("The tool's own advice: the TMEmS console does "
                                                 "not check this.")
                       : tm_finding_console_flag(f)
                           ? _("The TMEmS console checks this and shows a red (!) on this "
                               "section for it.")
                           : _("The TMEmS console checks this; it shows no (!) for this result.");
    tm_status_t st = tm_buf_puts(out, "<p class=\"console\">");
    if (st == TM_OK)
        st = html_cstr(out, note);
    return st == TM_OK ? tm_buf_puts(out, "</p>\n") : st;
}

static tm_status_t finding(const tm_finding_t *f, size_t index, size_t k, tm_buf_t *out)
{
    const tm_check_def_t *def = f->id ? tm_check_find(f->id) : NULL;
    const char *status = tm_check_status_name(f->status);
    bool flag = tm_finding_console_flag(f);
    tm_status_t st = tm_buf_printf(out,
                                   "<article class=\"finding s-%s\" data-status=\"%s\" "
                                   "data-console=\"%s\" data-console-flag=\"%s\" data-id=\"",
                                   status, status, def && def->console ? "true" : "false",
                                   flag ? "true" : "false");
    if (st == TM_OK)
        st = html_cstr(out, f->id ? f->id : "");
    if (st == TM_OK)
        st = tm_buf_puts(out, "\">\n<p class=\"head\"><span class=\"status\">");
    if (st == TM_OK)
        st = html_cstr(out, html_status_word(f->status));
    if (st == TM_OK)
        st = tm_buf_puts(out, "</span> <code class=\"id\">");
    if (st == TM_OK)
        st = html_cstr(out, f->id ? f->id : "");
    if (st == TM_OK)
        st = tm_buf_puts(out, "</code> ");
    if (st == TM_OK && flag) {
        st = tm_buf_puts(out, "<span class=\"flag\" title=\"");
        if (st == TM_OK)
            st = html_cstr(out, _("The TMEmS console shows a red (!) for this"));
        if (st == TM_OK)
            st = tm_buf_puts(out, "\">(!)</span>");
    }
    if (st == TM_OK) {
        bool console = def && def->console;
        st = tm_buf_printf(out, "<span class=\"who %s\">", console ? "who-console" : "who-tool");
        if (st == TM_OK)
            st = html_cstr(out, console ? _("console") : _("tool"));
        if (st == TM_OK)
            st = tm_buf_puts(out, "</span> ");
    }
    if (st == TM_OK)
        st = tm_buf_puts(out, "<span class=\"summary\">");
    if (st == TM_OK)
        st = html_cstr(out, f->summary);
    if (st == TM_OK)
        st = tm_buf_puts(out, "</span></p>\n");
    if (st == TM_OK && f->status != TM_CHECK_PASS && f->status != TM_CHECK_SKIP)
        st = console_note(f, out);
    if (st == TM_OK && f->detail) {
        st = tm_buf_puts(out, "<pre class=\"detail\">");
        if (st == TM_OK)
            st = html_lines(out, f->detail);
        if (st == TM_OK)
            st = tm_buf_puts(out, "</pre>\n");
    }
    if (st == TM_OK && f->fix) {
        char id[64];
        snprintf(id, sizeof id, "fix-%zu-%zu", index + 1, k + 1);
        st = fix_block(f, id, out);
    }
    return st == TM_OK ? tm_buf_puts(out, "</article>\n") : st;
}

/* ---- one domain -------------------------------------------------------------------- */

static tm_status_t heading_line(const tm_result_t *r, tm_buf_t *out)
{
    const char *when = r->phase == TM_PHASE_PRE    ? _("before the MX cutover")
                       : r->phase == TM_PHASE_POST ? _("after the MX cutover")
                                                   : _("phase not decided");
    const char *how = r->phase_derived ? _("from the MX records") : _("as given");
    tm_status_t st = tm_buf_puts(out, "<p class=\"phase\">");
    if (st == TM_OK)
        st = html_printf(out, _("%s (phase %s, %s)"), when, tm_phase_name(r->phase), how);
    if (st == TM_OK)
        st = html_cstr(out, _("; "));
    if (st == TM_OK && !r->company) {
        st = html_cstr(out, _("company ID unknown"));
    } else if (st == TM_OK) {
        /* The company comes from an MX host: DNS data, escaped with the
         * rest of the line. */
        const char *fmt = r->company_source == TM_COMPANY_FROM_MX ? _("company ID %s (from the MX host)")
                          : r->company_source == TM_COMPANY_FROM_OPTION
                              ? _("company ID %s (from --company)")
                              : _("company ID %s");
        st = html_printf(out, fmt, r->company);
    }
    return st == TM_OK ? tm_buf_puts(out, "</p>\n") : st;
}

static tm_status_t verdict_line(const tm_assessment_t *a, tm_buf_t *out)
{
    tm_status_t st = tm_buf_puts(out, "<p class=\"verdict-line\"><strong>");
    if (st == TM_OK)
        st = html_cstr(out, _("Verdict:"));
    if (st == TM_OK)
        st = tm_buf_puts(out, "</strong> ");
    if (st == TM_OK)
        st = verdict_badge(a, out);
    if (st == TM_OK)
        st = tm_buf_puts(out, " \xe2\x80\x94 "); /* U+2014 EM DASH */
    if (st == TM_OK)
        st = html_printf(out, dngettext(TM_TEXTDOMAIN, "%lu failure", "%lu failures", a->fails),
                         a->fails);
    if (st == TM_OK)
        st = html_cstr(out, _(", "));
    if (st == TM_OK)
        st = html_printf(out, dngettext(TM_TEXTDOMAIN, "%lu warning", "%lu warnings", a->warns),
                         a->warns);
    if (st == TM_OK && a->errors) {
        st = html_cstr(out, _(", "));
        if (st == TM_OK)
            st = html_printf(out, dngettext(TM_TEXTDOMAIN, "%lu error", "%lu errors", a->errors),
                             a->errors);
    }
    if (st == TM_OK)
        st = html_cstr(out, _(" | TMEmS console: "));
    if (st == TM_OK)
        st = console_words(a, out);
    return st == TM_OK ? tm_buf_puts(out, "</p>\n") : st;
}

static const char *section_key(tm_section_t s) { return tm_section_name(s); }

tm_status_t tm_report_html_domain(const tm_result_t *r, const tm_assessment_t *assessment,
                                  size_t index, tm_buf_t *out)
{
    if (!r || !out)
        return TM_EINVAL;
    tm_assessment_t own;
    const tm_assessment_t *a = assessment;
    if (!a) {
        tm_findings_assess(&r->findings, false, &own);
        a = &own;
    }
    size_t start = out->len;
    tm_status_t st = tm_buf_printf(out, "<section class=\"domain\" id=\"d%zu\" data-outcome=\"%s\" "
                                        "data-domain=\"",
                                   index + 1, outcome_name(a));
    if (st == TM_OK)
        st = html_cstr(out, r->ascii ? r->ascii : r->domain);
    if (st == TM_OK)
        st = tm_buf_puts(out, "\">\n<h2>");
    if (st == TM_OK)
        st = domain_name(r, out);
    if (st == TM_OK)
        st = tm_buf_puts(out, " ");
    if (st == TM_OK)
        st = verdict_badge(a, out);
    if (st == TM_OK)
        st = tm_buf_puts(out, "</h2>\n");
    if (st == TM_OK)
        st = heading_line(r, out);
    if (st == TM_OK)
        st = verdict_line(a, out);
    for (int s = 0; s < TM_SECTION_COUNT && st == TM_OK; s++) {
        bool heading = false;
        for (size_t i = 0; i < r->findings.count && st == TM_OK; i++) {
            const tm_finding_t *f = &r->findings.items[i];
            if (section_of(f) != (tm_section_t)s)
                continue;
            if (!heading) {
                bool flagged = (a->console_flagged >> s) & 1u;
                st = tm_buf_printf(out,
                                   "<section class=\"console-section\" data-section=\"%s\" "
                                   "data-flagged=\"%s\">\n<h3>",
                                   section_key((tm_section_t)s), flagged ? "true" : "false");
                if (st == TM_OK)
                    st = html_cstr(out, section_heading((tm_section_t)s));
                if (st == TM_OK && flagged)
                    st = tm_buf_puts(out, " <span class=\"flag\">(!)</span>");
                if (st == TM_OK)
                    st = tm_buf_puts(out, "</h3>\n");
                heading = true;
            }
            if (st == TM_OK)
                st = finding(f, index, i, out);
        }
        if (st == TM_OK && s == TM_SECTION_OUTBOUND && r->spf) {
            if (!heading) {
                st = tm_buf_puts(out, "<section class=\"console-section\" "
                                      "data-section=\"outbound\" data-flagged=\"false\">\n<h3>");
                if (st == TM_OK)
                    st = html_cstr(out, section_heading(TM_SECTION_OUTBOUND));
                if (st == TM_OK)
                    st = tm_buf_puts(out, "</h3>\n");
                heading = true;
            }
            if (st == TM_OK)
                st = html_spf(r, index, out);
        }
        if (st == TM_OK && heading)
            st = tm_buf_puts(out, "</section>\n");
    }
    if (st == TM_OK)
        st = html_records(r, out);
    if (st == TM_OK)
        st = tm_buf_puts(out, "</section>\n");
    if (st != TM_OK && out->data) {
        out->len = start;
        out->data[start] = '\0';
    }
    return st;
}

tm_status_t tm_report_html_footer(const tm_html_meta_t *meta, tm_buf_t *out)
{
    if (!meta || !out)
        return TM_EINVAL;
    tm_status_t st = tm_buf_puts(out, "</main>\n");
    if (st == TM_OK)
        st = facts(meta, out);
    return st == TM_OK
               ? tm_buf_puts(out, "<script type=\"application/json\" id=\"tmems-report\">\n")
               : st;
}

tm_status_t tm_report_html_end(tm_buf_t *out)
{
    return tm_buf_printf(out, "</script>\n<script>%s</script>\n</body>\n</html>\n",
                         tm_html_script);
}
