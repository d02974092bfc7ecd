/* invalid.c - the results for a name that cannot be checked.  In a list of
 * domains (-f) one bad line must not cost the whole batch (docs/
 * tmems-check.1, -f): it gets a result of its own, in its place, whose only
 * finding fails and says why, so every format reports it where the user
 * looks for it. */
#include "tmems/tm_run.h"
#include "tmems/tm_i18n.h"

/* A result whose one finding is check `id`, fail, with the texts given
 * (summary and fix owned by this call from here on, NULL on failure). */
static tm_status_t unchecked(const char *display, const char *ascii, const char *id,
                             char *summary, const char *why, char *fix, tm_result_t **out)
{
    *out = NULL;
    const tm_check_def_t *def = tm_check_find(id);
    tm_status_t st = TM_ENOMEM;
    tm_result_t *r = tm_calloc(1, sizeof(*r));
    if (!def || !r) {
        tm_free(summary);
        tm_free(fix);
        tm_free(r);
        return def ? TM_ENOMEM : TM_ENOTFOUND;
    }
    tm_findings_init(&r->findings);
    r->domain = tm_strdup(display);
    r->ascii = ascii ? tm_strdup(ascii) : NULL;
    r->findings.items = tm_calloc(1, sizeof(*r->findings.items));
    if (!r->findings.items) {
        tm_free(summary);
        tm_free(fix);
        goto done;
    }
    r->findings.cap = 1;
    tm_finding_t *f = &r->findings.items[0];
    r->findings.count = 1;
    f->id = def->id;
    f->section = def->section;
    f->status = TM_CHECK_FAIL;
    f->summary = summary;
    f->detail = why ? tm_strdup(why) : NULL;
    f->fix = fix;
    if (!r->domain || (ascii && !r->ascii) || !f->summary || (why && !f->detail) || !f->fix)
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

tm_status_t tm_result_invalid_name(const char *input, const char *why, tm_result_t **out)
{
    if (!input || !out)
        return TM_EINVAL;
    return unchecked(input, NULL, "domain.name",
                     tm_strprintf(_("'%s' is not a valid domain name"), input), why,
                     tm_strdup(_("Correct the name in the list of domains, or remove the line; "
                                 "the other domains are checked all the same.")),
                     out);
}

tm_status_t tm_result_not_covered(const char *display, const char *ascii, const char *why,
                                  tm_result_t **out)
{
    if (!display || !ascii || !out)
        return TM_EINVAL;
    return unchecked(display, ascii, "domain.exists",
                     tm_strprintf(_("No zone file holds %s: offline, nothing about it can be "
                                    "checked"),
                                  ascii),
                     why,
                     tm_strdup(_("Give the domain's zone file with --zone, or check it without "
                                 "--offline; the other domains are checked all the same.")),
                     out);
}
