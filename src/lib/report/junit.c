/* junit.c - JUnit XML for CI (GitLab, Jenkins): one <testsuite> per domain,
 * one <testcase> per check; fail is a <failure>, error an <error>, skip a
 * <skipped/>; pass, info and warn pass (warn and info say why in
 * <system-out>), except that under --strict a warn is a <failure>, as it
 * fails the verdict.  A verdict that is unknown although no check errs
 * (every decisive check skipped) is one more testcase, "verdict", with an
 * <error>: the suite is then never green while the exit status is 3.
 * The checks the TMEmS console makes itself carry the property console, and
 * the message of one that gets its red (!) starts with "(!)", as in the
 * text report.  Written in pieces so that a batch streams: the root's
 * opening, each domain as it completes, then the closing tag.
 *
 * DNS data is untrusted and XML 1.0 cannot carry every character: text is
 * made valid UTF-8 first, characters outside XML 1.0's Char production
 * (section 2.2) are dropped, and so are the discouraged C1 controls and DEL
 * (they act on terminals that show CI logs). */
#include <stdio.h>
#include <string.h>

#include "verdict_words.h"
#include "tmems/tm_report.h"
#include "tmems/tm_i18n.h"

/* XML 1.0 section 2.2 Char, minus the controls it discourages. */
static bool xml_char_ok(uint32_t c)
{
    if (c == 0x9 || c == 0xA || c == 0xD)
        return true;
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
        return false;
    if (c >= 0xD800 && c <= 0xDFFF)
        return false;
    return c != 0xFFFE && c != 0xFFFF && c <= 0x10FFFF;
}

/* One code point of text already made valid UTF-8; *len gets its bytes. */
static uint32_t next_code_point(tm_cursor_t *cur, size_t *len)
{
    int b = tm_cursor_next(cur);
    uint32_t c = (uint32_t)b;
    size_t more = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
    c &= more == 3 ? 0x07u : more == 2 ? 0x0Fu : more == 1 ? 0x1Fu : 0x7Fu;
    *len = 1;
    for (size_t i = 0; i < more && !tm_cursor_eof(cur); i++) {
        c = (c << 6) | ((uint32_t)tm_cursor_next(cur) & 0x3Fu);
        (*len)++;
    }
    return c;
}

/* Appends s escaped for XML character data, or for a double-quoted
 * attribute value (where tab, CR and LF must be character references or
 * attribute-value normalisation turns them into spaces, section 3.3.3). */
static tm_status_t put_xml(tm_buf_t *out, const char *s, bool attr)
{
    /* The escaping policy of src/lib/util/text.c, as in the text report:
     * findings show untrusted bytes escaped already, so each line is only
     * neutralised (hidden characters escaped, '\\' kept); the line breaks
     * between a detail's lines stay line breaks. */
    tm_buf_t clean;
    tm_buf_init(&clean);
    tm_status_t st = tm_buf_append(&clean, "", 0);
    for (const char *p = s ? s : ""; st == TM_OK && *p;) {
        size_t n = strcspn(p, "\n");
        st = tm_text_neutralize(&clean, p, n);
        p += n;
        if (st == TM_OK && *p == '\n') {
            st = tm_buf_putc(&clean, '\n');
            p++;
        }
    }
    tm_cursor_t cur;
    tm_cursor_init(&cur, clean.data ? clean.data : "", clean.len);
    while (st == TM_OK && !tm_cursor_eof(&cur)) {
        size_t at = cur.pos, len;
        uint32_t c = next_code_point(&cur, &len);
        if (!xml_char_ok(c))
            continue;
        switch (c) {
        case '&': st = tm_buf_puts(out, "&amp;"); break;
        case '<': st = tm_buf_puts(out, "&lt;"); break;
        case '>': st = tm_buf_puts(out, "&gt;"); break; /* "]]>" may not appear raw */
        case '"': st = attr ? tm_buf_puts(out, "&quot;") : tm_buf_putc(out, '"'); break;
        case '\r': st = tm_buf_puts(out, "&#13;"); break; /* line ends normalise otherwise */
        case '\t': st = attr ? tm_buf_puts(out, "&#9;") : tm_buf_putc(out, '\t'); break;
        case '\n': st = attr ? tm_buf_puts(out, "&#10;") : tm_buf_putc(out, '\n'); break;
        default: st = tm_buf_append(out, clean.data + at, len); break;
        }
    }
    tm_buf_clear(&clean);
    return st;
}

static tm_status_t put_attr(tm_buf_t *out, const char *name, const char *value)
{
    tm_status_t st = tm_buf_printf(out, " %s=\"", name);
    if (st == TM_OK)
        st = put_xml(out, value, true);
    if (st == TM_OK)
        st = tm_buf_putc(out, '"');
    return st;
}

static tm_status_t put_property(tm_buf_t *out, const char *name, const char *value)
{
    tm_status_t st = tm_buf_puts(out, "      <property");
    if (st == TM_OK)
        st = put_attr(out, "name", name);
    if (st == TM_OK)
        st = put_attr(out, "value", value);
    if (st == TM_OK)
        st = tm_buf_puts(out, "/>\n");
    return st;
}

/* The detail and the fix, a blank line between them, as element text. */
static tm_status_t put_explanation(tm_buf_t *out, const tm_finding_t *f)
{
    tm_status_t st = TM_OK;
    if (f->detail)
        st = put_xml(out, f->detail, false);
    if (st == TM_OK && f->detail && f->fix)
        st = tm_buf_puts(out, "\n\n");
    if (st == TM_OK && f->fix)
        st = put_xml(out, f->fix, false);
    return st;
}

/* The summary, after "(!) " when the console flags the finding. */
static tm_status_t put_summary(tm_buf_t *out, const tm_finding_t *f, bool attr)
{
    tm_status_t st = tm_finding_console_flag(f) ? tm_buf_puts(out, "(!) ") : TM_OK;
    return st == TM_OK ? put_xml(out, f->summary, attr) : st;
}

/* <failure>/<error> with the summary as message and the rest as text. */
static tm_status_t put_problem(tm_buf_t *out, const char *element, const tm_finding_t *f)
{
    tm_status_t st = tm_buf_printf(out, "      <%s message=\"", element);
    if (st == TM_OK)
        st = put_summary(out, f, true);
    if (st == TM_OK)
        st = tm_buf_putc(out, '"');
    if (st == TM_OK)
        st = put_attr(out, "type", tm_check_status_name(f->status));
    if (st == TM_OK && !f->detail && !f->fix)
        return tm_buf_puts(out, "/>\n");
    if (st == TM_OK)
        st = tm_buf_putc(out, '>');
    if (st == TM_OK)
        st = put_explanation(out, f);
    if (st == TM_OK)
        st = tm_buf_printf(out, "</%s>\n", element);
    return st;
}

/* A passing check that still has something to say (warn, info). */
static tm_status_t put_system_out(tm_buf_t *out, const tm_finding_t *f)
{
    tm_status_t st = tm_buf_printf(out, "      <system-out>%s: ", tm_check_status_name(f->status));
    if (st == TM_OK)
        st = put_summary(out, f, false);
    if (st == TM_OK && (f->detail || f->fix))
        st = tm_buf_putc(out, '\n');
    if (st == TM_OK)
        st = put_explanation(out, f);
    if (st == TM_OK)
        st = tm_buf_puts(out, "</system-out>\n");
    return st;
}

/* A check the console makes itself says so (docs/json.md "console"). */
static bool is_console_check(const tm_finding_t *f)
{
    const tm_check_def_t *def = f->id ? tm_check_find(f->id) : NULL;
    return def && def->console && !f->console_off;
}

static tm_status_t put_testcase(tm_buf_t *out, const tm_finding_t *f, bool strict)
{
    tm_status_t st = tm_buf_puts(out, "    <testcase");
    if (st == TM_OK)
        st = put_attr(out, "classname", tm_section_name(f->section));
    if (st == TM_OK)
        st = put_attr(out, "name", f->id);
    /* Where the record is written: file and line, the attributes GitLab's
     * and GitHub's JUnit readers take to point at the source. */
    if (st == TM_OK && f->source.file)
        st = put_attr(out, "file", f->source.file);
    if (st == TM_OK && f->source.file && f->source.line) {
        char line[32];
        snprintf(line, sizeof line, "%lu", f->source.line);
        st = put_attr(out, "line", line);
    }
    if (st != TM_OK)
        return st;
    bool console = is_console_check(f);
    if (f->status == TM_CHECK_PASS && !console)
        return tm_buf_puts(out, "/>\n");
    st = tm_buf_puts(out, ">\n");
    if (st == TM_OK && console)
        st = tm_buf_puts(out, "      <properties>\n  ");
    if (st == TM_OK && console)
        st = put_property(out, "console", "true");
    if (st == TM_OK && console)
        st = tm_buf_puts(out, "      </properties>\n");
    if (st == TM_OK) {
        switch (f->status) {
        case TM_CHECK_PASS: break;
        case TM_CHECK_FAIL: st = put_problem(out, "failure", f); break;
        case TM_CHECK_WARN:
            st = strict ? put_problem(out, "failure", f) : put_system_out(out, f);
            break;
        case TM_CHECK_ERROR: st = put_problem(out, "error", f); break;
        case TM_CHECK_SKIP:
            st = tm_buf_puts(out, "      <skipped");
            if (st == TM_OK)
                st = put_attr(out, "message", f->summary);
            if (st == TM_OK)
                st = tm_buf_puts(out, "/>\n");
            break;
        default: st = put_system_out(out, f); break;
        }
    }
    if (st == TM_OK)
        st = tm_buf_puts(out, "    </testcase>\n");
    return st;
}

tm_status_t tm_report_junit_begin(tm_buf_t *out)
{
    if (!out)
        return TM_EINVAL;
    return tm_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                            "<testsuites name=\"tmems-check\">\n");
}

/* The section names of a mask, comma-separated ("domain,inbound"). */
static tm_status_t put_sections_property(tm_buf_t *out, const char *name, unsigned mask)
{
    char value[64] = "";
    size_t len = 0;
    for (int s = 0; s < TM_SECTION_COUNT; s++) {
        if (mask & (1u << s))
            len += (size_t)snprintf(value + len, sizeof value - len, "%s%s", len ? "," : "",
                                    tm_section_name((tm_section_t)s));
    }
    return put_property(out, name, value);
}

/* The testcase that stands for an unknown verdict no check reports as an
 * error (every decisive check skipped). */
static tm_status_t put_verdict_case(tm_buf_t *out, const tm_assessment_t *a)
{
    tm_buf_t words;
    tm_buf_init(&words);
    tm_status_t st = tm_report_verdict_words(a, &words);
    if (st == TM_OK)
        st = tm_buf_puts(out, "    <testcase classname=\"verdict\" name=\"verdict\">\n"
                              "      <error");
    if (st == TM_OK)
        st = put_attr(out, "message", words.data ? words.data : "");
    if (st == TM_OK)
        st = put_attr(out, "type", tm_verdict_name(a->verdict));
    if (st == TM_OK)
        st = tm_buf_puts(out, "/>\n    </testcase>\n");
    tm_buf_clear(&words);
    return st;
}

tm_status_t tm_report_junit_suite(const tm_result_t *result, const tm_assessment_t *assessment,
                                  tm_buf_t *out)
{
    if (!result || !out)
        return TM_EINVAL;
    tm_assessment_t own;
    const tm_assessment_t *a = assessment;
    if (!a) {
        tm_findings_assess(&result->findings, false, &own);
        a = &own;
    }
    size_t failures = 0, errors = 0, skipped = 0;
    for (size_t i = 0; i < result->findings.count; i++) {
        tm_check_status_t s = result->findings.items[i].status;
        failures += s == TM_CHECK_FAIL || (a->strict && s == TM_CHECK_WARN);
        errors += s == TM_CHECK_ERROR;
        skipped += s == TM_CHECK_SKIP;
    }
    bool verdict_case = a->verdict == TM_VERDICT_UNKNOWN && errors == 0;
    const char *name = result->domain ? result->domain : result->ascii;
    tm_status_t st = tm_buf_puts(out, "  <testsuite");
    if (st == TM_OK)
        st = put_attr(out, "name", name ? name : "");
    if (st == TM_OK)
        st = tm_buf_printf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\">\n",
                           result->findings.count + verdict_case, failures,
                           errors + verdict_case, skipped);
    if (st == TM_OK)
        st = tm_buf_puts(out, "    <properties>\n");
    if (st == TM_OK && result->ascii)
        st = put_property(out, "ascii", result->ascii);
    if (st == TM_OK)
        st = put_property(out, "phase", tm_phase_name(result->phase));
    if (st == TM_OK && result->company)
        st = put_property(out, "company", result->company);
    if (st == TM_OK)
        st = put_property(out, "verdict", tm_check_status_name(result->verdict));
    if (st == TM_OK)
        st = put_property(out, "outcome", tm_verdict_name(a->verdict));
    if (st == TM_OK) {
        char code[8];
        snprintf(code, sizeof code, "%d", tm_verdict_exit_status(a->verdict));
        st = put_property(out, "exit_status", code);
    }
    if (st == TM_OK)
        st = put_property(out, "strict", a->strict ? "true" : "false");
    if (st == TM_OK)
        st = put_property(out, "console", tm_console_status_name(a->console));
    if (st == TM_OK)
        st = put_sections_property(out, "console_flagged", a->console_flagged);
    if (st == TM_OK)
        st = put_sections_property(out, "console_expected", a->console_expected);
    if (st == TM_OK)
        st = put_sections_property(out, "console_unknown", a->console_unknown);
    if (st == TM_OK)
        st = tm_buf_puts(out, "    </properties>\n");
    for (size_t i = 0; st == TM_OK && i < result->findings.count; i++)
        st = put_testcase(out, &result->findings.items[i], a->strict);
    if (st == TM_OK && verdict_case)
        st = put_verdict_case(out, a);
    if (st == TM_OK)
        st = tm_buf_puts(out, "  </testsuite>\n");
    return st;
}

tm_status_t tm_report_junit_end(tm_buf_t *out)
{
    if (!out)
        return TM_EINVAL;
    return tm_buf_puts(out, "</testsuites>\n");
}
