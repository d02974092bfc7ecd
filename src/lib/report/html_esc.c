/* html_esc.c - text into HTML, by the one escaping policy (src/lib/util/
 * text.c) and then the HTML escapes (HTML Living Standard, "Serializing
 * HTML fragments": & < > " and ' cover text and quoted attributes). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "html.h"
#include "tmems/tm_i18n.h"

static tm_status_t html_escape(tm_buf_t *out, const char *s, size_t len)
{
    tm_status_t st = TM_OK;
    size_t from = 0;
    for (size_t i = 0; i < len && st == TM_OK; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        st = tm_buf_append(out, s + from, i - from);
        if (st == TM_OK)
            st = tm_buf_puts(out, rep);
        from = i + 1;
    }
    return st == TM_OK ? tm_buf_append(out, s + from, len - from) : st;
}

/* policy(s) into a scratch buffer, then HTML-escaped into out. */
static tm_status_t through(tm_buf_t *out, const char *s, size_t len,
                           tm_status_t (*policy)(tm_buf_t *, const char *, size_t))
{
    tm_buf_t tmp;
    tm_buf_init(&tmp);
    tm_status_t st = policy(&tmp, s ? s : "", s ? len : 0);
    if (st == TM_OK && tmp.len)
        st = html_escape(out, tmp.data, tmp.len);
    tm_buf_clear(&tmp);
    return st;
}

tm_status_t html_text(tm_buf_t *out, const char *s, size_t len)
{
    return through(out, s, len, tm_text_neutralize);
}

tm_status_t html_cstr(tm_buf_t *out, const char *s)
{
    return html_text(out, s, s ? strlen(s) : 0);
}

tm_status_t html_lines(tm_buf_t *out, const char *s)
{
    tm_status_t st = TM_OK;
    for (const char *p = s; p && *p && st == TM_OK;) {
        size_t n = strcspn(p, "\n");
        st = html_text(out, p, n);
        p += n;
        if (*p == '\n' && st == TM_OK) {
            p++;
            if (*p)
                st = tm_buf_putc(out, '\n');
        }
    }
    return st;
}

tm_status_t html_raw(tm_buf_t *out, const char *s, size_t len)
{
    return through(out, s, len, tm_text_escape);
}

tm_status_t html_raw_cstr(tm_buf_t *out, const char *s)
{
    return html_raw(out, s, s ? strlen(s) : 0);
}

tm_status_t html_printf(tm_buf_t *out, const char *fmt, ...)
{
    tm_buf_t tmp;
    tm_buf_init(&tmp);
    va_list ap;
    va_start(ap, fmt);
    char small[512];
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    tm_status_t st = TM_OK;
    if (n < 0)
        return TM_EINVAL;
    if ((size_t)n < sizeof(small)) {
        st = tm_buf_append(&tmp, small, (size_t)n);
    } else {
        va_start(ap, fmt);
        char *big = tm_calloc((size_t)n + 1, 1);
        if (big)
            vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        st = big ? tm_buf_append(&tmp, big, (size_t)n) : TM_ENOMEM;
        tm_free(big);
    }
    if (st == TM_OK && tmp.len)
        st = html_text(out, tmp.data, tmp.len);
    tm_buf_clear(&tmp);
    return st;
}

const char *html_status_word(tm_check_status_t s)
{
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

tm_status_t tm_report_html_json_chunk(const char *json, size_t len, tm_buf_t *out)
{
    /* Inside <script type="application/json">: the element ends at the
     * first "</script", and "<!--" changes how it is read, whatever JSON
     * string they stand in.  In JSON the three characters below occur only
     * inside strings, where \u escapes mean the same (RFC 8259 section 7):
     * the data reads back byte for byte and nothing can break out. */
    tm_status_t st = TM_OK;
    size_t from = 0;
    for (size_t i = 0; i < len && st == TM_OK; i++) {
        const char *rep = json[i] == '<'   ? "\\u003c"
                          : json[i] == '>' ? "\\u003e"
                          : json[i] == '&' ? "\\u0026"
                                           : NULL;
        if (!rep)
            continue;
        st = tm_buf_append(out, json + from, i - from);
        if (st == TM_OK)
            st = tm_buf_puts(out, rep);
        from = i + 1;
    }
    return st == TM_OK ? tm_buf_append(out, json + from, len - from) : st;
}
