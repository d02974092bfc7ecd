/* verdict_words.c - the verdict of a domain in words (verdict_words.h):
 * the tool's own verdict and what the TMEmS console shows, kept apart so
 * that 完了 on the console and "ready" here can never be confused
 * (docs/checks.md "The verdict"). */
#include "verdict_words.h"
#include "tmems/tm_i18n.h"

/* The decisive records named in a verdict, joined by the list separator. */
static tm_status_t put_areas(tm_buf_t *out, unsigned areas)
{
    static const tm_area_t order[] = {TM_AREA_TOKEN, TM_AREA_MX, TM_AREA_SPF};
    tm_status_t st = TM_OK;
    bool first = true;
    for (size_t i = 0; i < sizeof order / sizeof order[0] && st == TM_OK; i++) {
        if (!(areas & order[i]))
            continue;
        if (!first)
            st = tm_buf_puts(out, _(", "));
        if (st == TM_OK)
            st = tm_buf_puts(out, order[i] == TM_AREA_TOKEN ? _("ownership token")
                                  : order[i] == TM_AREA_MX  ? _("MX")
                                                            : _("SPF"));
        first = false;
    }
    return st;
}

/* A sentence with one %s filled with the names of the areas. */
static tm_status_t put_with_areas(tm_buf_t *out, const char *fmt, unsigned areas)
{
    tm_buf_t names;
    tm_buf_init(&names);
    tm_status_t st = put_areas(&names, areas);
    if (st == TM_OK)
        st = tm_buf_printf(out, fmt, names.data ? names.data : "");
    tm_buf_clear(&names);
    return st;
}

/* The tool's own verdict, in words other than the console's (完了, 設定が
 * 必要), so that the two views cannot be taken for each other. */
tm_status_t tm_report_verdict_words(const tm_assessment_t *a, tm_buf_t *out)
{
    switch (a->verdict) {
    case TM_VERDICT_READY: return tm_buf_puts(out, _("ready"));
    case TM_VERDICT_NOT_READY:
        return tm_buf_puts(out, a->fails > 0 ? _("not ready")
                                             : _("not ready: --strict makes warnings fail"));
    case TM_VERDICT_SELECTED_PASSED:
        return put_with_areas(out,
                              _("the selected checks passed; not a readiness verdict "
                                "(--only/--skip left out: %s)"),
                              a->not_selected);
    case TM_VERDICT_UNKNOWN: break;
    }
    if (a->errors > 0)
        return tm_buf_puts(out, _("unknown: DNS did not answer"));
    return put_with_areas(out,
                          _("unknown: these records were not judged (their checks "
                            "skipped): %s"),
                          a->not_judged);
}

tm_check_status_t tm_report_verdict_colour(const tm_assessment_t *a)
{
    switch (a->verdict) {
    case TM_VERDICT_READY: return a->warns ? TM_CHECK_WARN : TM_CHECK_PASS;
    case TM_VERDICT_SELECTED_PASSED: return TM_CHECK_INFO;
    case TM_VERDICT_NOT_READY: return TM_CHECK_FAIL;
    case TM_VERDICT_UNKNOWN: break;
    }
    return TM_CHECK_ERROR;
}

/* The console's labels of its sections (the same in every language). */
const char *tm_report_console_section(tm_section_t s)
{
    switch (s) {
    case TM_SECTION_DOMAIN: return _("全般 / ドメイン名");
    case TM_SECTION_INBOUND: return _("受信サーバ");
    case TM_SECTION_OUTBOUND: return _("送信サーバ");
    case TM_SECTION_RULES:
    case TM_SECTION_COUNT: break;
    }
    return "";
}

/* The console sections of a mask, joined by the list separator. */
static tm_status_t put_sections(tm_buf_t *out, unsigned sections)
{
    tm_status_t st = TM_OK;
    bool first = true;
    for (int s = 0; s < TM_SECTION_COUNT && st == TM_OK; s++) {
        if (!(sections & (1u << s)))
            continue;
        if (!first)
            st = tm_buf_puts(out, _(", "));
        if (st == TM_OK)
            st = tm_buf_puts(out, tm_report_console_section((tm_section_t)s));
        first = false;
    }
    return st;
}

/* A sentence with one %s filled with the names of the sections. */
static tm_status_t put_with_sections(tm_buf_t *out, const char *fmt, unsigned sections)
{
    tm_buf_t names;
    tm_buf_init(&names);
    tm_status_t st = put_sections(&names, sections);
    if (st == TM_OK)
        st = tm_buf_printf(out, fmt, names.data ? names.data : "");
    tm_buf_clear(&names);
    return st;
}

/* What the TMEmS console shows: 完了, or 設定が必要 with the sections that
 * get its red (!), each marked when that (!) is expected before the MX
 * cutover (the onboarding guide, Step 2), so that nobody chases it; and
 * the sections whose console check did not judge, whose view is unknown. */
tm_status_t tm_report_console_words(const tm_assessment_t *a, tm_buf_t *out)
{
    switch (a->console) {
    case TM_CONSOLE_COMPLETE: return tm_buf_puts(out, _("完了 (complete)"));
    case TM_CONSOLE_UNKNOWN:
        if (a->console_unknown)
            return put_with_sections(out, _("unknown (not judged: %s)"), a->console_unknown);
        return tm_buf_puts(out, _("unknown (not every record was judged)"));
    case TM_CONSOLE_REQUIRED: break;
    }
    tm_buf_t list;
    tm_buf_init(&list);
    tm_status_t st = TM_OK;
    bool first = true;
    for (int s = 0; s < TM_SECTION_COUNT && st == TM_OK; s++) {
        if (!(a->console_flagged & (1u << s)))
            continue;
        if (!first)
            st = tm_buf_puts(&list, _(", "));
        if (st == TM_OK)
            st = (a->console_expected & (1u << s))
                     ? tm_buf_printf(&list, _("%s (expected before the MX cutover)"),
                                     tm_report_console_section((tm_section_t)s))
                     : tm_buf_puts(&list, tm_report_console_section((tm_section_t)s));
        first = false;
    }
    if (st == TM_OK)
        st = tm_buf_printf(out, _("設定が必要 (configuration required), (!) on %s"),
                           list.data ? list.data : "");
    tm_buf_clear(&list);
    if (st == TM_OK && a->console_unknown)
        st = put_with_sections(out, _("; not judged: %s"), a->console_unknown);
    return st;
}
