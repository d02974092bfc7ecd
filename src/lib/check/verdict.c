/* verdict.c - the verdict of one domain, as every format and the exit status
 * tell it (docs/checks.md "The verdict"):
 *
 * - ready needs the token, the MX and SPF judged: a record whose decisive
 *   checks all skipped (offline with nothing known, for example), or one of
 *   whose decisive checks could not judge because what it needs is unknown
 *   (offline, an SPF include that no zone file holds), makes the verdict
 *   unknown, never ready; so does a skipped check the record needs while
 *   the record is there (spf.lookups offline with part of the tree unknown:
 *   the unknown part may hold any number of lookups);
 * - a decisive check that did not run (--only/--skip) makes it "the selected
 *   checks passed", which is not a readiness verdict;
 * - with --strict a warning fails the verdict like a failure;
 * - and beside it, what the TMEmS console shows: 設定が必要 with the sections
 *   that get a red (!), or 完了 (the catalogue says which checks the console
 *   makes itself, registry.c); a console check that did not judge, or did
 *   not run, leaves its section unknown, so 完了 is never claimed for it. */
#include <string.h>

#include "finding.h"

const char *tm_area_name(tm_area_t area)
{
    switch (area) {
    case TM_AREA_TOKEN: return "token";
    case TM_AREA_MX: return "mx";
    case TM_AREA_SPF: return "spf";
    default: break;
    }
    return "";
}

const char *tm_verdict_name(tm_verdict_t verdict)
{
    switch (verdict) {
    case TM_VERDICT_READY: return "ready";
    case TM_VERDICT_SELECTED_PASSED: return "selected_passed";
    case TM_VERDICT_NOT_READY: return "not_ready";
    case TM_VERDICT_UNKNOWN: break;
    }
    return "unknown";
}

int tm_verdict_exit_status(tm_verdict_t verdict)
{
    switch (verdict) {
    case TM_VERDICT_READY:
    case TM_VERDICT_SELECTED_PASSED: return 0;
    case TM_VERDICT_NOT_READY: return 1;
    case TM_VERDICT_UNKNOWN: break;
    }
    return 3;
}

const char *tm_console_status_name(tm_console_status_t status)
{
    switch (status) {
    case TM_CONSOLE_COMPLETE: return "complete";
    case TM_CONSOLE_REQUIRED: return "configuration_required";
    case TM_CONSOLE_UNKNOWN: break;
    }
    return "unknown";
}

static const tm_check_def_t *def_of(const tm_finding_t *f)
{
    return f->id ? tm_check_find(f->id) : NULL;
}

bool tm_finding_console_flag(const tm_finding_t *f)
{
    const tm_check_def_t *def = def_of(f);
    return def && !f->console_off && (def->console_flags & TM_STATUS_BIT(f->status)) != 0;
}

/* A console check that can put a (!) on its section (inbound.smtp cannot:
 * registry.c). */
static bool sets_console_flag(const tm_check_def_t *def)
{
    return def->console && def->console_flags != 0;
}

/* The finding of a check, or NULL when it did not run. */
static const tm_finding_t *finding_of(const tm_findings_t *f, const char *id)
{
    for (size_t i = 0; i < f->count; i++) {
        if (f->items[i].id && strcmp(f->items[i].id, id) == 0)
            return &f->items[i];
    }
    return NULL;
}

/* The decisive areas of the catalogue whose checks are all absent from the
 * findings (*not_selected), or all skipped, or one of them skipped for want
 * of data (*console_open: what the console checks is not known either); in
 * *not_judged those plus the areas that a skipped check they need
 * (needed_for) leaves open while the record is there (a decisive check
 * passed): a record that is missing, wrong, or not needed (info) is judged
 * already, whatever skips because of it.  And the console sections whose
 * check did not run or did not judge. */
static void areas_of(const tm_findings_t *f, unsigned *not_judged, unsigned *console_open,
                     unsigned *not_selected, unsigned *console_unknown)
{
    unsigned ran = 0, judged = 0, open = 0, missing = 0, passed = 0, undecided = 0;
    size_t n;
    const tm_check_def_t *cat = tm_check_catalogue(&n);
    *console_unknown = 0;
    for (size_t c = 0; c < n; c++) {
        const tm_finding_t *x = finding_of(f, cat[c].id);
        if (cat[c].needed_for && x && x->status == TM_CHECK_SKIP)
            undecided |= cat[c].needed_for;
        if (!cat[c].decisive && !sets_console_flag(&cat[c]))
            continue;
        bool unjudged = x && x->status == TM_CHECK_SKIP && x->unjudged;
        if (sets_console_flag(&cat[c]) && (!x || (unjudged && !x->console_off)))
            *console_unknown |= 1u << cat[c].section;
        if (!x) {
            missing |= cat[c].decisive;
            continue;
        }
        ran |= cat[c].decisive;
        if (x->status != TM_CHECK_SKIP)
            judged |= cat[c].decisive;
        if (x->status == TM_CHECK_PASS || x->status == TM_CHECK_WARN)
            passed |= cat[c].decisive;
        if (unjudged)
            open |= cat[c].decisive;
    }
    *console_open = (ran & ~judged) | open;
    *not_judged = *console_open | (undecided & passed);
    *not_selected = missing;
}

void tm_findings_assess(const tm_findings_t *f, bool strict, tm_assessment_t *out)
{
    memset(out, 0, sizeof(*out));
    out->strict = strict;
    out->worst = tm_findings_verdict(f);
    unsigned flagged = 0, unexpected = 0;
    for (size_t i = 0; i < f->count; i++) {
        const tm_finding_t *x = &f->items[i];
        out->fails += x->status == TM_CHECK_FAIL;
        out->warns += x->status == TM_CHECK_WARN;
        out->errors += x->status == TM_CHECK_ERROR;
        const tm_check_def_t *def = def_of(x);
        unsigned bit = TM_STATUS_BIT(x->status);
        if (!def || x->console_off || !(def->console_flags & bit) ||
            (unsigned)x->section >= TM_SECTION_COUNT)
            continue;
        flagged |= 1u << x->section;
        if (!(def->console_expected & bit))
            unexpected |= 1u << x->section;
    }
    unsigned console_open;
    areas_of(f, &out->not_judged, &console_open, &out->not_selected, &out->console_unknown);

    if (out->fails > 0 || (strict && out->warns > 0))
        out->verdict = TM_VERDICT_NOT_READY;
    else if (out->errors > 0 || out->not_judged)
        out->verdict = TM_VERDICT_UNKNOWN;
    else if (out->not_selected)
        out->verdict = TM_VERDICT_SELECTED_PASSED;
    else
        out->verdict = TM_VERDICT_READY;

    out->console_flagged = flagged;
    out->console_expected = flagged & ~unexpected;
    out->console_unknown &= ~flagged;
    if (flagged)
        out->console = TM_CONSOLE_REQUIRED;
    else if (out->errors > 0 || console_open || out->not_selected || out->console_unknown)
        /* what the console shows needs the records it checks; the lookup
         * count left unknown offline (needed_for) is the tool's own
         * verdict's concern */
        out->console = TM_CONSOLE_UNKNOWN;
    else
        out->console = TM_CONSOLE_COMPLETE;
}
