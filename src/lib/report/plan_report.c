/* plan_report.c - the report of --plan (tm_report_ci.h): per check, what
 * the proposed zone changes against the live DNS.  The checks that change
 * come first (broken, then fixed, then still failing), the unchanged are
 * counted; the verdict of each side closes it. */
#include <string.h>

#include "ci_words.h"
#include "json_util.h"
#include "verdict_words.h"
#include "tmems/tm_report_ci.h"
#include "tmems/tm_i18n.h"

static const tm_plan_change_t shown_order[] = {TM_PLAN_BROKEN, TM_PLAN_FIXED,
                                               TM_PLAN_STILL_FAILING};

static const char *status_of(const tm_finding_t *f)
{
    return f ? tm_ci_status_word(f->status) : "-";
}

static const char *change_sgr(tm_plan_change_t c)
{
    switch (c) {
    case TM_PLAN_BROKEN: return "\033[31m";
    case TM_PLAN_FIXED: return "\033[32m";
    case TM_PLAN_STILL_FAILING: return "\033[33m";
    default: return "";
    }
}

static tm_status_t put_clean(tm_buf_t *out, const char *s)
{
    return s ? tm_text_neutralize(out, s, strlen(s)) : TM_OK;
}

static tm_status_t put_verdicts(const tm_plan_t *plan, tm_buf_t *out, bool markdown)
{
    tm_buf_t live, proposed;
    tm_buf_init(&live);
    tm_buf_init(&proposed);
    tm_status_t st = tm_report_verdict_words(&plan->live, &live);
    if (st == TM_OK)
        st = tm_report_verdict_words(&plan->proposed, &proposed);
    if (st == TM_OK)
        st = tm_buf_putc(&live, '\0');
    if (st == TM_OK)
        st = tm_buf_putc(&proposed, '\0');
    if (st == TM_OK)
        st = tm_buf_printf(out, markdown ? _("**Live DNS:** %s | **Proposed:** %s (exit status %d)")
                                         : _("Live DNS: %s | Proposed: %s (exit status %d)"),
                           live.data, proposed.data,
                           tm_verdict_exit_status(plan->proposed.verdict));
    if (st == TM_OK)
        st = tm_buf_puts(out, markdown ? "\n\n" : "\n");
    tm_buf_clear(&live);
    tm_buf_clear(&proposed);
    return st;
}

static tm_status_t put_unchanged(const tm_plan_t *plan, tm_buf_t *out)
{
    size_t n = plan->changes[TM_PLAN_UNCHANGED];
    return tm_buf_printf(out,
                         dngettext(TM_TEXTDOMAIN, "%zu check unchanged (failing in neither)",
                                   "%zu checks unchanged (failing in neither)", n),
                         n);
}

tm_status_t tm_report_plan_text(const tm_plan_t *plan, bool color, tm_buf_t *out)
{
    tm_status_t st = put_clean(out, plan->domain);
    if (st == TM_OK)
        st = tm_buf_printf(out, ": %s\n", _("plan: the proposed zone against the live DNS"));
    for (size_t k = 0; st == TM_OK && k < sizeof shown_order / sizeof shown_order[0]; k++) {
        for (size_t i = 0; st == TM_OK && i < plan->count; i++) {
            const tm_plan_item_t *it = &plan->items[i];
            if (it->change != shown_order[k])
                continue;
            const char *word = tm_ci_change_word(it->change);
            size_t w = tm_text_width(word);
            st = tm_buf_printf(out, "  %s%s%s%*s %-22s %s -> %s  ", color ? change_sgr(it->change) : "",
                               word, color ? "\033[0m" : "", (int)(w < 14 ? 14 - w : 0), "",
                               it->id ? it->id : "", status_of(it->live), status_of(it->proposed));
            /* what the proposal says: the fix for what it breaks or leaves
             * failing, the live summary for what it fixes */
            const tm_finding_t *say = it->change == TM_PLAN_FIXED ? it->live : it->proposed;
            if (st == TM_OK && say)
                st = put_clean(out, say->summary);
            if (st == TM_OK)
                st = tm_buf_putc(out, '\n');
            if (st == TM_OK && it->proposed && it->proposed->source.file &&
                it->change != TM_PLAN_FIXED) {
                st = tm_buf_printf(out, "  %14s %s ", "", _("Source:"));
                tm_buf_t where;
                tm_buf_init(&where);
                if (st == TM_OK)
                    st = tm_ci_put_source(&where, &it->proposed->source);
                if (st == TM_OK)
                    st = tm_buf_putc(&where, '\0');
                if (st == TM_OK)
                    st = put_clean(out, where.data);
                tm_buf_clear(&where);
                if (st == TM_OK)
                    st = tm_buf_putc(out, '\n');
            }
        }
    }
    if (st == TM_OK)
        st = tm_buf_puts(out, "  ");
    if (st == TM_OK)
        st = put_unchanged(plan, out);
    if (st == TM_OK)
        st = tm_buf_putc(out, '\n');
    return st == TM_OK ? put_verdicts(plan, out, false) : st;
}

static void write_side(tm_jw_t *w, const char *key, const tm_finding_t *f)
{
    tm_jw_key(w, key);
    if (!f) {
        tm_jw_null(w);
        return;
    }
    tm_jw_object(w);
    tm_jw_key(w, "status");
    tm_jw_cstring(w, tm_check_status_name(f->status));
    tm_jw_key(w, "summary");
    tm_jw_cstring(w, f->summary);
    tm_jw_key(w, "fix");
    tm_jw_cstring(w, f->fix);
    if (f->source.file) {
        tm_jw_key(w, "source");
        tm_jw_object(w);
        tm_jw_key(w, "file");
        tm_jw_cstring(w, f->source.file);
        if (f->source.line) {
            tm_jw_key(w, "line");
            tm_jw_int(w, (long long)f->source.line);
        }
        if (f->source.column) {
            tm_jw_key(w, "column");
            tm_jw_int(w, f->source.column);
        }
        tm_jw_object_end(w);
    }
    tm_jw_object_end(w);
}

static void write_verdict(tm_jw_t *w, const char *key, const tm_assessment_t *a)
{
    tm_jw_key(w, key);
    tm_jw_object(w);
    tm_jw_key(w, "outcome");
    tm_jw_cstring(w, tm_verdict_name(a->verdict));
    tm_jw_key(w, "exit_status");
    tm_jw_int(w, tm_verdict_exit_status(a->verdict));
    tm_jw_key(w, "fails");
    tm_jw_int(w, (long long)a->fails);
    tm_jw_key(w, "warnings");
    tm_jw_int(w, (long long)a->warns);
    tm_jw_key(w, "errors");
    tm_jw_int(w, (long long)a->errors);
    tm_jw_object_end(w);
}

tm_status_t tm_report_plan_json(const tm_plan_t *plan, tm_buf_t *out)
{
    tm_jw_t w;
    tm_jw_init(&w, out, TM_JSON_COMPACT, 0);
    tm_jw_object(&w);
    tm_jw_key(&w, "domain");
    tm_jw_cstring(&w, plan->domain);
    write_verdict(&w, "live", &plan->live);
    write_verdict(&w, "proposed", &plan->proposed);
    tm_jw_key(&w, "changes");
    tm_jw_object(&w);
    for (int c = 0; c < TM_PLAN_CHANGES; c++) {
        tm_jw_key(&w, tm_plan_change_name((tm_plan_change_t)c));
        tm_jw_int(&w, (long long)plan->changes[c]);
    }
    tm_jw_object_end(&w);
    tm_jw_key(&w, "checks");
    tm_jw_array(&w);
    for (size_t i = 0; i < plan->count; i++) {
        const tm_plan_item_t *it = &plan->items[i];
        tm_jw_object(&w);
        tm_jw_key(&w, "id");
        tm_jw_cstring(&w, it->id);
        tm_jw_key(&w, "section");
        tm_jw_cstring(&w, tm_section_name(it->section));
        tm_jw_key(&w, "change");
        tm_jw_cstring(&w, tm_plan_change_name(it->change));
        write_side(&w, "live", it->live);
        write_side(&w, "proposed", it->proposed);
        tm_jw_object_end(&w);
    }
    tm_jw_array_end(&w);
    tm_jw_object_end(&w);
    return tm_jw_status(&w);
}

tm_status_t tm_report_plan_markdown(const tm_plan_t *plan, tm_buf_t *out)
{
    tm_status_t st = tm_buf_puts(out, "### ");
    if (st == TM_OK)
        st = tm_markdown_escape(out, plan->domain);
    if (st == TM_OK)
        st = tm_buf_printf(out, ": %s\n\n", _("what this change does"));
    size_t rows = plan->changes[TM_PLAN_BROKEN] + plan->changes[TM_PLAN_FIXED] +
                  plan->changes[TM_PLAN_STILL_FAILING];
    if (st == TM_OK && rows > 0)
        st = tm_buf_printf(out, "| %s | %s | %s | %s | %s |\n|---|---|---|---|---|\n",
                           _("Change"), _("Check"), _("Live DNS"), _("Proposed"), _("Finding"));
    for (size_t k = 0; st == TM_OK && k < sizeof shown_order / sizeof shown_order[0]; k++) {
        for (size_t i = 0; st == TM_OK && i < plan->count; i++) {
            const tm_plan_item_t *it = &plan->items[i];
            if (it->change != shown_order[k])
                continue;
            const tm_finding_t *say = it->change == TM_PLAN_FIXED ? it->live : it->proposed;
            st = tm_buf_printf(out, "| %s%s%s | `%s` | %s | %s | ",
                               it->change == TM_PLAN_BROKEN ? "**" : "",
                               tm_ci_change_word(it->change),
                               it->change == TM_PLAN_BROKEN ? "**" : "", it->id ? it->id : "",
                               status_of(it->live), status_of(it->proposed));
            if (st == TM_OK && say)
                st = tm_markdown_escape(out, say->summary);
            if (st == TM_OK && it->change != TM_PLAN_FIXED && say && say->source.file) {
                tm_buf_t where;
                tm_buf_init(&where);
                st = tm_ci_put_source(&where, &say->source);
                if (st == TM_OK)
                    st = tm_buf_putc(&where, '\0');
                if (st == TM_OK)
                    st = tm_buf_puts(out, " (");
                if (st == TM_OK)
                    st = tm_markdown_escape(out, where.data);
                if (st == TM_OK)
                    st = tm_buf_putc(out, ')');
                tm_buf_clear(&where);
            }
            if (st == TM_OK)
                st = tm_buf_puts(out, " |\n");
        }
    }
    if (st == TM_OK && rows > 0)
        st = tm_buf_putc(out, '\n');
    if (st == TM_OK)
        st = put_unchanged(plan, out);
    if (st == TM_OK)
        st = tm_buf_puts(out, ".\n\n");
    return st == TM_OK ? put_verdicts(plan, out, true) : st;
}
