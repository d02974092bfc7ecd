/* invalid.c - the result for a name that cannot be checked.  In a list of
 * domains (-f) one bad line must not cost the whole batch (CLI.md): it gets
 * a result of its own, in its place, whose only check is domain.name `fail`,
 * so every format reports it where the user looks for it. */
#include "tmems/tm_run.h"
#include "util/tm_i18n.h"

tm_status_t tm_result_invalid_name(const char *input, const char *why, tm_result_t **out)
{
    if (!input || !out)
        return TM_EINVAL;
    *out = NULL;
    const tm_check_def_t *def = tm_check_find("domain.name");
    if (!def)
        return TM_ENOTFOUND;
    tm_status_t st = TM_ENOMEM;
    tm_result_t *r = tm_calloc(1, sizeof(*r));
    if (!r)
        return TM_ENOMEM;
    tm_findings_init(&r->findings);
    r->domain = tm_strdup(input);
    r->findings.items = tm_calloc(1, sizeof(*r->findings.items));
    if (!r->domain || !r->findings.items)
        goto done;
    r->findings.cap = 1;
    tm_finding_t *f = &r->findings.items[0];
    r->findings.count = 1;
    f->id = def->id;
    f->section = def->section;
    f->status = TM_CHECK_FAIL;
    f->summary = tm_strprintf(_("'%s' is not a valid domain name"), input);
    f->detail = why ? tm_strdup(why) : NULL;
    f->fix = tm_strdup(_("Correct the name in the list of domains, or remove the line; "
                         "the other domains are checked all the same."));
    if (!f->summary || (why && !f->detail) || !f->fix)
        goto done;
    r->verdict = TM_CHECK_FAIL;
    st = TM_OK;
done:
    if (st != TM_OK) {
        tm_result_destroy(r);
        return st;
    }
    *out = r;
    return TM_OK;
}
