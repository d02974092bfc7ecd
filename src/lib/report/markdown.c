/* markdown.c - the Markdown report of a domain (tm_report_ci.h): for
 * $GITHUB_STEP_SUMMARY and pull-request comments.
 *
 * Everything that did not come from the tool is escaped: a TXT record
 * quoted in a summary must not become a link, an image that calls home, or
 * HTML in the reader's browser.  Punctuation Markdown acts on gets a
 * backslash (CommonMark, "Backslash escapes": any ASCII punctuation may be
 * escaped), '<', '>' and '&' become entities, a line break <br>. */
#include <string.h>

#include "ci_words.h"
#include "verdict_words.h"
#include "tmems/tm_report_ci.h"
#include "tmems/tm_i18n.h"

tm_status_t tm_markdown_escape(tm_buf_t *out, const char *s)
{
    tm_buf_t clean;
    tm_buf_init(&clean);
    tm_status_t st = tm_ci_neutralize_lines(&clean, s);
    for (size_t i = 0; st == TM_OK && i < clean.len; i++) {
        char c = clean.data[i];
        if (c == '<')
            st = tm_buf_puts(out, "&lt;");
        else if (c == '>')
            st = tm_buf_puts(out, "&gt;");
        else if (c == '&')
            st = tm_buf_puts(out, "&amp;");
        else if (c == '\n')
            st = tm_buf_puts(out, "<br>");
        else if (c == '\r')
            continue;
        else if (strchr("\\`*_{}[]()#+-.!|~\"'=:", c) && c != '\0') {
            st = tm_buf_putc(out, '\\');
            if (st == TM_OK)
                st = tm_buf_putc(out, c);
        } else
            st = tm_buf_putc(out, c);
    }
    tm_buf_clear(&clean);
    return st;
}

static tm_status_t put_code(tm_buf_t *out, const char *s)
{
    /* Fix lines as code: <code> keeps them literal once escaped. */
    tm_status_t st = tm_buf_puts(out, "<code>");
    if (st == TM_OK)
        st = tm_markdown_escape(out, s);
    return st == TM_OK ? tm_buf_puts(out, "</code>") : st;
}

static bool worth_a_row(const tm_finding_t *f)
{
    return f->status == TM_CHECK_FAIL || f->status == TM_CHECK_ERROR ||
           f->status == TM_CHECK_WARN || (f->status == TM_CHECK_INFO && f->fix);
}

tm_status_t tm_report_markdown_result(const tm_result_t *r, const tm_assessment_t *a,
                                      tm_buf_t *out)
{
    tm_assessment_t own;
    if (!a) {
        tm_findings_assess(&r->findings, false, &own);
        a = &own;
    }
    tm_buf_t words;
    tm_buf_init(&words);
    tm_status_t st = tm_buf_puts(out, "### ");
    if (st == TM_OK)
        st = tm_markdown_escape(out, r->domain ? r->domain : r->ascii ? r->ascii : "");
    if (st == TM_OK)
        st = tm_buf_puts(out, "\n\n");
    if (st == TM_OK)
        st = tm_report_verdict_words(a, &words);
    if (st == TM_OK)
        st = tm_buf_printf(out, "**%s** ", _("Verdict:"));
    if (st == TM_OK)
        st = tm_markdown_escape(out, words.data ? words.data : "");
    words.len = 0;
    if (st == TM_OK)
        st = tm_report_console_words(a, &words);
    if (st == TM_OK)
        st = tm_buf_printf(out, " | **%s** ", _("TMEmS console:"));
    if (st == TM_OK)
        st = tm_markdown_escape(out, words.data ? words.data : "");
    if (st == TM_OK)
        st = tm_buf_puts(out, "\n\n");
    tm_buf_clear(&words);
    size_t rows = 0;
    for (size_t i = 0; i < r->findings.count; i++)
        rows += worth_a_row(&r->findings.items[i]);
    if (st == TM_OK && rows == 0)
        return tm_buf_printf(out, "%s\n\n", _("Nothing to change."));
    if (st == TM_OK)
        st = tm_buf_printf(out, "| %s | %s | %s | %s |\n|---|---|---|---|\n", _("Status"),
                           _("Check"), _("Finding"), _("Where"));
    for (size_t i = 0; st == TM_OK && i < r->findings.count; i++) {
        const tm_finding_t *f = &r->findings.items[i];
        if (!worth_a_row(f))
            continue;
        st = tm_buf_printf(out, "| %s | `%s` | ", tm_ci_status_word(f->status),
                           f->id ? f->id : "");
        if (st == TM_OK && tm_finding_console_flag(f))
            st = tm_buf_puts(out, "(\\!) ");
        if (st == TM_OK)
            st = tm_markdown_escape(out, f->summary);
        if (st == TM_OK && f->detail) {
            st = tm_buf_puts(out, "<br>");
            if (st == TM_OK)
                st = tm_markdown_escape(out, f->detail);
        }
        if (st == TM_OK && f->fix) {
            st = tm_buf_printf(out, "<br>%s ", _("Fix:"));
            if (st == TM_OK)
                st = put_code(out, f->fix);
        }
        if (st == TM_OK)
            st = tm_buf_puts(out, " | ");
        if (st == TM_OK && f->source.file) {
            tm_buf_t where;
            tm_buf_init(&where);
            st = tm_ci_put_source(&where, &f->source);
            if (st == TM_OK)
                st = tm_buf_putc(&where, '\0');
            if (st == TM_OK)
                st = tm_markdown_escape(out, where.data);
            tm_buf_clear(&where);
        }
        if (st == TM_OK)
            st = tm_buf_puts(out, " |\n");
    }
    return st == TM_OK ? tm_buf_putc(out, '\n') : st;
}
