/* watch_json.c - the events of `tmems-check watch --format jsonl`
 * (docs/watch.md "Events"): start, change, horizon, retry and end, one
 * object a line, for automation.  Times are given twice: local ISO 8601
 * with the offset, and milliseconds since the epoch. */
#include <stdio.h>
#include <string.h>
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

/* "key": ISO time, "key_ms": milliseconds since the epoch. */
static void put_time(tm_jw_t *w, const char *key, const char *key_ms, int64_t ms)
{
    char iso[48];
    tm_watch_iso_time(ms, iso, sizeof(iso));
    tm_jw_key(w, key);
    tm_jw_cstring(w, iso);
    tm_jw_key(w, key_ms);
    tm_jw_int(w, ms);
}

static void put_mx(tm_jw_t *w, const tm_answer_t *mx)
{
    tm_jw_array(w);
    for (size_t i = 0; mx && mx->outcome == TM_DNS_NOERROR && i < mx->count; i++) {
        tm_jw_object(w);
        tm_jw_key(w, "preference");
        tm_jw_int(w, mx->rrs[i].u.mx.preference);
        tm_jw_key(w, "host");
        tm_jw_cstring(w, mx->rrs[i].u.mx.host);
        tm_jw_key(w, "ttl");
        tm_jw_int(w, mx->rrs[i].ttl);
        tm_jw_object_end(w);
    }
    tm_jw_array_end(w);
}

/* The TXT records of one kind (SPF or not), as published. */
static void put_txt(tm_jw_t *w, const tm_answer_t *txt, bool spf, const char *token_prefix)
{
    tm_jw_array(w);
    for (size_t i = 0; txt && txt->outcome == TM_DNS_NOERROR && i < txt->count; i++) {
        const tm_rr_t *rr = &txt->rrs[i];
        bool is_spf = rr->u.txt.len >= 6 && tm_ascii_ncasecmp(rr->u.txt.data, "v=spf1", 6) == 0 &&
                      (rr->u.txt.len == 6 || rr->u.txt.data[6] == ' ');
        size_t plen = strlen(token_prefix);
        bool is_token = rr->u.txt.len >= plen &&
                        tm_ascii_ncasecmp(rr->u.txt.data, token_prefix, plen) == 0;
        if (spf ? !is_spf : !is_token)
            continue;
        tm_jw_string(w, rr->u.txt.data, rr->u.txt.len);
    }
    tm_jw_array_end(w);
}

/* A string member, null for NULL or "". */
static void put_text_or_null(tm_jw_t *w, const char *key, const char *s)
{
    tm_jw_key(w, key);
    tm_jw_cstring(w, s && s[0] ? s : NULL);
}

static void put_server(tm_jw_t *w, const tm_watch_server_t *s)
{
    tm_jw_key(w, "role");
    tm_jw_cstring(w, tm_watch_role_name(s->role));
    put_text_or_null(w, "ns", s->host);
    put_text_or_null(w, "address", s->address);
    tm_jw_key(w, "state");
    tm_jw_cstring(w, tm_watch_state_name(s->state));
    if (s->skipped) {
        tm_jw_key(w, "skipped");
        tm_jw_bool(w, true);
    }
}

static void put_view(tm_jw_t *w, const tm_watch_server_t *s)
{
    const char *prefix = "tmes=";
    tm_jw_key(w, "serial");
    if (s->facts.serial_known)
        tm_jw_int(w, s->facts.serial);
    else
        tm_jw_null(w);
    if (s->facts.mname) {
        tm_jw_key(w, "soa_mname");
        tm_jw_cstring(w, s->facts.mname);
    }
    tm_jw_key(w, "mx");
    if (s->mx)
        put_mx(w, s->mx);
    else
        tm_jw_null(w);
    tm_jw_key(w, "token");
    if (s->txt)
        put_txt(w, s->txt, false, prefix);
    else
        tm_jw_null(w);
    tm_jw_key(w, "spf");
    if (s->txt)
        put_txt(w, s->txt, true, prefix);
    else
        tm_jw_null(w);
    tm_jw_key(w, "verdict");
    tm_jw_cstring(w, s->facts.answered ? tm_verdict_name(s->verdict) : NULL);
    tm_jw_key(w, "check");
    tm_jw_cstring(w, s->check_id);
    tm_jw_key(w, "reason");
    tm_jw_cstring(w, s->reason);
}

static void put_horizon(tm_jw_t *w, const tm_watch_snapshot_t *snap)
{
    const tm_watch_horizon_t *h = &snap->horizon;
    if (!h->known) {
        tm_jw_key(w, "horizon");
        tm_jw_null(w);
        tm_jw_key(w, "horizon_ms");
        tm_jw_null(w);
        return;
    }
    put_time(w, "horizon", "horizon_ms", h->at_ms);
    tm_jw_key(w, "old_mx_ttl");
    tm_jw_int(w, h->ttl_s);
    tm_jw_key(w, "ttl_source");
    tm_jw_cstring(w, h->ttl_given ? "given" : "observed");
}

static void put_start(tm_jw_t *w, const tm_watch_snapshot_t *snap)
{
    tm_jw_key(w, "domain");
    tm_jw_cstring(w, snap->display);
    tm_jw_key(w, "ascii");
    tm_jw_cstring(w, snap->domain);
    tm_jw_key(w, "zone");
    tm_jw_cstring(w, snap->apex);
    tm_jw_key(w, "expect");
    tm_jw_object(w);
    tm_jw_key(w, "mode");
    tm_jw_cstring(w, snap->expect_given ? "given" : "checks");
    if (snap->expect_given) {
        tm_jw_key(w, "mx");
        tm_jw_array(w);
        for (size_t i = 0; i < snap->expect->nmx; i++)
            tm_jw_cstring(w, snap->expect->mx[i]);
        tm_jw_array_end(w);
        tm_jw_key(w, "spf");
        tm_jw_cstring(w, snap->expect->spf);
    }
    tm_jw_key(w, "company");
    tm_jw_cstring(w, snap->company);
    tm_jw_object_end(w);
    tm_jw_key(w, "servers");
    tm_jw_array(w);
    for (size_t i = 0; i < snap->count; i++) {
        tm_jw_object(w);
        put_server(w, &snap->servers[i]);
        tm_jw_object_end(w);
    }
    tm_jw_array_end(w);
    tm_jw_key(w, "truncated");
    tm_jw_bool(w, snap->truncated);
    tm_jw_key(w, "interval_ms");
    tm_jw_int(w, snap->interval_ms);
    tm_jw_key(w, "deadline_ms");
    tm_jw_int(w, snap->deadline_ms);
    tm_jw_key(w, "until");
    tm_jw_cstring(w, snap->until_caches ? "caches" : "auth");
}

static void put_end(tm_jw_t *w, const tm_watch_snapshot_t *snap)
{
    tm_jw_key(w, "outcome");
    tm_jw_cstring(w, tm_watch_outcome_name(snap->outcome));
    tm_jw_key(w, "exit");
    tm_jw_int(w, tm_watch_outcome_exit_status(snap->outcome));
    tm_jw_key(w, "polls");
    tm_jw_int(w, snap->polls);
    put_horizon(w, snap);
    tm_jw_key(w, "servers");
    tm_jw_array(w);
    for (size_t i = 0; i < snap->count; i++) {
        const tm_watch_server_t *s = &snap->servers[i];
        tm_jw_object(w);
        put_server(w, s);
        put_view(w, s);
        tm_jw_key(w, "why");
        tm_jw_cstring(w, s->why ? tm_watch_why_name(s->why) : NULL);
        tm_jw_object_end(w);
    }
    tm_jw_array_end(w);
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
    /* written straight into out; on a failure out is cut back to where it was */
    size_t had = out->len;
    tm_jw_t w;
    tm_jw_init(&w, out, TM_JSON_COMPACT, 0);
    tm_jw_object(&w);
    tm_jw_key(&w, "event");
    tm_jw_cstring(&w, name);
    tm_jw_key(&w, "schema");
    tm_jw_int(&w, WATCH_SCHEMA);
    put_time(&w, "time", "time_ms", ev->wall_ms);
    tm_jw_key(&w, "elapsed_ms");
    tm_jw_int(&w, snap->elapsed_ms);
    switch (ev->kind) {
    case TM_WATCH_EV_START: put_start(&w, snap); break;
    case TM_WATCH_EV_CHANGE: {
        const tm_watch_server_t *s = &snap->servers[ev->server];
        put_server(&w, s);
        tm_jw_key(&w, "previous");
        tm_jw_cstring(&w, tm_watch_state_name(ev->previous));
        put_view(&w, s);
        tm_jw_key(&w, "poll");
        tm_jw_int(&w, snap->polls);
        break;
    }
    case TM_WATCH_EV_HORIZON: put_horizon(&w, snap); break;
    case TM_WATCH_EV_RETRY:
        tm_jw_key(&w, "reason");
        tm_jw_cstring(&w, snap->retry_reason);
        break;
    case TM_WATCH_EV_END: put_end(&w, snap); break;
    default: break;
    }
    tm_jw_object_end(&w);
    tm_status_t st = tm_jw_status(&w);
    if (st == TM_OK)
        st = tm_buf_putc(out, '\n');
    if (st != TM_OK && out->data) {
        out->len = had;
        out->data[had] = '\0';
    }
    return st;
}
