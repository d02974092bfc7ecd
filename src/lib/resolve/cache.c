/* cache.c - the resolver's entries by question (resolver_state.h): a hash
 * table of every question asked, and the CLOCK that evicts answered ones
 * past the capacity, so that a batch of any size keeps the shared answers
 * in a cache of constant size. */
#include <stdint.h>
#include <string.h>

#include "resolver_state.h"

/* Distinct questions one resolver holds at once; past it submit fails with
 * TM_ERANGE instead of growing without bound.  Only questions still being
 * answered or delivered count against it for long: answered ones are
 * evicted past the cache capacity. */
#define MAX_ENTRIES ((size_t)1 << 18)
/* Entries the eviction sweep looks at per new entry: the work per question
 * stays bounded when most entries are still in flight. */
#define CLOCK_SCAN_MAX 256
#define FIRST_BUCKETS 256

static size_t hash_key(const char *name, uint16_t type) { return (size_t)tm_name_hash(name, type); }

tm_status_t tm_rcache_init(tm_resolver_t *res)
{
    res->nbuckets = FIRST_BUCKETS;
    res->buckets = tm_calloc(res->nbuckets, sizeof *res->buckets);
    return res->buckets ? TM_OK : TM_ENOMEM;
}

entry_t *tm_rcache_find(const tm_resolver_t *res, const char *name, uint16_t type)
{
    entry_t *e = res->buckets[hash_key(name, type) & (res->nbuckets - 1)];
    for (; e; e = e->hash_next) {
        if (e->type == type && strcmp(e->name, name) == 0)
            return e;
    }
    return NULL;
}

static tm_status_t cache_grow(tm_resolver_t *res)
{
    size_t n = res->nbuckets * 2;
    entry_t **b = tm_calloc(n, sizeof *b);
    if (!b)
        return TM_ENOMEM;
    for (size_t i = 0; i < res->nbuckets; i++) {
        entry_t *e = res->buckets[i];
        while (e) {
            entry_t *next = e->hash_next;
            size_t k = hash_key(e->name, e->type) & (n - 1);
            e->hash_next = b[k];
            b[k] = e;
            e = next;
        }
    }
    tm_free(res->buckets);
    res->buckets = b;
    res->nbuckets = n;
    return TM_OK;
}

static void entry_free(entry_t *e)
{
    if (!e)
        return;
    waiter_t *w = e->waiters;
    while (w) {
        waiter_t *next = w->next;
        tm_free(w);
        w = next;
    }
    tm_answer_unref(e->answer);
    tm_free(e->name);
    tm_free(e);
}

static void ring_unlink(tm_resolver_t *res, entry_t *e)
{
    if (res->hand == e)
        res->hand = e->ring_next;
    if (e->ring_prev)
        e->ring_prev->ring_next = e->ring_next;
    else
        res->ring_head = e->ring_next;
    if (e->ring_next)
        e->ring_next->ring_prev = e->ring_prev;
    else
        res->ring_tail = e->ring_prev;
    e->ring_prev = e->ring_next = NULL;
}

/* An entry joins the clock once its answer has been handed out, just
 * behind the hand, so it gets a whole turn before it can be evicted.
 * Entries still asked or waiting for delivery are not on it: a batch of
 * thousands of domains at once has tens of thousands of those, and the
 * sweep would walk past them for every new question. */
static void ring_insert(tm_resolver_t *res, entry_t *e)
{
    e->in_ring = true;
    entry_t *before = res->hand;
    e->ring_next = before;
    e->ring_prev = before ? before->ring_prev : res->ring_tail;
    if (e->ring_prev)
        e->ring_prev->ring_next = e;
    else
        res->ring_head = e;
    if (before)
        before->ring_prev = e;
    else
        res->ring_tail = e;
}

/* Answered and handed out: no waiter and no callback reads the entry any
 * more.  The answer itself lives on in every rrset that took a reference. */
static bool evictable(const entry_t *e)
{
    return e->state == ENTRY_DONE && e->ready == 0 && !e->waiters;
}

static void evict(tm_resolver_t *res, entry_t *e)
{
    entry_t **p = &res->buckets[hash_key(e->name, e->type) & (res->nbuckets - 1)];
    while (*p != e)
        p = &(*p)->hash_next;
    *p = e->hash_next;
    if (e->in_ring)
        ring_unlink(res, e);
    entry_free(e);
    res->nentries--;
    res->stats.evicted++;
}

/* Second chance: the hand clears the mark of entries asked again since it
 * last passed and evicts the first unmarked answered one.  Entries still in
 * flight are not on the clock; when too many are, the cache grows past
 * capacity for a while (MAX_ENTRIES still bounds it). */
static void cache_make_room(tm_resolver_t *res)
{
    /* A sweep that found nothing to evict (a zone of 100,000 MX hosts asks
     * 200,000 questions before any is handed out) is not repeated for the
     * next CLOCK_SCAN_MAX entries, unless an answer is handed out meanwhile
     * (waiters.c): at most one entry looked at per new entry, on average,
     * instead of CLOCK_SCAN_MAX for each. */
    if (res->sweep_rest > 0 && res->nentries >= res->capacity) {
        res->sweep_rest--;
        return;
    }
    bool evicted = false;
    for (size_t scanned = 0; res->nentries >= res->capacity && scanned < CLOCK_SCAN_MAX;
         scanned++) {
        entry_t *e = res->hand ? res->hand : res->ring_head;
        if (!e)
            return;
        res->hand = e->ring_next;
        if (!evictable(e))
            continue;
        if (e->referenced) {
            e->referenced = false;
        } else {
            evict(res, e);
            evicted = true;
        }
    }
    res->sweep_rest = evicted || res->nentries < res->capacity ? 0 : CLOCK_SCAN_MAX;
}

void tm_rcache_retire(tm_resolver_t *res, entry_t *e)
{
    if (!e->in_ring && evictable(e))
        ring_insert(res, e);
}

tm_status_t tm_rcache_add(tm_resolver_t *res, const char *name, uint16_t type, entry_t **out)
{
    cache_make_room(res);
    if (res->nentries >= MAX_ENTRIES)
        return TM_ERANGE;
    if (res->nentries >= res->nbuckets) {
        tm_status_t st = cache_grow(res);
        if (st != TM_OK)
            return st;
    }
    entry_t *e = tm_calloc(1, sizeof *e);
    if (!e)
        return TM_ENOMEM;
    e->name = tm_strdup(name);
    if (!e->name) {
        tm_free(e);
        return TM_ENOMEM;
    }
    e->res = res;
    e->type = type;
    e->waiters_tail = &e->waiters;
    size_t k = hash_key(name, type) & (res->nbuckets - 1);
    e->hash_next = res->buckets[k];
    res->buckets[k] = e;
    res->nentries++;
    *out = e;
    return TM_OK;
}

void tm_rcache_clear(tm_resolver_t *res)
{
    for (size_t i = 0; res->buckets && i < res->nbuckets; i++) {
        entry_t *e = res->buckets[i];
        while (e) {
            entry_t *next = e->hash_next;
            entry_free(e);
            e = next;
        }
    }
    tm_free(res->buckets);
    res->buckets = NULL;
    res->nbuckets = res->nentries = 0;
}
