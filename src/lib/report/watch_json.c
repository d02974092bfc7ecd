/* watch_json.c - the events of `tmems-check watch --format jsonl`
 * (docs/watch.md "Events"): start, change, horizon, retry and end, one
 * object a line, for automation.  Times are given twice: local ISO 8601
 * with the offset, and milliseconds since the epoch. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "json_util.h"
#include "tmems/tm_watch_json.h"

#define WATCH_SCHEMA 1

void tm_watch_iso_time(int64_t wall_ms, char *buf, size_t len)
{
    time_t t = (time_t)(wall_ms / 1000);
    struct tm local;
    char zone[8] = "+0000";
    if (!localtime_r(&t, &local)) {
        snprintf(buf, len, "?");
        return;
    }
    char base[32];
    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &local);
    strftime(zone, sizeof(zone), "%z", &local);
    /* RFC 3339 section 5.6 writes the offset with a colon. */
    snprintf(buf, len, "%s%.3s:%.2s", base, zone, zone[0] ? zone + 3 : "00");
}

static bool add_time(cJSON *o, const char *key, const char *key_ms, int64_t ms)
{
    char iso[48];
    tm_watch_iso_time(ms, iso, sizeof(iso));
    return tm_json_add(o, key, cJSON_CreateString(iso)) &&
           tm_json_add(o, key_ms, cJSON_CreateNumber((double)ms));
}

static cJSON *mx_array(const tm_answer_t *mx)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && mx && mx->outcome == TM_DNS_NOERROR && i < mx->count; i++) {
        cJSON *o = cJSON_CreateObject();
        if (!tm_json_push(arr, o) ||
            !tm_json_add(o, "preference", cJSON_CreateNumber(mx->rrs[i].u.mx.preference)) ||
            !tm_json_add(o, "host", tm_json_cstring(mx->rrs[i].u.mx.host)) ||
            !tm_json_add(o, "ttl", cJSON_CreateNumber(mx->rrs[i].ttl))) {
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

/* The TXT records of one kind (SPF or not), as published. */
static cJSON *txt_array(const tm_answer_t *txt, bool spf, const char *token_prefix)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && txt && txt->outcome == TM_DNS_NOERROR && i < txt->count; i++) {
        const tm_rr_t *rr = &txt->rrs[i];
        bool is_spf = rr->u.txt.len >= 6 && strncasecmp(rr->u.txt.data, "v=spf1", 6) == 0 &&
                      (rr->u.txt.len == 6 || rr->u.txt.data[6] == ' ');
        size_t plen = strlen(token_prefix);
        bool is_token = rr->u.txt.len >= plen &&
                        strncasecmp(rr->u.txt.data, token_prefix, plen) == 0;
        if (spf ? !is_spf : !is_token)
            continue;
        if (!tm_json_push(arr, tm_json_string(rr->u.txt.data, rr->u.txt.len))) {
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

static bool add_server(cJSON *o, const tm_watch_server_t *s)
{
    bool ok = tm_json_add(o, "role", cJSON_CreateString(tm_watch_role_name(s->role))) &&
              tm_json_add(o, "ns", s->host[0] ? tm_json_cstring(s->host) : cJSON_CreateNull()) &&
              tm_json_add(o, "address", s->address[0] ? tm_json_cstring(s->address)
                                                      : cJSON_CreateNull()) &&
              tm_json_add(o, "state", cJSON_CreateString(tm_watch_state_name(s->state)));
    if (ok && s->skipped)
        ok = tm_json_add(o, "skipped", cJSON_CreateTrue());
    return ok;
}

static bool add_view(cJSON *o, const tm_watch_server_t *s, const tm_watch_snapshot_t *snap)
{
    (void)snap;
    const char *prefix = "tmes=";
    bool ok = tm_json_add(o, "serial", s->facts.serial_known
                                           ? cJSON_CreateNumber((double)s->facts.serial)
                                           : cJSON_CreateNull());
    if (ok && s->facts.mname)
        ok = tm_json_add(o, "soa_mname", tm_json_cstring(s->facts.mname));
    if (ok)
        ok = tm_json_add(o, "mx", s->mx ? mx_array(s->mx) : cJSON_CreateNull());
    if (ok)
        ok = tm_json_add(o, "token", s->txt ? txt_array(s->txt, false, prefix)
                                            : cJSON_CreateNull());
    if (ok)
        ok = tm_json_add(o, "spf", s->txt ? txt_array(s->txt, true, prefix)
                                          : cJSON_CreateNull());
    if (ok)
        ok = tm_json_add(o, "verdict", s->facts.answered
                                           ? cJSON_CreateString(tm_verdict_name(s->verdict))
                                           : cJSON_CreateNull());
    if (ok)
        ok = tm_json_add(o, "check", s->check_id ? cJSON_CreateString(s->check_id)
                                                 : cJSON_CreateNull());
    if (ok)
        ok = tm_json_add(o, "reason", tm_json_cstring(s->reason));
    return ok;
}

static bool add_horizon(cJSON *o, const tm_watch_snapshot_t *snap)
{
    const tm_watch_horizon_t *h = &snap->horizon;
    if (!h->known)
        return tm_json_add(o, "horizon", cJSON_CreateNull()) &&
               tm_json_add(o, "horizon_ms", cJSON_CreateNull());
    return add_time(o, "horizon", "horizon_ms", h->at_ms) &&
           tm_json_add(o, "old_mx_ttl", cJSON_CreateNumber(h->ttl_s)) &&
           tm_json_add(o, "ttl_source", cJSON_CreateString(h->ttl_given ? "given" : "observed"));
}

static bool add_start(cJSON *o, const tm_watch_snapshot_t *snap)
{
    cJSON *expect = cJSON_CreateObject(), *servers = cJSON_CreateArray();
    bool ok = tm_json_add(o, "domain", tm_json_cstring(snap->display)) &&
              tm_json_add(o, "ascii", tm_json_cstring(snap->domain)) &&
              tm_json_add(o, "zone", tm_json_cstring(snap->apex)) &&
              tm_json_add(o, "expect", expect) && tm_json_add(o, "servers", servers);
    if (!ok)
        return false;
    ok = tm_json_add(expect, "mode", cJSON_CreateString(snap->expect_given ? "given" : "checks"));
    if (ok && snap->expect_given) {
        cJSON *mx = cJSON_CreateArray();
        ok = tm_json_add(expect, "mx", mx);
        for (size_t i = 0; ok && i < snap->expect->nmx; i++)
            ok = tm_json_push(mx, tm_json_cstring(snap->expect->mx[i]));
        if (ok)
            ok = tm_json_add(expect, "spf", tm_json_cstring(snap->expect->spf));
    }
    if (ok)
        ok = tm_json_add(expect, "company", tm_json_cstring(snap->company));
    for (size_t i = 0; ok && i < snap->count; i++) {
        cJSON *s = cJSON_CreateObject();
        ok = tm_json_push(servers, s) && add_server(s, &snap->servers[i]);
    }
    if (ok)
        ok = tm_json_add(o, "truncated", cJSON_CreateBool(snap->truncated)) &&
             tm_json_add(o, "interval_ms", cJSON_CreateNumber(snap->interval_ms)) &&
             tm_json_add(o, "deadline_ms", cJSON_CreateNumber(snap->deadline_ms)) &&
             tm_json_add(o, "until", cJSON_CreateString(snap->until_caches ? "caches" : "auth"));
    return ok;
}

static bool add_end(cJSON *o, const tm_watch_snapshot_t *snap)
{
    cJSON *servers = cJSON_CreateArray();
    bool ok = tm_json_add(o, "outcome", cJSON_CreateString(tm_watch_outcome_name(snap->outcome))) &&
              tm_json_add(o, "exit", cJSON_CreateNumber(tm_watch_outcome_exit_status(snap->outcome))) &&
              tm_json_add(o, "polls", cJSON_CreateNumber(snap->polls)) &&
              add_horizon(o, snap) && tm_json_add(o, "servers", servers);
    for (size_t i = 0; ok && i < snap->count; i++) {
        const tm_watch_server_t *s = &snap->servers[i];
        cJSON *so = cJSON_CreateObject();
        ok = tm_json_push(servers, so) && add_server(so, s) && add_view(so, s, snap) &&
             tm_json_add(so, "why", s->why ? cJSON_CreateString(tm_watch_why_name(s->why))
                                           : cJSON_CreateNull());
    }
    return ok;
}

static const char *event_name(tm_watch_event_kind_t kind)
{
    switch (kind) {
    case TM_WATCH_EV_START: return "start";
    case TM_WATCH_EV_CHANGE: return "change";
    case TM_WATCH_EV_HORIZON: return "horizon";
    case TM_WATCH_EV_RETRY: return "retry";
    case TM_WATCH_EV_END: return "end";
    default: return NULL;
    }
}

tm_status_t tm_watch_event_json(const tm_watch_event_t *ev, tm_buf_t *out)
{
    const char *name = ev ? event_name(ev->kind) : NULL;
    if (!ev || !out)
        return TM_EINVAL;
    if (!name)
        return TM_OK;
    const tm_watch_snapshot_t *snap = ev->snap;
    cJSON *o = cJSON_CreateObject();
    bool ok = o && tm_json_add(o, "event", cJSON_CreateString(name)) &&
              tm_json_add(o, "schema", cJSON_CreateNumber(WATCH_SCHEMA)) &&
              add_time(o, "time", "time_ms", ev->wall_ms) &&
              tm_json_add(o, "elapsed_ms", cJSON_CreateNumber((double)snap->elapsed_ms));
    switch (ev->kind) {
    case TM_WATCH_EV_START: ok = ok && add_start(o, snap); break;
    case TM_WATCH_EV_CHANGE: {
        const tm_watch_server_t *s = &snap->servers[ev->server];
        ok = ok && add_server(o, s) &&
             tm_json_add(o, "previous", cJSON_CreateString(tm_watch_state_name(ev->previous))) &&
             add_view(o, s, snap) && tm_json_add(o, "poll", cJSON_CreateNumber(snap->polls));
        break;
    }
    case TM_WATCH_EV_HORIZON: ok = ok && add_horizon(o, snap); break;
    case TM_WATCH_EV_RETRY:
        ok = ok && tm_json_add(o, "reason", tm_json_cstring(snap->retry_reason));
        break;
    case TM_WATCH_EV_END: ok = ok && add_end(o, snap); break;
    default: break;
    }
    tm_status_t st = ok ? tm_json_print(o, false, out) : TM_ENOMEM;
    if (st == TM_OK)
        st = tm_buf_putc(out, '\n');
    cJSON_Delete(o);
    return st;
}
