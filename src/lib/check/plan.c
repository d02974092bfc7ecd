/* plan.c - the findings of a proposed zone against those of live DNS, check
 * by check (tm_plan.h). */
#include <string.h>

#include "tmems/tm_plan.h"

const char *tm_plan_change_name(tm_plan_change_t change)
{
    switch (change) {
    case TM_PLAN_FIXED: return "fixed";
    case TM_PLAN_BROKEN: return "broken";
    case TM_PLAN_STILL_FAILING: return "still_failing";
    case TM_PLAN_UNCHANGED:
    case TM_PLAN_CHANGES: break;
    }
    return "unchanged";
}

bool tm_plan_failing(tm_check_status_t status, bool strict)
{
    return status == TM_CHECK_FAIL || status == TM_CHECK_ERROR ||
           (strict && status == TM_CHECK_WARN);
}

static const tm_finding_t *find(const tm_findings_t *f, const char *id)
{
    for (size_t i = 0; id && i < f->count; i++) {
        if (f->items[i].id && strcmp(f->items[i].id, id) == 0)
            return &f->items[i];
    }
    return NULL;
}

static tm_plan_change_t classify(const tm_finding_t *live, const tm_finding_t *proposed,
                                 bool strict)
{
    bool was = live && tm_plan_failing(live->status, strict);
    bool will = proposed && tm_plan_failing(proposed->status, strict);
    if (was && !will)
        return TM_PLAN_FIXED;
    if (!was && will)
        return TM_PLAN_BROKEN;
    return was ? TM_PLAN_STILL_FAILING : TM_PLAN_UNCHANGED;
}

tm_status_t tm_plan_compare(const char *domain, const tm_findings_t *live,
                            const tm_findings_t *proposed, bool strict, tm_plan_t *out)
{
    memset(out, 0, sizeof *out);
    if (!live || !proposed)
        return TM_EINVAL;
    out->domain = domain;
    out->strict = strict;
    tm_findings_assess(live, strict, &out->live);
    tm_findings_assess(proposed, strict, &out->proposed);
    size_t cap = proposed->count + live->count;
    if (cap == 0)
        return TM_OK;
    out->items = tm_calloc(cap, sizeof *out->items);
    if (!out->items)
        return TM_ENOMEM;
    /* The proposed findings in their order, then any check that ran live
     * only (a selection cannot differ, but a check may not run on both). */
    for (size_t i = 0; i < proposed->count; i++) {
        const tm_finding_t *p = &proposed->items[i];
        tm_plan_item_t *it = &out->items[out->count++];
        it->id = p->id;
        it->section = p->section;
        it->proposed = p;
        it->live = find(live, p->id);
    }
    for (size_t i = 0; i < live->count; i++) {
        const tm_finding_t *l = &live->items[i];
        if (find(proposed, l->id))
            continue;
        tm_plan_item_t *it = &out->items[out->count++];
        it->id = l->id;
        it->section = l->section;
        it->live = l;
    }
    for (size_t i = 0; i < out->count; i++) {
        tm_plan_item_t *it = &out->items[i];
        it->change = classify(it->live, it->proposed, strict);
        out->changes[it->change]++;
    }
    return TM_OK;
}

void tm_plan_clear(tm_plan_t *plan)
{
    if (!plan)
        return;
    tm_free(plan->items);
    memset(plan, 0, sizeof *plan);
}
