/* horizon.c - the cache horizon: when every resolver must have dropped the
 * old MX.  A resolver keeps an answer for its TTL and no longer (RFC 1035
 * section 3.2.1, RFC 2181 section 8), so one that fetched the old MX the
 * moment before the last authoritative server changed holds it until that
 * moment plus the old TTL; the onboarding guide's advice to lower the MX
 * TTL before the cutover exists for this wait (docs/checks.md, mx.ttl). */
#include "tmems/tm_watch.h"

void tm_watch_horizon_compute(int64_t all_ready_since_ms, bool ttl_known, uint32_t old_ttl_s,
                              bool ttl_given, tm_watch_horizon_t *out)
{
    out->known = all_ready_since_ms >= 0 && ttl_known;
    out->ttl_s = ttl_known ? old_ttl_s : 0;
    out->ttl_given = ttl_given;
    /* The change was first seen everywhere at that poll: it happened no
     * later, so the bound holds "at the latest". */
    out->at_ms = out->known ? all_ready_since_ms + (int64_t)old_ttl_s * 1000 : 0;
}

void tm_watch_old_ttl_note(const tm_watch_facts_t *first, tm_watch_state_t first_state,
                           bool *known, uint32_t *ttl_s)
{
    /* Only an MX that is not yet the expected one is the old MX; an empty
     * MX set has no TTL to wait for. */
    if (!first || !first->answered || first_state == TM_WATCH_READY ||
        first_state == TM_WATCH_FAILED || first_state == TM_WATCH_PENDING || !first->mx ||
        !first->mx[0])
        return;
    if (!*known || first->mx_ttl > *ttl_s)
        *ttl_s = first->mx_ttl;
    *known = true;
}
