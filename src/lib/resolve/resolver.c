/* resolver.c - the fetch loop: every (name, type) question is answered once
 * per resolver, from the zone file whose origin covers it, else offline from
 * the bundled rules, else from DNS with many questions in flight at once.
 *
 * Each question gets one cache entry.  Callers wait on an entry through
 * waiters; an entry is QUEUED (waiting for a free in-flight slot), SENT, or
 * DONE with its answer.  Answers are handed to callbacks only from
 * tm_resolver_run, so a caller never sees its callback run inside its own
 * submit.
 *
 * Every try of a question waits timeout_ms; a try that times out is sent
 * again here, up to `tries` (c-ares itself is given one try: see cares.h).
 * How many questions are on the network at once is window.h's adaptive
 * window.  The event loop is loop.h's: the transport and the attached
 * sources, all under the run's deadline. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "resolve/errbuf.h"
#include "resolve/zone_input.h"
#include "resolve/cares.h"
#include "resolve/chain.h"
#include "resolve/doh.h"
#include "resolve/loop.h"
#include "resolve/window.h"
#include "tmems/tm_resolve.h"
#include "util/tm_i18n.h"

/* By default at most this many questions are on the network at once; the
 * rest wait in a FIFO.  A hostile SPF tree can name thousands of hosts, and
 * each query in flight holds c-ares state and a slot on the server.  The
 * caller may lower it (to 1 for a server that must be asked one question at
 * a time) or raise it up to MAX_IN_FLIGHT_LIMIT.  Below it the adaptive
 * window (window.h) decides. */
#define MAX_IN_FLIGHT 512
#define MAX_IN_FLIGHT_LIMIT 4096u
/* Distinct questions one resolver holds at once; past it submit fails with
 * TM_ERANGE instead of growing without bound.  Only questions still being
 * answered or delivered count against it for long: answered ones are
 * evicted past the cache capacity. */
#define MAX_ENTRIES ((size_t)1 << 18)
/* Answered questions kept for reuse.  A batch of many domains shares a few
 * names (the TMEmS hosts and SPF records, a large provider's include) and
 * asks the rest once, so a few thousand entries keep every shared answer
 * while the cache stays the same size for 10 or 100,000 domains. */
#define DEFAULT_CACHE_ENTRIES 8192
/* Entries the eviction sweep looks at per new entry: the work per question
 * stays bounded when most entries are still in flight. */
#define CLOCK_SCAN_MAX 256
/* A name longer than this cannot be a domain name in any form. */
#define MAX_NAME_TEXT 1024
/* A query: header, a name of at most 255 octets, the question tail and the
 * OPT record (RFC 1035 section 4.1, RFC 6891 section 6.1.2). */
#define QUERY_MAX 512
#define DEFAULT_TIMEOUT_MS 2000
#define DEFAULT_TRIES 3
#define MAX_TIMEOUT_MS 600000u
#define MAX_TRIES 20u
/* Zone files whose CNAMEs point into each other: hops between zones. */
#define MAX_ZONE_HOPS 8

/* CHASING: a zone's CNAME left every zone and the entry waits for the DNS
 * answer of the target. */
typedef enum { ENTRY_QUEUED, ENTRY_SENT, ENTRY_CHASING, ENTRY_DONE } entry_state_t;

typedef struct entry entry_t;

typedef struct waiter {
    tm_resolve_cb cb;
    void *arg;
    entry_t *entry;
    struct waiter *next;
} waiter_t;

struct entry {
    tm_resolver_t *res;
    char *name;             /* lower case, no trailing dot */
    uint16_t type;
    entry_state_t state;
    bool via_tcp;           /* the UDP answer was truncated */
    uint16_t id;            /* the query ID while SENT, the same for every try */
    unsigned tries;         /* tries sent for the current transport (UDP or TCP) */
    unsigned long seq;      /* the window's number of the latest try */
    long long sent_us;      /* when the latest try went out */
    tm_answer_t *answer;    /* DONE: the answer, or NULL when it could not be built */
    waiter_t *waiters;      /* callers waiting for the answer */
    waiter_t **waiters_tail;
    entry_t *hash_next;
    entry_t *queue_next;    /* the send FIFO */
    unsigned ready;         /* its waiters on the ready list: they read answer */
    bool referenced;        /* asked again since the clock hand last passed */
    bool in_ring;           /* on the eviction clock (once handed out) */
    entry_t *ring_prev, *ring_next; /* answered entries, for the eviction clock */
};

struct tm_resolver {
    unsigned timeout_ms, tries;
    bool offline, norecurse;
    const tm_rules_t *rules;
    tm_zone_t *zones[TM_RESOLVER_MAX_ZONES];
    size_t nzones;
    tm_cares_t *net;        /* NULL offline: no socket is ever made */
    tm_doh_t *doh;          /* --doh: every query goes here, net stays NULL */
    char where[320];        /* the servers or the URL, for failure messages */
    tm_poll_source_t transport; /* net or doh as the loop's first source */
    tm_loop_t loop;         /* the poll() of the transport and the sources */
    long long deadline_at;  /* monotonic ms; 0 = none */
    unsigned deadline_ms;
    tm_resolver_failure_t failure_kind;
    char failure[512];      /* the first failure, translated */
    unsigned long answers;  /* DNS messages received: a server that sent one
                               is reachable, so its silence is a TIMEOUT */
    bool silence_is_timeout; /* tm_resolver_options_t */

    entry_t **buckets;
    size_t nbuckets, nentries;
    /* CLOCK (second chance): answered entries nobody asked again since the
     * hand last passed are evicted once the cache holds `capacity`. */
    entry_t *ring_head, *ring_tail, *hand;
    size_t capacity;
    size_t sweep_rest;      /* new entries that skip the sweep: see cache_make_room */

    entry_t *queue_head, **queue_tail;
    size_t queued;          /* entries in the send FIFO */
    size_t in_flight, max_in_flight;
    tm_window_t window;
    long long pace_due_ms;  /* questions wait for pacing until then; -1 none */
    /* c-ares 1.18 sends the ID it is given (ares_send), so IDs are chosen
     * here: random, and unique among the queries in flight. */
    uint8_t ids_used[65536 / 8];
    uint8_t rnd_pool[64];
    size_t rnd_left;
    uint64_t rnd_fallback;

    waiter_t *ready_head, **ready_tail; /* answers to hand out from run */
    tm_resolver_call_t *calls_head, **calls_tail; /* tm_resolver_post */
    size_t pending;         /* waiters not yet called back */
    bool oom;               /* an answer could not be built: run reports it */
    bool nested;            /* runs in another's loop: hands out NULL for an answer
                               that could not be built (nobody reads run's status) */
    tm_status_t loop_error; /* the transport's bookkeeping failed: run reports it */
    tm_resolver_stats_t stats;
};

/* ---- the cache ------------------------------------------------------------- */

static size_t hash_key(const char *name, uint16_t type) { return (size_t)tm_name_hash(name, type); }

static entry_t *cache_find(const tm_resolver_t *res, const char *name, uint16_t type)
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
     * (deliver_ready): at most one entry looked at per new entry, on
     * average, instead of CLOCK_SCAN_MAX for each. */
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

/* An entry whose answer nobody waits for any more goes on the clock. */
static void retire(tm_resolver_t *res, entry_t *e)
{
    if (!e->in_ring && evictable(e))
        ring_insert(res, e);
}

/* ---- delivery --------------------------------------------------------------- */

static void ready_push(tm_resolver_t *res, waiter_t *w)
{
    w->entry->ready++;
    w->next = NULL;
    *res->ready_tail = w;
    res->ready_tail = &w->next;
}

/* The entry has its answer: every waiter moves to the ready list. */
static void entry_finish(tm_resolver_t *res, entry_t *e, tm_answer_t *ans_own)
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
    retire(res, e); /* every waiter was taken back: nobody will read it */
}

/* Calls back every waiter that was ready when it started; callbacks may
 * submit more, which wait for the next round. */
static void deliver_ready(tm_resolver_t *res)
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
        retire(res, w->entry);
        tm_free(w);
        w = next;
    }
}

/* ---- sources ------------------------------------------------------------------ */

/* The zone with the longest origin that covers name (the most specific
 * zone, as a server holding both a parent and a child zone would answer). */
static const tm_zone_t *zone_for(const tm_resolver_t *res, const char *name)
{
    const tm_zone_t *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < res->nzones; i++) {
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
    return res && name && zone_for(res, name) != NULL;
}

static tm_answer_t *error_answer(const char *name, uint16_t type, tm_dns_outcome_t outcome,
                                 const char *reason)
{
    tm_answer_t *ans = tm_answer_create(name, type, outcome);
    if (ans && reason && tm_answer_set_error(ans, reason) != TM_OK) {
        tm_answer_unref(ans);
        return NULL;
    }
    return ans;
}

static bool rules_know(const tm_rules_t *rules, const char *name, uint16_t type)
{
    for (size_t i = 0; rules && i < rules->nrecords; i++) {
        if (rules->records[i].type == type && tm_name_equal(rules->records[i].name, name))
            return true;
    }
    return false;
}

/* Offline, outside every zone: the rules' record, else nothing known. */
static tm_answer_t *offline_answer(tm_resolver_t *res, const char *name, uint16_t type)
{
    tm_answer_t *ans = res->rules ? tm_rules_answer(res->rules, name, type) : NULL;
    if (ans) {
        res->stats.rules_answers++;
        return ans;
    }
    /* tm_rules_answer also gives NULL when an allocation failed: that is
     * out of memory, never "unknown" (found by tests/unit/test_oom.c). */
    if (rules_know(res->rules, name, type))
        return NULL;
    ans = tm_answer_create(name, type, TM_DNS_UNKNOWN);
    if (ans)
        ans->source = TM_SRC_NONE;
    return ans;
}

/* A zone answers name; when its CNAME chain leaves the zone, the chain goes
 * on in the zone that covers the target, or offline in the rules.  When the
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
            tm_answer_t *err = error_answer(name, type, TM_DNS_FORMERR,
                                            _("CNAME chain through the zone files too long"));
            tm_answer_unref(ans);
            if (err)
                err->source = TM_SRC_ZONE;
            ans = err;
            break;
        }
        const char *target = ans->canonical;
        tm_answer_t *end;
        z = zone_for(res, target);
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
            break; /* the rules and "unknown" end every chain */
    }
    *oom = ans == NULL;
    return ans;
}

/* ---- DNS ------------------------------------------------------------------------ */

static void on_net(void *arg, tm_cares_result_t result, const uint8_t *msg, size_t len,
                   const char *reason);
static void on_doh(void *arg, tm_status_t status, tm_dns_outcome_t failure, const uint8_t *msg,
                   size_t len, const char *reason);

static uint16_t random_u16(tm_resolver_t *res)
{
    if (res->rnd_left < 2) {
        ssize_t n = getrandom(res->rnd_pool, sizeof res->rnd_pool, GRND_NONBLOCK);
        if (n == (ssize_t)sizeof res->rnd_pool) {
            res->rnd_left = sizeof res->rnd_pool;
        } else {
            /* No kernel entropy this early: still vary the IDs (xorshift
             * seeded from the clock and the resolver's address). */
            if (!res->rnd_fallback)
                res->rnd_fallback = ((uint64_t)tm_monotonic_us() << 20) ^
                                    (uint64_t)(uintptr_t)res ^ 0x9E3779B97F4A7C15ull;
            res->rnd_fallback ^= res->rnd_fallback << 13;
            res->rnd_fallback ^= res->rnd_fallback >> 7;
            res->rnd_fallback ^= res->rnd_fallback << 17;
            return (uint16_t)res->rnd_fallback;
        }
    }
    res->rnd_left -= 2;
    return (uint16_t)((res->rnd_pool[res->rnd_left] << 8) | res->rnd_pool[res->rnd_left + 1]);
}

/* RFC 5452 section 4.3: an unpredictable ID, and one no query in flight
 * uses (c-ares matches answers to queries by ID).  At most 4096 of 65536
 * (MAX_IN_FLIGHT_LIMIT) are taken, so a free one is found in a few draws. */
static uint16_t take_id(tm_resolver_t *res)
{
    uint16_t id = random_u16(res);
    while (res->ids_used[id >> 3] & (1u << (id & 7)))
        id = random_u16(res);
    res->ids_used[id >> 3] |= (uint8_t)(1u << (id & 7));
    return id;
}

static void release_id(tm_resolver_t *res, uint16_t id)
{
    res->ids_used[id >> 3] &= (uint8_t)~(1u << (id & 7));
}


/* The first failure is the one worth telling: later ones follow from it. */
static void set_failure(tm_resolver_t *res, tm_resolver_failure_t kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_failure(tm_resolver_t *res, tm_resolver_failure_t kind, const char *fmt, ...)
{
    if (res->failure_kind != TM_RESOLVER_FINE)
        return;
    res->failure_kind = kind;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->failure, sizeof res->failure, fmt, ap);
    va_end(ap);
}

/* An answer that is no DNS message: the transport failed.  The run learns
 * of it once, with the server's name; the answer keeps the reason. */
static tm_answer_t *unreachable(tm_resolver_t *res, const entry_t *e, const char *reason)
{
    if (res->doh)
        set_failure(res, TM_RESOLVER_UNREACHABLE, _("cannot use the DoH server %s: %s"),
                    res->where, reason);
    else if (strchr(res->where, ','))
        set_failure(res, TM_RESOLVER_UNREACHABLE, _("cannot reach the DNS servers %s: %s"),
                    res->where, reason);
    else
        set_failure(res, TM_RESOLVER_UNREACHABLE, _("cannot reach the DNS server %s: %s"),
                    res->where, reason);
    return error_answer(e->name, e->type, TM_DNS_UNREACHABLE, reason);
}

/* A query left the network: its slot and its ID are free again. */
static void net_done(tm_resolver_t *res, entry_t *e, tm_answer_t *ans_own)
{
    res->in_flight--;
    if (!res->doh)
        release_id(res, e->id);
    entry_finish(res, e, ans_own);
}

static tm_status_t build_query(const tm_resolver_t *res, const entry_t *e, uint8_t *q,
                               size_t *qlen)
{
    return tm_dns_build_query(e->name, e->type, e->id, res->norecurse, q, QUERY_MAX, qlen);
}

/* One try: numbered by the window, timed for its round trip. */
static void send_entry(tm_resolver_t *res, entry_t *e, bool tcp)
{
    uint8_t q[QUERY_MAX];
    size_t qlen;
    tm_status_t st = build_query(res, e, q, &qlen);
    if (st != TM_OK) {
        net_done(res, e,
                 error_answer(e->name, e->type, TM_DNS_FORMERR, _("not a valid domain name")));
        return;
    }
    e->state = ENTRY_SENT;
    e->tries++;
    e->sent_us = tm_monotonic_us();
    e->seq = tm_window_sent(&res->window, e->sent_us);
    st = res->doh ? tm_doh_send(res->doh, q, qlen, on_doh, e)
                  : tm_cares_send(res->net, tcp, q, qlen, on_net, e);
    if (st != TM_OK)
        net_done(res, e, NULL);
}

/* Sends from the FIFO while the window has room and pacing allows; when
 * pacing holds questions back, pace_due_ms says when to go on. */
static void start_sends(tm_resolver_t *res)
{
    size_t window = tm_window_size(&res->window);
    long long now = tm_monotonic_us();
    res->pace_due_ms = -1;
    while (res->queue_head && res->in_flight < window) {
        if (!tm_window_may_send(&res->window, now)) {
            res->pace_due_ms = (tm_window_next_send_us(&res->window, now) + 999) / 1000;
            break;
        }
        entry_t *e = res->queue_head;
        res->queue_head = e->queue_next;
        res->queued--;
        if (!res->queue_head)
            res->queue_tail = &res->queue_head;
        e->queue_next = NULL;
        res->in_flight++;
        if (res->in_flight > res->stats.peak_in_flight)
            res->stats.peak_in_flight = (unsigned)res->in_flight;
        res->stats.sent++;
        /* RFC 8484 section 4.1: ID 0 over DoH, so that HTTP caches can
         * share the answer; HTTP matches answers to requests. */
        e->id = res->doh ? 0 : take_id(res);
        e->tries = 0;
        send_entry(res, e, false);
    }
}

/* A DNS message came for e's latest try: the server is reachable, and a
 * first try's round trip tells the window how the path is doing (Karn: a
 * retried question's answer may answer either try). */
static void got_message(tm_resolver_t *res, const entry_t *e)
{
    res->answers++;
    if (e->tries == 1)
        tm_window_on_answer(&res->window, tm_monotonic_us() - e->sent_us);
}

/* e's latest try timed out: it goes out again while tries are left (the
 * window halves for it); true when it did. */
static bool try_again(tm_resolver_t *res, entry_t *e)
{
    tm_window_on_timeout(&res->window, e->seq);
    if (e->tries >= res->tries)
        return false;
    res->stats.retransmissions++;
    send_entry(res, e, e->via_tcp);
    return true;
}

/* Every try timed out.  A server that has answered something in this run
 * is there and did not answer this question (TIMEOUT); one that has never
 * answered anything cannot be reached. */
static tm_answer_t *timed_out(tm_resolver_t *res, const entry_t *e)
{
    char why[256];
    snprintf(why, sizeof why,
             dngettext(TM_TEXTDOMAIN, "no answer from the DNS server (%u try of %u ms)",
                       "no answer from the DNS server (%u tries of %u ms each)", res->tries),
             res->tries, res->timeout_ms);
    if (res->answers == 0 && !res->silence_is_timeout)
        return unreachable(res, e, why);
    return error_answer(e->name, e->type, TM_DNS_TIMEOUT, why);
}

static void on_net(void *arg, tm_cares_result_t result, const uint8_t *msg, size_t len,
                   const char *reason)
{
    entry_t *e = arg;
    tm_resolver_t *res = e->res;
    tm_answer_t *ans = NULL;

    switch (result) {
    case TM_CARES_CANCELLED:
        return; /* the resolver is being destroyed and frees the entry */
    case TM_CARES_ANSWER:
        got_message(res, e);
        if (tm_dns_parse_response(msg, len, e->name, e->type, &ans) != TM_OK)
            ans = NULL;
        /* RFC 7766 section 5: a truncated UDP answer is asked again over
         * TCP.  A message larger than our advertised payload counts too. */
        if (ans && !e->via_tcp && (ans->truncated || len > 4096)) {
            e->via_tcp = true;
            e->tries = 0;
            res->stats.tcp_retries++;
            tm_answer_unref(ans);
            /* The slot stays taken; send_entry frees it if it fails. */
            send_entry(res, e, true);
            return;
        }
        if (ans && e->via_tcp)
            ans->truncated = true;
        break;
    case TM_CARES_TIMEOUT:
        if (try_again(res, e))
            return;
        ans = timed_out(res, e);
        break;
    case TM_CARES_REFUSED:
        /* Nothing answered: not the REFUSED response code (RFC 1035 section
         * 4.1.1), which only a server that answers can send. */
        ans = unreachable(res, e,
                          e->via_tcp ? _("the TCP connection for a truncated answer was "
                                         "refused or closed without an answer")
                                     : _("connection refused"));
        break;
    case TM_CARES_FAILED:
        ans = error_answer(e->name, e->type, TM_DNS_FORMERR, reason);
        break;
    }
    net_done(res, e, ans);
}

/* DoH answers parse with the same code as UDP answers, so the verdicts
 * cannot differ; HTTP and transport failures are no DNS message at all.
 * There is no truncation to recover from: an HTTP body carries the whole
 * message (RFC 8484 section 6).  doh.c tries again itself. */
static void on_doh(void *arg, tm_status_t status, tm_dns_outcome_t failure, const uint8_t *msg,
                   size_t len, const char *reason)
{
    entry_t *e = arg;
    tm_resolver_t *res = e->res;
    tm_answer_t *ans = NULL;

    if (status == TM_OK && failure == TM_DNS_NOERROR) {
        got_message(res, e);
        if (tm_dns_parse_response(msg, len, e->name, e->type, &ans) != TM_OK)
            ans = NULL;
    } else if (status == TM_OK && failure == TM_DNS_TIMEOUT) {
        tm_window_on_timeout(&res->window, e->seq);
        ans = res->answers || res->silence_is_timeout
                  ? error_answer(e->name, e->type, TM_DNS_TIMEOUT, reason)
                  : unreachable(res, e, reason);
    } else if (status == TM_OK && failure == TM_DNS_UNREACHABLE) {
        ans = unreachable(res, e, reason);
    } else if (status == TM_OK) {
        res->answers++; /* a body came, but not a usable DNS message */
        ans = error_answer(e->name, e->type, failure, reason);
    }
    net_done(res, e, ans);
}

/* ---- the API ---------------------------------------------------------------------- */

static tm_status_t load_zones(tm_resolver_t *res, const tm_resolver_options_t *opts, char *err,
                              size_t errlen)
{
    if (opts->nzones > TM_RESOLVER_MAX_ZONES) {
        tm_err_printf(err, errlen, _("too many zone files (at most %d)"), TM_RESOLVER_MAX_ZONES);
        return TM_ERANGE;
    }
    for (size_t i = 0; i < opts->nzones; i++) {
        tm_zone_options_t zopts = {.default_origin = opts->zone_origin,
                                   .include_dir = opts->zone_include_dir};
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

static tm_status_t setup_net(tm_resolver_t *res, const tm_resolver_options_t *opts, char *err,
                             size_t errlen)
{
    char csv[TM_RESOLVER_MAX_SERVERS * (INET6_ADDRSTRLEN + 10)];
    size_t used = 0;
    tm_cares_config_t cfg = {.timeout_ms = res->timeout_ms, .norecurse = res->norecurse};

    if (opts->nservers > TM_RESOLVER_MAX_SERVERS) {
        tm_err_printf(err, errlen, _("too many DNS servers (at most %d)"), TM_RESOLVER_MAX_SERVERS);
        return TM_ERANGE;
    }
    csv[0] = '\0';
    for (size_t i = 0; i < opts->nservers; i++) {
        char one[INET6_ADDRSTRLEN + 10];
        if (!opts->servers[i] || !tm_resolver_server_valid(opts->servers[i], one, sizeof one)) {
            tm_err_printf(err, errlen,
                    _("invalid DNS server '%s': expected an IP address, ADDR:PORT or [IPv6]:PORT"),
                    opts->servers[i] ? opts->servers[i] : "");
            return TM_EINVAL;
        }
        used += (size_t)snprintf(csv + used, sizeof csv - used, "%s%s", i ? "," : "", one);
    }
    cfg.servers_csv = opts->nservers ? csv : NULL;
    tm_status_t st = tm_cares_create(&cfg, &res->net, err, errlen);
    if (st == TM_OK)
        tm_cares_describe(res->net, res->where, sizeof res->where);
    return st;
}

static tm_status_t setup_doh(tm_resolver_t *res, const tm_resolver_options_t *opts, char *err,
                             size_t errlen)
{
    tm_doh_config_t cfg = {.url = opts->doh_url,
                           .timeout_ms = res->timeout_ms,
                           .tries = res->tries,
                           .cacert = opts->doh_cacert,
                           .capath = opts->doh_capath};
    snprintf(res->where, sizeof res->where, "%.*s", (int)tm_doh_url_len(opts->doh_url),
             opts->doh_url);
    return tm_doh_create(&cfg, &res->doh, err, errlen);
}

/* ---- the transport as the loop's first source ---------------------------------- */

static size_t transport_watch(void *self, struct pollfd *pfd, size_t max, long long *due)
{
    tm_resolver_t *res = self;
    return res->doh ? tm_doh_watch(res->doh, pfd, max, due)
                    : tm_cares_watch(res->net, pfd, max, due);
}

static void transport_handle(void *self, const struct pollfd *pfd, size_t n, long long now)
{
    tm_resolver_t *res = self;
    (void)now;
    if (res->doh) {
        tm_status_t st = tm_doh_handle(res->doh, pfd, n);
        if (st != TM_OK && res->loop_error == TM_OK)
            res->loop_error = st;
    } else {
        tm_cares_handle(res->net, pfd, n);
    }
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
    res->rules = opts->rules;
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
    res->nbuckets = 256;
    res->buckets = tm_calloc(res->nbuckets, sizeof *res->buckets);
    if (!res->buckets) {
        st = TM_ENOMEM;
        goto fail;
    }
    st = load_zones(res, opts, err, errlen);
    if (st != TM_OK)
        goto fail;
    if (!res->offline) {
        st = opts->doh_url ? setup_doh(res, opts, err, errlen) : setup_net(res, opts, err, errlen);
        if (st != TM_OK)
            goto fail;
        res->transport = (tm_poll_source_t){transport_watch, transport_handle, res};
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
    /* First the transport: c-ares calls back every query still in flight
     * with a cancellation, which touches no entry. */
    tm_cares_destroy(res->net);
    tm_doh_destroy(res->doh);
    waiter_t *w = res->ready_head;
    while (w) {
        waiter_t *next = w->next;
        tm_free(w);
        w = next;
    }
    for (size_t i = 0; res->buckets && i < res->nbuckets; i++) {
        entry_t *e = res->buckets[i];
        while (e) {
            entry_t *next = e->hash_next;
            entry_free(e);
            e = next;
        }
    }
    tm_free(res->buckets);
    for (size_t i = 0; i < res->nzones; i++)
        tm_zone_destroy(res->zones[i]);
    tm_loop_clear(&res->loop);
    tm_free(res);
}

static tm_status_t new_entry(tm_resolver_t *res, const char *name, uint16_t type, entry_t **out)
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

static void dispatch(tm_resolver_t *res, entry_t *e);

static void append_waiter(entry_t *e, waiter_t *w)
{
    w->entry = e;
    w->next = NULL;
    *e->waiters_tail = w;
    e->waiters_tail = &w->next;
}

/* Makes w wait for the answer of (name, type): from the cache, by joining
 * the question in flight, or by asking it. */
static tm_status_t attach(tm_resolver_t *res, const char *name, uint16_t type, waiter_t *w,
                          bool count_hit)
{
    entry_t *e = cache_find(res, name, type);
    if (e)
        e->referenced = true;
    if (!e) {
        tm_status_t st = new_entry(res, name, type, &e);
        if (st != TM_OK)
            return st;
        append_waiter(e, w);
        dispatch(res, e);
    } else if (e->state == ENTRY_DONE && !e->answer) {
        /* Building the answer failed for lack of memory: ask again. */
        append_waiter(e, w);
        dispatch(res, e);
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

static void on_chase(void *arg, tm_answer_t *end_own)
{
    entry_t *e = arg;
    tm_answer_t *ans = tm_resolve_merge_chain(e->name, end_own);
    tm_answer_unref(end_own);
    entry_finish(e->res, e, ans);
}

/* The zone's chain left every zone: e waits for the target's DNS answer. */
static void chase(tm_resolver_t *res, entry_t *e, const char *target)
{
    waiter_t *w = tm_calloc(1, sizeof *w);
    if (!w) {
        entry_finish(res, e, NULL);
        return;
    }
    w->cb = on_chase;
    w->arg = e;
    e->state = ENTRY_CHASING;
    if (attach(res, target, e->type, w, false) != TM_OK) {
        tm_free(w);
        entry_finish(res, e, NULL);
    }
}

/* Where a new question goes: answered now (zone, rules, offline unknown),
 * after a chase, or into the send FIFO. */
static void dispatch(tm_resolver_t *res, entry_t *e)
{
    const tm_zone_t *z = zone_for(res, e->name);
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
        entry_finish(res, e, oom ? NULL : ans);
        return;
    }
    if (res->offline) {
        entry_finish(res, e, offline_answer(res, e->name, e->type));
        return;
    }
    e->state = ENTRY_QUEUED;
    e->queue_next = NULL;
    *res->queue_tail = e;
    res->queue_tail = &e->queue_next;
    res->queued++;
}

tm_status_t tm_resolver_submit(tm_resolver_t *res, const char *name, uint16_t type,
                               tm_resolve_cb cb, void *arg)
{
    char canon[MAX_NAME_TEXT + 1];

    if (!res || !name || !cb)
        return TM_EINVAL;
    if (!tm_name_canonical(name, strlen(name), canon, sizeof canon))
        return TM_ERANGE;
    waiter_t *w = tm_calloc(1, sizeof *w);
    if (!w)
        return TM_ENOMEM;
    w->cb = cb;
    w->arg = arg;
    tm_status_t st = attach(res, canon, type, w, true);
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
        deliver_ready(res);
        make_calls(res);
        start_sends(res);
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

static bool network_busy(const tm_resolver_t *res)
{
    return (res->net || res->doh) && (res->in_flight > 0 || res->queue_head);
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
        if (!network_busy(res) && !sources)
            break; /* nothing can make progress (cannot happen) */
        long long now = tm_monotonic_ms();
        if (res->deadline_at && now >= res->deadline_at) {
            set_failure(res, TM_RESOLVER_DEADLINE,
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
        st = tm_loop_wait(&res->loop, network_busy(res) ? &res->transport : NULL, wait);
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
    return network_busy(res) ? transport_watch(res, pfd, max, due) : 0;
}

static void nested_handle(void *self, const struct pollfd *pfd, size_t n, long long now)
{
    tm_resolver_t *res = self;
    if (n > 0 || network_busy(res))
        transport_handle(res, pfd, n, now);
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

/* Takes back the callbacks of one caller that will not wait any longer
 * (its context is on its stack). */
static void forget_waiters(tm_resolver_t *res, tm_resolve_cb cb, void *arg)
{
    for (waiter_t **p = &res->ready_head; *p;) {
        waiter_t *w = *p;
        if (w->cb == cb && w->arg == arg) {
            *p = w->next;
            w->entry->ready--;
            retire(res, w->entry);
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

void tm_resolver_cancel(tm_resolver_t *res, tm_resolve_cb cb, void *arg)
{
    if (res && cb)
        forget_waiters(res, cb, arg);
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
        forget_waiters(res, on_fetch, &ctx);
    /* An answer that is no DNS message ends the run (tm_resolver_failure). */
    if (st == TM_OK && res->failure_kind != TM_RESOLVER_FINE)
        st = TM_ENETWORK;
    return st != TM_OK ? st : ctx.status;
}
