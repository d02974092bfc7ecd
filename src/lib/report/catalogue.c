/* catalogue.c - the list of checks for "tmems-check checks" (docs/cli.md):
 * what an installed tool can tell about its --only/--skip ids without the
 * documentation at hand.  Every fact comes from the catalogue
 * (src/lib/check/registry.c); this file only lays it out. */
#include <string.h>

#include "json_util.h"
#include "tmems/tm_report.h"
#include "tmems/tm_i18n.h"

#define INDENT "  "
#define COLUMN_GAP 2
/* What the console's red (!) looks like in the text report. */
#define CONSOLE_MARK "(!) "

/* The console flags the section for some status of this check. */
static bool console_flags(const tm_check_def_t *def)
{
    return def->console && def->console_flags != 0;
}

tm_status_t tm_report_catalogue_text(tm_buf_t *out)
{
    size_t n = 0;
    const tm_check_def_t *cat = tm_check_catalogue(&n);
    size_t width = 0;
    for (size_t i = 0; i < n; i++) {
        size_t w = strlen(cat[i].id);
        if (w > width)
            width = w;
    }
    width += COLUMN_GAP;
    tm_status_t st = TM_OK;
    for (size_t i = 0; i < n && st == TM_OK; i++) {
        if (i == 0 || cat[i].section != cat[i - 1].section)
            st = tm_buf_printf(out, "%s\n", tm_report_section_heading(cat[i].section));
        if (st == TM_OK)
            st = tm_buf_printf(out, INDENT "%-*s%s%s\n", (int)width, cat[i].id,
                               console_flags(&cat[i]) ? CONSOLE_MARK : "",
                               tm_check_description(cat[i].id));
    }
    if (st == TM_OK)
        st = tm_buf_printf(out, "\n%s\n%s\n",
                           _("(!) The TMEmS console checks this too: when it fails, the console "
                             "shows 設定が必要 with a red (!) on the section."),
                           _("Select checks with --only and --skip: ids, or prefixes ending in "
                             "'.' (spf.)."));
    return st;
}

/* The statuses of a mask (TM_STATUS_BIT) as an array of their JSON names. */
static void write_statuses(tm_jw_t *w, unsigned mask)
{
    tm_jw_array(w);
    for (unsigned s = TM_CHECK_PASS; s <= TM_CHECK_SKIP; s++) {
        if (mask & TM_STATUS_BIT(s))
            tm_jw_cstring(w, tm_check_status_name((tm_check_status_t)s));
    }
    tm_jw_array_end(w);
}

static void write_check(tm_jw_t *w, const tm_check_def_t *def)
{
    tm_jw_object(w);
    tm_jw_key(w, "id");
    tm_jw_cstring(w, def->id);
    tm_jw_key(w, "section");
    tm_jw_cstring(w, tm_section_name(def->section));
    tm_jw_key(w, "console");
    tm_jw_bool(w, def->console);
    tm_jw_key(w, "console_flags");
    write_statuses(w, def->console_flags);
    tm_jw_key(w, "console_expected");
    write_statuses(w, def->console_expected);
    tm_jw_key(w, "decisive");
    tm_jw_cstring(w, def->decisive ? tm_area_name(def->decisive) : NULL);
    tm_jw_key(w, "needs");
    tm_jw_cstring(w, tm_check_needs_option(tm_check_needs(def->id)));
    tm_jw_key(w, "description");
    tm_jw_cstring(w, tm_check_description(def->id));
    tm_jw_object_end(w);
}

tm_status_t tm_report_catalogue_json(tm_buf_t *out)
{
    size_t n = 0;
    const tm_check_def_t *cat = tm_check_catalogue(&n);
    tm_jw_t w;
    tm_jw_init(&w, out, TM_JSON_PRETTY, 0);
    tm_jw_object(&w);
    tm_jw_key(&w, "schema");
    tm_jw_int(&w, 1);
    tm_jw_key(&w, "checks");
    tm_jw_array(&w);
    for (size_t i = 0; i < n; i++)
        write_check(&w, &cat[i]);
    tm_jw_array_end(&w);
    tm_jw_object_end(&w);
    tm_status_t st = tm_jw_status(&w);
    return st == TM_OK ? tm_buf_putc(out, '\n') : st;
}
