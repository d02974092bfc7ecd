/* dispatch.c - where the resolver answers a question (resolver_state.h):
 * from the zone file whose origin covers the name, else offline from the
 * static records (or "unknown"), else from DNS through the send FIFO
 * (transport.c).  A zone's CNAME chain goes on in the zone, the static
 * records or DNS that covers its target. */
#include <string.h>

#include "chain.h"
#include "errbuf.h"
#include "resolver_state.h"
#include "zone_input.h"
#include "tmems/tm_i18n.h"

/* Zone files whose CNAMEs point into each other: hops between zones. */
#define MAX_ZONE_HOPS 8

tm_status_t tm_rsrc_load_zones(tm_resolver_t *res, const tm_resolver_options_t *opts,
                               char *err, size_t errlen)
{
    if (opts->nzones > TM_RESOLVER_MAX_ZONES) {
        tm_err_printf(err, errlen, _("too many zone files (at most %d)"), TM_RESOLVER_MAX_ZONES);
        return TM_ERANGE;
    }
    for (size_t i = 0; i < opts->nzones; i++) {
        tm_zone_options_t zopts = {.default_origin = opts->zone_origin,
                                   .include_dir = opts->zone_include_dir,
                                   .apex_required = true};
        const char *path = opts->zone_files[i];
        tm_zone_format_t format = opts->zone_format != TM_ZONE_FORMAT_AUTO
                                      ? opts->zone_format
                                      : tm_zone_format_detect(path);
        size_t before = res->nzones;
        tm_status_t st;
        if (format == TM_ZONE_FORMAT_DNSCONTROL && !opts->zone_origin) {
            /* Many domains checked: every domain of the file is a zone. */
            size_t n = 0;
            st = zone_dnscontrol_load_all(path, res->zones + res->nzones,
                                          TM_RESOLVER_MAX_ZONES - res->nzones, &n, err, errlen);
            res->nzones += n;
        } else if (res->nzones == TM_RESOLVER_MAX_ZONES) {
            tm_err_printf(err, errlen, _("too many zone files (at most %d)"),
                          TM_RESOLVER_MAX_ZONES);
            st = TM_ERANGE;
        } else {
            st = tm_zone_load_format(path, format, &zopts, &res->zones[res->nzones], err,
                                     errlen);
            res->nzones += st == TM_OK;
        }
        if (st != TM_OK)
            return st;
        for (size_t j = before; j < res->nzones; j++) {
            for (size_t k = 0; k < j; k++) {
                if (strcmp(tm_zone_origin(res->zones[k]), tm_zone_origin(res->zones[j])) == 0) {
                    tm_err_printf(err, errlen,
                                  _("zone files '%s' and '%s' have the same origin '%s'"),
                                  tm_zone_file(res->zones[k]), tm_zone_file(res->zones[j]),
                                  tm_zone_origin(res->zones[j]));
                    return TM_EINVAL;
                }
            }
        }
    }
    return TM_OK;
}

const tm_zone_t *tm_resolver_zone(const tm_resolver_t *res, size_t i)
{
    return res && i < res->nzones ? res->zones[i] : NULL;
}

const tm_zone_t *tm_resolver_zone_for(const tm_resolver_t *res, const char *name)
{
    const tm_zone_t *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; res && name && i < res->nzones; i++) {
        const tm_zone_t *z = res->zones[i];
        size_t l = strlen(tm_zone_origin(z));
        if (tm_zone_covers(z, name) && (!best || l > best_len)) {
            best = z;
            best_len = l;
        }
    }
    return best;
}

size_t tm_resolver_zone_count(const tm_resolver_t *res) { return res ? res->nzones : 0; }

const char *tm_resolver_zone_origin(const tm_resolver_t *res, size_t i)
{
    return res && i < res->nzones ? tm_zone_origin(res->zones[i]) : NULL;
}

bool tm_resolver_zones_cover(const tm_resolver_t *res, const char *name)
{
    return tm_resolver_zone_for(res, name) != NULL;
}

bool tm_resolver_zones_delegate(const tm_resolver_t *res, const char *name, char *cut,
                                size_t cutlen, const char **origin)
{
    for (size_t i = 0; res && name && i < res->nzones; i++) {
        if (tm_zone_delegates(res->zones[i], name, cut, cutlen)) {
            if (origin)
                *origin = tm_zone_origin(res->zones[i]);
            return true;
        }
    }
    return false;
}

tm_answer_t *tm_rsrc_error_answer(const char *name, uint16_t type, tm_dns_outcome_t outcome,
                                  const char *reason)
{
    tm_answer_t *ans = tm_answer_create(name, type, outcome);
    if (ans && reason && tm_answer_set_error(ans, reason) != TM_OK) {
        tm_answer_unref(ans);
        return NULL;
    }
    return ans;
}

/* Offline, outside every zone: the static record, else nothing known.
 * NULL when the answer could not be built (out of memory). */
static tm_answer_t *offline_answer(tm_resolver_t *res, const char *name, uint16_t type)
{
    tm_answer_t *ans = NULL;
    if (tm_static_records_answer(res->records, name, type, &ans) != TM_OK)
        return NULL;
    if (ans) {
        res->stats.static_answers++;
        return ans;
    }
    ans = tm_answer_create(name, type, TM_DNS_UNKNOWN);
    if (ans)
        ans->source = TM_SRC_NONE;
    return ans;
}

/* A zone answers name; when its CNAME chain leaves the zone, the chain goes
 * on in the zone that covers the target, or offline in the static records.  When the
 * target needs DNS, NULL is returned and *dns_target gets it (the caller
 * frees it); *oom tells an allocation failure from that. */
static tm_answer_t *zone_chain(tm_resolver_t *res, const tm_zone_t *z, const char *name,
                               uint16_t type, char **dns_target, bool *oom)
{
    tm_answer_t *ans = tm_zone_answer(z, name, type);
    *dns_target = NULL;
    *oom = false;
    for (unsigned hops = 0; ans; hops++) {
        if (ans->outcome != TM_DNS_NODATA || !ans->canonical || tm_zone_covers(z, ans->canonical))
            return ans;
        if (hops == MAX_ZONE_HOPS) {
            tm_answer_t *err = tm_rsrc_error_answer(name, type, TM_DNS_FORMERR,
                                                    _("CNAME chain through the zone files too long"));
            tm_answer_unref(ans);
            if (err)
                err->source = TM_SRC_ZONE;
            ans = err;
            break;
        }
        const char *target = ans->canonical;
        tm_answer_t *end;
        z = tm_resolver_zone_for(res, target);
        if (z) {
            end = tm_zone_answer(z, target, type);
        } else if (res->offline) {
            end = offline_answer(res, target, type);
        } else {
            *dns_target = tm_strdup(target);
            tm_answer_unref(ans);
            *oom = *dns_target == NULL;
            return NULL;
        }
        tm_answer_t *merged = end ? tm_resolve_merge_chain(name, end) : NULL;
        tm_answer_unref(end);
        tm_answer_unref(ans);
        ans = merged;
        if (!z)
            break; /* the static records and "unknown" end every chain */
    }
    *oom = ans == NULL;
    return ans;
}

static void on_chase(void *arg, tm_answer_t *end_own)
{
    entry_t *e = arg;
    tm_answer_t *ans = tm_resolve_merge_chain(e->name, end_own);
    tm_answer_unref(end_own);
    tm_rwait_finish(e->res, e, ans);
}

/* The zone's chain left every zone: e waits for the target's DNS answer. */
static void chase(tm_resolver_t *res, entry_t *e, const char *target)
{
    waiter_t *w = tm_calloc(1, sizeof *w);
    if (!w) {
        tm_rwait_finish(res, e, NULL);
        return;
    }
    w->cb = on_chase;
    w->arg = e;
    e->state = ENTRY_CHASING;
    if (tm_rwait_attach(res, target, e->type, w, false) != TM_OK) {
        tm_free(w);
        tm_rwait_finish(res, e, NULL);
    }
}

void tm_rsrc_dispatch(tm_resolver_t *res, entry_t *e)
{
    const tm_zone_t *z = tm_resolver_zone_for(res, e->name);
    /* An RRset the file leaves as the provider has it (octoDNS ignored,
     * DNSControl IGNORE()): what DNS serves now is what will be served.
     * Offline, the zone's answer says it is unknown, and why. */
    if (z && !res->offline && tm_zone_live(z, e->name, e->type, NULL) == TM_ZONE_LIVE_IGNORED)
        z = NULL;
    if (z) {
        char *target;
        bool oom;
        tm_answer_t *ans = zone_chain(res, z, e->name, e->type, &target, &oom);
        res->stats.zone_answers++;
        if (target) {
            chase(res, e, target);
            tm_free(target);
            return;
        }
        tm_rwait_finish(res, e, oom ? NULL : ans);
        return;
    }
    if (res->offline) {
        tm_rwait_finish(res, e, offline_answer(res, e->name, e->type));
        return;
    }
    e->state = ENTRY_QUEUED;
    e->queue_next = NULL;
    *res->queue_tail = e;
    res->queue_tail = &e->queue_next;
    res->queued++;
}
