/* finding.c - findings: their lists, the verdict, and the helpers every check
 * uses to write its summary, detail and fix. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "finding.h"

const char *tm_check_status_name(tm_check_status_t status)
{
    switch (status) {
    case TM_CHECK_PASS: return "pass";
    case TM_CHECK_INFO: return "info";
    case TM_CHECK_WARN: return "warn";
    case TM_CHECK_FAIL: return "fail";
    case TM_CHECK_ERROR: return "error";
    case TM_CHECK_SKIP: return "skip";
    }
    return "error";
}

const char *tm_section_name(tm_section_t section)
{
    switch (section) {
    case TM_SECTION_DOMAIN: return "domain";
    case TM_SECTION_INBOUND: return "inbound";
    case TM_SECTION_OUTBOUND: return "outbound";
    case TM_SECTION_RULES: return "rules";
    case TM_SECTION_COUNT: break;
    }
    return "rules";
}

const char *tm_phase_name(tm_phase_t phase)
{
    switch (phase) {
    case TM_PHASE_PRE: return "pre";
    case TM_PHASE_POST: return "post";
    case TM_PHASE_AUTO: break;
    }
    return "auto";
}

void tm_findings_init(tm_findings_t *f)
{
    f->items = NULL;
    f->count = 0;
    f->cap = 0;
}

void tm_findings_clear(tm_findings_t *f)
{
    for (size_t i = 0; i < f->count; i++) {
        tm_free(f->items[i].summary);
        tm_free(f->items[i].detail);
        tm_free(f->items[i].fix);
        tm_free(f->items[i].fix_records);
        tm_free(f->items[i].source.file);
    }
    tm_free(f->items);
    tm_findings_init(f);
}

tm_check_status_t tm_findings_verdict(const tm_findings_t *f)
{
    bool error = false, warn = false;
    for (size_t i = 0; i < f->count; i++) {
        switch (f->items[i].status) {
        case TM_CHECK_FAIL: return TM_CHECK_FAIL;
        case TM_CHECK_ERROR: error = true; break;
        case TM_CHECK_WARN: warn = true; break;
        default: break;
        }
    }
    return error ? TM_CHECK_ERROR : warn ? TM_CHECK_WARN : TM_CHECK_PASS;
}

/* A text field of a finding: the pointer, and the length and allocation
 * finding.c knows of (0: measure). */
typedef struct {
    char **text;
    size_t *len, *cap;
} field_t;

#define FIELD(f, name) ((field_t){&(f)->name, &(f)->name##_len, &(f)->name##_cap})

/* Sets the field to the formatted text, or with append_line adds it as a
 * new line; the allocation grows geometrically, so a long list of lines
 * costs what its bytes cost. */
static tm_status_t vset(field_t field, bool append_line, const char *fmt, va_list ap)
{
    va_list probe;
    va_copy(probe, ap);
    int n = vsnprintf(NULL, 0, fmt, probe);
    va_end(probe);
    if (n < 0)
        return TM_EINVAL;
    char *old = *field.text;
    bool append = append_line && old;
    size_t have = 0;
    if (append)
        have = *field.len ? *field.len : strlen(old);
    size_t need = have + (append ? 1 : 0) + (size_t)n + 1;
    char *text = old;
    if (!append || need > *field.cap) {
        size_t cap = append && *field.cap * 2 > need ? *field.cap * 2 : need;
        text = append ? tm_realloc(old, cap) : tm_malloc(cap);
        if (!text)
            return TM_ENOMEM;
        if (!append)
            tm_free(old);
        *field.cap = cap;
    }
    if (append)
        text[have++] = '\n';
    vsnprintf(text + have, (size_t)n + 1, fmt, ap);
    *field.text = text;
    *field.len = have + (size_t)n;
    return TM_OK;
}

tm_status_t tm_finding_set(tm_finding_t *f, tm_check_status_t status, const char *fmt, ...)
{
    f->status = status;
    va_list ap;
    va_start(ap, fmt);
    size_t len = 0, cap = 0; /* one line, never appended to */
    tm_status_t st = vset((field_t){&f->summary, &len, &cap}, false, fmt, ap);
    va_end(ap);
    return st;
}

tm_status_t tm_finding_detail(tm_finding_t *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tm_status_t st = vset(FIELD(f, detail), true, fmt, ap);
    va_end(ap);
    return st;
}

tm_status_t tm_finding_fix(tm_finding_t *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tm_status_t st = vset(FIELD(f, fix), true, fmt, ap);
    va_end(ap);
    return st;
}

tm_status_t tm_finding_fix_record(tm_finding_t *f, const char *fmt, ...)
{
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    tm_status_t st = vset(FIELD(f, fix), true, fmt, ap);
    if (st == TM_OK)
        st = vset(FIELD(f, fix_records), true, fmt, again);
    va_end(again);
    va_end(ap);
    return st;
}

tm_status_t tm_quote_dns(tm_buf_t *buf, const char *data, size_t len)
{
    /* The escaping policy of src/lib/util/text.c, in one place: every byte
     * of the data once, NUL included, so nothing after a NUL is hidden. */
    tm_status_t st = tm_buf_putc(buf, '"');
    if (st == TM_OK)
        st = tm_text_escape_quoted(buf, data, len);
    if (st == TM_OK)
        st = tm_buf_putc(buf, '"');
    return st;
}

char *tm_quote_dns_dup(const char *data, size_t len)
{
    tm_buf_t buf;
    tm_buf_init(&buf);
    if (tm_quote_dns(&buf, data, len) != TM_OK) {
        tm_buf_clear(&buf);
        return NULL;
    }
    return tm_buf_take(&buf);
}
