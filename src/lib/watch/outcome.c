/* outcome.c - when the watch has reached its goal, and, at the deadline,
 * why a server keeps it from it: a stale secondary (the same primary in its
 * SOA, an older serial: it has not transferred the zone, RFC 1996 NOTIFY,
 * RFC 5936), a forgotten provider (its SOA names another primary: a copy of
 * the zone that nobody updates), a serial that was not increased (RFC 1982:
 * secondaries transfer only a higher serial), or a change not made at all. */
#include <string.h>

#include "tmems/tm_watch.h"

const char *tm_watch_role_name(tm_watch_role_t role)
{
    return role == TM_WATCH_AUTHORITATIVE ? "authoritative" : "resolver";
}

const char *tm_watch_state_name(tm_watch_state_t state)
{
    switch (state) {
    case TM_WATCH_READY: return "ready";
    case TM_WATCH_OLD: return "old";
    case TM_WATCH_OTHER: return "other";
    case TM_WATCH_FAILED: return "failed";
    default: return "pending";
    }
}

const char *tm_watch_why_name(tm_watch_why_t why)
{
    switch (why) {
    case TM_WATCH_WHY_STALE_SECONDARY: return "stale_secondary";
    case TM_WATCH_WHY_OTHER_PROVIDER: return "other_provider";
    case TM_WATCH_WHY_SAME_SERIAL: return "serial_not_increased";
    case TM_WATCH_WHY_UNCHANGED: return "unchanged";
    case TM_WATCH_WHY_UNASKED: return "unasked";
    case TM_WATCH_WHY_CACHE_STALE: return "cache_past_horizon";
    case TM_WATCH_WHY_BEFORE_HORIZON: return "horizon_after_deadline";
    default: return "none";
    }
}

const char *tm_watch_outcome_name(tm_watch_outcome_t outcome)
{
    switch (outcome) {
    case TM_WATCH_REACHED: return "reached";
    case TM_WATCH_WRONG: return "wrong";
    default: return "unasked";
    }
}

int tm_watch_outcome_exit_status(tm_watch_outcome_t outcome)
{
    switch (outcome) {
    case TM_WATCH_REACHED: return 0;
    case TM_WATCH_WRONG: return 1;
    default: return 3;
    }
}

static bool counts(const tm_watch_row_t *r) { return !r->skipped; }

/* RFC 1982 section 3.2: serials compare modulo 2^32. */
static bool serial_behind(uint32_t a, uint32_t b)
{
    return a != b && (uint32_t)(b - a) < 0x80000000u;
}

bool tm_watch_goal_reached(const tm_watch_row_t *rows, size_t n, bool until_caches,
                           const tm_watch_horizon_t *horizon, int64_t now_ms)
{
    size_t auth = 0;
    for (size_t i = 0; i < n; i++) {
        if (!counts(&rows[i]))
            continue;
        if (rows[i].role == TM_WATCH_AUTHORITATIVE)
            auth++;
        if (rows[i].role == TM_WATCH_AUTHORITATIVE && rows[i].state != TM_WATCH_READY)
            return false;
        if (until_caches && rows[i].role == TM_WATCH_RESOLVER && rows[i].state != TM_WATCH_READY)
            return false;
    }
    if (auth == 0)
        return false; /* nothing seen: nothing reached */
    return !until_caches || (horizon && horizon->known && now_ms >= horizon->at_ms);
}

/* The reference of the servers that changed: the first ready one, else
 * the one with the newest serial. */
static const tm_watch_facts_t *reference(const tm_watch_row_t *rows, size_t n)
{
    const tm_watch_facts_t *newest = NULL;
    for (size_t i = 0; i < n; i++) {
        const tm_watch_row_t *r = &rows[i];
        if (r->role != TM_WATCH_AUTHORITATIVE || !counts(r) || !r->facts || !r->facts->answered)
            continue;
        if (r->state == TM_WATCH_READY)
            return r->facts;
        if (r->facts->serial_known &&
            (!newest || serial_behind(newest->serial, r->facts->serial)))
            newest = r->facts;
    }
    return newest;
}

static bool any_ready(const tm_watch_row_t *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (rows[i].role == TM_WATCH_AUTHORITATIVE && counts(&rows[i]) &&
            rows[i].state == TM_WATCH_READY)
            return true;
    }
    return false;
}

static tm_watch_why_t why_wrong(const tm_watch_row_t *r, const tm_watch_facts_t *ref, bool ready)
{
    const tm_watch_facts_t *f = r->facts;
    if (!ready)
        return TM_WATCH_WHY_UNCHANGED;
    if (f && ref && f->mname && ref->mname && strcmp(f->mname, ref->mname) != 0)
        return TM_WATCH_WHY_OTHER_PROVIDER;
    if (f && ref && f->serial_known && ref->serial_known) {
        if (serial_behind(f->serial, ref->serial))
            return TM_WATCH_WHY_STALE_SECONDARY;
        if (f->serial == ref->serial)
            return TM_WATCH_WHY_SAME_SERIAL;
    }
    /* A newer serial than the ready servers, or none to compare: a copy of
     * the zone that is kept elsewhere. */
    return TM_WATCH_WHY_OTHER_PROVIDER;
}

tm_watch_outcome_t tm_watch_outcome_judge(tm_watch_row_t *rows, size_t n, bool reached,
                                          bool until_caches, const tm_watch_horizon_t *horizon,
                                          int64_t now_ms)
{
    for (size_t i = 0; i < n; i++)
        rows[i].why = TM_WATCH_WHY_NONE;
    if (reached)
        return TM_WATCH_REACHED;
    const tm_watch_facts_t *ref = reference(rows, n);
    bool ready = any_ready(rows, n);
    bool wrong = false, unasked = false, auth_seen = false;
    for (size_t i = 0; i < n; i++) {
        tm_watch_row_t *r = &rows[i];
        if (r->role != TM_WATCH_AUTHORITATIVE || !counts(r))
            continue;
        auth_seen = true;
        if (r->state == TM_WATCH_OLD || r->state == TM_WATCH_OTHER) {
            r->why = why_wrong(r, ref, ready);
            wrong = true;
        } else if (r->state != TM_WATCH_READY) {
            r->why = TM_WATCH_WHY_UNASKED;
            unasked = true;
        }
    }
    if (wrong)
        return TM_WATCH_WRONG;
    if (unasked || !auth_seen)
        return TM_WATCH_UNASKED_END;
    /* Every authoritative server is ready: what is left is --until caches. */
    bool past = horizon && horizon->known && now_ms >= horizon->at_ms;
    bool cache_unasked = false;
    for (size_t i = 0; until_caches && i < n; i++) {
        tm_watch_row_t *r = &rows[i];
        if (r->role != TM_WATCH_RESOLVER || !counts(r) || r->state == TM_WATCH_READY)
            continue;
        if (r->state == TM_WATCH_FAILED || r->state == TM_WATCH_PENDING) {
            r->why = TM_WATCH_WHY_UNASKED;
            cache_unasked = true;
        } else {
            r->why = past ? TM_WATCH_WHY_CACHE_STALE : TM_WATCH_WHY_BEFORE_HORIZON;
            wrong = true;
        }
    }
    if (wrong)
        return TM_WATCH_WRONG;
    if (cache_unasked)
        return TM_WATCH_UNASKED_END;
    /* Every resolver is ready but the horizon has not passed (or is not
     * known): a cache not asked here may still hold the old MX. */
    if (until_caches && !past) {
        for (size_t i = 0; i < n; i++) {
            if (rows[i].role == TM_WATCH_RESOLVER && counts(&rows[i]))
                rows[i].why = TM_WATCH_WHY_BEFORE_HORIZON;
        }
        return TM_WATCH_WRONG;
    }
    return TM_WATCH_REACHED;
}
