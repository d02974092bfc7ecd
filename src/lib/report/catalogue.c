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
static cJSON *statuses(unsigned mask)
{
    cJSON *arr = cJSON_CreateArray();
    for (unsigned s = TM_CHECK_PASS; arr && s <= TM_CHECK_SKIP; s++) {
        if ((mask & TM_STATUS_BIT(s)) &&
            !tm_json_push(arr, cJSON_CreateString(tm_check_status_name((tm_check_status_t)s)))) {
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

static cJSON *check_object(const tm_check_def_t *def)
{
    cJSON *obj = cJSON_CreateObject();
    const char *needs = tm_check_needs_option(tm_check_needs(def->id));
    bool ok = obj && tm_json_add(obj, "id", cJSON_CreateString(def->id)) &&
              tm_json_add(obj, "section", cJSON_CreateString(tm_section_name(def->section))) &&
              tm_json_add(obj, "console", cJSON_CreateBool(def->console)) &&
              tm_json_add(obj, "console_flags", statuses(def->console_flags)) &&
              tm_json_add(obj, "console_expected", statuses(def->console_expected)) &&
              tm_json_add(obj, "decisive", def->decisive ? cJSON_CreateString(
                                                               tm_area_name(def->decisive))
                                                         : cJSON_CreateNull()) &&
              tm_json_add(obj, "needs", tm_json_cstring(needs)) &&
              tm_json_add(obj, "description", tm_json_cstring(tm_check_description(def->id)));
    if (!ok) {
        cJSON_Delete(obj);
        return NULL;
    }
    return obj;
}

tm_status_t tm_report_catalogue_json(tm_buf_t *out)
{
    size_t n = 0;
    const tm_check_def_t *cat = tm_check_catalogue(&n);
    tm_status_t st = TM_ENOMEM;
    cJSON *root = cJSON_CreateObject();
    cJSON *checks = cJSON_CreateArray();
    bool ok = root && checks && tm_json_add(root, "schema", cJSON_CreateNumber(1));
    for (size_t i = 0; ok && i < n; i++)
        ok = tm_json_push(checks, check_object(&cat[i]));
    if (ok) {
        ok = tm_json_add(root, "checks", checks);
        checks = NULL; /* root's now, or deleted by tm_json_add */
    }
    if (ok)
        st = tm_json_print(root, true, out);
    cJSON_Delete(checks);
    cJSON_Delete(root);
    return st;
}
