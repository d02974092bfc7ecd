/* waiters.c - the callers waiting for answers (resolver_state.h): a waiter
 * joins an entry, becomes ready when the entry has its answer, and is
 * called back from tm_resolver_run, never inside the caller's own submit. */
#include "resolver_state.h"

static void ready_push(tm_resolver_t *res, waiter_t *w)
{
    w->entry->ready++;
    w->next = NULL;
    *res->ready_tail = w;
    res->ready_tail = &w->next;
}

static void append_waiter(entry_t *e, waiter_t *w)
{
    w->entry = e;
    w->next = NULL;
    *e->waiters_tail = w;
    e->waiters_tail = &w->next;
}

tm_status_t tm_rwait_attach(tm_resolver_t *res, const char *name, uint16_t type, waiter_t *w,
                            bool count_hit)
{
    entry_t *e = tm_rcache_find(res, name, type);
    if (e)
        e->referenced = true;
    if (!e) {
        tm_status_t st = tm_rcache_add(res, name, type, &e);
        if (st != TM_OK)
            return st;
        append_waiter(e, w);
        tm_rsrc_dispatch(res, e);
    } else if (e->state == ENTRY_DONE && !e->answer) {
        /* Building the answer failed for lack of memory: ask again. */
        append_waiter(e, w);
        tm_rsrc_dispatch(res, e);
    } else if (e->state == ENTRY_DONE) {
        res->stats.cache_hits += count_hit;
        w->entry = e;
        ready_push(res, w);
    } else {
        /* In flight or queued: join it rather than ask again. */
        res->stats.cache_hits += count_hit;
        append_waiter(e, w);
    }
    res->pending++;
    return TM_OK;
}

void tm_rwait_finish(tm_resolver_t *res, entry_t *e, tm_answer_t *ans_own)
{
    e->state = ENTRY_DONE;
    e->answer = ans_own;
    if (!ans_own)
        res->oom = true;
    waiter_t *w = e->waiters;
    e->waiters = NULL;
    e->waiters_tail = &e->waiters;
    while (w) {
        waiter_t *next = w->next;
        ready_push(res, w);
        w = next;
    }
    tm_rcache_retire(res, e); /* every waiter was taken back: nobody will read it */
}

/* Callbacks may submit more, which wait for the next round. */
void tm_rwait_deliver(tm_resolver_t *res)
{
    waiter_t *w = res->ready_head;
    res->ready_head = NULL;
    res->ready_tail = &res->ready_head;
    while (w) {
        waiter_t *next = w->next;
        tm_answer_t *ans = w->entry->answer;
        res->pending--;
        /* The entry cannot be evicted while ready counts this waiter, even
         * when the callback submits and so makes room in the cache. */
        if (ans)
            w->cb(w->arg, tm_answer_ref(ans));
        else if (res->nested)
            w->cb(w->arg, NULL);
        if (--w->entry->ready == 0)
            res->sweep_rest = 0; /* the entry may be evictable now: sweep again */
        tm_rcache_retire(res, w->entry);
        tm_free(w);
        w = next;
    }
}

/* A caller that will not wait any longer (its context is on its stack):
 * its waiters leave the ready list and every entry. */
void tm_rwait_forget(tm_resolver_t *res, tm_resolve_cb cb, void *arg)
{
    for (waiter_t **p = &res->ready_head; *p;) {
        waiter_t *w = *p;
        if (w->cb == cb && w->arg == arg) {
            *p = w->next;
            w->entry->ready--;
            tm_rcache_retire(res, w->entry);
            tm_free(w);
            res->pending--;
        } else {
            p = &w->next;
        }
    }
    res->ready_tail = &res->ready_head;
    while (*res->ready_tail)
        res->ready_tail = &(*res->ready_tail)->next;
    for (size_t i = 0; i < res->nbuckets; i++) {
        for (entry_t *e = res->buckets[i]; e; e = e->hash_next) {
            for (waiter_t **p = &e->waiters; *p;) {
                waiter_t *w = *p;
                if (w->cb == cb && w->arg == arg) {
                    *p = w->next;
                    tm_free(w);
                    res->pending--;
                } else {
                    p = &w->next;
                }
            }
            e->waiters_tail = &e->waiters;
            while (*e->waiters_tail)
                e->waiters_tail = &(*e->waiters_tail)->next;
        }
    }
}

void tm_rwait_clear(tm_resolver_t *res)
{
    waiter_t *w = res->ready_head;
    while (w) {
        waiter_t *next = w->next;
        tm_free(w);
        w = next;
    }
    res->ready_head = NULL;
    res->ready_tail = &res->ready_head;
}
