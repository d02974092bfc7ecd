/* resolver.c - the resolver's API (tmems/tm_resolve.h): create and
 * destroy, submit a question, run the loop until the answers are handed
 * out, post calls between rounds, statistics, fetch a set of questions.
 * How the work is divided between the resolver's files: resolver_state.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errbuf.h"
#include "resolver_state.h"
#include "tmems/tm_i18n.h"

/* By default at most this many questions are on the network at once; the
 * rest wait in a FIFO.  A hostile SPF tree can name thousands of hosts, and
 * each query in flight holds c-ares state and a slot on the server.  The
 * caller may lower it (to 1 for a server that must be asked one question at
 * a time) or raise it up to MAX_IN_FLIGHT_LIMIT (which keeps the query IDs
 * in flight a small part of the 65536, query_id.h).  Below it the adaptive
 * window (window.h) decides. */
#define MAX_IN_FLIGHT 512
#define MAX_IN_FLIGHT_LIMIT 4096u
/* Answered questions kept for reuse.  A batch of many domains shares a few
 * names (the TMEmS hosts and SPF records, a large provider's include) and
 * asks the rest once, so a few thousand entries keep every shared answer
 * while the cache stays the same size for 10 or 100,000 domains. */
#define DEFAULT_CACHE_ENTRIES 8192
#define DEFAULT_TIMEOUT_MS 2000
#define DEFAULT_TRIES 3
#define MAX_TIMEOUT_MS 600000u
#define MAX_TRIES 20u

void tm_resolver_set_failure(tm_resolver_t *res, tm_resolver_failure_t kind, const char *fmt, ...)
{
    if (res->failure_kind != TM_RESOLVER_FINE)
        return;
    res->failure_kind = kind;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->failure, sizeof res->failure, fmt, ap);
    va_end(ap);
}

tm_status_t tm_resolver_create(const tm_resolver_options_t *opts, tm_resolver_t **out,
                               char *err, size_t errlen)
{
    tm_status_t st;
    tm_resolver_t *res;

    if (err && errlen)
        err[0] = '\0';
    if (!opts || !out || (opts->nservers && !opts->servers) ||
        (opts->nzones && !opts->zone_files))
        return TM_EINVAL;
    *out = NULL;
    if (opts->doh_url && (opts->offline || opts->nservers)) {
        tm_err_printf(err, errlen, "%s",
                opts->offline ? _("DNS over HTTPS cannot be used offline")
                              : _("DNS over HTTPS replaces the DNS servers: give one or the other"));
        return TM_EINVAL;
    }
    res = tm_calloc(1, sizeof *res);
    if (!res) {
        tm_err_printf(err, errlen, "%s", tm_strerror(TM_ENOMEM));
        return TM_ENOMEM;
    }
    res->timeout_ms = opts->timeout_ms ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
    if (res->timeout_ms > MAX_TIMEOUT_MS)
        res->timeout_ms = MAX_TIMEOUT_MS;
    res->tries = opts->tries ? opts->tries : DEFAULT_TRIES;
    if (res->tries > MAX_TRIES)
        res->tries = MAX_TRIES;
    res->offline = opts->offline;
    res->norecurse = opts->norecurse;
    res->records = opts->records;
    res->queue_tail = &res->queue_head;
    res->ready_tail = &res->ready_head;
    res->calls_tail = &res->calls_head;
    res->capacity = opts->cache_entries ? opts->cache_entries : DEFAULT_CACHE_ENTRIES;
    res->max_in_flight = opts->max_inflight ? opts->max_inflight : MAX_IN_FLIGHT;
    if (res->max_in_flight > MAX_IN_FLIGHT_LIMIT)
        res->max_in_flight = MAX_IN_FLIGHT_LIMIT;
    tm_window_init(&res->window, (unsigned)res->max_in_flight);
    res->pace_due_ms = -1;
    tm_loop_init(&res->loop);
    res->deadline_ms = opts->deadline_ms;
    res->silence_is_timeout = opts->silence_is_timeout;
    if (opts->deadline_ms)
        res->deadline_at = tm_monotonic_ms() + opts->deadline_ms;
    tm_query_ids_init(&res->ids);
    st = tm_rcache_init(res);
    if (st != TM_OK)
        goto fail;
    st = tm_rsrc_load_zones(res, opts, err, errlen);
    if (st != TM_OK)
        goto fail;
    if (!res->offline) {
        st = tm_rnet_setup(res, opts, err, errlen);
        if (st != TM_OK)
            goto fail;
    }
    *out = res;
    return TM_OK;
fail:
    if (st == TM_ENOMEM && err && errlen && !err[0])
        tm_err_printf(err, errlen, "%s", tm_strerror(st));
    tm_resolver_destroy(res);
    return st;
}

void tm_resolver_destroy(tm_resolver_t *res)
{
    if (!res)
        return;
    /* First the transport, whose cancellations touch no entry. */
    tm_rnet_close(res);
    tm_rwait_clear(res);
    tm_rcache_clear(res);
    for (size_t i = 0; i < res->nzones; i++)
        tm_zone_destroy(res->zones[i]);
    tm_loop_clear(&res->loop);
    tm_free(res);
}

tm_status_t tm_resolver_submit(tm_resolver_t *res, const char *name, uint16_t type,
                               tm_resolve_cb cb, void *arg)
{
    char canon[TM_RESOLVER_NAME_TEXT_MAX + 1];

    if (!res || !name || !cb)
        return TM_EINVAL;
    if (!tm_name_canonical(name, strlen(name), canon, sizeof canon))
        return TM_ERANGE;
    waiter_t *w = tm_calloc(1, sizeof *w);
    if (!w)
        return TM_ENOMEM;
    w->cb = cb;
    w->arg = arg;
    tm_status_t st = tm_rwait_attach(res, canon, type, w, true);
    if (st != TM_OK) {
        tm_free(w);
        return st;
    }
    res->stats.submitted++;
    return TM_OK;
}

/* The posted calls, one at a time from the live list: a call may take
 * back (or free) one queued after it. */
static void make_calls(tm_resolver_t *res)
{
    while (res->calls_head) {
        tm_resolver_call_t *c = res->calls_head;
        res->calls_head = c->next;
        if (!res->calls_head)
            res->calls_tail = &res->calls_head;
        c->next = NULL;
        c->queued = false;
        /* c may be freed by its own call: nothing touches it after. */
        c->fn(c->arg);
    }
}

/* Callbacks first: they may submit, and what they submit is sent before
 * the loop sleeps. */
static void settle(tm_resolver_t *res)
{
    do {
        tm_rwait_deliver(res);
        make_calls(res);
        tm_rnet_start_sends(res);
    } while (res->ready_head || res->calls_head);
}

void tm_resolver_post(tm_resolver_t *res, tm_resolver_call_t *call)
{
    if (!res || !call || !call->fn || call->queued)
        return;
    call->queued = true;
    call->next = NULL;
    *res->calls_tail = call;
    res->calls_tail = &call->next;
}

void tm_resolver_unpost(tm_resolver_t *res, tm_resolver_call_t *call)
{
    if (!res || !call || !call->queued)
        return;
    for (tm_resolver_call_t **p = &res->calls_head; *p; p = &(*p)->next) {
        if (*p == call) {
            *p = call->next;
            break;
        }
    }
    res->calls_tail = &res->calls_head;
    while (*res->calls_tail)
        res->calls_tail = &(*res->calls_tail)->next;
    call->next = NULL;
    call->queued = false;
}

static tm_status_t take_error(tm_resolver_t *res)
{
    tm_status_t st = res->loop_error;
    res->loop_error = TM_OK;
    if (st == TM_OK && res->oom) {
        res->oom = false;
        st = TM_ENOMEM;
    }
    return st;
}

tm_status_t tm_resolver_run(tm_resolver_t *res, int max_wait_ms)
{
    if (!res)
        return TM_EINVAL;
    long long until = max_wait_ms >= 0 ? tm_monotonic_ms() + max_wait_ms : -1;
    tm_status_t st = TM_OK;

    for (;;) {
        settle(res);
        bool sources = tm_loop_count(&res->loop) > 0;
        if (res->pending == 0 && !sources)
            break;
        /* The server or URL cannot be used: the run is over (the answers
         * already delivered said so; the rest would only say it again). */
        if (res->failure_kind != TM_RESOLVER_FINE) {
            st = TM_ENETWORK;
            break;
        }
        if (!tm_rnet_busy(res) && !sources)
            break; /* nothing can make progress (cannot happen) */
        long long now = tm_monotonic_ms();
        if (res->deadline_at && now >= res->deadline_at) {
            tm_resolver_set_failure(res, TM_RESOLVER_DEADLINE,
                        _("the run did not finish within its deadline of %u s"),
                        (res->deadline_ms + 999) / 1000);
            st = TM_ENETWORK;
            break;
        }
        long long stop = until;
        if (res->deadline_at && (stop < 0 || res->deadline_at < stop))
            stop = res->deadline_at;
        if (res->pace_due_ms >= 0 && (stop < 0 || res->pace_due_ms < stop))
            stop = res->pace_due_ms;
        int wait = -1;
        if (stop >= 0)
            wait = stop > now ? (int)(stop - now > 60000 ? 60000 : stop - now) : 0;
        st = tm_loop_wait(&res->loop, tm_rnet_busy(res) ? &res->transport : NULL, wait);
        if (st == TM_OK)
            st = take_error(res);
        if (st != TM_OK)
            break;
        if (until >= 0 && tm_monotonic_ms() >= until) {
            settle(res);
            break;
        }
    }
    if (st == TM_OK)
        st = take_error(res);
    return st;
}

tm_resolver_failure_t tm_resolver_failure_kind(const tm_resolver_t *res)
{
    return res ? res->failure_kind : TM_RESOLVER_FINE;
}

const char *tm_resolver_failure(const tm_resolver_t *res)
{
    return res && res->failure_kind != TM_RESOLVER_FINE ? res->failure : NULL;
}

tm_status_t tm_resolver_attach(tm_resolver_t *res, const tm_poll_source_t *src)
{
    return res ? tm_loop_attach(&res->loop, src) : TM_EINVAL;
}

void tm_resolver_detach(tm_resolver_t *res, const tm_poll_source_t *src)
{
    if (res)
        tm_loop_detach(&res->loop, src);
}

/* ---- a resolver inside another's loop ------------------------------------------ */

static size_t nested_watch(void *self, struct pollfd *pfd, size_t max, long long *due)
{
    tm_resolver_t *res = self;
    settle(res);
    if (res->pace_due_ms >= 0 && (*due < 0 || res->pace_due_ms < *due))
        *due = res->pace_due_ms;
    return tm_rnet_busy(res) ? tm_rnet_watch(res, pfd, max, due) : 0;
}

static void nested_handle(void *self, const struct pollfd *pfd, size_t n, long long now)
{
    tm_resolver_t *res = self;
    if (n > 0 || tm_rnet_busy(res))
        tm_rnet_handle(res, pfd, n, now);
    settle(res);
}

void tm_resolver_as_source(tm_resolver_t *res, tm_poll_source_t *out)
{
    res->nested = true;
    *out = (tm_poll_source_t){nested_watch, nested_handle, res};
}

size_t tm_resolver_pending(const tm_resolver_t *res) { return res ? res->pending : 0; }

bool tm_resolver_saturated(const tm_resolver_t *res)
{
    return res && res->queued >= tm_window_size(&res->window);
}

void tm_resolver_stats(const tm_resolver_t *res, tm_resolver_stats_t *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    if (!res)
        return;
    *out = res->stats;
    out->window = tm_window_size(&res->window);
    out->window_cap = res->window.cap;
    out->backoffs = res->window.backoffs;
}

typedef struct {
    tm_rrset_t *into;
    tm_status_t status;
    size_t asked, answered;
} fetch_ctx_t;

static void on_fetch(void *arg, tm_answer_t *answer_own)
{
    fetch_ctx_t *ctx = arg;
    ctx->answered++;
    tm_status_t st = tm_rrset_put_own(ctx->into, answer_own);
    if (st != TM_OK && ctx->status == TM_OK)
        ctx->status = st;
}

void tm_resolver_cancel(tm_resolver_t *res, tm_resolve_cb cb, void *arg)
{
    if (res && cb)
        tm_rwait_forget(res, cb, arg);
}

tm_status_t tm_resolver_fetch(tm_resolver_t *res, const tm_questions_t *questions,
                              tm_rrset_t *into)
{
    fetch_ctx_t ctx = {.into = into, .status = TM_OK};
    tm_status_t st = TM_OK;

    if (!res || !questions || !into)
        return TM_EINVAL;
    for (size_t i = 0; i < questions->count && st == TM_OK; i++) {
        const tm_question_t *q = &questions->items[i];
        if (tm_rrset_get(into, q->name, q->type))
            continue;
        st = tm_resolver_submit(res, q->name, q->type, on_fetch, &ctx);
        ctx.asked += st == TM_OK;
    }
    tm_status_t run = tm_resolver_run(res, -1);
    if (st == TM_OK)
        st = run;
    /* ctx lives on this stack: no callback may reach it after return. */
    if (ctx.answered < ctx.asked)
        tm_rwait_forget(res, on_fetch, &ctx);
    /* An answer that is no DNS message ends the run (tm_resolver_failure). */
    if (st == TM_OK && res->failure_kind != TM_RESOLVER_FINE)
        st = TM_ENETWORK;
    return st != TM_OK ? st : ctx.status;
}
