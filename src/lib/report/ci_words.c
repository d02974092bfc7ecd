/* ci_words.c - words shared by the CI formats (ci_words.h). */
#include <string.h>

#include "ci_words.h"
#include "tmems/tm_i18n.h"

const char *tm_ci_status_word(tm_check_status_t s)
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

const char *tm_ci_change_word(tm_plan_change_t change)
{
    switch (change) {
    case TM_PLAN_FIXED: return _("fixed");
    case TM_PLAN_BROKEN: return _("broken");
    case TM_PLAN_STILL_FAILING: return _("still failing");
    case TM_PLAN_UNCHANGED:
    case TM_PLAN_CHANGES: break;
    }
    return _("unchanged");
}

tm_status_t tm_ci_put_source(tm_buf_t *out, const tm_source_t *src)
{
    if (!src->file)
        return TM_OK;
    tm_status_t st = tm_buf_puts(out, src->file);
    if (st == TM_OK && src->line)
        st = tm_buf_printf(out, ":%lu", src->line);
    if (st == TM_OK && src->line && src->column)
        st = tm_buf_printf(out, ":%u", src->column);
    return st;
}

tm_status_t tm_ci_neutralize_lines(tm_buf_t *out, const char *s)
{
    tm_status_t st = TM_OK;
    while (st == TM_OK && s && *s) {
        size_t n = strcspn(s, "\n");
        st = tm_text_neutralize(out, s, n);
        s += n;
        if (st == TM_OK && *s == '\n') {
            st = tm_buf_putc(out, '\n');
            s++;
        }
    }
    return st;
}
