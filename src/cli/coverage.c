/* coverage.c - which domains an offline run can check: those at or below
 * the origin of a --zone file.  Any other name would get "skip" from every
 * check, and a report of skips is no verdict. */
#include <stdio.h>
#include <string.h>

#include "tmc_coverage.h"
#include "tmems/tm_util.h"
#include "tmems/tm_i18n.h"

bool tmc_offline_uncovered(const tmc_params_t *p, const tm_resolver_t *res, const char *ascii)
{
    return p->offline && ascii && !tm_resolver_zones_cover(res, ascii);
}

void tmc_uncovered_reason(const tm_resolver_t *res, const char *ascii, char *buf, size_t len)
{
    size_t n = tm_resolver_zone_count(res);
    if (n == 0) {
        snprintf(buf, len,
                 _("--offline without --zone: no zone file holds %s, so nothing can be "
                   "checked; give the domain's zone file with --zone"),
                 ascii);
        return;
    }
    char cut[TM_NAME_MAX + 1];
    const char *parent = NULL;
    if (tm_resolver_zones_delegate(res, ascii, cut, sizeof cut, &parent)) {
        snprintf(buf, len,
                 _("--offline: the zone file for %s delegates %s to other name servers (NS "
                   "records there), so it cannot answer for %s; give the zone file of %s with "
                   "--zone"),
                 parent && parent[0] ? parent : ".", cut, ascii, cut);
        return;
    }
    tm_buf_t origins;
    tm_buf_init(&origins);
    tm_status_t st = TM_OK;
    for (size_t i = 0; i < n && st == TM_OK; i++) {
        const char *o = tm_resolver_zone_origin(res, i);
        st = tm_buf_printf(&origins, "%s%s", i ? _(", ") : "", o && o[0] ? o : ".");
    }
    snprintf(buf, len,
             dngettext(TM_TEXTDOMAIN,
                       "--offline: no zone file holds %s (the --zone file is for %s); give "
                       "the domain's zone file with --zone",
                       "--offline: no zone file holds %s (the --zone files are for %s); give "
                       "the domain's zone file with --zone",
                       n),
             ascii, st == TM_OK && origins.data ? origins.data : "?");
    tm_buf_clear(&origins);
}
